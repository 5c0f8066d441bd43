"""Resumes, knowledge base and POST /ask over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from typing import Any

import httpx
import trio

from tests.conftest import User, make_settings, register, running_server
from tests.openai_stub import SAMPLE_RESUME_MD, OpenAIStub, Reply
from tests.sse import read_events

PLAIN_RESUME_LINES = [
    "Jonas Weber",
    "Site Reliability Engineer",
    "jonas.weber@example.com | +49 170 1234567",
    "",
    "Summary",
    "Reliability engineer who keeps payment platforms up.",
    "",
    "Experience",
    "Site Reliability Engineer - Klarna (Jan 2019 - Present)",
    "- Cut incident response time from 45 minutes to 12 minutes with runbook automation.",
    "- Ran the Kubernetes migration of 140 services.",
    "",
    "Skills",
    "Terraform, Prometheus, Kubernetes, Python",
    "",
    "Education",
    "M.Sc. Informatics, TU Munich, 2018",
]


def make_pdf(lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.cell(0, 6, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_docx(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        if line in {"Summary", "Experience", "Skills", "Education"}:
            document.add_heading(line, level=2)
        elif line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        elif line:
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def upload(user: User, path: str, filename: str, data: bytes, **fields: str) -> httpx.Response:
    return await user.request("POST", path, files={"file": (filename, data)}, data=fields)


async def add_resume(user: User, name: str = "Main", text: str = SAMPLE_RESUME_MD) -> dict[str, Any]:
    r = await user.request("POST", "/resumes", json={"name": name, "text": text})
    assert r.status_code == 201, r.text
    return dict(r.json())


def employers(resume: dict[str, Any]) -> list[str]:
    return [e["employer"] for e in resume["profile"]["experience"]]


# --- resumes -----------------------------------------------------------------------------------------------

async def test_resume_as_json_markdown(user: User) -> None:
    created = await add_resume(user)
    assert created["active"] is True  # the first resume becomes active
    assert employers(created) == ["Zalando SE", "Delivery Hero", "Kiwi Solutions"]
    profile = created["profile"]
    assert profile["experience_level"] in {"senior", "lead"} and profile["total_years"] > 8
    assert "Kafka" in profile["skills"] and profile["education"]
    assert "maria.schneider@example.com" not in str(profile) and "+49" not in str(profile)

    r = await user.request("GET", f"/resumes/{created['id']}")
    assert r.status_code == 200 and "Zalando" in r.json()["text"]


async def test_resume_uploads_as_md_pdf_and_docx(user: User) -> None:
    r = await upload(user, "/resumes", "maria.md", SAMPLE_RESUME_MD.encode())
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "maria" and "Zalando SE" in employers(r.json())

    r = await upload(user, "/resumes", "jonas.pdf", make_pdf(PLAIN_RESUME_LINES), name="Jonas PDF")
    assert r.status_code == 201, r.text
    pdf = r.json()
    assert pdf["name"] == "Jonas PDF" and pdf["active"] is False
    assert "Klarna" in employers(pdf) and "Terraform" in pdf["profile"]["skills"]

    r = await upload(user, "/resumes", "jonas.docx", make_docx(PLAIN_RESUME_LINES))
    assert r.status_code == 201, r.text
    assert "Klarna" in employers(r.json()) and "Prometheus" in r.json()["profile"]["skills"]
    assert "jonas.weber" not in r.text

    listed = (await user.request("GET", "/resumes")).json()["resumes"]
    assert [x["name"] for x in listed] == ["jonas", "Jonas PDF", "maria"]
    assert [x["active"] for x in listed] == [False, False, True]


async def test_activate_and_delete_keep_exactly_one_active(user: User) -> None:
    first, second, third = [await add_resume(user, name) for name in ("first", "second", "third")]

    async def active() -> list[str]:
        rows = (await user.request("GET", "/resumes")).json()["resumes"]
        return [x["name"] for x in rows if x["active"]]

    assert await active() == ["first"]
    r = await user.request("PUT", f"/resumes/{second['id']}/active")
    assert r.status_code == 200 and r.json()["active"] is True
    assert await active() == ["second"]
    # deleting the active resume promotes the newest remaining one
    assert (await user.request("DELETE", f"/resumes/{second['id']}")).status_code == 204
    assert await active() == ["third"]
    assert (await user.request("DELETE", f"/resumes/{first['id']}")).status_code == 204
    assert await active() == ["third"]
    assert (await user.request("DELETE", f"/resumes/{third['id']}")).status_code == 204
    assert (await user.request("GET", "/resumes")).json()["resumes"] == []
    assert (await user.request("GET", f"/resumes/{third['id']}")).status_code == 404


async def test_another_users_resume_is_indistinguishable_from_a_missing_one(client: httpx.AsyncClient,
                                                                            user: User) -> None:
    mine = await add_resume(user)
    mallory = await register(client)
    other = await add_resume(mallory, "mallory's")
    missing = "00000000-0000-0000-0000-000000000000"
    for method, path in [("GET", "/resumes/{}"), ("PUT", "/resumes/{}/active"), ("DELETE", "/resumes/{}")]:
        theirs = await mallory.request(method, path.format(mine["id"]))
        nothing = await mallory.request(method, path.format(missing))
        assert theirs.status_code == nothing.status_code == 404, (method, path)
        assert theirs.json() == nothing.json()
    assert [x["id"] for x in (await mallory.request("GET", "/resumes")).json()["resumes"]] == [other["id"]]
    # the owner's resume is untouched and still active; mallory's stays active for mallory
    mine_now = (await user.request("GET", f"/resumes/{mine['id']}")).json()
    assert mine_now["active"] is True
    assert (await mallory.request("GET", f"/resumes/{other['id']}")).json()["active"] is True


async def test_malformed_uploads_are_refused_and_change_nothing(user: User) -> None:
    await add_resume(user)
    big = b"a" * (10 * 1024 * 1024 + 1)
    cases: list[tuple[str, bytes, int, str]] = [
        ("resume.exe", b"MZ\x90\x00", 415, "unsupported_file_type"),
        ("resume", b"hello", 415, "unsupported_file_type"),
        ("resume.pdf", b"just some text pretending", 415, "file_content_mismatch"),
        ("resume.docx", b"%PDF-1.4 not a word file", 415, "file_content_mismatch"),
        ("resume.txt", b"PK\x03\x04zip in disguise", 415, "file_content_mismatch"),
        ("resume.txt", b"bin\x00ary", 415, "file_content_mismatch"),
        ("resume.txt", b"", 422, "empty_file"),
        ("resume.md", b"  \n\n ", 422, "empty_file"),
        ("resume.pdf", b"%PDF-1.7\n garbage that is no PDF at all", 422, "unreadable_file"),
        ("resume.docx", b"PK\x03\x04 not really a zip", 422, "unreadable_file"),
        ("resume.txt", big, 413, "file_too_large"),
    ]
    for path in ("/resumes", "/knowledge"):
        for filename, data, status, code in cases:
            r = await upload(user, path, filename, data, company="Acme")
            assert r.status_code == status, (path, filename, r.text[:300])
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["code"] == code, (path, filename)
    # far beyond the limit: refused from Content-Length, before the body is read
    r = await upload(user, "/resumes", "huge.txt", b"a" * (12 * 1024 * 1024))
    assert r.status_code == 413 and r.json()["code"] == "file_too_large"
    r = await user.request("POST", "/resumes", files={"other": ("a.txt", b"x")})
    assert r.status_code == 400 and r.json()["code"] == "file_missing"
    r = await user.request("POST", "/resumes", content=b"text", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = await user.request("POST", "/resumes", json={"name": "x", "text": "  "})
    assert r.status_code == 422
    r = await upload(user, "/knowledge", "notes.txt", b"Some notes")  # no company
    assert r.status_code == 422
    assert len((await user.request("GET", "/resumes")).json()["resumes"]) == 1
    assert (await user.request("GET", "/knowledge")).json()["documents"] == []


# --- knowledge base ------------------------------------------------------------------------------------------

ACME_NOTES = """Acme runs its checkout on Kafka and PostgreSQL.

