"""Share links and paired devices over real sockets, on SQLite and PostgreSQL: every route and stream with
viewer, coach, expired and revoked tokens (no write a role does not allow, nothing outside the shared
session, nothing changed by a refusal), revocation ending streams within heartbeat_s, pairing, presence and
synced state."""

from __future__ import annotations

import json
import time
from functools import partial
from typing import Any

import httpx
import pytest
import trio
from trio_websocket import ConnectionRejected, open_websocket_url

from mentor.auth import TokenService
from mentor.http.app import create_app
from mentor.settings import Settings
from tests.conftest import Server, User, make_settings, register, running_server
from tests.sse import SSE, read_events
from tests.test_websocket import next_of, request, ws_url

HEARTBEAT_S = 0.3


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, heartbeat_s=HEARTBEAT_S)


async def share(owner: User, sid: str, role: str, **extra: Any) -> dict[str, Any]:
    r = await owner.request("POST", f"/sessions/{sid}/shares", json={"role": role, **extra})
    assert r.status_code == 201, r.text
    created = r.json()
    opened = await owner.client.post("/auth/share", json={"token": created["token"]})
    assert opened.status_code == 200, opened.text
    return {**created, "access_token": opened.json()["access_token"]}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def prepared(owner: User) -> tuple[str, str, str]:
    """(session id, a question id in it, another session of the same owner)."""
    sid = (await owner.create_session())["id"]
    r = await owner.request("POST", f"/sessions/{sid}/questions", json={"text": "Why Postgres?"})
    assert r.status_code == 202, r.text
    other = (await owner.create_session(title="Another interview"))["id"]
    return sid, r.json()["question_id"], other


def session_routes(sid: str, qid: str) -> list[tuple[str, str, dict[str, Any] | None, str]]:
    """Every route under /sessions/{id} with a body that would succeed, and the action it needs."""
    base = f"/sessions/{sid}"
    return [
        ("GET", base, None, "read"),
        ("GET", f"{base}/captions", None, "read"),
        ("GET", f"{base}/answers", None, "read"),
        ("POST", f"{base}/questions", {"text": "And why not MySQL?"}, "ask"),
        ("POST", f"{base}/hints", {"text": "Mention the WAL"}, "hint"),
        ("POST", f"{base}/marks", {"question_id": qid, "mark": "pinned"}, "mark"),
        ("POST", f"{base}/captions", {"captions": [{"speaker_role": "candidate", "text": "hello"}]}, "write"),
        ("POST", f"{base}/regenerate", {}, "write"),
        ("PUT", f"{base}/auto-answer", {"enabled": False}, "write"),
        ("POST", f"{base}/shares", {"role": "viewer"}, "share"),
        ("GET", f"{base}/shares", None, "share"),
        ("DELETE", f"{base}/shares/00000000-0000-0000-0000-000000000000", None, "share"),
        ("GET", f"{base}/report", None, "owner"),
        ("GET", f"{base}/report.md", None, "owner"),
        ("GET", f"{base}/report.pdf", None, "owner"),
        ("GET", f"{base}/speakers", None, "owner"),
        ("POST", f"{base}/end", None, "write"),
        ("DELETE", base, None, "write"),
    ]


ACCOUNT_ROUTES: list[tuple[str, str]] = [
    ("GET", "/users/me"), ("GET", "/users/me/usage"), ("GET", "/users/me/insights"), ("GET", "/sessions"),
    ("POST", "/sessions"), ("GET", "/resumes"), ("GET", "/knowledge"), ("GET", "/users/me/devices"),
    ("POST", "/users/me/devices/pairing"), ("POST", "/ask"),
]

ALLOWED = {"viewer": {"read"}, "coach": {"read", "ask", "hint"}}


