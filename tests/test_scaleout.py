"""Several processes on one PostgreSQL (issue 16): any process serves any session; commands reach the
owner, streams on another process get the owner's events, the owner's death moves its sessions within the
lease TTL with nothing acknowledged lost, and a stale owner's writes are fenced out.

Real server processes (``mentor serve``) over real sockets; skipped when MENTOR_TEST_DATABASE_URL is unset.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, aclosing
from pathlib import Path

import httpx
import orjson
import pytest
import sqlalchemy as sa
import trio
import trio.testing

from mentor.store import FencedOut, StoreWriter, leases
from mentor.store.database import create_engine, migrate
from mentor.store.writer import WriteOp
from tests.conftest import PG_ENV, TEST_SECRET, User, _pg_schema_url, register
from tests.sse import SSE, read_events
from tests.test_durability import LISTENING, _drain, server_process

TTL = "2"  # seconds: failover tests wait for leases to expire


@pytest.fixture
def pg_url() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: several processes need PostgreSQL")
    yield from _pg_schema_url(base)


async def _login(client: httpx.AsyncClient, email: str) -> User:
    r = await client.post("/auth/login", json={"email": email, "password": "correct horse"})
    assert r.status_code == 200, r.text
    return User(client, email, r.json())


async def two_nodes(stack: AsyncExitStack, pg_url: str, email: str, *, a_env: dict[str, str] | None = None,
                    b_env: dict[str, str] | None = None, a_timeout: float = 10,
                    b_timeout: float = 10) -> tuple[trio.Process, User, User]:
    """Processes A and B on one database (lease TTL ``TTL`` unless the env says otherwise), and one user
    registered through A and signed in on B: (A's process, the user on A, the user on B)."""
    lease = {"MENTOR_LEASE_TTL_S": TTL}
    a_proc, a_url = await stack.enter_async_context(server_process(pg_url, **(a_env or lease)))
    _, b_url = await stack.enter_async_context(server_process(pg_url, **(b_env or lease)))
    a = await register(await stack.enter_async_context(httpx.AsyncClient(base_url=a_url, timeout=a_timeout)),
                       email)
    b = await _login(await stack.enter_async_context(httpx.AsyncClient(base_url=b_url, timeout=b_timeout)), email)
    return a_proc, a, b


async def _collect(user: User, sid: str, after: int | None, until: int, got: list[SSE]) -> None:
    """Read the session's stream on ``user``'s server until event id ``until`` arrived (or it ends)."""
    headers = {} if after is None else {"Last-Event-ID": str(after)}
    async with user.client.stream("GET", f"/sessions/{sid}/events", headers={**user.auth, **headers}) as r, \
            aclosing(read_events(r)) as events:
        async for ev in events:
            got.append(ev)
            if ev.id is not None and ev.id >= until:
                return


async def test_a_stream_on_one_process_gets_what_another_owns(pg_url: str) -> None:
    async with AsyncExitStack() as stack:
        _, a, b = await two_nodes(stack, pg_url, "two@example.com")
        sid = (await a.create_session())["id"]  # owned by A
        got: list[SSE] = []
        with trio.fail_after(20):
            async with trio.open_nursery() as nursery:
                nursery.start_soon(_collect, b, sid, None, 21, got)  # a stream on B
                await trio.sleep(0.2)
                acked = []
                for i in range(10):  # captions to both: B forwards its own to A
                    for user in (a, b):
                        r = await user.captions(sid, {"speaker_role": "interviewer", "text": f"{user is a} {i}"})
                        assert r.status_code == 200, r.text
                        acked.append(r.json()["results"][0]["event_id"])
        assert sorted(acked) == list(range(2, 22))  # one log, numbered by the one owner
        ids = [ev.id for ev in got if ev.id is not None]
        assert ids == list(range(1, 22))  # gapless, no duplicate, across processes
        texts = [ev.data["text"] for ev in got if ev.event == "new_caption"]
        assert texts == [f"{who} {i}" for i in range(10) for who in (True, False)]
        # The session's state, read through B, is the owner's; a command to B for it is the owner's reply.
        r = await b.request("POST", f"/sessions/{sid}/end")
        assert r.status_code == 200 and r.json()["status"] == "ended", r.text
        r = await a.request("GET", f"/sessions/{sid}")
        assert r.json()["status"] == "ended"
        r = await b.client.post("/internal/ask", content=b"{}")  # peers only
        assert r.status_code == 404


async def test_remote_streams_joining_a_busy_session_miss_and_repeat_nothing(pg_url: str) -> None:
    """The remote streams of one session in a process share one pump: streams that join while it runs
    (from the start, or from a Last-Event-ID) get exactly the ids after their start."""
    async with AsyncExitStack() as stack:
        _, a, b = await two_nodes(stack, pg_url, "join@example.com")
        sid = (await a.create_session())["id"]  # owned by A; every stream below is on B
        last = 31  # session_created and 30 captions
        streams: list[tuple[int | None, list[SSE]]] = [(None, [])]
        with trio.fail_after(30):
            async with trio.open_nursery() as nursery:
                nursery.start_soon(_collect, b, sid, None, last, streams[0][1])
                while not streams[0][1]:
                    await trio.sleep(0.01)  # the first stream is registered (it replayed event 1)
                for i in range(30):
                    r = await a.captions(sid, {"speaker_role": "candidate", "text": f"c {i}"})
                    assert r.status_code == 200, r.text
                    if i in (9, 19):  # join while the pump is busy: from the start, and after id 5
                        for after in (None, 5):
                            streams.append((after, []))
                            nursery.start_soon(_collect, b, sid, after, last, streams[-1][1])
        assert len(streams) == 5
        for after, got in streams:
            ids = [ev.id for ev in got if ev.id is not None]
            assert ids == list(range((after or 0) + 1, last + 1)), (after, ids)


async def test_every_session_command_is_forwarded(pg_url: str) -> None:
    """Hints, marks and speakers (added after forwarding) reach the owner like captions do."""
    async with AsyncExitStack() as stack:
        _, a, b = await two_nodes(stack, pg_url, "every@example.com")
        sid = (await a.create_session())["id"]  # owned by A; everything below goes through B
        r = await b.captions(sid, {"speaker_name": "Dana", "speaker_role": "interviewer",
                                   "text": "what is your biggest weakness?"})
        assert r.status_code == 200, r.text
        r = await b.request("PUT", f"/sessions/{sid}/speakers/Dana", json={"role": "interviewer"})
        assert r.status_code == 200, r.text
        r = await b.request("GET", f"/sessions/{sid}/speakers")
        assert r.status_code == 200 and [s["name"] for s in r.json()["speakers"]] == ["Dana"], r.text
        r = await b.request("POST", f"/sessions/{sid}/hints", json={"text": "mention the migration"})
        assert r.status_code == 201, r.text
        r = await b.request("POST", f"/sessions/{sid}/questions", json={"text": "why this company?"})
        assert r.status_code == 202, r.text
        r = await b.request("POST", f"/sessions/{sid}/marks",
                            json={"question_id": r.json()["question_id"], "mark": "pinned", "value": True})
        assert r.status_code == 200, r.text


async def test_a_command_retried_against_a_slow_owner_is_applied_once(pg_url: str) -> None:
    """B forwards a caption without block id to A, which is alive but does not answer in time (stopped
    for longer than B waits for a forwarded reply, shorter than A's lease): B retries. When A resumes it
    finds every attempt queued; the caption must be stored once and B must get the first reply."""
    async with AsyncExitStack() as stack:
        # A keeps its lease through the pause (10 s); B gives up on a forwarded reply after 1 s (its
        # lease_ttl_s) and retries, with the same idempotency key, until actor_reply_timeout_s (15 s).
        a_proc, a, b = await two_nodes(
            stack, pg_url, "slow@example.com", a_env={"MENTOR_LEASE_TTL_S": "10"},
            b_env={"MENTOR_LEASE_TTL_S": "1", "MENTOR_METRICS_TOKEN": "scrape-key"}, a_timeout=30, b_timeout=30)
        sid = (await a.create_session())["id"]  # owned by A
        replies: list[httpx.Response] = []

        async def forwarded_attempts() -> float:
            text = (await b.client.get("/metrics", headers={"Authorization": "Bearer scrape-key"})).text
            return _sample(text, "mentor_forwarded_commands_total")

        with trio.fail_after(30):
            async with trio.open_nursery() as nursery:
                # A watched session stays live (an idle one would hibernate and give its lease up).
                nursery.start_soon(_collect, a, sid, None, 10**9, [])
                assert (await b.captions(sid, {"speaker_role": "interviewer", "text": "warm"})).status_code == 200
                before = await forwarded_attempts()
                a_proc.send_signal(signal.SIGSTOP)
                try:
                    async def send() -> None:
                        replies.append(await b.captions(sid, {"speaker_role": "interviewer", "text": "only once"}))

                    nursery.start_soon(send)
                    while await forwarded_attempts() < before + 2:  # B timed out once and retried
                        await trio.sleep(0.05)
                finally:
                    a_proc.send_signal(signal.SIGCONT)
                while not replies:
                    await trio.sleep(0.05)
                nursery.cancel_scope.cancel()
        assert replies[0].status_code == 200, replies[0].text
        result = replies[0].json()["results"][0]
        assert result["status"] == "created" and result["event_id"] == 3  # the first attempt's reply
        r = await a.request("GET", f"/sessions/{sid}/captions", params={"limit": "100"})
        texts = [c["text"] for c in r.json()["captions"]]
        assert texts == ["warm", "only once"]


async def test_sigkill_of_the_owner_moves_its_session_and_loses_nothing(pg_url: str) -> None:
    async with AsyncExitStack() as stack:
        a_proc, a, b = await two_nodes(stack, pg_url, "kill@example.com", b_timeout=15)
        sid = (await a.create_session())["id"]
        acked: dict[int, str] = {}  # event id -> text, of the captions acknowledged as created
        acked_texts: set[str] = set()  # every acknowledged caption, duplicates of a retry included
        stream_on_a: list[SSE] = []
        killed_at = moved_at = 0.0

        async def write_through_b(n: int) -> None:
            nonlocal moved_at
            for i in range(n):
                r = await b.captions(sid, {"speaker_role": "interviewer", "text": f"line {i}"})
                if r.status_code == 503:  # the owner is gone and its lease not yet expired: retry
                    continue
                assert r.status_code == 200, r.text
                result = r.json()["results"][0]
                acked_texts.add(f"line {i}")
                if result["status"] == "duplicate":
                    # The killed owner committed it but its reply was lost; the retry, carrying the same
                    # block id, reached the new owner, which found it stored: acknowledged once, stored once.
                    assert killed_at, result
                else:
                    acked[result["event_id"]] = f"line {i}"
                if killed_at and not moved_at:
                    moved_at = trio.current_time()

        async def read_on_a() -> None:
            try:
                await _collect(a, sid, None, 10**9, stream_on_a)
            except httpx.HTTPError:
                pass  # the owner died under the stream

        with trio.fail_after(40):
            async with trio.open_nursery() as nursery:
                nursery.start_soon(read_on_a)
                await write_through_b(30)  # load through B while A owns the session
                nursery.start_soon(write_through_b, 40)
                await trio.sleep(0.05)
                a_proc.send_signal(signal.SIGKILL)  # under load, no shutdown path
                killed_at = trio.current_time()
        assert moved_at, "the session never moved"
        print(f"failover: first acknowledged caption {moved_at - killed_at:.2f} s after SIGKILL (ttl {TTL} s)")
        assert moved_at - killed_at <= float(TTL) + 3  # within the lease TTL (plus a retry and a load)
        last_seen = max((ev.id for ev in stream_on_a if ev.id is not None), default=0)
        head = max(acked)
        got: list[SSE] = []
        with trio.fail_after(15):  # the client reconnects to the survivor with Last-Event-ID
            await _collect(b, sid, last_seen, head, got)
        ids = [ev.id for ev in got if ev.id is not None]
        assert ids == list(range(last_seen + 1, head + 1))  # misses nothing, repeats nothing
        r = await b.request("GET", f"/sessions/{sid}/captions", params={"limit": "1000"})
        stored = {row["text"] for row in r.json()["captions"]}
        assert acked_texts <= stored  # every acknowledged caption is there


async def test_a_paused_owner_resumed_after_its_lease_does_not_write(pg_url: str) -> None:
    async with AsyncExitStack() as stack:
        a_proc, a, b = await two_nodes(stack, pg_url, "pause@example.com", a_timeout=30, b_timeout=15)
        sid = (await a.create_session())["id"]
        assert (await a.captions(sid, {"speaker_role": "interviewer", "text": "before"})).status_code == 200
        a_proc.send_signal(signal.SIGSTOP)
        late: list[httpx.Response] = []
        try:
            with trio.fail_after(30):
                async with trio.open_nursery() as nursery:
                    async def to_paused_a() -> None:  # queued in A's socket while A is stopped
                        late.append(await a.captions(sid, {"speaker_role": "interviewer", "text": "stale"}))

                    nursery.start_soon(to_paused_a)
                    r = await b.captions(sid, {"speaker_role": "interviewer", "text": "after"})  # B takes over
                    assert r.status_code == 200, r.text
                    r = await b.captions(sid, {"speaker_role": "interviewer", "text": "after 2"})
                    assert r.status_code == 200, r.text
                    a_proc.send_signal(signal.SIGCONT)
        finally:
            a_proc.send_signal(signal.SIGCONT)
        got: list[SSE] = []
        with trio.fail_after(10):
            head = (await b.request("GET", f"/sessions/{sid}/captions", params={"limit": "100"})).json()
            await b.request("POST", f"/sessions/{sid}/end")
            await _collect(b, sid, None, 10**9, got)
        ids = [ev.id for ev in got if ev.id is not None]
        assert ids == list(range(1, len(ids) + 1))  # one log, not forked
        texts = [ev.data["text"] for ev in got if ev.event == "new_caption"]
        assert texts[:3] == ["before", "after", "after 2"]
        # A's stale request either failed (503: fenced, or the session moved) or went to the new owner.
        assert late[0].status_code in {200, 503}, late[0].text
        assert texts.count("stale") == (1 if late[0].status_code == 200 else 0)
        assert len(head["captions"]) >= 3


async def _writer(engine: sa.Engine) -> AsyncIterator[StoreWriter]:
    writer = StoreWriter(engine, queue_size=8, batch_max=8, timeout_s=5)
    async with trio.open_nursery() as nursery:
        await nursery.start(writer.run)
        yield writer
        writer.close()


async def test_the_fence_rolls_back_a_stale_owners_commit(pg_url: str) -> None:
    engine = create_engine(pg_url)
    try:
        await trio.to_thread.run_sync(migrate, engine)
        probe = sa.text("INSERT INTO users (id, email, password_hash, created_at) VALUES (:id, :id, 'x', 0)")

        def take(owner: str) -> int | None:
            with engine.connect() as conn:
                got = leases.acquire(conn, "s1", owner, "http://x", 30.0)
            return None if got is None else got[0]

        assert take("old") == 1
        assert take("new") is None  # live lease: no takeover
        with engine.begin() as conn:  # the old owner is paused past its lease
            conn.execute(sa.text("UPDATE session_leases SET expires_at = now() - interval '1 second'"))
        assert take("new") == 2
        gen = _writer(engine)
        writer = await gen.__anext__()
        with pytest.raises(FencedOut):
            await writer.write([leases.fence("s1", "old", 1, 30.0), WriteOp(probe, {"id": "stale"})])
        await writer.write([leases.fence("s1", "new", 2, 30.0), WriteOp(probe, {"id": "fresh"})])
        with pytest.raises(StopAsyncIteration):
            await gen.__anext__()
        with engine.connect() as conn:
            ids = {r[0] for r in conn.execute(sa.text("SELECT id FROM users"))}
        assert ids == {"fresh"}  # the stale write left nothing
    finally:
        engine.dispose()


def test_more_than_one_worker_on_sqlite_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from mentor.cli import main

    monkeypatch.setenv("MENTOR_JWT_SECRET", TEST_SECRET)
    assert main(["serve", "--workers", "2", "--database-url", "sqlite:///x.db"]) == 2
    assert capsys.readouterr().err.strip() == \
        "mentor: more than one worker needs PostgreSQL: SQLite allows one writing process"


async def test_workers_share_one_port_and_serve_any_session(pg_url: str) -> None:
    environ = {**os.environ, "MENTOR_DATABASE_URL": pg_url, "MENTOR_JWT_SECRET": TEST_SECRET,
               "MENTOR_PASSWORD_HASH_TIME_COST": "1", "MENTOR_PASSWORD_HASH_MEMORY_KIB": "1024",
               "MENTOR_METRICS_TOKEN": "scrape-key"}
    command = [sys.executable, "-m", "mentor.cli", "serve", "--workers", "2", "--port", "0"]
    async with trio.open_nursery() as nursery:
        proc: trio.Process = await nursery.start(functools.partial(
            trio.run_process, command, env=environ, stderr=subprocess.PIPE, check=False))
        assert proc.stderr is not None
        log = b""
        with trio.fail_after(40):
            while len(urls := LISTENING.findall(log)) < 2:
                chunk = await proc.stderr.receive_some()
                assert chunk, log.decode(errors="replace")
                log += chunk
        nursery.start_soon(_drain, proc.stderr)
        assert urls[0] == urls[1]  # both workers on the one port
        # Children are listed under the thread that started them: read every thread's list.
        children = [pid for task in Path(f"/proc/{proc.pid}/task").iterdir()
                    for pid in (task / "children").read_text().split()]
        assert len(children) == 2, children
        base = urls[0].decode()
        async with httpx.AsyncClient(base_url=base, timeout=15) as c:
            user = await register(c, "workers@example.com")
            sid = (await user.create_session())["id"]
            for i in range(20):  # a new connection each time: the kernel spreads them over both workers
                async with httpx.AsyncClient(base_url=base, timeout=15, headers=user.auth) as fresh:
                    r = await fresh.post(f"/sessions/{sid}/captions",
                                         json={"speaker_role": "interviewer", "text": f"w {i}"})
                    assert r.status_code == 200, r.text
                    assert r.json()["results"][0]["event_id"] == i + 2
            got: list[SSE] = []
            with trio.fail_after(15):
                await _collect(user, sid, None, 21, got)
            assert [ev.id for ev in got if ev.id is not None] == list(range(1, 22))
            # /metrics on either worker sums both (prometheus-client multiprocess mode)
            assert (await c.get("/metrics")).status_code == 401
            text = (await c.get("/metrics", headers={"Authorization": "Bearer scrape-key"})).text
            commits = _sample(text, 'mentor_stage_seconds_count{stage="commit"}')
            assert commits >= 21  # session_created and 20 captions, committed by whichever worker owned it
            assert _sample(text, "mentor_commit_batches_count") >= commits
            # A live event (a replay is not counted): tallied by the worker that wrote it to the stream and
            # flushed to the shared files within a second.
            with trio.fail_after(15):
                async with user.client.stream("GET", f"/sessions/{sid}/events",
                                              headers={**user.auth, "Last-Event-ID": "21"}) as resp, \
                        aclosing(read_events(resp)) as events:
                    assert resp.status_code == 200  # the head is sent once the stream is registered
                    r = await user.captions(sid, {"speaker_role": "interviewer", "text": "live"})
                    assert r.status_code == 200, r.text
                    async for ev in events:
                        if ev.id is not None:
                            assert ev.id == 22  # live, after the head: the one write that counts
                            break
            with trio.fail_after(10):
                while _sample(text, 'mentor_stage_seconds_count{stage="written"}') < 1:
                    await trio.sleep(0.1)
                    text = (await c.get("/metrics", headers={"Authorization": "Bearer scrape-key"})).text
        proc.send_signal(signal.SIGTERM)  # the parent passes it on; every worker shuts down cleanly
        with trio.fail_after(20):
            await proc.wait()
        assert proc.returncode == 0


def _sample(text: str, name: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + " "))


