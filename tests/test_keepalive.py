"""Issue 10, item 1: an answer sent before the request body was read must not leave the connection hung.

Where the hang was: hypercorn's ``H11Protocol._maybe_recycle`` (hypercorn/protocol/h11.py) closes a
connection whose request body is still arriving by calling ``TCPServer._close`` from inside the app's own
task; quart-trio cancels that task's nursery as soon as hypercorn queues ``http.disconnect``, so the close
is cancelled at its first checkpoint. The socket stays open with no stream and an h11 state that is never
recycled: the next request on it gets ``h11.PAUSED`` and waits for ``can_read`` forever (and the idle timer
was stopped, so not even keep-alive expiry ends it).
"""

from __future__ import annotations

import contextlib

import pytest
import trio

from tests.conftest import Server, User, make_settings, running_server
from tests.rawhttp import RawConnection, request


async def _early_answer_then_next_request(server: Server, headers: dict[str, str], status: int) -> None:
    """Headers, then a body larger than hypercorn's app queue (10 x 64 KiB) while the answer comes back;
    then a second request on the same connection. Before the fix that request hung in most runs."""
    body = b"x" * 1_000_000
    conn = await RawConnection.open(server.url)
    with trio.fail_after(10):
        await conn.send(request("POST", "/sessions", headers, content_length=len(body)))
        async with trio.open_nursery() as nursery:

            async def send_body() -> None:
                with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError):
                    await conn.send(body)

            nursery.start_soon(send_body)
            first = await conn.read_response()  # answered, often before the body was read
            assert first.status == status
        with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError):
            await conn.send(request("GET", "/health"))
        if first.headers.get("connection") == "close":
            assert await conn.at_eof()  # marked close: the server closes it, and closing is all it may do
        else:  # the whole body was read before the answer: the connection is reusable and reused
            assert (await conn.read_response()).status == 200
    await conn.aclose()


@pytest.mark.parametrize("attempt", range(3))
async def test_early_401_with_unread_body_closes_instead_of_hanging(server: Server, attempt: int) -> None:
    await _early_answer_then_next_request(server, {"Content-Type": "application/json"}, 401)


@pytest.mark.parametrize("attempt", range(3))
async def test_early_415_with_a_token_closes_instead_of_hanging(server: Server, user: User, attempt: int) -> None:
    await _early_answer_then_next_request(server, {"Content-Type": "text/plain", **user.auth}, 415)


async def test_small_early_answer_then_next_request_is_answered_or_closed(server: Server) -> None:
    conn = await RawConnection.open(server.url)
    body = b'{"title": "x"}'
    with trio.fail_after(10):
        await conn.send(request("POST", "/sessions", {"Content-Type": "application/json"}, content_length=len(body)))
        first = await conn.read_response()
        assert first.status == 401 and first.headers.get("connection") == "close"
        with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError):
            await conn.send(body + request("GET", "/health"))
        assert await conn.at_eof()
    await conn.aclose()


async def test_keep_alive_is_kept_when_the_body_was_read(server: Server, user: User) -> None:
    conn = await RawConnection.open(server.url)
    with trio.fail_after(10):
        for _ in range(3):
            await conn.send(request("POST", "/sessions", {"Content-Type": "application/json", **user.auth},
                                    b'{"title": "kept alive"}'))
            answer = await conn.read_response()
            assert answer.status == 201 and answer.headers.get("connection") != "close"
    await conn.aclose()


async def test_a_body_that_never_finishes_gets_408_and_its_socket_closes(database_url: str) -> None:
    """Item 10: the 408 came at BODY_TIMEOUT but the socket stayed open (100 of 100 still open at 70 s)."""
    async with running_server(make_settings(database_url, body_timeout_s=0.5)) as srv:
        conns = [await RawConnection.open(srv.url) for _ in range(5)]
        with trio.fail_after(10):
            for conn in conns:
                await conn.send(request("POST", "/auth/login", {"Content-Type": "application/json"},
                                        b'{"email": "a@b.co", ', content_length=1000))
            for conn in conns:
                answer = await conn.read_response()
                assert answer.status == 408 and answer.headers.get("connection") == "close"
                assert answer.headers["content-type"] == "application/problem+json"
                assert await conn.at_eof()
                await conn.aclose()
