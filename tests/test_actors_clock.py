"""Session actors and their supervisor on trio's autojump clock: idle stop, heartbeats, restart limit,
question pauses, and answers cut by a stop or a crash, with no real-time waits.

The store is real (SQLite, migrated) but read and written inline on the event loop: a worker thread would
let the autojump clock leap past every deadline while the thread runs.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import trio
import trio.testing

from mentor.actors import SessionSupervisor
from mentor.actors.messages import AddCaptions, AskQuestion, CaptionInput, DeleteSession
from mentor.actors.streams import EventStream, subscribe
from mentor.ai.types import AnswerDelta, AnswerDone, AnswerEvent, AnswerRequest
from mentor.engines import OfflineEngine
from mentor.engines.base import EngineContext
from mentor.errors import Problem
from mentor.events import Event
from mentor.settings import Settings
from mentor.store import StoreError, WriteOp, create_engine, event_log, migrate
from mentor.store.writer import StoreWriter, merge_ops

USER = "u1"


class InlineReader:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    async def read(self, fn: Any, *args: Any) -> Any:
        await trio.lowlevel.checkpoint()
        with self.engine.connect() as conn:
            return fn(conn, *args)


class InlineWriter:
    """Commits at once; fails every write whose parameters mention ``fail_on`` (a crash to recover from)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.fail_on: str | None = None
        self.gate: trio.Event | None = None  # when set: every commit waits for it (a stalled disk)
        self.statements = StoreWriter(engine, queue_size=1, batch_max=1, timeout_s=1)  # only for its _execute

    async def write(self, ops: Sequence[WriteOp]) -> None:
        await trio.lowlevel.checkpoint()
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_on is not None and any(self.fail_on in str(op.params) for op in ops):
            raise StoreError("disk on fire")
        with self.engine.begin() as conn:
            self.statements._execute(conn, merge_ops(ops))


class SlowEngine(EngineContext):
    """One word per second: an answer that is still streaming when we stop or crash."""

    name = "slow"

    def __init__(self, words: int = 30) -> None:
        self.words = words

    async def stream(self, request: AnswerRequest) -> AsyncGenerator[AnswerEvent, None]:
        for i in range(self.words):
            await trio.sleep(1)
            yield AnswerDelta(f"w{i} ")
        yield AnswerDone("".join(f"w{i} " for i in range(self.words)), "slow", None, (), 0, self.words)


class Rig:
    def __init__(self, supervisor: SessionSupervisor, reader: InlineReader, writer: InlineWriter) -> None:
        self.supervisor = supervisor
        self.reader = reader
        self.writer = writer

    async def create(self) -> str:
        return str((await self.supervisor.create(USER, {"title": "Interview", "company": None, "role": None,
                                                       "job_description": None, "language": "en",
                                                       "candidate_name": None, "interviewer_name": None}))["id"])

    async def say(self, sid: str, text: str, role: str = "interviewer", **kw: Any) -> list[dict[str, Any]]:
        return await self.supervisor.ask(sid, AddCaptions(user_id=USER, captions=[CaptionInput(role, text, **kw)]))

    def subscribe(self, sid: str, after: int | None = None) -> Any:
        return subscribe(self.supervisor, self.reader, sid, USER, after)  # type: ignore[arg-type]

    def log(self, sid: str) -> list[Event]:
        with self.reader.engine.connect() as conn:
            return event_log.events_after(conn, sid, 0, 10**9, 10_000)


@asynccontextmanager
async def rig(tmp_path: Path, engine: Any = None, **overrides: Any) -> AsyncIterator[Rig]:
    settings = Settings(jwt_secret="x" * 40, database_url=f"sqlite:///{tmp_path / 'm.db'}", **overrides)
    db = create_engine(settings.database_url)
    migrate(db)
    with db.begin() as conn:
        conn.execute(sa.text("INSERT INTO users (id, email, password_hash, created_at) VALUES ('u1', 'a@b.c', 'x', 0)"))
    reader, writer = InlineReader(db), InlineWriter(db)
    try:
        async with engine or OfflineEngine() as answers, trio.open_nursery() as nursery:
            supervisor = SessionSupervisor(settings, reader, writer, nursery, answers)  # type: ignore[arg-type]
            try:
                yield Rig(supervisor, reader, writer)
            finally:
                await supervisor.stop_all(5)
                nursery.cancel_scope.cancel()
    finally:
        db.dispose()


