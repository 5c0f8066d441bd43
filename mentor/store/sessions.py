"""Sessions and their captions: the session rows, and one caption row per block (revised in place).

Reads are sync functions ``fn(conn, ...)`` for ``StoreReader.read``; write builders return ``WriteOp`` for
``StoreWriter.write``. ``INSERT_CAPTION`` and ``UPDATE_CAPTION`` are compiled once: the session actor sends
every caption of a group commit through them as one executemany each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from mentor.store.rows import Row, one
from mentor.store.schema import answers, captions, events, session_speakers, sessions
from mentor.store.writer import WriteOp, hot

# --- sessions

# Reads that a session revived from the store runs are built once (see event_log.LAST_SEQ).
SESSION_ROW = sa.select(sessions).where(sessions.c.id == sa.bindparam("session_id"))
CAPTION_BLOCKS = sa.select(captions.c.block_id, captions.c.id, captions.c.revision, captions.c.final).where(
    captions.c.session_id == sa.bindparam("session_id"))
RECENT_CAPTIONS = (sa.select(captions.c.id, captions.c.speaker_role, captions.c.text)
                   .where(captions.c.session_id == sa.bindparam("session_id")).order_by(captions.c.id.desc())
                   .limit(sa.bindparam("limit", type_=sa.Integer)))


def session_row(conn: sa.Connection, session_id: str) -> Row | None:
    return one(conn, SESSION_ROW, {"session_id": session_id})


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
        WriteOp(sa.delete(session_speakers).where(session_speakers.c.session_id == session_id)),
        WriteOp(sa.delete(sessions).where(sessions.c.id == session_id)),
    ]


# --- captions

@dataclass(slots=True)
class BlockState:
    caption_id: int
    revision: int
    final: bool


def caption_blocks(conn: sa.Connection, session_id: str) -> dict[str, BlockState]:
    rows = conn.execute(CAPTION_BLOCKS, {"session_id": session_id})
    return {r.block_id: BlockState(r.id, r.revision, r.final) for r in rows}


def recent_captions(conn: sa.Connection, session_id: str, limit: int) -> list[tuple[int, str, str]]:
    """The session's last ``limit`` captions as (id, speaker role, text), oldest first."""
    rows = conn.execute(RECENT_CAPTIONS, {"session_id": session_id, "limit": limit}).all()
    return [(r.id, r.speaker_role, r.text) for r in reversed(rows)]


def list_captions(conn: sa.Connection, session_id: str, after: int, limit: int, final_only: bool) -> list[Row]:
    stmt = sa.select(captions).where(captions.c.session_id == session_id, captions.c.id > after)
    if final_only:
        stmt = stmt.where(captions.c.final.is_(True))
    stmt = stmt.order_by(captions.c.id).limit(limit)
    return [dict(r) for r in conn.execute(stmt).mappings()]


INSERT_CAPTION = hot(sa.insert(captions))
UPDATE_CAPTION = hot(
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
