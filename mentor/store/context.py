"""Candidate context in the store: resumes, the per-company knowledge base, and what an answer draws on.

Two kinds of functions, like ``mentor.store.queries``:

* reads: sync functions ``fn(conn, ...)`` for ``StoreReader.read`` (they run in a worker thread);
* write builders: functions returning ``WriteOp`` lists for ``StoreWriter.write``, which commits them in one
  transaction. Invariants that span rows (one active resume per user) are written as conditional
  statements, so they hold whatever else is committed in the same or a neighbouring batch: the single writer
  runs transactions one after another.

``answer_context`` is the one call the session actor makes before each answer: one thread hop for the
active resume, the knowledge-base passages for the question and a summary of earlier sessions with the
same company.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from mentor.ai.retrieval import terms as retrieval_terms
from mentor.ai.types import ExperienceEntry, Passage, ResumeProfile
from mentor.store.context_schema import kb_chunks, kb_documents, resumes
from mentor.store.schema import answers, sessions
from mentor.store.writer import WriteOp

Row = dict[str, Any]

CHUNK_CHARS = 800
"""Target chunk length: a few sentences, small enough that several fit a prompt's context budget."""
CHUNK_OVERLAP = 160
"""At most this many characters of whole sentences are repeated at the start of the next chunk, so a fact
that straddles a boundary is still found with its lead-in."""
MAX_QUERY_TERMS = 24
"""Terms of a spoken question kept for a full-text query; more only slows the search down."""
SUMMARY_CHARS = 600
"""Longest company summary; it is pinned into every prompt of a session, so it must stay small."""


# --- serialisation of profiles ---------------------------------------------------------------------------

def profile_to_json(profile: ResumeProfile) -> str:
    """The profile as JSON (lists for tuples), as stored in ``resumes.profile``."""
    return json.dumps(asdict(profile), separators=(",", ":"), ensure_ascii=False)


def profile_from_json(raw: str) -> ResumeProfile:
    """A ``ResumeProfile`` from ``profile_to_json`` output. Unknown keys are ignored and missing ones take
    their defaults, so profiles stored by an older or newer version still load. Raises ValueError (bad JSON)
    or TypeError (JSON that is not an object)."""
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise TypeError("a stored profile must be a JSON object")
    experience = tuple(
        ExperienceEntry(
            employer=str(e.get("employer", "")), role=str(e.get("role", "")), dates=str(e.get("dates", "")),
            bullets=tuple(str(b) for b in e.get("bullets", ())),
            start_year=e.get("start_year"), end_year=e.get("end_year"),
        )
        for e in data.get("experience", ()) if isinstance(e, dict)
    )
    level = data.get("experience_level", "entry")
    return ResumeProfile(
        summary=str(data.get("summary", "")),
        headline=str(data.get("headline", "")),
        experience=experience,
        skills=tuple(str(s) for s in data.get("skills", ())),
        education=tuple(str(s) for s in data.get("education", ())),
        projects=tuple(str(s) for s in data.get("projects", ())),
        other=tuple((str(t), str(x)) for t, x in data.get("other", ())),
        experience_level=level if level in ("entry", "mid", "senior", "lead") else "entry",
        total_years=float(data.get("total_years", 0.0)),
    )


# --- resumes ---------------------------------------------------------------------------------------------

_RESUME_LIST_COLUMNS = (resumes.c.id, resumes.c.name, resumes.c.profile, resumes.c.active, resumes.c.created_at)


def list_resumes(conn: sa.Connection, user_id: str) -> list[Row]:
    """The user's resumes, newest first, without their text. Cost: one indexed query."""
    stmt = (sa.select(*_RESUME_LIST_COLUMNS).where(resumes.c.user_id == user_id)
            .order_by(resumes.c.created_at.desc(), resumes.c.id.desc()))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def get_resume(conn: sa.Connection, user_id: str, resume_id: str) -> Row | None:
    """One resume of the user (with its text), or None if missing or someone else's."""
    row = conn.execute(sa.select(resumes).where(resumes.c.id == resume_id, resumes.c.user_id == user_id)
                       ).mappings().first()
    return dict(row) if row is not None else None