async def next_events(stream: EventStream, batches: AsyncIterator[list[Event]], until: str) -> list[Event]:
    """Events up to the first ``until``; fails after 120 s on the mock clock (at once in real time)."""
    got: list[Event] = []
    with trio.fail_after(120):
        async for batch in batches:
            got.extend(batch)
            if any(e.type == until for e in batch):
                return got
    raise AssertionError(f"the stream ended before {until}: {[e.type for e in got]}")


async def test_an_idle_session_hibernates_and_revives_with_no_visible_difference(
        tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path) as r:  # the default actor_hibernate_s
        hibernate_s = r.supervisor.settings.actor_hibernate_s
        sid = await r.create()
        await r.say(sid, "so", block_id="b", revision=1, final=False)
        async with r.subscribe(sid) as stream:  # what a live actor replays from memory
            live_replay = [(e.seq, e.type, e.data) for e in await anext(aiter(stream))]
        await trio.sleep(hibernate_s - 0.1)
        assert r.supervisor.live_sessions == 1
        await trio.sleep(0.2)
        assert r.supervisor.live_sessions == 0  # hibernated: no actor, no inbox, no buffers
        async with r.subscribe(sid) as stream:  # parked: the replay pages from the log, the same events
            batches = aiter(stream)
            assert [(e.seq, e.type, e.data) for e in await anext(batches)] == live_replay
            assert r.supervisor.live_sessions == 0 and r.supervisor.live_subscribers == 1  # no actor for a stream
            again = await r.say(sid, "so", block_id="b", revision=1, final=False)  # revives the actor
            assert again[0]["status"] == "duplicate" and r.supervisor.live_sessions == 1  # it knows the block
            more = await r.say(sid, "so tell me", block_id="b", revision=2, final=False)
            assert more[0]["status"] == "updated" and more[0]["event_id"] == live_replay[-1][0] + 1  # ids go on
            got = await next_events(stream, batches, "caption_updated")  # the revived actor adopted the stream
            assert [e.seq for e in got if e.seq] == [more[0]["event_id"]]


async def test_a_stream_of_a_hibernated_session_is_parked_with_heartbeats_until_a_message_revives_it(
        tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path, heartbeat_s=30, actor_hibernate_s=10) as r:
        sid = await r.create()
        async with r.subscribe(sid) as stream:
            batches = aiter(stream)
            assert [e.type for e in await anext(batches)] == ["session_created"]
            await trio.sleep(10.1)
            assert r.supervisor.live_sessions == 0 and r.supervisor.live_subscribers == 1  # parked
            t0 = trio.current_time()
            beats = [await anext(batches) for _ in range(3)]  # the first from the actor (at 30 s), then parked
            assert [e.type for b in beats for e in b] == ["heartbeat"] * 3
            assert trio.current_time() - t0 <= 3 * 30 - 10 + 3  # no gap longer than heartbeat_s + a tenth
            head = (await r.say(sid, "hello"))[0]["event_id"]
            assert r.supervisor.live_sessions == 1
            got = await next_events(stream, batches, "new_caption")
            assert [e.seq for e in got if e.seq] == [head] and head == 2  # no gap, no duplicate
        await trio.sleep(41)  # the stream left; the actor hibernates again, with nothing to park
        assert r.supervisor.live_sessions == 0 and r.supervisor.live_subscribers == 0


