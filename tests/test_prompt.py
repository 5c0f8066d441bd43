"""Prompt building: budget, relevance order, recorded sources, language instruction."""

from __future__ import annotations

from datetime import date

from mentor.ai.prompt import PromptBudget, build_prompt, estimate_tokens, language_name, select_passages
from mentor.ai.resume import parse_resume_text
from mentor.ai.types import AnswerRequest, Passage
from tests.openai_stub import SAMPLE_RESUME_MD

RESUME = parse_resume_text(SAMPLE_RESUME_MD, today=date(2025, 6, 1))


def make(question: str = "Tell me about a time you reduced costs.", **changes: object) -> AnswerRequest:
    fields: dict[str, object] = {"question": question, "kind": "behavioral", "resume": RESUME}
    fields.update(changes)
    return AnswerRequest(**fields)  # type: ignore[arg-type]


def test_most_relevant_passage_comes_first_after_the_background() -> None:
    refs = [p.ref for p in select_passages(make())]
    assert refs[0] == "resume:summary"
    assert refs[1] == "resume:experience:1"  # the Delivery Hero job, which reduced AWS costs


def test_budget_is_respected_and_sources_match_the_text() -> None:
    kb = tuple(Passage("kb", f"kb:1:{i}", "Notes", "cost reduction " * 200) for i in range(10))
    budget = PromptBudget(context_tokens=600, passage_tokens=200)
    prompt = build_prompt(make(kb_passages=kb), budget)
    chosen = select_passages(make(kb_passages=kb), budget)
    assert sum(estimate_tokens(f"[{p.ref}] {p.title}\n{p.text}\n") for p in chosen) <= 600
    assert prompt.sources == tuple(p.ref for p in chosen)
    for ref in prompt.sources:
        assert f"[{ref}]" in prompt.user
    assert all(len(p.text) <= 200 * 4 + 2 for p in chosen)


def test_language_kind_company_and_history_reach_the_prompt() -> None:
    request = make(
        language="fr-CA",
        company="N26",
        role="Staff Engineer",
        company_summary="Second round; they care about payments reliability.",
        history=(("Why N26?", "Because of the product."),),
        parts=("the situation", "what you changed"),
    )
    prompt = build_prompt(request)
    assert "Answer in French (language code 'fr-CA')" in prompt.system and "STAR" in prompt.system
    assert "Interview for: Staff Engineer at N26" in prompt.user
    assert "payments reliability" in prompt.user and "Q: Why N26?" in prompt.user
    assert "1) the situation 2) what you changed" in prompt.user
    assert {"company", "history:0"} <= set(prompt.sources)
    assert [m["role"] for m in prompt.messages()] == ["system", "user"]


def test_language_names() -> None:
    assert language_name("de-AT") == "German" and language_name("xx") == "xx"