async def event_count(owner: User, sid: str) -> int:
    """The session's last event id once no answer streams (an answer an allowed request started would move
    it): a stream asked to resume after an id never issued replays every event, then goes on live; the
    head is the last id when every ``answer_started`` has had its terminal event."""
    streaming: set[str] = set()
    head = last = -1
    async with owner.client.stream("GET", f"/sessions/{sid}/events", headers={**owner.auth, "Last-Event-ID": "x"},
                                   params={"token": owner.token}) as r:
        async for ev in read_events(r):
            if head < 0:
                assert ev.event == "reset", ev
                head = int(ev.data["head"])
                continue
            if ev.id is None:
                continue
            last = ev.id
            if ev.event == "answer_started":
                streaming.add(ev.data["answer_id"])
            elif ev.event in ("new_answer", "answer_cancelled") or (
                    ev.event == "answer_failed" and ev.data.get("fallback") is None):
                streaming.discard(ev.data["answer_id"])
            if last >= head and not streaming:
                return last
    raise AssertionError("the stream closed before the session was quiet")


def test_every_session_route_is_classified(settings: Settings) -> None:
    """A new route under /sessions/{id} must be added to session_routes (and so to the role matrix)."""
    from unittest.mock import MagicMock

    app = create_app(MagicMock())
    rules = {(m, r.rule.replace("<session_id>", "S").replace("<share_id>", "X"))
             for r in app.url_map.iter_rules() if r.rule.startswith("/sessions/<session_id>")
             for m in (r.methods or ()) if m not in {"HEAD", "OPTIONS"}}
    known = {(m, p.replace("/sessions/s", "/sessions/S").replace("00000000-0000-0000-0000-000000000000", "X"))
             for m, p, _, _ in session_routes("s", "q")}
    known |= {("GET", "/sessions/S/events"), ("GET", "/sessions/S/ws")}
    assert rules <= known, f"unclassified routes: {rules - known}"


@pytest.mark.parametrize("role", ["viewer", "coach"])
async def test_a_share_does_what_its_role_allows_and_nothing_else(client: httpx.AsyncClient, user: User,
                                                                 role: str) -> None:
    sid, qid, other = await prepared(user)
    token = (await share(user, sid, role))["access_token"]
    for method, path, body, action in session_routes(sid, qid):
        if action in {"write"} and path.endswith(("/end", sid)):
            continue  # checked after the others (they would end or delete the session)
        before = await event_count(user, sid)
        r = await client.request(method, path, json=body, headers=bearer(token))
        if action in ALLOWED[role]:
            assert r.status_code < 300, (role, method, path, r.text)
        else:
            assert r.status_code in (401, 403), (role, method, path, r.status_code, r.text)
            assert await event_count(user, sid) == before, (role, method, path, "a refused request wrote")
        # the same request against another session of the same owner: it does not exist for the share
        r = await client.request(method, path.replace(sid, other), json=body, headers=bearer(token))
        assert r.status_code in (401, 404) or (r.status_code == 403 and action == "owner"), (method, path, r.text)
        if r.status_code == 404:
            assert r.json()["code"] == "session_not_found"
    for method, path in ACCOUNT_ROUTES:
        r = await client.request(method, path, json={"title": "x", "question": "x"}, headers=bearer(token))
        assert r.status_code in (401, 403), (method, path, r.text)
    for method, path in (("POST", f"/sessions/{sid}/end"), ("DELETE", f"/sessions/{sid}")):
        r = await client.request(method, path, headers=bearer(token))
        assert r.status_code == 403 and r.json()["code"] == "forbidden", r.text
    assert (await user.request("GET", f"/sessions/{sid}")).json()["status"] == "active"
    # what a share reads is the session: no owner id, no account
    session = (await client.get(f"/sessions/{sid}", headers=bearer(token))).json()
    assert "user_id" not in session and user.email not in json.dumps(session)


