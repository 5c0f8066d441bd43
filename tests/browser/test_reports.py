"""The report and trends pages in a real headless Chromium against a real server: reached from the console's
link, charts drawn from the server's SVG, a live report that turns final when the interview ends, and a
layout that fits a phone. Screenshots land in tests/browser/.screenshots/report-*.png
(docs/screenshots/ with MENTOR_REFRESH_SCREENSHOTS=1)."""

from __future__ import annotations

import httpx
import trio

from tests.browser.harness import Browser, open_browser, requires_browser
from tests.browser.test_console import log_in
from tests.conftest import Server, register
from tests.test_reports_api import QUESTION, interview

pytestmark = requires_browser

CHARTS = """(ids) => ids.every(id => { const s = document.querySelector('#' + id + ' svg');
    return s && s.getBoundingClientRect().width > 100; })"""
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


async def open_report(b: Browser, sid: str) -> None:
    await b.call("click", page="main", selector=f"#t-sessions a[href='#/s/{sid}']")
    await b.wait_for("() => document.body?.dataset.loaded === 'report'")


async def test_report_and_trends_pages_render_server_charts_and_fit_a_phone(
        nursery: trio.Nursery, server: Server, client: httpx.AsyncClient) -> None:
    user = await register(client, password="correct horse battery")
    older = await interview(user, company="Acme", title="Screening call with Acme")
    await user.request("POST", f"/sessions/{older}/end")
    sid = await interview(user, company="Acme", title="Backend loop at Acme")  # still running

    async with open_browser(nursery) as b:
        # the pages are served with the console's strict CSP
        r = await client.get("/static/report.html")
        assert r.status_code == 200 and "default-src 'self'" in r.headers["content-security-policy"]

        await log_in(b, server.url, user.email, "correct horse battery")
        await b.call("click", page="main", selector="#to-insights")
        await b.wait_for("() => document.body?.dataset.loaded === 'trends'")
        await b.wait_for(CHARTS, ["tchart-kinds", "tchart-talk_share", "tchart-pace", "tchart-latency"])
        sessions = await b.eval("() => [...document.querySelectorAll('#t-sessions a')].map(a => a.textContent)")
        assert sessions == ["Backend loop at Acme", "Screening call with Acme"]  # newest first
        themes = await b.eval("() => document.getElementById('t-themes').textContent")
        assert "kafka consumer" in themes
        await b.screenshot("report-trends.png", full_page=True)

        await open_report(b, sid)
        await b.wait_for(CHARTS, ["chart-timeline", "chart-talk_share", "chart-coverage", "chart-latency"])
        state = await b.eval("""() => ({
            badge: document.getElementById('r-status').textContent,
            questions: [...document.querySelectorAll('#r-questions .q')].map(q => q.textContent),
            answered: document.querySelector('#r-questions .facts').textContent,
            people: document.getElementById('r-people').textContent,
            scripts: document.querySelectorAll('svg script').length })""")
        assert state["badge"] == "Live — updating" and state["scripts"] == 0
        assert state["people"].startswith("Talk time by person: Sam (candidate)"), state["people"]
        assert state["questions"] == ["behavioral" + QUESTION]
        assert "you answered" in state["answered"] and "suggestion (offline)" in state["answered"]
        await b.screenshot("report-session.png", full_page=True)

        # the interview ends: opened again, its report is final
        r = await user.request("POST", f"/sessions/{sid}/end")
        assert r.status_code == 200
        await b.call("goto", page="main", url=f"{server.url}/static/report.html?again#/s/{sid}")
        await b.wait_for("() => document.getElementById('r-status').textContent === 'Final'")

        await b.call("viewport", page="main", width=390, height=844)
        await b.wait_for(FITS)
        await b.screenshot("report-session-phone.png", full_page=False)
        await b.call("goto", page="main", url=f"{server.url}/static/report.html#/trends?company=acme")
        await b.wait_for("() => document.body?.dataset.loaded === 'trends'")
        assert await b.eval(FITS)
        await b.screenshot("report-trends-phone.png", full_page=False)

        # another user's session: a plain "not yours" message, nothing else shown
        stranger = await register(client)
        other = (await stranger.create_session())["id"]
        await b.call("goto", page="main", url=f"{server.url}/static/report.html?stranger#/s/{other}")
        await b.wait_for("() => !document.getElementById('notice').hidden")
        assert "not yours" in await b.eval("() => document.getElementById('notice').textContent")
        assert await b.eval("() => document.getElementById('view-report').hidden")
