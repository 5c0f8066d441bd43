"""Prompt building: sections, the conversation as it happened, follow-ups, answer shapes, budget, languages.

The last tests send prompts through `OpenAIEngine` to the recording stub server (tests/openai_stub.py), so
they check what a model server actually receives.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from mentor.ai.prompt import (
    ANSWER_SHAPES,
    PromptBudget,
    build_prompt,
    conversation_lines,
    estimate_tokens,
    language_name,
    needs_model,
    select_passages,
    source_tag,
)
from mentor.ai.resume import parse_resume_text
from mentor.ai.types import AnswerDone, AnswerRequest, Passage, QuestionKind
from mentor.engines import FallbackEngine
from mentor.engines.openai_engine import OpenAIEngine, OpenAIEngineSettings
from tests.conftest import User, make_settings, register, running_server
from tests.openai_stub import SAMPLE_RESUME_MD, OpenAIStub, Reply
from tests.sse import read_events

RESUME = parse_resume_text(SAMPLE_RESUME_MD, today=date(2025, 6, 1))

DESIGN_Q = "How would you design the payment ledger for our checkout?"
CANDIDATE_DESIGN = (
    "I would write every ledger entry once, behind an outbox table, and publish the events to Kafka; "
    "consumers dedupe on the idempotency key so a retried payment is booked once."
)
FOLLOW_UP_Q = "So why did you pick that?"
KB = (
    Passage("kb", "kb:6f1c2a9e-1111-4c3b-9d7e-0a1b2c3d4e5f:0", "Acme engineering handbook",
            "We use the transactional outbox pattern for every service that publishes events."),
    Passage("kb", "kb:6f1c2a9e-1111-4c3b-9d7e-0a1b2c3d4e5f:1", "Acme engineering handbook",
            "Audio check before interviews: ask whether the candidate can hear you okay."),
)  # fmt: skip
JOB = (
    "Staff Backend Engineer, Payments\n\nYou will own the payment ledger and its Kafka pipelines.\n\n"
    "Benefits: 30 days of vacation and a yearly learning budget."
)


def make(question: str = "Tell me about a time you reduced costs.", **changes: object) -> AnswerRequest:
    fields: dict[str, object] = {"question": question, "kind": "behavioral", "resume": RESUME}
    fields.update(changes)
    return AnswerRequest(**fields)  # type: ignore[arg-type]


def follow_up(**changes: object) -> AnswerRequest:
    conversation = (
        ("interviewer", "Hi Maria, can you hear me okay?"),
        ("candidate", "Yes, loud and clear. Hi Tom!"),
        ("interviewer", DESIGN_Q),
        ("candidate", CANDIDATE_DESIGN),
        ("interviewer", FOLLOW_UP_Q),
    )
    fields: dict[str, object] = {
        "kind": "follow_up", "conversation": conversation, "kb_passages": KB, "job_description": JOB,
        "company": "Acme", "candidate_name": "Maria", "interviewer_name": "Tom",
    }  # fmt: skip
    fields.update(changes)
    return make(FOLLOW_UP_Q, **fields)


def test_most_relevant_passage_comes_first_after_the_background() -> None:
    refs = [p.ref for p in select_passages(make())]
    assert refs[0] == "resume:summary"
    assert refs[1] == "resume:experience:1"  # the Delivery Hero job, which reduced AWS costs


def test_follow_up_carries_the_candidates_previous_answer_and_the_question_it_continues() -> None:
    prompt = build_prompt(follow_up())
    user = prompt.user
    conversation = user.split("=== THE CONVERSATION SO FAR", 1)[1].split("=== ANSWER NOW ===")[0]
    # The candidate's own words, labelled as theirs, after the question they answered.
    assert f"Interviewer (Tom): {DESIGN_Q}\nCandidate (Maria): {CANDIDATE_DESIGN}" in conversation
    assert FOLLOW_UP_Q not in conversation  # the question itself is asked once, at the end
    assert f"Question (follow_up): {FOLLOW_UP_Q}" in user
    assert f"It follows up on the question “{DESIGN_Q}”: continue from what the candidate said" in user
    assert "Never restart" in prompt.system and "At most 60 spoken words." in prompt.system
    assert prompt.max_tokens == ANSWER_SHAPES["follow_up"].max_tokens < ANSWER_SHAPES["behavioral"].max_tokens
    # Retrieval was resolved against the earlier exchange: the outbox note is in, the audio-check note and
    # the job ad's vacation days (matched only by fillers) are not.
    assert "transactional outbox pattern" in user and "You will own the payment ledger" in user
    assert "hear you okay" not in user.split("=== THE CONVERSATION")[0]
    assert "vacation" not in user


def test_sections_keep_the_candidates_material_apart_from_the_company_and_the_job() -> None:
    prompt = build_prompt(follow_up())
    own, rest = prompt.user.split("=== THE COMPANY AND THE JOB: facts about them, never the candidate's")
    assert "=== THE CANDIDATE'S OWN MATERIAL (resume)" in own and "outbox pattern" not in own
    assert "Zalando SE" in own and "Acme engineering handbook" not in own
    company = rest.split("=== THE CONVERSATION")[0]
    assert "[Company notes · Acme engineering handbook, part 1]" in company and "[Job description · part 2]" in company
    assert "Never present company facts, numbers or incidents as the candidate's experience" in prompt.system
    # Tags are readable; the stable refs stay in `sources`, out of the model's sight.
    assert "6f1c2a9e" not in prompt.user and "kb:6f1c2a9e-1111-4c3b-9d7e-0a1b2c3d4e5f:0" in prompt.sources
    assert "no bullet points" in prompt.system and "key numbers" in prompt.system


def test_fillers_do_not_pull_in_noise() -> None:
    request = make("Okay, great, so these days, how do you handle payment retries?", kind="technical",
                   job_description=JOB, kb_passages=KB)
    user = build_prompt(request).user
    assert "payment ledger" in user  # the job's payments paragraph
    assert "vacation" not in user and "hear you okay" not in user


def test_conversation_keeps_the_newest_turns_within_its_budget() -> None:
    turns: list[tuple[str, str]] = []
    for i in range(40):
        turns.append(("interviewer", f"Question number {i} about the platform?"))
        turns += [("candidate", f"Answer {i}, part one."), ("candidate", f"Answer {i}, part two.")]
    budget = PromptBudget(conversation_tokens=120)
    lines = conversation_lines(make("Next one?", conversation=tuple(turns)), budget)
    assert sum(estimate_tokens(line) for line in lines) <= 120
    assert lines[-1] == "Candidate: Answer 39, part one. Answer 39, part two."  # captions of one turn joined
    assert "Question number 0 " not in "\n".join(lines)
    long_answer = ("interviewer", "Go on?"), ("candidate", "word " * 2000 + "the final point.")
    cut = conversation_lines(make("And then?", conversation=long_answer), PromptBudget(turn_tokens=50))
    assert cut[-1].endswith("the final point.") and estimate_tokens(cut[-1]) <= 60


def test_budget_is_respected_and_sources_match_the_text() -> None:
    kb = tuple(Passage("kb", f"kb:1:{i}", "Notes", f"cost reduction {i} " * 200) for i in range(10))
    budget = PromptBudget(context_tokens=600, passage_tokens=200)
    prompt = build_prompt(make(kb_passages=kb), budget)
    chosen = select_passages(make(kb_passages=kb), budget)
    assert sum(estimate_tokens(f"[{source_tag(p)}]\n{p.text}\n") for p in chosen) <= 600
    assert prompt.sources == tuple(p.ref for p in chosen)
    for passage in chosen:
        if passage.source != "company":
            assert f"[{source_tag(passage)}]" in prompt.user
    assert all(len(p.text) <= 200 * 4 + 2 for p in chosen)


def test_overlapping_chunks_do_not_repeat_sentences() -> None:
    shared = "Payments are retried with the same idempotency key."
    kb = (
        Passage("kb", "kb:d:0", "Payments guide", f"Retries happen after 5 seconds. {shared}"),
        Passage("kb", "kb:d:1", "Payments guide", f"{shared} Keys expire after 24 hours."),
    )
    user = build_prompt(make("How are payment retries made idempotent?", kind="technical", kb_passages=kb)).user
    assert user.count(shared) == 1 and "Keys expire after 24 hours." in user and "after 5 seconds" in user


def test_language_kind_company_names_and_history_reach_the_prompt() -> None:
    request = make(
        language="fr-CA",
        company="N26",
        role="Staff Engineer",
        company_summary="Second round; they care about payments reliability.",
        history=(("Why N26?", "Because of the product."),),
        parts=("the situation", "what you changed"),
        candidate_name="Maria",
        interviewer_name="Tom",
    )
    prompt = build_prompt(request)
    assert "Answer in French (language code 'fr-CA')" in prompt.system and "STAR" in prompt.system
    assert "120 to 180 spoken words." in prompt.system
    assert "Interview for: Staff Engineer at N26" in prompt.user
    assert "Candidate: Maria; Interviewer: Tom" in prompt.user
    assert "payments reliability" in prompt.user
    # Without the conversation, the previous suggestion is shown for what it is.
    assert "MENTOR'S SUGGESTED ANSWERS (the candidate may have said otherwise)" in prompt.user
    assert "Q: Why N26?" in prompt.user
    assert "1) the situation 2) what you changed" in prompt.user
    assert {"company", "history:0"} <= set(prompt.sources)
    assert [m["role"] for m in prompt.messages()] == ["system", "user"]


def test_profile_facts_education_certifications_and_no_contradicting_years() -> None:
    resume = parse_resume_text(
        SAMPLE_RESUME_MD + "\n## Certifications\n- AWS Certified Solutions Architect (2022)\n",
        today=date(2025, 6, 1),
    )
    assert resume.total_years > 9  # the dates add up to more than the resume's own "8 years"
    user = build_prompt(make(resume=resume)).user
    assert "Education: B.Sc. Computer Science, TU Berlin, 2015" in user
    assert "Certifications: AWS Certified Solutions Architect (2022)" in user
    assert "Latest role: Senior Backend Engineer at Zalando SE (Mar 2020 – Present)" in user
    assert "8 years" in user and "about 9" not in user and "about 10" not in user


def test_german_question_ranks_the_german_resume_line_first() -> None:
    resume = parse_resume_text(GERMAN_RESUME, today=date(2025, 6, 1))
    request = make("Wie haben Sie doppelte Buchungen bei Zahlungen verhindert?", kind="behavioral",
                   language="de", resume=resume)
    chosen = select_passages(request)
    assert [p.ref for p in chosen][:2] == ["resume:summary", "resume:experience:0"]
    prompt = build_prompt(request)
    assert "Doppelte Buchungen bei Kartenzahlungen" in prompt.user and "Answer in German" in prompt.system


GERMAN_RESUME = """\
# Jonas Weber
Senior Softwareentwickler

