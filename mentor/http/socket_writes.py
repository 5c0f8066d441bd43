"""Writes to a client socket that skip hypercorn's per-write lock and shielded scope when the kernel takes the
bytes at once.

hypercorn's trio ``TCPServer`` sends every chunk (an SSE batch, a WebSocket frame, a response) through
``protocol_send``: a ``trio.Lock``, a shielded ``CancelScope``, then ``SocketStream.send_all`` (a conflict
detector, a checkpoint, a rescheduling). py-spy on the fanout bench put 35 % of the server's CPU in
``protocol_send``, 23 points of it outside the send itself. A write usually fits the socket's buffer and needs
no wait, so ``_direct_send`` first tries one non-blocking ``write(2)``, with no await, when no other write
holds the lock; whatever is left (a full buffer, a closed or broken socket) goes ``_send_bounded``: hypercorn's
way (the lock, the shield, its handling of a client that left), with a bound on a client that stops reading
(``send_stall_timeout_s``). TLS streams always go that way.

Order is kept: a free trio Lock has no waiters (a release hands the lock straight to the next one), and nothing
here awaits, so no other write can start in between. Without an await no cancellation can cut a write in half
either, which is what hypercorn's shield is for. A write that fits does not yield to other tasks; a task that
writes in a loop yields at its next wait, at the latest when the socket's buffer is full.

``bench.load fanout``, alternating with ``direct_socket_writes`` 0 (hypercorn's path only): 17.3 -> 10.6-11.0 µs of
server CPU per delivery, 57k -> 86-89k deliveries/s.

Each chunk of a chunked response (every SSE batch) also went through h11: a ``Data`` event, the state machine
and the ChunkedWriter, though a body chunk changes no state. ``_chunked_send`` frames it here, byte for byte as
the ChunkedWriter does, when h11 is sending a chunked body; anything else goes through h11. Fanout, alternating
with the tree before it: 8.56 / 8.61 -> 8.07 / 8.19 µs per delivery. ``_body_send`` then takes an SSE batch
from the ASGI message to the socket in one step, without hypercorn's ``Body`` and ``RawData`` events and the
protocol layers they pass.
"""

from __future__ import annotations

import logging
import os
from importlib.metadata import version

import h11
import trio
from hypercorn.events import Closed, Event, RawData
from hypercorn.protocol.events import Body
from hypercorn.protocol.events import Event as StreamEvent
from hypercorn.protocol.h11 import H11Protocol
from hypercorn.protocol.http_stream import ASGIHTTPState, HTTPStream
from hypercorn.trio.tcp_server import TCPServer
from hypercorn.typing import ASGISendEvent

log = logging.getLogger(__name__)

try:
    from h11._writers import ChunkedWriter
except ImportError:  # another h11: every chunk goes its way
    ChunkedWriter = None  # type: ignore[assignment,misc]

WRITTEN_FOR = "0.18."  # the hypercorn whose internals these patches (and socket_reads') were read against
_hypercorn_send = TCPServer.protocol_send
_hypercorn_stream_send = H11Protocol.stream_send
_hypercorn_app_send = HTTPStream.app_send


def _write_now(server: TCPServer, data: bytes) -> int:
    """How much of ``data`` the kernel took in one non-blocking ``write(2)``, with no await; 0 when another
    write holds the lock, the stream is TLS, or the write failed (a full buffer, a closed or broken socket)."""
    stream: trio.abc.Stream = server.stream  # hypercorn annotates an SSLStream; without TLS it is a SocketStream
    if not isinstance(stream, trio.SocketStream) or server.send_lock.locked():
        return 0
    try:
        return os.write(stream.socket.fileno(), data)
    except OSError:  # hypercorn's path waits for room, or raises what it handles
        return 0


async def _direct_send(self: TCPServer, event: Event) -> None:
    if type(event) is not RawData:
        await _hypercorn_send(self, event)
        return
    data = event.data
    sent = _write_now(self, data)
    if sent < len(data):
        await _send_bounded(self, data[sent:])  # (bytes[0:] is the same object: no copy)


STALL_SLICE = 65_536  # bytes a client's socket must take within the stall timeout; a larger write goes in slices
_stall_timeout_s = 10.0  # set by use_direct_writes


