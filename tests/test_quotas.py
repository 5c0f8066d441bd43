"""Issue 10, item 12: per-user quotas (429 naming the limit, shown in /users/me/usage) and a registration
rate limit per client address."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import sqlalchemy as sa
import trio

from mentor.store import accounts
from mentor.store.database import create_engine, migrate
from tests.conftest import make_settings, register, running_server
from tests.sse import read_events


async def test_quotas_are_enforced_named_and_shown(database_url: str) -> None:
    settings = make_settings(database_url, quota_live_sessions=2, quota_stored_sessions=3, quota_upload_bytes=100,
                             quota_answers_per_day=0)
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c)
        first = (await user.create_session())["id"]
        await user.create_session()
        r = await user.request("POST", "/sessions", json={"title": "third"})
        assert r.status_code == 429 and r.json()["code"] == "quota_exceeded", r.text
        assert (r.json()["limit"], r.json()["limit_value"], r.json()["used"]) == ("live_sessions", 2, 2)
        assert (await user.request("POST", f"/sessions/{first}/end")).status_code == 200
        await user.create_session()  # one live slot again; three stored now
        assert (await user.request("POST", f"/sessions/{first}/end")).status_code in (200, 409)
        r = await user.request("POST", "/sessions", json={"title": "fourth"})
        assert r.status_code == 429 and r.json()["limit"] in ("stored_sessions", "live_sessions")
        r = await user.request("POST", "/resumes", json={"name": "r", "text": "Experience\n" + "x" * 200})
        assert r.status_code == 429 and r.json()["limit"] == "upload_bytes"
        usage = (await user.request("GET", "/users/me/usage")).json()["quotas"]
        assert usage["stored_sessions"] == {"used": 3, "limit": 3}
        assert usage["answers_per_day"] == {"used": 0, "limit": None}  # 0: unlimited
        other = await register(c)  # quotas are per user
        assert (await other.request("POST", "/sessions", json={"title": "mine"})).status_code == 201


async def test_registration_is_rate_limited_per_client_address(database_url: str) -> None:
    settings = make_settings(database_url, register_max_per_address=3)
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        for _ in range(3):
            await register(c)
        r = await c.post("/auth/register", json={"email": "one-more@example.com", "password": "password123"})
        assert r.status_code == 429 and r.json()["code"] == "too_many_registrations"
        assert int(r.headers["retry-after"]) > 0


async def test_session_answers_stop_at_the_answers_per_day_quota(database_url: str) -> None:
    """Issue 10 item 12: answers inside a session count against the quota as POST /ask does; past it the
    answer fails with a non-retryable quota_exceeded reason instead of calling an engine."""
    settings = make_settings(database_url, quota_answers_per_day=1)
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c:
        user = await register(c)
        sid = (await user.create_session())["id"]
        seen: list[str] = []
        for text in ("Describe your ideal team", "What is your biggest strength?"):
            r = await user.request("POST", f"/sessions/{sid}/questions", json={"text": text})
            assert r.status_code == 202, r.text
            answer_id = r.json()["answer_id"]
            with trio.fail_after(10):
                async with user.client.stream("GET", f"/sessions/{sid}/events", headers=user.auth) as response:
                    async for ev in read_events(response):
                        if ev.data.get("answer_id") == answer_id and ev.event in ("new_answer", "answer_failed"):
                            seen.append(ev.event)
                            if ev.event == "answer_failed":
                                assert ev.data["reason"].startswith("quota_exceeded"), ev.data
                                assert ev.data["retryable"] is False, ev.data
                            break
        assert seen == ["new_answer", "answer_failed"]
        usage = (await user.request("GET", "/users/me/usage")).json()["quotas"]
        assert usage["answers_per_day"] == {"used": 1, "limit": 1}


def test_the_answer_quota_reads_only_an_index(tmp_path: Path) -> None:
    """Read before every answer: it must not read the answers' rows (their text), whose number grows with the
    user's history up to the quota."""
    engine = create_engine(f"sqlite:///{tmp_path / 'q.db'}")
    migrate(engine)
    now = time.time()
    queries: list[tuple[str, tuple[object, ...]]] = []
    sa.event.listen(engine, "before_cursor_execute", lambda _c, _cur, stmt, params, _ctx, _many: queries.append(
        (stmt, params)) if stmt.startswith("SELECT") else None)
    with engine.connect() as conn:
        assert accounts.answer_usage(conn, "u1", now - accounts.DAY_S, now - accounts.MONTH_S) == {
            "answers_per_day": 0, "model_tokens_per_month": 0}
        plans = [" ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + q, params).fetchall())
                 for q, params in list(queries)]
    engine.dispose()
    assert len(plans) == 2
    assert all("COVERING INDEX ix_answers_user_usage" in p for p in plans), plans


def test_a_quota_check_reads_only_the_measures_it_checks(tmp_path: Path) -> None:
    """Creating a session checks two counts: it must not also sum the user's uploads and month of answers."""
    engine = create_engine(f"sqlite:///{tmp_path / 'q.db'}")
    migrate(engine)
    now = time.time()
    selects: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda _c, _cur, stmt, _p, _ctx, _many: selects.append(
        stmt) if stmt.startswith("SELECT") else None)
    with engine.connect() as conn:
        def usage(*names: str) -> tuple[dict[str, int], int]:
            selects.clear()
            used = accounts.quota_usage(conn, "u1", now - accounts.DAY_S, now - accounts.MONTH_S, names)
            return used, len(selects)

        assert usage("live_sessions", "stored_sessions") == ({"live_sessions": 0, "stored_sessions": 0}, 2)
        assert usage("upload_bytes") == ({"upload_bytes": 0}, 2)
        assert usage("answers_per_day") == ({"answers_per_day": 0, "model_tokens_per_month": 0}, 2)
        assert usage() == ({}, 0)
        assert usage("live_sessions", "stored_sessions", "upload_bytes", "model_tokens_per_month")[1] == 6
    engine.dispose()
