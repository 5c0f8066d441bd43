"""The web console in a real headless Chromium, against a real server on sqlite.

Log in, create a session, watch captions posted by another client render live, cut the network under the
page and see the stream resume with Last-Event-ID and no duplicate on screen; keep an answer streaming while
the access token expires again and again. Screenshots of each state land in tests/browser/.screenshots/
(docs/screenshots/ with MENTOR_REFRESH_SCREENSHOTS=1).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import trio

from tests.browser.harness import Browser, CuttableProxy, open_browser, requires_browser
from tests.browser.test_panel import (
    CURSOR_INLINE,
    GROWTH,
    HEARTBEAT_S,
    LONG_ANSWER,
    STREAMING,
    TOKEN_TTL_S,
    ask,
    longest_pause,
    stub_backed_server,
)
from tests.conftest import Server, User, register
from tests.openai_stub import OpenAIStub, Reply
from tests.sse import SSE, read_events

pytestmark = requires_browser


async def record_events(user: User, session_id: str, into: list[SSE],
                        task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
    async with user.client.stream("GET", f"/sessions/{session_id}/events", headers=user.auth,
                                  timeout=httpx.Timeout(10, read=None)) as r:
        task_status.started()
        async for event in read_events(r):
            into.append(event)


TRANSCRIPT = """() => [...document.querySelectorAll('#transcript li')].map(li => ({
    id: li.dataset.captionId, who: li.querySelector('.who').textContent,
    text: li.querySelector('.text').textContent, final: li.dataset.final }))"""


def shows_texts(texts: list[str]) -> str:
    return f"""() => {{ const t = [...document.querySelectorAll('#transcript li .text')].map(e => e.textContent);
        return JSON.stringify(t) === JSON.stringify({texts!r}); }}""".replace("'", '"')


async def log_in(b: Browser, base: str, email: str, password: str) -> None:
    await b.call("newPage", name="main", url=base + "/")
    await b.call("fill", page="main", selector="#login-form input[name=email]", value=email)
    await b.call("fill", page="main", selector="#login-form input[name=password]", value=password)
    await b.screenshot("console-sign-in.png")
    await b.call("click", page="main", selector="#login-form button[value=login]")
    await b.wait_for("() => !document.getElementById('view-sessions').hidden")


async def test_console_live_captions_and_resume_after_network_cut(
        nursery: trio.Nursery, server: Server, client: httpx.AsyncClient, proxy: CuttableProxy) -> None:
    user = await register(client, password="correct horse battery")
    base = f"http://127.0.0.1:{proxy.port}"
    async with open_browser(nursery) as b:
        # the console is served with a strict CSP
        r = await client.get("/")
        assert r.status_code == 200 and "default-src 'self'" in r.headers["content-security-policy"]

        await log_in(b, base, user.email, "correct horse battery")
        await b.call("fill", page="main", selector="#new-session input[name=title]", value="Backend engineer at Acme")
        await b.call("fill", page="main", selector="#new-session input[name=company]", value="Acme")
        await b.call("fill", page="main", selector="#new-session input[name=role]", value="Senior backend engineer")
        await b.call("fill", page="main", selector="#new-session input[name=candidate_name]", value="Sam")
        await b.call("fill", page="main", selector="#new-session input[name=interviewer_name]", value="Dana")
        await b.call("click", page="main", selector="#new-session button[type=submit]")
        sid = await b.wait_for("() => (/^#\\/s\\/(.+)$/.exec(location.hash) || [])[1]")
        await b.wait_for("() => document.getElementById('conn').dataset.state === 'live'")

        events: list[SSE] = []
        await nursery.start(record_events, user, sid, events)

        # another client posts a block as it grows, then the answer's block
        for rev, text in enumerate(["Tell me about", "Tell me about a time you", ("Tell me about a time you "
                                    "disagreed with a design decision.")]):
            r = await user.captions(sid, {"speaker_role": "interviewer", "speaker_name": "Dana", "text": text,
                                          "block_id": "b1", "revision": rev, "final": rev == 2})
            assert r.status_code == 200, r.text
        await user.captions(sid, {"speaker_role": "candidate", "speaker_name": "Sam", "block_id": "b2",
                                  "revision": 0, "final": True,
                                  "text": "Sure. At my last job we had to choose between Kafka and Postgres queues."})
        first = ["Tell me about a time you disagreed with a design decision.",
                 "Sure. At my last job we had to choose between Kafka and Postgres queues."]
        await b.wait_for(shows_texts(first))
        r = await user.request("POST", f"/sessions/{sid}/questions",
                               json={"text": "How would you design a rate limiter for a public API?"})
        assert r.status_code == 202, r.text
        await b.wait_for("() => document.getElementById('question').textContent.includes('rate limiter')")
        await b.screenshot("console-live.png")

        # cut the network under the page; captions keep arriving from another client meanwhile
        proxy.requests.clear()
        proxy.cut()
        await b.wait_for("() => document.getElementById('conn').dataset.state !== 'live'")
        missed = [{"speaker_role": "interviewer", "speaker_name": "Dana", "block_id": "b3", "revision": 0,
                   "final": False, "text": "And why Postgres"},
                  {"speaker_role": "interviewer", "speaker_name": "Dana", "block_id": "b3", "revision": 1,
                   "final": True, "text": "And why Postgres in the end?"},
                  {"speaker_role": "candidate", "speaker_name": "Sam", "block_id": "b4", "revision": 0,
                   "final": True, "text": "Fewer moving parts, and we already ran it well."}]
        assert (await user.captions(sid, {"captions": missed})).status_code == 200
        await b.screenshot("console-reconnecting.png")
        proxy.restore()

        await b.wait_for(shows_texts(first + ["And why Postgres in the end?",
                                              "Fewer moving parts, and we already ran it well."]), timeout=15)
        await b.wait_for("() => document.getElementById('conn').dataset.state === 'live'")
        rows = await b.eval(TRANSCRIPT)
        assert len({row["id"] for row in rows}) == len(rows) == 4, rows
        assert all(row["final"] == "true" for row in rows)
        resumed = [req for req in proxy.requests if b"/events" in req]
        assert resumed, "the page never reopened its event stream"
        headers = resumed[0].decode("latin-1").lower()
        assert "last-event-id: " in headers or "last_event_id=" in headers, headers

        # a speaker's role changed on another device: the transcript re-labels what they said
        r = await user.request("PUT", f"/sessions/{sid}/speakers/Dana", json={"role": "other"})
        assert r.status_code == 200, r.text
        await b.wait_for("() => [...document.querySelectorAll('#transcript li')].filter(li => "
                         "li.querySelector('.who').textContent === 'Dana').every(li => li.dataset.role === 'other')")
        assert await b.eval("() => [...document.querySelectorAll('#transcript li')].map(li => li.dataset.role)") == [
            "other", "candidate", "other", "candidate"]

        # answers: rendered live if this server emits them (the answer engine is optional here)
        answers = [e for e in events if e.event == "new_answer"]
        if answers:
            text = answers[-1].data["text"]
            await b.wait_for("(t) => document.getElementById('answer').textContent.replace(/\\s+/g, ' ')"
                             ".includes(t.split('\\n')[0].slice(0, 40))", arg=text, timeout=15)
        await b.screenshot("console-resumed.png")

        await b.call("viewport", page="main", width=390, height=844)
        await b.screenshot("console-phone.png")


async def test_console_renders_a_streaming_answer(nursery: trio.Nursery, server: Server,
                                                  client: httpx.AsyncClient) -> None:
    """The answer renderer against the event contract (answer_started, answer_delta..., new_answer), fed
    to the page's LiveView directly: works whether or not this server has an answer engine."""
    user = await register(client, password="correct horse battery")
    sid = (await user.create_session(title="Staff engineer at Globex", company="Globex"))["id"]
    await user.captions(sid, {"speaker_role": "interviewer", "speaker_name": "Priya", "block_id": "q1",
                              "revision": 0, "final": True,
                              "text": "How would you shard a multi-tenant Postgres database as it grows?"})
    await user.request("POST", f"/sessions/{sid}/questions",
                       json={"text": "How would you shard a multi-tenant Postgres database as it grows?"})
    async with open_browser(nursery) as b:
        await log_in(b, server.url, user.email, "correct horse battery")
        await b.call("goto", page="main", url=f"{server.url}/#/s/{sid}")
        await b.wait_for("() => document.getElementById('question').textContent.includes('shard')")
        qid = await b.eval("() => document.getElementById('question').dataset.questionId")
        deltas = [("Start by keeping tenants whole: **shard by tenant_id**, so one tenant's queries stay on "
                  "one node.\n\n"), "- Route with a small directory table (tenant → shard), cached in the app.\n",
                  "- Move big tenants to their own shard; small ones share.\n",
                  "- Rebalance online with logical replication, then flip the directory entry.\n\n",
                  "I'd mention the trade-off: cross-tenant reports need a separate analytics store."]
        await b.eval("""(a) => { const lv = window.mentorConsole.live;
            lv.apply('answer_started', {answer_id: 'a1', question_id: a.qid, engine: 'openai', model: 'gpt-4o-mini'});
            a.deltas.slice(0, 3).forEach((t, i) => lv.apply('answer_delta', {answer_id: 'a1', question_id: a.qid, seq: i, text: t}));
            lv.apply('answer_delta', {answer_id: 'a1', question_id: a.qid, seq: 1, text: a.deltas[1]}); // duplicate seq
        }""", arg={"qid": qid, "deltas": deltas})
        await b.wait_for("() => document.querySelectorAll('#answer li').length === 2 && "
                         "document.getElementById('answer').getAttribute('aria-busy') === 'true'")
        await b.screenshot("console-answer-streaming.png")
        await b.eval("""(a) => { const lv = window.mentorConsole.live;
            a.deltas.slice(3).forEach((t, i) => lv.apply('answer_delta', {answer_id: 'a1', question_id: a.qid, seq: i + 3, text: t}));
            lv.apply('new_answer', {answer_id: 'a1', question_id: a.qid, text: a.deltas.join(''), engine: 'openai',
                                    model: 'gpt-4o-mini', sources: ['résumé'], latency_ms: 1840, tokens: 120});
        }""", arg={"qid": qid, "deltas": deltas})
        await b.wait_for("() => document.getElementById('answer').dataset.status === 'done'")
        got = await b.eval("() => ({ items: document.querySelectorAll('#answer li').length, "
                           "strong: document.querySelector('#answer strong')?.textContent, "
                           "meta: document.getElementById('answer-meta').textContent })")
        assert got == {"items": 3, "strong": "shard by tenant_id", "meta": "gpt-4o-mini · 1.8 s · from résumé"}, got
        await b.screenshot("console-answer.png")
        await b.call("viewport", page="main", width=390, height=844)
        await b.screenshot("console-answer-phone.png")


