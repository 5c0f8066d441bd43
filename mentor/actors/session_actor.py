"""SessionActor: the trio shell around a SessionCore. It owns the session's inbox, its subscribers, its
in-memory replay window and its answer task; the core owns every rule.

The loop: wait for a message (or the next deadline: a question pause, a heartbeat, hibernation), take
up to ``write_batch_max`` queued messages as one group, let the core handle each, commit what the group
staged in one write (group commit), publish its events to every subscriber without waiting on any, then
reply. A reply therefore means "durable", and subscribers see events in id order with no gap. If a commit
fails the actor raises; its supervisor restarts it from the store, which holds exactly what was
acknowledged, and the restarted core ends any answer the crash cut (``SessionCore.recover``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

import outcome
import trio

from mentor.actors import metrics
from mentor.actors.alarms import WAKE, Alarms
from mentor.actors.answering import AnswerQuotas, run_answer
from mentor.actors.inbox import Inbox
from mentor.actors.messages import AnswerProgress, Message, Subscribe
from mentor.actors.ownership import Lease
from mentor.actors.parked_streams import Parked
from mentor.actors.session_core import (
    HISTORY_KEPT,
    QUESTIONS_KEPT,
    AnswerStart,
    LoadedSession,
    Output,
    SessionCore,
    read_log,
)
from mentor.actors.spawn import Detached
from mentor.actors.streams import open_subscription
from mentor.actors.subscribers import Subscriber, Subscription
from mentor.engines import AnswerEngine
from mentor.errors import Problem, unavailable
from mentor.events import CloseReason, Event, EventType
from mentor.settings import Settings
from mentor.store import (
    FencedOut,
    StoreError,
    StoreReader,
    StoreWriter,
    answers,
    event_log,
    sessions,
    speakers,
)
from mentor.store.company import company_summary

log = logging.getLogger(__name__)

ANSWER_EVENTS = (EventType.ANSWER_STARTED, EventType.NEW_ANSWER, EventType.ANSWER_FAILED,
                 EventType.ANSWER_CANCELLED)


class ActorExit(Exception):
    """Raised inside the actor to stop it normally (session deleted, shutdown)."""


class SessionActor:
    """``row`` is the session as last read; ``fresh`` means it is not stored yet (its first message is
    ``CreateSession``), else the actor loads its state from the store when it runs."""

    # Slots: thirty attributes in an instance dict cost ~1.6 KiB per live session, as slots ~0.3.
    __slots__ = ("_alarms", "_answer_delta_seen", "_answer_started_at", "_answer_tasks", "_answers",
                 "_answers_ended", "_fresh", "_inbox", "_keep_recent", "_last_message", "_loaded", "_may_park",
                 "_next_heartbeat", "_parked", "_presence", "_stopping", "_tasks", "_watchers", "core", "engine",
                 "fenced", "lease", "published_seq", "reader", "recent", "session_id", "settings", "subscribers",
                 "writer")

    def __init__(self, row: dict[str, Any], settings: Settings, reader: StoreReader, writer: StoreWriter,
                 engine: AnswerEngine, inbox: Inbox[Message[Any]], tasks: Detached, alarms: Alarms, *,
                 fresh: bool = False, loaded: LoadedSession | None = None, lease: Lease | None = None,
                 parked: Parked | None = None, may_park: bool = False) -> None:
        self.session_id: str = row["id"]
        self.lease = lease  # PostgreSQL: every commit is fenced by it; None on SQLite
        self.fenced = False  # a commit found another process owns the session: this actor stops
        self.settings = settings
        self.reader = reader
        self.writer = writer
        self.engine = engine
        self.core = SessionCore(row, settings, engine_name=engine.name)
        self._fresh = fresh
        self._loaded = loaded  # the state the supervisor read to revive the session (saves a second read)
        self._parked = parked  # streams parked while the session hibernated: adopted once loaded
        self._may_park = may_park  # hibernating may hand plain streams to the supervisor (one process)
        self._inbox = inbox  # answer tasks report through it, like everyone else
        self._tasks = tasks  # where answer tasks run: the supervisor's nursery (a nursery per actor costs 1.3 KiB)
        self._alarms = alarms  # wake us at our next deadline (see alarms.py)
        self.published_seq = 0  # id of the last event committed and handed to subscribers
        # The last `actor_recent_events` events, oldest first (a list: a deque costs a 600-byte block per live
        # session even when nearly empty). Kept from the first stream on: it serves reconnecting streams
        # without a store read, and a session nobody has watched since it woke (a burst of captions sent
        # before any device subscribes) need not hold its events twice; a stream pages them from the log.
        self.recent: list[Event] = []
        self._keep_recent = False
        self.subscribers: list[Subscriber] = []
        self._watchers: dict[Subscriber, dict[str, Any]] = {}  # presence: announced subscribers
        # Streams that asked for presence events, and answers whose first delta was seen: a few entries at
        # most, so lists (an empty set costs 216 bytes per live session, an empty list 56).
        self._presence: list[Subscriber] = []
        self._answers: dict[str, trio.CancelScope] = {}  # the running answer task, by answer id
        self._answer_started_at: dict[str, float] = {}  # for the answer latency metrics
        self._answer_delta_seen: list[str] = []
        self._answer_tasks = 0  # running, cancelled ones included: the actor ends only once they have ended
        self._answers_ended: trio.Event | None = None  # made when the actor waits for them
        self._stopping = False
        self._next_heartbeat = 0.0
        self._last_message = 0.0

    @property
    def answering(self) -> bool:
        return self.core.answer is not None

    # --- lifecycle

    async def load(self) -> None:
        """Rebuild the core from the store: what is there is exactly what was acknowledged."""
        state, self._loaded = self._loaded, None
        if state is None:
            state = await read_session(self.reader, self.settings, self.session_id)
        if state is None:
            raise ActorExit("session deleted")
        self.core = SessionCore.load(state, self.settings, engine_name=self.engine.name)
        self.published_seq = state.last_seq

    async def run(self, idle: Callable[[Parked | None], bool]) -> None:
        """Serve messages until idle (``idle(streams to park)`` agreed to let us go), deleted, or stopped.

        Raises on a failed commit so the supervisor restarts the actor from the store.
        """
        try:
            if not self._fresh:
                await self.load()
            elif self.core.session["company"]:  # earlier sessions do not change while this one runs
                self.core.company_summary = await self.reader.read(
                    company_summary, self.core.session["user_id"], self.core.session["company"], self.session_id)
            self._adopt()
            self.core.recover(trio.current_time())
            await self._commit([], self.core.take())
            await self._serve(idle)
        except ActorExit:
            return
        finally:
            await self._end_answers()  # an answer still streaming has no one left to tell
            reason = CloseReason.SHUTDOWN if self._stopping else CloseReason.RESTART
            parked = self._parked.subscribers if self._parked is not None else []  # not adopted: the load failed
            for sub in self.subscribers + parked:
                sub.close(reason)

    def _adopt(self) -> None:
        """Take over the streams parked while the session hibernated. They were registered at the head the
        store had then; nothing but this session's actor writes its events, so the store's head is the
        same now, and publishing goes on from it. Should it differ, the streams reconnect and replay."""
        parked, self._parked = self._parked, None
        if parked is None:
            return
        if parked.head != self.published_seq or parked.user_id != self.core.session["user_id"]:
            for sub in parked.subscribers:
                sub.close(CloseReason.RESTART)
            return
        self.subscribers = [s for s in parked.subscribers if s.alive]
        self._keep_recent = True
        self._watchers = {s: w for s, w in parked.watchers.items() if s.alive}

    async def _serve(self, idle: Callable[[Parked | None], bool]) -> None:
        inbox = self._inbox
        self._next_heartbeat = trio.current_time() + self.settings.heartbeat_s
        self._last_message = trio.current_time()
        while not self._stopping:
            # A busy actor finds its next message queued: no deadline to ask for, no yield.
            message = inbox.receive_nowait() if len(inbox) else None
            if message is None:
                self._alarms.wake_at(self._wake_at(), inbox)
                message = await inbox.receive()
            batch = [] if message is WAKE else [message]
            now = trio.current_time()
            if now >= self._next_heartbeat:
                self._heartbeat()
            if not batch:
                if self._tick_due(now):
                    await self._process([], now)  # then it may hibernate at once: no wait for the next
                self._set_subscribers([s for s in self.subscribers if s.alive])
                if self._may_hibernate(now) and idle(self._streams_to_park()):
                    self.subscribers, self._watchers = [], {}  # parked: not closed when the actor exits
                    return
                continue
            self._last_message = now
            while len(batch) < self.settings.write_batch_max and len(inbox):
                message = inbox.receive_nowait()
                if message is not WAKE:
                    batch.append(message)
            try:
                await self._process(batch, now)
            except BaseException:
                for message in batch:  # a no-op for those already answered
                    message.reply.fail(unavailable("the session failed; retry"))
                raise

    def _may_hibernate(self, now: float) -> bool:
        """Hibernate: quiet for ``actor_hibernate_s`` with nothing that needs a live actor (no answer, no
        question waiting for its pause, no stream that cannot be parked). Everything else it holds is in the
        store, which the next message's actor loads: replay then pages from the log, which holds the same
        events as ``recent``."""
        return (now >= self._last_message + self.settings.actor_hibernate_s  # as _wake_at
                and (not self.subscribers or (self._may_park and not self._presence))
                and not self.answering and self.core.next_deadline() is None)

    def _streams_to_park(self) -> Parked | None:
        if not self.subscribers:
            return None
        return Parked(self.core.session["user_id"], self.published_seq, self.subscribers, self._watchers,
                      self._next_heartbeat)

    def _wake_at(self) -> float:
        """The core's next deadline, the next heartbeat, or hibernation, whichever is first. Absolute times
        (``move_on_at``), so waking at the hibernation time compares equal to it: no float drift."""
        now = trio.current_time()
        wake = self._last_message + self.settings.actor_hibernate_s
        if wake <= now:  # quiet long enough but kept alive by streams or an answer: their end wakes us (a
            wake = now + self.settings.heartbeat_s  # message), or the heartbeat finds the streams gone
        if self.subscribers:
            wake = min(wake, self._next_heartbeat)
        deadline = self.core.next_deadline()
        if deadline is not None:
            wake = min(wake, deadline)
        return wake

    def _tick_due(self, now: float) -> bool:
        deadline = self.core.next_deadline()
        return deadline is not None and deadline <= now

    def _heartbeat(self) -> None:
        """One heartbeat event, encoded once, to every stream: keeps proxies from timing quiet streams out
        and finds clients that vanished (a write to them fails)."""
        self._next_heartbeat = trio.current_time() + self.settings.heartbeat_s
        if self.subscribers:
            beat = Event.heartbeat(self.session_id)
            self._set_subscribers([s for s in self.subscribers if s.offer(beat)])

    # --- one group: core -> commit -> publish -> reply

    async def _process(self, batch: list[Message[Any]], now: float) -> None:
        done: list[tuple[Message[Any], outcome.Outcome[Any]]] = []
        subscribes: list[Subscribe] = []
        core = self.core
        for message in batch:
            # A Problem is the reply; any other exception is a bug and restarts the actor from the store.
            if isinstance(message, AnswerProgress):
                self._observe_answer(message, now)
            try:
                if isinstance(message, Subscribe):  # its reply needs the published head: after publishing
                    core.check_owner(message)
                    subscribes.append(message)
                else:
                    done.append((message, outcome.Value(core.handle(message, now))))
            except Problem as problem:
                message.reply.fail(problem)
        core.tick(now)
        await self._commit(done, core.take(), now)
        for message in subscribes:
            message.reply.set(self._subscribe(message.after, message.queue_size, message.watcher,
                                              message.presence))

    def _observe_answer(self, message: AnswerProgress, now: float) -> None:
        started = self._answer_started_at.get(message.answer_id)
        if started is None:
            return
        if message.delta is not None and message.answer_id not in self._answer_delta_seen:
            self._answer_delta_seen.append(message.answer_id)
            metrics.STAGE_SECONDS.labels("answer_first_delta").observe(now - started)
        if message.first_token_ms is not None:
            metrics.MODEL_TTFT_SECONDS.observe(message.first_token_ms / 1000)
        if message.done is not None or message.final:
            metrics.STAGE_SECONDS.labels("answer_complete").observe(now - started)
            self._forget_timing(message.answer_id)

    def _forget_timing(self, answer_id: str) -> None:
        self._answer_started_at.pop(answer_id, None)
        if answer_id in self._answer_delta_seen:
            self._answer_delta_seen.remove(answer_id)

    async def _commit(self, done: list[tuple[Message[Any], outcome.Outcome[Any]]], out: Output,
                      received: float | None = None) -> None:
        self._run_answers(out)
        if out.ops:
            ops = out.ops
            if self.lease is not None:
                ops = self.lease.fence_ops(list(ops), out.events[-1].seq if out.events else None)
            try:
                await self.writer.write(ops)
            except FencedOut:
                metrics.FENCED.inc()
                # Another process owns the session now (we were paused or cut off past the lease): nothing
                # of this group was written, nothing is published; streams reconnect to the new owner.
                log.warning("session %s: fenced out by a newer owner; stopping", self.session_id)
                for message, _ in done:
                    message.reply.fail(unavailable("the session moved to another server; retry"))
                self.fenced = self._stopping = True
                return
            except StoreError as exc:
                for message, _ in done:
                    message.reply.fail(unavailable(f"could not store: {exc}"))
                raise
        committed = trio.current_time()
        self._publish(out.events)
        if received is not None and out.ops:
            metrics.STAGE_COMMIT.observe(committed - received)
            metrics.STAGE_PUBLISH.observe(trio.current_time() - committed)
        for message, result in done:
            message.reply.send(result)
        if out.close is not None:
            self._close_all(out.close)
        if out.stop:
            self._stopping = True

    def _run_answers(self, out: Output) -> None:
        """Cancel the task of an answer that is no longer current; start the new one. It starts while the
        group commits (it only reports back through the inbox, so its events follow the question's)."""
        current = self.core.answer_id
        for answer_id in [a for a in self._answers if a != current]:
            self._answers.pop(answer_id).cancel()
            self._forget_timing(answer_id)  # a cancelled answer reports no end: forget it here
        if out.start is not None:
            scope = self._answers[out.start.answer_id] = trio.CancelScope()
            self._answer_started_at[out.start.answer_id] = trio.current_time()
            self._answer_tasks += 1
            self._tasks.start_soon(self._answer, scope, out.start, name=f"answer:{out.start.answer_id}")

    async def _answer(self, scope: trio.CancelScope, start: AnswerStart) -> None:
        try:
            with scope:
                quotas = AnswerQuotas(self.settings.quota_answers_per_day,
                                      self.settings.quota_model_tokens_per_month)
                await run_answer(start, self.engine, self.reader, self._inbox.send,
                                 self.settings.answer_timeout_s, quotas)
        except Exception:  # (run_answer reports its own failures) it runs in the supervisor's nursery: contain it
            log.exception("answer task %s of session %s", start.answer_id, self.session_id)
        finally:
            if self._answers.get(start.answer_id) is scope:  # not kept once the task is over
                del self._answers[start.answer_id]
            self._answer_tasks -= 1
            if not self._answer_tasks and self._answers_ended is not None:
                self._answers_ended.set()

    async def _end_answers(self) -> None:
        """Cancel the answer tasks and wait until they have ended: none outlives its actor (a restarted actor
        reuses the inbox they report to). Cancelled, they end at their next checkpoint."""
        for scope in self._answers.values():
            scope.cancel()
        if self._answer_tasks:
            self._answers_ended = trio.Event()
            with trio.CancelScope(shield=True), trio.move_on_after(self.settings.answer_timeout_s):
                await self._answers_ended.wait()

    def _publish(self, events: list[Event]) -> None:
        if not events:
            return
        if self._keep_recent:
            self.recent += events
        if len(self.recent) > self.settings.actor_recent_events:
            del self.recent[:len(self.recent) - self.settings.actor_recent_events]
        self.published_seq = events[-1].seq
        live = []
        for sub in self.subscribers:
            for event in events:
                if not sub.offer(event):
                    break
            else:
                live.append(sub)
        self._set_subscribers(live)

    def _subscribe(self, after: int | None, queue_size: int, watcher: dict[str, Any] | None = None,
                   presence: bool = False) -> Subscription:
        subscription = open_subscription(self.recent, self.published_seq, after, queue_size,
                                         ended=not self.core.active)
        if not subscription.ended:
            self._keep_recent = True
            self.subscribers.append(subscription.subscriber)
            if presence:
                self._presence.append(subscription.subscriber)
            if watcher is not None:
                announced = {**watcher, "id": secrets.token_hex(4)}
                self._watchers[subscription.subscriber] = announced
                self._announce("joined", announced)
        return subscription

    # --- presence: who watches, announced to every stream; not stored (no id, never replayed)

    def _set_subscribers(self, live: list[Subscriber]) -> None:
        """Keep ``live``; announce that each announced subscriber not in it has left."""
        kept = set(live)
        gone = [s for s in self.subscribers if s not in kept]
        self.subscribers = live
        for sub in gone:
            if sub in self._presence:
                self._presence.remove(sub)
            watcher = self._watchers.pop(sub, None)
            if watcher is not None:
                self._announce("left", watcher)

    def _announce(self, action: str, watcher: dict[str, Any]) -> None:
        event = Event.control(self.session_id, EventType.PRESENCE,
                              {"action": action, "watcher": watcher, "watching": list(self._watchers.values())})
        live = [s for s in self.subscribers if s not in self._presence or s.offer(event)]
        if len(live) != len(self.subscribers):
            self._set_subscribers(live)  # one cut off for lagging has left too (bounded: each leaves once)

    def _close_all(self, reason: CloseReason) -> None:
        for sub in self.subscribers:
            sub.close(reason)
        self.subscribers = []
        self._watchers.clear()
        self._presence.clear()


async def read_session(reader: StoreReader, settings: Settings, session_id: str) -> LoadedSession | None:
    """The session as the store holds it (None: it does not exist), in one reader hop."""
    return await reader.read(load_session, session_id, 8 * settings.answer_conversation_turns)


def load_session(conn: Any, session_id: str, captions_kept: int) -> LoadedSession | None:
    """Everything a restarted actor needs, in one thread hop (nine indexed queries); ``captions_kept``
    recent captions for the conversation window."""
    row = sessions.session_row(conn, session_id)
    if row is None:
        return None
    questions, unfinished = read_log(
        event_log.recent_events(conn, session_id, (EventType.QUESTION_DETECTED,), QUESTIONS_KEPT * 2),
        event_log.recent_events(conn, session_id, ANSWER_EVENTS, 8))
    return LoadedSession(
        row=row, blocks=sessions.caption_blocks(conn, session_id), last_seq=event_log.last_event_seq(conn, session_id),
        history=answers.recent_answers(conn, session_id, HISTORY_KEPT),
        said=sessions.recent_captions(conn, session_id, captions_kept), questions=questions, unfinished=unfinished,
        company_summary=company_summary(conn, row["user_id"], row["company"], session_id),
        speakers=speakers.list_speakers(conn, session_id))
