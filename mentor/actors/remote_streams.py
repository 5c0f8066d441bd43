"""Streams of sessions owned by another process (PostgreSQL): fed from the durable log, woken by NOTIFY.

The owner notifies every process in the commit that adds a session's events. Here, one pump per session
(not per stream: every remote stream of a session in this process shares it) reads the log after the last
id it has read and offers those events to each stream's ordinary ``Subscriber`` (so ``EventStream`` replays
and relays exactly as for a local session, lagged cut-off included): one log read per commit and process,
whatever the number of streams. A stream that joins a running pump starts after the later of its own head
and what the pump has already read, so it neither misses nor repeats an event. The pump also reads the
session's state at every heartbeat, so a lost notification delays events by at most ``heartbeat_s``, and it
notices a deleted session there. The owner may move (failover) under a remote stream: the stream does not
care, it follows the log.
"""

from __future__ import annotations

import logging
from typing import Any

import trio

from mentor.actors.spawn import Detached
from mentor.actors.subscribers import Subscriber, Subscription
from mentor.errors import not_found
from mentor.events import CloseReason, Event, EventType
from mentor.settings import Settings
from mentor.store import StoreReader, event_log, sessions
from mentor.store.notifications import Notifications, Waker

log = logging.getLogger(__name__)

NO_LIMIT = 2**31 - 1  # event ids are INTEGER columns


def session_state(conn: Any, session_id: str) -> tuple[str, bool, int] | None:
    """(owner user id, ended, last event id), in one thread hop; None for an unknown session. What a stream
    needs to start without the session's actor (remote and parked streams)."""
    row = sessions.session_row(conn, session_id)
    if row is None:
        return None
    return str(row["user_id"]), row["status"] != "active", event_log.last_event_seq(conn, session_id)


class _SessionFeed:
    """The remote streams of one session in this process and the state of their shared pump."""

    __slots__ = ("last", "opening", "running", "session_id", "subs", "waker")

    def __init__(self, session_id: str, waker: Waker) -> None:
        self.session_id = session_id
        self.waker = waker
        self.subs: dict[Subscriber, int] = {}  # each stream -> the id after which it takes events
        self.last = 0  # the last id the pump has read (set when it starts)
        self.opening = 0  # streams being opened (awaiting their first read): the pump must not end yet
        self.running = False


class RemoteStreams:
    """Opens remote subscriptions; the pumps run in ``nursery`` (the runtime's), so a stream may be opened
    in one task and left in another (SSE routes do)."""

    def __init__(self, feed: Notifications, reader: StoreReader, settings: Settings, nursery: trio.Nursery) -> None:
        self.feed = feed
        self.reader = reader
        self.settings = settings
        self._pumps = Detached(nursery)  # a pump does not keep the request that started it
        self._sessions: dict[str, _SessionFeed] = {}

    @property
    def streams(self) -> int:
        return sum(sum(1 for sub in f.subs if sub.alive) for f in self._sessions.values())

    async def open(self, session_id: str, user_id: str, after: int | None, queue_size: int) -> Subscription:
        """Raises Problem 404 when the session does not exist or is not the user's."""
        session = self._sessions.get(session_id)
        if session is None:  # its doorbell is registered before the head is read: no commit slips between
            session = self._sessions[session_id] = _SessionFeed(session_id, self.feed.register(session_id))
        session.opening += 1
        try:
            state = await self.reader.read(session_state, session_id)
        finally:
            session.opening -= 1
        if state is None or state[0] != user_id:
            self._drop_if_unused(session)
            raise not_found()
        _, ended, head = state
        sub = Subscriber(queue_size)
        if ended:
            sub.close(CloseReason.ENDED)
            self._drop_if_unused(session)
            return Subscription(sub, head, None, reset=after is not None and not 0 <= after <= head, ended=True)
        if session.running:
            head = max(head, session.last)  # the pump read past our head: the replay covers up to its last
        else:
            session.last, session.running = head, True
            self._pumps.start_soon(self._pump, session, name=f"remote-stream:{session_id}")
        session.subs[sub] = head
        return Subscription(sub, head, None, reset=after is not None and not 0 <= after <= head)

    def _drop_if_unused(self, session: _SessionFeed) -> None:
        if not session.subs and not session.opening and not session.running:
            self._forget(session)

    def _forget(self, session: _SessionFeed) -> None:
        if self._sessions.get(session.session_id) is session:
            del self._sessions[session.session_id]
        self.feed.unregister(session.waker)

    async def _pump(self, session: _SessionFeed) -> None:
        session_id, settings = session.session_id, self.settings
        try:
            while True:
                with trio.move_on_after(settings.heartbeat_s) as quiet:
                    await session.waker.wait()
                session.subs = {sub: floor for sub, floor in session.subs.items() if sub.alive}
                if not session.subs and not session.opening:
                    return
                if quiet.cancelled_caught:
                    if await self.reader.read(session_state, session_id) is None:
                        self._close_all(session, CloseReason.DELETED)
                        return
                    beat = Event.heartbeat(session_id)
                    for sub in session.subs:
                        sub.offer(beat)
                while True:
                    page = await self.reader.read(event_log.events_after, session_id, session.last, NO_LIMIT,
                                                  settings.replay_page_size)
                    for event in page:
                        for sub, floor in session.subs.items():
                            if event.seq > floor:
                                sub.offer(event)  # a lagged one is closed by offer: dropped next round
                        session.last = event.seq
                        if event.type == EventType.SESSION_ENDED:
                            self._close_all(session, CloseReason.ENDED)
                            return
                    if len(page) < settings.replay_page_size:
                        break
        except Exception:  # the store failed: the clients reconnect and resume after their last id
            log.exception("remote streams of %s failed; closing them", session_id)
            self._close_all(session, CloseReason.RESTART)
        finally:
            session.running = False
            if session.opening:  # a stream is being opened: it starts a new pump (its head is fresh)
                session.subs.clear()
            else:
                self._forget(session)

    @staticmethod
    def _close_all(session: _SessionFeed, reason: CloseReason) -> None:
        for sub in session.subs:
            sub.close(reason)
        session.subs.clear()
