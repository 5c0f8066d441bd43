"""SessionCore over plain data: messages in, rows, events and replies out; no trio, no store, no clock."""

from __future__ import annotations

from typing import Any

import pytest

from mentor.actors.messages import (
    AddCaptions,
    AnswerProgress,
    AskQuestion,
    CaptionInput,
    CreateSession,
    DeleteSession,
    EndSession,
    Regenerate,
    Stop,
)
from mentor.actors.session_core import (
    LoadedSession,
    QuestionRecord,
    SessionCore,
    UnfinishedAnswer,
    read_log,
)
from mentor.ai.types import AnswerDone, AnswerFailure
from mentor.errors import Problem
from mentor.events import Event, EventType
from mentor.settings import Settings
from mentor.store import event_log

WALL = 1_800_000_000.0
USER = "u1"


def settings(**overrides: Any) -> Settings:
    return Settings(jwt_secret="x" * 40, **overrides)


def row(**fields: Any) -> dict[str, Any]:
    return {"id": "s1", "user_id": USER, "title": "Interview", "company": "Acme", "role": "Backend engineer",
            "job_description": None, "language": "en", "candidate_name": "Maria", "interviewer_name": "Tom",
            "status": "active", "auto_answer": True, "created_at": WALL - 60, "ended_at": None, **fields}


def new_core(**overrides: Any) -> SessionCore:
    core = SessionCore(row(), settings(**overrides), engine_name="offline", wall_clock=lambda: WALL)
    core.handle(CreateSession(user_id=USER), 0.0)
    core.take()
    return core


def said(text: str, role: str = "interviewer", **kw: Any) -> CaptionInput:
    return CaptionInput(role, text, **kw)


def types(events: list[Event]) -> list[str]:
    return [e.type for e in events]


def test_create_stores_the_row_with_event_1() -> None:
    core = SessionCore(row(), settings(), engine_name="offline", wall_clock=lambda: WALL)
    reply = core.handle(CreateSession(user_id=USER), 0.0)
    out = core.take()
    assert "user_id" not in reply and reply["id"] == "s1"
    assert [(e.seq, e.type) for e in out.events] == [(1, "session_created")]
    assert out.ops[0].statement.table.name == "sessions"  # type: ignore[attr-defined]  # before its event
    assert out.ops[1].statement is event_log.INSERT_EVENT
    with pytest.raises(Problem) as exc:
        core.handle(CreateSession(user_id=USER), 0.0)
    assert exc.value.code == "unknown_message"  # only a fresh actor takes it


def test_a_refused_batch_stages_nothing_and_another_users_message_is_not_found() -> None:
    core = new_core()
    with pytest.raises(Problem) as exc:
        core.handle(AddCaptions(user_id=USER, captions=[said("fine"), said("bad", role="moderator")]), 1.0)
    assert exc.value.code == "unknown_speaker" and exc.value.extra == {"index": 1}
    with pytest.raises(Problem) as exc:
        core.handle(AddCaptions(user_id="intruder", captions=[said("hi")]), 1.0)
    assert exc.value.status == 404
    out = core.take()
    assert out.ops == [] and out.events == [] and core.next_seq == 2


def test_revisions_update_in_place_and_retries_are_duplicates() -> None:
    core = new_core()
    first = core.handle(AddCaptions(user_id=USER, captions=[
        said("so", block_id="b", revision=1, final=False),
        said("so tell", block_id="b", revision=2, final=False)]), 1.0)
    assert [r["status"] for r in first] == ["created", "updated"] and first[1]["id"] == first[0]["id"]
    again = core.handle(AddCaptions(user_id=USER, captions=[said("so tell", block_id="b", revision=2)]), 1.1)
    assert again[0]["status"] == "duplicate"
    with pytest.raises(Problem) as exc:
        core.handle(AddCaptions(user_id=USER, captions=[said("so", block_id="b", revision=1)]), 1.2)
    assert exc.value.code == "revision_backwards"
    assert types(core.take().events) == ["new_caption", "caption_updated"]


def test_the_answer_request_carries_the_conversation_as_it_happened() -> None:
    core = new_core()
    core.handle(AddCaptions(user_id=USER, captions=[
        said("Hi Maria, thanks for joining."),
        said("Thanks for having me!", role="candidate"),
        said("I am really glad to be here.", role="candidate"),
        said("Tell me about a time you led a team through a hard deadline?")]), 1.0)
    out = core.take()
    assert "answer_started" in types(out.events)
    assert out.start is not None and out.start.answer_id == core.answer_id
    request = out.start.request
    assert request.question.startswith("Tell me about a time")
    assert request.conversation == (
        ("interviewer", "Hi Maria, thanks for joining."),
        ("candidate", "Thanks for having me! I am really glad to be here."),  # one turn: consecutive captions
        ("interviewer", "Tell me about a time you led a team through a hard deadline?"),
    )
    assert (request.candidate_name, request.interviewer_name) == ("Maria", "Tom")
    assert request.company == "Acme" and request.history == ()


