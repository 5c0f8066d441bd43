"""In-process CPU per caption of the two stages an ingested caption passes through before any I/O: parsing
and validating the client's message (``parse_json`` + ``parse_captions``, as the WebSocket route runs them)
and the session actor's step (``SessionCore.handle`` + ``take``: detection, assembly, rows and events).

    python -m bench.caption_step                   # 300 messages of 50 captions, least of 7 runs
    python -m bench.caption_step --apart 1         # 300 one-caption messages 1 ms apart: medians per call
    PYTHONPATH=/path/to/other/checkout python -m bench.caption_step   # the same for another tree

The messages are what ``bench.load ingest`` sends (the shared transcripts as growing revisions, ~860
characters a caption on average). Figures are process CPU time, the least of ``--repeat`` runs: on a shared
machine a single run moves by a third. Compare trees by alternating invocations, not across machines.

Back to back, the code stays in the CPU's caches: a floor. ``--apart MS`` sends one caption per message with
a pause between messages, as a live interview does, so each call starts cold; on a shared VM that costs
several times the back-to-back figure (bench/README.md, "Seventeenth stop").
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench._transcripts import caption_updates, load_conversations
from mentor.actors.messages import AddCaptions, CaptionInput
from mentor.actors.session_core import SessionCore
from mentor.http.captions_input import parse_captions
from mentor.http.requests import parse_json
from mentor.runtime import settle_collector
from mentor.settings import Settings

BATCH_MAX = 100
MAX_CHARS = 5000
SETTINGS = Settings(jwt_secret="x" * 40)


def messages(count: int, batch: int, seed: int) -> list[str]:
    """WebSocket ``captions`` messages as the ingest producer sends them."""
    updates = caption_updates(load_conversations(), seed)
    now = time.time()
    out = []
    for n in range(count):
        caps = [next(updates) for _ in range(batch)]
        for cap in caps:
            cap["client_ts"] = now
        out.append(json.dumps({"id": str(n), "type": "captions", "captions": caps}, separators=(",", ":")))
    return out


def parse(message: str) -> list[CaptionInput]:
    return parse_captions(parse_json(message, "the message")["captions"], BATCH_MAX, MAX_CHARS)


def new_core() -> SessionCore:
    row = {"id": "s1", "user_id": "u1", "title": "Interview", "company": "Acme", "role": "Backend engineer",
           "job_description": None, "language": "en", "candidate_name": "Maria", "interviewer_name": "Tom",
           "status": "active", "auto_answer": False, "created_at": time.time() - 60, "ended_at": None}
    return SessionCore(row, SETTINGS, engine_name="offline")


def step(core: SessionCore, caps: list[CaptionInput]) -> None:
    """The actor's step for one message; raises if a caption was not taken as new (the figure would be wrong)."""
    results = core.handle(AddCaptions(user_id="u1", captions=caps), time.monotonic())
    if len(results) != len(caps) or any(r["status"] == "duplicate" for r in results):
        raise RuntimeError("the actor did not take every caption as new: the figure would be wrong")
    core.take()


def least_cpu(run: Callable[[], Any], repeat: int) -> float:
    """The least process CPU time of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def measure(count: int, batch: int, repeat: int, seed: int = 1) -> dict[str, float]:
    """µs per caption of parsing and of the actor's step; every caption must be accepted."""
    raw = messages(count, batch, seed)
    batches = [parse(m) for m in raw]

    def steps() -> None:
        core = new_core()  # a fresh session each run: the same blocks are new captions again
        for caps in batches:
            step(core, caps)

    captions = count * batch
    return {"captions": captions,
            "parse_us": least_cpu(lambda: [parse(m) for m in raw], repeat) / captions * 1e6,
            "actor_step_us": least_cpu(steps, repeat) / captions * 1e6}


def measure_apart(count: int, apart_s: float, seed: int = 1) -> dict[str, float]:
    """Median µs of parsing and of the actor's step for one-caption messages ``apart_s`` apart."""
    core = new_core()
    parse_s, step_s = [], []
    for message in messages(count, 1, seed):
        time.sleep(apart_s)
        start = time.process_time()
        caps = parse(message)
        parsed = time.process_time()
        step(core, caps)
        parse_s.append(parsed - start)
        step_s.append(time.process_time() - parsed)
    return {"captions": count, "parse_us": statistics.median(parse_s) * 1e6,
            "actor_step_us": statistics.median(step_s) * 1e6}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--batch", type=int, default=50, help="captions per message (ingest sends 50)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--apart", type=float, metavar="MS", help="one caption per message, MS milliseconds apart")
    args = parser.parse_args(argv)
    settle_collector(SETTINGS)  # the server's collector settings: the code measured as it runs there
    if args.apart is not None:
        figures = measure_apart(args.messages, args.apart / 1000)
        how = f"median of one-caption messages {args.apart:g} ms apart"
    else:
        figures = measure(args.messages, args.batch, args.repeat)
        how = f"the least of {args.repeat} runs of messages of {args.batch}"
    print(f"{figures['captions']} captions: parse and validate {figures['parse_us']:.2f} µs per caption, "
          f"actor step {figures['actor_step_us']:.2f} µs per caption (CPU time, {how})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
