"""SessionSupervisor: starts session actors on demand inside its nursery, restarts them when they crash,
lets idle ones go, and stops them all at shutdown.

Handlers talk to sessions only through ``create`` and ``ask``: ``ask`` finds (or revives) the session's
actor, puts the message in its bounded inbox and waits for the reply; ``create`` starts the actor of a new
session, which stores it with its first event, so every event id is assigned by an actor.
"""

from __future__ import annotations

import logging
import secrets
import time
import uuid
from typing import Any, TypeVar

import trio

from mentor.actors.alarms import Alarms
from mentor.actors.inbox import Inbox
from mentor.actors.messages import CreateSession, Message, Stop, Subscribe
from mentor.actors.ownership import Forwarder, Lease, Ownership, with_block_ids
from mentor.actors.parked_streams import Parked, ParkedStreams
from mentor.actors.remote_streams import RemoteStreams, session_state
from mentor.actors.session_actor import ANSWER_EVENTS, SessionActor, read_session
from mentor.actors.session_core import LoadedSession, read_log
from mentor.actors.spawn import Detached
from mentor.actors.streams import open_subscription
from mentor.actors.subscribers import Subscription
from mentor.engines import AnswerEngine
from mentor.errors import not_found, unavailable
from mentor.events import CloseReason
from mentor.settings import Settings
from mentor.store import StoreReader, StoreWriter, event_log

log = logging.getLogger(__name__)

RESTART_WINDOW_S = 60.0

T = TypeVar("T")


class _Handle:
    __slots__ = ("actor", "done", "finished", "inbox", "lease")

    def __init__(self, inbox: Inbox[Message[Any]], lease: Lease | None) -> None:
        self.inbox = inbox
        self.finished = False
        self.done: trio.Event | None = None  # made by whoever waits for the end (shutdown): most never need one
        self.actor: SessionActor | None = None
        self.lease = lease  # PostgreSQL: this process's lease on the session (None on SQLite)


class OwnedElsewhere(Exception):
    """The session's live actor runs in another process, reachable at ``address``; its lease runs until
    ``expires`` (trio clock) unless the owner renews it."""

    def __init__(self, address: str, expires: float) -> None:
        super().__init__(address)
        self.address = address
        self.expires = expires


