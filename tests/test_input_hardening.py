"""Issue 10, malformed input: deeply nested JSON (item 3), Last-Event-ID out of range (item 6),
client_ts NaN/Infinity (item 9). Every one answers a specific 4xx problem (or a WebSocket ``error``)."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
import trio
from trio_websocket import open_websocket_url

from tests.conftest import Server, User
from tests.sse import SSE, read_events
from tests.test_websocket import next_of, request, ws_url

DEEP = "[" * 100_000


def _json_routes(openapi: dict[str, Any]) -> list[tuple[str, str]]:
    routes = []
    for path, ops in openapi["paths"].items():
        for method, op in ops.items():
            content = (op.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                routes.append((method.upper(), path))
    return routes


async def test_deeply_nested_json_is_a_400_problem_on_every_json_route(client: httpx.AsyncClient,
                                                                       user: User) -> None:
    sid = (await user.create_session())["id"]
    routes = _json_routes((await client.get("/openapi.json")).json())
    assert ("POST", "/auth/login") in routes and len(routes) >= 8
    for method, path in routes:
        url = re.sub(r"\{[^}]+\}", sid, path)
        for headers in (user.auth, {}):
            r = await client.request(method, url, content=DEEP,
                                     headers={**headers, "Content-Type": "application/json"})
            assert r.status_code in (400, 401), (method, path, r.status_code, r.text[:200])
            assert r.headers["content-type"] == "application/problem+json"
            if r.status_code == 400:
                assert r.json()["code"] == "invalid_json"
    # nested just below the parser's limit: parsed, then refused by the schema (not a 500 either)
    r = await user.request("POST", "/sessions", json={"title": json.loads("[" * 500 + "]" * 500)})
    assert r.status_code == 422


async def test_deeply_nested_websocket_message_gets_an_error_and_the_socket_stays(server: Server,
                                                                                 user: User) -> None:
    sid = (await user.create_session())["id"]
    with trio.fail_after(10):
        async with open_websocket_url(ws_url(server, sid, user.token)) as ws:
            await ws.send_message(DEEP)
            err = await next_of(ws, "error")
            assert (err["status"], err["code"]) == (400, "invalid_json")
            assert (await request(ws, {"id": "after", "type": "ping"}))["type"] == "pong"


@pytest.mark.parametrize("client_ts", ["NaN", "Infinity", "-Infinity"])
async def test_client_ts_nan_or_infinity_is_refused(user: User, client_ts: str) -> None:
    sid = (await user.create_session())["id"]
    raw = '{"speaker_role": "interviewer", "text": "Tell me about yourself?", "client_ts": ' + client_ts + "}"
    r = await user.request("POST", f"/sessions/{sid}/captions", content=raw,
                           headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_timestamp", r.text
    assert (await user.request("GET", f"/sessions/{sid}/captions")).json()["captions"] == []


async def _first_events(user: User, sid: str, *, headers: dict[str, str] | None = None,
                        params: dict[str, str] | None = None) -> list[SSE]:
    got: list[SSE] = []
    async with user.client.stream("GET", f"/sessions/{sid}/events", headers={**user.auth, **(headers or {})},
                                  params=params) as response:
        assert response.status_code == 200
        async for ev in read_events(response):
            got.append(ev)
            if len(got) == 2:
                break
    return got


@pytest.mark.parametrize("bad_id", [str(2**64), str(10**30), "9" * 5000, "+3", "1_0", "0x10"])
async def test_an_out_of_range_last_event_id_yields_reset(user: User, bad_id: str) -> None:
    """Item 6: ids >= 2^64 passed as an int to orjson ("Integer exceeds 64-bit range") and dropped the
    stream after 200 and retry:, so EventSource reconnected forever."""
    sid = (await user.create_session())["id"]
    with trio.fail_after(10):
        for kwargs in ({"headers": {"Last-Event-ID": bad_id}}, {"params": {"last_event_id": bad_id}}):
            got = await _first_events(user, sid, **kwargs)  # type: ignore[arg-type]
            assert [e.event for e in got] == ["reset", "session_created"], got
            assert got[0].data["requested"] == -1


async def test_an_out_of_range_last_event_id_yields_reset_over_websocket(server: Server, user: User) -> None:
    sid = (await user.create_session())["id"]
    with trio.fail_after(10):
        async with open_websocket_url(ws_url(server, sid, user.token, last_event_id=str(10**30))) as ws:
            first = json.loads(await ws.get_message())
            assert (first["type"], first["event"]) == ("event", "reset")
            assert (await next_of(ws, "event"))["event"] == "session_created"


async def test_a_knowledge_file_name_longer_than_a_title_is_a_422(user: User) -> None:
    """Item 8: the title taken from a file name stem > 200 characters gave 500 on PostgreSQL (varchar)."""
    r = await user.request("POST", "/knowledge", files={"file": ("n" * 250 + ".txt", b"Acme builds rockets.")},
                           data={"company": "Acme"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_body", r.text
    r = await user.request("POST", "/knowledge", files={"file": ("n" * 200 + ".txt", b"Acme builds rockets.")},
                           data={"company": "Acme"})
    assert r.status_code == 201, r.text


async def test_an_unexpected_error_on_the_sse_fast_path_is_problem_json(
        user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 14: errors on the fast path came back as a bare 500 without a body."""
    import mentor.http.sse_fast_path as fast_path

    async def broken(*args: object) -> None:
        raise RuntimeError("injected fault")

    sid = (await user.create_session())["id"]
    monkeypatch.setattr(fast_path, "subscribe", broken)
    r = await user.request("GET", f"/sessions/{sid}/events")
    assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "internal_error" and "injected" not in r.text


async def test_openapi_declares_problem_responses_and_the_body_rules(client: httpx.AsyncClient) -> None:
    """Item 11: no responses were declared and the body rules were missing, so schema-driven clients
    disagreed with the server."""
    doc = (await client.get("/openapi.json")).json()
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            responses = op["responses"]
            assert any(code.startswith("2") for code in responses), (method, path)
            for status in ("400", "401", "404", "422", "429", "500", "503"):
                assert responses[status]["content"]["application/problem+json"]["schema"] == problem_ref
    captions = doc["paths"]["/sessions/{session_id}/captions"]["post"]["requestBody"]["content"]
    assert len(captions["application/json"]["schema"]["oneOf"]) == 3
    caption = doc["components"]["schemas"]["CaptionIn"]["properties"]["text"]
    assert caption["pattern"] == r"\S"