async def test_console_uploads_resume_and_company_notes(nursery: trio.Nursery, server: Server,
                                                        client: httpx.AsyncClient, tmp_path: Path) -> None:
    user = await register(client, password="correct horse battery")
    resume = tmp_path / "sam-rivera-resume.txt"
    resume.write_text("Sam Rivera\nSenior backend engineer\n\nExperience\nAcme Payments, Staff engineer, "
                      "2019-2024: moved billing to Kafka, cut failed payments by 30%.\n\nSkills\nGo, Python, "
                      "PostgreSQL, Kafka\n")
    notes = tmp_path / "globex-engineering.md"
    notes.write_text("# Globex engineering\n\nGlobex runs a multi-tenant Postgres fleet sharded by tenant.\n")
    async with open_browser(nursery) as b:
        await log_in(b, server.url, user.email, "correct horse battery")
        await b.call("setFiles", page="main", selector="#resume-form input[type=file]", files=[str(resume)])
        await b.call("click", page="main", selector="#resume-form button[type=submit]")
        await b.wait_for("() => document.getElementById('resume-list').textContent.includes('sam-rivera-resume')")
        await b.call("fill", page="main", selector="#knowledge-form input[name=company]", value="Globex")
        await b.call("setFiles", page="main", selector="#knowledge-form input[type=file]", files=[str(notes)])
        await b.call("click", page="main", selector="#knowledge-form button[type=submit]")
        await b.wait_for("() => document.getElementById('knowledge-list').textContent.includes('Globex')")
        await b.screenshot("console-sessions.png")
    assert [r["name"] for r in (await user.request("GET", "/resumes")).json()["resumes"]] == ["sam-rivera-resume"]
    docs = (await user.request("GET", "/knowledge")).json()["documents"]
    assert [(d["company"], d["title"]) for d in docs] == [("Globex", "globex-engineering")]