def active_profile(conn: sa.Connection, user_id: str) -> ResumeProfile | None:
    """The user's active resume profile, or None. Cost: one lookup on the partial unique index."""
    raw = conn.execute(sa.select(resumes.c.profile).where(resumes.c.user_id == user_id,
                                                          resumes.c.active.is_(True))).scalar()
    return profile_from_json(raw) if raw is not None else None


def insert_resume(row: Row) -> list[WriteOp]:
    """Insert a resume (``row`` has id, user_id, name, text, profile, created_at; ``active`` is ignored) and
    make it active if the user has no active resume yet, so the first upload becomes the active one."""
    r2 = resumes.alias("r2")
    return [
        WriteOp(sa.insert(resumes), {**row, "active": False}),
        WriteOp(
            sa.update(resumes)
            .where(resumes.c.id == row["id"],
                   ~sa.exists().where(r2.c.user_id == row["user_id"], r2.c.active.is_(True)))
            .values(active=True)
        ),
    ]


def activate_resume(user_id: str, resume_id: str) -> list[WriteOp]:
    """Make ``resume_id`` the user's only active resume; does nothing if it is not the user's.

    Two statements because PostgreSQL checks the one-active unique index row by row: the others are
    deactivated first. The EXISTS guard keeps a foreign or deleted id from deactivating everything.
    """
    r2 = resumes.alias("r2")
    owned = sa.exists().where(r2.c.id == resume_id, r2.c.user_id == user_id)
    return [
        WriteOp(sa.update(resumes)
                .where(resumes.c.user_id == user_id, resumes.c.id != resume_id, resumes.c.active.is_(True), owned)
                .values(active=False)),
        WriteOp(sa.update(resumes).where(resumes.c.id == resume_id, resumes.c.user_id == user_id)
                .values(active=True)),
    ]


def delete_resume(user_id: str, resume_id: str) -> list[WriteOp]:
    """Delete a resume of the user; if it was the active one, the newest remaining resume becomes active."""
    r2, r3 = resumes.alias("r2"), resumes.alias("r3")
    newest = (sa.select(r2.c.id).where(r2.c.user_id == user_id)
              .order_by(r2.c.created_at.desc(), r2.c.id.desc()).limit(1).scalar_subquery())
    return [
        WriteOp(sa.delete(resumes).where(resumes.c.id == resume_id, resumes.c.user_id == user_id)),
        WriteOp(sa.update(resumes)
                .where(resumes.c.id == newest,
                       ~sa.exists().where(r3.c.user_id == user_id, r3.c.active.is_(True)))
                .values(active=True)),
    ]


# --- knowledge base --------------------------------------------------------------------------------------

_LEGAL_SUFFIX = re.compile(r"\s+(?:inc|ltd|llc|plc|gmbh|ag|se|sa|bv|corp|corporation|co|company|limited)$")


def company_key(company: str) -> str:
    """The form company names are matched by: "ACME, Inc." and "acme" are the same company.

    NFKC, case-folded, punctuation to spaces, whitespace collapsed, one trailing legal-form word dropped.
    """
    text = unicodedata.normalize("NFKC", company).casefold()
    text = " ".join(re.sub(r"[^\w&+]+", " ", text).split())
    stripped = _LEGAL_SUFFIX.sub("", text)
    return (stripped or text)[:200]


_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+|\n")


