"""hypercorn's read loop without a cancel scope per read (mentor/http/socket_reads.py): the same events in the
same order as hypercorn's own loop, and hypercorn's loop wherever a read timeout is configured."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import trio
import trio.testing
from hypercorn.events import Closed, RawData
from hypercorn.trio.tcp_server import TCPServer

from mentor.http import socket_reads, socket_writes
from mentor.settings import from_env


class Recorder:
    def __init__(self) -> None:
        self.events: list[Any] = []

    async def handle(self, event: Any) -> None:
        self.events.append(event)


async def _events_read(loop: Any, read_timeout: float | None, closed_by: str) -> list[Any]:
    """What ``loop`` hands the protocol for "hello", then "world", then the peer closing (``eof``) or this
    side's stream being closed under it (``local``)."""
    a, b = trio.socket.socketpair()
    stream = trio.SocketStream(a)
    protocol = Recorder()
    server = SimpleNamespace(config=SimpleNamespace(read_timeout=read_timeout), stream=stream, protocol=protocol)
    with trio.fail_after(5), b:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(loop, server)
            await b.send(b"hello")
            await trio.testing.wait_all_tasks_blocked()
            await b.send(b"world")
            await trio.testing.wait_all_tasks_blocked()
            if closed_by == "eof":
                b.shutdown(trio.socket.SHUT_WR)
            else:
                await stream.aclose()
    return protocol.events


@pytest.mark.parametrize("closed_by", ["eof", "local"])
async def test_the_plain_loop_hands_on_what_hypercorns_does(closed_by: str) -> None:
    plain = await _events_read(socket_reads._read_data, None, closed_by)
    hypercorns = await _events_read(socket_reads._hypercorn_read_data, None, closed_by)
    assert plain == hypercorns
    ending = [RawData(b""), Closed()] if closed_by == "eof" else [Closed()]
    assert plain == [RawData(b"hello"), RawData(b"world"), *ending]


async def test_a_read_timeout_keeps_hypercorns_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[float] = []

    async def hypercorns(server: Any) -> None:
        calls.append(server.config.read_timeout)

    monkeypatch.setattr(socket_reads, "_hypercorn_read_data", hypercorns)
    server = SimpleNamespace(config=SimpleNamespace(read_timeout=7.0))
    await socket_reads._read_data(server)  # type: ignore[arg-type]
    assert calls == [7.0]


def test_the_setting_and_the_version_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        assert not socket_reads.use_plain_reads(False)
        assert TCPServer._read_data is socket_reads._hypercorn_read_data
        monkeypatch.setattr(socket_writes, "version", lambda _name: "0.19.0")  # (the guard both share)
        assert not socket_reads.use_plain_reads(True)  # another hypercorn keeps its own loop
        assert TCPServer._read_data is socket_reads._hypercorn_read_data
    finally:
        monkeypatch.undo()
        assert socket_reads.use_plain_reads(True)  # the server's default, for the tests after this one
    assert TCPServer._read_data is socket_reads._read_data
    assert not from_env({"MENTOR_PLAIN_SOCKET_READS": "0"}).plain_socket_reads