async def test_console_answer_streams_on_while_tokens_expire(nursery: trio.Nursery, tmp_path: Path) -> None:
    """3-second access tokens, 1-second heartbeat: the console renews its token (and so its stream cookie)
    ahead of expiry, reconnects on `token_expired` at once, never with the expired token, and the answer
    never stalls for longer than one heartbeat."""
    stub = OpenAIStub(STREAMING)
    async with stub_backed_server(tmp_path, stub, access_token_ttl_s=TOKEN_TTL_S, heartbeat_s=HEARTBEAT_S) as srv, \
            httpx.AsyncClient(base_url=srv.url, timeout=10) as c, open_browser(nursery) as b:
        user = await register(c, password="correct horse battery")
        sid = (await user.create_session())["id"]
        await log_in(b, srv.url, user.email, "correct horse battery")
        await b.call("goto", page="main", url=f"{srv.url}/#/s/{sid}")
        await b.wait_for("() => document.getElementById('conn').dataset.state === 'live'")
        await b.eval(GROWTH)
        await ask(user, sid, "How would you design a rate limiter for a public API?")
        await b.wait_for("() => document.getElementById('answer').dataset.status === 'done'", timeout=40)
        text = await b.eval("() => document.getElementById('answer').textContent")
        stats = await b.eval("() => window.mentorConsole.stream.stats")
        growth = await b.eval("() => window.__growth")
    assert " ".join(text.split()) == " ".join(" ".join([LONG_ANSWER] * 2).replace("**", "").split())
    assert stats["expired"] >= 2, stats
    assert stats["refused"] == 0, stats
    pause, growths = longest_pause(growth)
    print(f"console: {growths} growths, longest pause {pause:.3f} s, stream {stats}")
    assert growths >= 20, growth
    assert pause < HEARTBEAT_S, (pause, stats)