## Profil
Softwareentwickler mit 9 Jahren Erfahrung in Zahlungssystemen.

## Berufserfahrung
### Senior Softwareentwickler — Beispiel Bank AG (2019 – heute)
- Doppelte Buchungen bei Kartenzahlungen um 98 % reduziert, durch idempotente Verarbeitung jeder Zahlung.
- Leitung eines Teams von 5 Entwicklern.

### Softwareentwickler — Logistik GmbH (2015 – 2019)
- Routenplanung mit Go und PostgreSQL gebaut.
- Urlaubsplanung der Fahrer automatisiert.

## Kenntnisse
Go, Kafka, PostgreSQL
"""


def test_shapes_cover_every_kind_and_small_talk_needs_no_model() -> None:
    assert set(ANSWER_SHAPES) == {kind.value for kind in QuestionKind}
    assert not needs_model("small_talk") and needs_model("system_design") and needs_model("whatever")
    design = build_prompt(make("Design a rate limiter for our public API.", kind="system_design")).system
    for step in ("requirements", "components", "data flows", "trade-offs", "failure modes"):
        assert step in design
    assert "One short, polite, direct line" in build_prompt(make("When can you start?", kind="logistics")).system


def test_language_names() -> None:
    assert language_name("de-AT") == "German" and language_name("xx") == "xx"


# --- what a model server receives ------------------------------------------------------------------------

FAST = OpenAIEngineSettings(connect_timeout=2.0, first_token_timeout=2.0, stall_timeout=1.0)


async def test_a_greeting_costs_no_model_call(nursery: trio.Nursery) -> None:
    stub = OpenAIStub()
    url = await nursery.start(stub.serve)
    primary = OpenAIEngine(model="stub-model", api_key="sk-test", base_url=url, settings=FAST)
    engine = FallbackEngine(primary)
    try:
        with trio.fail_after(10):
            events = [e async for e in engine.stream(make("Hi Maria, can you hear me okay?", kind="small_talk"))]
            done = events[-1]
            assert isinstance(done, AnswerDone) and done.engine == "offline"
            assert done.text.strip() and "\n" not in done.text.strip()  # one friendly line
            assert stub.requests == []
            # The next real question does reach the model, with its kind's completion cap.
            events = [e async for e in engine.stream(follow_up())]
    finally:
        await primary.aclose()
    assert isinstance(events[-1], AnswerDone) and events[-1].engine == "openai"
    assert len(stub.requests) == 1
    assert stub.requests[0].body["max_tokens"] == ANSWER_SHAPES["follow_up"].max_tokens
    assert CANDIDATE_DESIGN in stub.requests[0].prompt_text


async def test_the_completion_cap_is_the_smaller_of_kind_and_setting(nursery: trio.Nursery) -> None:
    stub = OpenAIStub(default=Reply.text("An answer."))
    url = await nursery.start(stub.serve)
    settings = OpenAIEngineSettings(connect_timeout=2.0, first_token_timeout=2.0, max_tokens=300)
    engine = OpenAIEngine(model="m", base_url=url, settings=settings, rng=random.Random(1))
    try:
        with trio.fail_after(10):
            for kind in ("system_design", "logistics"):
                [e async for e in engine.stream(make("Design a URL shortener.", kind=kind))]
    finally:
        await engine.aclose()
    assert [r.body["max_tokens"] for r in stub.requests] == [300, ANSWER_SHAPES["logistics"].max_tokens]


def test_the_question_is_found_mid_conversation_and_a_started_answer_is_continued() -> None:
    conversation = (
        ("interviewer", "Okay, interesting."),
        ("interviewer", DESIGN_Q),
        ("candidate", "Hmm, so first I would clarify the volume"),
    )
    prompt = build_prompt(make(f"Okay, interesting. {DESIGN_Q}", kind="system_design", conversation=conversation))
    assert DESIGN_Q not in prompt.user.split("=== ANSWER NOW ===")[0]  # asked once, at the end
    assert "The candidate has already started answering: “Hmm, so first I would clarify the volume”" in prompt.user


# --- end to end: captions into a live session, the request the model server receives ---------------------


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[tuple[OpenAIStub, User]]:
    """A server with a model configured (the recording stub) and a registered user; SQLite, since this
    exercises the answer path, not the database."""
    stub = OpenAIStub(default=Reply.text("A spoken answer."))
    async with trio.open_nursery() as nursery:
        url = await nursery.start(stub.serve)
        settings = make_settings(f"sqlite:///{tmp_path / 'm.db'}", model="stub-model", openai_base_url=url,
                                 openai_api_key="test")
        async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as client:
            yield stub, await register(client)
        nursery.cancel_scope.cancel()


async def answers_after(user: User, sid: str, captions: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """Send `captions` one by one while watching the session's events; the first `count` final answers."""
    done: list[dict[str, Any]] = []
    async with trio.open_nursery() as nursery:
        ready = trio.Event()

        async def watch() -> None:
            async with user.client.stream("GET", f"/sessions/{sid}/events", headers=user.auth) as response:
                ready.set()
                async for event in read_events(response):
                    if event.event == "new_answer":
                        done.append(event.data)
                        if len(done) == count:
                            nursery.cancel_scope.cancel()

        nursery.start_soon(watch)
        await ready.wait()
        for caption in captions:
            r = await user.captions(sid, caption)
            assert r.status_code == 200, r.text
    return done


