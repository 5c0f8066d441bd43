"""Every bound, timeout and knob of the service, as one frozen dataclass.

Each field's default is the documented default (docs/operations.md lists them); each can be set from the
environment as ``MENTOR_<FIELD NAME IN CAPITALS>`` and from ``mentor serve --<field-name>``.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MIN_JWT_SECRET_BYTES = 32


@dataclass(frozen=True)
class Settings:
    # --- network
    host: str = field(default="127.0.0.1", metadata={"help": "address to listen on"})
    port: int = field(default=8080, metadata={"help": "TCP port (0 picks a free one)"})
    graceful_timeout_s: float = field(
        default=5.0, metadata={"help": "on SIGINT/SIGTERM, how long open connections get to finish"}
    )
    response_finish_timeout_s: float = field(
        default=10.0, metadata={"help": "longest the last write of a response may take before its connection is "
                                        "recycled or closed (it is shielded from the request's cancellation)"}
    )
    body_timeout_s: float = field(
        default=30.0, metadata={"help": "a request body not complete after this gets 408 and the connection closes"}
    )
    gc_thresholds: str = field(
        default="50000,50,100",
        metadata={"help": "Python GC thresholds (allocations, gen-1, gen-2 runs); CPython's 700,10,10 stalls a "
                          "busy server for 100-200 ms every few seconds"},
    )
    malloc_mmap_threshold_kib: int = field(
        default=128,
        metadata={"help": "glibc: allocations of at least this size get their own mapping, returned to the OS when "
                          "freed; fixed, so that glibc does not raise it after a large free and leave that much "
                          "pinned in every thread's arena (0: glibc's own, moving threshold)"},
    )
    direct_socket_writes: bool = field(
        default=True,
        metadata={"help": "try each write to a client socket as one non-blocking send first, skipping hypercorn's "
                          "per-write lock and shielded cancel scope (what does not fit goes hypercorn's way), and "
                          "frame chunked response bodies as h11 does without its event machinery; 0 writes "
                          "through hypercorn and h11 only"},
    )
    plain_socket_reads: bool = field(
        default=True,
        metadata={"help": "read client sockets without hypercorn's cancel scope around every read, which enforces "
                          "no timeout here (hypercorn's read_timeout is unset); 0 reads through hypercorn's own loop"},
    )
    send_stall_timeout_s: float = field(
        default=10.0,
        metadata={"help": "a client whose socket does not take 64 KiB of a write (or the rest of it) within this "
                          "long is disconnected, instead of holding its stream and a graceful shutdown for good (an "
                          "SSE chunk, a WebSocket frame, a response; with direct_socket_writes)"},
    )
    workers: str = field(
        default="1", metadata={"help": "server processes sharing the port (SO_REUSEPORT): a number, or auto (one "
                                       "per core); more than 1 needs PostgreSQL"}
    )
    advertise_host: str = field(
        default="", metadata={"help": "address other processes reach this one at for forwarded commands "
                                      "(PostgreSQL); empty: host, or 127.0.0.1 when host is 0.0.0.0/::"}
    )
    lease_ttl_s: float = field(
        default=5.0, metadata={"help": "PostgreSQL: a session's owner renews its lease every third of this; a dead "
                                       "owner's sessions move to another process within it"}
    )
    forwarded_replies_keep_s: float = field(
        default=60.0, metadata={"help": "PostgreSQL: how long an owner remembers the reply to a forwarded command "
                                        "by its idempotency key, so a retry after a timeout is not applied twice "
                                        "(at least actor_reply_timeout_s: the forwarding process retries that long)"}
    )
    metrics_token: str = field(
        default="", metadata={"help": "GET /metrics (Prometheus) needs 'Authorization: Bearer <this>'; empty: "
                                      "/metrics is off"}
    )
    # --- store
    database_url: str = field(
        default="sqlite:///mentor.db",
        metadata={"help": "SQLAlchemy URL: sqlite:///path.db (default) or postgresql://user@host/db"},
    )
    sqlite_synchronous: str = field(
        default="FULL", metadata={"help": "SQLite PRAGMA synchronous: FULL survives power loss, NORMAL only crashes"}
    )
    sqlite_checkpoint_s: float = field(
        default=1.0, metadata={"help": "how often the SQLite WAL is checkpointed (off the commit path)"}
    )
    sqlite_wal_max_bytes: int = field(
        default=67_108_864, metadata={"help": "past this size the SQLite WAL is emptied (a brief pause for writes)"}
    )
    sqlite_cache_kib: int = field(
        default=512, metadata={"help": "SQLite page cache per connection (the OS caches the file as well)"}
    )
    db_busy_timeout_ms: int = field(default=5000, metadata={"help": "SQLite busy_timeout"})
    db_connect_timeout_s: float = field(default=5.0, metadata={"help": "PostgreSQL: longest wait to connect"})
    db_statement_timeout_s: float = field(default=15.0, metadata={"help": "PostgreSQL: longest any statement runs"})
    db_pool_timeout_s: float = field(default=10.0, metadata={"help": "longest wait for a free database connection"})
    write_queue_size: int = field(default=1024, metadata={"help": "pending write batches before writers wait"})
    write_batch_max: int = field(default=256, metadata={"help": "write batches merged into one transaction"})
    write_timeout_s: float = field(default=10.0, metadata={"help": "max wait for a commit before the request fails"})
    read_threads: int = field(default=8, metadata={"help": "concurrent store reads (worker threads)"})
    # --- auth
    jwt_secret: str = field(
        default="",
        metadata={"help": "HMAC key, >= 32 bytes; empty: generated once and kept in a file beside the database"},
    )
    jwt_algorithm: str = field(default="HS256", metadata={"help": "JWT algorithm (HS256, HS384 or HS512)"})
    jwt_issuer: str = field(default="mentor", metadata={"help": "JWT iss claim"})
    jwt_audience: str = field(default="mentor-api", metadata={"help": "JWT aud claim"})
    access_token_ttl_s: int = field(default=900, metadata={"help": "access token lifetime"})
    refresh_token_ttl_s: int = field(default=30 * 86400, metadata={"help": "refresh token lifetime"})
    auth_cache_s: float = field(
        default=5.0, metadata={"help": "how long a token's user and login are trusted as active without a store "
                                       "read (another node's logout or account deletion is seen within this)"})
    auth_cache_size: int = field(
        default=10_000, metadata={"help": "active logins and revoked logins remembered per process (each)"})
    login_max_failures: int = field(default=10, metadata={"help": "wrong passwords per account before 429"})
    login_window_s: float = field(default=900.0, metadata={"help": "window for login_max_failures"})
    register_max_per_address: int = field(
        default=20, metadata={"help": "registrations per client address within register_window_s before 429"})
    register_window_s: float = field(default=3600.0, metadata={"help": "window for register_max_per_address"})
    # --- quotas per user (0: unlimited); past one: 429 quota_exceeded naming it; GET /users/me/usage shows them
    quota_live_sessions: int = field(default=20, metadata={"help": "sessions not yet ended, per user"})
    quota_stored_sessions: int = field(default=2000, metadata={"help": "sessions kept, per user"})
    quota_upload_bytes: int = field(
        default=104_857_600, metadata={"help": "text kept from resumes and knowledge documents, per user (chars)"})
    quota_answers_per_day: int = field(default=2000, metadata={"help": "answers per user in the last 24 hours"})
    quota_model_tokens_per_month: int = field(
        default=5_000_000, metadata={"help": "model tokens (prompt + completion) per user in the last 30 days"})
    password_hash_time_cost: int = field(default=3, metadata={"help": "argon2 time cost"})
    password_hash_memory_kib: int = field(default=65536, metadata={"help": "argon2 memory cost (KiB)"})
    password_hash_threads: int = field(default=2, metadata={"help": "concurrent password hashes (memory bound)"})
    # --- sessions and actors
    actor_inbox_size: int = field(default=256, metadata={"help": "messages queued per session actor"})
    actor_hibernate_s: float = field(
        default=30.0, metadata={"help": "a session with no messages or pending work hibernates (its actor is "
                                        "dropped; on SQLite its plain streams stay open, heartbeated) after "
                                        "this; the next message revives it"}
    )
    actor_reply_timeout_s: float = field(default=15.0, metadata={"help": "max wait for a session actor's reply"})
    actor_max_restarts: int = field(default=5, metadata={"help": "crash restarts per actor within a minute"})
    actor_recent_events: int = field(default=512, metadata={"help": "events kept in memory per session for replay"})
    # --- captions
    caption_max_chars: int = field(default=5000, metadata={"help": "longest caption text accepted"})
    caption_batch_max: int = field(default=500, metadata={"help": "captions per request"})
    caption_max_future_s: float = field(
        default=300.0, metadata={"help": "client timestamps later than now + this are refused"}
    )
    caption_clock_skew_s: float = field(
        default=300.0, metadata={"help": "client timestamps may precede the session start by this much"}
    )
    session_speakers_max: int = field(
        default=200, metadata={"help": "speaker names remembered per session (a panel rarely has ten)"}
    )
    max_body_bytes: int = field(default=1_048_576, metadata={"help": "largest JSON request body"})
    upload_max_bytes: int = field(default=10_485_760, metadata={"help": "largest resume / knowledge file upload"})
    upload_max_inflated_bytes: int = field(
        default=33_554_432, metadata={"help": "a DOCX (ZIP) upload whose parts inflate past this is refused (413) "
                                              "before anything is inflated"})
    upload_max_entries: int = field(default=2000, metadata={"help": "a DOCX (ZIP) upload with more parts is refused"})
    pdf_parse_timeout_s: float = field(
        default=20.0, metadata={"help": "a PDF is read in a child process; one not read by then is refused (422)"})
    pdf_parse_max_memory_bytes: int = field(
        default=536_870_912, metadata={"help": "address-space limit of that child process (past it: 413)"})
    # --- sharing: paired devices and share links
    pairing_code_ttl_s: float = field(default=120.0, metadata={"help": "a device pairing code lives this long (at most 120)"})
    share_default_ttl_s: float = field(default=86400.0, metadata={"help": "share link lifetime when none is asked for"})
    share_max_ttl_s: float = field(default=30 * 86400.0, metadata={"help": "longest share link lifetime accepted"})
    shares_per_session_max: int = field(default=20, metadata={"help": "live share links per session"})
    devices_per_user_max: int = field(default=20, metadata={"help": "paired devices per account"})
    revocation_poll_s: float = field(
        default=5.0, metadata={"help": "how often a node reads revoked shares/devices written by other nodes"}
    )
    # --- streams
    subscriber_queue_size: int = field(
        default=1024, metadata={"help": "events queued per SSE/WebSocket subscriber before it is cut off as lagged"}
    )
    heartbeat_s: float = field(default=30.0, metadata={"help": "interval of the heartbeat event on every SSE and WebSocket stream"})
    sse_retry_ms: int = field(default=2000, metadata={"help": "reconnect delay advised to EventSource clients"})
    ws_max_message_bytes: int = field(default=262_144, metadata={"help": "largest WebSocket message accepted"})
    ws_send_timeout_s: float = field(
        default=10.0,
        metadata={"help": "a WebSocket write stuck this long drops it; also the longest wait for the client's close reply"},
    )
    replay_page_size: int = field(default=500, metadata={"help": "events read per store query during replay"})
    # --- answers
    openai_api_key: str = field(default="", metadata={"help": "API key; empty: the offline engine answers", "env": "OPENAI_API_KEY"})
    openai_base_url: str = field(default="", metadata={"help": "OpenAI-compatible base URL", "env": "OPENAI_BASE_URL"})
    model: str = field(default="", metadata={"help": "model name; empty: offline engine", "env": "MENTOR_MODEL"})
    answer_timeout_s: float = field(default=60.0, metadata={"help": "longest an answer may stream"})
    answer_conversation_turns: int = field(
        default=12, metadata={"help": "latest turns of what was said (both sides) given to the answer engine"}
    )
    answer_conversation_chars: int = field(
        default=4000, metadata={"help": "at most this many characters of those turns (the oldest is cut)"}
    )
    answer_resume_window_s: float = field(
        default=120.0, metadata={"help": "after a crash, an answer cut within this window is regenerated"}
    )
    # --- reports
    insights_max_sessions: int = field(
        default=50, metadata={"help": "interviews /users/me/insights reads at most (the newest that match)"}
    )
    insights_cache_sessions: int = field(
        default=1000, metadata={"help": "ended interviews whose trend figures are kept in memory (LRU; 0: none)"}
    )

    def __post_init__(self) -> None:
        if self.jwt_secret and len(self.jwt_secret.encode()) < MIN_JWT_SECRET_BYTES:
            raise ValueError(f"jwt_secret must be at least {MIN_JWT_SECRET_BYTES} bytes")
        if self.jwt_algorithm not in {"HS256", "HS384", "HS512"}:
            raise ValueError("jwt_algorithm must be one of HS256, HS384, HS512")
        parts = self.gc_thresholds.split(",")
        if len(parts) != 3 or not all(p.strip().isdigit() and int(p) > 0 for p in parts):
            raise ValueError("gc_thresholds must be three positive integers, e.g. 50000,50,100")
        if not 0 <= self.malloc_mmap_threshold_kib <= 32 * 1024:
            raise ValueError("malloc_mmap_threshold_kib must be within [0, 32768] (glibc's limit)")
        if not (self.workers == "auto" or (self.workers.isdigit() and int(self.workers) >= 1)):
            raise ValueError("workers must be a positive number or auto")
        if self.worker_count > 1 and self.is_sqlite:
            raise ValueError("more than one worker needs PostgreSQL: SQLite allows one writing process")
        if not 0 < self.lease_ttl_s <= 60:
            raise ValueError("lease_ttl_s must be in (0, 60]")
        if self.forwarded_replies_keep_s < self.actor_reply_timeout_s:
            raise ValueError("forwarded_replies_keep_s must be at least actor_reply_timeout_s")
        if self.sqlite_synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
            raise ValueError("sqlite_synchronous must be OFF, NORMAL, FULL or EXTRA")
        if self.sqlite_cache_kib < 64:
            raise ValueError("sqlite_cache_kib must be at least 64")
        if not 0 < self.pairing_code_ttl_s <= 120:
            raise ValueError("pairing_code_ttl_s must be within (0, 120]: a pairing code is short-lived")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def worker_count(self) -> int:
        return (os.cpu_count() or 1) if self.workers == "auto" else int(self.workers)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def env_name(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("env", "MENTOR_" + f.name.upper()))


def convert(f: dataclasses.Field[Any], raw: str) -> Any:
    """Turn a string from the environment or the command line into the field's type."""
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "str")
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    if kind == "bool":
        word = raw.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise ValueError(f"{f.name} must be 1 or 0 (true/false, yes/no, on/off), not {raw!r}")
    return raw


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def from_env(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from ``MENTOR_*`` (and ``OPENAI_*``) variables; ``overrides`` win. Raises ValueError."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        name = env_name(f)
        if name in environ and environ[name] != "":
            values[f.name] = convert(f, environ[name])
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)


def ensure_jwt_secret(settings: Settings) -> Settings:
    """Return settings with a JWT secret: the configured one, or one kept beside the SQLite database.

    Multi-node (PostgreSQL) deployments must configure MENTOR_JWT_SECRET: every node needs the same key.
    """
    if settings.jwt_secret:
        return settings
    if not settings.is_sqlite:
        raise ValueError("MENTOR_JWT_SECRET is required with a non-SQLite database (all nodes share it)")
    db_path = settings.database_url.split("///", 1)[-1]
    if db_path in {"", ":memory:"} or db_path.startswith("file::memory:"):
        return settings.replace(jwt_secret=secrets.token_urlsafe(48))
    secret_file = Path(db_path).with_name(Path(db_path).name + ".jwt-secret")
    if not secret_file.exists():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return settings.replace(jwt_secret=secret_file.read_text().strip())
