"""A scripted OpenAI-compatible server for tests and benchmarks: POST /v1/chat/completions on 127.0.0.1.

Start it in a test's nursery; it answers each request with the next scripted `Reply` (then `default`), and
records every request so tests can assert on prompts::

    from tests.openai_stub import OpenAIStub, Reply

    stub = OpenAIStub(Reply.error(429), Reply(chunks=("Hi", " there")))
    base_url = await nursery.start(stub.serve)          # "http://127.0.0.1:<port>/v1"
    ...  # point AsyncOpenAI / OpenAIEngine at base_url
    assert stub.requests[-1].body["stream"] is True
    await stub.wait_idle()                              # every streamed response has ended

Streaming replies are real SSE over chunked HTTP/1.1 (`data: {chunk}` events, then `data: [DONE]`), so the
`openai` client parses them exactly as it would a real server's. A `Reply` can delay the first token and
each chunk, fail with an HTTP status, cut the connection mid-stream, send a malformed chunk, or stall.
A raw trio server (not Quart) because cuts and stalls must be exact at the socket level.

Also here: `refused_url()` (a base URL where nothing listens) and a realistic sample resume for tests.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from typing import Any

import trio


@dataclass(frozen=True)
class Reply:
    """How the stub answers one request.

    chunks: content pieces, one SSE event each (a non-streaming request gets them joined).
    status: HTTP status; anything but 200 sends an OpenAI-style error body instead of an answer.
    first_token_delay: seconds before the first content chunk (the response headers go out at once).
    chunk_delay: seconds between content chunks.
    cut_after / malformed_after / stall_after: after that many content chunks, close the TCP connection
        without ending the body / send `data: {not json` and carry on / go silent until the client leaves.
    usage: (prompt_tokens, completion_tokens) sent as a final usage chunk when the request asked for it
        (`stream_options.include_usage`); None sends no usage.
    retry_after: value of a Retry-After header on error replies.
    """

    chunks: tuple[str, ...] = ("Hello", " from", " the", " stub.")
    status: int = 200
    first_token_delay: float = 0.0
    chunk_delay: float = 0.0
    cut_after: int | None = None
    malformed_after: int | None = None
    stall_after: int | None = None
    usage: tuple[int, int] | None = (42, 7)
    retry_after: float | None = None
    model: str = "stub-model"

    @classmethod
    def error(cls, status: int, *, retry_after: float | None = None) -> Reply:
        """An HTTP error reply (e.g. 429, 500)."""
        return cls(status=status, retry_after=retry_after)

    @classmethod
    def text(cls, text: str, **options: Any) -> Reply:
        """A reply streaming `text` word by word (whitespace kept with the word before it)."""
        words = text.split(" ")
        chunks = tuple(w + " " for w in words[:-1]) + (words[-1],)
        return cls(chunks=chunks, **options)


@dataclass(frozen=True)
class RecordedRequest:
    """A request the stub received; `body` is the parsed JSON body."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def prompt_text(self) -> str:
        """All message contents joined, for `in` assertions."""
        return "\n".join(str(m.get("content", "")) for m in self.messages)


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests"}


