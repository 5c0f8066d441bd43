"""Reports and insights over real sockets (httpx against a live server), on SQLite and PostgreSQL: a session
with a detected question, an offline suggestion and the candidate's reply reads back as a live report, then
a final one; Markdown and PDF exports; 404 for other users' sessions, 400 invalid_query for bad query parameters."""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pypdf
import trio

from tests.conftest import User, make_settings, register, running_server
from tests.openai_stub import SAMPLE_RESUME_MD
from tests.sse import SSE, read_events

JD = """Senior Backend Engineer, Payments

Requirements:
- Several years building backend services in Python
- Experience with Kafka and PostgreSQL in production
- Running services on Kubernetes
"""
QUESTION = "Tell me about a time you scaled a Kafka consumer that fell behind."
REPLY = ("Um, sure. In my last role our Python consumers on Kafka fell behind during a sale, so we, uh, "
         "partitioned by merchant and added a PostgreSQL outbox.")


async def wait_for_answer(user: User, sid: str, ready: trio.Event, into: list[SSE]) -> None:
    async with user.client.stream("GET", f"/sessions/{sid}/events", headers=user.auth,
                                  timeout=httpx.Timeout(10, read=None)) as response:
        ready.set()
        async for ev in read_events(response):
            into.append(ev)
            if ev.event in ("new_answer", "answer_failed"):
                return


async def interview(user: User, **fields: Any) -> str:
    """A session in which the interviewer asks one question, the offline engine suggests an answer and the
    candidate replies; returns the session id once the suggestion is stored."""
    sid = str((await user.create_session(job_description=JD, **fields))["id"])
    t0 = time.time()
    seen: list[SSE] = []
    with trio.fail_after(15):
        async with trio.open_nursery() as nursery:
            ready = trio.Event()
            nursery.start_soon(wait_for_answer, user, sid, ready, seen)
            await ready.wait()
            for rev, text in enumerate(["Tell me about a time", QUESTION]):
                r = await user.captions(sid, {"speaker_role": "interviewer", "speaker_name": "Dana", "text": text,
                                              "block_id": "i1", "revision": rev, "final": rev == 1,
                                              "client_ts": t0})
                assert r.status_code == 200, r.text
    assert seen[-1].event == "new_answer", [e.event for e in seen]
    r = await user.captions(sid, {"speaker_role": "candidate", "speaker_name": "Sam", "text": REPLY,
                                  "block_id": "c1", "final": True})
    assert r.status_code == 200, r.text
    return sid


