"""Paired devices and their one-time pairing codes. ``mentor.sharing.Grants`` is the only caller.

A device's id is the family id of its refresh tokens, so revoking a device is revoking that family too.
"""

from __future__ import annotations

import sqlalchemy as sa

from mentor.store.rows import Row, one
from mentor.store.schema import devices, pairings, refresh_tokens
from mentor.store.writer import WriteOp


def insert_pairing(row: Row) -> WriteOp:
    return WriteOp(sa.insert(pairings), row)


def pairing(conn: sa.Connection, code_hash: str) -> Row | None:
    return one(conn, sa.select(pairings).where(pairings.c.code_hash == code_hash))


def use_pairing(code_hash: str, at: float) -> WriteOp:
    # used_at IS NULL: of two redemptions racing, only one marks it (the other sees someone else's mark).
    return WriteOp(sa.update(pairings).where(pairings.c.code_hash == code_hash, pairings.c.used_at.is_(None))
                   .values(used_at=at))


def delete_expired_pairings(before: float) -> WriteOp:
    return WriteOp(sa.delete(pairings).where(pairings.c.expires_at < before))


def insert_device(row: Row) -> WriteOp:
    return WriteOp(sa.insert(devices), row)


def device(conn: sa.Connection, device_id: str) -> Row | None:
    return one(conn, sa.select(devices).where(devices.c.id == device_id))


def list_devices(conn: sa.Connection, user_id: str) -> list[Row]:
    stmt = (sa.select(devices).where(devices.c.user_id == user_id, devices.c.revoked_at.is_(None))
            .order_by(devices.c.created_at, devices.c.id))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def count_devices(conn: sa.Connection, user_id: str) -> int:
    stmt = sa.select(sa.func.count()).select_from(devices).where(devices.c.user_id == user_id,
                                                                 devices.c.revoked_at.is_(None))
    return int(conn.execute(stmt).scalar_one())


def seen(device_id: str, at: float) -> WriteOp:
    return WriteOp(sa.update(devices).where(devices.c.id == device_id).values(last_seen_at=at))


def revoke_device(device_id: str, at: float) -> list[WriteOp]:
    """The device and every refresh token it holds (its family), in one transaction."""
    return [WriteOp(sa.update(devices).where(devices.c.id == device_id, devices.c.revoked_at.is_(None))
                    .values(revoked_at=at)),
            WriteOp(sa.update(refresh_tokens).where(refresh_tokens.c.family_id == device_id).values(revoked=True))]


def revoked_since(conn: sa.Connection, since: float) -> list[str]:
    return list(conn.execute(sa.select(devices.c.id).where(devices.c.revoked_at >= since)).scalars())
