"""Issue 10, item 12: per-user quotas (429 naming the limit, shown in /users/me/usage) and a registration
rate limit per client address."""

from __future__ import annotations

import httpx

from tests.conftest import make_settings, register, running_server


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
