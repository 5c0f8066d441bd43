"""The speakers of a session (``session_speakers``): one row per name seen in its captions, with its role.

Reads are sync functions ``fn(conn, ...)`` for ``StoreReader.read``; write builders return ``WriteOp`` for
``StoreWriter.write``. Only the session actor writes here, in the same group commit as the captions and
events that go with the change.
"""

from __future__ import annotations

import sqlalchemy as sa

from mentor.store.rows import Row
from mentor.store.schema import captions, session_speakers
from mentor.store.writer import WriteOp

INSERT_SPEAKER = sa.insert(session_speakers)


LIST_SPEAKERS = (sa.select(session_speakers)  # built once: see event_log.LAST_SEQ
                 .where(session_speakers.c.session_id == sa.bindparam("session_id"))
                 .order_by(session_speakers.c.created_at, session_speakers.c.name))


def list_speakers(conn: sa.Connection, session_id: str) -> list[Row]:
    """The session's speakers in the order they were first seen."""
    return [dict(r) for r in conn.execute(LIST_SPEAKERS, {"session_id": session_id}).mappings()]


def insert_speaker(row: Row) -> WriteOp:
    return WriteOp(INSERT_SPEAKER, row)


def set_role(session_id: str, name: str, role: str, source: str, now: float) -> list[WriteOp]:
    """The speaker's new role, and the same role on every caption they said (the transcript follows)."""
    return [
        WriteOp(sa.update(session_speakers)
                .where(session_speakers.c.session_id == session_id, session_speakers.c.name == name)
                .values(role=role, source=source, updated_at=now)),
        relabel_captions(session_id, name, role),
    ]


def relabel_captions(session_id: str, name: str, role: str) -> WriteOp:
    return WriteOp(sa.update(captions)
                   .where(captions.c.session_id == session_id, captions.c.speaker_name == name)
                   .values(speaker_role=role))


def delete_speakers(session_id: str) -> WriteOp:
    return WriteOp(sa.delete(session_speakers).where(session_speakers.c.session_id == session_id))
