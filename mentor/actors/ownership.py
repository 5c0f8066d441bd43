"""Which process owns a live session (PostgreSQL only): leases with a fencing epoch, and forwarding a
command to the owner when it is another process.

A process takes a session's lease when it starts the session's actor (``acquire``; free, expired, or its
own), renews every lease it holds with one statement every ``lease_ttl_s / 3`` (``renew_forever``), and
puts the lease's fence first in every commit of that session's writes (``fence_ops``): after a takeover the
old owner's commits match no row and roll back. A command for a session another live process owns is
sent to that process's internal address (``Forwarder``), which runs it on its actor and returns the reply,
so every process accepts every request and no load balancer needs sticky sessions.

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import trio

from mentor.actors import messages, metrics
from mentor.errors import Problem, ProblemCode, unavailable
from mentor.settings import Settings
from mentor.store import StoreReader, WriteOp, leases

log = logging.getLogger(__name__)

INTERNAL_HEADER = "X-Mentor-Internal"
FORWARDABLE: dict[str, type[messages.Message[Any]]] = {
    cls.__name__: cls for cls in (messages.GetSession, messages.AddCaptions, messages.EndSession,
                                  messages.DeleteSession, messages.SetAutoAnswer, messages.AskQuestion,
                                  messages.Regenerate)
}


def internal_token(settings: Settings) -> str:
    """What proves a forwarded command comes from a peer process: derived from the shared JWT key."""
    return hmac.new(settings.jwt_secret.encode(), b"mentor-internal-forwarding", hashlib.sha256).hexdigest()


def encode_message(session_id: str, message: messages.Message[Any]) -> bytes:
    fields = {f.name: getattr(message, f.name) for f in dataclasses.fields(message) if f.name != "reply"}
    if isinstance(message, messages.AddCaptions):
        fields["captions"] = [dataclasses.asdict(c) for c in message.captions]
    return orjson.dumps({"session_id": session_id, "kind": type(message).__name__, "fields": fields})


def decode_message(body: bytes | str) -> tuple[str, messages.Message[Any]]:
    """Raises Problem 400 on anything but a message ``encode_message`` made."""
    try:
        data = orjson.loads(body)
        cls = FORWARDABLE[data["kind"]]
        fields = dict(data["fields"])
        if cls is messages.AddCaptions:
            fields["captions"] = [messages.CaptionInput(**c) for c in fields["captions"]]
        return str(data["session_id"]), cls(**fields)
    except (KeyError, TypeError, ValueError, orjson.JSONDecodeError) as exc:
        raise Problem(ProblemCode.BAD_REQUEST, f"not a forwarded command: {exc}") from None


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

    async def ask(self, address: str, session_id: str, message: messages.Message[Any]) -> Any:
        """Raises Problem (the owner's), or ConnectionError when the owner cannot be reached."""
        metrics.FORWARDED.inc()
        try:
            r = await self._client.post(f"{address}/internal/ask", content=encode_message(session_id, message),
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
