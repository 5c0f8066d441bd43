"""Two real Chromium profiles against one server: the owner's console on a laptop and a phone-width page.
The owner shows a pairing code, the phone redeems it (signed in as a paired device), both watch the same
answer stream, the owner revokes the phone from the device list and the phone's stream stops within
heartbeat_s, and later answers no longer reach it. And a coach's hint shows in the extension's side panel."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import trio

from mentor.settings import Settings
from tests.browser.harness import open_browser, requires_browser
from tests.browser.test_console import log_in
from tests.browser.test_panel import EXTENSION, PASSWORD, open_panel, sign_in
from tests.conftest import Server, make_settings, register

pytestmark = requires_browser

HEARTBEAT_S = 0.5
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, sse_retry_ms=250, heartbeat_s=HEARTBEAT_S)


def question_is(text: str) -> str:
    return f"() => document.getElementById('question').textContent === {text!r}"


ANSWERED = "() => document.getElementById('answer').textContent.trim().length > 20"


async def test_pair_a_phone_watch_an_answer_on_both_then_revoke_it(
        nursery: trio.Nursery, server: Server, client: httpx.AsyncClient, tmp_path: Path) -> None:
    owner = await register(client, password="correct horse battery")
    sid = (await owner.create_session(title="Backend engineer at Acme", company="Acme"))["id"]
    base = server.url
    async with open_browser(nursery) as laptop, open_browser(nursery, viewport=PHONE) as phone:
        await log_in(laptop, base, owner.email, "correct horse battery")
        await laptop.call("click", page="main", selector="#pair-device")
        code = await laptop.wait_for("() => document.getElementById('pair-code').textContent")
        assert await laptop.eval("() => document.getElementById('pair-qr').src.startsWith('data:image/svg+xml')")

        # the phone opens the QR's URL: signed in as a paired device, no password
        await phone.call("newPage", name="main", url=f"{base}/#pair={code}", viewport=PHONE)
        await phone.wait_for("() => !document.getElementById('view-sessions').hidden")
        await phone.eval(f"() => {{ location.hash = '#/s/{sid}'; }}")
        await laptop.eval(f"() => {{ location.hash = '#/s/{sid}'; }}")
        for b in (laptop, phone):
            await b.wait_for("() => document.getElementById('conn').dataset.state === 'live'")
        # presence: the laptop sees itself and the phone (a paired device)
        await laptop.wait_for("() => document.getElementById('presence').textContent.includes('device')")

        # an answer streams on both
        r = await owner.request("POST", f"/sessions/{sid}/questions", json={"text": "Why did you pick Postgres?"})
        assert r.status_code == 202, r.text
        for b in (laptop, phone):
            await b.wait_for(question_is("Why did you pick Postgres?"))
            await b.wait_for(ANSWERED, timeout=20)
        await phone.screenshot("sharing-phone-paired.png")

        # the owner marks it answered on the laptop: the phone shows the same synced mark
        await laptop.call("click", page="main", selector="#mark-bar button[data-mark=answered]")
        await phone.wait_for("() => document.querySelector('#questions li')?.dataset.answered === 'true'")

        # the owner revokes the phone from the device list; its stream ends within heartbeat_s
        await laptop.eval("() => { location.hash = '#/sessions'; }")
        await laptop.wait_for("() => document.querySelector('#device-list li[data-device-id] button')")
        await laptop.call("click", page="main", selector="#device-list li[data-device-id] button")
        await laptop.wait_for("() => !document.querySelector('#device-list li[data-device-id]')")
        with trio.fail_after(HEARTBEAT_S * 4 + 5):  # + the driver's round trips
            await phone.wait_for("() => document.getElementById('conn').dataset.state === 'ended' && "
                                 "document.getElementById('conn').textContent.includes('access revoked')")
        await phone.screenshot("sharing-phone-revoked.png")

        # later answers reach the laptop, not the phone
        await laptop.eval(f"() => {{ location.hash = '#/s/{sid}'; }}")
        r = await owner.request("POST", f"/sessions/{sid}/questions", json={"text": "How do you test that?"})
        assert r.status_code == 202
        await laptop.wait_for(question_is("How do you test that?"))
        assert await phone.eval(question_is("Why did you pick Postgres?"))
        devices = (await owner.request("GET", "/users/me/devices")).json()["devices"]
        assert devices == []


async def test_a_coachs_hint_reaches_the_extension_side_panel(
        nursery: trio.Nursery, server: Server, client: httpx.AsyncClient) -> None:
    owner = await register(client, password=PASSWORD)
    sid = (await owner.create_session(title="Mock interview with a coach"))["id"]
    r = await owner.request("POST", f"/sessions/{sid}/shares", json={"role": "coach"})
    opened = await client.post("/auth/share", json={"token": r.json()["token"]})
    coach = {"Authorization": f"Bearer {opened.json()['access_token']}"}
    async with open_browser(nursery, extension_dir=EXTENSION) as b:
        ext = await b.call("extensionId")
        await sign_in(b, ext, server.url, owner.email)
        await open_panel(b, ext, sid)
        r = await client.post(f"/sessions/{sid}/hints", headers=coach, json={"text": "Slow down; give one example"})
        assert r.status_code == 201, r.text
        got = await b.wait_for("() => document.querySelector('#coach-hints li')?.textContent", page="panel")
        assert got == "Coach: Slow down; give one example"
        assert await b.eval("() => !document.getElementById('coach-hints').hidden", page="panel")