def said(text: str, role: str, block: str) -> dict[str, Any]:
    return {"speaker_role": role, "text": text, "block_id": block, "revision": 1, "final": True}


async def test_live_a_german_question_is_answered_from_the_german_resume_line(
        live: tuple[OpenAIStub, User]) -> None:
    stub, user = live
    r = await user.request("POST", "/resumes", json={"name": "Jonas", "text": GERMAN_RESUME})
    assert r.status_code == 201, r.text
    sid = (await user.create_session(company="Beispiel Bank", language="de"))["id"]
    with trio.fail_after(20):
        answers = await answers_after(user, sid, [
            said("Wie haben Sie doppelte Buchungen bei Zahlungen verhindert?", "interviewer", "i1")], 1)
    assert answers[0]["engine"] == "openai"
    sent = stub.requests[-1]
    assert "Doppelte Buchungen bei Kartenzahlungen um 98 % reduziert" in sent.prompt_text
    assert "Answer in German" in sent.prompt_text
    # A past "how did you ..." is a story (behavioral): the matching line leads, the candidate's other job
    # follows only as background, after it.
    assert "Question (behavioral)" in sent.prompt_text
    assert sent.prompt_text.index("Doppelte Buchungen") < sent.prompt_text.index("Urlaubsplanung")


async def test_live_small_talk_costs_no_model_call_and_a_sound_check_gets_no_answer(
        live: tuple[OpenAIStub, User]) -> None:
    stub, user = live
    sid = (await user.create_session(company="Acme", candidate_name="Maria"))["id"]
    with trio.fail_after(20):
        answers = await answers_after(user, sid, [said("Hi Maria, can you hear me okay?", "interviewer", "i1"),
                                                  said("Yes, loud and clear.", "candidate", "c1"),
                                                  said("How's your day going so far?", "interviewer", "i2")], 1)
    # The sound check was detected but started no answer: the first answer is the small talk's, offline.
    assert answers[0]["question"] == "How's your day going so far?"
    assert answers[0]["engine"] == "offline" and answers[0]["text"].strip()
    assert stub.requests == []


