"""Streams of hibernated sessions: a session watched only by idle streams need not keep its actor.

A quiet actor whose streams are all plain (none asked for presence events) hands them here and exits; a
stream that subscribes to a hibernated session is registered here too, after one store read instead of an
actor's load (unless the store holds an answer a crash cut: the actor that loads the session ends it, so
such a stream wakes the actor). Only a session's actor writes its events, so while a session has none its parked streams
need nothing but heartbeats, which one task sends to them all. The next message for the session revives
its actor, which adopts the parked streams with their watchers and publishes to them from the head they
were registered at.

One process only (no ownership): with leases another process may become the owner and publish events that
parked streams would not see, so there a watched session keeps its actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import trio

from mentor.actors.subscribers import Subscriber
from mentor.events import CloseReason, Event


@dataclass(slots=True)
class Parked:
    """The streams of one hibernated session, and what its next actor must check when it adopts them."""

    user_id: str
    head: int  # id of the last event when the streams were parked: the next actor must load the same
    subscribers: list[Subscriber] = field(default_factory=list)
    watchers: dict[Subscriber, dict[str, Any]] = field(default_factory=dict)  # presence, for the next actor
    next_beat: float = 0.0  # trio clock


class ParkedStreams:
    """Parked sessions by id, and their heartbeats (run by ``run``, a task of the supervisor's nursery)."""

    def __init__(self, heartbeat_s: float) -> None:
        self.heartbeat_s = heartbeat_s
        self._sessions: dict[str, Parked] = {}
        self._wake = trio.Event()  # set when the first session is parked: the heartbeat task has work

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._sessions

    def get(self, session_id: str) -> Parked | None:
        return self._sessions.get(session_id)

    def park(self, session_id: str, parked: Parked) -> None:
        if parked.subscribers:
            self._sessions[session_id] = parked
            self._wake.set()

    def take(self, session_id: str) -> Parked | None:
        """Remove and return the session's parked streams: its actor is starting and adopts them."""
        return self._sessions.pop(session_id, None)

    @property
    def streams(self) -> int:
        return sum(sum(1 for s in p.subscribers if s.alive) for p in self._sessions.values())

    def close_all(self, reason: CloseReason) -> None:
        for parked in self._sessions.values():
            for sub in parked.subscribers:
                sub.close(reason)
        self._sessions.clear()

    async def run(self) -> None:
        """Forever: heartbeat every parked stream ``heartbeat_s`` after its last one (within a tenth of
        it), and forget streams that left. Sleeps without a deadline while nothing is parked."""
        step = self.heartbeat_s / 10
        while True:
            if not self._sessions:
                self._wake = trio.Event()
                await self._wake.wait()
            await trio.sleep(step)
            self.beat(trio.current_time())

    def beat(self, now: float) -> None:
        for session_id, parked in list(self._sessions.items()):
            if parked.next_beat <= now:
                parked.next_beat = now + self.heartbeat_s
                beat = Event.heartbeat(session_id)
                parked.subscribers = [s for s in parked.subscribers if s.offer(beat)]
            else:
                parked.subscribers = [s for s in parked.subscribers if s.alive]
            if len(parked.watchers) > len(parked.subscribers):
                kept = set(parked.subscribers)
                parked.watchers = {s: w for s, w in parked.watchers.items() if s in kept}
            if not parked.subscribers:
                del self._sessions[session_id]
