"""Writes to a client socket that skip hypercorn's per-write lock and shielded scope when the kernel takes the
bytes at once.

hypercorn's trio ``TCPServer`` sends every chunk (an SSE batch, a WebSocket frame, a response) through
``protocol_send``: a ``trio.Lock``, a shielded ``CancelScope``, then ``SocketStream.send_all`` (a conflict
detector, a checkpoint, a rescheduling). py-spy on the fanout bench put 35 % of the server's CPU in
``protocol_send``, 23 points of it outside the send itself. A write usually fits the socket's buffer and needs
no wait, so ``_direct_send`` first tries one non-blocking ``write(2)``, with no await, when no other write
holds the lock; whatever is left (a full buffer, a closed or broken socket) goes hypercorn's way, which waits,
shields and handles errors as before. TLS streams always go hypercorn's way.

Order is kept: a free trio Lock has no waiters (a release hands the lock straight to the next one), and nothing
here awaits, so no other write can start in between. Without an await no cancellation can cut a write in half
either, which is what hypercorn's shield is for. A write that fits does not yield to other tasks; a task that
writes in a loop yields at its next wait, at the latest when the socket's buffer is full.

``bench.load fanout``, alternating with ``direct_socket_writes`` 0 (hypercorn's path only): 17.3 -> 10.6-11.0 µs of
server CPU per delivery, 57k -> 86-89k deliveries/s.

Each chunk of a chunked response (every SSE batch) also went through h11: a ``Data`` event, the state machine
and the ChunkedWriter, though a body chunk changes no state. ``_chunked_send`` frames it here, byte for byte as
the ChunkedWriter does, when h11 is sending a chunked body; anything else goes through h11. Fanout, alternating
with the tree before it: 8.56 / 8.61 -> 8.07 / 8.19 µs per delivery.
"""

from __future__ import annotations

import logging
import os
from importlib.metadata import version

import h11
import trio
from hypercorn.events import Event, RawData
from hypercorn.protocol.events import Body
from hypercorn.protocol.events import Event as StreamEvent
from hypercorn.protocol.h11 import H11Protocol
from hypercorn.trio.tcp_server import TCPServer

log = logging.getLogger(__name__)

try:
    from h11._writers import ChunkedWriter
except ImportError:  # another h11: every chunk goes its way
    ChunkedWriter = None  # type: ignore[assignment,misc]

WRITTEN_FOR = "0.18."  # the hypercorn whose protocol_send this was read and measured against
_hypercorn_send = TCPServer.protocol_send
_hypercorn_stream_send = H11Protocol.stream_send


async def _direct_send(self: TCPServer, event: Event) -> None:
    stream: trio.abc.Stream = self.stream  # hypercorn annotates an SSLStream; without TLS it is a SocketStream
    if type(event) is RawData and isinstance(stream, trio.SocketStream) and not self.send_lock.locked():
        data = event.data
        try:
            sent = os.write(stream.socket.fileno(), data)
        except OSError:  # a full buffer (BlockingIOError), a closed or broken socket: hypercorn's path
            sent = 0  # waits for room, or raises what it handles
        if sent == len(data):
            return
        if sent:
            event = RawData(data=data[sent:])
    await _hypercorn_send(self, event)


async def _chunked_send(self: H11Protocol, event: StreamEvent) -> None:
    """A response body chunk framed here, as h11's ChunkedWriter frames it, without h11's event and state
    machinery: a body chunk changes no h11 state (the response stays in SEND_BODY). Everything else, and any
    other framing (Content-Length, HTTP/1.0), goes through h11 as before."""
    connection = self.connection
    if type(event) is Body and connection.our_state is h11.SEND_BODY \
            and type(getattr(connection, "_writer", None)) is ChunkedWriter:  # (h11's; another h11: its own way)
        data = event.data
        if data:  # (an empty chunk would end the body: h11 sends nothing for it)
            await self.send(RawData(data=b"%x\r\n%b\r\n" % (len(data), data)))
        return
    await _hypercorn_stream_send(self, event)


def use_direct_writes(enabled: bool) -> bool:
    """Send through ``_direct_send`` and ``_chunked_send`` (or hypercorn's own ``protocol_send`` and
    ``stream_send`` again) in every connection from now on; True when writes go direct. Any other hypercorn
    than the one this was written for keeps its own."""
    if enabled and not version("hypercorn").startswith(WRITTEN_FOR):
        log.warning("hypercorn %s: direct socket writes were written for %sx, so they are off",
                    version("hypercorn"), WRITTEN_FOR)
        enabled = False
    TCPServer.protocol_send = _direct_send if enabled else _hypercorn_send  # type: ignore[method-assign]
    H11Protocol.stream_send = _chunked_send if enabled else _hypercorn_stream_send  # type: ignore[method-assign]
    return enabled
