"""Prompt building: the candidate's material, ranked by relevance and cut to a token budget.

Pure functions over `AnswerRequest`. The token count is an estimate (about four characters per token for
English text), which is what a budget needs: it errs on the generous side for code and non-Latin scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mentor.ai.resume import resume_passages
from mentor.ai.retrieval import rank
from mentor.ai.types import AnswerRequest, Passage


@dataclass(frozen=True, slots=True)
class PromptBudget:
    """Bounds on what goes into a prompt.

    context_tokens: estimated tokens of context passages (default 1800, leaving room for the question,
        the instructions and a ~600-token answer in a 4k context window).
    passage_tokens: a single passage longer than this is cut (default 350), so one long knowledge-base
        page cannot crowd out the resume.
    history_turns: earlier exchanges of the session that may be used (default 4, most recent first).
    """

    context_tokens: int = 1800
    passage_tokens: int = 350
    history_turns: int = 4


@dataclass(frozen=True, slots=True)
class Prompt:
    """A built prompt: the two messages and the refs of the passages they contain."""

    system: str
    user: str
    sources: tuple[str, ...]
    estimated_tokens: int

    def messages(self) -> list[dict[str, str]]:
        """The chat-completions `messages` list."""
        return [{"role": "system", "content": self.system}, {"role": "user", "content": self.user}]


def estimate_tokens(text: str) -> int:
    """A rough token count: about four characters per token, never zero for non-empty text."""
    return (len(text) + 3) // 4


_LANGUAGES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "pl": "Polish", "ru": "Russian", "uk": "Ukrainian", "tr": "Turkish", "sv": "Swedish",
    "da": "Danish", "no": "Norwegian", "nb": "Norwegian", "fi": "Finnish", "cs": "Czech", "ro": "Romanian",
    "hu": "Hungarian", "el": "Greek", "ja": "Japanese", "zh": "Chinese", "ko": "Korean", "hi": "Hindi",
    "ar": "Arabic", "he": "Hebrew", "id": "Indonesian", "vi": "Vietnamese", "th": "Thai",
}  # fmt: skip


def language_name(code: str) -> str:
    """The English name of a BCP-47-ish language code ("de-AT" -> "German"); the code itself if unknown."""
    return _LANGUAGES.get(code.split("-")[0].split("_")[0].lower(), code)


def is_english(code: str) -> bool:
    return code.split("-")[0].split("_")[0].lower() in {"en", ""}


KIND_GUIDANCE: dict[str, str] = {
    "behavioral": "Answer with one concrete story in STAR form (situation, task, action, result), taken "
    "from the candidate's experience below; name the employer and give the real numbers.",
    "technical": "Give the key points first, correct and specific, then one sentence tying them to where "
    "the candidate used the technology. Prefer the candidate's notes when they are relevant.",
    "situational": "Describe the approach as a few clear steps, and anchor them in something the candidate "
    "actually did before.",
    "background": "Give a concise spoken pitch: present role, the two strongest achievements with numbers, "
    "and why this role fits. About 60-90 seconds when spoken.",
    "clarifying": "Restate what the interviewer seems to ask in one sentence and ask a short question to "
    "confirm, so the candidate can answer precisely.",
    "logistics": "Give a short, polite, direct reply; do not invent dates, figures or facts that are not "
    "in the context; offer to confirm details.",
    "other": "Give a short, direct answer grounded in the candidate's material.",
}


def job_passages(job_description: str) -> list[Passage]:
    """A job description cut into paragraph passages ("job:0", "job:1", ...)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", job_description) if b.strip()]
    return [Passage("job", f"job:{i}", "Job description", block) for i, block in enumerate(blocks)]


def history_passages(history: tuple[tuple[str, str], ...], turns: int) -> list[Passage]:
    """The last `turns` exchanges as passages, most recent first; refs count from the session start."""
    first = max(0, len(history) - turns)
    recent = list(enumerate(history))[first:]
    return [
        Passage("history", f"history:{i}", "Earlier question", f"Q: {q}\nA: {a}") for i, (q, a) in recent
    ][::-1]


