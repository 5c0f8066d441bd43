"""Direct socket writes (mentor/http/socket_writes.py): what does not fit the socket's buffer waits for room,
every chunk still arrives whole and in order, and a client that never makes room is disconnected."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
import trio
import trio.testing
from hypercorn.config import Config
from hypercorn.events import RawData
from hypercorn.protocol.h11 import H11Protocol
from hypercorn.protocol.http_stream import HTTPStream
from hypercorn.trio.tcp_server import TCPServer

from mentor.http import socket_writes
from mentor.settings import from_env
from tests.conftest import Server, User, make_settings, register, running_server
from tests.rawhttp import RawConnection

CHUNK = 40_000  # bytes per write: a few fill a Unix socket's buffer
WRITES = 30  # per writer


@pytest.fixture
def direct() -> Iterator[None]:
    assert socket_writes.use_direct_writes(True)
    yield
    socket_writes.use_direct_writes(True)  # the server's default, for the tests after this one


def server_over(sock: trio.socket.SocketType) -> TCPServer:
    return TCPServer(None, Config(), None, None, trio.SocketStream(sock))  # type: ignore[arg-type]


def chunk(writer: int, n: int) -> bytes:
    head = f"<{writer}:{n}>".encode()
    return head + bytes([65 + writer]) * (CHUNK - len(head))


@pytest.fixture
def slow_path_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the writes that did not fit at once, and went the waiting (lock, shield, bound) way."""
    calls: list[int] = []
    send_bounded = socket_writes._send_bounded

    async def counted(self: TCPServer, data: bytes) -> None:
        calls.append(len(data))
        await send_bounded(self, data)

    monkeypatch.setattr(socket_writes, "_send_bounded", counted)
    return calls


async def test_a_write_that_fits_skips_hypercorns_path(direct: None, monkeypatch: pytest.MonkeyPatch) -> None:
    sends: list[bytes] = []
    send_all = trio.SocketStream.send_all

    async def counted(self: trio.SocketStream, data: bytes) -> None:
        sends.append(data)
        await send_all(self, data)

    monkeypatch.setattr(trio.SocketStream, "send_all", counted)
    a, b = trio.socket.socketpair()
    with a, b:
        await server_over(a).protocol_send(RawData(data=b"data: hello\n\n"))
        assert await b.recv(100) == b"data: hello\n\n"
    assert sends == []  # no lock, no shielded scope, no send_all


async def test_concurrent_writes_past_a_full_buffer_arrive_whole_and_in_order(
        direct: None, slow_path_calls: list[int]) -> None:
    a, b = trio.socket.socketpair()
    server = server_over(a)
    received = bytearray()

    async def write(writer: int) -> None:
        for n in range(WRITES):
            await server.protocol_send(RawData(data=chunk(writer, n)))

    with a, b, trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            for writer in range(3):
                nursery.start_soon(write, writer)
            await trio.testing.wait_all_tasks_blocked()  # the buffer is full and the writers wait: now read
            while len(received) < 3 * WRITES * CHUNK:
                received += await b.recv(1 << 16)
    seen: dict[int, list[int]] = {0: [], 1: [], 2: []}
    for at in range(0, len(received), CHUNK):  # each write arrived whole: no other write's bytes inside it
        piece = bytes(received[at:at + CHUNK])
        head = piece.partition(b">")[0]
        writer, n = map(int, head[1:].split(b":"))
        assert piece == chunk(writer, n)
        seen[writer].append(n)
    assert seen == {w: list(range(WRITES)) for w in range(3)}  # each writer's writes in the order it made them
    assert slow_path_calls, "a full buffer must send the rest the waiting way"
    assert any(size < CHUNK for size in slow_path_calls), "a partly written chunk hands on only its remainder"


async def test_a_closed_socket_raises_what_hypercorn_handles(direct: None) -> None:
    a, b = trio.socket.socketpair()
    server = server_over(a)
    a.close()  # the write fails at once; the waiting path handles ClosedResourceError as hypercorn does
    b.close()
    handled: list[object] = []

    class Protocol:
        async def handle(self, event: object) -> None:
            handled.append(event)

    server.protocol = Protocol()  # type: ignore[assignment]
    await server.protocol_send(RawData(data=b"data: late\n\n"))
    assert [type(e).__name__ for e in handled] == ["Closed"]


def test_the_setting_and_the_version_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        assert not socket_writes.use_direct_writes(False)
        assert TCPServer.protocol_send is socket_writes._hypercorn_send
        assert H11Protocol.stream_send is socket_writes._hypercorn_stream_send
        assert HTTPStream.app_send is socket_writes._hypercorn_app_send
        monkeypatch.setattr(socket_writes, "version", lambda _name: "0.19.0")
        assert not socket_writes.use_direct_writes(True)  # another hypercorn keeps its own path
        assert TCPServer.protocol_send is socket_writes._hypercorn_send
    finally:
        monkeypatch.undo()
        assert socket_writes.use_direct_writes(True)
    assert TCPServer.protocol_send is socket_writes._direct_send
    assert H11Protocol.stream_send is socket_writes._chunked_send
    assert HTTPStream.app_send is socket_writes._body_send
    assert not from_env({"MENTOR_DIRECT_SOCKET_WRITES": "off"}).direct_socket_writes
    assert from_env({"MENTOR_DIRECT_SOCKET_WRITES": "1"}).direct_socket_writes
    with pytest.raises(ValueError, match="direct_socket_writes must be 1 or 0"):
        from_env({"MENTOR_DIRECT_SOCKET_WRITES": "maybe"})


