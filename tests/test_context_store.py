"""Store-level checks of the context functions: chunking, query sanitising, the company summary."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from mentor.store import company, knowledge
from mentor.store.answer_context import answer_context
from mentor.store.database import create_engine, migrate
from mentor.store.schema import answers, captions, sessions, users


@given(st.text(max_size=3000))
def test_chunks_cover_the_text_and_stay_bounded(text: str) -> None:
    chunks = knowledge.chunk_text(text)
    assert all(len(chunk) <= knowledge.CHUNK_CHARS + knowledge.CHUNK_OVERLAP for chunk in chunks)
    words = set(text.split())
    assert words <= set(" ".join(chunks).split()) or not words


@given(st.text(max_size=300))
def test_fts_queries_hold_only_quoted_alphanumeric_terms(text: str) -> None:
    q = knowledge.fts5_query(text)
    if q is not None:
        for part in q.split(" OR "):
            term = part.removesuffix("*")
            assert term.startswith('"') and term.endswith('"') and term[1:-1].isalnum()


def test_company_summary_recalls_questions_and_the_candidates_own_words(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    uid, now = str(uuid.uuid4()), time.time()
    with engine.begin() as conn:
        conn.execute(sa.insert(users), {"id": uid, "email": "a@b.cd", "password_hash": "x", "created_at": now})
        for i, name in enumerate(["Acme Inc.", "Globex", "ACME"]):
            conn.execute(sa.insert(sessions), {
                "id": f"s{i}", "user_id": uid, "title": f"t{i}", "company": name, "language": "en",
                "status": "ended", "auto_answer": True, "created_at": now + i})
            for j, (kind, question) in enumerate([("other", f"Got it. Cool. Question {i}?"),
                                                  ("small_talk", "Can you hear me okay?")]):
                conn.execute(sa.insert(answers), {
                    "id": f"a{i}{j}", "session_id": f"s{i}", "user_id": uid, "question_id": "q", "kind": kind,
                    "question": question, "status": "complete",
                    "text": f"Suggested answer {i}. Second sentence.", "engine": "offline",
                    "sources": json.dumps([]), "prompt_tokens": 0, "completion_tokens": 1, "created_at": now + i})
        turns = [("interviewer", "Can you hear me okay?"), ("candidate", "Yes, perfectly."),
                 ("interviewer", "Got it. Cool."), ("interviewer", "Question 0?"),
                 ("candidate", "Yeah, so I moved the ledger"), ("candidate", "behind an outbox table.")]
        for k, (role, text) in enumerate(turns):
            conn.execute(sa.insert(captions), {
                "session_id": "s0", "id": k, "block_id": f"b{k}", "revision": 1, "final": True,
                "speaker_role": role, "text": text, "created_at": now, "updated_at": now})
    with engine.connect() as conn:
        summary = company.company_summary(conn, uid, "acme", "s2")
        assert summary is not None and len(summary) <= company.SUMMARY_CHARS
        assert "“Question 0?” — the candidate said: “I moved the ledger behind an outbox table.”" in summary
        # Not the fillers before the question, not Mentor's suggestion, not the small talk, not Globex.
        assert "Got it" not in summary and "Suggested answer" not in summary and "hear me" not in summary
        assert "Question 1" not in summary and "Question 2" not in summary
        assert company.company_summary(conn, uid, "Initech", "") is None
        assert company.company_summary(conn, uid, None, "") is None
        context = answer_context(conn, uid, "Acme", "anything", "")
        assert context.resume is None and context.kb_passages == ()
        summary = context.company_summary
        assert summary is not None and "2 earlier interviews" in summary and "“Question 2?”" in summary
    engine.dispose()
