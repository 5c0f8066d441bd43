"""Answers: one row per finished (complete, failed or cancelled) answer of a session, with its token usage.

Reads are sync functions ``fn(conn, ...)`` for ``StoreReader.read``; ``insert_answer`` builds a ``WriteOp``.
"""

from __future__ import annotations

import sqlalchemy as sa

from mentor.events import dumps
from mentor.store.rows import Row
from mentor.store.schema import answers
from mentor.store.writer import WriteOp


def insert_answer(row: Row) -> WriteOp:
    return WriteOp(sa.insert(answers), {**row, "sources": dumps(row["sources"])})


RECENT_ANSWERS = (sa.select(answers.c.question, answers.c.text)  # built once: see event_log.LAST_SEQ
                  .where(answers.c.session_id == sa.bindparam("session_id"))
                  .order_by(answers.c.created_at.desc()).limit(sa.bindparam("limit", type_=sa.Integer)))


def recent_answers(conn: sa.Connection, session_id: str, limit: int) -> list[tuple[str, str]]:
    """The session's last ``limit`` (question, answer) pairs, oldest first."""
    rows = conn.execute(RECENT_ANSWERS, {"session_id": session_id, "limit": limit}).all()
    return [(r.question, r.text) for r in reversed(rows)]


def list_answers(conn: sa.Connection, session_id: str, limit: int) -> list[Row]:
    stmt = sa.select(answers).where(answers.c.session_id == session_id).order_by(answers.c.created_at).limit(limit)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def usage(conn: sa.Connection, user_id: str, since: float) -> Row:
    stmt = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(answers.c.prompt_tokens), 0),
                     sa.func.coalesce(sa.func.sum(answers.c.completion_tokens), 0)).where(
        answers.c.user_id == user_id, answers.c.created_at >= since)
    count, prompt, completion = conn.execute(stmt).one()
    return {"answers": int(count), "prompt_tokens": int(prompt), "completion_tokens": int(completion)}
