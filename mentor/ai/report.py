"""The interview debrief: pure analytics over what a session stored. No I/O, no clock.

Input is plain data (``ReportInput``: the session, its captions at their latest revision, the detected
questions, the suggested answers, the titles of resume items); output is a JSON-ready dict whose shape
docs/protocol.md ("Reports and insights") describes. ``trend_point`` reduces one report to the figures
the cross-interview trends use, and ``insights`` combines those.

How time is measured. A caption's start is its ``client_ts`` (when the client saw the block begin) or,
without one, when it first reached the server. Its end is its start plus the span over which its revisions
arrived (a live block grows as the words are spoken), but at least ``words / ASSUMED_WPM`` (a caption sent
once, in one piece, has no measured span). Paces computed from estimated spans only are flagged
``pace_measured: false``. Times in the report are seconds from the session's creation (``at_s``).

Cost: O(captions + questions x log captions) time; memory a few small tuples per caption.
"""

from __future__ import annotations

import re
import statistics
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from mentor.ai.jd import mentioned_skills, parse_job_description
from mentor.ai.retrieval import STOPWORDS, terms

__all__ = ["AnswerRow", "CaptionRow", "QuestionRow", "ReportInput", "SessionFacts", "build_report", "insights",
           "trend_point"]

ASSUMED_WPM = 150.0  # speaking rate used when a caption's span was not measured
INTERRUPTION_MIN_S = 1.0  # cutting in this long before the other speaker finished is an interruption
MERGE_GAP_S = 2.0  # timeline: same-speaker captions closer than this are drawn as one segment
THEMES_KEPT = 10
NAMES_KEPT = 10  # talk.by_name lists at most this many people (a client may send any names)
ROLES = ("interviewer", "candidate", "other")

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Filler words and phrases of spoken English. "like" and "so" are left out: too often they are not fillers.
# The lookahead on first letters lets the scan skip most positions (a third faster over a long transcript).
_FILLER = re.compile(r"(?=[uehaiksbly])\b(?:u+m+|u+h+m*|e+r+m+|e+r+|h+m+|a+h+|you know|i mean|kind of|sort of|basically|"
                     r"literally)\b")


@dataclass(frozen=True, slots=True)
class SessionFacts:
    id: str
    title: str
    status: str
    created_at: float
    ended_at: float | None = None
    company: str | None = None
    role: str | None = None
    job_description: str | None = None
    candidate_name: str | None = None
    interviewer_name: str | None = None


@dataclass(frozen=True, slots=True)
class CaptionRow:
    """A caption at its latest revision (``revision`` > 0: its span was measured from revisions)."""

    id: int
    speaker_role: str
    text: str
    created_at: float
    updated_at: float
    revision: int = 0
    client_ts: float | None = None
    speaker_name: str | None = None


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """A detected (or hand-asked) question at its latest revision; ``first_*`` are of its first detection."""

    question_id: str
    text: str
    kind: str
    caption_ids: tuple[int, ...]
    first_caption_ids: tuple[int, ...]
    first_detected_at: float
    source: str = "auto"
    revision: int = 0


@dataclass(frozen=True, slots=True)
class AnswerRow:
    answer_id: str
    question_id: str
    engine: str
    model: str | None
    sources: tuple[str, ...]
    first_token_ms: float | None
    complete_ms: float | None
    created_at: float
    status: str = "complete"


@dataclass(frozen=True, slots=True)
class ReportInput:
    session: SessionFacts
    captions: Sequence[CaptionRow]
    questions: Sequence[QuestionRow]
    answers: Sequence[AnswerRow]
    resume_titles: dict[str, str] = field(default_factory=dict)  # resume ref -> title of the active resume


@dataclass(slots=True)
class _Span:
    start: float
    end: float
    role: str
    words: int
    measured: bool
    caption_id: int
    name: str | None = None


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _spans(captions: Iterable[CaptionRow]) -> list[_Span]:
    spans = []
    per_word = 60.0 / ASSUMED_WPM
    for c in captions:
        start = c.client_ts if c.client_ts is not None else c.created_at
        words = len(c.text.split())  # whitespace words: 5x faster than a regex over 20,000 captions
        measured = c.revision > 0 and c.updated_at > c.created_at
        span = c.updated_at - c.created_at if measured else 0.0
        spans.append(_Span(start, start + max(span, words * per_word), c.speaker_role, words, measured, c.id,
                           c.speaker_name))
    spans.sort(key=lambda s: s.start)
    return spans


