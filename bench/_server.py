"""The server under test: a ``mentor serve`` subprocess in a temp directory, and its CPU and memory read
from /proc (no psutil). The server runs in its own process so its CPU is measured apart from the load's.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import trio

from bench._wire import Endpoint, HTTPConnection, WireError

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REPO_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


def raise_fd_limit() -> int:
    """Raise the soft open-files limit to the hard one (children inherit it); returns the new limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True, slots=True)
class ProcSample:
    cpu_s: float  # user + system, all threads, since the process started
    rss_kib: int
    peak_rss_kib: int  # VmHWM: the process's high-water mark


def sample(pid: int) -> ProcSample:
    """Raises OSError if the process is gone."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # the command name may contain spaces
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14 and 15)
    status = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        status[name] = value
    return ProcSample(cpu, _kib(status.get("VmRSS")), _kib(status.get("VmHWM")))


def _kib(value: str | None) -> int:
    return int(value.split()[0]) if value else 0


@dataclass
class LocalServer:
    url: str
    pid: int
    process: subprocess.Popen[bytes]
    workdir: Path


@contextmanager
def local_server(extra_env: dict[str, str] | None = None, args: list[str] | None = None,
                 log_path: Path | None = None) -> Iterator[LocalServer]:
    """Start ``mentor serve`` on a free port with a SQLite database in a temp dir; SIGTERM it on exit.

    Password hashing is made cheap (argon2 at test size) so that creating users is not what is measured.
    """
    raise_fd_limit()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="mentor-bench-") as tmp:
        workdir = Path(tmp)
        env = {**os.environ, "MENTOR_PASSWORD_HASH_MEMORY_KIB": "1024", "MENTOR_PASSWORD_HASH_TIME_COST": "1",
               # a load generator is one client address with many users and sessions: no quotas
               "MENTOR_REGISTER_MAX_PER_ADDRESS": "0", "MENTOR_QUOTA_LIVE_SESSIONS": "0",
               "MENTOR_QUOTA_STORED_SESSIONS": "0", **(extra_env or {})}
        # MENTOR_BENCH_DEBUG (gc, gc-freeze, tracemalloc) wraps the server in bench/_serve_debug.py.
        module = "bench._serve_debug" if env.get("MENTOR_BENCH_DEBUG") else "mentor.cli"
        if module != "mentor.cli":
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
            env.setdefault("MENTOR_BENCH_SNAPSHOT_DIR", str(workdir))
        cmd = [sys.executable, "-m", module, "serve", "--port", str(port), "--host", "127.0.0.1",
               "--database-url", f"sqlite:///{workdir / 'mentor.db'}", "--log-level", "WARNING", *(args or [])]
        log = open(log_path or workdir / "server.log", "wb")  # noqa: SIM115 - closed below
        process = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield LocalServer(f"http://127.0.0.1:{port}", process.pid, process, workdir)
        finally:
            stop_process(process)
            log.close()


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def wait_ready(url: str, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll GET /health until it answers 200; raises RuntimeError on timeout or if the process died."""
    conn = HTTPConnection(Endpoint.parse(url))
    timeout = READY_TIMEOUT_S * (4 if os.environ.get("MENTOR_BENCH_DEBUG") else 1)  # tracemalloc is slow
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            status, _ = await conn.request("GET", "/health")
            if status == 200:
                await conn.aclose()
                return
        except (OSError, WireError):
            pass
        await trio.sleep(0.1)
    raise RuntimeError(f"server at {url} not ready after {timeout} s")
