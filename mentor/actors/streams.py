"""Subscribing to a session: the one place that turns a subscription into the events a client must see.

``subscribe()`` is an async context manager (as encode/broadcaster's): it registers a subscriber with the
session's actor and yields an ``EventStream``; iterating it gives, in batches, the missed events first
(from the actor's memory, else paged from the durable log), then live ones with heartbeats in quiet
periods, then one final control event saying why the stream ended. Leaving the block leaves the actor at
once. SSE and WebSocket routes only encode what it yields. The actor's half, registering the subscriber
and taking the missed events from its memory in the same step as it reads its head, is
``open_subscription``, also here: the whole of subscription and replay is this module.

Invariant: event ids arrive in order with no gap and no duplicate; control events (heartbeat, reset,
lagged, shutdown, session_deleted) carry no id. Cost per idle stream: the subscriber queue and one
suspended generator; no replay page and no delivered batch is kept while it waits.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from mentor.actors.messages import Subscribe
from mentor.actors.subscribers import Subscriber, Subscription
from mentor.events import CloseReason, Event, EventType
from mentor.settings import Settings
from mentor.store import StoreReader, event_log

if TYPE_CHECKING:  # the actor registers subscriptions with ``open_subscription`` below: no import cycle
    from mentor.actors.supervisor import SessionSupervisor

# Why a subscription closed -> the control event the client gets last (None: just end the stream).
FINAL_EVENTS: dict[CloseReason, EventType | None] = {
    CloseReason.LAGGED: EventType.LAGGED,
    CloseReason.SHUTDOWN: EventType.SHUTDOWN,
    CloseReason.RESTART: EventType.SHUTDOWN,
    CloseReason.DELETED: EventType.SESSION_DELETED,
    CloseReason.ENDED: None,
}


MAX_EVENT_ID = 2**63 - 1  # event ids are BIGINTs; anything larger was never issued (and breaks encoders)


def parse_last_event_id(header: str | None, query: str | None = None) -> int | None:
    """The id to resume after: the ``Last-Event-ID`` header (EventSource's reconnect) wins over the
    ``last_event_id`` query (a first connect). None for neither; -1 (always answered with ``reset``) for an
    id this server never issued: garbage, negative, or beyond 64 bits."""
    raw = header if header is not None else query
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19):  # int() would also take "+5", " 5", "5_0"
        return -1
    value = int(raw)
    return value if value <= MAX_EVENT_ID else -1


def open_subscription(recent: Sequence[Event], head: int, after: int | None, queue_size: int, *,
                      ended: bool) -> Subscription:
    """The actor's half of a subscription, run inside the actor so nothing is published in between: a new
    subscriber queue, the head it starts after, and the missed events when ``recent`` (the actor's memory,
    oldest first) still holds them all (else None: ``EventStream`` pages them from the log). The actor
    adds the subscriber to its list unless ``ended`` (then the stream replays and finishes)."""
    sub = Subscriber(queue_size)
    if ended:
        sub.close(CloseReason.ENDED)
    reset = after is not None and not 0 <= after <= head
    start = 0 if after is None or reset else after
    backlog: list[Event] | None = None
    if start >= head:
        backlog = []
    elif recent and recent[0].seq <= start + 1:
        backlog = [e for e in recent if e.seq > start]
    return Subscription(sub, head, backlog, reset=reset, ended=ended)


class EventStream:
    """One client's view of a session, from ``subscribe()``. Iterate once."""

    __slots__ = ("_batches", "_reader", "_settings", "after", "session_id", "sub")

    def __init__(self, session_id: str, sub: Subscription, after: int | None, reader: StoreReader,
                 settings: Settings) -> None:
        self.session_id = session_id
        self.sub = sub
        self.after = after
        self._reader = reader
        self._settings = settings
        self._batches: AsyncGenerator[list[Event], None] | None = None

    @property
    def caught_up_and_ended(self) -> bool:
        """The session has ended and the client already has every event: nothing to send (SSE answers
        204, which tells EventSource to stop reconnecting)."""
        sub, after = self.sub, self.after
        return sub.ended and not sub.reset and after is not None and after >= sub.head

    def __aiter__(self) -> AsyncIterator[list[Event]]:
        if self._batches is None:
            self._batches = self._relay()
        return self._batches

    async def aclose(self) -> None:
        if self._batches is not None:
            await self._batches.aclose()
        self.sub.subscriber.leave()

    async def _relay(self) -> AsyncGenerator[list[Event], None]:
        """Batches of events in id order with no gap and no duplicate (heartbeats, without id, between)."""
        sub, session_id, after = self.sub, self.session_id, self.after
        if sub.reset:
            yield [Event.control(session_id, EventType.RESET, {
                "reason": "last_event_id cannot be honoured; replaying the session from its start",
                "requested": after, "head": sub.head})]
        backlog, sub.backlog = sub.backlog, []  # hand over the reference: yielded once, then dropped
        if backlog is not None:
            if backlog:
                yield backlog
            backlog = []
        else:
            start = 0 if sub.reset or after is None else after
            while start < sub.head:
                page = await self._reader.read(event_log.events_after, session_id, start, sub.head,
                                               self._settings.replay_page_size)
                if not page:
                    break
                start = page[-1].seq
                yield page
            page = []  # an idle stream must not pin its replay page while it waits
        last = sub.head
        while True:
            batch = await sub.subscriber.next_batch()
            if batch is None:
                reason = sub.subscriber.reason
                final = EventType.SHUTDOWN if reason is None else FINAL_EVENTS.get(reason, EventType.SHUTDOWN)
                if final is not None:
                    yield [Event.control(session_id, final, {"reason": reason, "last_event_id": last,
                                                             "retry_ms": self._settings.sse_retry_ms})]
                return
            last = max(last, batch[-1].seq)
            yield batch
            batch = []  # nor its last events, while it waits for the next


@asynccontextmanager
async def subscribe(supervisor: SessionSupervisor, reader: StoreReader, session_id: str, user_id: str,
                    after: int | None, watcher: dict[str, Any] | None = None,
                    presence: bool = False) -> AsyncIterator[EventStream]:
    """Subscribe ``user_id`` to the session's events after id ``after`` (None: from the start); ``watcher``
    (role, device) is announced as ``presence`` to the streams that asked for it (``presence``).

    Raises Problem (404 not the user's session, 503 shutting down or overloaded) before yielding.
    """
    settings = supervisor.settings
    remote = supervisor.remote_streams
    if remote is not None and await supervisor.locate(session_id) is not None:  # owned by another process
        sub = await remote.open(session_id, user_id, after, settings.subscriber_queue_size)
    else:
        sub = await supervisor.subscribe(session_id, Subscribe(user_id=user_id, after=after,
                                                               queue_size=settings.subscriber_queue_size,
                                                               watcher=watcher, presence=presence))
    stream = EventStream(session_id, sub, after, reader, settings)
    try:
        yield stream
    finally:
        await stream.aclose()  # now, not at garbage collection: the subscriber leaves its actor at once
