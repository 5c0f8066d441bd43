"""The server stacks alone: one do-nothing app under Mentor's stack and under the peer's.

``FloorApp`` is the smallest raw ASGI app that ``bench.load``'s interviews, ingest and fanout scenarios accept:
sessions and their events in memory, each caption acknowledged and published to the session's SSE streams
as it arrives. It has no persistence, no validation, no authentication, no detection and no framework. Served
by hypercorn on trio (with Mentor's socket tweaks, as ``mentor serve`` runs it) it shows what the stack that
Mentor's design fixes costs per caption when the application costs next to nothing; served by uvicorn on uvloop
with httptools (as the FastAPI peer runs), what the peer's stack costs. The app is written once, on anyio, so
the two runs differ only in the server and the event loop. It is a reference, not a strict lower bound: its
streams go through anyio's memory streams and hypercorn's ``send``, which Mentor's own SSE path avoids.

    python -m bench.stack_floor --server hypercorn --port 18600           # Mentor's environment
    bench/results/peer-venv/bin/python -m bench.stack_floor --server uvicorn --port 18601
    python -m bench.compare_peer --floors                                  # both, beside Mentor and the peer

This module must import with nothing but anyio and orjson: the peer's environment runs it too.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import resource
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import anyio
import orjson
from anyio import CancelScope
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

if TYPE_CHECKING:
    from hypercorn.config import Config

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

SUBSCRIBER_QUEUE = 1024  # events buffered per SSE stream; a stream that falls further behind is ended
SSE_HEADERS = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-store")]
JSON_HEADERS = [(b"content-type", b"application/json")]


class Session:
    __slots__ = ("events", "subscribers")

    def __init__(self) -> None:
        self.events: list[bytes] = []  # SSE blocks; event id n is events[n - 1]
        self.subscribers: set[MemoryObjectSendStream[bytes]] = set()

    def publish(self, kind: bytes, data: Any) -> int:
        event_id = len(self.events) + 1
        block = b"id: %d\nevent: %s\ndata: %s\n\n" % (event_id, kind, orjson.dumps(data))
        self.events.append(block)
        for inbox in tuple(self.subscribers):
            try:
                inbox.send_nowait(block)
            except anyio.WouldBlock:  # too far behind: end its stream (the client resumes with Last-Event-ID)
                self.subscribers.discard(inbox)
                inbox.close()
        return event_id

    def take(self, captions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"index": i, "block_id": c.get("block_id"), "revision": c.get("revision"), "status": "new",
                 "event_id": self.publish(b"new_caption", {"caption": c})} for i, c in enumerate(captions)]


def captions_of(payload: Any) -> list[dict[str, Any]]:
    """One caption, a list, or ``{"captions": [...]}``, as Mentor and the peer accept them."""
    if isinstance(payload, list):
        return payload
    captions: list[dict[str, Any]] = payload.get("captions", [payload])
    return captions


class FloorApp:
    def __init__(self) -> None:
        self.sessions: dict[str, Session] = {}
        self.ids = itertools.count(1)

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self.websocket(scope, receive, send)
        elif scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})

    def session_of(self, parts: list[str]) -> Session | None:
        return self.sessions.get(parts[1]) if len(parts) == 3 and parts[0] == "sessions" else None

    async def http(self, scope: Message, receive: Receive, send: Send) -> None:
        method, parts = scope["method"], scope["path"].strip("/").split("/")
        session = self.session_of(parts)
        if method == "GET" and session is not None and parts[2] == "events":
            await self.sse(session, scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if method == "GET" and parts == ["health"]:
            await reply(send, 200, {"status": "ok"})
        elif method == "POST" and parts[:1] == ["auth"]:
            await reply(send, 201, {"access_token": "floor", "token_type": "bearer"})
        elif method == "POST" and parts == ["sessions"]:
            session_id = str(next(self.ids))
            self.sessions[session_id] = created = Session()
            created.publish(b"session_created", {"session_id": session_id})
            await reply(send, 201, {"id": session_id})
        elif method == "POST" and session is not None and parts[2] == "captions":
            await reply(send, 200, {"results": session.take(captions_of(orjson.loads(body)))})
        elif method == "PUT" and session is not None and parts[2] == "auto-answer":
            await reply(send, 200, orjson.loads(body))
        else:
            await reply(send, 404, {"title": "not found"})

    async def sse(self, session: Session, scope: Message, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        raw = headers.get(b"last-event-id") or parse_qs(scope["query_string"].decode()).get(
            "last_event_id", [b""])[0]
        after = int(raw) if raw and int(raw) <= len(session.events) else 0
        inbox_in, inbox = anyio.create_memory_object_stream[bytes](SUBSCRIBER_QUEUE)
        session.subscribers.add(inbox_in)
        try:
            await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
            await send({"type": "http.response.body", "body": b"retry: 1000\n\n" + b"".join(session.events[after:]),
                        "more_body": True})
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(_cancel_on_disconnect, receive, tasks.cancel_scope)
                await _relay(inbox, send)
                tasks.cancel_scope.cancel()
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            session.subscribers.discard(inbox_in)

    async def websocket(self, scope: Message, receive: Receive, send: Send) -> None:
        """A producer socket (``?events=false``, what the scenarios use): each command gets its ack."""
        session = self.session_of(scope["path"].strip("/").split("/"))
        await receive()  # websocket.connect
        if session is None:
            await send({"type": "websocket.close", "code": 4404})
            return
        await send({"type": "websocket.accept"})
        while (message := await receive())["type"] == "websocket.receive":
            command = orjson.loads(message.get("text") or message.get("bytes") or b"{}")
            result = session.take(command["captions"]) if command.get("type") == "captions" else []
            await send({"type": "websocket.send",
                        "text": orjson.dumps({"type": "ack", "id": command.get("id"), "result": result}).decode()})


async def reply(send: Send, status: int, body: Any) -> None:
    await send({"type": "http.response.start", "status": status, "headers": JSON_HEADERS})
    await send({"type": "http.response.body", "body": orjson.dumps(body)})


async def _relay(inbox: MemoryObjectReceiveStream[bytes], send: Send) -> None:
    """Everything queued goes out as one write, as in Mentor's and the peer's streams."""
    async with inbox:
        async for block in inbox:
            blocks = [block]
            while True:
                try:
                    blocks.append(inbox.receive_nowait())
                except (anyio.WouldBlock, anyio.EndOfStream):
                    break
            await send({"type": "http.response.body", "body": b"".join(blocks), "more_body": True})


async def _cancel_on_disconnect(receive: Receive, scope: CancelScope) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    scope.cancel()


def hypercorn_config(bind: str) -> Config:
    """As ``mentor serve`` runs hypercorn: trio worker, direct socket writes, plain reads, no pings, no logs."""
    from hypercorn.config import Config

    from mentor.http.socket_reads import use_plain_reads
    from mentor.http.socket_writes import use_direct_writes

    use_direct_writes(True)
    use_plain_reads(True)
    config = Config()
    config.bind = [bind]
    config.accesslog = None
    config.websocket_ping_interval = None
    return config


def serve_hypercorn(app: FloorApp, host: str, port: int) -> None:
    import trio
    from hypercorn.trio import serve

    trio.run(serve, app, hypercorn_config(f"{host}:{port}"))  # type: ignore[arg-type]


def serve_uvicorn(app: FloorApp, host: str, port: int) -> None:
    """As the peer's serve.py runs uvicorn."""
    import uvicorn  # type: ignore[import-not-found]  # the peer's environment has it

    uvicorn.run(app, host=host, port=port, loop="uvloop", http="httptools", ws="auto", log_level="warning",
                access_log=False, backlog=4096)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", choices=["hypercorn", "uvicorn"], required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18600)
    args = parser.parse_args(argv)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # thousands of streams
    gc.set_threshold(50_000, 50, 100)  # Mentor's collector settings, on both stacks alike
    gc.freeze()
    serve = serve_hypercorn if args.server == "hypercorn" else serve_uvicorn
    serve(FloorApp(), args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