def _distinct_words(text: str) -> set[str]:
    """The distinct words of ``text`` (lower case, edge punctuation stripped): what skill look-ups and
    ``terms`` need, each distinct word once instead of every occurrence."""
    return {w.strip(".,;:!?\"'()[]{}") for w in set(text.lower().split())}


def _union_seconds(spans: Iterable[_Span]) -> float:
    """Seconds covered by ``spans`` (sorted by start): time counted once where one speaker's captions
    overlap (estimated ends make a fast speaker's captions overlap)."""
    total, start, end = 0.0, 0.0, -1.0
    for s in spans:
        if s.start > end:
            total += end - start if end > start else 0.0
            start, end = s.start, s.end
        elif s.end > end:
            end = s.end
    return total + (end - start if end > start else 0.0)


def _wpm(words: int, seconds: float) -> float | None:
    return round(words * 60.0 / seconds, 1) if seconds > 0 and words else None


def _talk(spans: list[_Span], captions: Sequence[CaptionRow]) -> dict[str, Any]:
    seconds: dict[str, float] = dict.fromkeys(ROLES, 0.0)
    words: dict[str, int] = dict.fromkeys(ROLES, 0)
    measured: dict[str, int] = dict.fromkeys(ROLES, 0)
    # (role, name) -> [seconds so far, start, end of the open interval]; panels have several interviewers
    named: dict[tuple[str, str], list[float]] = {}
    for role in ROLES:
        seconds[role] = _union_seconds(s for s in spans if s.role == role)
    for s in spans:
        words[s.role] += s.words
        measured[s.role] += s.measured
        if s.name:
            acc = named.setdefault((s.role, s.name), [0.0, s.start, s.start])
            if s.start > acc[2]:
                acc[0] += acc[2] - acc[1]
                acc[1], acc[2] = s.start, s.end
            elif s.end > acc[2]:
                acc[2] = s.end
    names: dict[str, list[str]] = {}
    for role, name in {(c.speaker_role, c.speaker_name) for c in captions if c.speaker_name}:
        known = names.setdefault(role, [])
        if len(known) < 5:
            known.append(name)
    for known in names.values():
        known.sort()
    total = sum(seconds.values())
    speakers = [{"role": role, "names": names.get(role, []), "seconds": round(seconds[role], 1),
                 "share": round(seconds[role] / total, 3) if total else 0.0, "words": words[role],
                 "wpm": _wpm(words[role], seconds[role]), "pace_measured": measured[role] > 0}
                for role in ROLES if seconds[role] or words[role]]
    # Overlaps: a sweep over spans by start, remembering each role's latest end so far.
    last_end: dict[str, float] = {}
    overlaps, overlap_s = 0, 0.0
    interruptions: Counter[str] = Counter()
    for s in spans:
        start, role = s.start, s.role
        for other, end in last_end.items():
            if end > start and other != role:
                overlaps += 1
                overlap_s += (min(s.end, end)) - start
                if end - start >= INTERRUPTION_MIN_S:
                    interruptions[f"{role}_interrupted_{other}"] += 1
        if s.end > last_end.get(role, 0.0):
            last_end[role] = s.end
    person = {key: acc[0] + acc[2] - acc[1] for key, acc in named.items()}
    by_name = [{"name": name, "role": role, "seconds": round(sec, 1), "share": round(sec / total, 3) if total else 0.0}
               for (role, name), sec in sorted(person.items(), key=lambda kv: -kv[1])[:NAMES_KEPT]]
    return {"total_s": round(total, 1), "speakers": speakers, "by_name": by_name,
            "overlaps": {"count": overlaps, "seconds": round(overlap_s, 1)},
            "interruptions": {"count": sum(interruptions.values()), "by": dict(sorted(interruptions.items()))}}


def _fillers(candidate_text: str, candidate_s: float) -> dict[str, Any]:
    found = Counter(_FILLER.findall(candidate_text.lower()))
    count = sum(found.values())
    return {"count": count, "per_minute": round(count * 60.0 / candidate_s, 2) if candidate_s > 0 else 0.0,
            "top": [{"word": w, "count": n} for w, n in found.most_common(5)]}