async def test_streams_opened_together_on_a_hibernated_session_are_parked_together(
        tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path, actor_hibernate_s=5) as r:
        sid = await r.create()
        await trio.sleep(6)
        got: list[list[int]] = []
        ready, release = trio.Semaphore(0), trio.Event()

        async def watch() -> None:
            async with r.subscribe(sid) as stream:
                batches = aiter(stream)
                seen = [e.seq for e in await anext(batches)]
                ready.release()
                await release.wait()
                seen += [e.seq for e in await next_events(stream, batches, "new_caption") if e.seq]
                got.append(seen)

        async with trio.open_nursery() as nursery:
            for _ in range(3):
                nursery.start_soon(watch)  # together: the later ones find the first one's store read under way
            for _ in range(3):
                await ready.acquire()
            assert r.supervisor.live_sessions == 0 and r.supervisor.live_subscribers == 3  # no actor revived
            head = (await r.say(sid, "hello"))[0]["event_id"]
            release.set()
        assert got == [[1, head]] * 3


async def test_a_presence_stream_keeps_its_session_live_and_sees_the_parked_watchers(
        tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path, actor_hibernate_s=5) as r:
        sid = await r.create()
        await trio.sleep(6)
        phone = {"role": "owner", "device": True}
        async with subscribe(r.supervisor, r.reader, sid, USER, None, phone):  # type: ignore[arg-type]
            assert r.supervisor.live_sessions == 0  # parked with its watcher
            console = {"role": "owner", "device": False}
            async with subscribe(r.supervisor, r.reader, sid, USER, None, console,  # type: ignore[arg-type]
                                 presence=True) as stream:
                assert r.supervisor.live_sessions == 1  # presence needs the actor: revived, streams adopted
                got = await next_events(stream, aiter(stream), "presence")
                joined = next(e.data for e in got if e.type == "presence")
                assert [{k: w[k] for k in ("role", "device")} for w in joined["watching"]] == [phone, console]
                await trio.sleep(60)
                assert r.supervisor.live_sessions == 1  # a presence stream is never parked


async def test_only_the_owner_joins_parked_streams_and_deleting_or_stopping_ends_them(
        tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path, actor_hibernate_s=5) as r:
        sid, other = await r.create(), await r.create()
        await trio.sleep(6)
        with pytest.raises(Problem) as not_yours:  # hibernated, nothing parked yet
            async with subscribe(r.supervisor, r.reader, sid, "u2", None):  # type: ignore[arg-type]
                pass
        assert not_yours.value.status == 404
        async with r.subscribe(sid) as stream, r.subscribe(other) as stays:
            assert r.supervisor.live_sessions == 0 and r.supervisor.live_subscribers == 2
            with pytest.raises(Problem) as not_yours:  # parked
                async with subscribe(r.supervisor, r.reader, sid, "u2", None):  # type: ignore[arg-type]
                    pass
            assert not_yours.value.status == 404 and r.supervisor.live_subscribers == 2
            await r.supervisor.ask(sid, DeleteSession(user_id=USER))
            got = await next_events(stream, aiter(stream), "session_deleted")
            assert got[-1].type == "session_deleted"
            await r.supervisor.stop_all(5)
            got = await next_events(stays, aiter(stays), "shutdown")
            assert got[-1].type == "shutdown"


async def test_a_session_does_not_hibernate_while_a_question_waits_for_its_pause_or_an_answer_runs(
        tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path, engine=SlowEngine(words=3), actor_hibernate_s=0.5) as r:
        sid = await r.create()
        await r.say(sid, "so tell me about a time you disagreed with your manager", block_id="b",
                    revision=1, final=False)
        await trio.sleep(0.7)  # quiet past actor_hibernate_s, but the question's pause (0.8 s) is pending
        assert r.supervisor.live_sessions == 1
        await trio.sleep(1.0)  # the question fired and its answer streams (one word a second)
        assert r.supervisor.live_sessions == 1
        assert [e.type for e in r.log(sid)][-2:] == ["question_detected", "answer_started"]
        await trio.sleep(3.0)  # the answer ended (a message), then quiet again: hibernated
        assert r.supervisor.live_sessions == 0
        assert r.log(sid)[-1].type == "new_answer"


