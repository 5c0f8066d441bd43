"""Wake-ups per caption: trio task steps by task kind, over one interviews-shaped load.

    python -m bench.wakeups                      # 50 sessions x (WS producer at 2/s + 3 SSE subscribers), 10 s
    python -m bench.wakeups --producer http --sessions 20

Starts a local server with ``MENTOR_BENCH_WAKEUPS`` (mentor/http/wakeups.py: a trio Instrument counting every task
step, installed only then), runs the load, stops the server (which writes the counts), and prints steps per
acknowledged caption by task kind, plus group commits (thread hops to the writer) per caption. The setup
(registering, connecting) is included, so use a run long enough for the captions to dominate.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import trio

from bench._run import LoadConfig, run_load
from bench._server import local_server, raise_fd_limit, wait_ready
from bench._transcripts import load_conversations


async def measure(args: argparse.Namespace, counts_file: Path) -> dict[str, Any]:
    convs = load_conversations()
    cfg = LoadConfig(sessions=args.sessions, subscribers=args.subscribers, transport="sse", producer=args.producer,
                     rate=args.rate, duration_s=args.duration, auto_answer=False)
    with local_server({"MENTOR_BENCH_WAKEUPS": str(counts_file)}) as srv:
        await wait_ready(srv.url, srv.process)
        report = await run_load(srv.url, cfg, convs, srv.pid)
    counts = json.loads(counts_file.read_text())
    captions = report["captions_acked"] or 1
    deliveries = report["deliveries"] or 1
    per_caption = {kind: round(n / captions, 2) for kind, n in counts["steps"].items() if n / captions >= 0.05}
    return {"captions_acked": report["captions_acked"], "deliveries": report["deliveries"],
            "steps_per_caption": per_caption,
            "total_steps_per_caption": round(sum(counts["steps"].values()) / captions, 2),
            "total_steps_per_delivery": round(sum(counts["steps"].values()) / deliveries, 2),
            "transactions_per_caption": round(counts["transactions"] / captions, 3),
            "write_batches_per_caption": round(counts["write_batches"] / captions, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--subscribers", type=int, default=3)
    parser.add_argument("--producer", default="ws", help="ws | http")
    parser.add_argument("--rate", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args(argv)
    raise_fd_limit()
    with tempfile.TemporaryDirectory(prefix="mentor-wakeups-") as tmp:
        result = trio.run(measure, args, Path(tmp) / "counts.json")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
