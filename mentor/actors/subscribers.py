"""Subscribers: one bounded queue per SSE/WebSocket stream, fed by the actor that owns it.

The actor never waits on a subscriber: ``offer`` is non-blocking, and a subscriber whose queue is full is
cut off (reason ``lagged``) so it reconnects and catches up from the durable log. That keeps one slow
phone from delaying every other device, and memory per subscriber bounded by ``queue_size`` events.
"""

from __future__ import annotations

from dataclasses import dataclass

import trio

from mentor.events import Event


class Subscriber:
    __slots__ = ("_recv", "_send", "reason")

    def __init__(self, queue_size: int) -> None:
        self._send, self._recv = trio.open_memory_channel[Event](queue_size)
        self.reason: str | None = None  # why the actor closed it: "lagged", "ended", "deleted", "shutdown", ...

    # --- the actor's side

    def offer(self, event: Event) -> bool:
        """Queue ``event``; False if the subscriber is gone or was just cut off for lagging."""
        try:
            self._send.send_nowait(event)
            return True
        except trio.WouldBlock:
            self.close("lagged")
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass
        return False

    def close(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        self._send.close()

    @property
    def alive(self) -> bool:
        return self.reason is None and self._send.statistics().open_receive_channels > 0

    # --- the stream's side

    async def next_batch(self, limit: int = 256) -> list[Event] | None:
        """Everything queued (at least one event), or None once closed.

        Draining the queue in one go lets the stream write many events as one chunk. No timeout here:
        the actor offers heartbeats, so a stream wakes up at least every ``heartbeat_s`` and thousands of
        quiet streams do not each keep a deadline.
        """
        try:
            batch = [await self._recv.receive()]
        except (trio.EndOfChannel, trio.ClosedResourceError):
            return None
        while len(batch) < limit:
            try:
                batch.append(self._recv.receive_nowait())
            except (trio.WouldBlock, trio.EndOfChannel):
                break
        return batch

    def leave(self) -> None:
        """The stream is done: the actor drops this subscriber at its next publish or idle check."""
        self._recv.close()


@dataclass(slots=True)
class Subscription:
    """What a Subscribe returns: the queue, the id of the last event already published when it was
    registered, and the missed events when the actor still has them in memory (else read the store)."""

    subscriber: Subscriber
    head: int
    backlog: list[Event] | None
    reset: bool = False  # the requested id could not be honoured: the replay starts from the beginning
    ended: bool = False
