"""Durability and shutdown of a real server process: SIGKILL right after acknowledgements loses nothing;
SIGTERM gives every stream a final event and exits within the grace period; an answer cut by either
ends with a terminal event (issue 18)."""

from __future__ import annotations

import functools
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from pathlib import Path

import httpx
import trio

from tests.conftest import TEST_SECRET, User, register
from tests.openai_stub import OpenAIStub, Reply
from tests.sse import SSE, read_events

LISTENING = re.compile(rb"Mentor listening on (http://[\d.]+:\d+)")


@asynccontextmanager
async def server_process(database_url: str, **env: str) -> AsyncIterator[tuple[trio.Process, str]]:
    """``mentor serve`` in a child process on a free port; yields the process and its base URL."""
    environ = {**os.environ, "MENTOR_DATABASE_URL": database_url, "MENTOR_JWT_SECRET": TEST_SECRET,
               "MENTOR_PASSWORD_HASH_TIME_COST": "1", "MENTOR_PASSWORD_HASH_MEMORY_KIB": "1024",
               "MENTOR_PORT": "0", **env}
    async with trio.open_nursery() as nursery:
        command = [sys.executable, "-m", "mentor.cli", "serve"]
        proc: trio.Process = await nursery.start(
            functools.partial(trio.run_process, command, env=environ, stderr=subprocess.PIPE, check=False))
        assert proc.stderr is not None
        log = b""
        with trio.fail_after(20):
            while not (match := LISTENING.search(log)):
                chunk = await proc.stderr.receive_some()
                assert chunk, f"server exited: {log.decode(errors='replace')}"
                log += chunk
        nursery.start_soon(_drain, proc.stderr)
        try:
            yield proc, match.group(1).decode()
        finally:
            if proc.returncode is None:
                proc.kill()


async def _drain(stream: trio.abc.ReceiveStream) -> None:
    while await stream.receive_some():
        pass


async def test_sigkill_after_acknowledgement_loses_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mentor.db'}"
    acked: list[dict[str, object]] = []
    async with server_process(url) as (proc, base), httpx.AsyncClient(base_url=base, timeout=10) as c:
        user = await register(c, "durable@example.com")
        sid = (await user.create_session())["id"]
        for i in range(20):
            batch = [{"speaker_role": "interviewer", "text": f"caption {i}-{j}"} for j in range(10)]
            batch.append({"speaker_role": "candidate", "text": f"growing {i}", "block_id": "live",
                          "revision": i + 1, "final": False})
            r = await user.captions(sid, batch)
            assert r.status_code == 200
            acked.extend(r.json()["results"])
        proc.send_signal(signal.SIGKILL)  # right after the last acknowledgement: no shutdown path at all
        with trio.fail_after(10):
            await proc.wait()

    async with server_process(url) as (proc, base), httpx.AsyncClient(base_url=base, timeout=10) as c:
        r = await c.post("/auth/login", json={"email": "durable@example.com", "password": "correct horse"})
        user = User(c, "durable@example.com", r.json())
        rows = (await user.request("GET", f"/sessions/{sid}/captions", params={"limit": "1000"})).json()
        texts = {row["text"] for row in rows["captions"]}
        assert {f"caption {i}-{j}" for i in range(20) for j in range(10)} <= texts
        live = next(row for row in rows["captions"] if row["block_id"] == "live")
        assert live["revision"] == 20 and live["text"] == "growing 19"
        last_event = max(int(str(x["event_id"])) for x in acked if "event_id" in x)
        await user.request("POST", f"/sessions/{sid}/end")
        stream = await user.request("GET", f"/sessions/{sid}/events")
        ids = [int(line[4:]) for line in stream.text.splitlines() if line.startswith("id: ")]
        assert ids[:last_event] == list(range(1, last_event + 1))  # the durable log, gap-free
        proc.send_signal(signal.SIGTERM)
        with trio.fail_after(15):
            await proc.wait()


