"""``mentor serve`` with bench-only instrumentation, chosen by ``MENTOR_BENCH_DEBUG`` (comma-separated):

- ``gc``: every garbage collection's pause (generation, ms, objects collected) is timed with
  ``gc.callbacks``; pauses over 10 ms are printed to stderr (the server log) as they happen, and a summary
  per generation at exit. Tells collector pauses apart from other event-loop stalls.
- ``gc-freeze`` / ``gc-freeze=S``: ``gc.freeze()`` 5 s after start (imports and startup done), and then every
  S seconds: what the collector costs when the long-lived heap is not rescanned (an experiment).
- ``gc-threshold=A/B/C``: ``gc.set_threshold(A, B, C)``.
- ``trim=S``: glibc ``malloc_trim(0)`` every S seconds (an experiment on idle memory).
- ``tracemalloc``: start tracemalloc ($MENTOR_BENCH_TRACEMALLOC_FRAMES, default 8); on SIGUSR1 write a snapshot to
  ``$MENTOR_BENCH_SNAPSHOT_DIR/snap-N.pickle`` (the bench compares two of them).
- ``mallocstats``: on SIGUSR2 print ``sys._debugmallocstats()`` (pymalloc arenas, pools, allocated and free
  blocks) to stderr: tells memory the allocator keeps apart from memory that objects hold. Note that
  ``gc-threshold`` is overridden at start-up by the server's own ``--gc-thresholds``.

Run as ``python -m bench._serve_debug serve --port ...`` (the same arguments as ``mentor``). The server code
is not modified: this only wraps ``mentor.cli.main``.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from collections import defaultdict
from typing import Any

LONG_PAUSE_MS = 10.0


def _install_gc_timer() -> None:
    started: list[float] = [0.0]
    stats: dict[int, list[float]] = defaultdict(list)

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        ms = (time.perf_counter() - started[0]) * 1000
        gen = info.get("generation", -1)
        stats[gen].append(ms)
        if ms >= LONG_PAUSE_MS:
            print(f"bench-gc {time.time():.3f} gen={gen} pause_ms={ms:.1f} collected={info.get('collected')}",
                  file=sys.stderr, flush=True)

    def summary() -> None:
        for gen in sorted(stats):
            xs = sorted(stats[gen])
            print(f"bench-gc-summary gen={gen} count={len(xs)} total_ms={sum(xs):.0f} max_ms={xs[-1]:.1f} "
                  f"p50_ms={xs[len(xs) // 2]:.2f}", file=sys.stderr, flush=True)

    import atexit

    atexit.register(summary)
    gc.callbacks.append(callback)


def _freeze_every(every_s: float) -> None:
    """gc.freeze() after startup and then every ``every_s``: survivors leave the scanned generations (a
    thread: the GIL makes the call atomic with respect to the event loop)."""
    def freeze() -> None:
        time.sleep(5.0)
        while True:
            gc.freeze()
            print(f"bench-gc frozen {gc.get_freeze_count()} objects", file=sys.stderr, flush=True)
            if every_s <= 0:
                return
            time.sleep(every_s)

    threading.Thread(target=freeze, daemon=True).start()


def _install_snapshots() -> None:
    import tracemalloc

    tracemalloc.start(int(os.environ.get("MENTOR_BENCH_TRACEMALLOC_FRAMES", "8")))
    out_dir = os.environ.get("MENTOR_BENCH_SNAPSHOT_DIR", ".")
    count = [0]

    def on_usr1(_sig: int, _frame: Any) -> None:
        count[0] += 1
        path = os.path.join(out_dir, f"snap-{count[0]}.pickle")
        gc.collect()
        tracemalloc.take_snapshot().dump(path)
        print(f"bench-tracemalloc wrote {path}", file=sys.stderr, flush=True)

    signal.signal(signal.SIGUSR1, on_usr1)


def _trim_every(period_s: float) -> None:
    """glibc's malloc_trim(0) every ``period_s`` (a thread): how much of the RSS left by freed memory the C
    allocator would hand back (an experiment: what hibernated sessions still cost once freed)."""
    import ctypes

    libc = ctypes.CDLL("libc.so.6")

    def loop() -> None:
        while True:
            time.sleep(period_s)
            libc.malloc_trim(0)

    threading.Thread(target=loop, daemon=True).start()


def main() -> int:
    modes = {m.strip() for m in os.environ.get("MENTOR_BENCH_DEBUG", "").split(",") if m.strip()}
    if "gc" in modes:
        _install_gc_timer()
    for mode in modes:
        if mode == "gc-freeze" or mode.startswith("gc-freeze="):
            _freeze_every(float(mode.partition("=")[2] or 0))
        elif mode.startswith("trim="):
            _trim_every(float(mode.partition("=")[2]))
        elif mode.startswith("gc-threshold="):
            gc.set_threshold(*(int(x) for x in mode.partition("=")[2].split("/")))
    if "tracemalloc" in modes:
        _install_snapshots()
    if "mallocstats" in modes:
        signal.signal(signal.SIGUSR2, lambda _sig, _frame: sys._debugmallocstats())
    from mentor.cli import main as mentor_main

    return mentor_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
