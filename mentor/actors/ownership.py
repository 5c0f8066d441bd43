"""Which process owns a live session (PostgreSQL only): leases with a fencing epoch, and forwarding a
command to the owner when it is another process.

A process takes a session's lease when it starts the session's actor (``acquire``; free, expired, or its
own), renews every lease it holds with one statement every ``lease_ttl_s / 3`` (``renew_forever``), and
puts the lease's fence first in every commit of that session's writes (``fence_ops``): after a takeover the
old owner's commits match no row and roll back. A command for a session another live process owns is
sent to that process's internal address (``Forwarder``), which runs it on its actor and returns the reply,
so every process accepts every request and no load balancer needs sticky sessions.

A forwarded command carries an idempotency key, the same on every retry of one client request. The owner
remembers each key's reply for ``forwarded_replies_keep_s`` (``ForwardedReplies``): a retry after a
timeout against a slow but live owner gets the first attempt's reply instead of applying the command
twice. Captions without a block id get their block id (``auto-<hex>``, as the owner would give them)
before the first attempt, so even a retry that reaches a new owner after a failover is a duplicate there.

On SQLite (one process) there is no ``Ownership`` at all: the supervisor runs exactly as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import orjson
import trio

from mentor.actors import messages, metrics
from mentor.ai.types import SpeakerRole
from mentor.errors import Problem, ProblemCode, unavailable
from mentor.settings import Settings
from mentor.store import StoreReader, WriteOp, leases

log = logging.getLogger(__name__)

INTERNAL_HEADER = "X-Mentor-Internal"
# Every message a client request sends to a session (Subscribe is not: a remote stream follows the log).
FORWARDABLE: dict[str, type[messages.Message[Any]]] = {
    cls.__name__: cls for cls in (messages.GetSession, messages.AddCaptions, messages.EndSession,
                                  messages.DeleteSession, messages.SetAutoAnswer, messages.AskQuestion,
                                  messages.Regenerate, messages.MarkQuestion, messages.SendHint,
                                  messages.ListSpeakers, messages.SetSpeakerRole)
}
M = TypeVar("M", bound=messages.Message[Any])


def internal_token(settings: Settings) -> str:
    """What proves a forwarded command comes from a peer process: derived from the shared JWT key."""
    return hmac.new(settings.jwt_secret.encode(), b"mentor-internal-forwarding", hashlib.sha256).hexdigest()


def encode_message(session_id: str, message: messages.Message[Any], key: str = "") -> bytes:
    """``key``: the command's idempotency key (empty: none)."""
    fields = {f.name: getattr(message, f.name) for f in dataclasses.fields(message) if f.name != "reply"}
    if isinstance(message, messages.AddCaptions):
        fields["captions"] = [dataclasses.asdict(c) for c in message.captions]
    return orjson.dumps({"session_id": session_id, "kind": type(message).__name__, "fields": fields, "key": key})


def decode_message(body: bytes | str) -> tuple[str, messages.Message[Any], str]:
    """(session id, message, idempotency key); raises Problem 400 on anything ``encode_message`` did not make."""
    try:
        data = orjson.loads(body)
        cls = FORWARDABLE[data["kind"]]
        fields = dict(data["fields"])
        if cls is messages.AddCaptions:
            fields["captions"] = [messages.CaptionInput(**c) for c in fields["captions"]]
        elif cls is messages.SetSpeakerRole:
            fields["role"] = SpeakerRole(fields["role"])
        key = data.get("key", "")  # a peer of an older version sends none
        return str(data["session_id"]), cls(**fields), key if isinstance(key, str) else ""
    except (KeyError, TypeError, ValueError, orjson.JSONDecodeError) as exc:
        raise Problem(ProblemCode.BAD_REQUEST, f"not a forwarded command: {exc}") from None


def with_block_ids(message: M) -> M:
    """``message`` with a block id on every caption that has none: the id the owner would have made, made
    here once, so that every retry of the command names the same blocks (the actor acknowledges a block's
    revision it already has as ``duplicate``, also after the session moved to a new owner)."""
    if not isinstance(message, messages.AddCaptions) or all(c.block_id for c in message.captions):
        return message
    captions = [c if c.block_id else dataclasses.replace(c, block_id=messages.auto_block_id())
                for c in message.captions]
    return dataclasses.replace(message, captions=captions, reply=messages.Reply())


class ForwardedReplies:
    """The owner's memory of forwarded commands by idempotency key, each kept ``keep_s`` after it arrived.

    The first attempt runs the command shielded from its request: the forwarding process may give up
    and close the connection (its timeout) while the command is already in the actor's inbox, and the
    reply must still be recorded for the retry. A retry that arrives while the first attempt runs waits
    for it. Every reply is bounded by ``actor_reply_timeout_s`` (``SessionSupervisor.ask``), so is a wait.
    """

    def __init__(self, keep_s: float) -> None:
        self.keep_s = keep_s
        self._entries: dict[str, _Remembered] = {}  # insertion order is arrival order: expiry from the front
        self.replayed = 0  # retries answered from memory (or by waiting for the first attempt)

    def __len__(self) -> int:
        return len(self._entries)

    async def run(self, key: str, command: Callable[[], Awaitable[Any]]) -> Any:
        """``command()``'s value (or its exception), once per ``key`` within ``keep_s``."""
        now = trio.current_time()
        self._expire(now)
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Remembered(now + self.keep_s)
            with trio.CancelScope(shield=True):
                try:
                    entry.value = await command()
                    entry.error = None
                except Exception as exc:  # noqa: BLE001 - a Problem (or a bug): the retry gets it too
                    entry.error = exc
                finally:
                    entry.done.set()
        else:
            self.replayed += 1
            await entry.done.wait()
        if entry.error is not None:
            raise entry.error
        return entry.value

    def _expire(self, now: float) -> None:
        entries = self._entries
        while entries:
            key, oldest = next(iter(entries.items()))
            if oldest.until > now or not oldest.done.is_set():
                return
            del entries[key]


