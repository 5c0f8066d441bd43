"""Reads (sync functions of a Connection, run by StoreReader) and builders of write operations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from mentor.events import Event, dumps
from mentor.store.schema import answers, captions, events, refresh_tokens, sessions, users
from mentor.store.writer import WriteOp

Row = dict[str, Any]


def _one(conn: sa.Connection, stmt: sa.Select[Any]) -> Row | None:
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row is not None else None


# --- users and tokens

def user_by_email(conn: sa.Connection, email: str) -> Row | None:
    return _one(conn, sa.select(users).where(users.c.email == email))


def user_by_id(conn: sa.Connection, user_id: str) -> Row | None:
    return _one(conn, sa.select(users).where(users.c.id == user_id))


def refresh_token(conn: sa.Connection, token_id: str) -> Row | None:
    return _one(conn, sa.select(refresh_tokens).where(refresh_tokens.c.id == token_id))


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


# --- sessions

def session_row(conn: sa.Connection, session_id: str) -> Row | None:
    return _one(conn, sa.select(sessions).where(sessions.c.id == session_id))


def list_sessions(conn: sa.Connection, user_id: str, limit: int,
                  before: tuple[float, str] | None) -> list[Row]:
    """Newest first, keyset-paged by (created_at, id)."""
    stmt = sa.select(sessions).where(sessions.c.user_id == user_id)
    if before is not None:
        created, sid = before
        stmt = stmt.where(sa.tuple_(sessions.c.created_at, sessions.c.id) < sa.tuple_(created, sid))
    stmt = stmt.order_by(sessions.c.created_at.desc(), sessions.c.id.desc()).limit(limit)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def insert_session(row: Row) -> WriteOp:
    return WriteOp(sa.insert(sessions), row)


def update_session(session_id: str, **values: Any) -> WriteOp:
    return WriteOp(sa.update(sessions).where(sessions.c.id == session_id).values(**values))


def delete_session(session_id: str) -> list[WriteOp]:
    # Explicit child deletes: SQLite enforces ON DELETE CASCADE only with foreign_keys on, and we do not
    # rely on every connection having it.
    return [
        WriteOp(sa.delete(events).where(events.c.session_id == session_id)),
        WriteOp(sa.delete(answers).where(answers.c.session_id == session_id)),
        WriteOp(sa.delete(captions).where(captions.c.session_id == session_id)),
        WriteOp(sa.delete(sessions).where(sessions.c.id == session_id)),
    ]


# --- captions

@dataclass(slots=True)
class BlockState:
    caption_id: int
    revision: int
    final: bool


def caption_blocks(conn: sa.Connection, session_id: str) -> dict[str, BlockState]:
    stmt = sa.select(captions.c.block_id, captions.c.id, captions.c.revision, captions.c.final).where(
        captions.c.session_id == session_id
    )
    return {r.block_id: BlockState(r.id, r.revision, r.final) for r in conn.execute(stmt)}


def recent_captions(conn: sa.Connection, session_id: str, limit: int) -> list[tuple[int, str, str]]:
    """The session's last ``limit`` captions as (id, speaker role, text), oldest first."""
    stmt = (sa.select(captions.c.id, captions.c.speaker_role, captions.c.text)
            .where(captions.c.session_id == session_id).order_by(captions.c.id.desc()).limit(limit))
    return [(r.id, r.speaker_role, r.text) for r in reversed(conn.execute(stmt).all())]


def list_captions(conn: sa.Connection, session_id: str, after: int, limit: int, final_only: bool) -> list[Row]:
    stmt = sa.select(captions).where(captions.c.session_id == session_id, captions.c.id > after)
    if final_only:
        stmt = stmt.where(captions.c.final.is_(True))
    stmt = stmt.order_by(captions.c.id).limit(limit)
    return [dict(r) for r in conn.execute(stmt).mappings()]


INSERT_CAPTION = sa.insert(captions)
UPDATE_CAPTION = (
    sa.update(captions)
    .where(captions.c.session_id == sa.bindparam("b_session_id"), captions.c.id == sa.bindparam("b_id"))
    .values(
        revision=sa.bindparam("revision"),
        final=sa.bindparam("final"),
        text=sa.bindparam("text"),
        speaker_role=sa.bindparam("speaker_role"),
        speaker_name=sa.bindparam("speaker_name"),
        client_ts=sa.bindparam("client_ts"),
        updated_at=sa.bindparam("updated_at"),
    )
)


# --- the event log

INSERT_EVENT = sa.insert(events)


def event_rows(evs: list[Event]) -> list[Row]:
    return [
        {"session_id": e.session_id, "seq": e.seq, "type": e.type, "data": e.data_json, "created_at": e.at}
        for e in evs
    ]


def last_event_seq(conn: sa.Connection, session_id: str) -> int:
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(events.c.seq), 0)).where(
        events.c.session_id == session_id)).scalar_one())


def events_after(conn: sa.Connection, session_id: str, after: int, upto: int, limit: int) -> list[Event]:
    stmt = (
        sa.select(events.c.seq, events.c.type, events.c.data, events.c.created_at)
        .where(events.c.session_id == session_id, events.c.seq > after, events.c.seq <= upto)
        .order_by(events.c.seq)
        .limit(limit)
    )
    return [Event(session_id, r.seq, r.type, r.data, r.created_at) for r in conn.execute(stmt)]


def recent_events(conn: sa.Connection, session_id: str, types: tuple[str, ...], limit: int) -> list[Event]:
    """The session's last ``limit`` events of the given types, newest first."""
    stmt = (
        sa.select(events.c.seq, events.c.type, events.c.data, events.c.created_at)
        .where(events.c.session_id == session_id, events.c.type.in_(types))
        .order_by(events.c.seq.desc())
        .limit(limit)
    )
    return [Event(session_id, r.seq, r.type, r.data, r.created_at) for r in conn.execute(stmt)]


# --- answers

def insert_answer(row: Row) -> WriteOp:
    return WriteOp(sa.insert(answers), {**row, "sources": dumps(row["sources"])})


def recent_answers(conn: sa.Connection, session_id: str, limit: int) -> list[tuple[str, str]]:
    """The session's last ``limit`` (question, answer) pairs, oldest first."""
    stmt = (sa.select(answers.c.question, answers.c.text).where(answers.c.session_id == session_id)
            .order_by(answers.c.created_at.desc()).limit(limit))
    return [(r.question, r.text) for r in reversed(conn.execute(stmt).all())]


def list_answers(conn: sa.Connection, session_id: str, limit: int) -> list[Row]:
    stmt = sa.select(answers).where(answers.c.session_id == session_id).order_by(answers.c.created_at).limit(limit)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def usage(conn: sa.Connection, user_id: str, since: float) -> Row:
    stmt = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(answers.c.prompt_tokens), 0),
                     sa.func.coalesce(sa.func.sum(answers.c.completion_tokens), 0)).where(
        answers.c.user_id == user_id, answers.c.created_at >= since)
    count, prompt, completion = conn.execute(stmt).one()
    return {"answers": int(count), "prompt_tokens": int(prompt), "completion_tokens": int(completion)}
