"""Who may do what to a session: roles, the one authorisation function, paired devices and share links.

Three kinds of token reach session routes and streams, all HMAC JWTs from ``mentor.auth.TokenService``:
- an account's access token (``typ: "access"``; ``sid`` = its login, i.e. refresh-token family);
- a paired device's access token: the same, with ``sid`` = the device id (``dev-…``): a device acts as its
  account, and revoking the device revokes its refresh tokens and ends its streams;
- a share token (``typ: "share"``, ``scope: "share"``, ``sid`` = share id, ``sess`` = session id, ``role``):
  account routes refuse it (``verify_until`` takes only ``typ: "access"``); session routes take it for its
  one session and only for what its role allows.

``Grants.authorize`` is the one check every session route and stream runs. Revocation is a bounded
in-memory set (this node's revocations at once, other nodes' within ``revocation_poll_s``), consulted at
every request and at every batch or heartbeat of a stream, so a revoked grant's streams end within
``heartbeat_s``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import trio

from mentor.auth import Accounts, LoginThrottle, TokenPair, unauthorized
from mentor.errors import Problem, ProblemCode, not_found
from mentor.settings import Settings
from mentor.store import StoreReader, StoreWriter, devices, shares

log = logging.getLogger(__name__)

DEVICE_PREFIX = "dev-"  # device ids, and so the ``sid`` of device tokens, start with this
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a screen, typed on a phone
CODE_LENGTH = 8  # 31^8 ≈ 8.5e11 codes; each lives ≤ 2 minutes and guesses are throttled per address
SEEN_EVERY_S = 60.0  # a device's last_seen_at is written at most this often


class Role(StrEnum):
    OWNER = "owner"  # the account, or one of its paired devices
    COACH = "coach"
    VIEWER = "viewer"


class Action(StrEnum):
    READ = "read"  # the session, its captions, answers and live events (with replay)
    ASK = "ask"  # ask a question on the candidate's behalf
    HINT = "hint"  # send the candidate a hint
    MARK = "mark"  # pin / dismiss / mark answered
    WRITE = "write"  # captions, regenerate, pause/resume, end, delete
    SHARE = "share"  # create, list and revoke the session's share links


ALLOWED: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.COACH: frozenset({Action.READ, Action.ASK, Action.HINT}),
    Role.VIEWER: frozenset({Action.READ}),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking. ``user_id`` is the account acting, or, for a share, the account whose session it is
    (what the session's actor checks); ``grant_id`` the token's ``sid`` (login, device or share)."""

    user_id: str
    role: Role
    expires_at: float
    grant_id: str | None = None
    session_id: str | None = None  # a share's one session

    @property
    def is_device(self) -> bool:
        return self.grant_id is not None and self.grant_id.startswith(DEVICE_PREFIX)

    @property
    def is_share(self) -> bool:
        return self.role is not Role.OWNER

    def watcher(self) -> dict[str, Any]:
        """How presence shows this principal: its role, and whether it is a paired device (no ids, no
        account details: every watcher of the session sees this)."""
        return {"role": self.role.value, "device": self.is_device}


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


class Revocations:
    """Grant ids (devices, shares) revoked recently, bounded: each is kept one access-token lifetime (no
    token of it can be valid after that: new ones are only issued after reading the store)."""

    MAX = 100_000

    def __init__(self, keep_s: float) -> None:
        self._keep_s = keep_s
        self._until: OrderedDict[str, float] = OrderedDict()

    def add(self, grant_id: str) -> None:
        self._until[grant_id] = time.monotonic() + self._keep_s
        self._until.move_to_end(grant_id)
        while len(self._until) > self.MAX:
            self._until.popitem(last=False)

    def __contains__(self, grant_id: object) -> bool:
        until = self._until.get(grant_id) if isinstance(grant_id, str) else None
        if until is None:
            return False
        if until < time.monotonic():
            del self._until[grant_id]  # type: ignore[arg-type]
            return False
        return True


