"""Server-Sent Events over real sockets: fan-out, exact replay with Last-Event-ID, reset, heartbeats,
slow subscribers, and the end of a session."""

from __future__ import annotations

import json
import tempfile
from typing import Any

import httpx
import pytest
import trio
import trio.testing
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from trio_websocket import ConnectionClosed, open_websocket_url

from tests.conftest import User, make_settings, register, running_server
from tests.rawhttp import RawConnection
from tests.sse import SSE, read_events


def cap(text: str, **kw: Any) -> dict[str, Any]:
    return {"speaker_role": "interviewer", "text": text, **kw}


async def collect(user: User, sid: str, count: int, *, headers: dict[str, str] | None = None,
                  params: dict[str, str] | None = None, into: list[SSE] | None = None,
                  started: trio.Event | None = None) -> list[SSE]:
    """Read ``count`` id-carrying events (control events are kept too) from a fresh stream."""
    out: list[SSE] = [] if into is None else into
    async with user.client.stream("GET", f"/sessions/{sid}/events", headers={**user.auth, **(headers or {})},
                                  params=params) as response:
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-accel-buffering"] == "no"
        if started is not None:
            started.set()
        async for ev in read_events(response):
            out.append(ev)
            if sum(1 for e in out if e.id is not None) >= count:
                break
    return out


async def test_every_subscriber_sees_the_same_events_live(user: User) -> None:
    sid = (await user.create_session())["id"]
    results: list[list[SSE]] = [[] for _ in range(3)]
    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            for i in range(3):
                started = trio.Event()
                nursery.start_soon(lambda i=i, s=started: collect(user, sid, 6, into=results[i], started=s))
                await started.wait()
            await user.captions(sid, cap("Welcome to the", block_id="b1", revision=1, final=False))
            await user.captions(sid, cap("Welcome to the call.", block_id="b1", revision=2))
            await user.captions(sid, [cap("Thanks for having me", speaker_role="candidate"),
                                      cap("Great to meet you")])
            await user.request("PUT", f"/sessions/{sid}/auto-answer", json={"enabled": False})
    for got in results:
        assert [(e.id, e.event) for e in got] == [
            (1, "session_created"), (2, "new_caption"), (3, "caption_updated"), (4, "new_caption"),
            (5, "new_caption"), (6, "answers_paused")]
        assert got[2].data["text"] == "Welcome to the call." and got[2].data["id"] == 1
    assert results[0][1].data == results[1][1].data == results[2][1].data


async def test_last_event_id_replays_exactly_what_was_missed(user: User) -> None:
    sid = (await user.create_session())["id"]
    for i in range(10):
        await user.captions(sid, cap(f"caption {i}"))
    with trio.fail_after(10):
        got = await collect(user, sid, 5, headers={"Last-Event-ID": "6"})
        assert [e.id for e in got] == [7, 8, 9, 10, 11]
        got = await collect(user, sid, 3, params={"last_event_id": "8"})  # first-connect form
        assert [e.id for e in got] == [9, 10, 11]
        got = await collect(user, sid, 11)
        assert [e.id for e in got] == list(range(1, 12))


@pytest.mark.parametrize("bad_id", ["999", "abc", "-5"])
async def test_an_id_that_cannot_be_honoured_yields_reset(user: User, bad_id: str) -> None:
    sid = (await user.create_session())["id"]
    await user.captions(sid, cap("hello"))
    with trio.fail_after(10):
        got = await collect(user, sid, 2, headers={"Last-Event-ID": bad_id})
    assert got[0].event == "reset" and got[0].id is None and got[0].data["head"] == 2
    assert [e.id for e in got[1:]] == [1, 2]


async def test_replay_survives_a_restart_and_reads_the_durable_log(database_url: str) -> None:
    settings = make_settings(database_url, actor_recent_events=4)  # most of the replay comes from the store
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c, "restart@example.com")
        sid = (await user.create_session())["id"]
        await user.captions(sid, [cap(f"line {i}") for i in range(30)])
    async with running_server(settings) as srv2, httpx.AsyncClient(base_url=srv2.url, timeout=10) as c:
        r = await c.post("/auth/login", json={"email": "restart@example.com", "password": "correct horse"})
        user = User(c, "restart@example.com", r.json())
        with trio.fail_after(10):
            got = await collect(user, sid, 27, headers={"Last-Event-ID": "4"})
        assert [e.id for e in got] == list(range(5, 32))
        assert got[-1].data["text"] == "line 29"