def _units(text: str, size: int) -> list[tuple[str, bool]]:
    """(sentence, starts_paragraph) pieces of ``text``, each at most ``size`` characters."""
    units: list[tuple[str, bool]] = []
    for paragraph in _PARAGRAPH.split(text.replace("\r\n", "\n")):
        first = True
        for sentence in _SENTENCE_END.split(paragraph):
            sentence = " ".join(sentence.split())
            while sentence:
                piece = sentence
                if len(piece) > size:  # a run-on "sentence" (tables, code): cut at a space
                    cut = sentence.rfind(" ", 0, size)
                    cut = cut if cut > size // 2 else size
                    piece = sentence[:cut]
                units.append((piece.strip(), first))
                first = False
                sentence = sentence[len(piece):].strip()
    return [(u, p) for u, p in units if u]


def chunk_text(text: str, size: int = CHUNK_CHARS, overlap: int = CHUNK_OVERLAP) -> list[str]:
    """``text`` cut into chunks of about ``size`` characters on paragraph and sentence boundaries.

    Whole sentences from the end of a chunk (at most ``overlap`` characters) are repeated at the start of
    the next. Pure; linear in the text length (~1 ms per 100 kB).
    """
    chunks: list[str] = []
    current: list[tuple[str, bool]] = []
    length = 0
    fresh = 0  # units in ``current`` that are not overlap from the previous chunk

    def render(units: list[tuple[str, bool]]) -> str:
        out = ""
        for i, (unit, new_paragraph) in enumerate(units):
            out += unit if i == 0 else ("\n\n" if new_paragraph else " ") + unit
        return out

    for unit in _units(text, size):
        if current and fresh and length + 1 + len(unit[0]) > size:
            chunks.append(render(current))
            carried: list[tuple[str, bool]] = []
            carried_len = 0
            for prev in reversed(current):
                if carried_len + len(prev[0]) + 1 > overlap or len(carried) >= len(current) - 1:
                    break
                carried.insert(0, prev)
                carried_len += len(prev[0]) + 1
            current, length, fresh = carried, carried_len, 0
        current.append(unit)
        length += len(unit[0]) + 1
        fresh += 1
    if fresh:
        chunks.append(render(current))
    return chunks


def insert_kb_document(row: Row, chunks: list[str]) -> list[WriteOp]:
    """Insert a document (``row``: id, user_id, company, title, created_at) and its chunks, in one
    transaction. ``company_key``, ``chunks`` and ``chars`` are filled in here. On SQLite the FTS5 triggers
    index the chunks in the same transaction."""
    key = company_key(row["company"])
    doc = {**row, "company_key": key, "chunks": len(chunks), "chars": sum(len(c) for c in chunks)}
    ops = [WriteOp(sa.insert(kb_documents), doc)]
    if chunks:
        ops.append(WriteOp(sa.insert(kb_chunks), [
            {"document_id": row["id"], "user_id": row["user_id"], "company_key": key, "ord": i, "text": text}
            for i, text in enumerate(chunks)
        ]))
    return ops


def list_kb_documents(conn: sa.Connection, user_id: str, company: str | None) -> list[Row]:
    """The user's documents (all, or one company's), newest first."""
    stmt = sa.select(kb_documents.c.id, kb_documents.c.company, kb_documents.c.title, kb_documents.c.chunks,
                     kb_documents.c.chars, kb_documents.c.created_at).where(kb_documents.c.user_id == user_id)
    if company is not None:
        stmt = stmt.where(kb_documents.c.company_key == company_key(company))
    stmt = stmt.order_by(kb_documents.c.created_at.desc(), kb_documents.c.id.desc())
    return [dict(r) for r in conn.execute(stmt).mappings()]


def get_kb_document(conn: sa.Connection, user_id: str, document_id: str) -> Row | None:
    """A document of the user (without chunks), or None if missing or someone else's."""
    row = conn.execute(sa.select(kb_documents).where(kb_documents.c.id == document_id,
                                                     kb_documents.c.user_id == user_id)).mappings().first()
    return dict(row) if row is not None else None


