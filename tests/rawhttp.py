"""A raw HTTP/1.1 client over one TCP connection, for tests that need exact control of the wire:
a body sent after the answer, a body that never ends, a second request on the same connection."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import trio


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class RawConnection:
    def __init__(self, stream: trio.SocketStream) -> None:
        self.stream = stream
        self._buffer = b""

    @classmethod
    async def open(cls, url: str, receive_buffer: int | None = None) -> RawConnection:
        """``receive_buffer``: SO_RCVBUF set before connecting, so that a small TCP window soon stalls the
        server's writes to a client that does not read."""
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        if receive_buffer is None:
            return cls(await trio.open_tcp_stream(host, port))
        sock = trio.socket.socket()
        sock.setsockopt(trio.socket.SOL_SOCKET, trio.socket.SO_RCVBUF, receive_buffer)
        await sock.connect((host, port))
        return cls(trio.SocketStream(sock))

    async def send(self, data: bytes) -> None:
        await self.stream.send_all(data)

    async def _fill(self) -> bool:
        chunk = await self.stream.receive_some(65536)
        self._buffer += chunk
        return bool(chunk)

    async def read_response(self) -> RawResponse:
        """One response with a Content-Length or chunked body. Raises EOFError if the server closed first."""
        while b"\r\n\r\n" not in self._buffer:
            if not await self._fill():
                raise EOFError("connection closed before a response")
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        response = RawResponse(int(status_line.split()[1]), headers)
        if "content-length" in headers:
            size = int(headers["content-length"])
            while len(self._buffer) < size:
                if not await self._fill():
                    raise EOFError("connection closed inside a body")
            response.body, self._buffer = self._buffer[:size], self._buffer[size:]
        elif headers.get("transfer-encoding") == "chunked":
            while not self._buffer.endswith(b"0\r\n\r\n"):
                if not await self._fill():
                    raise EOFError("connection closed inside a body")
            response.body, self._buffer = self._buffer, b""
        return response

    async def at_eof(self) -> bool:
        """Whether the server closes the connection (reads until EOF; anything else it sends is an error)."""
        try:
            more = await self._fill()
        except trio.BrokenResourceError:
            return True  # reset: closed too
        return not more

    async def aclose(self) -> None:
        await self.stream.aclose()


def request(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"",
            content_length: int | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: test"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    size = len(body) if content_length is None else content_length
    if size or method in {"POST", "PUT", "PATCH"}:
        lines.append(f"Content-Length: {size}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
