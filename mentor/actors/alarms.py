"""Wake-ups for sleeping actors: one task and one heap, not a cancel scope around every actor's wait.

A session actor that waits for its next message also waits for its next deadline (a question's pause, a
heartbeat, hibernation). With ``trio.move_on_at`` around each wait, every sleeping actor holds a cancel
scope (~0.9 KiB while it sleeps, which is most of a live session's life) and arms one per message. Instead
the actor tells ``Alarms`` when it wants to be woken and waits on its inbox alone; at that time the alarm
task puts ``WAKE`` in the inbox.

The wanted time lives on the inbox (``Inbox.wake_at``), and the heap holds one live entry per inbox
(``Inbox.alarm_at``). A deadline that moves later (each caption pushes a question's pause on) costs nothing
until the old entry comes due: the alarm task then re-files it at the new time instead of waking the actor.
A deadline that moves earlier adds an entry; the one it replaces is dropped when it comes due. The task
wakes at most every ``RESOLUTION_S``, taking every entry due by then: a deadline is met up to that late,
and the task's wake-ups do not grow with the number of sessions.
"""

from __future__ import annotations

import heapq
import math
from typing import Any, ClassVar

import trio

from mentor.actors.inbox import Inbox
from mentor.actors.messages import Message

__all__ = ["RESOLUTION_S", "WAKE", "Alarms", "Wake"]

RESOLUTION_S = 0.01  # the alarm task wakes at most this often; a deadline is met up to this late


class Wake(Message[None]):
    """Put in a sleeping actor's inbox at its deadline; not a request: nothing waits for its reply."""

    internal: ClassVar[bool] = True


WAKE = Wake(user_id="")


class Alarms:
    __slots__ = ("_count", "_earlier", "_heap")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Inbox[Any]]] = []  # (time, tie-break, whom to wake)
        self._count = 0
        self._earlier: trio.Event | None = None  # set when an entry earlier than all others is added

    def __len__(self) -> int:
        return len(self._heap)

    def wake_at(self, when: float, inbox: Inbox[Any]) -> None:
        """Put ``WAKE`` in ``inbox`` at ``when`` (trio clock) instead of any time asked for before."""
        inbox.wake_at = when
        if when < inbox.alarm_at:
            self._file(when, inbox)

    def _file(self, when: float, inbox: Inbox[Any]) -> None:
        inbox.alarm_at = when
        self._count += 1
        entry = (when, self._count, inbox)
        heapq.heappush(self._heap, entry)
        if self._heap[0] is entry and self._earlier is not None:
            self._earlier.set()

    async def run(self) -> None:
        while True:
            now = trio.current_time()
            while self._heap and self._heap[0][0] <= now:
                when, _, inbox = heapq.heappop(self._heap)
                if when != inbox.alarm_at:
                    continue  # replaced by an earlier entry, since handled
                inbox.alarm_at = math.inf
                if inbox.wake_at <= now:
                    inbox.wake_at = math.inf
                    try:
                        inbox.send_nowait(WAKE)
                    except (trio.WouldBlock, trio.BrokenResourceError):
                        pass  # full: the actor is busy and asks again at its next wait; or it has stopped
                elif inbox.wake_at < math.inf:
                    self._file(inbox.wake_at, inbox)  # moved later: re-filed, the actor sleeps on
            self._earlier = trio.Event()
            wake = max(self._heap[0][0], now + RESOLUTION_S) if self._heap else math.inf
            with trio.move_on_at(wake):
                await self._earlier.wait()