async def _sse_bytes(server: Server, user: User, version: str, until: bytes) -> bytes:
    """The raw bytes of a session's event stream, over ``version`` (HTTP/1.1 or HTTP/1.0), up to ``until``."""
    session = await user.create_session()
    for n in range(3):  # events to replay, a chunk each
        r = await user.request("POST", f"/sessions/{session['id']}/captions",
                               json={"speaker_role": "interviewer", "text": f"caption {n} ü"})
        assert r.status_code == 200, r.text
    conn = await RawConnection.open(server.url)
    raw = b""
    with trio.fail_after(10):
        await conn.send(f"GET /sessions/{session['id']}/events HTTP/{version}\r\nHost: test\r\n"
                        f"Authorization: Bearer {user.token}\r\n\r\n".encode())
        while until not in raw:
            raw += await conn.stream.receive_some(65536)
    await conn.aclose()
    return raw


def _unchunk(body: bytes) -> bytes:
    """The payload of a chunked body (as far as it goes); fails on a malformed chunk."""
    out = b""
    while body:
        size, sep, rest = body.partition(b"\r\n")
        assert sep, body
        n = int(size, 16)
        if len(rest) < n + 2:
            break  # a chunk still on its way
        assert rest[n:n + 2] == b"\r\n", rest[:n + 2]
        out, body = out + rest[:n], rest[n + 2:]
    return out


@pytest.mark.parametrize("direct_writes", [True, False])
async def test_event_stream_chunks_are_framed_as_h11_frames_them(
        server: Server, user: User, direct_writes: bool) -> None:
    """HTTP/1.1: chunked framing, whether the chunks are framed here (direct writes) or by h11. HTTP/1.0 has no
    chunks: the body runs to the end of the connection, and direct writes leave that framing to h11."""
    try:
        socket_writes.use_direct_writes(direct_writes)
        raw = await _sse_bytes(server, user, "1.1", b"caption 2")
        head, _, body = raw.partition(b"\r\n\r\n")
        assert b"transfer-encoding: chunked" in head.lower()
        events = _unchunk(body).decode()
        old = await _sse_bytes(server, user, "1.0", b"caption 2")
        head10, _, body10 = old.partition(b"\r\n\r\n")
    finally:
        socket_writes.use_direct_writes(True)
    assert events.startswith("retry:") and "caption 0 ü" in events and "caption 1 ü" in events
    assert b"transfer-encoding" not in head10.lower()
    assert body10.startswith(b"retry:") and "caption 1 ü".encode() in body10


async def _events_without_reading(url: str, session_id: str, token: str) -> trio.SocketStream:
    """An event stream whose client reads nothing yet, over a small TCP window: the server's writes soon stall."""
    stream = (await RawConnection.open(url, receive_buffer=4096)).stream
    await stream.send_all(f"GET /sessions/{session_id}/events HTTP/1.1\r\nHost: test\r\n"
                          f"Authorization: Bearer {token}\r\n\r\n".encode())
    return stream


async def test_an_event_stream_past_a_full_buffer_arrives_whole_and_in_order(
        server: Server, user: User, direct: None, slow_path_calls: list[int]) -> None:
    """A client that stops reading for a while: the stream's chunks fill the socket's buffers, the rest of each
    waits for room, and every event arrives once, in order, in valid chunks."""
    session = await user.create_session()
    captions = 80  # 80 x 4 KB: more than the socket buffers hold while the client does not read
    with trio.fail_after(20):
        stream = await _events_without_reading(server.url, session["id"], user.token)
        for n in range(captions):
            r = await user.request("POST", f"/sessions/{session['id']}/captions",
                                   json={"speaker_role": "candidate", "text": f"<{n}> " + "x" * 4000})
            assert r.status_code == 200, r.text
        raw, last = b"", f"<{captions - 1}> {'x' * 4000}".encode()
        async with stream:
            while last not in _unchunk(raw.partition(b"\r\n\r\n")[2]):
                raw += await stream.receive_some(65536)
    events = _unchunk(raw.partition(b"\r\n\r\n")[2]).decode()
    assert [int(m) for m in re.findall(r"<(\d+)> x", events)] == list(range(captions))
    assert slow_path_calls, "a full buffer must send the rest the waiting way"


async def test_a_client_that_never_reads_again_is_disconnected_and_holds_no_shutdown(database_url: str) -> None:
    """Writes are shielded from cancellation (no chunk is cut in half): unbounded, a client whose window stays
    shut held its stream's task and the server's shutdown for good. With ``send_stall_timeout_s`` the server
    stops within its grace period, and the client finds its connection closed."""
    settings = make_settings(database_url, send_stall_timeout_s=0.5, graceful_timeout_s=1.0)
    with trio.fail_after(30):
        async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as client:
            user = await register(client)
            sid = (await user.create_session())["id"]
            stream = await _events_without_reading(srv.url, sid, user.token)
            for batch in range(5):  # 100 x 4 KB: the server's writes to this client stall
                captions = [{"speaker_role": "candidate", "text": f"<{batch}-{i}> " + "x" * 4000} for i in range(20)]
                assert (await user.captions(sid, captions)).status_code == 200
        # The server has stopped: what the client had not read ends at the connection's close.
        raw = b""
        async with stream:
            while chunk := await stream.receive_some(65536):
                raw += chunk
    assert raw.startswith(b"HTTP/1.1 200") and b"<0-0> x" in raw
    assert b"<4-19> x" not in raw and not raw.endswith(b"0\r\n\r\n")  # cut off, not the stream's own end