async def test_the_websocket_honours_roles(server: Server, user: User) -> None:
    sid, qid, other = await prepared(user)
    viewer = (await share(user, sid, "viewer"))["access_token"]
    coach = (await share(user, sid, "coach"))["access_token"]
    caption = {"speaker_role": "interviewer", "text": "Tell me about yourself"}
    with trio.fail_after(15):
        async with open_websocket_url(ws_url(server, sid, viewer)) as ws:
            assert (await request(ws, {"id": 1, "type": "ping"}))["type"] == "pong"
            messages: list[dict[str, Any]] = [
                {"type": "caption", "caption": caption}, {"type": "ask", "text": "Why?"},
                {"type": "hint", "text": "smile"}, {"type": "pause"}, {"type": "end"},
                {"type": "mark", "question_id": qid, "mark": "dismissed"}, {"type": "regenerate"}]
            for n, msg in enumerate(messages):
                reply = await request(ws, {"id": n + 10, **msg})
                assert (reply["type"], reply["code"]) == ("error", "forbidden"), (msg, reply)
        async with open_websocket_url(ws_url(server, sid, coach)) as ws:
            assert (await request(ws, {"id": 1, "type": "hint", "text": "Mention the WAL"}))["type"] == "ack"
            assert (await request(ws, {"id": 2, "type": "ask", "text": "Why not MySQL?"}))["type"] == "ack"
            reply = await request(ws, {"id": 3, "type": "caption", "caption": caption})
            assert reply["code"] == "forbidden"
        with pytest.raises(ConnectionRejected):  # refused before the upgrade: another session
            async with open_websocket_url(ws_url(server, other, coach)):
                pass
    assert (await user.request("GET", f"/sessions/{sid}")).json()["auto_answer"] is True


async def test_expired_and_forged_share_tokens_are_refused(server: Server, client: httpx.AsyncClient,
                                                           user: User) -> None:
    sid, qid, _ = await prepared(user)
    created = await share(user, sid, "coach")
    tokens = TokenService(server.settings)
    expired, _ = tokens.issue_share(user.id, created["id"], sid, "coach", time.time() - 10, now=time.time() - 100)
    owner_role, _ = tokens.issue_share(user.id, created["id"], sid, "owner", time.time() + 600)
    forged = TokenService(make_settings("sqlite://", jwt_secret="another-secret-" + "y" * 40)).issue_share(
        user.id, created["id"], sid, "coach", time.time() + 600)[0]
    for token in (expired, owner_role, forged):
        for method, path, body, _ in session_routes(sid, qid):
            r = await client.request(method, path, json=body, headers=bearer(token))
            assert r.status_code == 401, (method, path, r.text)
        r = await client.get(f"/sessions/{sid}/events", params={"token": token})
        assert r.status_code == 401
    # a share that has expired cannot be opened
    r = await client.post("/auth/share", json={"token": "nope.nope-nope"})
    assert (r.status_code, r.json()["code"]) == (401, "invalid_share_link")


async def watch(client: httpx.AsyncClient, sid: str, token: str, into: list[SSE], *, presence: bool = False) -> None:
    params = {"token": token, **({"presence": "true"} if presence else {})}
    async with client.stream("GET", f"/sessions/{sid}/events", params=params) as r:
        assert r.status_code == 200, await r.aread()
        async for ev in read_events(r):
            into.append(ev)


async def wait_for(events: list[SSE], name: str, count: int = 1) -> None:
    while sum(1 for e in events if e.event == name) < count:
        await trio.sleep(0.01)


async def test_revoking_a_share_ends_its_streams_within_heartbeat_s(server: Server, client: httpx.AsyncClient,
                                                                    user: User) -> None:
    sid, _, _ = await prepared(user)
    created = await share(user, sid, "viewer")
    token = created["access_token"]
    listed = (await user.request("GET", f"/sessions/{sid}/shares")).json()["shares"]
    assert [s["id"] for s in listed] == [created["id"]] and "token" not in listed[0]
    got: list[SSE] = []
    async with trio.open_nursery() as nursery:
        nursery.start_soon(watch, client, sid, token, got)
        async with open_websocket_url(ws_url(server, sid, token)) as ws:
            with trio.fail_after(5):
                await wait_for(got, "session_created")
                await next_of(ws, "event")
            r = await user.request("DELETE", f"/sessions/{sid}/shares/{created['id']}")
            assert r.status_code == 204
            with trio.fail_after(HEARTBEAT_S * 3):  # the SSE stream and the socket both end
                await wait_for(got, "access_revoked")
                error = await next_of(ws, "error")
            assert error["code"] == "token_revoked"
    assert got[-1].event == "access_revoked"
    r = await client.get(f"/sessions/{sid}", headers=bearer(token))
    assert (r.status_code, r.json()["code"]) == (401, "token_revoked")
    r = await client.post("/auth/share", json={"token": created["token"]})
    assert (r.status_code, r.json()["code"]) == (401, "invalid_share_link")
    assert (await user.request("GET", f"/sessions/{sid}/shares")).json()["shares"] == []
    again = await user.request("DELETE", f"/sessions/{sid}/shares/{created['id']}")
    assert (again.status_code, again.json()["code"]) == (404, "share_not_found")
    # another user cannot list, create or revoke shares of this session
    stranger = await register(client)
    for method, path in (("GET", f"/sessions/{sid}/shares"), ("POST", f"/sessions/{sid}/shares")):
        r = await stranger.request(method, path, json={"role": "coach"})
        assert r.status_code == 404, r.text


