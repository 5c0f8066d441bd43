"""Lean HTTP/1.1 and SSE over raw trio sockets.

httpx costs a few hundred microseconds of client CPU per request or event; with 200 subscribers on a
2-core machine shared with the server, the client would measure itself. These parsers do the minimum:
frame HTTP responses (Content-Length or chunked), split SSE events, and pull out only ``id``, ``event``
and ``client_ts`` by slicing bytes. The parsers are sans-IO (plain ``feed`` methods) so they are testable
without sockets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import trio

READ_SIZE = 65536
MAX_HEADER_BYTES = 65536


class WireError(Exception):
    """The server answered with something these parsers cannot frame, or closed mid-response."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    host: str
    port: int

    @classmethod
    def parse(cls, base_url: str) -> Endpoint:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname is None:
            raise ValueError(f"only http:// base URLs are supported, got {base_url!r}")
        return cls(parts.hostname, parts.port or 80)

    @property
    def ws_base(self) -> str:
        return f"ws://{self.host}:{self.port}"


class ChunkedDecoder:
    """Transfer-Encoding: chunked -> body bytes. ``done`` after the terminating zero-size chunk."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._left = -1  # bytes of the current chunk still to consume, including its CRLF; -1: size line next
        self.done = False

    def feed(self, data: bytes) -> bytes:
        buf = self._buf
        buf += data
        out = bytearray()
        while buf and not self.done:
            if self._left < 0:
                nl = buf.find(b"\r\n")
                if nl < 0:
                    break
                size = int(bytes(buf[:nl]).split(b";", 1)[0], 16)
                del buf[: nl + 2]
                if size == 0:
                    self.done = True
                    break
                self._left = size + 2
                continue
            take = min(self._left, len(buf))
            payload = max(0, min(take, self._left - 2))
            out += buf[:payload]
            del buf[:take]
            self._left -= take
            if self._left == 0:
                self._left = -1
        return bytes(out)


@dataclass(slots=True)
class SSEEvent:
    id: int | None  # None for stream-control events (heartbeat, lagged, shutdown, reset)
    event: bytes
    client_ts: float | None  # from the data of caption events, else None
    raw: bytes  # the whole event block, for callers that want the data


class SSEParser:
    """Split an SSE body into events; the ``retry:`` block and comments are dropped."""

    def __init__(self) -> None:
        self._buf = b""

    def feed(self, data: bytes) -> list[SSEEvent]:
        buf = self._buf + data
        blocks = buf.split(b"\n\n")
        self._buf = blocks.pop()
        events = []
        for block in blocks:
            if block.startswith(b"id: "):
                nl = block.index(b"\n")
                seq: int | None = int(block[4:nl])
                rest = block[nl + 1:]
            else:
                seq, rest = None, block
            if not rest.startswith(b"event: "):
                continue  # retry: or a comment
            nl = rest.find(b"\n")
            events.append(SSEEvent(seq, rest[7:nl], client_ts_of(rest), block))
        return events


_TS_KEY = b'"client_ts":'


def client_ts_of(payload: bytes) -> float | None:
    """The ``client_ts`` number inside a JSON payload, found by slicing rather than decoding it all."""
    at = payload.find(_TS_KEY)
    if at < 0:
        return None
    start = at + len(_TS_KEY)
    end = start
    while end < len(payload) and payload[end] not in b",}":
        end += 1
    try:
        return float(payload[start:end])
    except ValueError:  # null
        return None


def event_data(raw: bytes) -> Any:
    """The decoded ``data:`` of one SSE event block."""
    at = raw.find(b"\ndata: ")
    return json.loads(raw[at + 7:]) if at >= 0 else None


@dataclass(slots=True)
class Head:
    status: int
    headers: dict[bytes, bytes]


def parse_head(raw: bytes) -> Head:
    lines = raw.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise WireError(f"not an HTTP/1.x response: {lines[0][:80]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    return Head(int(parts[1]), headers)


def build_request(method: str, path: str, endpoint: Endpoint, body: bytes | None = None,
                  headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {endpoint.host}:{endpoint.port}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


class HTTPConnection:
    """One keep-alive connection; requests on it are sequential. Raises WireError or OSError on failure."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._stream: trio.SocketStream | None = None
        self._buf = bytearray()

    async def _connected(self) -> trio.SocketStream:
        if self._stream is None:
            self._stream = await trio.open_tcp_stream(self.endpoint.host, self.endpoint.port)
            self._buf = bytearray()
        return self._stream

    async def aclose(self) -> None:
        if self._stream is not None:
            await self._stream.aclose()
            self._stream = None

    async def request(self, method: str, path: str, body: Any = None,
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        raw_body = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        try:
            stream = await self._connected()
            await stream.send_all(build_request(method, path, self.endpoint, raw_body, headers))
            head = await self._read_head(stream)
            data = await self._read_body(stream, head)
        except BaseException:
            await self.aclose()  # the connection state is unknown: never reuse it
            raise
        if head.headers.get(b"connection", b"").lower() == b"close":
            await self.aclose()
        return head.status, data

    async def _fill(self, stream: trio.SocketStream) -> None:
        data = await stream.receive_some(READ_SIZE)
        if not data:
            raise WireError("connection closed mid-response")
        self._buf += data

    async def _read_head(self, stream: trio.SocketStream) -> Head:
        while (end := self._buf.find(b"\r\n\r\n")) < 0:
            if len(self._buf) > MAX_HEADER_BYTES:
                raise WireError("response head too large")
            await self._fill(stream)
        head = parse_head(bytes(self._buf[:end]))
        del self._buf[: end + 4]
        return head

    async def _read_body(self, stream: trio.SocketStream, head: Head) -> bytes:
        if b"content-length" in head.headers:
            n = int(head.headers[b"content-length"])
            while len(self._buf) < n:
                await self._fill(stream)
            data = bytes(self._buf[:n])
            del self._buf[:n]
            return data
        if head.headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            decoder, out = ChunkedDecoder(), bytearray()
            out += decoder.feed(bytes(self._buf))
            self._buf = bytearray()
            while not decoder.done:
                out += decoder.feed(await stream.receive_some(READ_SIZE))
            return bytes(out)
        if head.status in (204, 304) or head.status < 200:
            return b""
        raise WireError("response without Content-Length or chunked encoding")


async def open_sse(endpoint: Endpoint, path: str, token: str,
                   last_event_id: int | None = None) -> tuple[trio.SocketStream, Head, bytes]:
    """Send the GET for an event stream; returns the socket, the response head and any body bytes already
    read (still chunk-encoded when the response is chunked)."""
    stream = await trio.open_tcp_stream(endpoint.host, endpoint.port)
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    try:
        await stream.send_all(build_request("GET", path, endpoint, None, headers))
        buf = b""
        while (end := buf.find(b"\r\n\r\n")) < 0:
            data = await stream.receive_some(READ_SIZE)
            if not data:
                raise WireError("connection closed before the response head")
            buf += data
    except BaseException:
        await stream.aclose()
        raise
    return stream, parse_head(buf[:end]), buf[end + 4:]
