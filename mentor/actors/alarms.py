"""Wake-ups for sleeping actors: one task and one heap, not a cancel scope around every actor's wait.

A session actor that waits for its next message also waits for its next deadline (a question's pause, a
heartbeat, hibernation). With ``trio.move_on_at`` around each wait, every sleeping actor holds a cancel
scope (~0.9 KiB while it sleeps, which is most of a live session's life) and arms one per message. Instead
the actor asks ``Alarms`` to wake it at that time and waits on its inbox alone; at the time, the alarm task
puts ``WAKE`` in the inbox. A wake-up it no longer needs (its deadline moved later) only wakes it early: it
finds nothing due and asks again. One it missed (its inbox was full, so it is busy anyway) is asked for again
at its next wait: an alarm whose time has passed counts as spent.
"""

from __future__ import annotations

import heapq
import math
from typing import Any, ClassVar

import trio

from mentor.actors.inbox import Inbox
from mentor.actors.messages import Message

__all__ = ["WAKE", "Alarms", "Wake"]


class Wake(Message[None]):
    """Put in a sleeping actor's inbox at its deadline; not a request: nothing waits for its reply."""

    internal: ClassVar[bool] = True


WAKE = Wake(user_id="")


class Alarms:
    __slots__ = ("_count", "_earlier", "_heap")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Inbox[Any]]] = []  # (time, tie-break, whom to wake)
        self._count = 0
        self._earlier: trio.Event | None = None  # set when an alarm earlier than all others is added

    def __len__(self) -> int:
        return len(self._heap)

    def wake_at(self, when: float, inbox: Inbox[Any]) -> None:
        """Put ``WAKE`` in ``inbox`` at ``when`` (trio clock)."""
        self._count += 1
        entry = (when, self._count, inbox)
        heapq.heappush(self._heap, entry)
        if self._heap[0] is entry and self._earlier is not None:
            self._earlier.set()

    async def run(self) -> None:
        while True:
            now = trio.current_time()
            while self._heap and self._heap[0][0] <= now:
                inbox = heapq.heappop(self._heap)[2]
                try:
                    inbox.send_nowait(WAKE)
                except (trio.WouldBlock, trio.BrokenResourceError):
                    pass  # full: the actor is busy and looks at its deadlines at its next wait; or it has stopped
            self._earlier = trio.Event()
            with trio.move_on_at(self._heap[0][0] if self._heap else math.inf):
                await self._earlier.wait()
