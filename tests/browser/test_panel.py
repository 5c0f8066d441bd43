"""The extension's options page and side panel in a real headless Chromium, against real servers.

- Setup: every mistake is said on the page in words (no scheme, short password, a URL that is not a Mentor
  server), and "Sign out" shows only while signed in.
- Panel states: the streaming cursor stays inline; a cancelled question is marked; an earlier question
  opens its answer when clicked and can be answered again; an offline-fallback answer says so.
- Tokens expiring while an answer streams (3-second access tokens, 1-second heartbeat): the panel renews
  ahead of expiry, reconnects on `token_expired` with the token in hand (never with the expired one), and
  the answer never stalls for longer than one heartbeat.
- A server SIGKILLed mid-answer and restarted with the panel open: the cut answer ends and can be asked
  again.
"""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import trio

from tests.browser.harness import ROOT, Browser, CuttableProxy, open_browser, open_options, requires_browser
from tests.conftest import Server, User, make_settings, register, running_server
from tests.openai_stub import OpenAIStub, Reply
from tests.test_durability import server_process

pytestmark = requires_browser

EXTENSION = ROOT / "clients" / "extension"
PASSWORD = "correct horse battery"
PANEL = {"width": 400, "height": 760}

LONG_ANSWER = ("Start with the **requirements**: who calls the API, how many requests per second, and what "
               "a caller sees when it is limited. Then pick a token bucket per API key kept in Redis, "
               "refilled lazily on each request, so bursts are allowed but the average rate holds. Mention "
               "the failure mode: if Redis is down, fail open for reads and closed for writes.")


async def sign_in(b: Browser, ext: str, base: str, email: str, password: str = PASSWORD) -> None:
    await open_options(b, ext)
    await fill_account(b, base, email, password)
    await b.call("click", page="options", selector="#account button[value=login]")
    await b.wait_for("() => document.getElementById('account-status').textContent.startsWith('Signed in')",
                     page="options")


async def fill_account(b: Browser, server: str, email: str, password: str) -> None:
    await b.call("fill", page="options", selector="#account input[name=server]", value=server)
    await b.call("fill", page="options", selector="#account input[name=email]", value=email)
    await b.call("fill", page="options", selector="#account input[name=password]", value=password)


async def open_panel(b: Browser, ext: str, session_id: str) -> None:
    """The panel follows chrome.storage's currentSession (set by the service worker when a Meet tab posts
    captions); set it directly here."""
    await b.eval("(sid) => chrome.storage.local.set({currentSession: sid})", arg=session_id, page="options")
    await b.call("newPage", name="panel", url=f"chrome-extension://{ext}/sidepanel.html", viewport=PANEL)
    await b.wait_for("() => document.getElementById('conn').dataset.state === 'live'", page="panel")


async def ask(user: User, session_id: str, text: str) -> dict[str, Any]:
    r = await user.request("POST", f"/sessions/{session_id}/questions", json={"text": text})
    if r.status_code == 401:  # this test's own short-lived token
        refreshed = await user.client.post("/auth/refresh", json={"refresh_token": user.tokens["refresh_token"]})
        user.tokens = refreshed.json()
        r = await user.request("POST", f"/sessions/{session_id}/questions", json={"text": text})
    assert r.status_code == 202, r.text
    return dict(r.json())


class FixedReply:
    """Another service on 127.0.0.1: every request gets the same HTTP response."""

    def __init__(self, status: str, content_type: str, body: bytes) -> None:
        self.response = (f"HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {len(body)}\r\n"
                         "connection: close\r\n\r\n").encode() + body

    async def serve(self, task_status: trio.TaskStatus[str] = trio.TASK_STATUS_IGNORED) -> None:
        listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
        task_status.started(f"http://127.0.0.1:{listeners[0].socket.getsockname()[1]}")
        await trio.serve_listeners(self._handle, listeners)

    async def _handle(self, stream: trio.SocketStream) -> None:
        async with stream:
            data = b""
            with trio.move_on_after(5):
                while b"\r\n\r\n" not in data and (chunk := await stream.receive_some()):
                    data += chunk
            await stream.send_all(self.response)