async def test_live_a_follow_up_carries_what_the_candidate_said(live: tuple[OpenAIStub, User]) -> None:
    stub, user = live
    r = await user.request("POST", "/resumes", json={"name": "Maria", "text": SAMPLE_RESUME_MD})
    assert r.status_code == 201, r.text
    sid = (await user.create_session(company="Acme", candidate_name="Maria", interviewer_name="Tom"))["id"]
    with trio.fail_after(30):
        await answers_after(user, sid, [said(DESIGN_Q, "interviewer", "i1")], 1)
        answers = await answers_after(user, sid, [said(CANDIDATE_DESIGN, "candidate", "c1"),
                                                  said(FOLLOW_UP_Q, "interviewer", "i2")], 2)
    assert answers[-1]["engine"] == "openai" and len(stub.requests) == 2
    user_message = stub.requests[-1].messages[1]["content"]
    assert f"Candidate (Maria): {CANDIDATE_DESIGN}" in user_message
    assert f"It follows up on the question “{DESIGN_Q}”" in user_message
    assert stub.requests[-1].body["max_tokens"] == ANSWER_SHAPES["follow_up"].max_tokens


LONG_PREAMBLE = (
    "Thanks for joining us today. Let me give you some background on the team first. We are a group of "
    "twelve engineers spread across Berlin and Lisbon, we run the checkout and the loyalty programme, and we "
    "have been growing quickly since last spring. Our vacation policy is generous, thirty days a year, and "
    "people really do take them. The on-call rotation is shared between the two offices, and we try hard to "
    "keep the pager quiet at night. Most of our services are in Go, some older ones are still in Python, and "
    "we are moving the last reporting jobs to the cloud this year. Budgets have been tight since the autumn, "
    "so everybody here cares about what things cost. "
)
LONG_QUESTION = "So with that in mind, how did you bring down the AWS costs of your batch jobs at Delivery Hero?"


