"""Offline answer composition: a deterministic answer built from the candidate's own material, no model needed.

It is the default when no model is configured and what `FallbackEngine` turns to when the model fails. It
ranks the resume, job description, knowledge-base passages and earlier answers against the question and
shapes the result by question kind (a STAR outline for behavioral questions, key points for technical
ones, ...), quoting the resume's real employers, roles, numbers and skills. Composing takes well under a
millisecond for a normal resume. `mentor.engines.offline` streams it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from mentor.ai.phrases import ENGLISH, Phrases, phrasebook
from mentor.ai.prompt import job_passages, language_name
from mentor.ai.resume import entry_title
from mentor.ai.retrieval import overlap, rank, terms
from mentor.ai.types import AnswerRequest, ExperienceEntry, Passage, ResumeProfile


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


def compose(request: AnswerRequest) -> tuple[str, tuple[str, ...]]:
    """The whole offline answer text and the refs of the passages it used. Pure; about 0.1-1 ms."""
    draft = _Draft()
    if phrasebook(request.language) is None:
        draft.add(
            f"(Offline answer in English: no language model is configured to answer in "
            f"{language_name(request.language)}.)\n"
        )
    composer = _COMPOSERS.get(request.kind, _compose_other)
    composer(request, draft)
    return draft.text, tuple(draft.sources)


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


def _said(bullet: str, ph: Phrases) -> str:
    """A resume bullet as the candidate says it: first person in English, as written in other languages."""
    if ph.code == "en":
        return first_person(bullet)
    text = bullet.strip().rstrip(".;")
    return text[:1].upper() + text[1:]


def _action_and_result(bullet: str, ph: Phrases) -> tuple[str, str | None]:
    match = _RESULT_SPLIT.search(bullet)
    if match is None or match.start() < 12:
        # "Mentored 4 engineers; two were promoted" states the result in its second clause.
        head, sep, tail = bullet.partition("; ")
        if sep and len(head) >= 12 and tail:
            return _said(head, ph), tail
        return _said(bullet, ph), None
    if ph.code != "en":
        # The result clause as written ("cutting p99 latency ..."): its grammar is the resume's own.
        return _said(bullet[: match.start()], ph), bullet[match.start(1) :].strip()
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


def _phrases(request: AnswerRequest) -> Phrases:
    """The phrasebook of the session language; English when the language has none."""
    return phrasebook(request.language) or ENGLISH


def _target(request: AnswerRequest, ph: Phrases) -> str:
    return ph.target(request.role, request.company)


def _no_resume(draft: _Draft, ph: Phrases) -> None:
    draft.add(ph.no_resume)


# --- composers, one per question kind ---------------------------------------------------------------------


def _compose_behavioral(request: AnswerRequest, draft: _Draft) -> None:
    ph = _phrases(request)
    profile = request.resume
    best = _best_entry(request, profile) if profile else None
    if profile is None or best is None:
        draft.add(ph.star_outline)
        _no_resume(draft, ph)
        return
    index, entry = best
    ref = f"resume:experience:{index}"
    bullets = _ranked_bullets(_query(request), entry)
    action, result = _action_and_result(bullets[0], ph) if bullets else ("", None)
    extra = [b for b in bullets[1:] if _has_figure(b)] or bullets[1:]
    where = ph.at_employer.format(employer=entry.employer) if entry.employer else ph.in_that_job
    since = f" ({entry.dates})" if entry.dates else ""
    draft.add(ph.star_header.format(role=entry.role or ph.team_member, where=where, since=since))
    where = where[:1].upper() + where[1:]
    if entry.role:
        a_role = f"{_article(entry.role)} {entry.role}"
        draft.add(ph.star_situation_role.format(where=where, role=entry.role, a_role=a_role))
    else:
        draft.add(ph.star_situation_no_role.format(where=where))
    if action:
        draft.add(ph.star_action.format(action=_sentence(action)))
    numbers = figures(bullets[0]) if bullets else []
    if result:
        draft.add(ph.star_result.format(result=_sentence(result)))
    elif numbers:
        draft.add(ph.star_result_numbers.format(numbers=ph.join(numbers)))
    if extra:
        draft.add(ph.star_more.format(more=_sentence(_said(extra[0], ph))))
    draft.add(ph.star_close.format(target=_target(request, ph)), ref)


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
    ph = _phrases(request)
    points = _kb_points(request)
    topic = " ".join(dict.fromkeys(w for w in re.findall(r"[\w+#.-]+", request.question) if terms(w)))
    if points:
        draft.add(ph.key_points)
        for sentence, ref, title in points:
            draft.add(ph.kb_point.format(sentence=_sentence(sentence), title=title), ref)
    else:
        draft.add(ph.key_points_structure.format(topic=topic or ph.topic_fallback))
    profile = request.resume
    if profile is None:
        _no_resume(draft, ph)
        return
    best = _best_entry(request, profile)
    skills = _matching_skills(request, profile)
    if best is not None and rank(_query(request), [Passage("resume", "x", "", " ".join(best[1].bullets))]):
        index, entry = best
        said = _said(_ranked_bullets(_query(request), entry)[0], ph)
        draft.add(
            ph.tie.format(employer=entry.employer, said=said)
            if entry.employer
            else ph.tie_no_employer.format(said=said),
            f"resume:experience:{index}",
        )
    if skills:
        asked = [s for s in skills if overlap(_query(request), s)]
        if asked:
            draft.add(ph.skills_asked.format(skills=ph.join(asked)), "resume:skills")
        else:
            draft.add(ph.skills_related.format(skills=ph.join(skills[:4])), "resume:skills")


# A summary sentence stating the years of experience, which the opening already says.
_YEARS_SENTENCE = re.compile(r"\d+\+?\s+(?:years|Jahren?|ans|años)\b", re.IGNORECASE)


def _compose_background(request: AnswerRequest, draft: _Draft) -> None:
    ph = _phrases(request)
    profile = request.resume
    if profile is None:
        draft.add(ph.pitch_outline.format(target=_target(request, ph)))
        _no_resume(draft, ph)
        return
    jobs = profile.experience
    current = jobs[0] if jobs else None
    identity = profile.headline.split("·")[0].split("|")[0].strip() or (current.role if current else "")
    years = ph.years(profile.total_years) if profile.total_years >= 1 else ""
    if identity:
        opening = ph.intro_identity_years if years else ph.intro_identity
    else:
        opening = ph.intro_years if years else ph.intro_none
    draft.add(
        opening.format(identity=identity, a_identity=f"{_article(identity)} {identity}", years=years),
        "resume:summary" if profile.summary or profile.headline else "",
    )
    # One sentence of the candidate's own summary, skipping one that repeats the years just said.
    summary = [s for s in re.split(r"(?<=[.!?])\s+", profile.summary) if s]
    fresh = [s for s in summary if not (years and _YEARS_SENTENCE.search(s))]
    if fresh:
        draft.add(_sentence(fresh[0]))
    for position, (i, entry) in enumerate(list(enumerate(jobs))[:2]):
        bullets = _ranked_bullets(" ".join((request.job_description or "", request.question)), entry)
        if not bullets:
            continue
        template = (
            ph.job_current
            if position == 0 and entry.is_current
            else ph.job_previous
            if position
            else ph.job_recent
        )
        draft.add(
            template.format(role=entry.role, employer=entry.employer, said=_said(bullets[0], ph)),
            f"resume:experience:{i}",
        )
    skills = _matching_skills(request, profile, limit=4)
    if skills:
        draft.add(ph.strengths.format(skills=ph.join(skills)), "resume:skills")
    job_refs = [p.ref for p in rank(" ".join(profile.skills), job_passages(request.job_description or ""))][
        :1
    ]
    draft.add(ph.pitch_close.format(target=_target(request, ph)), *job_refs)


# Words in the question (English, German, French, Spanish) that pick the steps of a situational answer;
# the steps themselves are in the phrasebook, under the topic's name.
_SITUATION_TOPICS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("outage", "incident", "production", "down", "bug", "breaks", "broke", "failure",
         "ausfall", "ausfäll", "störung", "panne", "producción", "caída"),
        "incident",
    ),
    (
        ("conflict", "disagree", "disagreement", "colleague", "teammate", "coworker", "argue",
         "konflikt", "kolleg", "uneinig", "conflit", "désaccord", "collègue", "conflicto", "desacuerdo",
         "compañer"),
        "conflict",
    ),
    (
        ("deadline", "late", "pressure", "priorit", "too much", "scope", "behind",
         "frist", "zeitdruck", "délai", "échéance", "prioris", "plazo", "fecha límite",
         "priorid"),
        "deadline",
    ),
    (
        ("unclear", "ambiguous", "requirements", "vague", "don't know", "new to",
         "unklar", "anforderung", "pas clair", "flou", "exigences", "poco claro", "requisitos", "ambigu"),
        "unclear",
    ),
)  # fmt: skip


def _compose_situational(request: AnswerRequest, draft: _Draft) -> None:
    ph = _phrases(request)
    lowered = _query(request).lower()
    topic = next((t for keys, t in _SITUATION_TOPICS if any(k in lowered for k in keys)), "default")
    draft.add(ph.approach)
    for number, step in enumerate(ph.steps[topic], 1):
        draft.add(f"{number}. {step}")
    profile = request.resume
    best = _best_entry(request, profile) if profile else None
    if best is None:
        if profile is None:
            _no_resume(draft, ph)
        return
    index, entry = best
    bullet = _ranked_bullets(_query(request), entry)
    if bullet:
        said = _said(bullet[0], ph)
        draft.add(
            ph.anchor.format(employer=entry.employer, said=said)
            if entry.employer
            else ph.anchor_no_employer.format(said=said),
            f"resume:experience:{index}",
        )


# Words in the question that pick the logistics reply; the replies are in the phrasebook.
_LOGISTICS_TOPICS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("salary", "compensation", "pay", "expectation", "package", "gehalt", "vergütung", "salaire",
         "rémunération", "prétentions", "salario", "salarial", "sueldo", "remuneración"),
        "salary",
    ),
    (
        ("start", "notice", "available", "availability", "when can you", "join", "eintritt",
         "kündigungsfrist", "verfügbar", "début", "préavis", "disponib", "incorpor", "preaviso"),
        "start",
    ),
    (
        ("relocat", "remote", "onsite", "on-site", "office", "hybrid", "location", "travel", "commute",
         "umzug", "homeoffice", "büro", "standort", "reise", "télétravail", "bureau", "déménag",
         "déplacement", "remoto", "oficina", "presencial", "ubicación", "mudanza", "viaj"),
        "location",
    ),
    (
        ("visa", "sponsor", "permit", "authoriz", "authoris", "visum", "arbeitserlaubnis",
         "titre de séjour", "visado", "permiso de trabajo"),
        "visa",
    ),
)  # fmt: skip


def _compose_logistics(request: AnswerRequest, draft: _Draft) -> None:
    ph = _phrases(request)
    lowered = request.question.lower()
    profile = request.resume
    topic = next((t for keys, t in _LOGISTICS_TOPICS if any(k in lowered for k in keys)), "default")
    template = ph.logistics[topic]
    draft.add(
        template.format(
            target=_target(request, ph),
            years=ph.years(profile.total_years if profile else 0.0),
            level=ph.levels[profile.experience_level if profile else "mid"],
            company=request.company or ph.company_fallback,
        ),
        "resume:summary" if profile and "{years}" in template else "",
    )


_LEAD_IN = re.compile(
    r"^(?:so\s+|sorry,?\s+|and\s+)?(?:can|could|would)\s+you\s+(?:please\s+)?(?:explain|clarify|elaborate on|"
    r"tell me|say more about)\s+|^what\s+do\s+you\s+mean\s+(?:by\s+)?|^do\s+you\s+mean\s+"
    r"|^was\s+meinen\s+sie\s+(?:mit\s+)?|^qu['’]entendez-vous\s+par\s+|^que\s+voulez-vous\s+dire\s+par\s+"
    r"|^¿?\s*qu[ée]\s+quiere\s+decir\s+(?:con\s+)?|^¿?\s*a\s+qu[ée]\s+se\s+refiere\s+(?:con\s+)?",
    re.IGNORECASE,
)


def _compose_clarifying(request: AnswerRequest, draft: _Draft) -> None:
    ph = _phrases(request)
    restated = _LEAD_IN.sub("", request.question.strip()).strip("¿?. ")
    last = request.history[-1] if request.history else None
    refers_back = re.search(
        r"\b(?:that|this|it|those|earlier|before|previous|last)\b", restated, re.IGNORECASE
    )
    if last is not None and (refers_back or overlap(restated, " ".join(last))):
        draft.add(
            ph.clarify_follow_up.format(restated=restated, last=last[0].strip("¿? ")),
            f"history:{len(request.history) - 1}",
        )
    else:
        draft.add(ph.clarify.format(restated=restated))
    profile = request.resume
    best = _best_entry(request, profile) if profile else None
    if best is not None and best[1].employer:
        draft.add(
            ph.clarify_example_employer.format(employer=best[1].employer), f"resume:experience:{best[0]}"
        )
    else:
        draft.add(ph.clarify_example)


def _title(passage: Passage, request: AnswerRequest, ph: Phrases) -> str:
    """The passage's title in the answer language; the candidate's own headings stay as written."""
    if passage.source == "job":
        return ph.titles["job"]
    section = passage.ref.split(":")
    if passage.source != "resume" or len(section) < 2:
        return passage.title
    if section[1] == "experience" and request.resume is not None:
        entry = request.resume.experience[int(section[2])]
        title = (
            ph.job_title.format(role=entry.role, employer=entry.employer)
            if entry.role and entry.employer
            else entry.role or entry.employer
        )
        return f"{title} ({entry.dates})" if entry.dates else title
    name = {"summary": "summary", "skills": "skills", "projects": "project", "education": "education"}
    return ph.titles[name[section[1]]] if section[1] in name else passage.title


def _compose_other(request: AnswerRequest, draft: _Draft) -> None:
    from mentor.ai.prompt import select_passages  # same ranking as the LLM prompt, for consistency

    ph = _phrases(request)
    passages = [p for p in select_passages(request) if p.source in {"resume", "kb", "job"} and p.score > 0]
    if not passages:
        draft.add(ph.short_answer)
        if request.resume is None:
            _no_resume(draft, ph)
        return
    draft.add(ph.points)
    for passage in passages[:3]:
        text = passage.text.splitlines()[0].lstrip("- ")
        title = _title(passage, request, ph)
        draft.add(ph.point.format(title=title, sentence=_sentence(_said(text, ph))), passage.ref)


_COMPOSERS: dict[str, Callable[[AnswerRequest, _Draft], None]] = {
    "behavioral": _compose_behavioral,
    "technical": _compose_technical,
    "background": _compose_background,
    "situational": _compose_situational,
    "logistics": _compose_logistics,
    "clarifying": _compose_clarifying,
    "other": _compose_other,
}
