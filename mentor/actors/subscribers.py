"""Subscribers: one bounded queue per SSE/WebSocket stream, fed by the actor that owns it.

The actor never waits on a subscriber: ``offer`` is non-blocking, and a subscriber whose queue is full is
cut off (reason ``lagged``) so it reconnects and catches up from the durable log. That keeps one slow
phone from delaying every other device, and memory per subscriber bounded by ``queue_size`` events.
"""

from __future__ import annotations

from dataclasses import dataclass

import trio

from mentor.actors.metrics import LAGGED
from mentor.events import CloseReason, Event


class Subscriber:
    """A single-consumer queue that drops its consumer instead of blocking its producer.

    Not a trio memory channel: thousands of these sit idle on a server, a channel costs ~2.4 KiB, and the
    one thing a channel would add, a blocking send, is exactly what the actor must never do.
    """

    __slots__ = ("_left", "_queue", "_size", "_waiter", "reason")

    def __init__(self, queue_size: int) -> None:
        self._queue: list[Event] = []  # not a deque: an empty one costs 600 bytes, and most streams sit idle
        self._size = queue_size
        # The stream's task while it waits for the next event: parked with trio's low-level wait and woken
        # with reschedule, which is what trio.Event does inside, without an Event and a set per wait.
        self._waiter: trio.lowlevel.Task | None = None
        self._left = False
        self.reason: CloseReason | None = None  # why the actor closed it

    # --- the actor's side

    def offer(self, event: Event) -> bool:
        """Queue ``event``; False if the subscriber is gone or was just cut off for lagging."""
        if self.reason is not None or self._left:
            return False
        if len(self._queue) >= self._size:
            LAGGED.inc()
            self.close(CloseReason.LAGGED)
            return False
        self._queue.append(event)
        self._wake()
        return True

    def close(self, reason: CloseReason) -> None:
        """No more events; the stream still gets what is queued, then ``next_batch`` returns None."""
        if self.reason is None:
            self.reason = reason
        self._wake()

    @property
    def alive(self) -> bool:
        return self.reason is None and not self._left

    def _wake(self) -> None:
        task = self._waiter
        if task is not None:
            self._waiter = None
            trio.lowlevel.reschedule(task)

    def _abort(self, _: trio.lowlevel.RaiseCancelT) -> trio.lowlevel.Abort:
        self._waiter = None  # cancelled while waiting: nothing will wake it
        return trio.lowlevel.Abort.SUCCEEDED

    # --- the stream's side

    async def next_batch(self, limit: int = 256) -> list[Event] | None:
        """Everything queued (at least one event, at most ``limit``), or None once closed and drained.

        Draining the queue in one go lets the stream write many events as one chunk. No timeout here:
        the actor offers heartbeats, so a stream wakes up at least every ``heartbeat_s`` and thousands of
        quiet streams do not each keep a deadline.
        """
        while not self._queue:
            if self.reason is not None:
                return None
            self._waiter = trio.lowlevel.current_task()
            await trio.lowlevel.wait_task_rescheduled(self._abort)
        queue = self._queue
        if len(queue) <= limit:
            self._queue = []
            return queue
        batch = queue[:limit]
        del queue[:limit]
        return batch

    def leave(self) -> None:
        """The stream is done: the actor drops this subscriber at its next publish or idle check."""
        self._left = True
        self._queue.clear()


@dataclass(slots=True)
class Subscription:
    """What a Subscribe returns: the queue, the id of the last event already published when it was
    registered, and the missed events when the actor still has them in memory (else read the store)."""

    subscriber: Subscriber
    head: int
    backlog: list[Event] | None
    reset: bool = False  # the requested id could not be honoured: the replay starts from the beginning
    ended: bool = False
