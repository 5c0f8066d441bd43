"""Speakers per session over real HTTP (SQLite and PostgreSQL): roles from names, panels of interviewers,
the user's corrections re-labelling the transcript and steering detection, and bad input refused."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from mentor.ai.detection import CaptionAssembler, CaptionUpdate
from mentor.ai.speakers import Roster, default_role
from mentor.ai.types import SpeakerRole
from mentor.settings import Settings
from tests.conftest import User, register, running_server


def said(name: str, text: str, block: str, **kw: Any) -> dict[str, Any]:
    """A final caption that names its speaker and leaves the role to the session."""
    return {"speaker_name": name, "text": text, "block_id": block, "revision": 0, "final": True, **kw}


async def events_of(user: User, sid: str) -> list[tuple[str, dict[str, Any]]]:
    """Every durable event of an ended session (its stream replays the log, then closes)."""
    r = await user.request("GET", f"/sessions/{sid}/events")
    out, kind = [], ""
    for line in r.text.splitlines():
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: ") and kind:
            out.append((kind, json.loads(line[6:])))
    return out


async def quiet_session(user: User, **fields: Any) -> str:
    """A session that detects questions but starts no answers (answers are tested elsewhere)."""
    sid = str((await user.create_session(**fields))["id"])
    r = await user.request("PUT", f"/sessions/{sid}/auto-answer", json={"enabled": False})
    assert r.status_code == 200, r.text
    return sid


async def roles(user: User, sid: str) -> dict[str, str]:
    r = await user.request("GET", f"/sessions/{sid}/speakers")
    assert r.status_code == 200, r.text
    return {s["name"]: s["role"] for s in r.json()["speakers"]}


# --- pure rules


def test_default_roles_candidate_by_name_or_self_label_everyone_else_interviews() -> None:
    assert default_role("Sam  RIVERA", "Sam Rivera") == SpeakerRole.CANDIDATE
    assert default_role("Sam Rivera (You)", None) == SpeakerRole.CANDIDATE
    for label in ("You", "Vous", "Du", "Tú"):
        assert default_role(label, "Sam Rivera") == SpeakerRole.CANDIDATE
    assert default_role("Dana Lee", "Sam Rivera") == SpeakerRole.INTERVIEWER
    assert default_role("Youssef", None) == SpeakerRole.INTERVIEWER


def test_roster_keeps_the_users_choice_over_a_clients_guess_and_stays_bounded() -> None:
    roster = Roster("Sam", max_speakers=2)
    role, new = roster.resolve("Dana", SpeakerRole.OTHER)
    assert role == SpeakerRole.OTHER and new is not None and new.source == "caption"
    roster.remember(new)
    roster.set("Dana", SpeakerRole.INTERVIEWER)
    assert roster.resolve("Dana", SpeakerRole.OTHER) == (SpeakerRole.INTERVIEWER, None)
    roster.remember(roster.resolve("Alex", None)[1])  # type: ignore[arg-type]
    role, new = roster.resolve("Kim", None)
    assert role == SpeakerRole.INTERVIEWER and new is None and len(roster) == 2  # full: a role, not remembered


def test_interviewers_handing_over_are_two_turns() -> None:
    asm = CaptionAssembler()
    first = asm.feed(CaptionUpdate(1, "b1", 0, True, "interviewer", "Dana Lee", "Thanks for that.", 0.0))
    second = asm.feed(CaptionUpdate(2, "b2", 0, True, "interviewer", "Alex Kim", "Which database?", 0.5))
    assert second.closed is first.turn and second.turn is not first.turn
    assert second.turn.text == "Which database?"


# --- over HTTP


async def test_names_get_roles_and_every_device_hears_of_new_speakers(user: User) -> None:
    sid = await quiet_session(user, candidate_name="Sam Rivera")
    r = await user.captions(sid, [said("Dana Lee", "Welcome.", "b1"), said("Sam Rivera", "Thanks!", "b2"),
                                  said("You", "Glad to be here.", "b3"),
                                  said("Alex Kim", "Hi.", "b4", speaker_role="other"),
                                  said("Dana Lee", "Shall we start?", "b5", speaker_role="other")])
    assert r.status_code == 200, r.text
    # the first caption of a name decides its role; after that the session's role wins
    assert await roles(user, sid) == {"Dana Lee": "interviewer", "Sam Rivera": "candidate", "You": "candidate",
                                      "Alex Kim": "other"}
    rows = (await user.request("GET", f"/sessions/{sid}/captions")).json()["captions"]
    assert [c["speaker_role"] for c in rows] == ["interviewer", "candidate", "candidate", "other", "interviewer"]
    speakers = (await user.request("GET", f"/sessions/{sid}/speakers")).json()["speakers"]
    assert [s["name"] for s in speakers] == ["Dana Lee", "Sam Rivera", "You", "Alex Kim"]  # first seen first
    await user.request("POST", f"/sessions/{sid}/end")
    updates = [d for kind, d in await events_of(user, sid) if kind == "speaker_updated"]
    assert [(u["name"], u["role"], u["previous_role"]) for u in updates] == [
        ("Dana Lee", "interviewer", None), ("Sam Rivera", "candidate", None), ("You", "candidate", None),
        ("Alex Kim", "other", None)]


async def test_a_panel_every_interviewer_is_heard_the_candidate_never_fires(user: User) -> None:
    sid = await quiet_session(user, candidate_name="Sam Rivera")
    await user.captions(sid, said("Dana Lee", "Thanks for coming in today.", "b1"))
    await user.captions(sid, said("Alex Kim", "Which database did you choose for the ledger, and why?", "b2"))
    await user.captions(sid, said("Sam Rivera", "Why Postgres? Can you guess? Because we needed transactions.",
                                  "b3"))
    await user.captions(sid, said("Priya Shah", "How did you test the migration before going live?", "b4"))
    await user.request("POST", f"/sessions/{sid}/end")
    questions = [d for kind, d in await events_of(user, sid) if kind == "question_detected"]
    by_id: dict[str, dict[str, Any]] = {}
    for q in questions:
        by_id[q["question_id"]] = q
    texts = [q["text"] for q in by_id.values()]
    assert len(texts) == 2, texts
    assert "database" in texts[0] and "Thanks for coming" not in texts[0]  # Dana's words are not Alex's turn
    assert "test the migration" in texts[1]
    assert all("Postgres" not in t for t in texts)  # the candidate's own questions never fire
    assert [q["caption_ids"] for q in by_id.values()] == [[2], [4]]


async def test_changing_a_role_relabels_the_past_and_steers_detection(user: User) -> None:
    sid = await quiet_session(user)
    await user.captions(sid, said("Alex Kim", "What is your notice period?", "b1"))
    await user.captions(sid, said("Dana Lee", "Hello there.", "b2"))
    r = await user.request("PUT", f"/sessions/{sid}/speakers/{quote('Alex Kim')}", json={"role": "other"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Alex Kim" and r.json()["role"] == "other" and r.json()["source"] == "user"
    again = await user.request("PUT", f"/sessions/{sid}/speakers/Alex%20Kim", json={"role": "other"})
    assert again.status_code == 200  # no change: no event
    # a name not seen yet can be set ahead of time
    r = await user.request("PUT", f"/sessions/{sid}/speakers/{quote('Jo / Recruiter')}", json={"role": "other"})
    assert r.status_code == 200, r.text
    # from now on Alex's questions are not detected; the client's own guess does not override the user
    await user.captions(sid, said("Alex Kim", "Could you describe a hard bug you fixed?", "b3",
                                  speaker_role="interviewer"))
    await user.captions(sid, said("Jo / Recruiter", "Can you start in March?", "b4"))
    rows = (await user.request("GET", f"/sessions/{sid}/captions")).json()["captions"]
    assert [c["speaker_role"] for c in rows] == ["other", "interviewer", "other", "other"]
    assert await roles(user, sid) == {"Alex Kim": "other", "Dana Lee": "interviewer", "Jo / Recruiter": "other"}
    # back to interviewer: detection follows again, and the store keeps the new role
    r = await user.request("PUT", f"/sessions/{sid}/speakers/Alex%20Kim", json={"role": "interviewer"})
    assert r.status_code == 200
    await user.captions(sid, said("Alex Kim", "How would you design a rate limiter?", "b5"))
    await user.request("POST", f"/sessions/{sid}/end")
    events = await events_of(user, sid)
    updates = [(d["name"], d["role"], d["previous_role"], d["source"]) for k, d in events if k == "speaker_updated"]
    assert updates == [("Alex Kim", "interviewer", None, "auto"), ("Dana Lee", "interviewer", None, "auto"),
                       ("Alex Kim", "other", "interviewer", "user"), ("Jo / Recruiter", "other", None, "user"),
                       ("Alex Kim", "interviewer", "other", "user")]
    asked = {d["question_id"]: d["text"] for k, d in events if k == "question_detected"}
    assert list(asked.values()) == ["What is your notice period?", "How would you design a rate limiter?"]
    rows = (await user.request("GET", f"/sessions/{sid}/captions")).json()["captions"]
    assert [c["speaker_role"] for c in rows] == ["interviewer", "interviewer", "interviewer", "other",
                                                 "interviewer"]
    # an ended session can still be corrected (reports read the stored roles)
    r = await user.request("PUT", f"/sessions/{sid}/speakers/Dana%20Lee", json={"role": "other"})
    assert r.status_code == 200 and (await roles(user, sid))["Dana Lee"] == "other"


@pytest.mark.parametrize(("path_name", "body", "code"), [
    ("x" * 201, {"role": "other"}, "invalid_speaker_name"),
    (quote("Dana\x01Lee"), {"role": "other"}, "invalid_speaker_name"),
    (quote("Dana\x85"), {"role": "other"}, "invalid_speaker_name"),
    ("%20%20", {"role": "other"}, "invalid_speaker_name"),
    ("Dana", {"role": "boss"}, "invalid_speaker_role"),
    ("Dana", {"role": "interviewer", "extra": 1}, "invalid_body"),
    ("Dana", {"role": 3}, "invalid_body"),
])
async def test_bad_speaker_input_is_refused_and_changes_nothing(
        user: User, path_name: str, body: dict[str, Any], code: str) -> None:
    sid = await quiet_session(user)
    await user.captions(sid, said("Dana", "Hello.", "b1"))
    r = await user.request("PUT", f"/sessions/{sid}/speakers/{path_name}", json=body)
    assert r.status_code == 422 and r.json()["code"] == code, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await roles(user, sid) == {"Dana": "interviewer"}


async def test_a_200_character_name_is_fine_and_captions_need_a_name_or_a_role(user: User) -> None:
    sid = await quiet_session(user)
    r = await user.request("PUT", f"/sessions/{sid}/speakers/{'é' * 200}", json={"role": "candidate"})
    assert r.status_code == 200, r.text
    r = await user.captions(sid, {"text": "Who said this?"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_caption"
    r = await user.captions(sid, {"text": "Hi", "speaker_name": "Dana\x07"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_caption"
    r = await user.captions(sid, {"text": "Hi", "speaker_name": "Da\x85na"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_caption" and r.json()["index"] == 0
    assert (await user.request("GET", f"/sessions/{sid}/captions")).json()["captions"] == []


async def test_another_users_session_is_not_found(user: User) -> None:
    sid = await quiet_session(user)
    await user.captions(sid, said("Dana", "Hello.", "b1"))
    other = await register(user.client)
    r = await other.request("PUT", f"/sessions/{sid}/speakers/Dana", json={"role": "other"})
    assert r.status_code == 404 and r.json()["code"] == "session_not_found"
    r = await other.request("GET", f"/sessions/{sid}/speakers")
    assert r.status_code == 404
    assert await roles(user, sid) == {"Dana": "interviewer"}


async def test_the_speakers_survive_a_restart(settings: Settings) -> None:
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as client:
        user = await register(client)
        sid = await quiet_session(user, candidate_name="Sam")
        await user.captions(sid, [said("Alex", "Hi all.", "b1"), said("Sam", "Hello.", "b2")])
        r = await user.request("PUT", f"/sessions/{sid}/speakers/Alex", json={"role": "other"})
        assert r.status_code == 200, r.text
    async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as client:
        user.client = client  # the same account and token: the store and the signing key outlive the process
        assert await roles(user, sid) == {"Alex": "other", "Sam": "candidate"}
        await user.captions(sid, said("Alex", "What is your notice period?", "b3", speaker_role="interviewer"))
        rows = (await user.request("GET", f"/sessions/{sid}/captions")).json()["captions"]
        assert [c["speaker_role"] for c in rows] == ["other", "candidate", "other"]