async def test_setup_messages_are_shown_on_the_options_page(
        nursery: trio.Nursery, server: Server, client: httpx.AsyncClient) -> None:
    user = await register(client, password=PASSWORD)
    not_found = await nursery.start(FixedReply("404 Not Found", "text/html", b"<h1>Not Found</h1>").serve)
    other_health = await nursery.start(FixedReply("200 OK", "application/json", b'{"status": "ok"}').serve)
    async with open_browser(nursery, extension_dir=EXTENSION) as b:
        ext = await b.call("extensionId")
        await open_options(b, ext)
        sign_out_hidden = "() => document.getElementById('sign-out').hidden"
        assert await b.eval(sign_out_hidden, page="options") is True

        login = partial(b.call, "click", page="options", selector="#account button[value=login]")
        for server_url, password, says in [
                ("127.0.0.1:8080", PASSWORD, "starting with http:// or https://"),
                ("localhost:8080", PASSWORD, "starting with http:// or https://"),
                (server.url, "short", "at least 8 characters"),
                (not_found, PASSWORD, "is not a Mentor server"),
                (other_health, PASSWORD, "is not a Mentor server")]:
            await fill_account(b, server_url, user.email, password)
            await login()
            got = await b.wait_for("(says) => { const t = document.getElementById('account-status').textContent;"
                                   " return t.includes(says) && t; }", arg=says, page="options")
            assert await b.eval("() => document.getElementById('account-status').className",
                                page="options") == "status bad", got
            assert await b.eval(sign_out_hidden, page="options") is True
            if says == "is not a Mentor server":
                await b.screenshot("extension-options-not-mentor.png", page="options")

        await fill_account(b, server.url, user.email, PASSWORD)
        await login()
        await b.wait_for("() => document.getElementById('account-status').textContent.startsWith('Signed in')",
                         page="options")
        await b.wait_for("() => !document.getElementById('sign-out').hidden", page="options")
        await b.call("click", page="options", selector="#sign-out")
        await b.wait_for(sign_out_hidden, page="options")
        await b.wait_for("() => document.getElementById('account-status').textContent === 'Signed out'",
                         page="options")
    health = (await client.get("/health")).json()
    assert health["service"] == "mentor" and health["version"]


@asynccontextmanager
async def stub_backed_server(tmp_path: Path, stub: OpenAIStub, **overrides: Any) -> AsyncIterator[Server]:
    async with trio.open_nursery() as nursery:
        url = await nursery.start(stub.serve)
        settings = make_settings(f"sqlite:///{tmp_path / 'mentor.db'}", model="stub-model", openai_base_url=url,
                                 openai_api_key="test", sse_retry_ms=250, **overrides)
        async with running_server(settings) as srv:
            yield srv
        nursery.cancel_scope.cancel()


ANSWER = "() => { const a = document.getElementById('answer'); return {status: a.dataset.status, " \
         "text: a.textContent.replace('▍', ''), meta: document.getElementById('answer-meta').textContent, " \
         "fallback: a.dataset.fallback, again: !document.getElementById('answer-again').hidden, " \
         "question: document.getElementById('question').textContent}; }"

CURSOR_INLINE = """() => {
    const a = document.getElementById('answer'), cursor = a.querySelector('.cursor');
    if (!cursor) return null;
    const block = cursor.parentElement, text = cursor.previousSibling;
    if (!text || !['P', 'LI'].includes(block.tagName) || cursor !== block.lastChild) return {bad: 'placement'};
    const range = document.createRange(); range.selectNodeContents(text);
    const lines = range.getClientRects(), last = lines[lines.length - 1], at = cursor.getBoundingClientRect();
    return {sameLine: Math.abs(last.top - at.top) < 4 && at.left >= last.right - 1,
            lastBlock: block === a.lastElementChild || block.parentElement === a.lastElementChild};
}"""


