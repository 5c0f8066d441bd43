"""Question classifier: interview sentences written for these tests, no punctuation needed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mentor.ai.question_rules import analyse, is_question, normalise, question_kind

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

QUESTIONS = [
    "what did you build there",
    "so um why did you choose go over rust",
    "okay so tell me about a time you disagreed with your manager",
    "walk me through your resume",
    "can you walk us through how you would design a rate limiter",
    "describe a situation where you had to meet a tight deadline",
    "give me an example of a project you led",
    "and how many people were on that team",
    "how long have you been working with kafka",
    "what kind of databases have you used",
    "have you ever worked in a regulated industry",
    "is there anything you would do differently",
    "do you have any questions for us",
    "you were the tech lead on that project right",
    "that was a hard migration wasn't it",
    "I'm curious how you handled the on-call rotation",
    "I'd like to hear about your experience with kubernetes",
    "imagine you join and the build is broken what would you do first",
    "why not",
    "how about you",
    "what happened after the outage",
    "who owned the deployment pipeline",
    "uh, which, uh, framework do you prefer",
    "Did the team ship it on time",
]

# Questions whose only cue is punctuation or a capitalised name: found as written only.
PUNCTUATED_ONLY = [
    "Karine, is the President going to sign it?",
    "you mentioned you migrated to postgres?",
    "Have White House officials been interviewed?",
]

STATEMENTS = [
    "I worked at a startup for three years",
    "what I did was rewrite the scheduler",
    "I don't know what the answer is",
    "that's how we scaled the service",
    "when I joined the team was small",
    "we do something like that every quarter",
    "so that's right",
    "thanks that's all from my side",
    "the question is hard to answer",
    "I think youngsters ought to go out and do some public service",
    "we know how much control they have",
    "Give me a second to find it",
    "mm-hmm",
    "Oh, really?",
    "Do you?",
    "is that right",
    "",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_interview_questions_detected_without_punctuation(text: str) -> None:
    assert is_question(text), analyse(text)
    assert is_question(text.lower().replace("?", "").replace(",", "")), text


@pytest.mark.parametrize("text", PUNCTUATED_ONLY)
def test_punctuation_and_names_help_when_present(text: str) -> None:
    assert is_question(text), analyse(text)


@pytest.mark.parametrize("text", STATEMENTS)
def test_statements_and_backchannels_are_not_questions(text: str) -> None:
    assert not is_question(text), analyse(text)


def test_multi_part_question_lists_parts_with_and_without_punctuation() -> None:
    for text in ("what did you build there, and why did you choose Go?",
                 "what did you build there and why did you choose go"):
        a = analyse(text)
        assert [p.lower() for p in a.part_texts] == ["what did you build there", "why did you choose go"]
        assert a.complete


def test_midsentence_asr_question_marks_are_ignored() -> None:
    a = analyse("where? the stakeholder on? maybe? that? you can ask? a few. questions?")
    assert not a.is_question
    # a real sentence boundary (capital after "?") still splits
    assert len(analyse("Why is it slow? And is it worth fixing?").parts) == 2


def test_completeness_tracks_dangling_words() -> None:
    assert not analyse("tell me about a time").complete
    assert not analyse("so what did you").complete
    assert analyse("tell me about a time you failed").complete
    assert analyse("he's from Ireland, isn't he?").complete


def test_rhetorical_question_answered_at_once_is_not_a_question() -> None:
    assert not is_question("Why does that matter? Because the budget is due next week.")


def test_tag_followed_by_more_statement_is_rhetorical() -> None:
    assert not is_question("We know what works, right? We have the funding and the plan in place now.")
    assert is_question("You led that migration, right?")


def test_kinds() -> None:
    assert question_kind("tell me about a time you had a conflict with a coworker") == "behavioral"
    assert question_kind("how would you design a cache for this api") == "technical"
    assert question_kind("what would you do if the release slipped") == "situational"
    assert question_kind("walk me through your resume") == "background"
    assert question_kind("what is your notice period") == "logistics"
    assert question_kind("what do you mean by that") == "clarifying"
    assert question_kind("what's the weather like") == "other"


def test_normalise_drops_case_and_punctuation() -> None:
    assert normalise("What, did YOU build?") == "what did you build"


@pytest.mark.skipif(not (DATA / "questions-dev.jsonl").exists(), reason="../shared/data not present")
def test_dev_set_f1_floor() -> None:
    rows = [json.loads(x) for x in (DATA / "questions-dev.jsonl").read_text().splitlines() if x.strip()]
    tp = fp = fn = 0
    for r in rows:
        got, gold = is_question(r["text"]), r["is_question"]
        tp += got and gold
        fp += got and not gold
        fn += gold and not got
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.85
