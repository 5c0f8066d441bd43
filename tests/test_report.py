"""The report's analytics, JD parsing, charts and exports over plain data (no server, no database)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pypdf

from mentor.ai.charts import report_charts, trend_charts
from mentor.ai.jd import find_skills, mentioned_skills, parse_job_description
from mentor.ai.report import (
    AnswerRow,
    CaptionRow,
    QuestionRow,
    ReportInput,
    SessionFacts,
    build_report,
    insights,
    trend_point,
)
from mentor.ai.report_export import report_markdown, report_pdf

T0 = 1_700_000_000.0
JD = """Backend Engineer

What you'll do
- Own our billing pipeline end to end

What you'll bring:
- 4+ years with Python or Go
- Operating PostgreSQL and Kafka at scale
- Clear written communication with stakeholders

Nice to have
- Terraform
"""


def session(**kw: object) -> SessionFacts:
    fields: dict[str, object] = {"id": "s1", "title": "Backend", "status": "ended", "created_at": T0,
                                 "ended_at": T0 + 600, "job_description": JD, **kw}
    return SessionFacts(**fields)  # type: ignore[arg-type]


def cap(id: int, role: str, text: str, start: float, span: float = 0.0, *, client: bool = True) -> CaptionRow:
    """A caption that started at T0 + start and grew over ``span`` seconds (span 0: sent in one piece)."""
    arrived = T0 + start + 0.3
    return CaptionRow(id, role, text, arrived, arrived + span, 3 if span else 0, T0 + start if client else None)


def question(qid: str, text: str, ids: tuple[int, ...], detected: float, kind: str = "technical") -> QuestionRow:
    return QuestionRow(qid, text, kind, ids, ids, T0 + detected)


def report(captions: list[CaptionRow], questions: list[QuestionRow], answers: list[AnswerRow] | None = None,
           **kw: object) -> dict[str, object]:
    return build_report(ReportInput(session(**kw), captions, questions, answers or []), generated_at=T0 + 700)


# --- the job description

def test_requirements_come_from_requirement_headings_not_duties() -> None:
    job = parse_job_description(JD)
    assert [r.text for r in job.requirements] == [
        "4+ years with Python or Go", "Operating PostgreSQL and Kafka at scale",
        "Clear written communication with stakeholders", "Terraform"]
    assert job.requirements[1].skills == ("PostgreSQL", "Kafka")
    assert job.skills == ("Python", "Go", "PostgreSQL", "Kafka", "Communication", "Collaboration", "Terraform")


def test_a_jd_without_headings_uses_its_bullets_and_none_is_empty() -> None:
    job = parse_job_description("We need someone great.\n* Kubernetes (k8s) in production\n* Rust or C++\n")
    assert [r.text for r in job.requirements] == ["Kubernetes (k8s) in production", "Rust or C++"]
    assert job.skills == ("Kubernetes", "Rust", "C++")
    assert parse_job_description(None).requirements == () and parse_job_description("  ").skills == ()


def test_skills_that_are_english_words_count_only_when_written_as_technologies() -> None:
    assert find_skills("We go to great lengths; let it rest in spring.") == []
    assert find_skills("Services in Go, a REST API, Spring Boot and Node.js") == ["Go", "REST", "Spring", "Node.js"]
    assert find_skills("postgres and k8s, C# and CI/CD") == ["PostgreSQL", "Kubernetes", "C#", "CI/CD"]
    assert mentioned_skills("i'd go with postgres, then golang", ["Go", "PostgreSQL", "Kafka"]) == {"Go", "PostgreSQL"}


# --- questions, replies and timing

def test_each_question_gets_its_timing_suggestion_and_the_candidates_reply() -> None:
    captions = [
        cap(1, "interviewer", "How would you partition a Kafka topic for payments?", 10, 3.0),
        cap(2, "candidate", "Um, by merchant id, so ordering holds per merchant and we can scale out.", 15, 6.0),
        cap(3, "interviewer", "And what if one merchant is hot?", 30, 2.0),
    ]
    questions = [question("q1", captions[0].text, (1,), 13.5), question("q2", captions[2].text, (3,), 32.0)]
    answers = [AnswerRow("a1", "q1", "openai", "gpt", ("resume:experience:0",), 310.0, 2100.0, T0 + 14),
               AnswerRow("a2", "q1", "offline", None, (), 5.0, 40.0, T0 + 20)]  # regenerated later
    r = report(captions, questions, answers)
    q1, q2 = r["questions"]  # type: ignore[misc]
    assert q1["at_s"] == 10.0 and q1["detection_delay_s"] == 0.2  # last revision arrived at 13.3
    assert q1["suggestion"] == {"answer_id": "a2", "engine": "offline", "model": None, "first_token_ms": 5.0,
                                "complete_ms": 40.0, "sources": [], "at_s": 20.0, "count": 2}
    # the question ends at 13.6 s: its 9 words at the assumed pace outlast its measured 3 s span
    assert q1["response"] == {"answered": True, "delay_s": 1.4, "seconds": 6.0, "words": 14, "wpm": 140.0,
                              "pace_measured": True}
    assert q2["suggestion"] is None and q2["response"]["answered"] is False and q2["response"]["wpm"] is None
    assert r["summary"]["answered"] == 1 and r["summary"]["kinds"] == {"technical": 2}  # type: ignore[index]


def test_a_question_fired_on_interim_text_has_no_negative_delay() -> None:
    captions = [cap(1, "interviewer", "Why did you choose Postgres over Mongo for this?", 5, 4.0)]
    r = report(captions, [question("q1", captions[0].text, (1,), 6.0)])
    assert r["questions"][0]["detection_delay_s"] == 0.0  # type: ignore[index]


def test_a_question_asked_by_hand_is_placed_at_its_event_time() -> None:
    r = report([], [QuestionRow("m5", "Walk me through CAP.", "technical", (), (), T0 + 42, source="manual")])
    [q] = r["questions"]  # type: ignore[misc]
    assert q["at_s"] == 42.0 and q["detection_delay_s"] is None and q["source"] == "manual"


# --- talk, overlaps, fillers, timeline

def test_talk_share_overlaps_interruptions_and_fillers() -> None:
    captions = [
        cap(1, "interviewer", "So tell me about the migration project you led last year please", 0, 10.0),
        cap(2, "candidate", "Uh, sure, basically we, you know, moved everything, um, twice.", 8, 10.0),  # cuts in
        cap(3, "interviewer", "Mm.", 17.8, 0.0),  # a short backchannel over the candidate
    ]
    r = report(captions, [])
    talk = r["talk"]
    shares = {s["role"]: s["share"] for s in talk["speakers"]}  # type: ignore[index]
    assert shares == {"interviewer": 0.51, "candidate": 0.49}
    assert talk["overlaps"] == {"count": 2, "seconds": 2.2}  # type: ignore[index]
    assert talk["interruptions"] == {"count": 1, "by": {"candidate_interrupted_interviewer": 1}}  # type: ignore[index]
    assert r["talk"]["by_name"] == []  # type: ignore[index]  # no names were sent
    fillers = r["fillers"]
    assert fillers["count"] == 4 and fillers["per_minute"] == 24.0  # type: ignore[index]


def test_captions_sent_in_one_piece_count_at_the_assumed_pace() -> None:
    r = report([cap(1, "candidate", " ".join(["word"] * 30), 0, client=False)], [])
    [speaker] = r["talk"]["speakers"]  # type: ignore[index]
    assert speaker["seconds"] == 12.0 and speaker["wpm"] == 150.0 and speaker["pace_measured"] is False


def test_one_speakers_overlapping_captions_count_once_and_people_are_told_apart() -> None:
    captions = [cap(1, "candidate", "We sharded the ledger by account", 0, 4.0),
                cap(2, "candidate", "and replayed the outbox nightly", 2, 4.0),  # overlaps the one before
                cap(3, "interviewer", "Why nightly?", 10, 2.0), cap(4, "other", "Sorry to interrupt", 13, 2.0)]
    captions = [CaptionRow(c.id, c.speaker_role, c.text, c.created_at, c.updated_at, c.revision, c.client_ts,
                           {"candidate": "Sam", "interviewer": "Dana", "other": "Lee"}[c.speaker_role])
                for c in captions]
    talk = report(captions, [])["talk"]
    assert {s["role"]: s["seconds"] for s in talk["speakers"]} == {"interviewer": 2.0, "candidate": 6.0,  # type: ignore[index]
                                                                   "other": 2.0}
    assert talk["by_name"] == [  # type: ignore[index]
        {"name": "Sam", "role": "candidate", "seconds": 6.0, "share": 0.6},
        {"name": "Dana", "role": "interviewer", "seconds": 2.0, "share": 0.2},
        {"name": "Lee", "role": "other", "seconds": 2.0, "share": 0.2}]


def test_the_timeline_merges_close_captions_of_one_speaker() -> None:
    captions = [cap(1, "interviewer", "One two", 0, 1.0), cap(2, "interviewer", "three four", 2.5, 1.0),
                cap(3, "candidate", "five six", 4, 1.0), cap(4, "interviewer", "seven", 20, 1.0)]
    segments = report(captions, [])["timeline"]["segments"]  # type: ignore[index]
    assert segments == [{"start_s": 0.0, "end_s": 3.5, "speaker": "interviewer"},
                        {"start_s": 4.0, "end_s": 5.0, "speaker": "candidate"},
                        {"start_s": 20.0, "end_s": 21.0, "speaker": "interviewer"}]


# --- JD coverage and resume items

def test_coverage_marks_what_was_asked_and_what_the_candidate_mentioned() -> None:
    captions = [cap(1, "interviewer", "How do you operate Kafka at scale?", 0, 2.0),
                cap(2, "candidate", "With Python consumers and careful PostgreSQL operations at scale.", 3, 5.0)]
    answers = [AnswerRow("a1", "q1", "offline", None, ("resume:experience:1", "resume:skills", "job:0"), 1, 2, T0)]
    inp = ReportInput(session(), captions, [question("q1", captions[0].text, (1,), 2.5)], answers,
                      {"resume:experience:1": "Engineer at Foo (2019-2022)"})
    r = build_report(inp, generated_at=T0)
    skills = {s["name"]: (s["asked"], s["mentioned"]) for s in r["jd"]["skills"]}
    assert skills["Kafka"] == (True, False) and skills["Python"] == (False, True)
    assert skills["Go"] == (False, False) and skills["Terraform"] == (False, False)
    reqs = {q["text"]: (q["asked"], q["mentioned"]) for q in r["jd"]["requirements"]}
    assert reqs["Operating PostgreSQL and Kafka at scale"] == (True, True)
    assert reqs["Clear written communication with stakeholders"] == (False, False)
    assert r["jd"]["skills_covered"] == round(3 / 7, 3) and r["jd"]["requirements_covered"] == 0.5
    assert r["resume"]["items"] == [{"ref": "resume:experience:1", "title": "Engineer at Foo (2019-2022)", "uses": 1},
                                    {"ref": "resume:skills", "title": None, "uses": 1}]


# --- empty input, trends, charts, exports

def test_an_empty_session_gives_an_empty_valid_report_charts_and_exports() -> None:
    r = report([], [], job_description=None, status="active", ended_at=None)
    assert r["final"] is False and r["duration_s"] == 700.0  # running: up to now
    assert r["questions"] == [] and r["talk"]["speakers"] == [] and r["jd"]["skills_covered"] is None  # type: ignore[index]
    for svg in report_charts(r).values():
        ET.fromstring(svg)
    assert "No questions yet." in report_markdown(r)
    assert report_pdf(r).startswith(b"%PDF")


def test_insights_average_the_interviews_and_find_repeated_themes() -> None:
    reports = []
    for i, text in enumerate(["How would you design a rate limiter?", "Design a rate limiter for our API.",
                              "How are you today?"]):
        caps = [cap(1, "interviewer", text, 0, 2.0), cap(2, "candidate", "I would use a token bucket, um.", 3, 4.0)]
        kind = "small_talk" if "today" in text else "system_design"
        inp = ReportInput(session(id=f"s{i}", created_at=T0 + i * 86400), caps, [question("q1", text, (1,), 2.1, kind)],
                          [AnswerRow("a", "q1", "offline", None, (), 100.0 * (i + 1), 500.0, T0)])
        reports.append(trend_point(build_report(inp, generated_at=T0)))
    data = insights(list(reversed(reports)), company=None, since=None, truncated=False)
    assert [s["session_id"] for s in data["sessions"]] == ["s0", "s1", "s2"]
    assert data["averages"]["first_token_ms"] == 200.0 and data["averages"]["fillers_per_minute"] == 15.0
    assert data["themes"][0] == {"theme": "rate limiter", "questions": 2, "sessions": 2,
                                 "example": "How would you design a rate limiter?", "kinds": {"system_design": 2}}
    assert all("today" not in t["theme"] for t in data["themes"])  # small talk is no theme
    for svg in trend_charts(data).values():
        ET.fromstring(svg)


def test_exports_escape_table_cells_and_survive_any_script() -> None:
    text = "Which is better | worse: 数据库 or “Postgres” — and why?"
    r = report([cap(1, "interviewer", text, 0, 2.0)], [question("q1", text, (1,), 2.1)])
    md = report_markdown(r)
    assert "better \\| worse: 数据库" in md
    pdf = pypdf.PdfReader(io.BytesIO(report_pdf(r)))
    assert "Which is better | worse" in "".join(p.extract_text() for p in pdf.pages)


def test_the_trend_cache_keeps_the_most_recently_used_points() -> None:
    from mentor.http.trend_cache import TrendCache

    cache = TrendCache(2)
    cache.put(("a", 1.0), {"n": 1})
    cache.put(("b", 1.0), {"n": 2})
    assert cache.get(("a", 1.0)) == {"n": 1}  # "a" is now the most recent
    cache.put(("c", 1.0), {"n": 3})
    assert cache.get(("b", 1.0)) is None and cache.get(("a", 1.0)) == {"n": 1} and cache.get(("c", 1.0))
    assert cache.get(("a", 2.0)) is None  # another ended_at is another key
    assert (cache.hits, cache.misses) == (3, 2)
    off = TrendCache(0)
    off.put(("a", 1.0), {"n": 1})
    assert off.get(("a", 1.0)) is None