async def test_panel_marks_cancelled_opens_earlier_answers_again_and_says_offline(
        nursery: trio.Nursery, tmp_path: Path) -> None:
    stub = OpenAIStub(Reply.text(LONG_ANSWER, chunk_delay=0.15),  # the first answer streams slowly, then is cut
                      default=Reply.text("Keep tenants whole and route by a directory table."))
    async with stub_backed_server(tmp_path, stub) as srv, httpx.AsyncClient(base_url=srv.url, timeout=10) as c, \
            open_browser(nursery, extension_dir=EXTENSION) as b:
        user = await register(c, password=PASSWORD)
        sid = (await user.create_session(title="Staff engineer at Globex"))["id"]
        ext = await b.call("extensionId")
        await sign_in(b, ext, srv.url, user.email)
        await open_panel(b, ext, sid)

        first = await ask(user, sid, "How would you design a rate limiter for a public API?")
        await b.wait_for("() => document.getElementById('answer').textContent.length > 60", page="panel")
        inline = await b.wait_for(CURSOR_INLINE, page="panel")
        assert inline == {"sameLine": True, "lastBlock": True}, inline
        await b.screenshot("extension-panel-streaming.png", page="panel")

        # a newer question cancels the first answer: the first is listed as cancelled
        second = await ask(user, sid, "How would you shard a multi-tenant Postgres database?")
        await b.wait_for("() => document.getElementById('answer').dataset.status === 'done'", page="panel")
        item = f"#earlier li[data-question-id='{first['question_id']}']"
        got = await b.wait_for(f"() => {{ const li = document.querySelector(\"{item}\"); "
                               "return li && li.dataset.status === 'cancelled' && li.textContent; }", page="panel")
        assert "Cancelled" in got

        # an earlier question opens its answer, and can be answered again
        await b.call("click", page="panel", selector=f"{item} button")
        view = await b.wait_for(f"() => {{ const a = ({ANSWER})(); "
                                "return a.question.includes('rate limiter') && a; }", page="panel")
        assert view["status"] == "cancelled" and view["meta"] == "Cancelled: a newer question came", view
        assert view["again"] is True and view["text"].startswith("Start with the requirements"), view
        assert await b.eval("() => document.getElementById('q-label').textContent", page="panel") == "Earlier question"
        await b.screenshot("extension-panel-cancelled.png", page="panel")
        await b.call("click", page="panel", selector="#answer-again")
        view = await b.wait_for(f"() => {{ const a = ({ANSWER})(); return a.status === 'done' && a; }}", page="panel")
        assert view["question"].startswith("How would you design a rate limiter"), view
        assert view["text"] == "Keep tenants whole and route by a directory table.", view
        assert await b.eval(f"() => document.querySelector(\"#earlier li[data-question-id='{second['question_id']}']\")"
                            ".dataset.status", page="panel") == "answered"
        await b.call("click", page="panel", selector="#follow-live")

        # the model breaks (twice, past its retry): the offline answer says where it came from
        stub.script(Reply(chunks=("Half", " an", " answer"), cut_after=1), Reply(chunks=("Half",), cut_after=1))
        await ask(user, sid, "Tell me about a time you disagreed with a design decision.")
        view = await b.wait_for(f"() => {{ const a = ({ANSWER})(); "
                                "return a.question.includes('disagreed') && a.status === 'done' && a; }",
                                page="panel", timeout=20)
        assert view["fallback"] == "offline" and view["meta"].startswith("Offline answer: the model failed"), view
        assert "Half" not in view["text"], view
        await b.screenshot("extension-panel-offline.png", page="panel")


GROWTH = """() => { window.__growth = []; const a = document.getElementById('answer');
    new MutationObserver(() => window.__growth.push([performance.now(), a.textContent.replace('▍', '').length,
                                                     a.dataset.status]))
      .observe(a, {childList: true, subtree: true, characterData: true, attributes: true}); return true; }"""


def longest_pause(growth: list[list[Any]]) -> tuple[float, int]:
    """(longest time in seconds between two growths of the answer text while it streamed, growth count)."""
    times = []
    seen = -1
    for at, length, status in growth:
        if length > seen and status == "streaming":
            times.append(at)
            seen = length
    gaps = [(b - a) / 1000 for a, b in pairwise(times)]
    return max(gaps, default=0.0), len(times)


TOKEN_TTL_S = 3
HEARTBEAT_S = 1.0
STREAMING = Reply.text(" ".join([LONG_ANSWER] * 2), chunk_delay=0.08)  # ~9 s: three token lifetimes


