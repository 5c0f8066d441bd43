"""The offline engine: a deterministic answer built from the candidate's own material, no model needed.

It is the default when no model is configured and what `FallbackEngine` turns to when the model fails. It
ranks the resume, job description, knowledge-base passages and earlier answers against the question and
shapes the result by question kind (a STAR outline for behavioral questions, key points for technical
ones, ...), quoting the resume's real employers, roles, numbers and skills. Composing takes well under a
millisecond for a normal resume; streaming then yields word-sized chunks with a checkpoint between them.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass, field

import trio

from mentor.ai.engines.base import (
    AnswerDelta,
    AnswerDone,
    AnswerEvent,
    AnswerRequest,
    ExperienceEntry,
    Passage,
    ResumeProfile,
)
from mentor.ai.prompt import estimate_tokens, is_english, job_passages, language_name
from mentor.ai.resume import entry_title
from mentor.ai.retrieval import overlap, rank, terms

_CHUNK = re.compile(r"\s*\S+\s*")


@dataclass
class _Draft:
    """An answer being composed: its paragraphs and the refs of the passages they used."""

    parts: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def add(self, text: str, *refs: str) -> None:
        self.parts.append(text)
        self.sources.extend(ref for ref in refs if ref and ref not in self.sources)

    @property
    def text(self) -> str:
        return "\n".join(self.parts).strip()


class OfflineEngine:
    """Answers from the request's own material; never fails and never does I/O.

    `stream` yields `AnswerDelta`s then one `AnswerDone` with engine "offline", model None, prompt_tokens 0
    and an estimated completion token count.
    """

    name = "offline"

    def compose(self, request: AnswerRequest) -> tuple[str, tuple[str, ...]]:
        """The whole answer text and the refs of the passages it used. Pure; about 0.1-1 ms."""
        draft = _Draft()
        if not is_english(request.language):
            draft.add(
                f"(Offline answer in English: no language model is configured to answer in "
                f"{language_name(request.language)}.)\n"
            )
        composer = _COMPOSERS.get(request.kind, _compose_other)
        composer(request, draft)
        return draft.text, tuple(draft.sources)

    async def stream(self, request: AnswerRequest) -> AsyncGenerator[AnswerEvent, None]:
        """Stream the composed answer in word-sized chunks. Cancellable at every chunk."""
        text, sources = self.compose(request)
        for match in _CHUNK.finditer(text):
            yield AnswerDelta(match.group(0))
            # Not a delay: it lets a newer question cancel us and keeps the consumer's loop fair.
            await trio.lowlevel.checkpoint()
        yield AnswerDone(
            text=text,
            engine="offline",
            model=None,
            sources=sources,
            prompt_tokens=0,
            completion_tokens=estimate_tokens(text),
            usage_estimated=True,
        )


# --- turning resume bullets into spoken sentences ---------------------------------------------------------

_IRREGULAR_PAST_TEXT = (
    "built led ran drove grew wrote made won taught set cut brought took began spent sold held kept "
    "shipped rebuilt rewrote oversaw undertook put met gave chose found"
)
_IRREGULAR_PAST = frozenset(_IRREGULAR_PAST_TEXT.split())
_RESULT_SPLIT = re.compile(
    r",?\s+(?:which\s+|thereby\s+)?(cutting|reducing|improving|increasing|saving|lowering|raising|boosting|"
    r"growing|bringing|doubling|halving|speeding up|resulting in|leading to|enabling|allowing)\b\s*",
    re.IGNORECASE,
)
_GERUND_TO_PAST = {
    "cutting": "cut", "reducing": "reduced", "improving": "improved", "increasing": "increased",
    "saving": "saved", "lowering": "lowered", "raising": "raised", "boosting": "boosted", "growing": "grew",
    "bringing": "brought", "doubling": "doubled", "halving": "halved", "speeding up": "sped up",
    "resulting in": "resulted in", "leading to": "led to", "enabling": "enabled", "allowing": "allowed",
}  # fmt: skip
_FIGURE = re.compile(
    r"[$€£]?\d[\d,.]*\s?(?:%|k\b|m\b|x\b|ms\b|million|billion|percent|hours|days|weeks|engineers|people|"
    r"customers|users|clients|requests per second)?(?:\s+(?:per|a)\s+(?:year|month|week|day))?"
)


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".;")
    return text[:1].upper() + text[1:] + "." if text else ""


def first_person(bullet: str) -> str:
    """A resume bullet as something the candidate says: "Led X" -> "I led X"."""
    text = bullet.strip().rstrip(".;")
    first = text.split(" ", 1)[0].lower()
    if first.endswith("ed") or first in _IRREGULAR_PAST:
        return "I " + text[:1].lower() + text[1:]
    if first in {"responsible", "involved", "part"}:
        return "I was " + text[:1].lower() + text[1:]
    return text


def _action_and_result(bullet: str) -> tuple[str, str | None]:
    match = _RESULT_SPLIT.search(bullet)
    if match is None or match.start() < 12:
        # "Mentored 4 engineers; two were promoted" states the result in its second clause.
        head, sep, tail = bullet.partition("; ")
        if sep and len(head) >= 12 and tail:
            return first_person(head), tail
        return first_person(bullet), None
    verb = _GERUND_TO_PAST[match.group(1).lower()]
    return first_person(bullet[: match.start()]), f"That {verb} {bullet[match.end() :].strip().rstrip('.')}"


def figures(text: str) -> list[str]:
    """The quantities in `text` ("$180k per year", "35%", "12,000 requests per second")."""
    found = (m.group(0).strip(" ,.") for m in _FIGURE.finditer(text))
    # Bare years are dates, not results.
    return [f for f in found if re.search(r"\d", f) and not re.fullmatch(r"(?:19|20)\d{2}", f)]


def _has_figure(text: str) -> bool:
    return bool(figures(text))


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


# --- choosing material ------------------------------------------------------------------------------------


def _query(request: AnswerRequest) -> str:
    return " ".join((request.question, *request.parts))


def _best_entry(request: AnswerRequest, profile: ResumeProfile) -> tuple[int, ExperienceEntry] | None:
    """The job whose bullets best match the question; the most recent job when none does."""
    if not profile.experience:
        return None
    passages = [
        Passage("resume", str(i), entry_title(e), " ".join(e.bullets))
        for i, e in enumerate(profile.experience)
    ]
    ranked = rank(_query(request), passages)
    if ranked:
        index = int(ranked[0].ref)
    else:
        # No overlap: prefer the most recent job with a measurable result, which makes the better story.
        index = next((i for i, e in enumerate(profile.experience) if any(map(_has_figure, e.bullets))), 0)
    return index, profile.experience[index]


def _ranked_bullets(query: str, entry: ExperienceEntry) -> list[str]:
    passages = [Passage("resume", str(i), "", b) for i, b in enumerate(entry.bullets)]
    order = [int(p.ref) for p in rank(query, passages)]
    # Bullets with numbers come next, then the rest in resume order: results make the strongest material.
    rest = sorted(
        (i for i in range(len(entry.bullets)) if i not in order),
        key=lambda i: not _has_figure(entry.bullets[i]),
    )
    return [entry.bullets[i] for i in (*order, *rest)]


def _matching_skills(request: AnswerRequest, profile: ResumeProfile, limit: int = 5) -> list[str]:
    """Skills named in the question or job description, else the first ones listed."""
    wanted = " ".join(filter(None, (_query(request), request.job_description or "")))
    wanted_terms = set(terms(wanted))
    matched = [s for s in profile.skills if set(terms(s)) & wanted_terms]
    rest = [s for s in profile.skills if s not in matched]
    return (matched + rest)[:limit]


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _target(request: AnswerRequest) -> str:
    if request.role and request.company:
        return f"the {request.role} role at {request.company}"
    if request.role:
        return f"the {request.role} role"
    return request.company or "this role"


def _no_resume(draft: _Draft) -> None:
    draft.add(
        "\n(No resume is loaded for this session: upload one and these answers will use your own "
        "employers, numbers and skills.)"
    )


# --- composers, one per question kind ---------------------------------------------------------------------


def _compose_behavioral(request: AnswerRequest, draft: _Draft) -> None:
    profile = request.resume
    best = _best_entry(request, profile) if profile else None
    if profile is None or best is None:
        draft.add(
            "STAR outline: pick one real situation, say what you were responsible for, the specific actions "
            "you took yourself, and a measurable result; end with what you learned."
        )
        _no_resume(draft)
        return
    index, entry = best
    ref = f"resume:experience:{index}"
    bullets = _ranked_bullets(_query(request), entry)
    action, result = _action_and_result(bullets[0]) if bullets else ("", None)
    extra = [b for b in bullets[1:] if _has_figure(b)] or bullets[1:]
    where = f"at {entry.employer}" if entry.employer else "in that job"
    since = f" ({entry.dates})" if entry.dates else ""
    draft.add(f"STAR story from your time as {entry.role or 'a team member'} {where}{since}:")
    role_text = f"{_article(entry.role)} {entry.role}" if entry.role else "part of the team"
    draft.add(f"• Situation: {where[:1].upper()}{where[1:]} I was {role_text}.")
    if action:
        draft.add(f"• Task and action: {_sentence(action)}")
    numbers = figures(bullets[0]) if bullets else []
    if result:
        draft.add(f"• Result: {_sentence(result)}")
    elif numbers:
        draft.add(f"• Result: make the number land ({_join(numbers)}) and say who benefited from it.")
    if extra:
        draft.add(f"• If they ask for more: {_sentence(first_person(extra[0]))}")
    draft.add(
        f"Close with what you learned and how you would bring it to {_target(request)}.",
        ref,
    )


def _kb_points(request: AnswerRequest, limit: int = 4) -> list[tuple[str, str, str]]:
    """(sentence, passage ref, passage title) of the knowledge-base sentences closest to the question."""
    sentences: list[Passage] = []
    for passage in rank(_query(request), request.kb_passages, limit=3):
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", passage.text):
            cleaned = sentence.strip(" -•*")
            if len(cleaned.split()) >= 4:
                # Titled "" so that a title matching the question does not drag in every sentence under it.
                sentences.append(Passage("kb", passage.ref, "", cleaned))
    titles = {p.ref: p.title for p in request.kb_passages}
    return [(p.text, p.ref, titles[p.ref]) for p in rank(_query(request), sentences, limit=limit)]


def _compose_technical(request: AnswerRequest, draft: _Draft) -> None:
    points = _kb_points(request)
    topic = " ".join(dict.fromkeys(w for w in re.findall(r"[\w+#.-]+", request.question) if terms(w)))
    if points:
        draft.add("Key points:")
        for sentence, ref, title in points:
            draft.add(f"• {_sentence(sentence)} (your notes: {title})", ref)
    else:
        draft.add(
            f"Key points for {topic or 'this'}: say what it is and the problem it solves, how it works in one "
            "or two steps, the main trade-off, and when you would not use it."
        )
    profile = request.resume
    if profile is None:
        _no_resume(draft)
        return
    best = _best_entry(request, profile)
    skills = _matching_skills(request, profile)
    if best is not None and rank(_query(request), [Passage("resume", "x", "", " ".join(best[1].bullets))]):
        index, entry = best
        bullet = _ranked_bullets(_query(request), entry)[0]
        draft.add(
            f"Tie it to your experience: at {entry.employer or 'work'}, {first_person(bullet)}.",
            f"resume:experience:{index}",
        )
    if skills:
        asked = [s for s in skills if overlap(_query(request), s)]
        if asked:
            draft.add(
                f"You list {_join(asked)} on your resume, so expect a follow-up on it.", "resume:skills"
            )
        else:
            draft.add(f"Related skills you can mention: {_join(skills[:4])}.", "resume:skills")


def _compose_background(request: AnswerRequest, draft: _Draft) -> None:
    profile = request.resume
    if profile is None:
        draft.add(
            "Pitch in three beats: who you are professionally today, the one or two results you are proudest "
            f"of, and why {_target(request)} is the logical next step."
        )
        _no_resume(draft)
        return
    jobs = profile.experience
    current = jobs[0] if jobs else None
    identity = profile.headline.split("·")[0].split("|")[0].strip() or (current.role if current else "")
    years = f" with {int(profile.total_years)}+ years of experience" if profile.total_years >= 1 else ""
    opening = (
        f"I'm {_article(identity)} {identity}{years}." if identity else f"I have{years[5:] or ' experience'}."
    )
    draft.add(opening, "resume:summary" if profile.summary or profile.headline else "")
    # One sentence of the candidate's own summary, skipping one that repeats the years just said.
    summary = [s for s in re.split(r"(?<=[.!?])\s+", profile.summary) if s]
    fresh = [s for s in summary if not (years and re.search(r"\d+\+?\s+years", s))]
    if fresh:
        draft.add(_sentence(fresh[0]))
    for position, (i, entry) in enumerate(list(enumerate(jobs))[:2]):
        bullets = _ranked_bullets(" ".join((request.job_description or "", request.question)), entry)
        if not bullets:
            continue
        lead = (
            "Most recently"
            if position == 0 and entry.is_current
            else "Before that"
            if position
            else "Recently"
        )
        draft.add(
            f"{lead}, as {entry.role} at {entry.employer}, {first_person(bullets[0])}.",
            f"resume:experience:{i}",
        )
    skills = _matching_skills(request, profile, limit=4)
    if skills:
        draft.add(f"My core strengths are {_join(skills)}.", "resume:skills")
    job_refs = [p.ref for p in rank(" ".join(profile.skills), job_passages(request.job_description or ""))][
        :1
    ]
    draft.add(f"That is why {_target(request)} interests me: it builds directly on this work.", *job_refs)


_SITUATION_STEPS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("outage", "incident", "production", "down", "bug", "breaks", "broke", "failure"),
        (
            "Stabilise first: limit the impact (roll back, feature-flag off, fail over) before looking for the root cause.",
            "Communicate early: one owner, one channel, regular updates to the people affected.",
            "Find the root cause with data (logs, metrics, recent changes), then fix it properly.",
            "Write a blameless post-mortem and follow through on the actions so it does not recur.",
        ),
    ),
    (
        ("conflict", "disagree", "disagreement", "colleague", "teammate", "coworker", "argue"),
        (
            "Talk to the person one-to-one first, and listen until I can state their view fairly.",
            "Move the discussion to shared goals and evidence: data, user impact, cost.",
            "Agree on a decision and a way to revisit it, escalating only if we truly cannot.",
            "Follow up afterwards to keep the working relationship healthy.",
        ),
    ),
    (
        ("deadline", "late", "pressure", "priorit", "too much", "scope", "behind"),
        (
            "Make the gap visible early: what is done, what is left, and the realistic date.",
            "Cut scope with the stakeholders rather than quality: agree on the must-haves.",
            "Remove blockers and protect the team's focus on the critical path.",
            "Deliver, then review what made the estimate slip.",
        ),
    ),
    (
        ("unclear", "ambiguous", "requirements", "vague", "don't know", "new to"),
        (
            "Ask questions until I can write down the goal and how success will be measured.",
            "Propose a small first version and validate it with the stakeholders quickly.",
            "Iterate in short loops, making assumptions explicit as I go.",
            "Document the decisions so the next person does not start from zero.",
        ),
    ),
)
_DEFAULT_STEPS = (
    "Clarify the goal, the constraints and who is affected before acting.",
    "Gather the facts and talk to the people involved.",
    "Decide on a plan, share it, and act in small, visible steps.",
    "Check the outcome against the goal and share what I learned.",
)


def _compose_situational(request: AnswerRequest, draft: _Draft) -> None:
    lowered = _query(request).lower()
    steps = next((s for keys, s in _SITUATION_STEPS if any(k in lowered for k in keys)), _DEFAULT_STEPS)
    draft.add("How I would approach it:")
    for number, step in enumerate(steps, 1):
        draft.add(f"{number}. {step}")
    profile = request.resume
    best = _best_entry(request, profile) if profile else None
    if best is None:
        if profile is None:
            _no_resume(draft)
        return
    index, entry = best
    bullet = _ranked_bullets(_query(request), entry)
    if bullet:
        draft.add(
            f"Anchor it in real experience: at {entry.employer or 'a previous job'}, {first_person(bullet[0])}.",
            f"resume:experience:{index}",
        )


_LOGISTICS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("salary", "compensation", "pay", "expectation", "package", "gehalt"),
        (
            "I'd like to understand the full package for {target} first. Given my {years}, I'm looking for a "
            "range that fits a {level}-level position; could you share the budgeted range?"
        ),
    ),
    (
        ("start", "notice", "available", "availability", "when can you", "join"),
        (
            "I can confirm my exact start date once I have checked my notice period, and I'm keen to move "
            "quickly on {target}. What timeline do you have in mind?"
        ),
    ),
    (
        ("relocat", "remote", "onsite", "on-site", "office", "hybrid", "location", "travel", "commute"),
        (
            "I'm open to discussing the working arrangement. How does the team split remote and office time, "
            "and how much travel does {target} involve?"
        ),
    ),
    (
        ("visa", "sponsor", "permit", "authoriz", "authoris"),
        (
            "Happy to go through my work authorisation with you. Could you tell me whether {company} sponsors "
            "visas for this role, in case it's needed?"
        ),
    ),
)


def _compose_logistics(request: AnswerRequest, draft: _Draft) -> None:
    lowered = request.question.lower()
    profile = request.resume
    years = (
        f"{int(profile.total_years)}+ years of experience"
        if profile and profile.total_years >= 1
        else "experience and skills"
    )
    template = next(
        (t for keys, t in _LOGISTICS if any(k in lowered for k in keys)),
        "Happy to help with that. Could you tell me a bit more about what you need from me, so I give you "
        "an accurate answer about {target}?",
    )
    draft.add(
        template.format(
            target=_target(request),
            years=years,
            level=profile.experience_level if profile else "mid",
            company=request.company or "the company",
        ),
        "resume:summary" if profile and "{years}" in template else "",
    )


_LEAD_IN = re.compile(
    r"^(?:so\s+|sorry,?\s+|and\s+)?(?:can|could|would)\s+you\s+(?:please\s+)?(?:explain|clarify|elaborate on|"
    r"tell me|say more about)\s+|^what\s+do\s+you\s+mean\s+(?:by\s+)?|^do\s+you\s+mean\s+",
    re.IGNORECASE,
)


def _compose_clarifying(request: AnswerRequest, draft: _Draft) -> None:
    restated = _LEAD_IN.sub("", request.question.strip()).rstrip("?. ")
    last = request.history[-1] if request.history else None
    refers_back = re.search(
        r"\b(?:that|this|it|those|earlier|before|previous|last)\b", restated, re.IGNORECASE
    )
    if last is not None and (refers_back or overlap(restated, " ".join(last))):
        last_question = last[0]
        draft.add(
            f'Just to make sure I answer the right thing: you\'d like me to go further on "{restated}", '
            f'following up on "{last_question.rstrip("?")}"?',
            f"history:{len(request.history) - 1}",
        )
    else:
        draft.add(f'Just to make sure I understand: you\'re asking about "{restated}"?')
    profile = request.resume
    best = _best_entry(request, profile) if profile else None
    if best is not None and best[1].employer:
        draft.add(
            f"Should I focus on a specific example, for instance my work at {best[1].employer}, or keep it "
            "at a general level?",
            f"resume:experience:{best[0]}",
        )
    else:
        draft.add("Should I give a specific example, or keep it at a general level?")


def _compose_other(request: AnswerRequest, draft: _Draft) -> None:
    from mentor.ai.prompt import select_passages  # same ranking as the LLM prompt, for consistency

    passages = [p for p in select_passages(request) if p.source in {"resume", "kb", "job"} and p.score > 0]
    if not passages:
        draft.add(
            "Short answer: give a direct, one-sentence answer first, then one concrete example from your "
            "experience."
        )
        if request.resume is None:
            _no_resume(draft)
        return
    draft.add("Points you can draw on:")
    for passage in passages[:3]:
        text = passage.text.splitlines()[0].lstrip("- ")
        draft.add(f"• {passage.title}: {_sentence(first_person(text))}", passage.ref)


_COMPOSERS: dict[str, Callable[[AnswerRequest, _Draft], None]] = {
    "behavioral": _compose_behavioral,
    "technical": _compose_technical,
    "background": _compose_background,
    "situational": _compose_situational,
    "logistics": _compose_logistics,
    "clarifying": _compose_clarifying,
    "other": _compose_other,
}