async def test_a_session_reports_live_then_final_with_exports(user: User) -> None:
    r = await user.request("POST", "/resumes", json={"name": "Sam", "text": SAMPLE_RESUME_MD})
    assert r.status_code == 201, r.text
    sid = await interview(user, company="Acme")

    r = await user.request("GET", f"/sessions/{sid}/report")
    assert r.status_code == 200, r.text
    live = r.json()
    assert live["final"] is False and live["session"]["status"] == "active"
    [q] = live["questions"]
    assert q["text"] == QUESTION and q["kind"] == "behavioral" and q["source"] == "auto"
    assert q["detection_delay_s"] is not None and q["detection_delay_s"] >= 0
    assert q["suggestion"]["engine"] == "offline" and q["suggestion"]["first_token_ms"] is not None
    assert q["suggestion"]["complete_ms"] >= q["suggestion"]["first_token_ms"]
    assert q["response"]["answered"] is True and q["response"]["words"] == len(REPLY.split())
    assert q["response"]["wpm"] is not None
    roles = {s["role"]: s for s in live["talk"]["speakers"]}
    assert set(roles) == {"interviewer", "candidate"} and roles["interviewer"]["names"] == ["Dana"]
    assert [(n["name"], n["role"]) for n in live["talk"]["by_name"]] == [("Sam", "candidate"), ("Dana", "interviewer")]
    assert abs(sum(s["share"] for s in roles.values()) - 1) < 0.01
    assert live["fillers"]["count"] == 2 and {f["word"] for f in live["fillers"]["top"]} == {"um", "uh"}
    assert [s["speaker"] for s in live["timeline"]["segments"]] == ["interviewer", "candidate"]
    assert live["timeline"]["questions"][0]["question_id"] == q["question_id"]
    skills = {s["name"]: s for s in live["jd"]["skills"]}
    assert skills["Kafka"] == {"name": "Kafka", "asked": True, "mentioned": True}
    assert skills["PostgreSQL"]["mentioned"] and not skills["PostgreSQL"]["asked"]
    assert skills["Kubernetes"] == {"name": "Kubernetes", "asked": False, "mentioned": False}
    assert len(live["jd"]["requirements"]) == 3 and live["jd"]["requirements"][2]["mentioned"] is False
    # the offline suggestion drew on the active resume: its items are named by their resume titles
    cited = [s for s in q["suggestion"]["sources"] if s.startswith("resume:")]
    assert cited and [i["ref"] for i in live["resume"]["items"]] == sorted(cited)
    assert all(i["title"] and i["uses"] == 1 for i in live["resume"]["items"]), live["resume"]

    r = await user.request("POST", f"/sessions/{sid}/end")
    assert r.status_code == 200
    r = await user.request("GET", f"/sessions/{sid}/report", params={"include": "charts"})
    final = r.json()
    assert final["final"] is True and final["session"]["ended_at"] is not None
    assert final["questions"][0]["question_id"] == q["question_id"]
    assert set(final["charts"]) == {"timeline", "talk_share", "latency", "coverage"}
    for svg in final["charts"].values():
        assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"  # well-formed SVG

    md = await user.request("GET", f"/sessions/{sid}/report.md")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert QUESTION in md.text and "[x] Kafka - asked - you mentioned it" in md.text

    pdf = await user.request("GET", f"/sessions/{sid}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Interview report" in text and "Kafka consumer" in text and "Who spoke when" in text


async def test_a_session_without_captions_has_an_empty_valid_report(user: User) -> None:
    sid = (await user.create_session())["id"]
    for path in (f"/sessions/{sid}/report?include=charts", f"/sessions/{sid}/report.md",
                 f"/sessions/{sid}/report.pdf"):
        r = await user.request("GET", path)
        assert r.status_code == 200, (path, r.text)
    report = (await user.request("GET", f"/sessions/{sid}/report")).json()
    assert report["questions"] == [] and report["talk"]["speakers"] == [] and report["timeline"]["segments"] == []
    assert report["summary"]["captions"] == 0 and report["fillers"]["per_minute"] == 0.0
    assert report["jd"]["skills"] == [] and report["final"] is False


async def test_another_users_session_is_not_found(user: User, client: httpx.AsyncClient) -> None:
    sid = (await user.create_session())["id"]
    other = await register(client)
    for path in (f"/sessions/{sid}/report", f"/sessions/{sid}/report.md", f"/sessions/{sid}/report.pdf",
                 "/sessions/no-such-session/report"):
        r = await other.request("GET", path)
        assert r.status_code == 404, path
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "session_not_found"
    assert (await client.get(f"/sessions/{sid}/report")).status_code == 401


async def test_bad_query_parameters_are_refused(user: User) -> None:
    sid = (await user.create_session())["id"]
    for path, params in ((f"/sessions/{sid}/report", {"include": "everything"}),
                         ("/users/me/insights", {"since": "last tuesday"}),
                         ("/users/me/insights", {"since": "2026-01-01T10:00:00"}),  # no zone
                         ("/users/me/insights", {"since": "-5"}),
                         ("/users/me/insights", {"company": "x" * 201}),
                         ("/users/me/insights", {"include": "svg"})):
        r = await user.request("GET", path, params=params)
        assert r.status_code == 400, (path, params, r.text)
        assert r.headers["content-type"] == "application/problem+json" and r.json()["code"] == "invalid_query"


async def test_insights_trend_across_interviews_filtered_by_company_and_date(user: User,
                                                                             client: httpx.AsyncClient) -> None:
    first = await interview(user, company="Acme, Inc.")
    second = await interview(user, company="acme")
    await user.create_session(company="Globex")  # another company, no captions
    await register(client)  # another user's sessions never appear

    r = await user.request("GET", "/users/me/insights", params={"company": "ACME", "include": "charts"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert [s["session_id"] for s in data["sessions"]] == [first, second]  # oldest first
    assert data["totals"] == {"sessions": 2, "questions": 2, "kinds": {"behavioral": 2}}
    assert data["sessions"][0]["kinds"] == {"behavioral": 1} and data["sessions"][0]["jd_skills_covered"] > 0
    assert data["averages"]["candidate_talk_share"] is not None and data["averages"]["first_token_ms"] > 0
    assert any(t["theme"] == "kafka consumer" and t["questions"] == 2 for t in data["themes"]), data["themes"]
    assert set(data["charts"]) >= {"kinds", "talk_share", "pace", "fillers", "latency", "coverage"}
    assert data["truncated"] is False

    everything = (await user.request("GET", "/users/me/insights")).json()
    assert len(everything["sessions"]) == 3
    future = (await user.request("GET", "/users/me/insights", params={"since": str(time.time() + 3600)})).json()
    assert future["sessions"] == [] and future["themes"] == [] and future["averages"]["candidate_wpm"] is None
    dated = (await user.request("GET", "/users/me/insights", params={"since": "2000-01-01"})).json()
    assert len(dated["sessions"]) == 3


async def test_reports_are_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    paths = spec["paths"]
    report = paths["/sessions/{session_id}/report"]["get"]
    assert {p["name"] for p in report["parameters"] if p["in"] == "query"} == {"include"}
    assert "200" in report["responses"] and report["tags"] == ["reports"]
    insights = paths["/users/me/insights"]["get"]
    assert {p["name"] for p in insights["parameters"] if p["in"] == "query"} == {"company", "since", "include"}
    assert "/sessions/{session_id}/report.md" in paths and "/sessions/{session_id}/report.pdf" in paths


async def test_insights_read_at_most_the_newest_insights_max_sessions(database_url: str) -> None:
    async with running_server(make_settings(database_url, insights_max_sessions=2)) as srv, \
            httpx.AsyncClient(base_url=srv.url, timeout=10) as client:
        user = await register(client)
        ids = [(await user.create_session(title=f"Interview {i}"))["id"] for i in range(3)]
        data = (await user.request("GET", "/users/me/insights")).json()
        assert data["truncated"] is True and [s["session_id"] for s in data["sessions"]] == ids[1:]


async def test_insights_of_ended_interviews_are_stable_and_deleted_ones_disappear(user: User) -> None:
    kept = await interview(user, company="Acme")
    gone = await interview(user, company="Acme")
    for sid in (kept, gone):
        assert (await user.request("POST", f"/sessions/{sid}/end")).status_code == 200
    first = (await user.request("GET", "/users/me/insights")).json()
    again = (await user.request("GET", "/users/me/insights")).json()  # served from the trend cache
    assert first == again and [s["session_id"] for s in first["sessions"]] == [kept, gone]
    assert (await user.request("DELETE", f"/sessions/{gone}")).status_code == 204
    after = (await user.request("GET", "/users/me/insights")).json()
    assert [s["session_id"] for s in after["sessions"]] == [kept] and after["totals"]["questions"] == 1