def _truncate(passage: Passage, max_tokens: int) -> Passage:
    limit = max_tokens * 4
    if len(passage.text) <= limit:
        return passage
    cut = passage.text[:limit].rsplit(" ", 1)[0]
    return replace(passage, text=cut + " …")


def _cost(passage: Passage) -> int:
    return estimate_tokens(f"[{passage.ref}] {passage.title}\n{passage.text}\n")


def select_passages(request: AnswerRequest, budget: PromptBudget = PromptBudget()) -> tuple[Passage, ...]:
    """The context passages for `request` within `budget`.

    First the background that is always useful (company notes from earlier sessions, the resume summary,
    the previous exchange, which follow-up questions lean on), then every passage sharing terms with the
    question, most relevant first. Passages that do not fit are skipped, not cut, except that any single
    passage is cut to `budget.passage_tokens`. Cost: one BM25 pass over all candidate passages.
    """
    resume = resume_passages(request.resume) if request.resume else ()
    history = history_passages(request.history, budget.history_turns)
    pinned: list[Passage] = []
    if request.company_summary:
        pinned.append(
            Passage("company", "company", "Earlier sessions with this company", request.company_summary)
        )
    pinned += [p for p in resume if p.ref == "resume:summary"]
    pinned += history[:1]
    candidates = [
        *resume,
        *(job_passages(request.job_description) if request.job_description else []),
        *request.kb_passages,
        *history,
    ]
    query = " ".join((request.question, *request.parts))
    ranked = rank(query, (p for p in candidates if p not in pinned))
    chosen: list[Passage] = []
    spent = 0
    for passage in (*pinned, *ranked):
        passage = _truncate(passage, budget.passage_tokens)
        cost = _cost(passage)
        if spent + cost <= budget.context_tokens:
            chosen.append(passage)
            spent += cost
    return tuple(chosen)


_RULES = (
    "You are Mentor, a discreet real-time interview copilot. Write what the candidate can say out loud, in "
    "the first person, as the candidate.\n"
    "Use only facts from the candidate's material below (employers, roles, numbers, skills); never invent "
    "experience. If the material has nothing relevant, answer from general knowledge and keep it short.\n"
    "Be concise: short paragraphs or a few bullets, no preamble, no headings."
)


def build_prompt(request: AnswerRequest, budget: PromptBudget = PromptBudget()) -> Prompt:
    """The system and user messages for an LLM answer to `request`, with the sources they include.

    The system message carries the rules, the guidance for the question kind and the instruction to
    answer in the session's language; the user message carries the context passages and the question.
    """
    language = language_name(request.language)
    guidance = KIND_GUIDANCE.get(request.kind, KIND_GUIDANCE["other"])
    answer_language = (
        f"Answer in {language} (language code '{request.language}'), whatever the language of the question "
        "or the context."
    )
    system = f"{_RULES}\n{guidance}\n{answer_language}"
    passages = select_passages(request, budget)
    lines: list[str] = []
    if request.role or request.company:
        target = " at ".join(x for x in (request.role, request.company) if x)
        lines.append(f"Interview for: {target}")
    if request.resume is not None and request.resume.total_years:
        lines.append(
            f"Candidate: {request.resume.experience_level} level, about "
            f"{request.resume.total_years:g} years of experience."
        )
    if passages:
        lines.append("\nCandidate material and notes:")
        lines.extend(f"[{p.ref}] {p.title}\n{p.text}\n" for p in passages)
    lines.append(f"Interview question ({request.kind}): {request.question}")
    if len(request.parts) > 1:
        lines.append(
            "Cover each part: " + " ".join(f"{i}) {part}" for i, part in enumerate(request.parts, 1))
        )
    user = "\n".join(lines)
    return Prompt(
        system=system,
        user=user,
        sources=tuple(p.ref for p in passages),
        estimated_tokens=estimate_tokens(system) + estimate_tokens(user),
    )
