"""Captions over real HTTP: revisions, idempotent retries, validation that changes nothing."""

from __future__ import annotations

import time

import httpx

from tests.conftest import User


def cap(text: str, role: str = "interviewer", **kw: object) -> dict[str, object]:
    return {"speaker_role": role, "text": text, **kw}


async def transcript(user: User, sid: str) -> list[dict[str, object]]:
    r = await user.request("GET", f"/sessions/{sid}/captions")
    assert r.status_code == 200
    return list(r.json()["captions"])


async def test_single_list_and_batch_shapes(user: User) -> None:
    sid = (await user.create_session())["id"]
    r1 = await user.captions(sid, cap("Hello, thanks for joining."))
    r2 = await user.captions(sid, [cap("Thanks for having me.", "candidate", speaker_name="Sam")])
    r3 = await user.captions(sid, {"captions": [cap("Let's start."), cap("Sure.", "candidate")]})
    assert [r.status_code for r in (r1, r2, r3)] == [200, 200, 200]
    assert [x["status"] for x in r3.json()["results"]] == ["created", "created"]
    rows = await transcript(user, sid)
    assert [c["text"] for c in rows] == ["Hello, thanks for joining.", "Thanks for having me.", "Let's start.", "Sure."]
    assert [c["id"] for c in rows] == [1, 2, 3, 4]
    assert rows[1]["speaker_name"] == "Sam" and rows[1]["speaker_role"] == "candidate"


async def test_block_revisions_replace_and_retries_are_no_ops(user: User) -> None:
    sid = (await user.create_session())["id"]
    growing = ["so tell", "so tell me about", "So tell me about a time you disagreed"]
    for rev, text in enumerate(growing, start=1):
        r = await user.captions(sid, cap(text, block_id="meet-1", revision=rev, final=False))
        assert r.json()["results"][0]["status"] == ("created" if rev == 1 else "updated")
    final = cap("So tell me about a time you disagreed with your manager.", block_id="meet-1", revision=4, final=True)
    first = await user.captions(sid, final)
    retry = await user.captions(sid, final)
    assert first.json()["results"][0]["status"] == "updated"
    assert retry.status_code == 200 and retry.json()["results"][0]["status"] == "duplicate"
    old = await user.captions(sid, cap("stale", block_id="meet-1", revision=2, final=False))
    assert old.status_code == 409 and old.json()["code"] == "revision_backwards"
    closed = await user.captions(sid, cap("more", block_id="meet-1", revision=9))
    assert closed.status_code == 409 and closed.json()["code"] == "block_final"
    rows = await transcript(user, sid)
    assert len(rows) == 1 and rows[0]["revision"] == 4 and rows[0]["final"] is True
    assert rows[0]["text"].endswith("manager.")
    # exactly one new_caption and three caption_updated events: the retry emitted nothing
    await user.request("POST", f"/sessions/{sid}/end")
    r = await user.request("GET", f"/sessions/{sid}/events")  # an ended session's stream replays, then closes
    types = [line[7:] for line in r.text.splitlines() if line.startswith("event: ")
             and ("caption" in line or "session" in line)]  # question and answer events are tested elsewhere
    assert types == ["session_created", "new_caption"] + ["caption_updated"] * 3 + ["session_ended"]


async def test_a_batch_is_all_or_nothing(user: User) -> None:
    sid = (await user.create_session())["id"]
    bad = [cap("fine"), cap("also fine", block_id="b", revision=1), cap("", role="candidate")]
    r = await user.captions(sid, bad)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][0] == "2"
    assert await transcript(user, sid) == []
    # a stateful error (revision going backwards inside the batch) also refuses the whole batch
    r = await user.captions(sid, [cap("one", block_id="b", revision=2), cap("two", block_id="b", revision=1)])
    assert r.status_code == 409 and r.json()["index"] == 1
    assert await transcript(user, sid) == []


