"""Streams of sessions owned by another process (PostgreSQL): fed from the durable log, woken by NOTIFY.

The owner notifies every process in the commit that adds a session's events; here, a small pump per
stream reads the log after the last id it delivered and offers those events to an ordinary ``Subscriber``
(so ``EventStream`` replays and relays exactly as for a local session, lagged cut-off included). The pump
also reads the log at every heartbeat, so a lost notification delays events by at most ``heartbeat_s``,
and it notices a deleted session there. The owner may move (failover) under a remote stream: the stream
does not care, it follows the log.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import trio

from mentor.actors.subscribers import Subscriber, Subscription
from mentor.errors import not_found
from mentor.events import CloseReason, Event, EventType
from mentor.settings import Settings
from mentor.store import StoreReader, event_log, sessions
from mentor.store.notifications import Notifications, Waker

log = logging.getLogger(__name__)

NO_LIMIT = 2**31 - 1  # event ids are INTEGER columns


def _session_state(conn: Any, session_id: str) -> tuple[str, bool, int] | None:
    """(owner user id, ended, last event id), in one thread hop."""
    row = sessions.session_row(conn, session_id)
    if row is None:
        return None
    return str(row["user_id"]), row["status"] != "active", event_log.last_event_seq(conn, session_id)


class RemoteStreams:
    """Opens remote subscriptions; their pumps run in ``nursery`` (the runtime's), so a stream may be
    opened in one task and left in another (SSE routes do)."""

    def __init__(self, feed: Notifications, reader: StoreReader, settings: Settings, nursery: trio.Nursery) -> None:
        self.feed = feed
        self.reader = reader
        self.settings = settings
        self._nursery = nursery

    async def open(self, session_id: str, user_id: str, after: int | None, queue_size: int) -> Subscription:
        """Raises Problem 404 when the session does not exist or is not the user's."""
        waker = self.feed.register(session_id)  # before reading the head: no commit slips between the two
        try:
            state = await self.reader.read(_session_state, session_id)
            if state is None or state[0] != user_id:
                raise not_found()
        except BaseException:
            self.feed.unregister(waker)
            raise
        _, ended, head = state
        sub = Subscriber(queue_size)
        if ended:
            sub.close(CloseReason.ENDED)
        reset = after is not None and not 0 <= after <= head
        if ended:
            self.feed.unregister(waker)
        else:
            self._nursery.start_soon(self._pump, waker, sub, head, name=f"remote-stream:{session_id}")
        return Subscription(sub, head, None, reset=reset, ended=ended)

    async def _pump(self, waker: Waker, sub: Subscriber, last: int) -> None:
        session_id, settings = waker.session_id, self.settings
        try:
            while sub.alive:
                with trio.move_on_after(settings.heartbeat_s) as quiet:
                    await waker.wait()
                if not sub.alive:
                    return
                if quiet.cancelled_caught:
                    state = await self.reader.read(_session_state, session_id)
                    if state is None:
                        sub.close(CloseReason.DELETED)
                        return
                    sub.offer(Event.control(session_id, EventType.HEARTBEAT, {"t": round(time.time(), 3)}))
                while sub.alive:
                    page = await self.reader.read(event_log.events_after, session_id, last, NO_LIMIT,
                                                  settings.replay_page_size)
                    for event in page:
                        if not sub.offer(event):
                            return  # lagged: the client reconnects and catches up from the log
                        last = event.seq
                        if event.type == EventType.SESSION_ENDED:
                            sub.close(CloseReason.ENDED)
                            return
                    if len(page) < settings.replay_page_size:
                        break
        except Exception:  # the store failed: the client reconnects and resumes after ``last``
            log.exception("remote stream of %s failed; closing it", session_id)
            sub.close(CloseReason.RESTART)
        finally:
            self.feed.unregister(waker)