def _timeline(spans: list[_Span], origin: float) -> list[dict[str, Any]]:
    """Who spoke when, same-speaker captions less than MERGE_GAP_S apart drawn as one segment."""
    open_by_role: dict[str, list[float]] = {}
    segments: list[tuple[float, float, str]] = []
    for s in spans:
        current = open_by_role.get(s.role)
        if current is not None and s.start - current[1] <= MERGE_GAP_S:
            current[1] = max(current[1], s.end)
            continue
        if current is not None:
            segments.append((current[0], current[1], s.role))
        open_by_role[s.role] = [s.start, s.end]
    segments.extend((c[0], c[1], role) for role, c in open_by_role.items())
    segments.sort()
    return [{"start_s": round(a - origin, 2), "end_s": round(b - origin, 2), "speaker": role}
            for a, b, role in segments]


def _question_entries(inp: ReportInput, spans: list[_Span], origin: float, end_of_talk: float) -> list[dict[str, Any]]:
    by_id = {c.id: c for c in inp.captions}
    span_by_id = {s.caption_id: s for s in spans}
    answers: dict[str, list[AnswerRow]] = {}
    for a in inp.answers:
        answers.setdefault(a.question_id, []).append(a)
    candidate = [s for s in spans if s.role == "candidate"]
    starts = [s.start for s in candidate]

    timed = []
    for q in inp.questions:
        own = [span_by_id[i] for i in q.caption_ids if i in span_by_id]
        asked = min((s.start for s in own), default=q.first_detected_at)
        ended = max((s.end for s in own), default=q.first_detected_at)
        timed.append((asked, ended, q))
    timed.sort(key=lambda t: t[0])

    out = []
    for index, (asked, ended, q) in enumerate(timed):
        first = [by_id[i] for i in q.first_caption_ids if i in by_id]
        # The last words of the first detection reached the server at the caption's last revision; a question
        # fired on interim text (before that revision) counts as detected without delay.
        delay = max(0.0, q.first_detected_at - max(c.updated_at for c in first)) if first else None
        window_end = timed[index + 1][0] if index + 1 < len(timed) else max(end_of_talk, ended) + 1.0
        # From the question's start, not its end: a caption sent in one piece has an estimated end, and an
        # answer may begin while the question's last words fade.
        reply = candidate[bisect_left(starts, asked):bisect_left(starts, window_end)]
        words = sum(s.words for s in reply)
        seconds = _union_seconds(reply)
        rows = answers.get(q.question_id, [])
        last = max(rows, key=lambda a: a.created_at) if rows else None
        out.append({
            "question_id": q.question_id, "text": q.text, "kind": q.kind, "source": q.source,
            "revision": q.revision, "asked_at": round(asked, 3), "at_s": round(asked - origin, 2),
            "detection_delay_s": _r(delay),
            "suggestion": None if last is None else {
                "answer_id": last.answer_id, "engine": last.engine, "model": last.model,
                "first_token_ms": _r(last.first_token_ms), "complete_ms": _r(last.complete_ms),
                "sources": list(last.sources), "at_s": round(last.created_at - origin, 2), "count": len(rows)},
            "response": {"answered": words > 0, "delay_s": _r(max(0.0, reply[0].start - ended)) if reply else None,
                         "seconds": round(seconds, 1), "words": words, "wpm": _wpm(words, seconds),
                         "pace_measured": any(s.measured for s in reply)},
        })
    return out


