"""Share links: one session, one role (viewer or coach), an expiry, revocable. ``mentor.sharing.Grants`` is
the only caller."""

from __future__ import annotations

import sqlalchemy as sa

from mentor.store.rows import Row, one
from mentor.store.schema import shares
from mentor.store.writer import WriteOp


def insert_share(row: Row) -> WriteOp:
    return WriteOp(sa.insert(shares), row)


def share(conn: sa.Connection, share_id: str) -> Row | None:
    return one(conn, sa.select(shares).where(shares.c.id == share_id))


def list_shares(conn: sa.Connection, session_id: str, now: float) -> list[Row]:
    """The session's live shares (not revoked, not expired), oldest first."""
    stmt = (sa.select(shares).where(shares.c.session_id == session_id, shares.c.revoked_at.is_(None),
                                    shares.c.expires_at > now)
            .order_by(shares.c.created_at, shares.c.id))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def revoke_share(share_id: str, at: float) -> WriteOp:
    return WriteOp(sa.update(shares).where(shares.c.id == share_id, shares.c.revoked_at.is_(None))
                   .values(revoked_at=at))


def revoked_since(conn: sa.Connection, since: float) -> list[str]:
    return list(conn.execute(sa.select(shares.c.id).where(shares.c.revoked_at >= since)).scalars())
