"""Engine creation and schema migration for SQLite (embedded default) and PostgreSQL.

SQLAlchemy's asyncio layer does not run under trio, so the store uses a sync Engine from worker threads
(``mentor.store.threads``): the single writer owns one connection, reads share a small pool.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeAlias

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 0x6D656E746F72  # "mentor": the advisory lock held while a process migrates

Database: TypeAlias = sa.Engine
"""The handle the rest of the service holds on the database; only ``mentor.store`` uses it directly."""


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs (as psql does) and pick the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_engine(url: str, *, sqlite_synchronous: str = "FULL", busy_timeout_ms: int = 5000,
                  wal_max_bytes: int = 67_108_864, sqlite_cache_kib: int = 512,
                  pool_size: int = 8, connect_timeout_s: float = 5.0, statement_timeout_s: float = 15.0,
                  pool_timeout_s: float = 10.0, **kwargs: Any) -> sa.Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, pool_size=pool_size, max_overflow=0, **kwargs)

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
            cur.execute(f"PRAGMA synchronous={sqlite_synchronous.upper()}")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys=ON")
            # Checkpoints run from their own task (see checkpoint_wal), not inside a commit that every
            # acknowledgement is waiting for.
            cur.execute("PRAGMA wal_autocheckpoint=0")
            cur.execute(f"PRAGMA journal_size_limit={int(wal_max_bytes)}")  # a restarted WAL shrinks to this
            # Each pooled connection fills its own page cache (SQLite's default: 2 MiB) with pages the OS
            # already caches: nine connections held ~15 MiB after a burst of sessions.
            cur.execute(f"PRAGMA cache_size=-{int(sqlite_cache_kib)}")
            cur.close()

        return engine
    # Bounded waits on the database too: connecting, and any one statement.
    connect_args: dict[str, Any] = {"connect_timeout": max(1, round(connect_timeout_s)),
                                    "options": f"-c statement_timeout={int(statement_timeout_s * 1000)}"}
    if "options=" in url:  # a URL that sets its own options (e.g. a search_path) keeps them
        connect_args.pop("options")
    return sa.create_engine(url, pool_size=pool_size, max_overflow=2, pool_pre_ping=True,
                            pool_timeout=pool_timeout_s, connect_args=connect_args, **kwargs)


def migrate(engine: sa.Engine) -> None:
    """Create or upgrade the schema to the newest Alembic revision. Blocking: call from a thread."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # workers starting together: one migrates, the others wait
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def checkpoint_wal(engine: sa.Engine, mode: str = "PASSIVE") -> None:
    """Copy the SQLite WAL back into the database file (PASSIVE never blocks readers or the writer).
    Blocking: call from a thread. A no-op on other databases."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql(f"PRAGMA wal_checkpoint({mode})")


def wal_path(engine: sa.Engine) -> str | None:
    """The SQLite write-ahead log's file (None for other databases and in-memory SQLite)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return f"{database}-wal"