async def _send_bounded(self: TCPServer, data: bytes) -> None:
    """hypercorn's write (under its lock, shielded from the writer's cancellation so that no chunk is cut in
    half) with a bound: a client whose socket does not take a slice within ``_stall_timeout_s`` is disconnected.
    Unbounded, a client that stops reading kept the write, its task and the connection for good, and held a
    graceful shutdown for as long: hypercorn closes a connection's socket only after its tasks have ended."""
    async with self.send_lock:
        try:
            with trio.CancelScope(shield=True):
                for at in range(0, len(data), STALL_SLICE):
                    with trio.move_on_after(_stall_timeout_s) as stall:
                        await self.stream.send_all(data[at:at + STALL_SLICE])
                    if stall.cancelled_caught:
                        log.info("a client took less than %d bytes in %s s: its connection is closed", STALL_SLICE,
                                 _stall_timeout_s)
                        await trio.aclose_forcefully(self.stream)
                        break
                else:
                    return  # all of it written
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass  # the client is gone (as hypercorn handles it)
    await self.protocol.handle(Closed())


def _sends_chunks(connection: object) -> bool:
    """h11 is sending a chunked body (a body chunk changes no h11 state: the response stays in SEND_BODY).
    Content-Length and HTTP/1.0 bodies, HEAD, 204 and 304 responses, and another h11 (no ``_writer``) do not
    qualify: they go through h11."""
    return getattr(connection, "our_state", None) is h11.SEND_BODY \
        and type(getattr(connection, "_writer", None)) is ChunkedWriter


async def _chunked_send(self: H11Protocol, event: StreamEvent) -> None:
    """A response body chunk framed here, as h11's ChunkedWriter frames it, without h11's event and state
    machinery. Everything else goes through h11 as before."""
    if type(event) is Body and _sends_chunks(self.connection):
        data = event.data
        if data:  # (an empty chunk would end the body: h11 sends nothing for it)
            await self.send(RawData(data=b"%x\r\n%b\r\n" % (len(data), data)))
        return
    await _hypercorn_stream_send(self, event)


async def _body_send(self: HTTPStream, message: ASGISendEvent | None) -> None:
    """An ASGI body message with more to come, on an HTTP/1.1 response under way with a chunked body (every SSE
    batch): framed and written here, without the ``Body`` and ``RawData`` events and the two protocol layers
    they pass through. Anything else (the response's start, its last chunk, HTTP/2, TLS) goes hypercorn's
    way, and so does whatever the socket's buffer does not take at once."""
    if message is not None and message["type"] == "http.response.body" and message.get("more_body", False) \
            and self.state is ASGIHTTPState.RESPONSE:
        protocol = getattr(self.send, "__self__", None)  # the bound stream_send of the connection's protocol
        if type(protocol) is H11Protocol and _sends_chunks(protocol.connection):
            data = message.get("body", b"")
            if data:
                framed = b"%x\r\n%b\r\n" % (len(data), data)
                server = getattr(protocol.send, "__self__", None)  # the bound protocol_send of the TCPServer
                if type(server) is not TCPServer:
                    await protocol.send(RawData(data=framed))
                elif (sent := _write_now(server, framed)) < len(framed):
                    await _send_bounded(server, framed[sent:])
            return
    await _hypercorn_app_send(self, message)


def written_for_installed_hypercorn(what: str) -> bool:
    """Whether the installed hypercorn is the one ``what`` (a patch of its internals) was written for; if not,
    a warning says the patch stays off."""
    if version("hypercorn").startswith(WRITTEN_FOR):
        return True
    log.warning("hypercorn %s: %s were written for %sx, so they are off", version("hypercorn"), what, WRITTEN_FOR)
    return False


def use_direct_writes(enabled: bool, stall_timeout_s: float = 10.0) -> bool:
    """Send through ``_direct_send``, ``_chunked_send`` and ``_body_send`` (or hypercorn's own
    ``protocol_send``, ``stream_send`` and ``app_send`` again) in every connection from now on, disconnecting
    a client whose socket does not take 64 KiB within ``stall_timeout_s``; True when writes go direct. Any other
    hypercorn than the one this was written for keeps its own."""
    global _stall_timeout_s
    _stall_timeout_s = stall_timeout_s
    enabled = enabled and written_for_installed_hypercorn("direct socket writes")
    TCPServer.protocol_send = _direct_send if enabled else _hypercorn_send  # type: ignore[method-assign]
    H11Protocol.stream_send = _chunked_send if enabled else _hypercorn_stream_send  # type: ignore[method-assign]
    HTTPStream.app_send = _body_send if enabled else _hypercorn_app_send  # type: ignore[method-assign]
    return enabled