def delete_kb_document(user_id: str, document_id: str) -> list[WriteOp]:
    """Delete a document of the user and its chunks (chunks explicitly: SQLite cascades only with
    foreign_keys on, and the explicit delete is what fires the FTS5 delete trigger for each chunk)."""
    return [
        WriteOp(sa.delete(kb_chunks).where(kb_chunks.c.document_id == document_id, kb_chunks.c.user_id == user_id)),
        WriteOp(sa.delete(kb_documents).where(kb_documents.c.id == document_id, kb_documents.c.user_id == user_id)),
    ]


_ALNUM = re.compile(r"[^\W_]+")


def query_terms(text: str, limit: int = MAX_QUERY_TERMS) -> list[str]:
    """Plain search terms of free text: content words (stop-words removed, lightly stemmed, see
    ``mentor.ai.retrieval.terms``), then split to letters and digits only, deduplicated.

    The result contains no character with a meaning in FTS5 or tsquery syntax (quotes, operators, ``*``,
    ``:``, parentheses), whatever ``text`` was, which is what makes the MATCH expression safe.
    """
    out: list[str] = []
    for term in retrieval_terms(text):
        for piece in _ALNUM.findall(term):
            if piece not in out:
                out.append(piece)
    return out[:limit]


def fts5_query(text: str) -> str | None:
    """An FTS5 MATCH expression for free text: each term quoted, terms of 4+ characters as prefixes (the
    stem "migrat" finds "migration"), ORed. None if ``text`` has no searchable term."""
    parts = [f'"{t}"*' if len(t) >= 4 else f'"{t}"' for t in query_terms(text)]
    return " OR ".join(parts) or None


def tsquery(text: str) -> str | None:
    """The PostgreSQL ``to_tsquery`` equivalent of ``fts5_query``: ``'term':* | 'x'``. Terms are letters and
    digits only, so the expression always parses. None if there is no term."""
    parts = [f"'{t}':*" if len(t) >= 4 else f"'{t}'" for t in query_terms(text)]
    return " | ".join(parts) or None


_SQLITE_SEARCH = """
SELECT c.document_id, c.ord, c.text, d.title, d.company, bm25(kb_chunks_fts) AS rank
FROM kb_chunks_fts
JOIN kb_chunks c ON c.id = kb_chunks_fts.rowid
JOIN kb_documents d ON d.id = c.document_id
WHERE kb_chunks_fts MATCH :q AND c.user_id = :user_id {company}
ORDER BY rank LIMIT :limit
"""

# The to_tsvector expression is spelled exactly as in the index (with a literal config) so the planner uses it.
_PG_SEARCH = """
SELECT c.document_id, c.ord, c.text, d.title, d.company,
       -ts_rank(to_tsvector('simple', c.text), to_tsquery('simple', :q)) AS rank
FROM kb_chunks c
JOIN kb_documents d ON d.id = c.document_id
WHERE to_tsvector('simple', c.text) @@ to_tsquery('simple', :q) AND c.user_id = :user_id {company}
ORDER BY rank LIMIT :limit
"""


def search_kb(conn: sa.Connection, user_id: str, company: str | None, query: str, limit: int = 4) -> list[Passage]:
    """The user's knowledge-base chunks best matching ``query`` (free text, e.g. live speech), best first.

    ``company`` restricts the search to that company's documents (matched by ``company_key``); None
    searches all the user's documents. Refs are "kb:<document id>:<chunk ord>", scores are positive, higher
    is better. Never raises for any query text. Cost: one indexed full-text query (~1 ms for 10k chunks).
    """
    dialect = conn.dialect.name
    q = fts5_query(query) if dialect == "sqlite" else tsquery(query)
    if q is None or limit <= 0:
        return []
    params: dict[str, Any] = {"q": q, "user_id": user_id, "limit": limit}
    company_sql = ""
    if company is not None:
        company_sql = "AND c.company_key = :company_key"
        params["company_key"] = company_key(company)
    sql = (_SQLITE_SEARCH if dialect == "sqlite" else _PG_SEARCH).format(company=company_sql)
    passages = []
    for r in conn.execute(sa.text(sql), params):
        title = f"{r.title} ({r.company})" if r.company else r.title
        passages.append(Passage("kb", f"kb:{r.document_id}:{r.ord}", title, r.text, score=-float(r.rank)))
    return passages


