"""Accounts and tokens: argon2 password hashes, short-lived JWT access tokens, rotating refresh tokens.

Access tokens are HMAC JWTs whose algorithm comes from configuration, never from the token; ``exp``,
``iat``, ``iss``, ``aud`` and ``sub`` are required. Refresh tokens are random, stored only as SHA-256, used
once: refreshing returns a new one, and presenting a used one again revokes its whole family (a stolen
token and its legitimate owner cannot both keep going).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

import argon2
import jwt
import trio

from mentor.errors import Problem, ProblemCode
from mentor.settings import Settings
from mentor.store import StoreReader, StoreWriter, accounts


def unauthorized(detail: str) -> Problem:
    return Problem(ProblemCode.UNAUTHORIZED, detail)


VERIFIED_TOKENS_KEPT = 4096  # access tokens whose signature and claims were checked, newest kept


class TokenService:
    def __init__(self, settings: Settings) -> None:
        if len(settings.jwt_secret.encode()) < 32:
            raise ValueError("the JWT secret must be at least 32 bytes")
        self._key = settings.jwt_secret
        self._alg = settings.jwt_algorithm
        self._iss = settings.jwt_issuer
        self._aud = settings.jwt_audience
        self.ttl_s = settings.access_token_ttl_s
        # A client sends the same access token with every request until it refreshes: its HMAC and JSON
        # decode need doing once, only the expiry every time (≈5% of a one-caption POST's CPU).
        self._verified: OrderedDict[str, tuple[str, float, str | None]] = OrderedDict()

    def issue(self, user_id: str, now: float | None = None, login_id: str | None = None) -> str:
        """An access token for ``user_id``; ``login_id`` (claim ``sid``) names the login (refresh-token
        family) it belongs to, so revoking that login revokes its access tokens too."""
        now = time.time() if now is None else now
        claims = {"sub": user_id, "iat": int(now), "exp": int(now) + self.ttl_s, "iss": self._iss,
                  "aud": self._aud, "typ": "access"}
        if login_id is not None:
            claims["sid"] = login_id
        return jwt.encode(claims, self._key, algorithm=self._alg)

    def verify(self, token: str) -> str:
        """The user id in a valid access token; raises Problem(401) for anything else."""
        return self.verify_until(token)[0]

    def verify_until(self, token: str) -> tuple[str, float]:
        """(user id, expiry as UNIX time) of a valid access token; raises Problem(401) for anything else.
        Streams use the expiry to end themselves when their token does."""
        user_id, expires_at, _ = self.verify_claims(token)
        return user_id, expires_at

    def verify_claims(self, token: str) -> tuple[str, float, str | None]:
        """(user id, expiry, login id or None) of a validly signed access token; raises Problem(401).
        Only the signature and claims: whether the user and the login still exist is
        ``Accounts.ensure_active``'s question."""
        if (known := self.known_access(token)) is not None:
            return known
        try:
            claims = jwt.decode(
                token, self._key, algorithms=[self._alg], audience=self._aud, issuer=self._iss,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise unauthorized("the access token has expired; refresh it") from None
        except jwt.PyJWTError as exc:
            raise unauthorized(f"invalid access token: {exc}") from None
        if claims.get("typ") != "access" or not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise unauthorized("invalid access token: not an access token")
        sid = claims.get("sid")
        verified = str(claims["sub"]), float(claims["exp"]), sid if isinstance(sid, str) else None
        self._verified[token] = verified
        if len(self._verified) > VERIFIED_TOKENS_KEPT:
            self._verified.popitem(last=False)
        return verified

    def known_access(self, token: str) -> tuple[str, float, str | None] | None:
        """``verify_claims`` of an access token verified before and not yet expired (PyJWT's rule: valid
        while now < exp), without decoding it again; None otherwise."""
        known = self._verified.get(token)
        return known if known is not None and time.time() < known[1] else None

    def issue_share(self, owner_id: str, share_id: str, session_id: str, role: str, expires_at: float,
                    now: float | None = None) -> tuple[str, int]:
        """A share access token (``typ: "share"``: ``verify_until`` refuses it, so no account route takes
        it) for one session and role; it lives ``ttl_s`` or until the share expires, whichever is first.
        Returns (token, seconds it lives)."""
        now = time.time() if now is None else now
        exp = int(min(now + self.ttl_s, expires_at))
        claims = {"sub": owner_id, "iat": int(now), "exp": exp, "iss": self._iss, "aud": self._aud,
                  "typ": "share", "scope": "share", "sid": share_id, "sess": session_id, "role": role}
        return jwt.encode(claims, self._key, algorithm=self._alg), max(0, exp - int(now))

    def verify_share(self, token: str) -> dict[str, Any]:
        """The claims of a valid share token (``sub``, ``sid``, ``sess``, ``role``, ``exp``); raises
        Problem(401) for anything else."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self._key, algorithms=[self._alg], audience=self._aud, issuer=self._iss,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "sid", "sess", "role"]},
            )
        except jwt.ExpiredSignatureError:
            raise unauthorized("the share token has expired; open the share link again") from None
        except jwt.PyJWTError as exc:
            raise unauthorized(f"invalid share token: {exc}") from None
        if claims.get("typ") != "share" or not all(isinstance(claims.get(k), str) and claims[k]
                                                   for k in ("sub", "sid", "sess", "role")):
            raise unauthorized("invalid share token")
        return claims

    @staticmethod
    def token_type(token: str) -> str:
        """The ``typ`` claim of a token, unverified: only to choose which verification applies."""
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return ""
        typ = claims.get("typ") if isinstance(claims, dict) else None
        return typ if isinstance(typ, str) else ""


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    user: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"access_token": self.access_token, "refresh_token": self.refresh_token,
                "token_type": "Bearer", "expires_in": self.expires_in, "user": self.user}


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def public_user(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "email": row["email"], "created_at": row["created_at"]}


class LoginThrottle:
    """At most ``max_failures`` wrong passwords per account within ``window_s``; then 429 until the window
    has passed. In memory, per process, and bounded: the least recently failing accounts are forgotten."""

    MAX_TRACKED = 10_000

    def __init__(self, max_failures: int, window_s: float, code: ProblemCode = ProblemCode.TOO_MANY_ATTEMPTS,
                 what: str = "failed logins") -> None:
        self._max = max_failures
        self._window_s = window_s
        self._code = code
        self._what = what
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def attempt(self, key: str) -> None:
        """Count one login attempt before its password is verified; raises Problem(429) past the limit.

        Counting first is what makes the limit hold under concurrency: 150 parallel guesses all passed a
        check-then-count throttle, because each was counted only after its (slow) hash verification."""
        recent = self._recent(key) or deque()
        if len(recent) >= self._max:
            retry = int(recent[0] + self._window_s - time.monotonic()) + 1
            raise Problem(self._code, f"too many {self._what}; try again in {retry} s", retry_after_s=retry)
        recent.append(time.monotonic())
        self._failures[key] = recent
        self._failures.move_to_end(key)
        while len(self._failures) > self.MAX_TRACKED:
            self._failures.popitem(last=False)

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)

    def _recent(self, key: str) -> deque[float] | None:
        recent = self._failures.get(key)
        if recent is not None:
            while recent and recent[0] < time.monotonic() - self._window_s:
                recent.popleft()
        return recent


class ActiveLogins:
    """What this node knows about tokens' users and logins, bounded in size and age.

    ``known`` answers "seen active within ``cache_s``" without a store read. Revoked logins are kept
    (at most ``max_size``, each for one access-token lifetime: after that no token of the login can be
    valid anyway) so this node refuses them at once; deleted users are simply forgotten, and their next
    request reads the store and finds no user."""

    def __init__(self, cache_s: float, max_size: int, token_ttl_s: float) -> None:
        self._cache_s = cache_s
        self._max = max_size
        self._token_ttl_s = token_ttl_s
        self._active: OrderedDict[tuple[str, str | None], float] = OrderedDict()
        self._revoked: OrderedDict[str, float] = OrderedDict()

    def known(self, user_id: str, login_id: str | None) -> bool:
        now = time.monotonic()
        if login_id is not None and login_id in self._revoked:
            if self._revoked[login_id] > now:
                raise unauthorized("this login was revoked (logout or reuse of a refresh token); log in again")
            del self._revoked[login_id]
        until = self._active.get((user_id, login_id))
        return until is not None and until > now

    def remember(self, user_id: str, login_id: str | None) -> None:
        self._active[(user_id, login_id)] = time.monotonic() + self._cache_s
        self._active.move_to_end((user_id, login_id))
        while len(self._active) > self._max:
            self._active.popitem(last=False)

    def revoke(self, login_id: str) -> None:
        self._revoked[login_id] = time.monotonic() + self._token_ttl_s
        self._revoked.move_to_end(login_id)
        while len(self._revoked) > self._max:
            self._revoked.popitem(last=False)
        for key in [k for k in self._active if k[1] == login_id]:
            del self._active[key]

    def forget_user(self, user_id: str) -> None:
        for key in [k for k in self._active if k[0] == user_id]:
            del self._active[key]


class Accounts:
    def __init__(self, settings: Settings, reader: StoreReader, writer: StoreWriter) -> None:
        self.tokens = TokenService(settings)
        self._reader = reader
        self._writer = writer
        self._refresh_ttl_s = settings.refresh_token_ttl_s
        self._hasher = argon2.PasswordHasher(time_cost=settings.password_hash_time_cost,
                                             memory_cost=settings.password_hash_memory_kib, parallelism=1)
        # argon2 holds memory_cost KiB per hash: bound how many run at once.
        self._hash_limiter = trio.CapacityLimiter(settings.password_hash_threads)
        self._dummy_hash = self._hasher.hash(secrets.token_hex(16))
        self._throttle = LoginThrottle(settings.login_max_failures, settings.login_window_s)
        self._registrations = LoginThrottle(settings.register_max_per_address, settings.register_window_s,
                                            ProblemCode.TOO_MANY_REGISTRATIONS, "registrations from this address") \
            if settings.register_max_per_address > 0 else None
        self._active = ActiveLogins(settings.auth_cache_s, settings.auth_cache_size, settings.access_token_ttl_s)

    async def register(self, email: str, password: str, client_address: str = "") -> TokenPair:
        """A new account. Raises Problem 409 (email taken), 429 (``register_max_per_address`` registrations
        from this client address within ``register_window_s``; every attempt counts)."""
        if self._registrations is not None:
            self._registrations.attempt(client_address)
        email = email.strip().lower()
        if await self._reader.read(accounts.user_by_email, email) is not None:
            raise Problem(ProblemCode.EMAIL_TAKEN, "an account with this email already exists")
        password_hash = await trio.to_thread.run_sync(self._hasher.hash, password, limiter=self._hash_limiter)
        row = {"id": str(uuid.uuid4()), "email": email, "password_hash": password_hash, "created_at": time.time()}
        try:
            await self._writer.write([accounts.insert_user(row)])
        except Exception:
            # Lost a race with another registration of the same email (unique constraint).
            if await self._reader.read(accounts.user_by_email, email) is not None:
                raise Problem(ProblemCode.EMAIL_TAKEN, "an account with this email already exists") from None
            raise
        return await self._new_family(row)

    async def login(self, email: str, password: str) -> TokenPair:
        email = email.strip().lower()
        self._throttle.attempt(email)  # counted as a failure unless it succeeds
        row = await self._reader.read(accounts.user_by_email, email)
        # Verify against a dummy hash for unknown emails so timing does not reveal which emails exist.
        stored = row["password_hash"] if row else self._dummy_hash
        ok = await trio.to_thread.run_sync(self._verify, stored, password, limiter=self._hash_limiter)
        if row is None or not ok:
            raise unauthorized("wrong email or password")
        self._throttle.succeeded(email)
        return await self._new_family(row)

    async def refresh(self, token: str) -> TokenPair:
        token_id, _, secret = token.partition(".")
        stored = await self._reader.read(accounts.refresh_token, token_id) if token_id and secret else None
        if stored is None or not hmac.compare_digest(stored["secret_hash"], _sha256(secret)):
            raise unauthorized("invalid refresh token")
        if stored["revoked"] or stored["expires_at"] < time.time():
            raise unauthorized("the refresh token has expired or was revoked; log in again")
        if stored["used_at"] is not None:
            await self._revoke(stored["family_id"])
            raise unauthorized("the refresh token was already used; every session of this login is revoked")
        user = await self._reader.read(accounts.user_by_id, stored["user_id"])
        if user is None:
            raise unauthorized("the account no longer exists")
        pair, new_row = self._pair(user, stored["family_id"])
        used_at = new_row["created_at"]
        await self._writer.write([accounts.mark_refresh_used(token_id, used_at),
                                  accounts.insert_refresh_token(new_row)])
        # If a concurrent refresh won the race, its mark stands, not ours: treat that as reuse.
        again = await self._reader.read(accounts.refresh_token, token_id)
        if again is None or again["used_at"] != used_at:
            await self._revoke(stored["family_id"])
            raise unauthorized("the refresh token was already used; every session of this login is revoked")
        return pair

    async def logout(self, token: str) -> None:
        token_id, _, secret = token.partition(".")
        stored = await self._reader.read(accounts.refresh_token, token_id) if token_id and secret else None
        if stored is None or not hmac.compare_digest(stored["secret_hash"], _sha256(secret)):
            raise unauthorized("invalid refresh token")
        await self._revoke(stored["family_id"])

    async def _revoke(self, login_id: str) -> None:
        await self._writer.write([accounts.revoke_family(login_id)])
        self._active.revoke(login_id)

    def login_revoked(self, login_id: str) -> None:
        """Another service revoked this login's refresh tokens (a paired device): refuse its access tokens on
        this node at once."""
        self._active.revoke(login_id)

    async def ensure_active(self, user_id: str, login_id: str | None) -> None:
        """Raise Problem(401) unless the user exists and the login (``sid``) was not revoked (logout,
        refresh-token reuse). Answers from memory within ``auth_cache_s``; another node's revocation or
        deletion is seen within that time, this node's at once."""
        if self._active.known(user_id, login_id):
            return
        state = await self._reader.read(accounts.login_state, user_id, login_id)
        if not state.user_exists:
            self._active.forget_user(user_id)
            raise unauthorized("the account no longer exists")
        if state.login_revoked and login_id is not None:
            self._active.revoke(login_id)
            raise unauthorized("this login was revoked (logout or reuse of a refresh token); log in again")
        self._active.remember(user_id, login_id)

    async def authorize(self, token: str) -> tuple[str, float]:
        """(user id, expiry) of an access token whose user and login are still active; raises Problem(401)."""
        user_id, expires_at, login_id = self.tokens.verify_claims(token)
        await self.ensure_active(user_id, login_id)
        return user_id, expires_at

    async def delete_user(self, user_id: str) -> None:
        """Delete the account and every row that belongs to it (the store cascades from ``users``); its
        tokens stop working on this node at once."""
        self._active.forget_user(user_id)
        await self._writer.write([accounts.delete_user(user_id)])
        self._active.forget_user(user_id)

    async def user(self, user_id: str) -> dict[str, Any]:
        row = await self._reader.read(accounts.user_by_id, user_id)
        if row is None:
            raise unauthorized("the account no longer exists")
        return public_user(row)

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(stored, password))
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    async def device_tokens(self, user_id: str, device_id: str) -> TokenPair:
        """Tokens for a newly paired device: its own refresh-token family, whose id is the device id (so
        its access tokens carry ``sid`` = the device id, and revoking the device revokes the family)."""
        user = await self._reader.read(accounts.user_by_id, user_id)
        if user is None:
            raise unauthorized("the account no longer exists")
        return await self._new_family(user, device_id)

    async def _new_family(self, user: dict[str, Any], family_id: str | None = None) -> TokenPair:
        pair, row = self._pair(user, family_id or str(uuid.uuid4()))
        await self._writer.write([accounts.insert_refresh_token(row)])
        return pair

    def _pair(self, user: dict[str, Any], family_id: str) -> tuple[TokenPair, dict[str, Any]]:
        now = time.time()
        token_id, secret = str(uuid.uuid4()), secrets.token_urlsafe(32)
        row = {"id": token_id, "user_id": user["id"], "family_id": family_id, "secret_hash": _sha256(secret),
               "created_at": now, "expires_at": now + self._refresh_ttl_s, "used_at": None, "revoked": False}
        pair = TokenPair(self.tokens.issue(user["id"], now, family_id), f"{token_id}.{secret}", self.tokens.ttl_s,
                         public_user(user))
        return pair, row