async def test_validation_errors_are_specific(user: User) -> None:
    sid = (await user.create_session())["id"]
    now = time.time()
    cases: list[tuple[object, int, str]] = [
        (cap("x" * 5001), 422, "caption_too_long"),
        (cap("   "), 422, "invalid_caption"),
        ({"speaker_role": "boss", "text": "hi"}, 422, "invalid_caption"),
        (cap(5), 422, "invalid_caption"),
        (cap("hi", revision="2", block_id="b"), 422, "invalid_caption"),
        (cap("hi", revision=-1, block_id="b"), 422, "invalid_caption"),
        (cap("hi", block_id="bad id with spaces", revision=1), 422, "invalid_caption"),
        (cap("hi", revision=3), 422, "revision_without_block"),
        (cap("hi", client_ts=now - 86400), 422, "timestamp_before_session"),
        (cap("hi", client_ts=now + 86400), 422, "timestamp_in_future"),
        (cap("hi", client_ts="2020-01-01T00:00:00"), 422, "invalid_timestamp"),
        (cap("nul\x00byte"), 422, "invalid_caption"),
        (cap("escape \x1b[31m"), 422, "invalid_caption"),
        (cap("café “quoted” \x07 bell"), 422, "invalid_caption"),  # not ASCII, printable but for the control
        (cap("hi", extra=True), 422, "invalid_caption"),
        ([], 422, "invalid_body"),
        ("just a string", 422, "invalid_body"),
        ([cap("hi")] * 501, 413, "batch_too_large"),
    ]
    for body, status, code in cases:
        r = await user.captions(sid, body)
        assert (r.status_code, r.json()["code"]) == (status, code), (body if len(str(body)) < 200 else code, r.text[:300])
        assert r.headers["content-type"] == "application/problem+json"
    r = await user.request("POST", f"/sessions/{sid}/captions", content=b"{not json",
                           headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_json"
    r = await user.request("POST", f"/sessions/{sid}/captions", content=b'"\\ud800"',
                           headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    r = await user.request("POST", f"/sessions/{sid}/captions", content=b"hi", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = await user.request("POST", f"/sessions/{sid}/captions", content=b"[" + b'"x",' * 400_000 + b'"x"]',
                           headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert await transcript(user, sid) == []


async def test_iso_timestamps_and_unicode_are_kept(user: User) -> None:
    sid = (await user.create_session())["id"]
    r = await user.captions(sid, cap("Was ist Ihre größte Stärke? 🙂\nZweite Zeile", client_ts="2999-01-01T00:00:00Z"))
    assert r.status_code == 422  # far future
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    r = await user.captions(sid, cap("Was ist Ihre größte Stärke? 🙂\nZweite Zeile", client_ts=iso))
    assert r.status_code == 200, r.text
    row = (await transcript(user, sid))[0]
    assert row["text"] == "Was ist Ihre größte Stärke? 🙂\nZweite Zeile"
    assert abs(float(row["client_ts"]) - time.time()) < 5


async def test_ended_session_takes_no_captions(user: User) -> None:
    sid = (await user.create_session())["id"]
    await user.captions(sid, cap("first"))
    await user.request("POST", f"/sessions/{sid}/end")
    r = await user.captions(sid, cap("too late"))
    assert r.status_code == 409 and r.json()["code"] == "session_ended"
    assert [c["text"] for c in await transcript(user, sid)] == ["first"]


async def test_final_filter_and_paging(user: User) -> None:
    sid = (await user.create_session())["id"]
    await user.captions(sid, [cap(f"line {i}") for i in range(5)] + [cap("typing", block_id="b", revision=1, final=False)])
    r = await user.request("GET", f"/sessions/{sid}/captions", params={"final": "true"})
    assert [c["text"] for c in r.json()["captions"]] == [f"line {i}" for i in range(5)]
    r = await user.request("GET", f"/sessions/{sid}/captions", params={"after": "2", "limit": "2"})
    assert [c["id"] for c in r.json()["captions"]] == [3, 4] and r.json()["next_after"] == 4


async def test_requests_without_valid_auth_are_refused(client: httpx.AsyncClient, user: User) -> None:
    sid = (await user.create_session())["id"]
    r = await client.post(f"/sessions/{sid}/captions", json=cap("hi"))
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    r = await client.post(f"/sessions/{sid}/captions", json=cap("hi"), params={"token": user.token})
    assert r.status_code == 401  # query tokens are for read-only streams only
    assert await transcript(user, sid) == []
