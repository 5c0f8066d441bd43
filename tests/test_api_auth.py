"""Accounts and tokens over real HTTP: registration, login, rotation with reuse detection, and every way
a token can be wrong."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest

from tests.conftest import TEST_SECRET, Server, User, register


def forge(claims: dict[str, object], key: str = TEST_SECRET, alg: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=alg)


def claims_for(user: User, **changes: object) -> dict[str, object]:
    now = int(time.time())
    base: dict[str, object] = {"sub": user.id, "iat": now, "exp": now + 600, "iss": "mentor",
                               "aud": "mentor-api", "typ": "access"}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


async def test_register_login_me(client: httpx.AsyncClient) -> None:
    user = await register(client, "Ada@Example.com", "a long passphrase")
    assert user.tokens["token_type"] == "Bearer" and user.tokens["expires_in"] == 900
    me = await user.request("GET", "/users/me")
    assert me.json() == {"id": user.id, "email": "ada@example.com", "created_at": me.json()["created_at"]}
    r = await client.post("/auth/login", json={"email": "ada@example.com", "password": "a long passphrase"})
    assert r.status_code == 200 and r.json()["user"]["id"] == user.id
    wrong = await client.post("/auth/login", json={"email": "ada@example.com", "password": "not the one"})
    nobody = await client.post("/auth/login", json={"email": "nobody@example.com", "password": "not the one"})
    assert wrong.status_code == nobody.status_code == 401 and wrong.json()["detail"] == nobody.json()["detail"]
    dup = await client.post("/auth/register", json={"email": "ADA@example.com", "password": "whatever123"})
    assert dup.status_code == 409 and dup.json()["code"] == "email_taken"
    for body in [{"email": "not-an-email", "password": "password123"}, {"email": "a@b.co", "password": "short"},
                 {"email": "a@b.co"}, {"email": ["a@b.co"], "password": "password123"}]:
        r = await client.post("/auth/register", json=body)
        assert r.status_code == 422, body


async def test_refresh_rotates_and_reuse_revokes_the_family(client: httpx.AsyncClient, user: User) -> None:
    first = user.tokens["refresh_token"]
    r = await client.post("/auth/refresh", json={"refresh_token": first})
    assert r.status_code == 200
    second = r.json()["refresh_token"]
    assert second != first and r.json()["access_token"]
    # presenting the already-used token again: theft suspected, the whole family dies
    reuse = await client.post("/auth/refresh", json={"refresh_token": first})
    assert reuse.status_code == 401
    assert (await client.post("/auth/refresh", json={"refresh_token": second})).status_code == 401
    # a fresh login is a new family and works
    r = await client.post("/auth/login", json={"email": user.email, "password": "correct horse"})
    third = r.json()["refresh_token"]
    assert (await client.post("/auth/logout", json={"refresh_token": third})).status_code == 204
    assert (await client.post("/auth/refresh", json={"refresh_token": third})).status_code == 401
    for bad in ["x" * 20, third.split(".")[0] + ".wrongsecret"]:
        assert (await client.post("/auth/refresh", json={"refresh_token": bad})).status_code == 401


@pytest.mark.parametrize("case", ["none", "expired", "other_key", "alg_none", "wrong_aud", "wrong_iss",
                                  "no_exp", "hs512", "refresh_type", "garbage", "basic"])
async def test_bad_tokens_are_refused_everywhere(server: Server, client: httpx.AsyncClient, user: User,
                                                 case: str) -> None:
    sid = (await user.create_session())["id"]
    tokens = {
        "none": None,
        "expired": forge(claims_for(user, iat=int(time.time()) - 1000, exp=int(time.time()) - 10)),
        "other_key": forge(claims_for(user), key="another-secret-that-is-long-enough-000000"),
        "alg_none": jwt.encode(claims_for(user), None, algorithm="none"),
        "wrong_aud": forge(claims_for(user, aud="someone-else")),
        "wrong_iss": forge(claims_for(user, iss="evil")),
        "no_exp": forge(claims_for(user, exp=None)),
        "hs512": forge(claims_for(user), key=TEST_SECRET * 2, alg="HS512"),  # algorithm comes from config, not from the token
        "refresh_type": forge(claims_for(user, typ="refresh")),
        "garbage": "not.a.jwt",
        "basic": "basic",
    }
    token = tokens[case]
    headers = {} if token is None else {"Authorization": "Basic abc" if token == "basic" else f"Bearer {token}"}
    routes = [("GET", "/users/me"), ("GET", "/sessions"), ("POST", "/sessions"), ("GET", f"/sessions/{sid}"),
              ("POST", f"/sessions/{sid}/captions"), ("GET", f"/sessions/{sid}/captions"),
              ("GET", f"/sessions/{sid}/events"), ("POST", f"/sessions/{sid}/end"), ("DELETE", f"/sessions/{sid}")]
    client.cookies.clear()  # registration set the stream cookie; this test is about the header
    for method, path in routes:
        r = await client.request(method, path, headers=headers, json={"title": "x", "speaker_role": "candidate",
                                                                       "text": "hi"} if method == "POST" else None)
        assert r.status_code == 401, (case, method, path, r.status_code, r.text)
        assert sid not in r.text
    r = await user.request("GET", f"/sessions/{sid}")
    assert r.status_code == 200 and r.json()["status"] == "active"


async def test_repeated_wrong_passwords_are_throttled(client: httpx.AsyncClient, user: User) -> None:
    wrong = {"email": user.email, "password": "not my password"}
    for _ in range(10):
        assert (await client.post("/auth/login", json=wrong)).status_code == 401
    r = await client.post("/auth/login", json=wrong)
    assert r.status_code == 429 and r.json()["code"] == "too_many_attempts" and r.json()["retry_after_s"] > 0
    assert int(r.headers["retry-after"]) == r.json()["retry_after_s"]
    # the right password is refused too while throttled: guessing cannot continue
    right = await client.post("/auth/login", json={"email": user.email, "password": "correct horse"})
    assert right.status_code == 429
    other = await register(client)
    ok = await client.post("/auth/login", json={"email": other.email, "password": "correct horse"})
    assert ok.status_code == 200  # other accounts are unaffected