async def test_console_marks_cancelled_questions_and_answers_again(nursery: trio.Nursery, tmp_path: Path) -> None:
    """The console shares the panel's reducer and renderer: a cancelled question is marked in the list, the
    cursor stays inline, and an earlier question can be answered again; a too-short password is refused on
    the page."""
    stub = OpenAIStub(Reply.text(LONG_ANSWER, chunk_delay=0.15), default=Reply.text("Use a token bucket per key."))
    async with stub_backed_server(tmp_path, stub) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c, \
            open_browser(nursery) as b:
        user = await register(c, password="correct horse battery")
        sid = (await user.create_session())["id"]
        await b.call("newPage", name="main", url=srv.url + "/")
        await b.call("fill", page="main", selector="#login-form input[name=email]", value=user.email)
        await b.call("fill", page="main", selector="#login-form input[name=password]", value="short")
        await b.call("click", page="main", selector="#login-form button[value=login]")
        await b.wait_for("() => document.querySelector('#login-form .form-error').textContent"
                         ".includes('at least 8 characters')")
        await b.call("fill", page="main", selector="#login-form input[name=password]", value="correct horse battery")
        await b.call("click", page="main", selector="#login-form button[value=login]")
        await b.wait_for("() => !document.getElementById('view-sessions').hidden")
        await b.call("goto", page="main", url=f"{srv.url}/#/s/{sid}")
        await b.wait_for("() => document.getElementById('conn').dataset.state === 'live'")

        first = await ask(user, sid, "How would you design a rate limiter for a public API?")
        await b.wait_for("() => document.getElementById('answer').textContent.length > 60")
        assert await b.wait_for(CURSOR_INLINE) == {"sameLine": True, "lastBlock": True}
        await ask(user, sid, "How would you shard a multi-tenant Postgres database?")
        item = f"#questions li[data-question-id='{first['question_id']}']"
        mark = await b.wait_for(f"() => {{ const li = document.querySelector(\"{item}\"); "
                                "return li && li.dataset.status === 'cancelled' && li.textContent; }")
        assert "Cancelled" in mark
        await b.wait_for("() => document.getElementById('answer').dataset.status === 'done'")
        await b.call("click", page="main", selector=f"{item} button")
        await b.wait_for("() => document.getElementById('answer-meta').textContent === "
                         "'Cancelled: a newer question came' && !document.getElementById('answer-again').hidden")
        await b.screenshot("console-cancelled.png")
        await b.call("click", page="main", selector="#answer-again")
        got = await b.wait_for("() => { const a = document.getElementById('answer'); "
                               "return a.dataset.status === 'done' && a.textContent; }")
        assert got == "Use a token bucket per key."
        assert "rate limiter" in await b.eval("() => document.getElementById('question').textContent")