async def test_heartbeats_keep_quiet_streams_alive(database_url: str) -> None:
    settings = make_settings(database_url, heartbeat_s=0.05)
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c)
        sid = (await user.create_session())["id"]
        beats = 0
        with trio.fail_after(10):
            async with c.stream("GET", f"/sessions/{sid}/events", params={"token": user.token}) as response:
                async for ev in read_events(response):
                    if ev.event == "heartbeat":
                        assert ev.id is None  # heartbeats never move Last-Event-ID
                        beats += 1
                        if beats == 2:
                            break


async def test_an_ended_session_replays_then_closes_and_then_answers_204(user: User) -> None:
    sid = (await user.create_session())["id"]
    await user.captions(sid, cap("last words"))
    await user.request("POST", f"/sessions/{sid}/end")
    with trio.fail_after(10):
        r = await user.request("GET", f"/sessions/{sid}/events")
        assert [line for line in r.text.splitlines() if line.startswith("id: ")] == ["id: 1", "id: 2", "id: 3"]
        r = await user.request("GET", f"/sessions/{sid}/events", headers={"Last-Event-ID": "3"})
        assert r.status_code == 204  # EventSource stops reconnecting


async def test_live_stream_finishes_when_the_session_ends(user: User) -> None:
    sid = (await user.create_session())["id"]
    got: list[SSE] = []
    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            started = trio.Event()

            async def reader() -> None:
                async with user.client.stream("GET", f"/sessions/{sid}/events", headers=user.auth) as response:
                    started.set()
                    async for ev in read_events(response):
                        got.append(ev)  # runs until the server closes the stream

            nursery.start_soon(reader)
            await started.wait()
            await user.request("POST", f"/sessions/{sid}/end")
    assert [e.event for e in got] == ["session_created", "session_ended"]


async def test_cookie_and_query_tokens_work_for_streams_only(client: httpx.AsyncClient, user: User) -> None:
    sid = (await user.create_session())["id"]
    await user.request("POST", f"/sessions/{sid}/end")
    r = await client.get(f"/sessions/{sid}/events", params={"token": user.token})
    assert r.status_code == 200 and "session_ended" in r.text
    r = await client.get(f"/sessions/{sid}/events", headers={"Cookie": f"mentor_access_token={user.token}"})
    assert r.status_code == 200
    r = await client.get(f"/sessions/{sid}/events", params={"token": "garbage"})
    assert r.status_code == 401


async def test_a_subscriber_that_never_reads_is_cut_off_without_slowing_others(database_url: str) -> None:
    settings = make_settings(database_url, subscriber_queue_size=64)
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c)
        sid = (await user.create_session())["id"]
        # A raw client with a tiny receive buffer that never reads.
        stalled = (await RawConnection.open(srv.url, receive_buffer=4096)).stream
        await stalled.send_all(f"GET /sessions/{sid}/events?token={user.token} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        healthy: list[SSE] = []
        # Enough events that the stalled stream must overflow whatever the timing: its writer may hold up to a
        # queue's worth (64) in flight, 64 more may wait in the queue, and the kernel buffers hold a few dozen.
        batches = 12
        total = 1 + 20 * batches
        with trio.fail_after(20):
            async with trio.open_nursery() as inner:
                started = trio.Event()
                inner.start_soon(lambda: collect(user, sid, total, into=healthy, started=started))
                await started.wait()
                for batch in range(batches):
                    body = [cap(f"{batch}-{i} " + "x" * 4000) for i in range(20)]
                    assert (await user.captions(sid, body)).status_code == 200
        assert [e.id for e in healthy] == list(range(1, total + 1))
        # The stalled client's stream ends with a lagged event once it reads again: bounded, not buffered.
        received = b""
        with trio.fail_after(20):
            while chunk := await stalled.receive_some(65536):
                received += chunk
                if b"event: lagged" in received:
                    break
        assert b"event: lagged" in received
        assert len(received) < total * 4100  # it did not get (or queue) everything
        await stalled.aclose()


@hyp_settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(cuts=st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=5))
async def test_replay_property_cut_anywhere_and_the_union_is_the_log(cuts: list[int]) -> None:
    """Read a few events, drop the connection, reconnect with the last id: no gap, no duplicate."""
    settings = make_settings(f"sqlite:///{tempfile.mkdtemp(prefix='mentor-hyp-')}/m.db")
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c)
        sid = (await user.create_session())["id"]
        await user.captions(sid, [cap(f"c{i}") for i in range(15)])
        head = 16
        seen: list[int] = []
        last: str | None = None
        with trio.fail_after(20):
            for n in cuts + [head]:
                want = min(n, head - len(seen))
                if want <= 0:
                    break
                got = await collect(user, sid, want, headers={"Last-Event-ID": last} if last else None)
                seen += [e.id for e in got if e.id is not None]
                last = str(seen[-1])
                # new events keep arriving between connections
                if len(seen) < head and n % 2:
                    await user.captions(sid, cap(f"late {len(seen)}"))
                    head += 1
        assert seen == list(range(1, len(seen) + 1))
        assert len(seen) == head