async def pair(client: httpx.AsyncClient, owner: User, name: str = "phone") -> dict[str, Any]:
    r = await owner.request("POST", "/users/me/devices/pairing")
    assert r.status_code == 201, r.text
    started = r.json()
    assert started["qr"].startswith("data:image/svg+xml") and started["expires_in"] <= 120
    assert f"#pair={started['code']}" in started["url"]
    r = await client.post("/auth/pair", json={"code": started["code"].lower().replace("-", " "), "name": name})
    assert r.status_code == 201, r.text
    again = await client.post("/auth/pair", json={"code": started["code"], "name": name})
    assert (again.status_code, again.json()["code"]) == (401, "invalid_pairing_code")  # one time only
    return dict(r.json())


async def test_pairing_gives_a_device_its_own_tokens_and_revoking_it_ends_its_streams(
        server: Server, client: httpx.AsyncClient, user: User) -> None:
    sid = (await user.create_session())["id"]
    device = await pair(client, user)
    assert device["user"]["id"] == user.id
    listed = (await user.request("GET", "/users/me/devices")).json()["devices"]
    assert [(d["id"], d["name"]) for d in listed] == [(device["device"]["id"], "phone")]
    token = device["access_token"]
    # a device acts as its account: it reads and writes the account's sessions
    r = await client.post(f"/sessions/{sid}/captions", headers=bearer(token),
                          json={"captions": [{"speaker_role": "candidate", "text": "from the phone"}]})
    assert r.status_code == 200, r.text
    refreshed = await client.post("/auth/refresh", json={"refresh_token": device["refresh_token"]})
    assert refreshed.status_code == 200
    token = refreshed.json()["access_token"]
    got: list[SSE] = []
    async with trio.open_nursery() as nursery:
        nursery.start_soon(watch, client, sid, token, got)
        with trio.fail_after(5):
            await wait_for(got, "new_caption")
        r = await user.request("DELETE", f"/users/me/devices/{device['device']['id']}")
        assert r.status_code == 204
        with trio.fail_after(HEARTBEAT_S * 3):
            await wait_for(got, "access_revoked")
    for path in (f"/sessions/{sid}", "/users/me", "/sessions"):  # session and account routes alike
        r = await client.get(path, headers=bearer(token))
        assert r.status_code == 401 and r.json()["code"] in {"token_revoked", "unauthorized"}, (path, r.text)
    r = await client.post("/auth/refresh", json={"refresh_token": refreshed.json()["refresh_token"]})
    assert r.status_code == 401
    assert (await user.request("GET", "/users/me/devices")).json()["devices"] == []
    # nobody else's devices: another account cannot revoke one
    other_device = await pair(client, user, "tablet")
    stranger = await register(client)
    r = await stranger.request("DELETE", f"/users/me/devices/{other_device['device']['id']}")
    assert (r.status_code, r.json()["code"]) == (404, "device_not_found")


async def test_wrong_pairing_codes_are_refused_and_throttled(client: httpx.AsyncClient, user: User,
                                                             settings: Settings) -> None:
    for _ in range(settings.login_max_failures):
        r = await client.post("/auth/pair", json={"code": "AAAA-AAAA"})
        assert (r.status_code, r.json()["code"]) == (401, "invalid_pairing_code")
    r = await client.post("/auth/pair", json={"code": "AAAA-AAAA"})
    assert r.status_code == 429


