"""The user's companies: the key company names are matched by, and what earlier sessions with one held.

``company_key`` is how sessions, knowledge-base documents and searches agree that "ACME, Inc." and "acme"
are the same company; ``company_summary`` reads the earlier sessions with a company (a sync read for
``StoreReader.read``).
"""

from __future__ import annotations

import itertools
import re
import unicodedata

import sqlalchemy as sa

from mentor.ai.retrieval import asking_sentence
from mentor.store.schema import answers, captions, sessions

SUMMARY_CHARS = 600
"""Longest company summary (about 150 tokens); it is pinned into every prompt of a session, so it must
stay small."""

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

SUMMARY_EXCHANGES = 3
"""Earlier questions a company summary recalls, most recent first."""
_RECENT_SESSIONS = 200  # scanned for a company match; normalised in Python, so the scan is bounded
_SESSIONS_READ = 2  # earlier sessions whose captions are read for the candidate's own words
_BLOCKS_READ = 600  # final caption blocks read per earlier session: about an hour of conversation
_SKIPPED_KINDS = ("small_talk", "logistics", "clarifying")  # nothing worth recalling next time
_QUESTION_CHARS = 120
_SAID_CHARS = 160
_LEAD_FILLER = re.compile(r"^(?:(?:yeah|yes|so|well|okay|ok|um|uh|right|sure|alright|ja|also|genau|"
                          r"alors|bon|bueno|pues|vale)\b[\s,.]*)+", re.IGNORECASE)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _the_question(text: str) -> str:
    """The sentence that asks: "Got it. Cool. How would you scale it?" -> "How would you scale it?"."""
    return _clip(asking_sentence(text), _QUESTION_CHARS)


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _candidate_replies(conn: sa.Connection, session_id: str) -> list[tuple[str, str]]:
    """(interviewer turn, the candidate's words after it) for one session, from its final caption blocks,
    consecutive blocks of one speaker joined."""
    rows = conn.execute(
        sa.select(captions.c.speaker_role, captions.c.text)
        .where(captions.c.session_id == session_id, captions.c.final.is_(True))
        .order_by(captions.c.id).limit(_BLOCKS_READ)
    ).all()
    turns: list[list[str]] = []
    for role, text in rows:
        if role not in ("interviewer", "candidate") or not text.strip():
            continue
        if turns and turns[-1][0] == role:
            turns[-1][1] += " " + text.strip()
        else:
            turns.append([role, text.strip()])
    return [(asked, said) for (r1, asked), (r2, said) in itertools.pairwise(turns)
            if r1 == "interviewer" and r2 == "candidate"]


def company_summary(conn: sa.Connection, user_id: str, company: str | None, session_id: str) -> str | None:
    """A short (≤ ``SUMMARY_CHARS``, about 150 tokens) reminder of the user's earlier interviews with
    ``company``: the last few substantive questions asked there and what the candidate said to each, in
    their own words from the captions; questions without captured words are recalled alone. Mentor's
    suggested answers are not used: they are not what the candidate said. None without a company or an
    earlier session with it.

    Sessions are matched by ``company_key`` so "Acme" and "ACME Inc." are the same; ``session_id`` (the
    current session) is left out. Cost: two indexed queries, then one caption read (≤ 600 rows) for each of
    the last two earlier sessions; a session actor reads it once.
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
    asked = conn.execute(
        sa.select(answers.c.session_id, answers.c.question)
        .where(answers.c.session_id.in_(matching[:20]), answers.c.status == "complete",
               answers.c.kind.not_in(_SKIPPED_KINDS))
        .order_by(answers.c.created_at.desc()).limit(SUMMARY_EXCHANGES * 4)
    ).all()
    replies = {sid: _candidate_replies(conn, sid) for sid in dict.fromkeys(r.session_id for r in asked)
               if sid in matching[:_SESSIONS_READ]}
    items: list[str] = []
    seen: set[str] = set()
    for sid, question in asked:
        q = _the_question(question)
        if not q or _key(q) in seen:
            continue
        seen.add(_key(q))
        said = next((s for turn, s in replies.get(sid, ()) if _key(q) in _key(turn)), "")
        said = _LEAD_FILLER.sub("", said).strip()
        items.append(f"“{q}” — the candidate said: “{_clip(said, _SAID_CHARS)}”" if said else f"“{q}”")
        if len(items) == SUMMARY_EXCHANGES:
            break
    earlier = "an earlier interview" if len(matching) == 1 else f"{len(matching)} earlier interviews"
    if not items:
        return f"The candidate had {earlier} with {company}; nothing from it was recorded."[:SUMMARY_CHARS]
    summary = f"In {earlier} with {company}, the interviewer asked:"
    for i, item in enumerate(items):
        piece = f"{' ' if i == 0 else '; '}{item}"
        if len(summary) + len(piece) + 1 > SUMMARY_CHARS:
            break
        summary += piece
    return summary + "."