async def test_a_client_that_disconnects_leaves_its_session_at_once(user: User) -> None:
    sid = (await user.create_session())["id"]
    with trio.fail_after(10):
        async with user.client.stream("GET", f"/sessions/{sid}/events", headers=user.auth) as response:
            async for ev in read_events(response):
                assert ev.event == "session_created"
                break
            assert (await user.client.get("/health")).json()["live_streams"] == 1
        # the stream is closed by the client: the server notices the disconnect, not a later write
        while (await user.client.get("/health")).json()["live_streams"]:
            await trio.sleep(0.01)


async def test_streams_end_when_their_token_expires(database_url: str) -> None:
    settings = make_settings(database_url, access_token_ttl_s=2, heartbeat_s=0.2)
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c)
        sid = (await user.create_session())["id"]
        got: list[SSE] = []
        with trio.fail_after(10):
            async with c.stream("GET", f"/sessions/{sid}/events", headers=user.auth) as response:
                async for ev in read_events(response):
                    got.append(ev)  # until the server ends the stream
        assert [e.event for e in got if e.event != "heartbeat"] == ["session_created", "token_expired"]
        fresh = (await c.post("/auth/login", json={"email": user.email, "password": "correct horse"})).json()
        ws = srv.url.replace("http://", "ws://") + f"/sessions/{sid}/ws?token={fresh['access_token']}"
        with trio.fail_after(10):
            async with open_websocket_url(ws) as sock:
                messages = []
                with pytest.raises(ConnectionClosed):
                    while True:
                        messages.append(json.loads(await sock.get_message()))
        assert messages[-1]["type"] == "error" and messages[-1]["code"] == "token_expired"


async def test_subscriber_queue_semantics() -> None:
    """The actor's side never blocks; the stream drains what was queued before it learns of the close."""
    from mentor.actors.subscribers import Subscriber
    from mentor.events import Event, EventType

    events = [Event.make("s", i, EventType.NEW_CAPTION, {"i": i}) for i in range(1, 5)]
    sub = Subscriber(queue_size=3)
    assert all(sub.offer(e) for e in events[:3])
    assert not sub.offer(events[3]) and sub.reason == "lagged" and not sub.alive  # full: cut off, not blocked
    with trio.fail_after(1):
        assert [e.seq for e in await sub.next_batch() or []] == [1, 2, 3]
        assert await sub.next_batch() is None
    waiting = Subscriber(queue_size=3)
    async with trio.open_nursery() as nursery:
        got: list[list[int]] = []

        async def consume() -> None:
            while (batch := await waiting.next_batch()) is not None:
                got.append([e.seq for e in batch])

        nursery.start_soon(consume)
        await trio.testing.wait_all_tasks_blocked()
        waiting.offer(events[0])
        waiting.offer(events[1])
        await trio.testing.wait_all_tasks_blocked()
        waiting.close("ended")
    assert got == [[1, 2]]
    waiting.leave()
    assert not waiting.offer(events[2])


async def test_a_stream_cancelled_while_waiting_is_not_woken_later() -> None:
    """A stream parked in next_batch and cancelled there (its client left) leaves nothing behind that the
    actor's next offer would wake; a batch larger than the limit is served in order across calls."""
    from mentor.actors.subscribers import Subscriber
    from mentor.events import Event, EventType

    events = [Event.make("s", i, EventType.NEW_CAPTION, {"i": i}) for i in range(1, 6)]
    sub = Subscriber(queue_size=10)
    with trio.move_on_after(0.01) as scope:
        await sub.next_batch()
    assert scope.cancelled_caught
    with trio.fail_after(1):
        assert all(sub.offer(e) for e in events)  # would reschedule the gone task if it were still recorded
        assert [e.seq for e in await sub.next_batch(limit=2) or []] == [1, 2]
        assert [e.seq for e in await sub.next_batch(limit=2) or []] == [3, 4]
        assert [e.seq for e in await sub.next_batch(limit=2) or []] == [5]
