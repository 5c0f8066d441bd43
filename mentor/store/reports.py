"""Reads for reports and insights (sync functions of a Connection, run by StoreReader in a worker thread).

A report costs a fixed number of queries whatever the session's size: the session row, its captions (only
the columns a report uses), its question_detected events, its answers, and the active resume's profile
(only when an answer cited the resume). Insights read the user's sessions once and then the same three
tables for all chosen sessions in one query each, streaming captions session by session so memory stays
that of one session.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from itertools import starmap
from typing import Any

import sqlalchemy as sa

from mentor.ai.report import AnswerRow, CaptionRow, QuestionRow, ReportInput, SessionFacts
from mentor.ai.resume import resume_passages
from mentor.store.company import company_key
from mentor.store.resumes import active_profile
from mentor.store.schema import answers, captions, events, sessions

# In CaptionRow's field order, so a row tuple builds one positionally (the fastest way to 20,000 of them).
_CAPTION_COLUMNS = (captions.c.id, captions.c.speaker_role, captions.c.text, captions.c.created_at,
                    captions.c.updated_at, captions.c.revision, captions.c.client_ts, captions.c.speaker_name)
_ANSWER_COLUMNS = (answers.c.session_id, answers.c.id, answers.c.question_id, answers.c.engine, answers.c.model,
                   answers.c.sources, answers.c.first_token_ms, answers.c.complete_ms, answers.c.created_at,
                   answers.c.status)


def _facts(row: Any) -> SessionFacts:
    return SessionFacts(id=row.id, title=row.title, status=row.status, created_at=row.created_at,
                        ended_at=row.ended_at, company=row.company, role=row.role,
                        job_description=row.job_description, candidate_name=row.candidate_name,
                        interviewer_name=row.interviewer_name)


def _answer(r: Any) -> AnswerRow:
    try:
        sources = tuple(str(s) for s in json.loads(r.sources))
    except (ValueError, TypeError):
        sources = ()
    return AnswerRow(r.id, r.question_id, r.engine, r.model, sources, r.first_token_ms, r.complete_ms,
                     r.created_at, r.status)


def _questions(rows: Iterator[Any]) -> dict[str, list[QuestionRow]]:
    """question_detected events (in seq order) folded to one row per question at its latest revision."""
    by_session: dict[str, dict[str, QuestionRow]] = {}
    for r in rows:
        try:
            d = json.loads(r.data)
            qid, text = str(d["question_id"]), str(d["text"])
        except (ValueError, KeyError, TypeError):
            continue  # a malformed event says nothing we could report
        ids = tuple(int(i) for i in d.get("caption_ids") or () if isinstance(i, int))
        known = by_session.setdefault(r.session_id, {}).get(qid)
        by_session[r.session_id][qid] = QuestionRow(
            question_id=qid, text=text, kind=str(d.get("kind") or "other"), caption_ids=ids,
            first_caption_ids=known.first_caption_ids if known else ids,
            first_detected_at=known.first_detected_at if known else r.created_at,
            source=str(d.get("source") or "auto"), revision=int(d.get("revision") or 0))
    return {sid: list(qs.values()) for sid, qs in by_session.items()}


def _question_rows(conn: sa.Connection, session_ids: list[str]) -> dict[str, list[QuestionRow]]:
    stmt = (sa.select(events.c.session_id, events.c.data, events.c.created_at)
            .where(events.c.session_id.in_(session_ids), events.c.type == "question_detected")
            .order_by(events.c.session_id, events.c.seq))
    return _questions(iter(conn.execute(stmt)))


def _answer_rows(conn: sa.Connection, session_ids: list[str]) -> dict[str, list[AnswerRow]]:
    out: dict[str, list[AnswerRow]] = {}
    stmt = sa.select(*_ANSWER_COLUMNS).where(answers.c.session_id.in_(session_ids)).order_by(answers.c.created_at)
    for r in conn.execute(stmt):
        out.setdefault(r.session_id, []).append(_answer(r))
    return out


def _resume_titles(conn: sa.Connection, user_id: str, answer_rows: list[AnswerRow]) -> dict[str, str]:
    if not any(ref.startswith("resume:") for a in answer_rows for ref in a.sources):
        return {}
    profile = active_profile(conn, user_id)
    return {p.ref: p.title for p in resume_passages(profile)} if profile is not None else {}


def report_input(conn: sa.Connection, user_id: str, session_id: str) -> ReportInput | None:
    """Everything one session's report needs; None if it does not exist or belongs to someone else."""
    row = conn.execute(sa.select(sessions).where(sessions.c.id == session_id)).first()
    if row is None or row.user_id != user_id:
        return None
    caption_rows = list(starmap(CaptionRow, conn.execute(
        sa.select(*_CAPTION_COLUMNS).where(captions.c.session_id == session_id).order_by(captions.c.id)).all()))
    answer_rows = _answer_rows(conn, [session_id]).get(session_id, [])
    return ReportInput(_facts(row), caption_rows, _question_rows(conn, [session_id]).get(session_id, []),
                       answer_rows, _resume_titles(conn, user_id, answer_rows))