async def test_live_a_long_turn_sends_the_cleaned_question_and_the_relevant_resume_line(
        live: tuple[OpenAIStub, User]) -> None:
    """A 130-word turn arriving as growing Meet revisions: the model gets the question sentence (not the
    raw block) and the resume line on its topic, and exactly one request is sent."""
    stub, user = live
    r = await user.request("POST", "/resumes", json={"name": "Maria", "text": SAMPLE_RESUME_MD})
    assert r.status_code == 201, r.text
    sid = (await user.create_session(company="Acme", candidate_name="Maria"))["id"]
    words = (LONG_PREAMBLE + LONG_QUESTION).split()
    revisions = [{"speaker_role": "interviewer", "text": " ".join(words[:n]), "block_id": "b1", "revision": i,
                  "final": False} for i, n in enumerate(range(8, len(words), 8), start=1)]
    revisions.append({"speaker_role": "interviewer", "text": " ".join(words), "block_id": "b1",
                      "revision": len(revisions) + 1, "final": True})
    with trio.fail_after(20):
        answers = await answers_after(user, sid, revisions, 1)
    assert answers[0]["engine"] == "openai"
    assert len(stub.requests) == 1, [r.prompt_text[-300:] for r in stub.requests]
    user_message = stub.requests[0].messages[1]["content"]
    asked = next(line for line in user_message.splitlines() if line.startswith("Question ("))
    assert "how did you bring down the AWS costs of your batch jobs at Delivery Hero?" in asked
    assert "vacation" not in asked and "Thanks for joining" not in asked and len(asked.split()) < 60, asked
    assert "Reduced AWS costs by $180k per year by moving batch jobs to spot instances." in user_message