class SessionSupervisor:
    def __init__(self, settings: Settings, reader: StoreReader, writer: StoreWriter,
                 nursery: trio.Nursery, engine: AnswerEngine, ownership: Ownership | None = None) -> None:
        self.engine = engine
        self.ownership = ownership  # None on SQLite: one process, no leases
        self.forwarder = Forwarder(settings) if ownership is not None else None
        self.remote_streams: RemoteStreams | None = None  # set by the runtime with ownership
        self._remote: dict[str, tuple[str, float, float]] = {}  # session id -> (owner's address, until, lease
        # expiry): skip lookups
        self.settings = settings
        self.reader = reader
        self.writer = writer
        self._detached = Detached(nursery)  # actors do not keep the request that started them
        self.alarms = Alarms()  # sleeping actors' deadlines
        nursery.start_soon(self.alarms.run, name="actor-alarms")
        self._actors: dict[str, _Handle] = {}
        self._starting: dict[str, trio.Event] = {}
        # Streams of hibernated sessions (one process only: see parked_streams).
        self.parked = ParkedStreams(settings.heartbeat_s) if ownership is None else None
        if self.parked is not None:
            nursery.start_soon(self.parked.run, name="parked-streams")
        self.closing = False
        self.restarts = 0

    @property
    def live_sessions(self) -> int:
        return len(self._actors)

    @property
    def live_subscribers(self) -> int:
        remote = self.remote_streams.streams if self.remote_streams is not None else 0
        remote += self.parked.streams if self.parked is not None else 0
        return remote + sum(sum(1 for sub in h.actor.subscribers if sub.alive)
                            for h in self._actors.values() if h.actor is not None)

    def is_live(self, session_id: str) -> bool:
        """Whether the session has an actor (running or starting) or parked streams in this process."""
        return session_id in self._actors or session_id in self._starting or (
            self.parked is not None and session_id in self.parked)

    async def create(self, user_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Start a new session of ``user_id`` with ``fields`` (title, company, ...); its actor commits the
        row together with event 1 (``session_created``) and the reply is the stored session.

        Raises Problem 503 when shutting down or when the commit fails.
        """
        if self.closing:
            raise unavailable("the server is shutting down")
        row = {"id": str(uuid.uuid4()), "user_id": user_id, **fields, "status": "active", "auto_answer": True,
               "created_at": time.time(), "ended_at": None}
        lease = await self.ownership.acquire(row["id"]) if self.ownership is not None else None
        handle = self._spawn(row, lease, fresh=True)
        return await self._deliver(handle, CreateSession(user_id=user_id))

    async def ask(self, session_id: str, message: Message[T], *, forwarded: bool = False) -> T:
        """Deliver ``message`` to the session's actor and return its reply; when another process owns the
        session (PostgreSQL), forward it there. ``forwarded``: it came from a peer, never forward again.

        Raises Problem: 404 when the session does not exist (or is not the user's), 503 when shutting
        down or when the actor does not answer within ``actor_reply_timeout_s``.
        """
        handle = self._actors.get(session_id)
        if handle is not None and not self.closing:
            # The common case, a live actor here with room in its inbox: one deadline to arm (the reply's),
            # not a second one around the lookup, the forwarding and the retries below.
            try:
                handle.inbox.send_nowait(message)
            except (trio.WouldBlock, trio.BrokenResourceError, trio.ClosedResourceError):
                pass  # full, or it stopped between lookup and send: the long way waits for room or revives it
            else:
                return await message.reply.wait(self.settings.actor_reply_timeout_s)
        key = ""  # set at the first forward: every retry of this command carries the same key and block ids
        with trio.move_on_after(self.settings.actor_reply_timeout_s):
            for attempt in range(100):
                try:
                    handle = await self._actor(session_id)
                except OwnedElsewhere as elsewhere:
                    if forwarded:
                        raise unavailable("the session moved to another server; retry") from None
                    assert self.forwarder is not None
                    if not key:  # (and if the owner dies meanwhile and we take over, we deliver the same)
                        key, message = secrets.token_hex(16), with_block_ids(message)
                    try:
                        reply: T = await self.forwarder.ask(elsewhere.address, session_id, message, key)
                        return reply
                    except ConnectionError as exc:
                        # The owner died or is paused: its lease expires within lease_ttl_s, then we take over.
                        # Back off, but wake just after the expiry we were told: a failover takes the TTL,
                        # not the TTL plus half a back-off step.
                        log.info("forwarding %s failed (%s); retrying", session_id, exc)
                        self._remote.pop(session_id, None)
                        backoff = min(0.05 * (attempt + 1), self.settings.lease_ttl_s / 5)
                        await trio.sleep(max(0.0, min(backoff, elsewhere.expires - trio.current_time() + 0.01)))
                        continue
                try:
                    return await self._deliver(handle, message)
                except (trio.BrokenResourceError, trio.ClosedResourceError):
                    continue  # the actor stopped between lookup and send: revive it
        raise unavailable("the session could not be reached")

    async def subscribe(self, session_id: str, message: Subscribe) -> Subscription:
        """Register a stream with the session's actor, or park it when the session is hibernated (no actor
        is revived for a stream). Raises Problem as ``ask``."""
        parked = await self._parking(session_id, message)
        if parked is None:
            return await self.ask(session_id, message, forwarded=True)
        if parked.user_id != message.user_id:
            raise not_found()  # another user's session does not exist for them
        subscription = open_subscription((), parked.head, message.after, message.queue_size, ended=False)
        parked.subscribers.append(subscription.subscriber)
        if message.watcher is not None:
            parked.watchers[subscription.subscriber] = {**message.watcher, "id": secrets.token_hex(4)}
        assert self.parked is not None  # (_parking returned streams to join)
        self.parked.park(session_id, parked)
        return subscription

    async def _parking(self, session_id: str, message: Subscribe) -> Parked | None:
        """The parked streams a new stream joins, read from the store (three indexed queries, not an actor's
        load) when the session is hibernated; None when the stream goes to the actor: the session is live,
        the stream wants presence events, the session has ended, is unknown or holds an answer a crash cut
        (its actor answers, or ends the answer), or processes share sessions."""
        if self.parked is None or message.presence or self.closing:
            return None
        while True:
            parked = self.parked.get(session_id)
            if parked is not None or session_id in self._actors:
                return parked
            starting = self._starting.get(session_id)
            if starting is None:
                break
            await starting.wait()  # an actor loading, or another stream's read: then look again
        if self.closing:
            return None
        self._starting[session_id] = started = trio.Event()  # an ask meanwhile waits, then adopts them
        try:
            state = await self.reader.read(_stream_state, session_id)
        finally:
            del self._starting[session_id]
            started.set()  # (no checkpoint: nothing runs before the caller parks the stream)
        if state is None:
            return None
        return Parked(*state, next_beat=trio.current_time() + self.settings.heartbeat_s)

    async def locate(self, session_id: str) -> str | None:
        """None when the session's actor runs here (started if need be), else the owning process's
        address. Raises Problem 404/503 as ``ask``."""
        try:
            await self._actor(session_id)
            return None
        except OwnedElsewhere as elsewhere:
            return elsewhere.address

    def held_leases(self) -> dict[str, Lease]:
        return {sid: h.lease for sid, h in self._actors.items() if h.lease is not None}

    def lease_lost(self, session_id: str) -> None:
        """Another process took the session over: stop our actor (its commits are fenced anyway)."""
        handle = self._actors.get(session_id)
        if handle is not None:
            del self._actors[session_id]  # new requests look the owner up again
            try:
                handle.inbox.send_nowait(Stop())
            except (trio.WouldBlock, trio.BrokenResourceError, trio.ClosedResourceError):
                pass

    async def _deliver(self, handle: _Handle, message: Message[T]) -> T:
        try:
            handle.inbox.send_nowait(message)  # the common case: no deadline to arm
        except trio.WouldBlock:
            with trio.move_on_after(self.settings.actor_reply_timeout_s) as scope:
                await handle.inbox.send(message)
            if scope.cancelled_caught:
                raise unavailable("the session is overloaded; retry shortly") from None
        return await message.reply.wait(self.settings.actor_reply_timeout_s)

    async def _actor(self, session_id: str) -> _Handle:
        while True:
            if self.closing:
                raise unavailable("the server is shutting down")
            handle = self._actors.get(session_id)
            if handle is not None:
                return handle
            starting = self._starting.get(session_id)
            if starting is None:
                break
            await starting.wait()  # someone else is loading this session
        remote = self._remote.get(session_id)
        if remote is not None and remote[1] > trio.current_time():
            raise OwnedElsewhere(remote[0], remote[2])
        self._starting[session_id] = started = trio.Event()
        try:
            lease = None
            if self.ownership is not None:
                if not self.ownership.address:
                    raise unavailable("the server is starting; retry")
                lease = await self.ownership.acquire(session_id)
                if lease is None:
                    holder = await self.ownership.holder(session_id)
                    if holder is not None and holder.live:
                        now = trio.current_time()
                        expires = now + holder.remaining_s
                        self._remote[session_id] = (holder.address, now + self.ownership.ttl_s / 2, expires)
                        raise OwnedElsewhere(holder.address, expires)
                    continue_ = await self.ownership.acquire(session_id)  # released meanwhile
                    if continue_ is None:
                        raise unavailable("the session is changing owner; retry")
                    lease = continue_
                self._remote.pop(session_id, None)
            # Read once, here: the actor starts from this state (only its own actor writes a session, and
            # it is not running), and an unknown session is a 404 without an actor.
            loaded = await read_session(self.reader, self.settings, session_id)
            if loaded is None:
                if lease is not None and self.ownership is not None:
                    await self.ownership.release(lease)
                raise not_found()
            if self.closing:
                raise unavailable("the server is shutting down")
            return self._spawn(loaded.row, lease, fresh=False, loaded=loaded)
        finally:
            del self._starting[session_id]
            started.set()

    def _spawn(self, row: dict[str, Any], lease: Lease | None, *, fresh: bool,
               loaded: LoadedSession | None = None) -> _Handle:
        handle = _Handle(Inbox(self.settings.actor_inbox_size), lease)
        self._actors[row["id"]] = handle
        parked = self.parked.take(row["id"]) if self.parked is not None else None
        self._detached.start_soon(self._supervise, row, handle, fresh, loaded, parked,
                                  name=f"session:{row['id']}")
        return handle

    async def _supervise(self, row: dict[str, Any], handle: _Handle, fresh: bool,
                         loaded: LoadedSession | None, parked: Parked | None) -> None:
        session_id, inbox = row["id"], handle.inbox
        crashes: list[float] = []  # times of recent crashes: rare, so a list, not a 600-byte deque per actor

        def let_go_if_idle(streams: Parked | None) -> bool:
            # Synchronous, so no message can slip in between the check and the removal.
            if len(inbox) or self._actors.get(session_id) is not handle:
                return False
            if streams is not None:
                if self.parked is None:
                    return False  # (the actor parks only when told it may)
                self.parked.park(session_id, streams)
            del self._actors[session_id]
            inbox.close()
            return True

        try:
            while True:
                actor = handle.actor = SessionActor(row, self.settings, self.reader, self.writer, self.engine,
                                                    inbox, self._detached, self.alarms, fresh=fresh, loaded=loaded,
                                                    lease=handle.lease, parked=parked,
                                                    may_park=self.parked is not None)
                fresh, loaded, parked = False, None, None  # a restart loads what the store holds
                try:
                    await actor.run(let_go_if_idle)
                    return
                except Exception:
                    now = trio.current_time()  # the trio clock: tests drive it
                    crashes = [t for t in crashes if t >= now - RESTART_WINDOW_S] + [now]
                    self.restarts += 1
                    if len(crashes) > self.settings.actor_max_restarts:
                        log.exception("session %s crashed %d times in %d s; giving up until next use",
                                      session_id, len(crashes), RESTART_WINDOW_S)
                        return
                    log.exception("session %s crashed; restarting from the store", session_id)
                    if self.ownership is not None:  # a new epoch fences anything the crashed one left queued
                        lease = handle.lease = await self.ownership.acquire(session_id)
                        if lease is None:
                            return
        finally:
            if self._actors.get(session_id) is handle:
                del self._actors[session_id]
            # Whatever is still queued gets an answer: nothing waits for a reply that never comes.
            while True:
                try:
                    message = inbox.receive_nowait()
                except (trio.WouldBlock, trio.ClosedResourceError):
                    break
                message.reply.fail(unavailable("the session stopped; retry"))
            inbox.close()
            if handle.lease is not None and self.ownership is not None:  # a no-op once fenced (epoch moved)
                with trio.CancelScope(shield=True), trio.move_on_after(self.settings.lease_ttl_s):
                    await self.ownership.release(handle.lease)
            handle.finished = True
            if handle.done is not None:
                handle.done.set()

    async def stop_all(self, timeout_s: float) -> None:
        """Shutdown: every actor finishes queued work, tells its streams to finish, and exits."""
        self.closing = True
        if self.parked is not None:
            self.parked.close_all(CloseReason.SHUTDOWN)
        handles = list(self._actors.values())
        with trio.move_on_after(timeout_s):
            for handle in handles:
                try:
                    await handle.inbox.send(Stop())
                except (trio.BrokenResourceError, trio.ClosedResourceError):
                    pass
            for handle in handles:
                if not handle.finished:
                    handle.done = handle.done or trio.Event()
                    await handle.done.wait()


def _stream_state(conn: Any, session_id: str) -> tuple[str, int] | None:
    """(owner, id of the last event) of a session whose stream may be parked; None when the session is
    unknown, has ended, or holds an answer a crash cut, which its actor ends when it loads (so a stream
    must wake it)."""
    state = session_state(conn, session_id)
    if state is None or state[1]:
        return None
    _, unfinished = read_log((), event_log.recent_events(conn, session_id, ANSWER_EVENTS, 8))
    return None if unfinished is not None else (state[0], state[2])