class Grants:
    def __init__(self, settings: Settings, reader: StoreReader, writer: StoreWriter, accounts: Accounts) -> None:
        self.settings = settings
        self._reader = reader
        self._writer = writer
        self._accounts = accounts
        self.tokens = accounts.tokens
        self.revoked = Revocations(max(settings.access_token_ttl_s, settings.revocation_poll_s) * 2)
        self._pair_throttle = LoginThrottle(settings.login_max_failures, settings.login_window_s)
        self._seen: OrderedDict[str, float] = OrderedDict()

    # --- the one authorisation check

    def authorize(self, token: str, session_id: str | None, action: Action) -> Principal:
        """The principal of ``token`` if it may do ``action`` to ``session_id`` (None: an account-wide
        action). Raises Problem 401 (invalid, expired, revoked), 404 (a share of another session: nothing
        outside the shared session exists for it), 403 (the role does not allow the action)."""
        known = self.tokens.known_access(token)  # an access token verified before: no decode at all
        if known is None and self.tokens.token_type(token) == "share":
            claims = self.tokens.verify_share(token)
            try:
                role = Role(claims["role"])
            except ValueError:
                raise unauthorized("invalid share token: unknown role") from None
            principal = Principal(str(claims["sub"]), role, float(claims["exp"]), str(claims["sid"]),
                                  str(claims["sess"]))
            if role is Role.OWNER:
                raise unauthorized("invalid share token: unknown role")
        else:
            user_id, expires_at, sid = known or self.tokens.verify_claims(token)
            principal = Principal(user_id, Role.OWNER, expires_at, sid)
        self.check_live(principal)
        if principal.session_id is not None and session_id is None:
            raise Problem(ProblemCode.FORBIDDEN, "a share token opens only its one session")
        if principal.session_id is not None and principal.session_id != session_id:
            raise not_found()
        if action not in ALLOWED[principal.role]:
            raise Problem(ProblemCode.FORBIDDEN, f"a {principal.role.value} may not {action.value} in this session")
        return principal

    def check_live(self, principal: Principal) -> None:
        """Raises Problem(401, token_revoked) once the principal's device or share is revoked."""
        if principal.grant_id is not None and principal.grant_id in self.revoked:
            raise Problem(ProblemCode.TOKEN_REVOKED, "access was revoked by the account owner")

    def is_live(self, principal: Principal) -> bool:
        return principal.grant_id is None or principal.grant_id not in self.revoked

    async def seen(self, principal: Principal) -> None:
        """Record that a device was used (at most every ``SEEN_EVERY_S``): ``GET /users/me/devices``."""
        if not principal.is_device or principal.grant_id is None:
            return
        now = time.monotonic()
        last = self._seen.get(principal.grant_id)
        if last is not None and now - last < SEEN_EVERY_S:
            return
        self._seen[principal.grant_id] = now
        self._seen.move_to_end(principal.grant_id)
        while len(self._seen) > Revocations.MAX:
            self._seen.popitem(last=False)
        await self._writer.write([devices.seen(principal.grant_id, time.time())])

    async def poll_revocations(self) -> None:
        """Learn revocations written by other nodes (every ``revocation_poll_s``); runs until cancelled."""
        since = time.time()
        while True:
            await trio.sleep(self.settings.revocation_poll_s)
            now = time.time()
            try:
                ids = await self._reader.read(_revoked_since, since - self.settings.revocation_poll_s)
            except Exception:  # noqa: BLE001 - the store is briefly unreachable: try again next round
                log.warning("could not read revocations; retrying in %s s", self.settings.revocation_poll_s)
                continue
            for grant_id in ids:
                self.revoked.add(grant_id)
            since = now

    # --- devices

    async def start_pairing(self, user_id: str) -> dict[str, Any]:
        """A one-time pairing code for ``user_id``, living ``pairing_code_ttl_s`` (≤ 120 s)."""
        now = time.time()
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        expires_at = now + self.settings.pairing_code_ttl_s
        await self._writer.write([devices.delete_expired_pairings(now),
                                  devices.insert_pairing({"code_hash": _sha256(raw), "user_id": user_id,
                                                          "created_at": now, "expires_at": expires_at,
                                                          "used_at": None})])
        return {"code": f"{raw[:4]}-{raw[4:]}", "expires_at": expires_at,
                "expires_in": int(self.settings.pairing_code_ttl_s)}

    async def redeem_pairing(self, code: str, name: str, client_key: str) -> tuple[TokenPair, dict[str, Any]]:
        """Trade a pairing code (once, before it expires) for a new device and its own refresh token."""
        self._pair_throttle.attempt(client_key)  # counted as a failure unless it succeeds
        code_hash = _sha256(normalize_code(code))
        row = await self._reader.read(devices.pairing, code_hash)
        now = time.time()
        if row is None or row["used_at"] is not None or row["expires_at"] < now:
            raise Problem(ProblemCode.INVALID_PAIRING_CODE, "the pairing code is wrong, used or expired")
        user_id = row["user_id"]
        if await self._reader.read(devices.count_devices, user_id) >= self.settings.devices_per_user_max:
            raise Problem(ProblemCode.FORBIDDEN,  # checked before the code is spent: revoke one, then retry
                          f"at most {self.settings.devices_per_user_max} paired devices; revoke one first")
        await self._writer.write([devices.use_pairing(code_hash, now)])
        again = await self._reader.read(devices.pairing, code_hash)
        if again is None or again["used_at"] != now:  # a concurrent redemption won
            raise Problem(ProblemCode.INVALID_PAIRING_CODE, "the pairing code is wrong, used or expired")
        self._pair_throttle.succeeded(client_key)
        device = {"id": DEVICE_PREFIX + uuid.uuid4().hex, "user_id": user_id, "name": name.strip(),
                  "created_at": now, "last_seen_at": now, "revoked_at": None}
        await self._writer.write([devices.insert_device(device)])
        pair = await self._accounts.device_tokens(user_id, device["id"])
        return pair, public_device(device)

    async def list_devices(self, user_id: str) -> list[dict[str, Any]]:
        return [public_device(r) for r in await self._reader.read(devices.list_devices, user_id)]

    async def revoke_device(self, user_id: str, device_id: str) -> None:
        row = await self._reader.read(devices.device, device_id)
        if row is None or row["user_id"] != user_id or row["revoked_at"] is not None:
            raise not_found("device")
        await self._writer.write(devices.revoke_device(device_id, time.time()))
        self.revoked.add(device_id)
        self._accounts.login_revoked(device_id)

    # --- share links

    async def create_share(self, user_id: str, session_id: str, role: str, expires_in_s: int | None,
                           label: str | None) -> dict[str, Any]:
        """A share of the session (its ownership already checked) with its link token, shown only now."""
        ttl = float(expires_in_s) if expires_in_s is not None else self.settings.share_default_ttl_s
        if ttl > self.settings.share_max_ttl_s:
            raise Problem(ProblemCode.INVALID_BODY, f"expires_in_s is at most {int(self.settings.share_max_ttl_s)}")
        now = time.time()
        live = await self._reader.read(shares.list_shares, session_id, now)
        if len(live) >= self.settings.shares_per_session_max:
            raise Problem(ProblemCode.FORBIDDEN,
                          f"at most {self.settings.shares_per_session_max} live shares per session; revoke one")
        secret = secrets.token_urlsafe(32)
        row = {"id": str(uuid.uuid4()), "session_id": session_id, "user_id": user_id, "role": role,
               "label": label, "secret_hash": _sha256(secret), "created_at": now, "expires_at": now + ttl,
               "revoked_at": None}
        await self._writer.write([shares.insert_share(row)])
        return {**public_share(row), "token": f"{row['id']}.{secret}"}

    async def list_shares(self, session_id: str) -> list[dict[str, Any]]:
        return [public_share(r) for r in await self._reader.read(shares.list_shares, session_id, time.time())]

    async def revoke_share(self, session_id: str, share_id: str) -> None:
        row = await self._reader.read(shares.share, share_id)
        if row is None or row["session_id"] != session_id or row["revoked_at"] is not None:
            raise not_found("share")
        await self._writer.write([shares.revoke_share(share_id, time.time())])
        self.revoked.add(share_id)

    async def open_share(self, link_token: str) -> dict[str, Any]:
        """Trade a share link's token for a short-lived share access token (open the link again, or call
        this again, for a fresh one)."""
        share_id, _, secret = link_token.partition(".")
        row = await self._reader.read(shares.share, share_id) if share_id and secret else None
        if row is None or not hmac.compare_digest(row["secret_hash"], _sha256(secret)):
            raise Problem(ProblemCode.INVALID_SHARE_LINK, "this share link is not valid")
        if row["revoked_at"] is not None or row["expires_at"] <= time.time() or share_id in self.revoked:
            raise Problem(ProblemCode.INVALID_SHARE_LINK, "this share link was revoked or has expired")
        token, ttl = self.tokens.issue_share(row["user_id"], share_id, row["session_id"], row["role"],
                                             row["expires_at"])
        return {"access_token": token, "token_type": "Bearer", "expires_in": ttl, "scope": "share",
                "share": public_share(row)}


def public_device(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "created_at": row["created_at"],
            "last_seen_at": row["last_seen_at"]}


def public_share(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "session_id": row["session_id"], "role": row["role"], "label": row["label"],
            "created_at": row["created_at"], "expires_at": row["expires_at"]}


def _revoked_since(conn: Any, since: float) -> list[str]:
    return devices.revoked_since(conn, since) + shares.revoked_since(conn, since)