LONG_PREAMBLE_DE = (
    "Vielen Dank, dass Sie sich heute Zeit nehmen. Ich erzähle Ihnen zuerst kurz etwas über unser Team. "
    "Wir sind zwölf Entwicklerinnen und Entwickler in Frankfurt und Leipzig, wir betreuen den Zahlungsverkehr "
    "und das Kundenportal, und wir sind seit dem letzten Frühjahr stark gewachsen. Die Urlaubsregelung ist "
    "großzügig, dreißig Tage im Jahr, und die Bereitschaft teilen sich beide Standorte. Die meisten Dienste "
    "sind in Go geschrieben, einige ältere noch in Java. In den letzten Monaten hatten wir mehrere "
    "Beschwerden über doppelt abgebuchte Kartenzahlungen. "
)
LONG_QUESTION_DE = "Wie haben Sie in Ihrer letzten Stelle doppelte Buchungen bei Zahlungen verhindert?"


async def test_live_a_long_german_turn_sends_the_cleaned_question_and_the_german_resume_line(
        live: tuple[OpenAIStub, User]) -> None:
    stub, user = live
    r = await user.request("POST", "/resumes", json={"name": "Jonas", "text": GERMAN_RESUME})
    assert r.status_code == 201, r.text
    sid = (await user.create_session(company="Beispiel Bank", language="de"))["id"]
    words = (LONG_PREAMBLE_DE + LONG_QUESTION_DE).split()
    revisions = [{"speaker_role": "interviewer", "text": " ".join(words[:n]), "block_id": "b1", "revision": i,
                  "final": False} for i, n in enumerate(range(8, len(words), 8), start=1)]
    revisions.append({"speaker_role": "interviewer", "text": " ".join(words), "block_id": "b1",
                      "revision": len(revisions) + 1, "final": True})
    with trio.fail_after(20):
        answers = await answers_after(user, sid, revisions, 1)
    assert answers[0]["engine"] == "openai" and len(stub.requests) == 1
    user_message = stub.requests[0].messages[1]["content"]
    asked = next(line for line in user_message.splitlines() if line.startswith("Question ("))
    assert asked.startswith("Question (behavioral)") and LONG_QUESTION_DE in asked, asked
    assert "Urlaubsregelung" not in asked and "Vielen Dank" not in asked, asked
    assert "Doppelte Buchungen bei Kartenzahlungen um 98 % reduziert" in user_message