async def test_sigterm_finishes_streams_and_exits_in_time(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mentor.db'}"
    got = []
    server = server_process(url, MENTOR_GRACEFUL_TIMEOUT_S="3")
    async with server as (proc, base), httpx.AsyncClient(base_url=base, timeout=10) as c:
        user = await register(c)
        sid = (await user.create_session())["id"]
        with trio.fail_after(15):
            async with c.stream("GET", f"/sessions/{sid}/events", headers=user.auth) as response:
                async for ev in read_events(response):
                    got.append(ev)
                    if ev.event == "session_created":
                        r = await user.captions(sid, {"speaker_role": "interviewer", "text": "last one"})
                        assert r.status_code == 200
                        proc.send_signal(signal.SIGTERM)
            # the stream ended by itself, after a final event
            await proc.wait()
    assert [e.event for e in got][-1] == "shutdown"
    assert "new_caption" in [e.event for e in got]
    assert proc.returncode == 0


SLOW_ANSWER = Reply.text(" ".join(f"word{i}" for i in range(60)), chunk_delay=0.1)  # ~6 s of streaming
TERMINAL = {"new_answer", "answer_failed", "answer_cancelled"}


async def _ask_and_wait_for_a_delta(user: User, sid: str, events: AsyncIterator[SSE]) -> tuple[str, int]:
    """Ask a question on a live stream; (answer id, last event id) once its first delta arrived."""
    answer_id = ""
    async for ev in events:
        if ev.event == "session_created":
            r = await user.request("POST", f"/sessions/{sid}/questions",
                                   json={"text": "Why did you choose Kafka for the payments pipeline?"})
            assert r.status_code == 202, r.text
            answer_id = r.json()["answer_id"]
        if ev.event == "answer_delta" and ev.data["answer_id"] == answer_id:
            assert ev.id is not None
            return answer_id, ev.id
    raise AssertionError("the stream ended before the answer streamed")


async def test_an_answer_cut_by_sigkill_ends_after_the_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mentor.db'}"
    stub = OpenAIStub(default=SLOW_ANSWER)
    async with trio.open_nursery() as stub_nursery:
        base_url = await stub_nursery.start(stub.serve)
        model = {"MENTOR_MODEL": "stub-model", "OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "test"}
        async with server_process(url, **model) as (proc, base), httpx.AsyncClient(base_url=base, timeout=10) as c:
            user = await register(c, "cut@example.com")
            sid = (await user.create_session())["id"]
            with trio.fail_after(15):
                async with c.stream("GET", f"/sessions/{sid}/events", headers=user.auth) as response, \
                        aclosing(read_events(response)) as events:
                    answer_id, last_id = await _ask_and_wait_for_a_delta(user, sid, events)
                    proc.send_signal(signal.SIGKILL)  # mid-answer, no shutdown path at all
            with trio.fail_after(10):
                await proc.wait()

        async with server_process(url, **model) as (proc, base), httpx.AsyncClient(base_url=base, timeout=10) as c:
            r = await c.post("/auth/login", json={"email": "cut@example.com", "password": "correct horse"})
            user = User(c, "cut@example.com", r.json())
            got = []
            with trio.fail_after(20):  # the bound: the reconnecting stream shows how the cut answer ended
                headers = {**user.auth, "Last-Event-ID": str(last_id)}
                async with c.stream("GET", f"/sessions/{sid}/events", headers=headers) as response:
                    async for ev in read_events(response):
                        got.append(ev)
                        if ev.event == "new_answer":
                            break
            cut = next(ev for ev in got if ev.event in TERMINAL and ev.data["answer_id"] == answer_id)
            # still the current question of a live session, cut seconds ago: regenerated (docs/protocol.md)
            assert cut.event == "answer_cancelled" and cut.data["reason"] == "interrupted"
            again = next(ev for ev in got if ev.event == "answer_started")
            assert got[-1].data["answer_id"] == again.data["answer_id"] != answer_id
            assert got[-1].data["text"].startswith("word0 word1")
            ids = [ev.id for ev in got if ev.id is not None]
            assert ids == list(range(last_id + 1, last_id + 1 + len(ids)))  # no gap across the kill
            proc.send_signal(signal.SIGTERM)
            with trio.fail_after(15):
                await proc.wait()
        stub_nursery.cancel_scope.cancel()


async def test_sigterm_mid_answer_ends_it_as_interrupted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mentor.db'}"
    stub = OpenAIStub(default=SLOW_ANSWER)
    async with trio.open_nursery() as stub_nursery:
        base_url = await stub_nursery.start(stub.serve)
        server = server_process(url, MENTOR_GRACEFUL_TIMEOUT_S="3", MENTOR_MODEL="stub-model",
                                OPENAI_BASE_URL=base_url, OPENAI_API_KEY="test")
        async with server as (proc, base), httpx.AsyncClient(base_url=base, timeout=10) as c:
            user = await register(c)
            sid = (await user.create_session())["id"]
            got = []
            with trio.fail_after(15):
                async with c.stream("GET", f"/sessions/{sid}/events", headers=user.auth) as response, \
                        aclosing(read_events(response)) as events:
                    answer_id, _ = await _ask_and_wait_for_a_delta(user, sid, events)
                    proc.send_signal(signal.SIGTERM)
                    async for ev in events:  # the stream ends by itself, after a final event
                        got.append(ev)
                await proc.wait()
        stub_nursery.cancel_scope.cancel()
    assert [ev.event for ev in got][-2:] == ["answer_failed", "shutdown"]
    assert got[-2].data == {"answer_id": answer_id, "question_id": got[-2].data["question_id"],
                            "reason": "interrupted", "retryable": True, "fallback": None}
    assert proc.returncode == 0