def chosen_sessions(conn: sa.Connection, user_id: str, company: str | None, since: float | None,
                    limit: int) -> tuple[list[Any], bool]:
    """The user's sessions for insights, newest first, at most ``limit``; and whether more matched.

    Two queries: ids and companies of the user's sessions (the scan), then the chosen rows in full (their
    job descriptions are up to 50 kB each, so only those of the chosen few are read)."""
    stmt = sa.select(sessions.c.id, sessions.c.company).where(sessions.c.user_id == user_id)
    if since is not None:
        stmt = stmt.where(sessions.c.created_at >= since)
    stmt = stmt.order_by(sessions.c.created_at.desc(), sessions.c.id.desc())
    key = company_key(company) if company else None
    ids: list[str] = []
    truncated = False
    for sid, name in conn.execute(stmt):
        # Company names match as the knowledge base matches them ("ACME, Inc." is "acme"): in Python, since
        # the key is not stored on sessions.
        if key is not None and company_key(name or "") != key:
            continue
        if len(ids) == limit:
            truncated = True
            break
        ids.append(sid)
    if not ids:
        return [], truncated
    rows = {r.id: r for r in conn.execute(sa.select(sessions).where(sessions.c.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows], truncated


def for_each_report_input(conn: sa.Connection, user_id: str, session_rows: list[Any],
                          use: Callable[[ReportInput], None]) -> None:
    """Call ``use`` with each chosen session's ReportInput, reading captions for all of them in one
    streamed query (ordered by session), so only one session's captions are in memory at a time."""
    if not session_rows:
        return
    ids = [r.id for r in session_rows]
    facts = {r.id: _facts(r) for r in session_rows}
    questions = _question_rows(conn, ids)
    answer_rows = _answer_rows(conn, ids)
    titles = _resume_titles(conn, user_id, [a for rows in answer_rows.values() for a in rows])
    done: set[str] = set()

    def emit(session_id: str, rows: list[CaptionRow]) -> None:
        done.add(session_id)
        use(ReportInput(facts[session_id], rows, questions.get(session_id, []), answer_rows.get(session_id, []),
                        titles))

    stmt = (sa.select(captions.c.session_id, *_CAPTION_COLUMNS).where(captions.c.session_id.in_(ids))
            .order_by(captions.c.session_id, captions.c.id))
    current: str | None = None
    batch: list[CaptionRow] = []
    for r in conn.execution_options(yield_per=2000).execute(stmt):
        if r.session_id != current:
            if current is not None:
                emit(current, batch)
            current, batch = r.session_id, []
        batch.append(CaptionRow(*r[1:]))
    if current is not None:
        emit(current, batch)
    for session_id in ids:
        if session_id not in done:
            emit(session_id, [])
