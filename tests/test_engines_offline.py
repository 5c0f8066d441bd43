"""The offline engine answers every question kind from the candidate's real material, fast."""

from __future__ import annotations

import time
from datetime import date

import pytest
import trio

from mentor.ai.engines import AnswerDelta, AnswerDone, AnswerEvent, AnswerRequest, Passage
from mentor.ai.engines.offline import OfflineEngine, first_person
from mentor.ai.resume import parse_resume_text
from tests.openai_stub import SAMPLE_RESUME_MD

RESUME = parse_resume_text(SAMPLE_RESUME_MD, today=date(2025, 6, 1))
JOB = (
    "Staff Backend Engineer, Payments\n\nYou will design payment services in Go and Kafka on Kubernetes.\n\n"
    "Experience with PostgreSQL and mentoring engineers is a plus."
)
KB = (
    Passage("kb", "kb:3:0", "Kafka notes", "Kafka orders messages within a partition, not across a topic. "
            "Use the entity id as the key so related events land in the same partition. Retention is time based."),
)  # fmt: skip


def request(question: str, kind: str, **changes: object) -> AnswerRequest:
    fields: dict[str, object] = {
        "question": question, "kind": kind, "language": "en", "company": "N26",
        "role": "Staff Backend Engineer", "job_description": JOB, "resume": RESUME, "kb_passages": KB,
    }  # fmt: skip
    fields.update(changes)
    return AnswerRequest(**fields)  # type: ignore[arg-type]


async def answer(req: AnswerRequest) -> tuple[list[AnswerEvent], AnswerDone]:
    events = [event async for event in OfflineEngine().stream(req)]
    done = events[-1]
    assert isinstance(done, AnswerDone)
    assert "".join(e.text for e in events if isinstance(e, AnswerDelta)) == done.text
    assert (done.engine, done.model, done.prompt_tokens) == ("offline", None, 0)
    return events, done


async def test_behavioral_is_a_star_story_with_the_matching_job_and_numbers() -> None:
    _, done = await answer(request("Tell me about a time you reduced costs.", "behavioral"))
    for fact in (
        "Delivery Hero",
        "Backend Engineer",
        "$180k per year",
        "spot instances",
        "Situation",
        "Result",
    ):
        assert fact in done.text
    assert "I reduced AWS costs" in done.text
    assert done.sources == ("resume:experience:1",)


async def test_behavioral_mentoring_story_uses_the_result_clause() -> None:
    _, done = await answer(request("Describe a time you mentored a junior colleague.", "behavioral"))
    assert "Zalando SE" in done.text and "I mentored 4 engineers" in done.text
    assert "Result: Two were promoted within a year." in done.text


async def test_technical_uses_knowledge_base_and_resume_experience() -> None:
    _, done = await answer(request("How does Kafka guarantee message ordering?", "technical"))
    assert "Kafka orders messages within a partition" in done.text
    assert "Zalando SE" in done.text and "event-driven services on Kafka" in done.text
    assert {"kb:3:0", "resume:experience:0", "resume:skills"} <= set(done.sources)
    assert "Retention" not in done.text  # the knowledge-base sentence that does not answer the question


async def test_technical_without_matching_notes_gives_a_structure_not_unrelated_notes() -> None:
    _, done = await answer(request("Explain optimistic versus pessimistic locking.", "technical"))
    assert "Kafka orders" not in done.text and "trade-off" in done.text
    assert "PostgreSQL" in done.text  # a related skill from the resume


async def test_background_pitch_uses_roles_employers_and_skills() -> None:
    _, done = await answer(request("Tell me about yourself.", "background"))
    text = done.text
    assert text.startswith("I'm a Senior Backend Engineer with 9+ years of experience.")
    for fact in (
        "Zalando SE",
        "900 ms to 210 ms",
        "Delivery Hero",
        "12,000 requests per second",
        "Kafka",
        "N26",
    ):
        assert fact in text


async def test_situational_gives_steps_tied_to_real_experience() -> None:
    _, done = await answer(
        request("What would you do if you disagree with a colleague about an API design?", "situational")
    )
    assert "1. " in done.text and "4. " in done.text
    assert "joint design review" in done.text and "Delivery Hero" in done.text


async def test_clarifying_restates_and_asks() -> None:
    _, done = await answer(request("What do you mean by scale?", "clarifying"))
    assert '"scale"' in done.text and done.text.count("?") >= 2


async def test_logistics_is_short_and_uses_the_target_role() -> None:
    _, done = await answer(request("What are your salary expectations?", "logistics"))
    assert "Staff Backend Engineer role at N26" in done.text and "9+ years" in done.text
    assert len(done.text.split()) < 60


async def test_other_points_at_relevant_material() -> None:
    _, done = await answer(request("What did you do with PostgreSQL?", "other"))
    assert "PostgreSQL" in done.text and done.sources


async def test_non_english_session_gets_a_note() -> None:
    _, done = await answer(request("Erzählen Sie von sich.", "background", language="de"))
    assert done.text.startswith("(Offline answer in English") and "German" in done.text


@pytest.mark.parametrize(
    "kind", ["behavioral", "technical", "situational", "background", "clarifying", "other"]
)
async def test_without_a_resume_it_still_answers_and_says_why(kind: str) -> None:
    _, done = await answer(request("Tell me about a project you are proud of.", kind, resume=None))
    assert done.text and "{" not in done.text


async def test_first_chunk_arrives_well_under_30_ms() -> None:
    engine = OfflineEngine()
    req = request("Tell me about a time you reduced costs.", "behavioral", history=(("Q?", "A."),) * 20)
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        async for event in engine.stream(req):
            timings.append(time.perf_counter() - started)
            break
    assert max(timings) < 0.010, timings


async def test_stream_is_cancellable_between_chunks() -> None:
    received = 0
    with trio.CancelScope() as scope:
        async for event in OfflineEngine().stream(request("Tell me about yourself.", "background")):
            received += 1
            if received == 3:
                scope.cancel()
    assert scope.cancelled_caught and received == 3


def test_first_person() -> None:
    assert first_person("Led the migration.") == "I led the migration"
    assert first_person("Responsible for billing") == "I was responsible for billing"
    assert first_person("Kafka expert") == "Kafka expert"
