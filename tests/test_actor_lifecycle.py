"""Session actors over a real server: idle actors stop and come back with their state, and an actor whose
commit fails restarts from the store without disturbing other sessions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import trio
from quart.globals import _cv_request, _cv_websocket

from mentor.store.reader import StoreReader
from mentor.store.writer import StoreWriter
from tests.conftest import make_settings, register, running_server
from tests.sse import read_events


async def health(c: httpx.AsyncClient) -> dict[str, Any]:
    return dict((await c.get("/health")).json())


async def test_idle_actors_stop_and_are_revived_with_their_state(database_url: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(database_url, actor_hibernate_s=0.1)
    reads: list[str] = []  # what the server reads from the store, by function
    read = StoreReader.read

    async def counted(self: StoreReader, fn: Any, *args: object) -> Any:
        reads.append(fn.__name__)
        return await read(self, fn, *args)

    monkeypatch.setattr(StoreReader, "read", counted)
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c)
        sid = (await user.create_session())["id"]
        block = {"speaker_role": "interviewer", "block_id": "b", "final": False}
        r = await user.captions(sid, {**block, "text": "so", "revision": 1})
        assert r.status_code == 200  # served by a live actor, which then goes quiet
        with trio.fail_after(10):
            while (await health(c))["live_sessions"]:
                await trio.sleep(0.05)  # the actor lets go after actor_hibernate_s of quiet
        reads.clear()
        r = await user.captions(sid, {**block, "text": "so tell", "revision": 1})
        assert r.json()["results"][0]["status"] == "duplicate"  # the revived actor knows the block
        # a wake reads the session once, in one hop (on PostgreSQL after taking the session's lease)
        assert [f for f in reads if f != "acquire"] == ["load_session"], reads
        r = await user.captions(sid, {**block, "text": "so tell me", "revision": 2})
        assert r.json()["results"][0]["status"] == "updated" and r.json()["results"][0]["event_id"] == 3


def _tasks_named(name: str) -> list[trio.lowlevel.Task]:
    out, todo = [], [trio.lowlevel.current_root_task()]
    while todo:
        task = todo.pop()
        if task is None:
            continue
        out += [task] if task.name == name else []
        todo += [t for n in task.child_nurseries for t in n.child_tasks]
    return out


async def test_an_actor_does_not_keep_the_request_that_started_it(database_url: str) -> None:
    """An actor started by a request handler inherits no contextvars from it: Quart's request context (the
    request's headers, body and connection) would otherwise live as long as the actor."""
    async with running_server(make_settings(database_url)) as srv, httpx.AsyncClient(base_url=srv.url) as c:
        user = await register(c)
        sid = (await user.create_session())["id"]  # its actor is started by the POST /sessions handler
        [actor] = _tasks_named(f"session:{sid}")
        assert _cv_request not in actor.context and _cv_websocket not in actor.context


async def test_an_sse_stream_of_a_hibernated_session_keeps_no_actor_and_misses_nothing(database_url: str) -> None:
    settings = make_settings(database_url, actor_hibernate_s=0.2)
    parks = database_url.startswith("sqlite")  # with leases (PostgreSQL) a watched session keeps its actor
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c)
        sid = (await user.create_session())["id"]
        with trio.fail_after(10):
            while (await health(c))["live_sessions"]:
                await trio.sleep(0.05)
            async with user.client.stream("GET", f"/sessions/{sid}/events", headers=user.auth) as response:
                events = read_events(response)
                assert [(e.id, e.event) for e in [await anext(events)]] == [(1, "session_created")]
                status = await health(c)
                assert status["live_streams"] == 1 and status["live_sessions"] == (0 if parks else 1)
                r = await user.captions(sid, {"speaker_role": "candidate", "text": "still here"})
                assert r.json()["results"][0]["event_id"] == 2  # the revived actor took the stream over
                got = await anext(events)
                assert (got.id, got.event, got.data["text"]) == (2, "new_caption", "still here")
                while parks and (await health(c))["live_sessions"]:  # quiet again: parked again
                    await trio.sleep(0.05)
                await user.captions(sid, {"speaker_role": "candidate", "text": "and again"})
                got = await anext(events)
                assert (got.id, got.event, got.data["text"]) == (3, "new_caption", "and again")


async def test_a_failed_commit_restarts_only_that_session(database_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    async with running_server(make_settings(database_url)) as srv, \
            httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c)
        doomed, other = (await user.create_session())["id"], (await user.create_session())["id"]
        await user.captions(doomed, {"speaker_role": "candidate", "text": "before"})
        await user.captions(other, {"speaker_role": "candidate", "text": "untouched"})

        original = StoreWriter._execute
        failures: list[int] = []

        def failing(writer: StoreWriter, conn: Any, ops: Any) -> None:
            if any("fail me" in str(getattr(op, "params", "")) for op in ops) and not failures:
                failures.append(1)
                raise RuntimeError("disk on fire")
            original(writer, conn, ops)

        monkeypatch.setattr(StoreWriter, "_execute", failing)
        r = await user.captions(doomed, {"speaker_role": "candidate", "text": "fail me"})
        assert r.status_code == 503 and r.json()["code"] == "unavailable"
        assert (await health(c))["actor_restarts"] == 1
        # the restarted actor reloaded exactly what was committed, and works
        r = await user.captions(doomed, {"speaker_role": "candidate", "text": "fail me"})
        assert r.status_code == 200 and r.json()["results"][0]["id"] == 2
        rows = (await user.request("GET", f"/sessions/{doomed}/captions")).json()["captions"]
        assert [row["text"] for row in rows] == ["before", "fail me"]
        rows = (await user.request("GET", f"/sessions/{other}/captions")).json()["captions"]
        assert [row["text"] for row in rows] == ["untouched"]


async def test_the_sqlite_wal_is_kept_bounded_under_constant_writes(tmp_path: Any) -> None:
    db = tmp_path / "mentor.db"
    settings = make_settings(f"sqlite:///{db}", sqlite_checkpoint_s=0.05, sqlite_wal_max_bytes=256 * 1024)
    wal = tmp_path / "mentor.db-wal"
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c)
        sid = (await user.create_session())["id"]
        biggest = 0
        with trio.fail_after(30):
            for i in range(60):  # ~2.5 MB of captions, written without pause
                batch = [{"speaker_role": "candidate", "text": f"{i}-{j} " + "words " * 70} for j in range(10)]
                assert (await user.captions(sid, batch)).status_code == 200
                biggest = max(biggest, wal.stat().st_size if wal.exists() else 0)
        assert biggest < 2 * 1024 * 1024  # emptied along the way, not grown to the whole write volume
        rows = (await user.request("GET", f"/sessions/{sid}/captions", params={"limit": "1000"})).json()
        assert len(rows["captions"]) == 600
