"""Issue 10: NUL characters (item 4), the access log (item 18) and shutdown (item 13), over real sockets."""

from __future__ import annotations

import logging

import httpx
import pytest
import trio

from tests.conftest import User, make_settings, register, running_server
from tests.rawhttp import RawConnection, request
from tests.sse import read_events


async def test_nul_characters_get_the_same_4xx_on_every_store(client: httpx.AsyncClient, user: User) -> None:
    """PostgreSQL cannot store U+0000: these were 500 there and 4xx on SQLite."""
    nul_bodies = [("/auth/register", {"email": "a\u0000@example.com", "password": "password123"}),
                  ("/auth/login", {"email": user.email, "password": "pass\u0000word"}),
                  ("/auth/refresh", {"refresh_token": "abc\u0000defghijk"}),
                  ("/auth/logout", {"refresh_token": "abc\u0000defghijk"})]
    for path, body in nul_bodies:
        r = await client.post(path, json=body)
        assert r.status_code == 422 and r.json()["code"] == "invalid_body", (path, r.text)
    r = await user.request("POST", "/sessions", json={"title": "x", "company": "Ac\u0000me"})
    assert r.status_code == 422
    for method, path in [("GET", "/sessions/%00"), ("GET", "/resumes/%00"), ("DELETE", "/knowledge/%00"),
                         ("GET", "/sessions/%00/events"), ("GET", "/sessions?cursor=%00")]:
        r = await user.request(method, path)
        assert r.status_code == 400 and r.json()["code"] == "bad_request", (method, path, r.text)
        assert r.headers["content-type"] == "application/problem+json"


async def test_every_request_is_logged_once_without_its_token(client: httpx.AsyncClient, user: User,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sid = (await user.create_session())["id"]
    r = await client.get(f"/sessions/{sid}?x=1", headers={**user.auth, "X-Request-Id": "client-42"})
    assert r.headers["x-request-id"] == "client-42"
    with trio.fail_after(10):
        async with client.stream("GET", f"/sessions/{sid}/events", params={"token": user.token}) as stream:
            async for _ in read_events(stream):
                break
    await client.post("/auth/login", json={"email": user.email, "password": "correct horse"})
    access = [rec.getMessage() for rec in caplog.records if rec.name == "mentor.access"]
    assert any(line.startswith(f"GET /sessions/{sid}?x=1 200 ") and line.endswith("rid=client-42")
               for line in access), access
    assert any(line.startswith(f"GET /sessions/{sid}/events?token=%5Bredacted%5D 200 ") for line in access), access
    assert any(line.startswith("POST /auth/login 200 ") for line in access), access
    # the server's own records (the test's httpx client logs its URLs, tokens included)
    everything = "\n".join(rec.getMessage() + str(rec.args) for rec in caplog.records
                           if not rec.name.startswith(("httpx", "httpcore")))
    assert user.token not in everything and user.tokens["refresh_token"] not in everything
    assert "correct horse" not in everything


async def test_sigterm_exits_as_soon_as_the_work_is_done(database_url: str) -> None:
    """Idle keep-alive connections held the whole grace period; now the server exits once streams have
    ended, far inside graceful_timeout_s, and then refuses new connections."""
    settings = make_settings(database_url, graceful_timeout_s=60.0)
    async with httpx.AsyncClient(timeout=10) as outside:
        with trio.fail_after(20):  # well inside the 60 s grace period
            async with trio.open_nursery() as nursery:
                async with running_server(settings) as srv:
                    client = httpx.AsyncClient(base_url=srv.url, timeout=10)
                    user = await register(client)
                    sid = (await user.create_session())["id"]
                    idle = [await RawConnection.open(srv.url) for _ in range(3)]
                    for conn in idle:  # one answered request each, then idle on keep-alive
                        await conn.send(request("GET", "/health"))
                        assert (await conn.read_response()).status == 200
                    got: list[str] = []
                    opened = trio.Event()

                    async def watch() -> None:
                        async with client.stream("GET", f"/sessions/{sid}/events", headers=user.auth) as s:
                            opened.set()
                            async for ev in read_events(s):
                                got.append(ev.event)

                    nursery.start_soon(watch)
                    await opened.wait()
                    url = srv.url
                # running_server has set stop and serve has returned: the stream got its final event
                for conn in idle:
                    assert await conn.at_eof()
            await client.aclose()
        assert got[-1] == "shutdown"
        with pytest.raises(httpx.ConnectError):
            await outside.get(f"{url}/health")