def _coverage(inp: ReportInput, candidate_text: str) -> dict[str, Any]:
    job = parse_job_description(inp.session.job_description)
    if not job.skills and not job.requirements:
        return {"skills": [], "requirements": [], "skills_covered": None, "requirements_covered": None}
    asked_text = "\n".join(q.text for q in inp.questions)
    asked_words, said_words = _distinct_words(asked_text), _distinct_words(candidate_text)
    wanted = job.skills + tuple(s for r in job.requirements for s in r.skills)
    asked_skills = mentioned_skills(asked_text, wanted, asked_words)
    said_skills = mentioned_skills(candidate_text, wanted, said_words)
    # Terms of the whole transcript side, from its distinct words only: stemming each word once.
    asked_terms = set(terms(" ".join(asked_words)))
    said_terms = set(terms(" ".join(said_words)))

    def came_up(skills: tuple[str, ...], words: frozenset[str], found: set[str], vocab: set[str]) -> bool:
        if any(s in found for s in skills):
            return True
        return len(words) >= 2 and len(words & vocab) >= max(2, (len(words) + 1) // 2)

    skills = [{"name": s, "asked": s in asked_skills, "mentioned": s in said_skills} for s in job.skills]
    requirements = [{"text": r.text, "skills": list(r.skills),
                     "asked": came_up(r.skills, r.terms, asked_skills, asked_terms),
                     "mentioned": came_up(r.skills, r.terms, said_skills, said_terms)} for r in job.requirements]

    def share(items: list[dict[str, Any]]) -> float | None:
        return round(sum(1 for i in items if i["asked"] or i["mentioned"]) / len(items), 3) if items else None

    return {"skills": skills, "requirements": requirements, "skills_covered": share(skills),
            "requirements_covered": share(requirements)}


def _resume_items(inp: ReportInput) -> list[dict[str, Any]]:
    uses: Counter[str] = Counter()
    for a in inp.answers:
        uses.update(ref for ref in set(a.sources) if ref.startswith("resume:"))
    return [{"ref": ref, "title": inp.resume_titles.get(ref), "uses": n}
            for ref, n in sorted(uses.items(), key=lambda kv: (-kv[1], kv[0]))]


def build_report(inp: ReportInput, *, generated_at: float) -> dict[str, Any]:
    """The debrief of one session (see the module docstring for how time is measured)."""
    s = inp.session
    origin = s.created_at
    spans = _spans(inp.captions)
    end_of_talk = max((sp.end for sp in spans), default=origin)
    talk = _talk(spans, inp.captions)
    candidate_s = sum(sp["seconds"] for sp in talk["speakers"] if sp["role"] == "candidate")
    candidate_text = "\n".join(c.text for c in inp.captions if c.speaker_role == "candidate")
    questions = _question_entries(inp, spans, origin, end_of_talk)
    end = s.ended_at if s.ended_at is not None else max(end_of_talk, generated_at if s.status == "active" else origin)
    first_tokens = [q["suggestion"]["first_token_ms"] for q in questions
                    if q["suggestion"] and q["suggestion"]["first_token_ms"] is not None]
    completes = [q["suggestion"]["complete_ms"] for q in questions
                 if q["suggestion"] and q["suggestion"]["complete_ms"] is not None]
    delays = [q["detection_delay_s"] for q in questions if q["detection_delay_s"] is not None]
    kinds = Counter(q["kind"] for q in questions)
    return {
        "session": {"id": s.id, "title": s.title, "company": s.company, "role": s.role, "status": s.status,
                    "created_at": s.created_at, "ended_at": s.ended_at, "candidate_name": s.candidate_name,
                    "interviewer_name": s.interviewer_name},
        "final": s.status != "active",
        "generated_at": round(generated_at, 3),
        "duration_s": round(max(0.0, end - origin), 1),
        "summary": {
            "captions": len(inp.captions), "questions": len(questions),
            "answered": sum(1 for q in questions if q["response"]["answered"]),
            "kinds": dict(sorted(kinds.items())),
            "detection_delay_s": {"median": _r(_median(delays)), "max": _r(max(delays, default=None))},
            "first_token_ms": {"median": _r(_median(first_tokens)), "max": _r(max(first_tokens, default=None))},
            "complete_ms": {"median": _r(_median(completes)), "max": _r(max(completes, default=None))},
        },
        "questions": questions,
        "talk": talk,
        "fillers": _fillers(candidate_text, candidate_s),
        "timeline": {"segments": _timeline(spans, origin),
                     "questions": [{"question_id": q["question_id"], "at_s": q["at_s"], "kind": q["kind"]}
                                   for q in questions],
                     "answers": [{"question_id": q["question_id"], "at_s": q["suggestion"]["at_s"]}
                                 for q in questions if q["suggestion"]]},
        "jd": _coverage(inp, candidate_text),
        "resume": {"items": _resume_items(inp)},
    }


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# --- trends across interviews ---------------------------------------------------------------------------

def trend_point(report: dict[str, Any]) -> dict[str, Any]:
    """The figures of one report that the trends compare, plus its question texts (for themes)."""
    talk = {sp["role"]: sp for sp in report["talk"]["speakers"]}
    candidate = talk.get("candidate")
    s = report["session"]
    return {
        "session_id": s["id"], "title": s["title"], "company": s["company"], "created_at": s["created_at"],
        "final": report["final"], "duration_s": report["duration_s"],
        "questions": report["summary"]["questions"], "answered": report["summary"]["answered"],
        "kinds": report["summary"]["kinds"],
        "candidate_talk_share": candidate["share"] if candidate else None,
        "candidate_wpm": candidate["wpm"] if candidate else None,
        "fillers_per_minute": report["fillers"]["per_minute"] if candidate else None,
        "first_token_ms": report["summary"]["first_token_ms"]["median"],
        "complete_ms": report["summary"]["complete_ms"]["median"],
        "jd_skills_covered": report["jd"]["skills_covered"],
        "jd_requirements_covered": report["jd"]["requirements_covered"],
        "_questions": [(q["text"], q["kind"]) for q in report["questions"]],
    }


_THEME_SKIP_KINDS = frozenset({"small_talk", "logistics"})
_THEME_STOP = STOPWORDS | {"could", "would", "you", "your", "tell", "about", "me", "us", "please", "can", "what",
                           "how", "why", "when", "which", "one", "anything", "something", "okay", "ok", "so",
                           "well", "really", "let", "let's", "go", "going", "want", "need", "thing", "things",
                           "right", "yeah", "yes", "kind", "sort", "bit", "little", "lot", "way"}


def _themes(questions: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """The content words and word pairs asked about in the most questions, each with an example."""
    counts: Counter[str] = Counter()
    sessions: dict[str, set[str]] = {}
    examples: dict[str, str] = {}
    kinds: dict[str, Counter[str]] = {}
    for session_id, text, kind in questions:
        if kind in _THEME_SKIP_KINDS:
            continue
        # Pairs only of words that stand next to each other: "design a rate limiter" gives "rate limiter",
        # not "design rate".
        tokens = [w if len(w) > 2 and w not in _THEME_STOP else "" for w in _WORD.findall(text.lower())]
        keys = {w for w in tokens if w} | {f"{a} {b}" for a, b in pairwise(tokens) if a and b}
        for key in keys:
            counts[key] += 1
            sessions.setdefault(key, set()).add(session_id)
            examples.setdefault(key, text)
            kinds.setdefault(key, Counter())[kind] += 1
    chosen: list[str] = []
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], -kv[0].count(" "), kv[0])):
        if n < 2 or len(chosen) >= THEMES_KEPT:
            break
        # A word whose pair is already chosen with the same count says nothing more.
        if any(key in c.split(" ") and counts[c] == n for c in chosen):
            continue
        chosen.append(key)
    return [{"theme": k, "questions": counts[k], "sessions": len(sessions[k]), "example": examples[k],
             "kinds": dict(kinds[k].most_common(3))} for k in chosen]


def insights(points: list[dict[str, Any]], *, company: str | None, since: float | None,
             truncated: bool) -> dict[str, Any]:
    """Trends across interviews from their ``trend_point``s (any order; reported oldest first)."""
    points = sorted(points, key=lambda p: p["created_at"])
    questions = [(p["session_id"], text, kind) for p in points for text, kind in p["_questions"]]
    public = [{k: v for k, v in p.items() if not k.startswith("_")} for p in points]

    def mean(name: str) -> float | None:
        values = [p[name] for p in public if p[name] is not None]
        return round(statistics.fmean(values), 3) if values else None

    kinds: Counter[str] = Counter()
    for p in public:
        kinds.update(p["kinds"])
    return {
        "filters": {"company": company, "since": since},
        "sessions": public,
        "truncated": truncated,
        "totals": {"sessions": len(public), "questions": sum(p["questions"] for p in public),
                   "kinds": dict(sorted(kinds.items()))},
        "averages": {name: mean(name) for name in ("candidate_talk_share", "candidate_wpm", "fillers_per_minute",
                                                     "first_token_ms", "complete_ms", "jd_skills_covered",
                                                     "jd_requirements_covered")},
        "themes": _themes(questions),
    }