async def test_heartbeats_keep_streams_alive_and_a_stream_that_left_is_dropped(
        tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path, heartbeat_s=30, actor_hibernate_s=300) as r:
        sid = await r.create()
        async with r.subscribe(sid) as stream:
            batches = aiter(stream)
            assert [e.type for e in await anext(batches)] == ["session_created"]  # the replay
            t0 = trio.current_time()
            beats = []
            for _ in range(4):
                beats.extend(await anext(batches))
                assert trio.current_time() - t0 == pytest.approx(30 * len(beats))
            assert {e.type for e in beats} == {"heartbeat"} and all(e.seq == 0 for e in beats)
            assert r.supervisor.live_sessions == 1 and r.supervisor.live_subscribers == 1
        await trio.sleep(31)  # the next heartbeat finds the stream gone
        assert r.supervisor.live_subscribers == 0


async def test_restarts_are_limited_per_minute(tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path, actor_max_restarts=2, actor_hibernate_s=300) as r:
        sid = await r.create()
        r.writer.fail_on = "fail me"
        for _ in range(3):
            with pytest.raises(Problem) as exc:
                await r.say(sid, "fail me")
            assert exc.value.status == 503
        await trio.testing.wait_all_tasks_blocked()
        assert r.supervisor.restarts == 3 and r.supervisor.live_sessions == 0  # gave up after the third

        other = await r.create()
        for _ in range(4):  # as many crashes, but a minute apart: restarted every time
            with pytest.raises(Problem):
                await r.say(other, "fail me")
            await trio.sleep(61)
        assert r.supervisor.restarts == 7 and r.supervisor.live_sessions == 1
        r.writer.fail_on = None
        assert (await r.say(other, "works"))[0]["id"] == 1  # nothing half-committed was kept


async def test_a_question_fires_when_the_interviewer_pauses(tmp_path: Path,
                                                            autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path) as r:
        sid = await r.create()
        async with r.subscribe(sid) as stream:
            batches = aiter(stream)
            await anext(batches)
            said_at = trio.current_time()
            await r.say(sid, "so tell me about a time you disagreed with your manager", block_id="b",
                        revision=1, final=False)
            got = await next_events(stream, batches, "question_detected")
            detected = next(e for e in got if e.type == "question_detected")
            assert detected.data["trigger"] == "pause"
            assert trio.current_time() - said_at >= 0.8  # the tracker's pause_s, passed on the mock clock
            got = await next_events(stream, batches, "new_answer")
            assert next(e for e in got if e.type == "new_answer").data["engine"] == "offline"


async def test_a_graceful_stop_ends_the_answer_in_flight(tmp_path: Path,
                                                         autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path, engine=SlowEngine()) as r:
        sid = await r.create()
        async with r.subscribe(sid) as stream:
            batches = aiter(stream)
            await anext(batches)
            asked = await r.supervisor.ask(sid, AskQuestion(user_id=USER, text="Why Kafka?"))
            await next_events(stream, batches, "answer_delta")
            await r.supervisor.stop_all(5)
            got = [e async for batch in batches for e in batch]
        assert [e.type for e in got][-2:] == ["answer_failed", "shutdown"]
        assert got[-2].data == {"answer_id": asked["answer_id"], "question_id": asked["question_id"],
                                "reason": "interrupted", "retryable": True, "fallback": None}
        assert r.log(sid)[-1].type == "answer_failed"  # durable before the stream was told


async def test_a_crash_mid_answer_regenerates_it_when_the_question_is_current(
        tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path, engine=SlowEngine(words=5)) as r:
        sid = await r.create()
        asked = await r.supervisor.ask(sid, AskQuestion(user_id=USER, text="Why Kafka?"))
        await trio.sleep(2.5)  # two words streamed
        r.writer.fail_on = "a background remark"
        with pytest.raises(Problem):
            await r.say(sid, "a background remark", role="other")  # the commit fails: the actor restarts
        r.writer.fail_on = None
        async with r.subscribe(sid, after=r.log(sid)[-1].seq) as stream:
            got = await next_events(stream, aiter(stream), "new_answer")
        cut = next(e for e in got if e.type == "answer_cancelled")
        assert cut.data == {"answer_id": asked["answer_id"], "question_id": asked["question_id"],
                            "reason": "interrupted"}
        restarted = next(e for e in got if e.type == "answer_started")
        done = next(e for e in got if e.type == "new_answer")
        assert restarted.data["answer_id"] == done.data["answer_id"] != asked["answer_id"]
        assert done.data["text"] == "w0 w1 w2 w3 w4 "


