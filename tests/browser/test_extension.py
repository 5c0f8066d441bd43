"""The Manifest V3 extension loaded into a real headless Chromium, against a real server on sqlite.

The content script matches only https://meet.google.com/*; the test serves its Meet stand-in
(clients/tests/fixtures/meet.html, which reproduces Meet's caption DOM behaviour) *at* a meet.google.com
address through playwright's request routing, so the shipped manifest is tested unchanged and the
extension never gains a localhost match it would carry to users. The server sits behind a proxy that
swallows responses to caption posts (the captions were stored; the extension must retry) and goes down
for a while mid-meeting. The server must end up with exactly the final transcript, one row per block.
"""

from __future__ import annotations

from typing import Any

import httpx
import trio

from tests.browser.harness import NODE_DIR, ROOT, CuttableProxy, open_browser, requires_browser
from tests.conftest import Server, User, register

pytestmark = requires_browser

EXTENSION = ROOT / "clients" / "extension"
FIXTURE = NODE_DIR / "fixtures" / "meet.html"
MEET_URL = "https://meet.google.com/abc-defg-hij"


async def final_transcript(user: User, expected_rows: int, timeout: float = 20) -> tuple[str, list[dict[str, Any]]]:
    """Poll the server until the session holds ``expected_rows`` final captions; returns (id, captions)."""
    rows: list[dict[str, Any]] = []
    sid = ""
    with trio.move_on_after(timeout):
        while True:
            sessions = (await user.request("GET", "/sessions")).json()["sessions"]
            if sessions:
                sid = sessions[0]["id"]
                rows = (await user.request("GET", f"/sessions/{sid}/captions")).json()["captions"]
                if len(rows) >= expected_rows and all(r["final"] for r in rows):
                    break
            await trio.sleep(0.1)
    return sid, rows


async def test_extension_sends_the_final_meet_transcript_once(
        nursery: trio.Nursery, server: Server, client: httpx.AsyncClient, proxy: CuttableProxy) -> None:
    user = await register(client, password="correct horse battery")
    async with open_browser(nursery, extension_dir=EXTENSION, viewport={"width": 1100, "height": 700}) as b:
        ext = await b.call("extensionId")

        # options: server, account, who the candidate is
        await b.call("newPage", name="options", url=f"chrome-extension://{ext}/options.html")
        await b.call("fill", page="options", selector="#account input[name=server]", value=f"http://127.0.0.1:{proxy.port}")
        await b.call("fill", page="options", selector="#account input[name=email]", value=user.email)
        await b.call("fill", page="options", selector="#account input[name=password]", value="correct horse battery")
        await b.call("click", page="options", selector="#account button[value=login]")
        await b.wait_for("() => document.getElementById('account-status').textContent.startsWith('Signed in')",
                         page="options")
        await b.call("fill", page="options", selector="#meeting input[name=candidateName]", value="Sam Rivera")
        await b.call("click", page="options", selector="#meeting button[type=submit]")
        await b.wait_for("() => document.getElementById('meeting-status').textContent.startsWith('Saved')",
                         page="options")
        await b.screenshot("extension-options.png", page="options")

        # the meeting: Meet's caption DOM, played back; the network misbehaves meanwhile
        await b.call("newPage", name="meet")
        await b.call("routeFile", page="meet", url="https://meet.google.com/**", file=str(FIXTURE))
        await b.call("goto", page="meet", url=MEET_URL)
        await b.wait_for("() => document.documentElement.dataset.mentorCaptions === 'on'", page="meet")
        proxy.drop_responses = 2
        await b.eval("() => window.fixtureStart()", page="meet")
        await b.wait_for("() => window.fixture.step >= 12", page="meet")
        proxy.cut()
        await b.wait_for("() => window.fixture.step >= 20", page="meet")
        await b.screenshot("extension-meet-fixture.png", page="meet")
        await b.wait_for("() => Number(document.documentElement.dataset.mentorFailures || 0) > 0", page="meet")
        proxy.restore()
        await b.wait_for("() => window.fixture.done", page="meet")
        expected = await b.eval("() => window.fixture.expected", page="meet")

        sid, rows = await final_transcript(user, len(expected))
        got = [{"speaker": r["speaker_name"], "text": r["text"]} for r in rows]
        assert got == expected
        roles = [r["speaker_role"] for r in rows]
        assert roles == ["interviewer", "candidate", "interviewer", "interviewer", "candidate"], roles
        assert len({r["block_id"] for r in rows}) == len(rows)
        assert proxy.dropped == 2, "the test meant to lose two responses"
        await b.wait_for("() => document.documentElement.dataset.mentorPending === '0'", page="meet")

        # the side panel follows the meeting's session: questions and answers over SSE
        await b.call("newPage", name="panel", url=f"chrome-extension://{ext}/sidepanel.html",
                     viewport={"width": 400, "height": 720})
        await b.wait_for("() => document.getElementById('conn').dataset.state === 'live'", page="panel")
        r = await user.request("POST", f"/sessions/{sid}/questions", json={"text": "How did you measure success?"})
        assert r.status_code == 202, r.text
        await b.wait_for("() => document.getElementById('question').textContent === 'How did you measure success?'",
                         page="panel")
        await b.screenshot("extension-side-panel.png", page="panel")
