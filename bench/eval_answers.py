"""Evaluate the offline answers: every question of `bench/answers_fixture.py` against each of its resumes.

Usage (from the repository root):
    python -m bench.eval_answers [--show ID ...] [--json PATH]

Each question is composed with the kind the fixture expects (what a correct detector would hand over), the
session language it names, a target role and company, and — for follow-ups — the earlier exchange.
Printed per run:

- crashes: compositions that raised (each is listed), also with every question composed under every kind;
- kind mismatches: answers (question, resume pairs) whose composer was not the expected kind's own, plus answers that used another
  template the fixture lists as wrong for that question (`avoid`) or a banned contentless one (`BANNED`);
- cited: the share of (question, resume) pairs with a relevant resume line whose answer cites one;
- words: answer length p50 / p95 / max, and per kind the p95;
- quoted: the longest run of consecutive question words repeated in the answer, p50 / p95 / max;
- compose time per answer, p50 / max (the offline engine streams only after composing the whole answer).

Then the same figures for the German set: a German resume written for this benchmark
(`bench/fixtures/resume_de.md`: stated years, a job with no bullet lines, German headings) against the
fixture's German questions and `GERMAN_QUESTIONS` below, one per kind or more, each with the topics it asks
about (`GERMAN_LINES` says which resume lines are evidence for which topic).

`--show` prints the answers to the given question ids (e.g. `--show g2 d1 de3`).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.answers_fixture import BANNED, LINES, PITCH, QUESTIONS, RESUMES, Question, _q
from mentor.ai import compose as compose_module
from mentor.ai.resume import parse_resume_text
from mentor.ai.types import AnswerRequest, QuestionKind, ResumeProfile

KINDS = tuple(QuestionKind)

JOB = (
    "Senior Engineer, Platform\n\nYou will build reliable services and data pipelines, work with product "
    "managers, and take part in the on-call rotation.\n\nSQL, Python or Go, and cloud experience are a plus."
)
_WORD = re.compile(r"[\w'’]+")

GERMAN_RESUME = (Path(__file__).resolve().parent / "fixtures" / "resume_de.md").read_text(encoding="utf-8")
# (key fragment as written in the German resume, topics it is evidence for); see answers_fixture.LINES.
GERMAN_LINES: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {
    "german": (
        ("Zahlungswiederholungen", frozenset({"idempotency", "payments", "proud"})),
        ("Migration der Buchhaltung", frozenset({"kafka", "migration", "proud", "design"})),
        ("fehlerhafte Schema-Migration", frozenset({"incident", "mistake"})),
        ("Konflikt mit dem Produktmanagement", frozenset({"conflict", "deadline", "prioritise"})),
        ("zwei leiten heute eigene Teams", frozenset({"mentoring"})),
        ("Sendungsverfolgung", frozenset({"tracking", "sql"})),
        ("Cloud-Kosten um 35 %", frozenset({"cost"})),
        ("Caching der Tarifberechnung", frozenset({"redis", "caching", "performance"})),
        ("Stadtwerke Kassel", frozenset({"stadtwerke"})),
        ("Universität Kassel", frozenset({"education"})),
    ),
}
_MIGRATION_Q_DE = "Erzählen Sie von einer Migration, die Sie geleitet haben."
_MIGRATION_A_DE = "Bei Zahlwerk habe ich die Migration der Buchhaltung auf Dienste mit Kafka geleitet."
# German questions written for this benchmark, with the kind a correct detector gives them.
GERMAN_QUESTIONS: tuple[Question, ...] = tuple(
    q for q in QUESTIONS if q.language == "de"
) + (
    _q("de1", "behavioral", "Erzählen Sie von einer Situation, in der Sie mit einer Kollegin oder einem Kollegen "
       "nicht einer Meinung waren.", "conflict", language="de"),
    _q("de2", "behavioral", "Beschreiben Sie einen Fehler, den Sie in der Produktion gemacht haben.",
       "incident mistake", language="de"),
    _q("de3", "behavioral", "Wann haben Sie Ihrem Unternehmen Geld gespart?", "cost", language="de"),
    _q("de4", "technical", "Wie funktioniert Caching mit Redis, und wann würden Sie es nicht einsetzen?",
       "redis caching", language="de"),
    _q("de5", "technical", "Wie würden Sie Zahlungswiederholungen idempotent machen?", "idempotency payments",
       language="de"),
    _q("de6", "system_design", "Wie würden Sie ein System entwerfen, das Pakete über mehrere Versanddienstleister "
       "verfolgt?", "tracking", language="de"),
    _q("de7", "situational", "Was würden Sie tun, wenn die Anforderungen an ein Feature unklar wären?",
       language="de"),
    _q("de8", "background", "Was ist Ihre größte Schwäche?", avoid=PITCH, language="de"),
    _q("de9", "background", "Warum möchten Sie bei uns arbeiten?", avoid=PITCH[:1], language="de"),
    _q("de10", "background", "Was haben Sie bei den Stadtwerke Kassel gemacht?", "stadtwerke", avoid=PITCH,
       language="de"),
    _q("de11", "follow_up", "Und warum gerade Kafka?", "kafka migration", language="de",
       history=((_MIGRATION_Q_DE, _MIGRATION_A_DE),), conversation=(("interviewer", _MIGRATION_Q_DE),)),
    _q("de12", "clarifying", "Meinen Sie das ganze Team oder nur sich selbst?", language="de"),
    _q("de13", "logistics", "Was sind Ihre Gehaltsvorstellungen?", language="de"),
    _q("de14", "other", "Was halten Sie von unserer Homeoffice-Regelung?", language="de"),
)


def _composed(request: AnswerRequest) -> tuple[str, str]:
    """(answer text, kind of the composer that wrote it), for the current and for the original compose."""
    compose_answer = getattr(compose_module, "compose_answer", None)
    if compose_answer is not None:
        result = compose_answer(request)
        return result.text, result.composer
    # The original compose (before compose_answer existed) picked its composer from this table.
    names = vars(compose_module)
    composer = names["_COMPOSERS"].get(request.kind, names["_compose_other"])
    text, _ = compose_module.compose(request)
    return text, composer.__name__.removeprefix("_compose_")


def quoted_run(question: str, answer: str) -> int:
    """The longest run of consecutive question words that the answer repeats in the same order."""
    q = [w.lower() for w in _WORD.findall(question)]
    a = [w.lower() for w in _WORD.findall(answer)]
    best = 0
    previous = [0] * (len(a) + 1)
    for qw in q:
        current = [0] * (len(a) + 1)
        for j, aw in enumerate(a, 1):
            if qw == aw:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def percentile(values: list[int], p: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] if ordered else 0


def request_for(question: Question, profile: ResumeProfile) -> AnswerRequest:
    return AnswerRequest(
        question=question.text, kind=question.kind, parts=(question.text,), language=question.language,
        company="Northwind", role="Senior Engineer", job_description=JOB, resume=profile,
        history=question.history, conversation=question.conversation,
    )  # fmt: skip


def evaluate(
    show: set[str],
    questions: tuple[Question, ...] = QUESTIONS,
    resumes: dict[str, str] = RESUMES,
    lines: dict[str, tuple[tuple[str, frozenset[str]], ...]] = LINES,
) -> dict[str, Any]:
    profiles = {name: parse_resume_text(text, today=date(2026, 11, 1)) for name, text in resumes.items()}
    crashes: list[str] = []
    mismatches: list[str] = []
    words: list[int] = []
    words_by_kind: dict[str, list[int]] = defaultdict(list)
    quoted: list[int] = []
    timings: list[float] = []
    cited = relevant_pairs = 0
    composers: Counter[str] = Counter()
    for question in questions:
        for name, profile in profiles.items():
            tag = f"{question.id}/{name}"
            try:
                started = time.perf_counter()
                text, composer = _composed(request_for(question, profile))
                timings.append((time.perf_counter() - started) * 1000)
            except Exception as exc:  # noqa: BLE001 - any crash is what this counts
                crashes.append(f"{tag}: {type(exc).__name__}: {exc}")
                if question.id in show:
                    traceback.print_exc()
                continue
            composers[composer] += 1
            wrong = [p for p in (*BANNED, *question.avoid) if p.lower() in text.lower()]
            if composer != question.kind or wrong:
                mismatches.append(f"{tag}: composer {composer}, expected {question.kind}; wrong template {wrong}")
            count = len(_WORD.findall(text))
            words.append(count)
            words_by_kind[question.kind].append(count)
            quoted.append(quoted_run(question.text, text))
            keys = [key for key, topics in lines[name] if topics & question.topics]
            if keys:
                relevant_pairs += 1
                cited += any(key.lower() in text.lower() for key in keys)
            if question.id in show:
                print(f"--- {tag} ({question.kind} -> {composer}, {count} words)\nQ: {question.text}\n{text}\n")
    # Every question under every kind too: a wrong kind from the detector must not crash the composer either.
    for question in questions:
        for kind in KINDS:
            for name, profile in profiles.items():
                try:
                    _composed(replace(request_for(question, profile), kind=kind))
                except Exception as exc:  # noqa: BLE001 - any crash is what this counts
                    crashes.append(f"{question.id}/{name} as {kind}: {type(exc).__name__}: {exc}")
    pairs = len(questions) * len(profiles)
    return {
        "questions": len(questions),
        "resumes": len(profiles),
        "pairs": pairs,
        "crashes": len(crashes),
        "crash_list": crashes,
        "kind_mismatches": len(mismatches),
        "mismatch_list": mismatches,
        "cited_relevant_line": f"{cited}/{relevant_pairs}",
        "cited_share": round(cited / relevant_pairs, 3) if relevant_pairs else None,
        "words_p50": percentile(words, 0.5),
        "words_p95": percentile(words, 0.95),
        "words_max": max(words, default=0),
        "words_p95_by_kind": {k: percentile(v, 0.95) for k, v in sorted(words_by_kind.items())},
        "quoted_p50": percentile(quoted, 0.5),
        "quoted_p95": percentile(quoted, 0.95),
        "quoted_max": max(quoted, default=0),
        "mean_words": round(statistics.mean(words), 1) if words else 0,
        "compose_ms_p50": round(statistics.median(timings), 2) if timings else None,
        "compose_ms_max": round(max(timings), 2) if timings else None,
        "composers": dict(composers),
    }


def _print(report: dict[str, Any], title: str) -> None:
    print(f"== {title}")
    for line in report["crash_list"]:
        print("CRASH", line)
    for line in report["mismatch_list"]:
        print("MISMATCH", line)
    print(
        f"{report['questions']} questions x {report['resumes']} resumes = {report['pairs']} answers\n"
        f"crashes {report['crashes']}  kind mismatches {report['kind_mismatches']}\n"
        f"cited a relevant resume line {report['cited_relevant_line']} ({report['cited_share']})\n"
        f"words p50 {report['words_p50']}  p95 {report['words_p95']}  max {report['words_max']}\n"
        f"words p95 by kind {report['words_p95_by_kind']}\n"
        f"quoted question words p50 {report['quoted_p50']}  p95 {report['quoted_p95']}  "
        f"max {report['quoted_max']}\n"
        f"compose time ms p50 {report['compose_ms_p50']}  max {report['compose_ms_max']} (shared machine: indicative)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", nargs="*", default=[], help="print the answers to these question ids")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args()
    report = evaluate(set(args.show))
    _print(report, "fixture: every question x the three resumes")
    german = evaluate(set(args.show), GERMAN_QUESTIONS, {"german": GERMAN_RESUME}, GERMAN_LINES)
    _print(german, "German resume (bench/fixtures/resume_de.md) x the German questions")
    if args.json:
        slim = {k: v for k, v in report.items() if not k.endswith("_list")}
        slim["german"] = {k: v for k, v in german.items() if not k.endswith("_list")}
        args.json.write_text(json.dumps(slim, indent=2))


if __name__ == "__main__":
    main()