def _written() -> float:
    """How many writes to subscribers were observed (stage ``written``), in this process."""
    from prometheus_client import REGISTRY

    from mentor.actors import metrics

    metrics.WRITTEN.flush()  # counted apart, added to the histogram every second and at every scrape
    return REGISTRY.get_sample_value("mentor_stage_seconds_count", {"stage": "written"}) or 0.0


async def _caption_to_streams(base_url: str, user: User, sid: str, text: str) -> None:
    """Open an SSE stream and a WebSocket on the session (each replays what came before), send a caption,
    and return once both streams got it."""
    from trio_websocket import open_websocket_url

    ws_url = base_url.replace("http://", "ws://") + f"/sessions/{sid}/ws?token={user.token}"
    async with user.client.stream("GET", f"/sessions/{sid}/events", headers=user.auth) as r, \
            aclosing(read_events(r)) as events, open_websocket_url(ws_url) as ws:
        async for ev in events:  # the replay, up to the head: the stream is registered
            if ev.event == "session_created":
                break
        assert (await user.captions(sid, {"speaker_role": "interviewer", "text": text})).status_code == 200
        async for ev in events:
            if ev.event == "new_caption" and ev.data["text"] == text:
                break
        while True:
            msg = orjson.loads(await ws.get_message())
            if msg.get("event") == "new_caption" and msg["data"]["text"] == text:
                break


