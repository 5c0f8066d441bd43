"""Relay one subscription to a client: the missed events first (from the actor's memory or the durable
log), then live ones, with heartbeats in quiet periods and a final control event when the stream ends.
SSE and WebSocket differ only in how they encode what this yields.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from mentor.actors.messages import Subscribe
from mentor.actors.subscribers import Subscription
from mentor.events import CloseReason, Event, EventType
from mentor.runtime import Runtime
from mentor.store import event_log

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


async def subscribe(rt: Runtime, session_id: str, user_id: str, after: int | None) -> Subscription:
    msg = Subscribe(user_id=user_id, after=after, queue_size=rt.settings.subscriber_queue_size)
    sub: Subscription = await rt.supervisor.ask(session_id, msg)
    return sub


async def relay(rt: Runtime, session_id: str, sub: Subscription,
                after: int | None) -> AsyncGenerator[list[Event], None]:
    """Batches of events in id order with no gap and no duplicate (heartbeats, without id, in between).

    Runs outside the request context (a streamed body), hence the explicit runtime."""
    try:
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
                page = await rt.reader.read(event_log.events_after, session_id, start, sub.head,
                                           rt.settings.replay_page_size)
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
                    yield [Event.control(session_id, final, {"reason": sub.subscriber.reason,
                                                             "last_event_id": last,
                                                             "retry_ms": rt.settings.sse_retry_ms})]
                return
            last = max(last, batch[-1].seq)
            yield batch
            batch = []  # nor its last events, while it waits for the next
    finally:
        sub.subscriber.leave()