def test_the_conversation_is_bounded_by_turns_and_characters() -> None:
    core = new_core(answer_conversation_turns=3, answer_conversation_chars=60)
    for i in range(10):
        role = "interviewer" if i % 2 == 0 else "candidate"
        core.handle(AddCaptions(user_id=USER, captions=[said(f"turn {i} " + "word " * 5, role=role)]), 1.0 + i)
    turns = core.conversation()
    assert len(turns) <= 3 and sum(len(text) for _, text in turns) <= 61  # "…" marks the cut
    assert turns[-1][1].startswith("turn 9") and turns[0][1].startswith("…")
    assert len(core._said) <= 24  # what is kept for it stays bounded too


def test_deltas_of_one_group_become_one_event_and_the_end_is_stored() -> None:
    core = new_core()
    reply = core.handle(AskQuestion(user_id=USER, text="What is a database index?"), 1.0)
    core.take()
    answer_id = reply["answer_id"]
    for piece in ("An index ", "is a ", "lookup structure."):
        core.handle(AnswerProgress(answer_id=answer_id, user_id="", delta=piece), 1.1)
    out = core.take()
    assert types(out.events) == ["answer_delta"] and out.events[0].data["text"] == "An index is a lookup structure."
    done = AnswerDone("An index is a lookup structure.", "offline", None, (), 0, 6)
    core.handle(AnswerProgress(answer_id="a-stale", user_id="", done=done), 1.2)  # not current: ignored
    assert core.take().events == []
    core.handle(AnswerProgress(answer_id=answer_id, user_id="", done=done, first_token_ms=5.0, complete_ms=9.0), 1.3)
    out = core.take()
    assert types(out.events) == ["new_answer"] and core.answer is None
    assert any(op.statement.table.name == "answers" for op in out.ops)  # type: ignore[attr-defined]
    assert core.history[-1] == ("What is a database index?", "An index is a lookup structure.")


def test_a_fallback_failure_keeps_the_answer_and_restarts_its_deltas() -> None:
    core = new_core()
    answer_id = core.handle(AskQuestion(user_id=USER, text="Why Kafka?"), 1.0)["answer_id"]
    core.handle(AnswerProgress(answer_id=answer_id, user_id="", delta="Because"), 1.1)
    core.handle(AnswerProgress(answer_id=answer_id, user_id="", failure=AnswerFailure("HTTP 500", True)), 1.2)
    out = core.take()
    assert types(out.events)[-2:] == ["answer_delta", "answer_failed"]
    assert out.events[-1].data["fallback"] == "offline" and core.answer_id == answer_id


def test_a_newer_question_cancels_the_answer_in_progress() -> None:
    core = new_core()
    first = core.handle(AskQuestion(user_id=USER, text="Why Kafka?"), 1.0)["answer_id"]
    core.take()
    second = core.handle(AskQuestion(user_id=USER, text="Why Postgres?"), 2.0)["answer_id"]
    out = core.take()
    assert types(out.events) == ["question_detected", "answer_cancelled", "answer_started"]
    assert out.events[1].data == {"answer_id": first, "question_id": "m2", "reason": "newer_question"}
    assert out.start is not None and out.start.answer_id == second


def test_two_answers_started_in_one_group_run_only_the_newest() -> None:
    core = new_core()
    core.handle(AskQuestion(user_id=USER, text="Why Kafka?"), 1.0)
    newest = core.handle(AskQuestion(user_id=USER, text="Why Postgres?"), 1.0)["answer_id"]
    out = core.take()
    assert out.start is not None and out.start.answer_id == newest


def test_shutdown_ends_the_answer_in_flight_as_interrupted() -> None:
    core = new_core()
    answer_id = core.handle(AskQuestion(user_id=USER, text="Why Kafka?"), 1.0)["answer_id"]
    core.handle(AnswerProgress(answer_id=answer_id, user_id="", delta="Because"), 1.1)
    core.handle(Stop(), 1.2)
    out = core.take()
    assert types(out.events)[-2:] == ["answer_delta", "answer_failed"]
    assert out.events[-1].data == {"answer_id": answer_id, "question_id": "m2", "reason": "interrupted",
                                   "retryable": True, "fallback": None}
    assert out.stop and out.close == "shutdown" and core.answer is None