class _Remembered:
    __slots__ = ("done", "error", "until", "value")

    def __init__(self, until: float) -> None:
        self.until = until
        self.done = trio.Event()
        self.value: Any = None
        self.error: Exception | None = unavailable("the first attempt of this command did not finish; retry")


@dataclass(frozen=True, slots=True)
class Lease:
    session_id: str
    owner: str
    epoch: int
    ttl_s: float

    def fence_ops(self, ops: list[WriteOp], last_seq: int | None) -> list[WriteOp]:
        """``ops`` behind the fence, plus a notification of the new head when the commit adds events."""
        tail = [] if last_seq is None else [leases.notify(self.session_id, last_seq)]
        return [leases.fence(self.session_id, self.owner, self.epoch, self.ttl_s), *ops, *tail]


class Ownership:
    def __init__(self, settings: Settings, reader: StoreReader) -> None:
        self.settings = settings
        self.reader = reader
        self.ttl_s = settings.lease_ttl_s
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.address = ""  # set once the internal listener is bound: http://host:port
        self.moves = 0  # leases taken over from another (dead or paused) owner: for /metrics
        self.replies = ForwardedReplies(settings.forwarded_replies_keep_s)  # commands forwarded to us, by key

    async def acquire(self, session_id: str) -> Lease | None:
        """The session's lease for this process, or None when another live process holds it."""
        got = await self.reader.read(leases.acquire, session_id, self.owner, self.address, self.ttl_s)
        if got is None:
            return None
        epoch, moved = got
        if moved and epoch > 1:
            self.moves += 1
            metrics.LEASE_MOVES.inc()
        return Lease(session_id, self.owner, epoch, self.ttl_s)

    async def holder(self, session_id: str) -> leases.Holder | None:
        return await self.reader.read(leases.holder, session_id)

    async def release(self, lease: Lease) -> None:
        """Let the session go at once (idle, deleted, shutdown): the next request anywhere takes it over
        without waiting for the lease to expire."""
        try:
            await self.reader.read(leases.release, lease.session_id, lease.owner, lease.epoch)
        except Exception as exc:  # noqa: BLE001 - the lease then simply expires
            log.warning("could not release the lease of %s: %s", lease.session_id, exc)

    async def renew_forever(self, held: Callable[[], dict[str, Lease]], lost: Callable[[str], None]) -> None:
        """Every ttl/3: extend all our leases in one statement; a session whose lease is gone or carries
        another epoch was taken over (we were paused or cut off): ``lost`` stops its actor."""
        while True:
            await trio.sleep(self.ttl_s / 3)
            mine = held()
            if not mine:
                continue
            try:
                with trio.fail_after(self.ttl_s):
                    renewed = await self.reader.read(leases.renew, self.owner, self.ttl_s)
            except Exception as exc:  # noqa: BLE001 - the database may be back next period; commits are fenced
                log.warning("lease renewal failed: %s", exc)
                continue
            for session_id, lease in mine.items():
                if renewed.get(session_id) != lease.epoch:
                    log.warning("lost the lease of session %s: another process owns it", session_id)
                    lost(session_id)


class Forwarder:
    """Sends a command to the process that owns its session and returns that actor's reply."""

    def __init__(self, settings: Settings) -> None:
        # A paused owner accepts connections (the kernel does) but never answers: after lease_ttl_s its
        # lease has expired, so the retry takes the session over instead of waiting any longer.
        self._client = httpx.AsyncClient(timeout=min(settings.actor_reply_timeout_s, settings.lease_ttl_s),
                                         headers={INTERNAL_HEADER: internal_token(settings)})

    async def ask(self, address: str, session_id: str, message: messages.Message[Any], key: str) -> Any:
        """Raises Problem (the owner's), or ConnectionError when the owner cannot be reached or did not
        answer in time (it may still apply the command: retry with the same ``key``)."""
        metrics.FORWARDED.inc()
        try:
            r = await self._client.post(f"{address}/internal/ask", content=encode_message(session_id, message, key),
                                        headers={"Content-Type": "application/json"})
        except httpx.HTTPError as exc:
            raise ConnectionError(f"owner at {address} unreachable: {exc}") from exc
        data = r.json()
        if r.status_code == 200:
            return data["value"]
        try:
            code = ProblemCode(data.get("code"))
        except ValueError:
            raise unavailable(f"the owning server answered {r.status_code}") from None
        extra = {k: v for k, v in data.items() if k not in {"type", "title", "status", "code", "detail"}}
        raise Problem(code, str(data.get("detail", "")), **extra)

    async def aclose(self) -> None:
        await self._client.aclose()
