"""The Manifest V3 extension loaded into a real headless Chromium, against a real server on sqlite.

The content script matches only the meeting platforms' addresses (Google Meet, Zoom's web client, Teams on
the web); the test serves each platform's stand-in (clients/tests/fixtures/{meet,zoom,teams}.html, which
reproduce that platform's caption DOM behaviour) *at* the platform's address through playwright's request
routing, so the shipped manifest is tested unchanged and the extension never gains a localhost match it
would carry to users. The server sits behind a proxy that swallows responses to caption posts (the captions
were stored; the extension must retry) and goes down for a while mid-meeting. The server must end up with
exactly the final transcript, one row per block, each with the right speaker name and role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import trio

from tests.browser.harness import (
    NODE_DIR,
    ROOT,
    CuttableProxy,
    DriverError,
    open_browser,
    open_options,
    requires_browser,
)
from tests.conftest import Server, User, register

pytestmark = requires_browser

EXTENSION = ROOT / "clients" / "extension"
FIXTURES = NODE_DIR / "fixtures"


@dataclass(frozen=True)
class Platform:
    id: str
    fixture: str
    route: str  # the address pattern served from the fixture
    url: str
    cut_at: int  # fixture steps at which the network goes down, and comes back
    back_at: int
    roles: tuple[str, ...]  # of the final rows, in order


MEET = Platform("meet", "meet.html", "https://meet.google.com/**", "https://meet.google.com/abc-defg-hij", 12, 20,
                ("interviewer", "candidate", "interviewer", "interviewer", "candidate"))
ZOOM = Platform("zoom", "zoom.html", "https://app.zoom.us/**", "https://app.zoom.us/wc/81234567890/join", 6, 14,
                ("interviewer", "candidate", "interviewer", "interviewer", "interviewer", "candidate",
                 "interviewer"))
TEAMS = Platform("teams", "teams.html", "https://teams.microsoft.com/**",
                 "https://teams.microsoft.com/v2/#/l/meetup-join/19%3ameeting_Zm9vYmFy%40thread.v2/0", 8, 18,
                 ("interviewer", "interviewer", "interviewer", "candidate", "candidate", "interviewer",
                  "interviewer", "candidate"))


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


@pytest.mark.parametrize("platform", [MEET, ZOOM, TEAMS], ids=lambda p: p.id)
async def test_extension_sends_the_final_transcript_once(
        nursery: trio.Nursery, server: Server, client: httpx.AsyncClient, proxy: CuttableProxy,
        platform: Platform) -> None:
    user = await register(client, password="correct horse battery")
    async with open_browser(nursery, extension_dir=EXTENSION, viewport={"width": 1100, "height": 700}) as b:
        ext = await b.call("extensionId")

        # options: server, account, who the candidate is
        await open_options(b, ext)
        await b.call("fill", page="options", selector="#account input[name=server]", value=f"http://127.0.0.1:{proxy.port}")
        await b.call("fill", page="options", selector="#account input[name=email]", value=user.email)
        await b.call("fill", page="options", selector="#account input[name=password]", value="correct horse battery")
        await b.call("click", page="options", selector="#account button[value=login]")
        try:
            await b.wait_for("() => document.getElementById('account-status').textContent.startsWith('Signed in')",
                             page="options")
        except DriverError as exc:  # say where the sign-in stopped: the status line, and what reached the server
            shown = await b.eval("() => document.getElementById('account-status').textContent", page="options")
            raise AssertionError(f"not signed in; status {shown!r}; requests {proxy.requests[-3:]!r}") from exc
        await b.call("fill", page="options", selector="#meeting input[name=candidateName]", value="Sam Rivera")
        await b.call("click", page="options", selector="#meeting button[type=submit]")
        await b.wait_for("() => document.getElementById('meeting-status').textContent.startsWith('Saved')",
                         page="options")
        if platform is MEET:
            await b.screenshot("extension-options.png", page="options")

        # the meeting: the platform's caption DOM, played back; the network misbehaves meanwhile
        await b.call("newPage", name="meet")
        await b.call("routeFile", page="meet", url=platform.route, file=str(FIXTURES / platform.fixture))
        await b.call("goto", page="meet", url=platform.url)
        await b.wait_for("(id) => document.documentElement.dataset.mentorCaptions === id", platform.id, page="meet")
        await b.wait_for("() => window.fixture.ready !== false", page="meet")
        proxy.drop_responses = 2
        await b.eval("() => window.fixtureStart()", page="meet")
        await b.wait_for("(n) => window.fixture.step >= n", platform.cut_at, page="meet")
        proxy.cut()
        await b.wait_for("(n) => window.fixture.step >= n", platform.back_at, page="meet")
        await b.screenshot(f"extension-{platform.id}-fixture.png", page="meet")
        await b.wait_for("() => Number(document.documentElement.dataset.mentorFailures || 0) > 0", page="meet")
        proxy.restore()
        await b.wait_for("() => window.fixture.done", page="meet")
        expected = await b.eval("() => window.fixture.expected", page="meet")
        assert len(expected) == len(platform.roles)

        sid, rows = await final_transcript(user, len(expected))
        got = [{"speaker": r["speaker_name"], "text": r["text"]} for r in rows]
        assert got == expected
        assert all(r["final"] for r in rows), "the meeting ended: every caption is final"
        roles = [r["speaker_role"] for r in rows]
        assert roles == list(platform.roles), roles
        assert len({r["block_id"] for r in rows}) == len(rows)
        assert proxy.dropped == 2, "the test meant to lose two responses"
        await b.wait_for("() => document.documentElement.dataset.mentorPending === '0'", page="meet")
        speakers = (await user.request("GET", f"/sessions/{sid}/speakers")).json()["speakers"]
        assert {s["name"]: s["role"] for s in speakers} == {r["speaker_name"]: r["speaker_role"] for r in rows}
        if platform is not MEET:
            return

        # the side panel follows the meeting's session: questions and answers over SSE
        await b.call("newPage", name="panel", url=f"chrome-extension://{ext}/sidepanel.html",
                     viewport={"width": 400, "height": 720})
        await b.wait_for("() => document.getElementById('conn').dataset.state === 'live'", page="panel")
        r = await user.request("POST", f"/sessions/{sid}/questions", json={"text": "How did you measure success?"})
        assert r.status_code == 202, r.text
        await b.wait_for("() => document.getElementById('question').textContent === 'How did you measure success?'",
                         page="panel")
        await b.screenshot("extension-side-panel.png", page="panel")
