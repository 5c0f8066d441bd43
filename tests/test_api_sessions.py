"""Sessions over real HTTP: create, list (paged), get, end, delete, and isolation between users."""

from __future__ import annotations

import httpx

from tests.conftest import User, register


async def test_create_get_list_end_delete(user: User) -> None:
    created = await user.create_session(company="Acme", role="Backend engineer", language="en-GB",
                                        job_description="Go, Postgres, Kafka", interviewer_name="Dana")
    assert created["status"] == "active" and created["company"] == "Acme" and "user_id" not in created
    sid = created["id"]

    r = await user.request("GET", f"/sessions/{sid}")
    assert r.status_code == 200 and r.json()["language"] == "en-GB"

    r = await user.request("POST", f"/sessions/{sid}/end")
    assert r.status_code == 200 and r.json()["status"] == "ended" and r.json()["ended_at"]
    again = await user.request("POST", f"/sessions/{sid}/end")  # ending twice is harmless
    assert again.status_code == 200 and again.json()["ended_at"] == r.json()["ended_at"]

    assert (await user.request("DELETE", f"/sessions/{sid}")).status_code == 204
    assert (await user.request("GET", f"/sessions/{sid}")).status_code == 404
    assert (await user.request("DELETE", f"/sessions/{sid}")).status_code == 404


async def test_list_is_paged_newest_first(user: User) -> None:
    ids = [(await user.create_session(title=f"s{i}"))["id"] for i in range(5)]
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await user.request("GET", "/sessions", params=params)).json()
        seen += [s["id"] for s in page["sessions"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    bad = await user.request("GET", "/sessions", params={"cursor": "%%%"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_cursor"
    bad = await user.request("GET", "/sessions", params={"limit": "0"})
    assert bad.status_code == 400


async def test_another_users_session_is_indistinguishable_from_a_missing_one(client: httpx.AsyncClient,
                                                                             user: User) -> None:
    sid = (await user.create_session())["id"]
    await user.captions(sid, {"speaker_role": "interviewer", "text": "secret question"})
    mallory = await register(client)
    missing = "00000000-0000-0000-0000-000000000000"
    routes = [("GET", "/sessions/{}", None), ("POST", "/sessions/{}/end", None),
              ("DELETE", "/sessions/{}", None), ("GET", "/sessions/{}/captions", None),
              ("POST", "/sessions/{}/captions", {"speaker_role": "candidate", "text": "hi"}),
              ("GET", "/sessions/{}/events", None),
              ("POST", "/sessions/{}/questions", {"text": "why?"}),
              ("PUT", "/sessions/{}/auto-answer", {"enabled": False})]
    for method, path, body in routes:
        theirs = await mallory.request(method, path.format(sid), json=body)
        nothing = await mallory.request(method, path.format(missing), json=body)
        assert theirs.status_code == nothing.status_code == 404, (method, path, theirs.text)
        assert theirs.json() == nothing.json()
        assert "secret" not in theirs.text
    assert (await mallory.request("GET", "/sessions")).json()["sessions"] == []
    # and the owner's session is untouched
    r = await user.request("GET", f"/sessions/{sid}/captions")
    assert [c["text"] for c in r.json()["captions"]] == ["secret question"]


async def test_session_fields_are_validated(user: User) -> None:
    cases = [{"title": ""}, {"title": "x" * 201}, {"title": 5}, {"title": "ok", "language": "english!"},
             {"title": "ok", "unknown": 1}, {"title": "bell\x07"}]
    for body in cases:
        r = await user.request("POST", "/sessions", json=body)
        assert r.status_code == 422, body
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"], body
    assert (await user.request("GET", "/sessions")).json()["sessions"] == []


async def test_openapi_document_lists_the_routes(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    paths = set(spec["paths"])
    for path in ["/auth/register", "/auth/login", "/auth/refresh", "/users/me", "/sessions",
                 "/sessions/{session_id}", "/sessions/{session_id}/captions", "/sessions/{session_id}/events",
                 "/sessions/{session_id}/questions", "/resumes", "/knowledge", "/ask"]:
        assert path in paths, path
    caption = spec["components"]["schemas"]["CaptionIn"]["properties"]
    assert set(caption) >= {"speaker_role", "text", "block_id", "revision", "final", "client_ts"}