async def test_panel_answer_streams_on_while_tokens_expire(nursery: trio.Nursery, tmp_path: Path) -> None:
    stub = OpenAIStub(STREAMING)
    async with stub_backed_server(tmp_path, stub, access_token_ttl_s=TOKEN_TTL_S, heartbeat_s=HEARTBEAT_S) as srv, \
            httpx.AsyncClient(base_url=srv.url, timeout=10) as c, open_browser(nursery, extension_dir=EXTENSION) as b:
        user = await register(c, password=PASSWORD)
        sid = (await user.create_session())["id"]
        ext = await b.call("extensionId")
        await sign_in(b, ext, srv.url, user.email)
        await open_panel(b, ext, sid)
        await b.eval(GROWTH, page="panel")
        await ask(user, sid, "How would you design a rate limiter for a public API?")
        await b.wait_for("() => document.getElementById('answer').dataset.status === 'done'", page="panel", timeout=40)
        text = await b.eval("() => document.getElementById('answer').textContent", page="panel")
        stats = await b.eval("() => window.mentorPanel.stream.stats", page="panel")
        growth = await b.eval("() => window.__growth", page="panel")
    assert " ".join(text.split()) == " ".join(" ".join([LONG_ANSWER] * 2).replace("**", "").split())
    assert stats["expired"] >= 2, stats  # the stream's token did expire mid-answer, more than once
    assert stats["refused"] == 0, stats  # ...and it never reconnected with an expired token (a 401)
    pause, growths = longest_pause(growth)
    print(f"panel: {growths} growths, longest pause {pause:.3f} s, stream {stats}")
    assert growths >= 20, growth  # pieces arrived one after another, not in one burst
    assert pause < HEARTBEAT_S, (pause, stats)


async def test_panel_sees_an_answer_cut_by_a_restart_end_and_asks_again(
        nursery: trio.Nursery, tmp_path: Path) -> None:
    """SIGKILL during an answer, restart on the same database: the panel (behind a proxy whose target follows
    the new process) shows the cut answer as ended and offers "answer again"."""
    stub = OpenAIStub(Reply(chunks=("Partial", " answer", " then"), stall_after=2),
                      default=Reply.text("Answered again after the restart."))
    stub_url = await nursery.start(stub.serve)
    db = f"sqlite:///{tmp_path / 'mentor.db'}"
    env = {"MENTOR_MODEL": "stub-model", "OPENAI_BASE_URL": stub_url, "OPENAI_API_KEY": "test",
           "MENTOR_SSE_RETRY_MS": "250"}
    async with open_browser(nursery, extension_dir=EXTENSION) as b:
        async with server_process(db, **env) as (proc, base):
            proxy = CuttableProxy(int(base.rsplit(":", 1)[1]))
            await nursery.start(proxy.serve)
            async with httpx.AsyncClient(base_url=base, timeout=10) as c:
                user = await register(c, "restart@example.com", password=PASSWORD)
                sid = (await user.create_session())["id"]
                ext = await b.call("extensionId")
                await sign_in(b, ext, f"http://127.0.0.1:{proxy.port}", user.email)
                await open_panel(b, ext, sid)
                await ask(user, sid, "Why did you leave your last job?")
                await b.wait_for("() => document.getElementById('answer').textContent.includes('Partial answer')",
                                 page="panel")
                proc.send_signal(signal.SIGKILL)
                with trio.fail_after(10):
                    await proc.wait()
        await b.wait_for("() => document.getElementById('conn').dataset.state !== 'live'", page="panel")
        async with server_process(db, **env) as (proc, base):
            proxy.target_port = int(base.rsplit(":", 1)[1])
            # The restarted server ends the cut answer (regenerated, or failed as interrupted): no spinner forever.
            view = await b.wait_for(f"() => {{ const a = ({ANSWER})(); "
                                    "return a.status !== 'streaming' && a; }", page="panel", timeout=20)
            await b.screenshot("extension-panel-interrupted.png", page="panel")
            if view["status"] == "failed":  # closed as interrupted: the panel offers to answer again
                assert view["meta"] == "Cut off: the server restarted during this answer" and view["again"], view
                await b.call("click", page="panel", selector="#answer-again")
            else:  # regenerated by the server (the question was still current)
                assert view["status"] in ("cancelled", "done"), view
            view = await b.wait_for(f"() => {{ const a = ({ANSWER})(); return a.status === 'done' && a; }}",
                                    page="panel", timeout=20)
            assert view["text"] == "Answered again after the restart.", view
            assert view["question"] == "Why did you leave your last job?", view
            proc.send_signal(signal.SIGTERM)
            with trio.fail_after(15):
                await proc.wait()
