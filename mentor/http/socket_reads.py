"""hypercorn's read loop without a cancel scope around every read when there is no read timeout.

hypercorn's trio ``TCPServer._read_data`` wraps each ``receive_some`` in ``trio.fail_after(read_timeout or
inf)``: a generator context manager and a cancel scope entered and closed per read, even with no timeout to
enforce. Mentor sets none (a request body is bounded by ``body_timeout_s``, an idle connection by hypercorn's
keep-alive timeout), and on a WebSocket, where every message is a read, py-spy put ~5.5 % of the server's CPU
in that ``with`` line. ``_read_data`` is the same loop without it; a configured read timeout keeps hypercorn's.
"""

from __future__ import annotations

import trio
from hypercorn.events import Closed, RawData
from hypercorn.trio.tcp_server import MAX_RECV, TCPServer

from mentor.http.socket_writes import written_for_installed_hypercorn

_hypercorn_read_data = TCPServer._read_data


async def _read_data(self: TCPServer) -> None:
    if self.config.read_timeout:  # a timeout to enforce: hypercorn's loop
        await _hypercorn_read_data(self)
        return
    while True:
        try:
            data = await self.stream.receive_some(MAX_RECV)
        except (trio.ClosedResourceError, trio.BrokenResourceError):
            break
        await self.protocol.handle(RawData(bytes(data)))
        if data == b"":
            break
    await self.protocol.handle(Closed())


def use_plain_reads(enabled: bool) -> bool:
    """Read every connection from now on with ``_read_data`` (or hypercorn's own loop again); True when the
    plain loop is in use. Any other hypercorn than the one this was written for keeps its own."""
    enabled = enabled and written_for_installed_hypercorn("plain socket reads")
    TCPServer._read_data = _read_data if enabled else _hypercorn_read_data  # type: ignore[method-assign]
    return enabled
