"""SessionActor: the one task that owns a live session's state, its event log head and its subscribers.

Everything that changes a session goes through the actor's inbox, so there are no locks: the actor
validates a message against its state, stages rows and events, and (group-)commits them through the
store's single writer before it publishes the events and replies. A reply therefore means "durable", and
every subscriber sees events in id order with no gap. If a commit fails the actor raises; its supervisor
restarts it from the store, which holds exactly what was acknowledged.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from typing import Any, Callable

import trio

from mentor.actors.messages import (
    AddCaptions,
    AskQuestion,
    CaptionInput,
    DeleteSession,
    EndSession,
    GetSession,
    Message,
    Regenerate,
    SetAutoAnswer,
    Stop,
    Subscribe,
)
from mentor.actors.subscribers import Subscriber, Subscription
from mentor.errors import Problem, not_found, unavailable
from mentor.events import Event, EventType
from mentor.settings import Settings
from mentor.store import StoreError, StoreReader, StoreWriter, WriteOp
from mentor.store import queries as q

log = logging.getLogger(__name__)

SPEAKER_ROLES = frozenset({"interviewer", "candidate", "other"})


class ActorExit(Exception):
    """Raised inside the actor to stop it normally (session deleted, shutdown)."""


def public_session(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "user_id"}


def public_caption(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("session_id", "updated_at")}


class SessionActor:
    def __init__(self, session: dict[str, Any], settings: Settings, reader: StoreReader,
                 writer: StoreWriter) -> None:
        self.session_id: str = session["id"]
        self.session = session
        self.settings = settings
        self.reader = reader
        self.writer = writer
        self.blocks: dict[str, q.BlockState] = {}
        self.next_caption_id = 1
        self.published_seq = 0  # id of the last event committed and handed to subscribers
        self.next_seq = 1
        self.recent: deque[Event] = deque(maxlen=settings.actor_recent_events)
        self.subscribers: list[Subscriber] = []
        # staged by the messages of one group, committed together
        self._ops: list[WriteOp] = []
        self._events: list[Event] = []
        self._after_publish: list[Callable[[], None]] = []
        self._stopping = False

    # --- lifecycle

    async def load(self) -> None:
        """Rebuild state from the store: what is there is exactly what was acknowledged."""
        row, blocks, last_seq = await self.reader.read(_load_state, self.session_id)
        if row is None:
            raise ActorExit("session deleted")
        self.session = row
        self.blocks = blocks
        self.next_caption_id = max((b.caption_id for b in blocks.values()), default=0) + 1
        self.published_seq = last_seq
        self.next_seq = last_seq + 1

    async def run(self, inbox: trio.MemoryReceiveChannel[Message], idle: Callable[[], bool]) -> None:
        """Serve messages until idle (``idle()`` agreed to let us go), deleted, or stopped.

        Raises on a failed commit so the supervisor restarts the actor from the store.
        """
        try:
            await self.load()
            while not self._stopping:
                batch: list[Message] = []
                with trio.move_on_after(self.settings.actor_idle_timeout_s):
                    batch.append(await inbox.receive())
                if not batch:
                    self.subscribers = [s for s in self.subscribers if s.alive]
                    if not self.subscribers and idle():
                        return
                    continue
                while len(batch) < self.settings.write_batch_max:
                    try:
                        batch.append(inbox.receive_nowait())
                    except (trio.WouldBlock, trio.EndOfChannel):
                        break
                try:
                    await self._process(batch)
                except BaseException:
                    for message in batch:  # a no-op for those already answered
                        message.reply.fail(unavailable("the session failed; retry"))
                    raise
        except ActorExit:
            return
        finally:
            reason = "shutdown" if self._stopping else "restart"
            for sub in self.subscribers:
                sub.close(reason)

    async def _process(self, batch: list[Message]) -> None:
        done: list[tuple[Message, Any]] = []
        for message in batch:
            if not isinstance(message, Stop) and message.user_id != self.session["user_id"]:
                message.reply.fail(not_found())
                continue
            try:
                done.append((message, self._handle(message)))
            except Problem as problem:
                message.reply.fail(problem)
        if self._ops or self._events:
            ops = merge_ops([WriteOp(q.INSERT_EVENT, q.event_rows(self._events))] if self._events else [])
            ops += merge_ops(self._ops)
            self._ops = []
            try:
                await self.writer.write(ops)
            except StoreError as exc:
                for message, _ in done:
                    message.reply.fail(unavailable(f"could not store: {exc}"))
                raise
        events, self._events = self._events, []
        self._publish(events)
        for message, value in done:
            message.reply.set(value() if callable(value) else value)
        actions, self._after_publish = self._after_publish, []
        for action in actions:
            action()

    def _publish(self, events: list[Event]) -> None:
        if not events:
            return
        self.recent.extend(events)
        self.published_seq = events[-1].seq
        live = []
        for sub in self.subscribers:
            for event in events:
                if not sub.offer(event):
                    break
            else:
                live.append(sub)
        self.subscribers = live

    # --- staging

    def _emit(self, type: EventType, data: dict[str, Any]) -> Event:
        event = Event.make(self.session_id, self.next_seq, type, data)
        self.next_seq += 1
        self._events.append(event)
        return event

    def _require_active(self) -> None:
        if self.session["status"] != "active":
            raise Problem(409, "session_ended", "the session has ended; it accepts no more changes")

    # --- handlers: validate, stage, return the reply value (or a callable run after publishing)

    def _handle(self, message: Message) -> Any:
        match message:
            case AddCaptions():
                return self._add_captions(message.captions)
            case Subscribe():
                return lambda: self._subscribe(message.after, message.queue_size)
            case GetSession():
                return public_session(self.session)
            case EndSession():
                return self._end()
            case DeleteSession():
                return self._delete()
            case SetAutoAnswer():
                return self._set_auto_answer(message.enabled)
            case AskQuestion():
                return self._ask(message.text)
            case Regenerate():
                raise Problem(501, "answers_unavailable", "answer generation is not available on this server")
            case Stop():
                self._stopping = True
                return None
        raise Problem(400, "unknown_message", f"unsupported message {type(message).__name__}")

    def _add_captions(self, captions: list[CaptionInput]) -> list[dict[str, Any]]:
        self._require_active()
        now = time.time()
        earliest = self.session["created_at"] - self.settings.caption_clock_skew_s
        latest = now + self.settings.caption_max_future_s
        # Validate the whole batch before staging anything: a refused request changes nothing.
        staged: dict[str, q.BlockState] = {}
        plan: list[tuple[CaptionInput, str, q.BlockState | None]] = []
        for index, cap in enumerate(captions):
            where = {"index": index}
            if cap.speaker_role not in SPEAKER_ROLES:
                raise Problem(422, "unknown_speaker", f"speaker_role must be one of {sorted(SPEAKER_ROLES)}", **where)
            if cap.client_ts is not None and cap.client_ts < earliest:
                raise Problem(422, "timestamp_before_session", "client_ts is before the session started", **where)
            if cap.client_ts is not None and cap.client_ts > latest:
                raise Problem(422, "timestamp_in_future", "client_ts is implausibly far in the future", **where)
            block_id = cap.block_id or f"auto-{uuid.uuid4().hex}"
            known = staged.get(block_id) or self.blocks.get(block_id)
            if known is not None:
                if cap.revision < known.revision:
                    raise Problem(409, "revision_backwards",
                                  f"block {block_id!r} is at revision {known.revision}; got {cap.revision}", **where)
                if cap.revision > known.revision and known.final:
                    raise Problem(409, "block_final", f"block {block_id!r} is final; it takes no new revisions",
                                  **where)
            plan.append((cap, block_id, known))
            if known is None or cap.revision > known.revision:
                staged[block_id] = q.BlockState(known.caption_id if known else 0, cap.revision, cap.final)

        results = []
        for index, (cap, block_id, _) in enumerate(plan):
            known = self.blocks.get(block_id)
            if known is not None and cap.revision <= known.revision:
                # A retry of something already stored: acknowledge, change nothing.
                results.append({"index": index, "id": known.caption_id, "block_id": block_id,
                                "revision": known.revision, "status": "duplicate"})
                continue
            row = {
                "session_id": self.session_id, "block_id": block_id, "revision": cap.revision,
                "final": cap.final, "speaker_role": cap.speaker_role, "speaker_name": cap.speaker_name,
                "text": cap.text, "client_ts": cap.client_ts, "updated_at": now,
            }
            if known is None:
                row["id"] = caption_id = self.next_caption_id
                row["created_at"] = now
                self.next_caption_id += 1
                self._ops.append(WriteOp(q.INSERT_CAPTION, row))
                event = self._emit(EventType.NEW_CAPTION, public_caption(row))
                status = "created"
            else:
                caption_id = known.caption_id
                self._ops.append(WriteOp(q.UPDATE_CAPTION, {**row, "b_session_id": self.session_id,
                                                            "b_id": caption_id}))
                event = self._emit(EventType.CAPTION_UPDATED, public_caption({**row, "id": caption_id}))
                status = "updated"
            self.blocks[block_id] = q.BlockState(caption_id, cap.revision, cap.final)
            results.append({"index": index, "id": caption_id, "block_id": block_id, "revision": cap.revision,
                            "status": status, "event_id": event.seq})
        return results

    def _subscribe(self, after: int | None, queue_size: int) -> Subscription:
        sub = Subscriber(queue_size)
        ended = self.session["status"] != "active"
        if ended:
            sub.close("ended")  # nothing more will come: the stream replays, then finishes
        else:
            self.subscribers.append(sub)
        head = self.published_seq
        reset = after is not None and not 0 <= after <= head
        start = 0 if after is None or reset else after
        backlog: list[Event] | None = None
        if start >= head:
            backlog = []
        elif self.recent and self.recent[0].seq <= start + 1:
            backlog = [e for e in self.recent if e.seq > start]
        return Subscription(sub, head, backlog, reset=reset, ended=ended)

    def _end(self) -> dict[str, Any]:
        if self.session["status"] == "active":
            now = time.time()
            self.session = {**self.session, "status": "ended", "ended_at": now}
            self._ops.append(q.update_session(self.session_id, status="ended", ended_at=now))
            self._emit(EventType.SESSION_ENDED, {"session_id": self.session_id, "ended_at": now})
            self._after_publish.append(lambda: self._close_all("ended"))
        return public_session(self.session)

    def _delete(self) -> None:
        self._ops.extend(q.delete_session(self.session_id))
        self._stopping = True
        self._after_publish.append(lambda: self._close_all("deleted"))

    def _set_auto_answer(self, enabled: bool) -> dict[str, Any]:
        self._require_active()
        if bool(self.session["auto_answer"]) != enabled:
            self.session = {**self.session, "auto_answer": enabled}
            self._ops.append(q.update_session(self.session_id, auto_answer=enabled))
            self._emit(EventType.ANSWERS_RESUMED if enabled else EventType.ANSWERS_PAUSED, {"auto_answer": enabled})
        return {"auto_answer": enabled}

    def _ask(self, text: str) -> dict[str, Any]:
        self._require_active()
        question_id = f"m{self.next_seq}"
        event = self._emit(EventType.QUESTION_DETECTED, {
            "question_id": question_id, "text": text, "caption_ids": [], "kind": "other",
            "confidence": 1.0, "parts": [text], "revision": 0, "source": "manual",
        })
        return {"question_id": question_id, "event_id": event.seq}

    def _close_all(self, reason: str) -> None:
        for sub in self.subscribers:
            sub.close(reason)
        self.subscribers = []


def merge_ops(ops: list[WriteOp]) -> list[WriteOp]:
    """Fold runs of the same statement into one executemany: one round trip instead of many."""
    merged: list[WriteOp] = []
    for op in ops:
        last = merged[-1] if merged else None
        if last is not None and last.statement is op.statement and isinstance(op.params, dict):
            if isinstance(last.params, list):
                last.params.append(op.params)
            elif isinstance(last.params, dict):
                merged[-1] = WriteOp(op.statement, [last.params, op.params])
            else:
                merged.append(op)
            continue
        merged.append(op)
    return merged


def _load_state(conn: Any, session_id: str) -> tuple[dict[str, Any] | None, dict[str, q.BlockState], int]:
    return q.session_row(conn, session_id), q.caption_blocks(conn, session_id), q.last_event_seq(conn, session_id)
