"""Session leases on PostgreSQL: who owns a live session, until when, and its fencing epoch.

Every time is the database's (``now()``): processes' clocks never decide who owns what. Blocking functions
take a connection (run them through ``StoreReader.read`` or inside the writer's transaction).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from mentor.store.writer import WriteOp

NOTIFY_CHANNEL = "mentor_events"

# Take the lease when it is free, expired, or already ours (an actor restarting in the owning process);
# every take, even of our own lease, bumps the epoch, which fences the previous holder's writes.
ACQUIRE = sa.text("""
    INSERT INTO session_leases (session_id, owner, address, epoch, expires_at)
    VALUES (:session_id, :owner, :address, 1, now() + make_interval(secs => :ttl))
    ON CONFLICT (session_id) DO UPDATE
        SET owner = excluded.owner, address = excluded.address, epoch = session_leases.epoch + 1,
            expires_at = excluded.expires_at
        WHERE session_leases.expires_at < now() OR session_leases.owner = excluded.owner
    RETURNING epoch, (xmax <> 0) AS moved
""")
HOLDER = sa.text("""
    SELECT owner, address, expires_at > now() AS live, extract(epoch FROM expires_at - now()) AS remaining
    FROM session_leases WHERE session_id = :s
""")
# One statement per process and renewal period, whatever the number of sessions it owns.
RENEW = sa.text("""
    UPDATE session_leases SET expires_at = now() + make_interval(secs => :ttl)
    WHERE owner = :owner RETURNING session_id, epoch
""")
# The fence: the first statement of every commit of a session's writes; must match exactly one row.
FENCE = sa.text("""
    UPDATE session_leases SET expires_at = now() + make_interval(secs => :ttl)
    WHERE session_id = :session_id AND owner = :owner AND epoch = :epoch
""")
RELEASE = sa.text("DELETE FROM session_leases WHERE session_id = :s AND owner = :owner AND epoch = :epoch")
NOTIFY = sa.text("SELECT pg_notify(:channel, :payload)")


@dataclass(frozen=True, slots=True)
class Holder:
    owner: str
    address: str
    live: bool
    remaining_s: float  # until the lease expires unless renewed (negative: expired), by the database's clock


def acquire(conn: sa.Connection, session_id: str, owner: str, address: str, ttl_s: float) -> tuple[int, bool] | None:
    """Take the session's lease: (epoch, whether it was held before), or None when another live process
    holds it."""
    with conn.begin():
        row = conn.execute(ACQUIRE, {"session_id": session_id, "owner": owner, "address": address,
                                     "ttl": ttl_s}).first()
    return None if row is None else (int(row.epoch), bool(row.moved))


def holder(conn: sa.Connection, session_id: str) -> Holder | None:
    row = conn.execute(HOLDER, {"s": session_id}).first()
    return None if row is None else Holder(row.owner, row.address, bool(row.live), float(row.remaining))


def renew(conn: sa.Connection, owner: str, ttl_s: float) -> dict[str, int]:
    """Extend every lease ``owner`` holds; returns them, session id -> epoch."""
    with conn.begin():
        return {r.session_id: int(r.epoch) for r in conn.execute(RENEW, {"owner": owner, "ttl": ttl_s})}


def release(conn: sa.Connection, session_id: str, owner: str, epoch: int) -> None:
    with conn.begin():
        conn.execute(RELEASE, {"s": session_id, "owner": owner, "epoch": epoch})


def fence(session_id: str, owner: str, epoch: int, ttl_s: float) -> WriteOp:
    """The write that proves, inside the commit, that ``owner`` still holds ``epoch`` (and renews it)."""
    return WriteOp(FENCE, {"session_id": session_id, "owner": owner, "epoch": epoch, "ttl": ttl_s},
                   expect_rows=1)


def notify(session_id: str, seq: int) -> WriteOp:
    """Tell every process, when (and only if) the commit succeeds, that the session's log reached ``seq``."""
    return WriteOp(NOTIFY, {"channel": NOTIFY_CHANNEL, "payload": f"{session_id}:{seq}"})