async def test_metrics_are_off_unless_a_token_is_set(tmp_path: Path) -> None:
    from tests.conftest import make_settings, running_server

    url = f"sqlite:///{tmp_path / 'm.db'}"
    async with running_server(make_settings(url)) as srv, httpx.AsyncClient(base_url=srv.url) as c:
        assert (await c.get("/metrics")).status_code == 404
        user = await register(c)
        sid = (await user.create_session())["id"]
        before = _written()
        with trio.fail_after(10):
            await _caption_to_streams(srv.url, user, sid, "unobserved")
        assert _written() == before  # off: a write to a subscriber observes nothing
    async with running_server(make_settings(url, metrics_token="k" * 20)) as srv, \
            httpx.AsyncClient(base_url=srv.url) as c:
        user = await register(c)
        sid = (await user.create_session())["id"]
        assert (await user.captions(sid, {"speaker_role": "interviewer", "text": "hello"})).status_code == 200
        assert (await c.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
        before = _written()
        with trio.fail_after(10):
            # Both streams first replay events 1-2 (not observed: not live), then get event 3 live.
            await _caption_to_streams(srv.url, user, sid, "observed")
            while _written() < before + 2:  # observed right after each write returned: moments after
                await trio.sleep(0.01)
        r = await c.get("/metrics", headers={"Authorization": "Bearer " + "k" * 20})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        assert _sample(r.text, 'mentor_stage_seconds_count{stage="commit"}') >= 3
        assert 'mentor_stage_seconds_bucket{le="0.001",stage="publish"}' in r.text
        assert _sample(r.text, 'mentor_stage_seconds_count{stage="written"}') == before + 2  # SSE + WS, once each
        assert 0 < _sample(r.text, 'mentor_stage_seconds_sum{stage="written"}') < 10


def test_a_forwarded_command_names_its_blocks_and_key_once() -> None:
    from mentor.actors.messages import AddCaptions, CaptionInput, SetSpeakerRole
    from mentor.actors.ownership import decode_message, encode_message, with_block_ids
    from mentor.ai.types import SpeakerRole

    message = AddCaptions(user_id="u", captions=[CaptionInput("interviewer", "plain"),
                                                 CaptionInput("candidate", "growing", block_id="b1", revision=2,
                                                              final=False)])
    named = with_block_ids(message)
    plain, block = named.captions
    assert plain.block_id is not None and plain.block_id.startswith("auto-") and plain.final
    assert block == message.captions[1]  # a client's block is left alone
    assert with_block_ids(named) is named  # nothing left to name: the retry sends the same ids
    session_id, decoded, key = decode_message(encode_message("s", named, "k1"))
    assert (session_id, key) == ("s", "k1") and isinstance(decoded, AddCaptions)
    assert decoded.captions == named.captions
    _, role, _ = decode_message(encode_message("s", SetSpeakerRole(user_id="u", name="Dana",
                                                                   role=SpeakerRole.CANDIDATE)))
    assert isinstance(role, SetSpeakerRole) and role.role is SpeakerRole.CANDIDATE


async def test_the_owner_runs_a_forwarded_command_once_per_key(autojump_clock: trio.testing.MockClock) -> None:
    from mentor.actors.ownership import ForwardedReplies
    from mentor.errors import Problem, ProblemCode

    replies = ForwardedReplies(keep_s=60)
    calls: list[str] = []

    async def slow_command() -> str:
        calls.append("run")
        await trio.sleep(5)
        return f"reply {len(calls)}"

    retried: list[str] = []
    async with trio.open_nursery() as nursery:
        first = trio.CancelScope()

        async def first_attempt() -> None:
            with first:
                await replies.run("k", slow_command)

        async def retry() -> None:
            retried.append(await replies.run("k", slow_command))

        nursery.start_soon(first_attempt)
        await trio.sleep(1)
        first.cancel()  # the peer timed out and closed: the first attempt's request is cancelled ...
        nursery.start_soon(retry)  # ... and its retry waits for the command, which still runs once
    assert calls == ["run"] and retried == ["reply 1"]
    assert await replies.run("k", slow_command) == "reply 1" and replies.replayed == 2
    await trio.sleep(61)  # past the window: the key is forgotten at the next arrival
    assert await replies.run("k", slow_command) == "reply 2" and len(replies) == 1

    async def refused() -> str:
        calls.append("refused")
        raise Problem(ProblemCode.QUESTION_NOT_FOUND, "no")

    for _ in range(2):  # a problem is the reply too, and the command is not run again
        with pytest.raises(Problem):
            await replies.run("p", refused)
    assert calls.count("refused") == 1