The platform team is migrating from Heroku to Kubernetes this year. Interviews focus on system design:
expect questions about idempotent payment processing and exactly-once delivery.

Acme values ownership. Engineers are on call for their own services."""

GLOBEX_NOTES = "Globex builds logistics software in Rust. Their interviews include a live coding round on graphs."


async def test_knowledge_upload_list_search_and_delete(client: httpx.AsyncClient, user: User) -> None:
    r = await user.request("POST", "/knowledge", json={"company": "Acme", "title": "Acme notes", "text": ACME_NOTES})
    assert r.status_code == 201, r.text
    acme = r.json()
    assert acme["company"] == "Acme" and acme["chunks"] >= 1
    r = await upload(user, "/knowledge", "globex.pdf", make_pdf([GLOBEX_NOTES[:80], GLOBEX_NOTES[80:]]),
                     company="Globex Corp")
    assert r.status_code == 201, r.text
    globex = r.json()
    assert globex["title"] == "globex"

    docs = (await user.request("GET", "/knowledge")).json()["documents"]
    assert {d["id"] for d in docs} == {acme["id"], globex["id"]}
    docs = (await user.request("GET", "/knowledge", params={"company": "ACME"})).json()["documents"]
    assert [d["id"] for d in docs] == [acme["id"]]

    async def search(q: str, company: str | None = None, who: User = user) -> list[dict[str, Any]]:
        params = {"q": q, **({"company": company} if company else {})}
        r = await who.request("GET", "/knowledge/search", params=params)
        assert r.status_code == 200, r.text
        return list(r.json()["results"])

    hits = await search("How would you handle payment processing with Kafka?")
    assert hits and hits[0]["ref"].startswith(f"kb:{acme['id']}:") and "Kafka" in hits[0]["text"]
    assert await search("graphs coding", company="globex") != []
    assert await search("graphs coding", company="Acme") == []  # company filter
    assert (await search("kubernetes migration", company="acme, inc."))[0]["ref"].startswith(f"kb:{acme['id']}")
    # text from live speech can hold anything: FTS operators must not break the query
    for nasty in ['"AND (NEAR* -', "OR", "kafka NOT", "col:kafka", "^kafka*", "'); DROP TABLE kb_chunks; --",
                  "NEAR(kafka postgres, 2)", "\u00e9t\u00e9 \u2603 \U0001f600", ""]:
        await search(nasty)
    assert await search('"kafka" AND (NEAR* -')  # the plain term still finds something

    mallory = await register(client)
    assert await search("kafka payment", who=mallory) == []
    gone = await mallory.request("DELETE", f"/knowledge/{acme['id']}")
    assert gone.status_code == 404
    assert (await mallory.request("GET", "/knowledge")).json()["documents"] == []

    assert (await user.request("DELETE", f"/knowledge/{acme['id']}")).status_code == 204
    assert await search("kafka payment") == []
    assert (await user.request("DELETE", f"/knowledge/{acme['id']}")).status_code == 404


async def test_long_documents_are_chunked(user: User) -> None:
    paragraphs = [f"Section {i}. " + " ".join(f"Sentence {i}.{j} about topic{i} and shared words." for j in range(12))
                  for i in range(10)]
    r = await user.request("POST", "/knowledge", json={"company": "Initech", "text": "\n\n".join(paragraphs)})
    assert r.status_code == 201
    assert 6 <= r.json()["chunks"] <= 20
    hits = (await user.request("GET", "/knowledge/search", params={"q": "topic7", "limit": "50"})).json()["results"]
    assert hits and all("topic7" in h["text"] for h in hits)
    assert all(len(h["text"]) <= 900 for h in hits)


# --- POST /ask -------------------------------------------------------------------------------------------------

QUESTION = "Tell me about a time you improved the latency of a payment system."


async def test_ask_offline_json_and_sse(user: User) -> None:
    await add_resume(user)
    await user.request("POST", "/knowledge", json={"company": "Acme", "text": ACME_NOTES})
    r = await user.request("POST", "/ask", json={"question": QUESTION, "company": "Acme", "role": "Backend engineer"})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["engine"] == "offline" and answer["model"] is None
    assert "Zalando" in answer["text"] and ("900 ms" in answer["text"] or "210 ms" in answer["text"])
    assert any(s.startswith("resume:") for s in answer["sources"])
    assert answer["latency_ms"] >= 0 and answer["tokens"]["completion"] > 0

    async with user.client.stream("POST", "/ask", json={"question": QUESTION},
                                  headers={**user.auth, "Accept": "text/event-stream"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-store"
        events = [e async for e in read_events(response)]
    deltas = [e for e in events if e.event == "answer_delta"]
    assert deltas and [d.data["seq"] for d in deltas] == list(range(1, len(deltas) + 1))
    assert events[-1].event == "new_answer"
    assert "".join(d.data["text"] for d in deltas) == events[-1].data["text"]
    assert "Zalando" in events[-1].data["text"]

    for bad in [{}, {"question": ""}, {"question": "x", "kind": "weird"}, {"question": "x", "language": "english!"},
                {"question": "x", "extra": 1}]:
        r = await user.request("POST", "/ask", json=bad)
        assert r.status_code == 422, bad


async def test_ask_without_resume_still_answers(user: User) -> None:
    r = await user.request("POST", "/ask", json={"question": "What is a database index?", "kind": "technical"})
    assert r.status_code == 200 and r.json()["text"]


async def test_ask_with_a_model_sends_the_resume_facts(database_url: str) -> None:
    stub = OpenAIStub(default=Reply.text("At Zalando I cut p99 latency from 900 ms to 210 ms."))
    async with trio.open_nursery() as nursery:
        base_url = await nursery.start(stub.serve)
        settings = make_settings(database_url, model="stub-model", openai_base_url=base_url, openai_api_key="test")
        async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as client:
            user = await register(client)
            await add_resume(user)
            await user.request("POST", "/knowledge", json={"company": "Acme", "text": ACME_NOTES})
            r = await user.request("POST", "/ask", json={"question": QUESTION, "company": "Acme"})
            assert r.status_code == 200, r.text
            answer = r.json()
            assert answer["engine"] == "openai" and answer["model"] == "stub-model"
            assert answer["text"] == "At Zalando I cut p99 latency from 900 ms to 210 ms."
            prompt = stub.requests[-1].prompt_text
            assert "Zalando" in prompt and "900 ms" in prompt and "Kafka" in prompt
            assert "maria.schneider@example.com" not in prompt and "Musterstraße" not in prompt
            assert any(s.startswith("resume:") for s in answer["sources"])

            async with client.stream("POST", "/ask", json={"question": QUESTION},
                                     headers={**user.auth, "Accept": "text/event-stream"}) as response:
                events = [e async for e in read_events(response)]
            assert events[-1].event == "new_answer" and events[-1].data["engine"] == "openai"
            assert "".join(e.data["text"] for e in events if e.event == "answer_delta") == events[-1].data["text"]
        await stub.wait_idle()
        nursery.cancel_scope.cancel()