async def test_presence_marks_and_hints_reach_every_device(client: httpx.AsyncClient, user: User) -> None:
    sid, qid, _ = await prepared(user)
    coach = (await share(user, sid, "coach"))["access_token"]
    viewer = (await share(user, sid, "viewer"))["access_token"]
    owner_events: list[SSE] = []
    viewer_events: list[SSE] = []
    async with trio.open_nursery() as nursery:
        nursery.start_soon(partial(watch, client, sid, user.token, owner_events, presence=True))
        with trio.fail_after(5):
            await wait_for(owner_events, "presence")
        viewer_scope = trio.CancelScope()
        nursery.start_soon(_watch_until, client, sid, viewer, viewer_events, viewer_scope)
        with trio.fail_after(5):
            await wait_for(owner_events, "presence", 2)
        joined = [e.data for e in owner_events if e.event == "presence"][-1]
        assert joined["action"] == "joined" and joined["watcher"]["role"] == "viewer"
        assert sorted(w["role"] for w in joined["watching"]) == ["owner", "viewer"]
        r = await user.request("POST", f"/sessions/{sid}/marks", json={"question_id": qid, "mark": "answered"})
        assert r.status_code == 200, r.text
        r = await client.post(f"/sessions/{sid}/hints", headers=bearer(coach), json={"text": "Mention the WAL"})
        assert r.status_code == 201, r.text
        with trio.fail_after(5):
            await wait_for(viewer_events, "hint")
            await wait_for(owner_events, "hint")
        marked = next(e for e in viewer_events if e.event == "question_marked")
        assert marked.data == {"question_id": qid, "mark": "answered", "value": True, "by": "owner"}
        hint = next(e for e in owner_events if e.event == "hint")
        assert (hint.data["text"], hint.data["from"], hint.id is not None) == ("Mention the WAL", "coach", True)
        assert not any(e.event == "presence" for e in viewer_events)  # it did not ask for presence
        viewer_scope.cancel()
        with trio.fail_after(HEARTBEAT_S * 4):  # the viewer left: announced within a heartbeat
            await wait_for(owner_events, "presence", 3)
        left = [e.data for e in owner_events if e.event == "presence"][-1]
        assert left["action"] == "left" and [w["role"] for w in left["watching"]] == ["owner"]
        nursery.cancel_scope.cancel()
    r = await user.request("POST", f"/sessions/{sid}/marks", json={"question_id": "nope", "mark": "pinned"})
    assert (r.status_code, r.json()["code"]) == (404, "question_not_found")
    r = await user.request("POST", f"/sessions/{sid}/marks", json={"question_id": qid, "mark": "starred"})
    assert r.status_code == 422


async def _watch_until(client: httpx.AsyncClient, sid: str, token: str, into: list[SSE],
                       scope: trio.CancelScope) -> None:
    with scope:
        await watch(client, sid, token, into)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # two nodes share a database on it
async def test_revocation_on_another_node_is_seen_within_the_poll(database_url: str) -> None:
    """Two servers on one database: a share revoked on one stops working on the other within
    revocation_poll_s (plus a heartbeat for its streams)."""
    settings = make_settings(database_url, heartbeat_s=HEARTBEAT_S, revocation_poll_s=0.2)
    async with running_server(settings) as a, running_server(settings) as b, \
            httpx.AsyncClient(base_url=a.url) as ca, httpx.AsyncClient(base_url=b.url) as cb:
        owner = await register(ca)
        sid = (await owner.create_session())["id"]
        created = await share(owner, sid, "viewer")
        assert (await cb.get(f"/sessions/{sid}", headers=bearer(created["access_token"]))).status_code == 200
        assert (await owner.request("DELETE", f"/sessions/{sid}/shares/{created['id']}")).status_code == 204
        with trio.fail_after(3):
            while (await cb.get(f"/sessions/{sid}", headers=bearer(created["access_token"]))).status_code == 200:
                await trio.sleep(0.05)


async def test_the_device_limit_refuses_before_spending_the_code(database_url: str) -> None:
    settings = make_settings(database_url, devices_per_user_max=1)
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url) as client:
        owner = await register(client)
        first = await pair(client, owner)
        code = (await owner.request("POST", "/users/me/devices/pairing")).json()["code"]
        r = await client.post("/auth/pair", json={"code": code, "name": "tablet"})
        assert (r.status_code, r.json()["code"]) == (403, "forbidden")
        assert (await owner.request("DELETE", f"/users/me/devices/{first['device']['id']}")).status_code == 204
        r = await client.post("/auth/pair", json={"code": code, "name": "tablet"})  # the same code still works
        assert r.status_code == 201, r.text