# --- earlier sessions ------------------------------------------------------------------------------------

_FIRST_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)", re.DOTALL)
_RECENT_SESSIONS = 200  # scanned for a company match; normalised in Python, so the scan is bounded
_SUMMARY_QUESTIONS = 3


def _first_sentence(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    match = _FIRST_SENTENCE.match(text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def company_summary(conn: sa.Connection, user_id: str, company: str | None, session_id: str) -> str | None:
    """A short (≤ ``SUMMARY_CHARS``) reminder of the user's earlier sessions with ``company``: the last few
    questions asked there and the first sentence of each answer. None without a company or earlier session.

    Sessions are matched by ``company_key`` so "Acme" and "ACME Inc." are the same; ``session_id`` (the
    current session) is left out. Cost: two indexed queries (recent sessions, then their answers).
    """
    key = company_key(company) if company else ""
    if not key:
        return None
    rows = conn.execute(
        sa.select(sessions.c.id, sessions.c.company)
        .where(sessions.c.user_id == user_id, sessions.c.company.is_not(None), sessions.c.id != session_id)
        .order_by(sessions.c.created_at.desc()).limit(_RECENT_SESSIONS)
    ).all()
    matching = [r.id for r in rows if company_key(r.company) == key]
    if not matching:
        return None
    earlier = "interview" if len(matching) == 1 else f"{len(matching)} interviews"
    qa = conn.execute(
        sa.select(answers.c.question, answers.c.text)
        .where(answers.c.session_id.in_(matching[:20]), answers.c.status == "complete")
        .order_by(answers.c.created_at.desc()).limit(_SUMMARY_QUESTIONS * 3)
    ).all()
    seen: list[tuple[str, str]] = []
    for question, text in qa:
        question = " ".join(question.split())
        if question and all(question != q for q, _ in seen):
            seen.append((question, _first_sentence(text)))
        if len(seen) == _SUMMARY_QUESTIONS:
            break
    if not seen:
        what = "an earlier interview" if len(matching) == 1 else f"{len(matching)} earlier interviews"
        return f"You had {what} with {company}; no answers from it were saved."[:SUMMARY_CHARS]
    summary = f"In your earlier {earlier} with {company} you were asked:"
    for i, (question, answer) in enumerate(seen):
        item = f"{' ' if i == 0 else '; '}“{_first_sentence(question, 160)}” — you answered: {answer}"
        if len(summary) + len(item) + 1 > SUMMARY_CHARS:
            break
        summary += item
    return summary + "."


# --- the answer's context --------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerContext:
    """What the store contributes to one answer: the active resume, knowledge-base passages for the
    question, and a summary of earlier sessions with the same company."""

    resume: ResumeProfile | None
    kb_passages: tuple[Passage, ...]
    company_summary: str | None


def answer_context(conn: sa.Connection, user_id: str, company: str | None, question: str, session_id: str,
                   kb_limit: int = 4, with_summary: bool = True) -> AnswerContext:
    """Everything an answer needs from the store, in one call (one thread hop from the session actor).

    ``session_id`` is the current session, excluded from the company summary ("" outside a session). The
    knowledge base is searched for ``company``'s documents when given, else all the user's. The company
    summary depends only on earlier sessions, so a session actor asks for it once (``with_summary``) and
    keeps it. Raises only database errors (sqlalchemy.exc.SQLAlchemyError). Cost: four indexed queries,
    two without the summary, typically 1-3 ms.
    """
    return AnswerContext(
        resume=active_profile(conn, user_id),
        kb_passages=tuple(search_kb(conn, user_id, company, question, kb_limit)),
        company_summary=company_summary(conn, user_id, company, session_id) if with_summary else None,
    )