def test_end_and_delete_close_the_streams() -> None:
    core = new_core()
    core.handle(AskQuestion(user_id=USER, text="Why Kafka?"), 1.0)
    core.take()
    core.handle(EndSession(user_id=USER), 2.0)
    out = core.take()
    assert types(out.events) == ["answer_cancelled", "session_ended"] and out.close == "ended"
    with pytest.raises(Problem):
        core.handle(Regenerate(user_id=USER, question_id=None), 3.0)
    core.handle(DeleteSession(user_id=USER), 3.0)
    out = core.take()
    assert out.stop and out.close == "deleted" and out.events == []


def log_event(seq: int, type: EventType, **data: Any) -> Event:
    return Event("s1", seq, type.value, Event.make("s1", seq, type, data).data_json, WALL - 10)


def loaded(unfinished: UnfinishedAnswer | None, **fields: Any) -> LoadedSession:
    return LoadedSession(row=row(**fields), blocks={}, last_seq=20, history=[], said=[(1, "interviewer", "Why Go?")],
                         questions=[QuestionRecord("q1-1", "Why Go?", "technical", ("Why Go?",))],
                         unfinished=unfinished, company_summary=None)


def test_the_log_tells_which_answer_a_crash_left_unfinished() -> None:
    question = [log_event(5, EventType.QUESTION_DETECTED, question_id="q1-1", text="Why Go?", kind="technical",
                          parts=["Why Go?"])]
    started = log_event(6, EventType.ANSWER_STARTED, answer_id="a6", question_id="q1-1")
    fallback = log_event(8, EventType.ANSWER_FAILED, answer_id="a6", question_id="q1-1", fallback="offline")
    done = log_event(9, EventType.NEW_ANSWER, answer_id="a6", question_id="q1-1")
    questions, cut = read_log(question, [fallback, started])  # newest first
    assert questions[0].text == "Why Go?" and cut == UnfinishedAnswer("a6", "q1-1", WALL - 10, True)
    assert read_log(question, [done, fallback, started])[1] is None
    newer = [log_event(10, EventType.QUESTION_DETECTED, question_id="q1-2", text="And Rust?", kind="technical",
                       parts=[]), *question]
    assert read_log(newer, [started])[1] == UnfinishedAnswer("a6", "q1-1", WALL - 10, False)


def test_recover_regenerates_a_current_question_of_a_live_session() -> None:
    cut = UnfinishedAnswer("a6", "q1-1", WALL - 10, True)
    core = SessionCore.load(loaded(cut), settings(), engine_name="offline", wall_clock=lambda: WALL)
    core.recover(5.0)
    out = core.take()
    assert types(out.events) == ["answer_cancelled", "answer_started"]
    assert out.events[0].seq == 21 and out.events[0].data["reason"] == "interrupted"
    assert out.start is not None and out.start.request.question == "Why Go?"
    assert out.start.request.conversation == (("interviewer", "Why Go?"),)
    core.recover(6.0)  # once only
    assert core.take().events == []


@pytest.mark.parametrize("cut, fields, window", [
    (UnfinishedAnswer("a6", "q1-1", WALL - 10, False), {}, 120.0),  # a newer question came since
    (UnfinishedAnswer("a6", "q1-1", WALL - 10, True), {"status": "ended"}, 120.0),  # the session ended
    (UnfinishedAnswer("a6", "q1-1", WALL - 600, True), {}, 120.0),  # too long ago
    (UnfinishedAnswer("a6", "q-unknown", WALL - 10, True), {}, 120.0),  # its question is not known
])
def test_recover_fails_an_answer_it_should_not_regenerate(cut: UnfinishedAnswer, fields: dict[str, Any],
                                                          window: float) -> None:
    core = SessionCore.load(loaded(cut, **fields), settings(answer_resume_window_s=window), engine_name="offline",
                            wall_clock=lambda: WALL)
    core.recover(5.0)
    out = core.take()
    assert types(out.events) == ["answer_failed"] and out.start is None
    assert out.events[0].data == {"answer_id": "a6", "question_id": cut.question_id, "reason": "interrupted",
                                  "retryable": True, "fallback": None}


def test_a_restarted_core_can_regenerate_questions_from_before_the_restart() -> None:
    core = SessionCore.load(loaded(None), settings(), engine_name="offline", wall_clock=lambda: WALL)
    reply = core.handle(Regenerate(user_id=USER, question_id="q1-1"), 1.0)
    assert reply == {"question_id": "q1-1", "answer_id": "a21"}