class OpenAIStub:
    """The server. Scripted replies are used in order, then `default` for every further request.

    `requests` lists every request received; `streams_open` counts streamed responses in progress;
    `connections_accepted` counts TCP connections (to see whether a retry reused one).
    """

    def __init__(self, *replies: Reply, default: Reply | None = None) -> None:
        self.replies = deque(replies)
        self.default = default or Reply()
        self.requests: list[RecordedRequest] = []
        self.streams_open = 0
        self.connections_accepted = 0
        self._idle = trio.Event()
        self._idle.set()

    def script(self, *replies: Reply) -> None:
        """Queue more replies after those already scripted."""
        self.replies.extend(replies)

    async def serve(self, *, task_status: trio.TaskStatus[str] = trio.TASK_STATUS_IGNORED) -> None:
        """Listen on 127.0.0.1, port chosen by the OS; `task_status.started` gets the base URL (…/v1).

        Runs until cancelled; connections are handled in tasks of its own nursery.
        """
        listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
        port = listeners[0].socket.getsockname()[1]
        task_status.started(f"http://127.0.0.1:{port}/v1")
        await trio.serve_listeners(self._connection, listeners)

    async def wait_idle(self) -> None:
        """Return once no streamed response is in progress (each ended, was cut, or its client left)."""
        while self.streams_open:
            await self._idle.wait()

    # --- HTTP ---------------------------------------------------------------------------------------

    async def _connection(self, stream: trio.SocketStream) -> None:
        self.connections_accepted += 1
        buffer = bytearray()
        async with stream:
            try:
                while True:
                    request = await _read_request(stream, buffer)
                    if request is None:
                        return
                    self.requests.append(request)
                    reply = self.replies.popleft() if self.replies else self.default
                    if not await self._respond(stream, request, reply):
                        return
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                return

    async def _respond(self, stream: trio.SocketStream, request: RecordedRequest, reply: Reply) -> bool:
        """Answer one request; False when the connection must not be reused."""
        if request.path.rstrip("/") != "/v1/chat/completions":
            await _send_json(
                stream, 404, {"error": {"message": "not found", "type": "invalid_request_error"}}
            )
            return True
        if reply.status != 200:
            error = {"error": {"message": f"scripted {reply.status}", "type": "stub_error", "code": None}}
            extra = {"retry-after": f"{reply.retry_after:g}"} if reply.retry_after is not None else {}
            await _send_json(stream, reply.status, error, extra)
            return True
        if not request.body.get("stream"):
            await trio.sleep(reply.first_token_delay)
            await _send_json(stream, 200, _completion(reply))
            return True
        self.streams_open += 1
        self._idle = trio.Event()
        try:
            return await self._stream(stream, request, reply)
        finally:
            self.streams_open -= 1
            if not self.streams_open:
                self._idle.set()

    async def _stream(self, stream: trio.SocketStream, request: RecordedRequest, reply: Reply) -> bool:
        await stream.send_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
            b"transfer-encoding: chunked\r\n\r\n"
        )
        base = {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 0, "model": reply.model}

        async def event(payload: dict[str, Any] | str) -> None:
            data = payload if isinstance(payload, str) else json.dumps(payload)
            body = f"data: {data}\n\n".encode()
            await stream.send_all(f"{len(body):x}\r\n".encode() + body + b"\r\n")

        await trio.sleep(reply.first_token_delay)
        for index, piece in enumerate(reply.chunks):
            if index == reply.cut_after:
                return False  # leaving closes the socket mid-body: the client sees an incomplete chunked body
            if index == reply.stall_after:
                await _wait_for_client_to_leave(stream)
                return False
            if index == reply.malformed_after:
                await event("{not json")
            if index:
                await trio.sleep(reply.chunk_delay)
            delta: dict[str, Any] = {"content": piece} if index else {"role": "assistant", "content": piece}
            await event({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
        if reply.cut_after is not None and reply.cut_after >= len(reply.chunks):
            return False
        await event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        options = request.body.get("stream_options") or {}
        if reply.usage is not None and options.get("include_usage"):
            prompt, completion = reply.usage
            usage = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            }
            await event({**base, "choices": [], "usage": usage})
        await event("[DONE]")
        await stream.send_all(b"0\r\n\r\n")
        return True


def _completion(reply: Reply) -> dict[str, Any]:
    text = "".join(reply.chunks)
    body: dict[str, Any] = {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 0,
        "model": reply.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
    }
    if reply.usage is not None:
        prompt, completion = reply.usage
        body["usage"] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
    return body


async def _send_json(
    stream: trio.SocketStream, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    body = json.dumps(payload).encode()
    head = f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\ncontent-type: application/json\r\n"
    head += f"content-length: {len(body)}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    await stream.send_all(head.encode() + b"\r\n" + body)


async def _wait_for_client_to_leave(stream: trio.SocketStream) -> None:
    try:
        while await stream.receive_some(65536):
            pass
    except (trio.BrokenResourceError, trio.ClosedResourceError):
        pass


async def _read_request(stream: trio.SocketStream, buffer: bytearray) -> RecordedRequest | None:
    """The next request on the connection, None at a clean end of the connection."""
    while b"\r\n\r\n" not in buffer:
        data = await stream.receive_some(65536)
        if not data:
            return None
        buffer += data
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = bytearray(rest)
    while len(body) < length:
        data = await stream.receive_some(65536)
        if not data:
            return None
        body += data
    buffer[:] = body[length:]
    parsed = json.loads(bytes(body[:length]) or b"{}")
    return RecordedRequest(method, path.split("?")[0], headers, parsed)


async def refused_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (a port that was just free), for "unreachable" tests."""
    listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
    port = listeners[0].socket.getsockname()[1]
    for listener in listeners:
        await listener.aclose()
    return f"http://127.0.0.1:{port}/v1"


SAMPLE_RESUME_MD = """\
# Maria Schneider
Senior Backend Engineer · Berlin, Germany
maria.schneider@example.com | +49 30 1234 5678 | linkedin.com/in/mariaschneider | https://github.com/mschneider
Musterstraße 12, 10115 Berlin

## Summary
Backend engineer with 8 years building payment and logistics platforms in Python and Go. I like turning
slow, fragile systems into fast, observable ones.

## Experience
### Senior Backend Engineer — Zalando SE (Mar 2020 – Present)
- Led the migration of the checkout payment service from a monolith to event-driven services on Kafka, \
cutting p99 latency from 900 ms to 210 ms.
- Mentored 4 engineers; two were promoted within a year.
- Introduced contract testing with Pact, reducing integration incidents by 35%.

### Backend Engineer — Delivery Hero, Berlin (Jan 2017 – Feb 2020)
- Built the rider dispatch API in Go handling 12,000 requests per second at peak.
- Reduced AWS costs by $180k per year by moving batch jobs to spot instances.
- Resolved a long-running disagreement with the mobile team about API versioning by running a joint design review.

**Software Developer**, Kiwi Solutions | 2015 - 2016
- Maintained Django apps for 30 retail clients.

## Skills
- Languages: Python, Go, SQL
- Infrastructure: Kafka, PostgreSQL, Kubernetes, AWS, Terraform

## Education
B.Sc. Computer Science, TU Berlin, 2015

## Projects
- **pg-queue**: open-source job queue on PostgreSQL, 1.2k GitHub stars
"""
"""A realistic resume (fictional person) with contact details that parsing must strip."""
