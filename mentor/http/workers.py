"""``mentor serve --workers N``: N server processes sharing one port (SO_REUSEPORT) and one PostgreSQL.

The parent only starts the workers, passes SIGINT/SIGTERM on to them, and starts a worker again when one
dies (the sessions it owned move to the others within ``lease_ttl_s``; a restarted worker takes new ones).
With port 0 the parent picks the port once (a bound, never-listening SO_REUSEPORT socket it holds: only
listening sockets get connections), so every worker binds the same one. The kernel spreads new connections over the
workers' listening sockets; any worker serves any request (see docs/operations.md, "Several processes").
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import tempfile

import trio
from prometheus_client import multiprocess

from mentor.actors.metrics import MULTIPROC_ENV
from mentor.http.server import WORKER_ENV, shared_socket
from mentor.settings import Settings

log = logging.getLogger(__name__)

RESTART_DELAY_S = 1.0


async def run_workers(settings: Settings, argv: list[str]) -> int:
    """Run ``settings.worker_count`` copies of ``mentor serve argv`` until SIGINT/SIGTERM."""
    placeholder = shared_socket(settings.host, settings.port)
    port = int(placeholder.getsockname()[1])
    env = {**os.environ, WORKER_ENV: "1", "MENTOR_WORKERS": str(settings.worker_count)}
    metrics_dir = None
    if not env.get(MULTIPROC_ENV):  # one directory of metric files for all workers: /metrics sums them
        metrics_dir = tempfile.TemporaryDirectory(prefix="mentor-metrics-")
        env[MULTIPROC_ENV] = metrics_dir.name
    command = [sys.executable, "-m", "mentor.cli", "serve", *argv, "--port", str(port)]  # the last one wins
    procs: dict[int, trio.Process] = {}
    stopping = False

    async def worker(index: int) -> None:
        while not stopping:
            proc = procs[index] = await trio.lowlevel.open_process(command, env=env)
            code = await proc.wait()
            multiprocess.mark_process_dead(proc.pid, env[MULTIPROC_ENV])  # type: ignore[no-untyped-call]
            if not stopping:
                log.warning("worker %d exited with %s; starting it again", index, code)
                await trio.sleep(RESTART_DELAY_S)

    async with trio.open_nursery() as nursery:
        for index in range(settings.worker_count):
            nursery.start_soon(worker, index)
        with placeholder, trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async for signum in signals:
                stopping = True
                for proc in procs.values():
                    if proc.returncode is None:
                        proc.send_signal(signum)
                break
    if metrics_dir is not None:
        metrics_dir.cleanup()
    return 0
