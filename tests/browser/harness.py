"""Real-browser test support: Debian's Chromium driven by clients/tests/driver.mjs (playwright-core), a TCP
proxy whose connections a test can cut, and the console blueprint wired into the test server.

Tests using this skip, with the reason, when chromium, node or clients/tests/node_modules is missing
(``.ci/install-browser.sh`` installs them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import trio

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / "clients" / "tests"
DRIVER = NODE_DIR / "driver.mjs"
# Screenshots go to an ignored folder, so running the tests leaves the work tree clean. To refresh the ones
# the docs show: MENTOR_REFRESH_SCREENSHOTS=1 pytest tests/browser (see docs/clients.md).
SCREENSHOTS = (ROOT / "docs" / "screenshots" if os.environ.get("MENTOR_REFRESH_SCREENSHOTS") == "1"
               else ROOT / "tests" / "browser" / ".screenshots")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CALL_TIMEOUT_S = 20.0


def skip_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found: run .ci/install-browser.sh (Debian package chromium)"
    if shutil.which("node") is None:
        return "node not found: the browser driver needs Node.js"
    if not (NODE_DIR / "node_modules" / "playwright-core").is_dir():
        return "clients/tests/node_modules missing: run .ci/install-browser.sh (npm ci)"
    return None


requires_browser = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


class DriverError(Exception):
    """The driver answered a command with an error (a wait timed out, a selector did not match, ...)."""


class Browser:
    """One Chromium (persistent context) behind the JSON-lines driver; ``call`` sends one command."""

    def __init__(self, proc: trio.Process) -> None:
        self.proc = proc
        self._buf = b""
        self._next = 0
        self._lock = trio.Lock()

    async def call(self, cmd: str, timeout: float = CALL_TIMEOUT_S, **args: Any) -> Any:
        async with self._lock:
            self._next += 1
            msg = {"id": self._next, "cmd": cmd, **args}
            assert self.proc.stdin is not None
            with trio.fail_after(timeout):
                await self.proc.stdin.send_all(json.dumps(msg).encode() + b"\n")
                while True:
                    reply = json.loads(await self._line())
                    if reply.get("id") == self._next:
                        break
        if not reply["ok"]:
            raise DriverError(f"{cmd}: {reply['error']}")
        return reply["result"]

    async def _line(self) -> bytes:
        assert self.proc.stdout is not None
        while b"\n" not in self._buf:
            chunk = await self.proc.stdout.receive_some(65536)
            if not chunk:
                raise DriverError("the driver exited (see stderr)")
            self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        return line

    async def wait_for(self, fn: str, arg: Any = None, page: str = "main", timeout: float = 20.0) -> Any:
        """Wait until the JS function ``fn(arg)`` returns something truthy in the page; returns it. (20 s: with the
        suite's four workers starting Chromium on two cores, an extension's sign-in once took more than 10.)"""
        return await self.call("waitFor", timeout=timeout + 5, page=page, fn=fn, arg=arg, ms=int(timeout * 1000))

    async def eval(self, fn: str, arg: Any = None, page: str = "main") -> Any:
        return await self.call("eval", page=page, fn=fn, arg=arg)

    async def screenshot(self, name: str, page: str = "main", full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        await self.call("screenshot", page=page, path=str(path), fullPage=full_page)
        return path


async def open_options(b: Browser, ext: str) -> None:
    """The extension's options page as page "options", once it has loaded the stored settings."""
    await b.call("newPage", name="options", url=f"chrome-extension://{ext}/options.html")
    await b.wait_for("() => document.documentElement.dataset.ready === 'true'", page="options")


@asynccontextmanager
async def open_browser(nursery: trio.Nursery, extension_dir: Path | None = None,
                       viewport: dict[str, int] | None = None) -> AsyncIterator[Browser]:
    env = {**os.environ, "CHROMIUM_PATH": CHROMIUM}
    proc: trio.Process = await nursery.start(partial(
        trio.run_process, ["node", str(DRIVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        cwd=str(NODE_DIR), env=env, check=False))
    browser = Browser(proc)
    try:
        await browser.call("launch", timeout=30, extensionDir=str(extension_dir) if extension_dir else None,
                           viewport=viewport)
        yield browser
    finally:
        with trio.move_on_after(10) as cleanup:
            cleanup.shield = True
            try:
                await browser.call("close", timeout=10)
            except (DriverError, trio.TooSlowError, trio.BrokenResourceError, trio.ClosedResourceError):
                pass
            with trio.move_on_after(5):
                await proc.wait()
        if proc.returncode is None:
            proc.kill()


class CuttableProxy:
    """A TCP proxy on 127.0.0.1 in front of the server. ``cut()`` drops every open connection and refuses
    new ones until ``restore()``: to a browser it looks exactly like the network going away."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.up = True
        self.requests: list[bytes] = []  # the first bytes of each connection (request line and headers)
        self.drop_responses = 0  # this many responses to caption posts are swallowed (the request did land)
        self.dropped = 0
        self._scopes: set[trio.CancelScope] = set()

    async def serve(self, task_status: trio.TaskStatus[int] = trio.TASK_STATUS_IGNORED) -> None:
        listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
        self.port = listeners[0].socket.getsockname()[1]
        task_status.started(self.port)
        await trio.serve_listeners(self._handle, listeners)

    def cut(self) -> None:
        self.up = False
        for scope in list(self._scopes):
            scope.cancel()

    def restore(self) -> None:
        self.up = True

    async def _handle(self, client: trio.SocketStream) -> None:
        async with client:
            if not self.up:
                return
            with trio.CancelScope() as scope:
                self._scopes.add(scope)
                try:
                    upstream = await trio.open_tcp_stream("127.0.0.1", self.target_port)
                    last_request = [b""]
                    async with upstream, trio.open_nursery() as n:
                        n.start_soon(self._pipe, client, upstream, last_request, True, n.cancel_scope)
                        n.start_soon(self._pipe, upstream, client, last_request, False, n.cancel_scope)
                except (trio.BrokenResourceError, trio.ClosedResourceError, OSError):
                    pass
                finally:
                    self._scopes.discard(scope)

    async def _pipe(self, src: trio.SocketStream, dst: trio.SocketStream, last_request: list[bytes],
                    from_client: bool, done: trio.CancelScope) -> None:
        first = from_client
        try:
            while chunk := await src.receive_some(65536):
                if from_client:
                    if first:
                        self.requests.append(chunk)
                        first = False
                    if chunk[:8].split(b" ", 1)[0] in (b"GET", b"POST", b"PUT", b"DELETE", b"OPTIONS"):
                        last_request[0] = chunk.split(b"\r\n", 1)[0]
                elif self.drop_responses > 0 and b"/captions" in last_request[0]:
                    # the server has stored the captions; the client never hears so (it must retry)
                    self.drop_responses -= 1
                    self.dropped += 1
                    break
                await dst.send_all(chunk)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass
        done.cancel()  # one direction finished: end the other too, so neither end hangs
