"""Questions and answers inside a live session, end to end: captions in, question_detected and a streamed
answer out over SSE, with the offline engine and with the real openai client against a local stub."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import trio

from tests.conftest import Server, User, make_settings, register, running_server
from tests.openai_stub import SAMPLE_RESUME_MD, OpenAIStub, Reply
from tests.sse import SSE, read_events


def cap(text: str, role: str = "interviewer", **kw: Any) -> dict[str, Any]:
    return {"speaker_role": role, "text": text, **kw}


@pytest.fixture
def database_url(tmp_path: Any) -> str:  # these exercise the actor, not the database: SQLite only
    return f"sqlite:///{tmp_path / 'mentor.db'}"


async def events_until(user: User, sid: str, stop: set[str], *, after: int | None = None,
                       ready: trio.Event | None = None, into: list[SSE] | None = None) -> list[SSE]:
    got: list[SSE] = [] if into is None else into
    headers = {**user.auth, **({"Last-Event-ID": str(after)} if after is not None else {})}
    async with user.client.stream("GET", f"/sessions/{sid}/events", headers=headers) as response:
        if ready is not None:
            ready.set()
        async for ev in read_events(response):
            got.append(ev)
            if ev.event in stop:
                break
    return got


async def next_event(seen: list[SSE], name: str) -> SSE:
    """Wait until a concurrently filled list holds an event named ``name`` (bounded by the caller)."""
    while True:
        for ev in seen:
            if ev.event == name:
                return ev
        await trio.sleep(0.005)  # the reader task fills ``seen``; poll it under the caller's deadline


async def upload_resume(user: User) -> None:
    r = await user.request("POST", "/resumes", json={"name": "Maria", "text": SAMPLE_RESUME_MD})
    assert r.status_code == 201, r.text


async def test_a_detected_question_gets_a_streamed_offline_answer_from_the_resume(user: User) -> None:
    await upload_resume(user)
    sid = (await user.create_session(company="Acme", role="Senior Backend Engineer",
                                     job_description="Python, Kafka, PostgreSQL; payments"))["id"]
    with trio.fail_after(15):
        async with trio.open_nursery() as nursery:
            ready = trio.Event()
            result: list[SSE] = []

            async def watch() -> None:
                result.extend(await events_until(user, sid, {"new_answer", "answer_failed"}, ready=ready))

            nursery.start_soon(watch)
            await ready.wait()
            await user.captions(sid, cap("Thanks for joining.", "interviewer"))
            await user.captions(sid, cap("Thanks for having me.", "candidate"))
            await user.captions(sid, cap("Tell me about a time you had a disagreement with another team.",
                                         block_id="i1", revision=1, final=True))
    names = [e.event for e in result]
    assert "question_detected" in names and names[-1] == "new_answer", names
    question = next(e for e in result if e.event == "question_detected").data
    assert question["kind"] == "behavioral" and question["source"] == "auto" and question["caption_ids"] == [3]
    started = next(e for e in result if e.event == "answer_started").data
    deltas = [e.data for e in result if e.event == "answer_delta"]
    final = result[-1].data
    assert deltas and all(d["answer_id"] == started["answer_id"] for d in deltas)
    assert [d["seq"] for d in deltas] == list(range(1, len(deltas) + 1))
    assert "".join(d["text"] for d in deltas) == final["text"]
    assert final["engine"] == "offline" and final["question_id"] == question["question_id"]
    assert "Delivery Hero" in final["text"] or "Zalando" in final["text"]  # the resume's own facts
    assert any(s.startswith("resume") for s in final["sources"])
    assert final["latency_ms"]["first_token"] is not None and final["latency_ms"]["first_token"] < 1000
    ids = [e.id for e in result if e.id is not None]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    listed = await user.request("GET", f"/sessions/{sid}/answers")
    assert [a["text"] for a in listed.json()["answers"]] == [final["text"]]


async def test_paused_sessions_detect_but_do_not_answer_until_asked(user: User) -> None:
    sid = (await user.create_session())["id"]
    await user.request("PUT", f"/sessions/{sid}/auto-answer", json={"enabled": False})
    await user.captions(sid, cap("What is your experience with Kubernetes?"))
    r = await user.request("POST", f"/sessions/{sid}/regenerate", json={})
    assert r.status_code == 202
    with trio.fail_after(10):
        got = await events_until(user, sid, {"new_answer"})
    names = [e.event for e in got]
    assert names.index("question_detected") < names.index("answer_started")
    # the only answer_started came from regenerate, after the pause
    assert names.count("answer_started") == 1 and names.index("answers_paused") < names.index("question_detected")
    bad = await user.request("POST", f"/sessions/{sid}/regenerate", json={"question_id": "nope"})
    assert bad.status_code == 404 and bad.json()["code"] == "question_not_found"


@pytest.fixture
async def stub_server(database_url: str) -> AsyncIterator[tuple[OpenAIStub, Server]]:
    stub = OpenAIStub(default=Reply(chunks=("Use", " the", " Zalando", " story."), first_token_delay=0.05))
    async with trio.open_nursery() as nursery:
        url = await nursery.start(stub.serve)
        settings = make_settings(database_url, model="stub-model", openai_base_url=url, openai_api_key="test")
        async with running_server(settings) as srv:
            yield stub, srv
        nursery.cancel_scope.cancel()


async def test_llm_answers_stream_and_a_newer_question_cancels_the_old_one(
        stub_server: tuple[OpenAIStub, Server]) -> None:
    stub, srv = stub_server
    async with httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c)
        await upload_resume(user)
        sid = (await user.create_session(company="Acme", language="de"))["id"]
        # the first answer stalls after one token; the second question must cancel it
        stub.script(Reply(chunks=("Erste", " Antwort", " nie", " fertig"), stall_after=1),
                    Reply(chunks=("Zweite", " Antwort."), first_token_delay=0.02))
        with trio.fail_after(15):
            async with trio.open_nursery() as nursery:
                ready = trio.Event()
                result: list[SSE] = []

                nursery.start_soon(lambda: events_until(user, sid, {"new_answer"}, ready=ready, into=result))
                await ready.wait()
                await user.captions(sid, cap("Why do you want to work at Acme?"))
                first_delta = await next_event(result, "answer_delta")
                await user.captions(sid, [cap("Because of the product.", "candidate"),
                                          cap("Thanks. What is your notice period?")])
        names = [e.event for e in result]
        questions = [e.data for e in result if e.event == "question_detected"]
        assert len({q["question_id"] for q in questions}) == 2 and "answer_cancelled" in names
        cancelled = next(e.data for e in result if e.event == "answer_cancelled")
        final = result[-1].data
        assert cancelled["answer_id"] == first_delta.data["answer_id"] != final["answer_id"]
        assert cancelled["reason"] == "newer_question" and final["question_id"] == questions[-1]["question_id"]
        assert final["text"] == "Zweite Antwort." and final["engine"] == "openai" and final["model"] == "stub-model"
        assert final["tokens"] == {"prompt": 42, "completion": 7}
        deltas_after_cancel = [e for e in result[names.index("answer_cancelled"):] if e.event == "answer_delta"]
        assert all(d.data["answer_id"] == final["answer_id"] for d in deltas_after_cancel)
        prompt = stub.requests[-1].prompt_text
        assert "fast, observable ones" in prompt and "notice period" in prompt and "German" in prompt  # resume summary, question, language


async def test_a_failing_model_still_gives_an_answer(stub_server: tuple[OpenAIStub, Server]) -> None:
    stub, srv = stub_server
    stub.script(Reply(chunks=("Half", " an", " answer"), cut_after=1), Reply(chunks=("Half",), cut_after=1))
    async with httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c)
        await upload_resume(user)
        sid = (await user.create_session())["id"]
        await user.captions(sid, cap("How would you design a rate limiter?"))
        with trio.fail_after(15):
            got = await events_until(user, sid, {"new_answer"})
    names = [e.event for e in got]
    assert "answer_failed" in names and names[-1] == "new_answer"
    failed = next(e.data for e in got if e.event == "answer_failed")
    assert failed["fallback"] == "offline" and failed["reason"]
    assert got[-1].data["engine"] == "offline"


async def test_manual_ask_over_rest_answers_even_when_paused(user: User) -> None:
    sid = (await user.create_session())["id"]
    await user.request("PUT", f"/sessions/{sid}/auto-answer", json={"enabled": False})
    r = await user.request("POST", f"/sessions/{sid}/questions", json={"text": "Describe your ideal team"})
    assert r.status_code == 202 and r.json()["answer_id"]
    with trio.fail_after(10):
        got = await events_until(user, sid, {"new_answer"})
    assert got[-1].data["answer_id"] == r.json()["answer_id"]
    assert got[-1].data["question"] == "Describe your ideal team"
    usage = await user.request("GET", "/users/me/usage")
    assert usage.json()["answers"] == 1
