"""Accounts: users and their refresh tokens (rotated single-use; a token family is revoked as a whole).

Reads are sync functions ``fn(conn, ...)`` for ``StoreReader.read``; write builders return ``WriteOp`` for
``StoreWriter.write``. ``mentor.auth.Accounts`` is the only caller.
"""

from __future__ import annotations

import sqlalchemy as sa

from mentor.store.rows import Row, one
from mentor.store.schema import refresh_tokens, users
from mentor.store.writer import WriteOp


def user_by_email(conn: sa.Connection, email: str) -> Row | None:
    return one(conn, sa.select(users).where(users.c.email == email))


def user_by_id(conn: sa.Connection, user_id: str) -> Row | None:
    return one(conn, sa.select(users).where(users.c.id == user_id))


def refresh_token(conn: sa.Connection, token_id: str) -> Row | None:
    return one(conn, sa.select(refresh_tokens).where(refresh_tokens.c.id == token_id))


def insert_user(row: Row) -> WriteOp:
    return WriteOp(sa.insert(users), row)


def insert_refresh_token(row: Row) -> WriteOp:
    return WriteOp(sa.insert(refresh_tokens), row)


def mark_refresh_used(token_id: str, at: float) -> WriteOp:
    # The used_at IS NULL guard makes rotation single-use even if two refreshes race.
    return WriteOp(
        sa.update(refresh_tokens)
        .where(refresh_tokens.c.id == token_id, refresh_tokens.c.used_at.is_(None))
        .values(used_at=at)
    )


def revoke_family(family_id: str) -> WriteOp:
    return WriteOp(sa.update(refresh_tokens).where(refresh_tokens.c.family_id == family_id).values(revoked=True))
