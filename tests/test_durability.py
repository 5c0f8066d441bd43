"""Durability and shutdown of a real server process: SIGKILL right after acknowledgements loses nothing;
SIGTERM gives every stream a final event and exits within the grace period."""

from __future__ import annotations

import functools
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import trio

from tests.conftest import TEST_SECRET, User, register
from tests.sse import read_events

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