def answer_tasks() -> list[str]:
    """Names of the running answer tasks (they run in the supervisor's nursery, not the actor's)."""
    names, stack = [], [trio.lowlevel.current_root_task()]
    while stack:
        task = stack.pop()
        names.append(task.name)
        stack += [child for nursery in task.child_nurseries for child in nursery.child_tasks]
    return [name for name in names if name.startswith("answer:")]


async def test_no_answer_task_outlives_its_actor(tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path, engine=SlowEngine(words=50)) as r:
        sid = await r.create()
        asked = await r.supervisor.ask(sid, AskQuestion(user_id=USER, text="Why Kafka?"))
        await trio.sleep(2.5)
        assert answer_tasks() == [f"answer:{asked['answer_id']}"]
        r.writer.fail_on = "a background remark"
        with pytest.raises(Problem):
            await r.say(sid, "a background remark", role="other")  # the commit fails: the actor restarts
        r.writer.fail_on = None
        await trio.testing.wait_all_tasks_blocked()
        # The crashed actor waited for its answer's task to end; the restarted one regenerates the answer.
        running = answer_tasks()
        assert len(running) == 1 and running != [f"answer:{asked['answer_id']}"]
        await r.supervisor.stop_all(5)
        assert answer_tasks() == []


async def test_a_live_actor_keeps_its_last_events_once_watched_and_a_full_replay_still_comes_from_the_log(
        tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    async with rig(tmp_path, actor_recent_events=3) as r:
        sid = await r.create()
        await r.say(sid, "before anyone watches", role="candidate")
        actor = r.supervisor._actors[sid].actor
        assert actor is not None and actor.recent == []  # nobody watched yet: the events are only in the log
        async with r.subscribe(sid, after=0) as stream:  # paged from the log
            assert [e.seq for e in await anext(aiter(stream))] == [e.seq for e in r.log(sid)]
        for i in range(6):
            await r.say(sid, f"line {i}", role="candidate")
        assert [e.seq for e in actor.recent] == [e.seq for e in r.log(sid)][-3:]  # bounded, newest kept
        async with r.subscribe(sid, after=0) as stream:  # older than memory: paged from the log
            replay = [e.seq for e in await anext(aiter(stream))]
        assert replay == [e.seq for e in r.log(sid)]


async def test_a_stalled_actor_answers_every_caller_503_within_the_reply_timeout_then_recovers(
        tmp_path: Path, autojump_clock: trio.testing.MockClock) -> None:
    # Callers of a live actor with room in its inbox, and callers that find its inbox full, wait at most
    # actor_reply_timeout_s each, however long the actor is stuck.
    async with rig(tmp_path, actor_inbox_size=2, actor_reply_timeout_s=5) as r:
        sid = await r.create()
        gate = r.writer.gate = trio.Event()  # the actor's next commit stalls
        outcomes: list[tuple[float, int]] = []

        async def say(i: int) -> None:
            started = trio.current_time()
            try:
                await r.say(sid, f"caption {i}", block_id=f"b{i}")
                status = 200
            except Problem as problem:
                status = problem.status
            outcomes.append((trio.current_time() - started, status))

        async with trio.open_nursery() as nursery:
            for i in range(4):  # one stuck in the commit, two queued, one waiting for room
                nursery.start_soon(say, i)
                await trio.testing.wait_all_tasks_blocked()
        assert len(outcomes) == 4
        assert all(status == 503 for _, status in outcomes)
        assert all(4.9 <= took <= 5.01 for took, _ in outcomes), outcomes
        gate.set()
        with trio.fail_after(5):
            rows = await r.say(sid, "and now?", block_id="b9")
        assert [row["block_id"] for row in rows] == ["b9"] and rows[0]["status"] != "duplicate"
        assert any(e.type == "new_caption" and e.data["text"] == "and now?" for e in r.log(sid))
