"""What the store contributes to one answer, read in one call (one thread hop) before the answer starts:
the active resume, the knowledge-base passages for the question and a summary of earlier sessions with the
same company.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from mentor.ai.types import Passage, ResumeProfile
from mentor.store.company import company_summary
from mentor.store.knowledge import search_kb
from mentor.store.resumes import active_profile


@dataclass(frozen=True)
class AnswerContext:
    """What the store contributes to one answer: the active resume, knowledge-base passages for the
    question, and a summary of earlier sessions with the same company."""

    resume: ResumeProfile | None
    kb_passages: tuple[Passage, ...]
    company_summary: str | None


def answer_context(conn: sa.Connection, user_id: str, company: str | None, question: str, session_id: str,
                   kb_limit: int = 4, with_summary: bool = True, language: str = "en") -> AnswerContext:
    """Everything an answer needs from the store, in one call (one thread hop from the session actor).

    ``question`` is what to search the knowledge base for (best: ``mentor.ai.retrieval.retrieval_query``,
    which resolves a follow-up against the previous exchange), in ``language``, the session's.
    ``session_id`` is the current session, excluded from the company summary ("" outside a session). The
    knowledge base is searched for ``company``'s documents when given, else all the user's. The company
    summary depends only on earlier sessions, so a session actor asks for it once (``with_summary``) and
    keeps it. Raises only database errors (sqlalchemy.exc.SQLAlchemyError). Cost: four indexed queries,
    two without the summary, typically 1-3 ms.
    """
    return AnswerContext(
        resume=active_profile(conn, user_id),
        kb_passages=tuple(search_kb(conn, user_id, company, question, kb_limit, language)),
        company_summary=company_summary(conn, user_id, company, session_id) if with_summary else None,
    )
