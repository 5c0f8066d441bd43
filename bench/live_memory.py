"""What one live session holds: Python objects traced per live actor, grouped by the innermost Mentor line.

    python -m bench.live_memory                  # 300 sessions created and touched, all live at once (~2.5 min)
    python -m bench.live_memory --sessions 500 --top 40

The idle figure of ``bench.load idle`` is the peak of a burst of live sessions, which the allocator keeps, so
this is the figure that moves it. Starts ``mentor serve`` under ``bench/_serve_debug.py`` with tracemalloc
(hibernation far off, so every session stays live), takes a snapshot after a warm-up and another once the
sessions are created and touched (one caption each, as ``bench.load idle`` does), and prints the growth per
session: in all, by the innermost frame inside ``mentor/``, and by the innermost frame.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tracemalloc
from collections import Counter

import trio

from bench._run import create_sessions
from bench._server import local_server, wait_ready
from bench._wire import Endpoint
from bench.load import _touch

SNAPSHOT_WAIT_S = 10.0  # a snapshot of a server holding thousands of objects takes seconds under tracemalloc


async def measure(sessions: int) -> tuple[tracemalloc.Snapshot, tracemalloc.Snapshot]:
    os.environ["MENTOR_BENCH_DEBUG"] = "tracemalloc"  # (wait_ready allows for tracemalloc's slow start)
    env = {"MENTOR_ACTOR_HIBERNATE_S": "600", "MENTOR_BENCH_DEBUG": "tracemalloc",
           "MENTOR_BENCH_TRACEMALLOC_FRAMES": "12"}
    with local_server(env) as server:
        await wait_ready(server.url, server.process)
        endpoint = Endpoint.parse(server.url)
        await _touch(endpoint, await create_sessions(endpoint, 20, 100, 8))  # warm-up: caches, pools
        await trio.sleep(2)
        os.kill(server.pid, signal.SIGUSR1)
        await trio.sleep(SNAPSHOT_WAIT_S)
        await _touch(endpoint, await create_sessions(endpoint, sessions, 100, 32))
        await trio.sleep(3)
        os.kill(server.pid, signal.SIGUSR1)
        await trio.sleep(SNAPSHOT_WAIT_S)
        paths = [server.workdir / f"snap-{n}.pickle" for n in (1, 2)]
        if not all(p.exists() for p in paths):
            raise SystemExit("the server wrote no snapshots: see its log")
        return tracemalloc.Snapshot.load(str(paths[0])), tracemalloc.Snapshot.load(str(paths[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--top", type=int, default=25, help="lines shown per grouping")
    args = parser.parse_args()
    before, after = trio.run(measure, args.sessions)
    by_mentor: Counter[str] = Counter()
    by_inner: Counter[str] = Counter()
    total = 0
    for diff in after.compare_to(before, "traceback"):
        total += diff.size_diff
        frames = list(diff.traceback)  # oldest first
        inner = frames[-1]
        by_inner[f"{inner.filename.split('site-packages/')[-1]}:{inner.lineno}"] += diff.size_diff
        mentor = next((f for f in reversed(frames) if "/mentor/" in f.filename), None)
        by_mentor[f"{mentor.filename.split('/mentor/')[-1]}:{mentor.lineno}" if mentor else "(no Mentor frame)"] \
            += diff.size_diff
    n = args.sessions
    print(f"{total / n / 1024:.2f} KiB traced per live session ({n} sessions)")
    for title, counts in (("innermost Mentor frame", by_mentor), ("innermost frame", by_inner)):
        print(f"--- bytes per session by {title}")
        for where, size in counts.most_common(args.top):
            print(f"{size / n:8.0f}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
