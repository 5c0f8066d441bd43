"""PostgreSQL LISTEN: wakes the streams of this process when another process commits a session's events.

Owners send ``pg_notify('mentor_events', '<session id>:<seq>')`` inside the commit of the events
(``leases.notify``), so a notification means "the durable log reached <seq>" and arrives only after the
commit. The payload is never the event itself: a woken stream reads the log from its last delivered id,
which keeps replay gapless and free of duplicates whatever notifications are lost or merged.

One dedicated connection per process, read by psycopg's ``notifies()`` in a worker thread that hands each
notification to trio (``trio.from_thread``). When that connection drops, every waiting stream is woken
(it re-reads the log) and the listener reconnects.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict

import psycopg
import sqlalchemy as sa
import trio

from mentor.store.leases import NOTIFY_CHANNEL

log = logging.getLogger(__name__)


class Waker:
    """One remote stream's doorbell: set when the session's log may have grown."""

    __slots__ = ("event", "session_id")

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.event = trio.Event()

    def ring(self) -> None:
        self.event.set()

    async def wait(self) -> None:
        await self.event.wait()
        self.event = trio.Event()


class Notifications:
    def __init__(self, engine: sa.Engine, *, reconnect_s: float = 1.0) -> None:
        self._dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._wakers: defaultdict[str, set[Waker]] = defaultdict(set)
        self._stop = threading.Event()
        self._reconnect_s = reconnect_s
        self.received = 0

    def register(self, session_id: str) -> Waker:
        waker = Waker(session_id)
        self._wakers[session_id].add(waker)
        return waker

    def unregister(self, waker: Waker) -> None:
        wakers = self._wakers.get(waker.session_id)
        if wakers is not None:
            wakers.discard(waker)
            if not wakers:
                del self._wakers[waker.session_id]

    @property
    def streams(self) -> int:
        return sum(len(w) for w in self._wakers.values())

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Listen until cancelled; ``started`` once the first LISTEN is in place."""
        token = trio.lowlevel.current_trio_token()
        listening = trio.Event()
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(lambda: trio.to_thread.run_sync(self._listen, token, listening,
                                                                   abandon_on_cancel=True))
                with trio.fail_after(10):
                    await listening.wait()
                task_status.started()
        finally:
            self._stop.set()  # the abandoned thread sees it within a second and closes its connection

    def _listen(self, token: trio.lowlevel.TrioToken, listening: trio.Event) -> None:
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    if first:
                        trio.from_thread.run_sync(listening.set, trio_token=token)
                        first = False
                    else:
                        trio.from_thread.run_sync(self._ring_all, trio_token=token)  # we may have missed some
                    while not self._stop.is_set():  # a one-second window, then check for shutdown
                        for note in conn.notifies(timeout=1.0):
                            trio.from_thread.run_sync(self._dispatch, [note.payload], trio_token=token)
            except trio.RunFinishedError:
                return
            except Exception as exc:  # noqa: BLE001 - reconnect; streams also poll the log every heartbeat
                log.warning("LISTEN connection failed (%s); reconnecting", exc)
                self._stop.wait(self._reconnect_s)

    def _dispatch(self, payloads: list[str]) -> None:
        self.received += len(payloads)
        for payload in payloads:
            for waker in self._wakers.get(payload.rsplit(":", 1)[0], ()):
                waker.ring()

    def _ring_all(self) -> None:
        for wakers in self._wakers.values():
            for waker in wakers:
                waker.ring()
