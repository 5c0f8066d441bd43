"""Accounts: users and their refresh tokens (rotated single-use; a token family is revoked as a whole).

Reads are sync functions ``fn(conn, ...)`` for ``StoreReader.read``; write builders return ``WriteOp`` for
``StoreWriter.write``. ``mentor.auth.Accounts`` is the only caller.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa

from mentor.store.rows import Row, one
from mentor.store.schema import answers, kb_documents, refresh_tokens, resumes, sessions, users
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


@dataclass(frozen=True, slots=True)
class LoginState:
    user_exists: bool
    login_revoked: bool


def login_state(conn: sa.Connection, user_id: str, login_id: str | None) -> LoginState:
    """Whether a token's user exists and whether its login (refresh-token family) was revoked."""
    exists = conn.execute(sa.select(users.c.id).where(users.c.id == user_id)).first() is not None
    revoked = False
    if exists and login_id is not None:
        revoked = conn.execute(sa.select(refresh_tokens.c.id).where(
            refresh_tokens.c.user_id == user_id, refresh_tokens.c.family_id == login_id,
            refresh_tokens.c.revoked.is_(True)).limit(1)).first() is not None
    return LoginState(exists, revoked)


def session_ids_of(conn: sa.Connection, user_id: str) -> list[str]:
    return [r[0] for r in conn.execute(sa.select(sessions.c.id).where(sessions.c.user_id == user_id))]


def delete_user(user_id: str) -> WriteOp:
    # Every other row of the user (sessions and their captions, events and answers; resumes; knowledge
    # documents and chunks; refresh tokens) goes with it: ON DELETE CASCADE throughout the schema.
    return WriteOp(sa.delete(users).where(users.c.id == user_id))


DAY_S = 86_400.0  # the window of the per-day quotas
MONTH_S = 30 * DAY_S  # the window of the per-month quotas


def quota_used_up(name: str, limit: int | None, used: int, adding: int) -> str | None:
    """Why ``adding`` more of quota ``name`` would pass its ``limit`` (0 or None: unlimited), or None. The one
    rule for requests (``http.quotas``) and session answers (``actors.answering``)."""
    if limit and used + adding > limit:
        return f"the {name.replace('_', ' ')} quota ({limit}) is used up"
    return None


def quota_usage(conn: sa.Connection, user_id: str, day_since: float, month_since: float,
                names: Collection[str]) -> dict[str, int]:
    """What a user's quotas ``names`` measure, now (``mentor.http.quotas``): only their reads run."""
    used: dict[str, int] = {}
    if "live_sessions" in names:
        used["live_sessions"] = conn.execute(sa.select(sa.func.count()).where(
            sessions.c.user_id == user_id, sessions.c.status == "active")).scalar_one()
    if "stored_sessions" in names:
        used["stored_sessions"] = conn.execute(sa.select(sa.func.count()).where(
            sessions.c.user_id == user_id)).scalar_one()
    if "upload_bytes" in names:
        resume_chars = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(sa.func.length(resumes.c.text)), 0))
                                    .where(resumes.c.user_id == user_id)).scalar_one()
        kb_chars = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(kb_documents.c.chars), 0))
                                .where(kb_documents.c.user_id == user_id)).scalar_one()
        used["upload_bytes"] = int(resume_chars) + int(kb_chars)
    if "answers_per_day" in names or "model_tokens_per_month" in names:
        used.update(answer_usage(conn, user_id, day_since, month_since))
    return {name: int(n) for name, n in used.items()}


def answer_usage(conn: sa.Connection, user_id: str, day_since: float, month_since: float) -> dict[str, int]:
    """The answer quotas' measures alone (checked before every session answer): answers since
    ``day_since`` and model tokens since ``month_since``."""
    day_answers = conn.execute(sa.select(sa.func.count()).where(answers.c.user_id == user_id,
                                                                 answers.c.created_at >= day_since)).scalar_one()
    month_tokens = conn.execute(sa.select(sa.func.coalesce(
        sa.func.sum(answers.c.prompt_tokens + answers.c.completion_tokens), 0)).where(
        answers.c.user_id == user_id, answers.c.created_at >= month_since)).scalar_one()
    return {"answers_per_day": int(day_answers), "model_tokens_per_month": int(month_tokens)}
