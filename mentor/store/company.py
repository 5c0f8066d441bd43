"""The user's companies: the key company names are matched by, and what earlier sessions with one held.

``company_key`` is how sessions, knowledge-base documents and searches agree that "ACME, Inc." and "acme"
are the same company; ``company_summary`` reads the earlier sessions with a company (a sync read for
``StoreReader.read``).
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa

from mentor.store.schema import answers, sessions

SUMMARY_CHARS = 600
"""Longest company summary; it is pinned into every prompt of a session, so it must stay small."""

_LEGAL_SUFFIX = re.compile(r"\s+(?:inc|ltd|llc|plc|gmbh|ag|se|sa|bv|corp|corporation|co|company|limited)$")


def company_key(company: str) -> str:
    """The form company names are matched by: "ACME, Inc." and "acme" are the same company.

    NFKC, case-folded, punctuation to spaces, whitespace collapsed, one trailing legal-form word dropped.
    """
    text = unicodedata.normalize("NFKC", company).casefold()
    text = " ".join(re.sub(r"[^\w&+]+", " ", text).split())
    stripped = _LEGAL_SUFFIX.sub("", text)
    return (stripped or text)[:200]


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
