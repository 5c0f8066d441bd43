"""Mentor load generator: real sockets, real transcripts, one command per scenario.

    python -m bench.load fanout        # 1 session, 200 SSE subscribers, captions as fast as acknowledged
    python -m bench.load interviews    # N sessions x (1 producer at 2/s + 3 subscribers), N raised in steps
    python -m bench.load idle          # thousands of idle sessions and SSE subscribers: memory each
    python -m bench.load answers       # question -> first answer_delta (OpenAI stub with fixed TTFT; offline)
    python -m bench.load ingest        # acknowledged caption writes per second
    python -m bench.load run ...       # one custom load (every knob is an option)

Without ``--url`` a scenario starts ``mentor serve`` itself (SQLite in a temp dir, free port) and reads
the server's CPU and memory from /proc; with ``--url`` pass ``--server-pid`` to get them. The report is
printed as a table and as JSON (``--json PATH`` writes the JSON to a file instead). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import trio

from bench._run import LoadConfig, Session, create_sessions, run_load
from bench._server import local_server, raise_fd_limit, sample, wait_ready
from bench._stats import Latencies
from bench._transcripts import Utterance, load_conversations
from bench._wire import Endpoint, HTTPConnection, SSEEvent, event_data

HIBERNATE_WAIT_S = 30.0  # the idle scenario reads memory once every session hibernated, within this
IDLE_WAKES_PER_S = 50  # the idle scenario's check: hibernated sessions woken per second, one caption each
BUDGET = {
    "fanout_cpu_per_delivery_us": 25.0,
    "interviews_sessions": 1000,
    "interviews_p99_ms": 100.0,
    "idle_kib_per_subscriber": 30.0,
    "idle_kib_per_session": 50.0,
    "answers_added_ms": 20.0,
    "ingest_captions_per_s": 10_000.0,
}


@dataclass(frozen=True)
class Target:
    url: str
    pid: int | None


@asynccontextmanager
async def target(args: argparse.Namespace, env: dict[str, str] | None = None) -> AsyncIterator[Target]:
    """The server under test: ``--url`` (and ``--server-pid``) or a fresh local subprocess."""
    if args.url:
        await wait_ready(args.url)
        yield Target(args.url.rstrip("/"), args.server_pid)
        return
    log = Path(args.server_log) if args.server_log else None
    with local_server(env, args.server_args.split() if args.server_args else None, log) as srv:
        await wait_ready(srv.url, srv.process)
        yield Target(srv.url, srv.pid)


# --- scenarios ---------------------------------------------------------------------------------------

async def fanout(args: argparse.Namespace, convs: list[list[Utterance]]) -> dict[str, Any]:
    cfg = LoadConfig(sessions=1, subscribers=args.subscribers, transport=args.transport, producer=args.producer,
                     producers=args.producers, rate=0, batch=args.batch, duration_s=args.duration,
                     seed=args.seed, producer_events=args.producer_events, auto_answer=not args.no_auto_answer)
    async with target(args) as t:
        report = await run_load(t.url, cfg, convs, t.pid)
    per = (report["server"] or {}).get("cpu_per_delivery_us")
    report["budget"] = _budget("server CPU per delivered SSE event (µs)", per,
                               BUDGET["fanout_cpu_per_delivery_us"], lower_is_better=True)
    return {"scenario": "fanout", **report}


def _step_passes(report: dict[str, Any], cfg: LoadConfig) -> bool:
    expected = cfg.sessions * cfg.producers * cfg.rate * cfg.duration_s * cfg.batch
    p99 = report["delivery_latency_ms"]["p99"]
    return (p99 is not None and p99 <= BUDGET["interviews_p99_ms"] and report["lost"] == 0
            and report["duplicated"] == 0 and report["error_count"] == 0
            and report["captions_acked"] >= 0.95 * expected)


async def interviews(args: argparse.Namespace, convs: list[list[Utterance]]) -> dict[str, Any]:
    steps = [int(x) for x in args.steps.split(",")]
    results, held = [], 0
    async with target(args) as t:
        for n in steps:
            cfg = LoadConfig(sessions=n, subscribers=args.subscribers, transport=args.transport,
                             producer=args.producer, rate=args.rate, duration_s=args.duration, seed=args.seed + n,
                             producer_events=args.producer_events, auto_answer=not args.no_auto_answer)
            kinds: Counter[str] = Counter()
            report = await run_load(t.url, cfg, convs, t.pid, on_event=partial(_count_kinds, kinds))
            ok = _step_passes(report, cfg)
            results.append({"sessions": n, "pass": ok, **_step_summary(report),
                            "answer_events": {k: kinds[k] for k in sorted(kinds)}})
            print(_step_line(results[-1]), file=sys.stderr, flush=True)
            if not ok:
                break
            held = n
            await trio.sleep(2)  # let the previous step's connections close before the next
    return {"scenario": "interviews", "steps": results, "largest_passing_sessions": held,
            "budget": _budget("concurrent sessions with p99 ≤ 100 ms, nothing lost", held,
                              BUDGET["interviews_sessions"], lower_is_better=False)}


COUNTED_KINDS = frozenset({"question_detected", "answer_started", "answer_delta", "new_answer", "answer_failed",
                           "answer_cancelled"})


def _count_kinds(kinds: Counter[str], _session: Session, ev: SSEEvent, _now: float) -> None:
    """Questions and answers delivered to SSE subscribers (the load the captions trigger)."""
    kind = ev.event.decode()
    if kind in COUNTED_KINDS:
        kinds[kind] += 1


def _step_summary(report: dict[str, Any]) -> dict[str, Any]:
    server = report["server"] or {}
    return {"subscribers": report["subscribers"], "acked_captions_per_s": report["acked_captions_per_s"],
            "deliveries_per_s": report["deliveries_per_s"], "delivery_ms": report["delivery_latency_ms"],
            "ack_ms": report["ack_latency_ms"], "lost": report["lost"], "duplicated": report["duplicated"],
            "errors": report["errors"], "reconnects": report["reconnects"],
            "server_cpu_util": server.get("cpu_util"), "server_rss_kib": server.get("rss_kib"),
            "client_cpu_s": report["client_cpu_s"], "elapsed_s": report["elapsed_s"],
            "per_second": report.get("per_second", [])}


def _step_line(step: dict[str, Any]) -> str:
    d = step["delivery_ms"]
    return (f"  {step['sessions']:>5} sessions  p50 {d['p50']} p99 {d['p99']} max {d['max']} ms  "
            f"lost {step['lost']} dup {step['duplicated']} errors {sum(step['errors'].values())}  "
            f"server cpu {step['server_cpu_util']}  {'PASS' if step['pass'] else 'FAIL'}")


async def idle(args: argparse.Namespace, convs: list[list[Utterance]]) -> dict[str, Any]:
    # Idle sessions measured hibernated: a local server hibernates them after 2 s (the default is longer).
    async with target(args, {"MENTOR_ACTOR_HIBERNATE_S": "2"}) as t:
        if t.pid is None:
            raise SystemExit("idle needs the server's memory: run it locally or pass --server-pid")
        endpoint = Endpoint.parse(t.url)
        # Warm-up: code paths, caches and pools reach their steady size before the baseline.
        warm = await create_sessions(endpoint, 20, 100, 16)
        await _touch(endpoint, warm)
        rss0 = await _settled_rss(t.pid, endpoint)
        # In two halves: the second half's growth per session is the marginal cost, without what the first
        # burst leaves once (allocator arenas kept at the burst's peak, bounded caches filling up).
        half = args.sessions // 2
        sessions = await create_sessions(endpoint, half, 100, 32)
        await _touch(endpoint, sessions)
        rss_half = await _settled_rss(t.pid, endpoint)
        second = await create_sessions(endpoint, args.sessions - half, 100, 32)
        await _touch(endpoint, second)
        sessions += second
        rss1 = await _settled_rss(t.pid, endpoint)
        snapshot = os.environ.get("MENTOR_BENCH_DEBUG", "").find("tracemalloc") >= 0 and args.url is None
        if snapshot:  # bench/_serve_debug.py writes snap-1.pickle (sessions only), snap-2 (with subscribers)
            os.kill(t.pid, signal.SIGUSR1)
            await trio.sleep(3)
        marks: dict[str, int] = {}

        async def after_connect() -> None:
            marks["rss2"] = await _settled_rss(t.pid, endpoint)  # type: ignore[arg-type]
            if snapshot:
                os.kill(t.pid, signal.SIGUSR1)  # type: ignore[arg-type]
                await trio.sleep(5)

        # Then one caption per session wakes it, spread at IDLE_WAKES_PER_S. Each is a new HTTP connection, a
        # caption and often an auto-answer (7-13 ms of server CPU); all 2,000 in 4 s overloaded the server
        # (a quarter of the acknowledgements past the 15 s timeout), which checked nothing.
        wake_s = max(4.0, len(sessions) / IDLE_WAKES_PER_S)
        cfg = LoadConfig(sessions=len(sessions), subscribers=args.subscribers_per_session, transport="sse",
                         producer="http", rate=1 / wake_s, duration_s=wake_s, connect_concurrency=64)
        report = await run_load(t.url, cfg, convs, t.pid, sessions=sessions, before_produce=after_connect)
    subs = len(sessions) * args.subscribers_per_session
    per_session = (rss1 - rss0) / len(sessions)
    marginal = (rss1 - rss_half) / len(second) if second else None
    per_sub = (marks["rss2"] - rss1) / subs if subs else None
    return {"scenario": "idle", "sessions": len(sessions), "subscribers": subs,
            "rss_kib": {"baseline": rss0, "with_half_the_sessions": rss_half, "with_sessions": rss1,
                        "with_subscribers": marks["rss2"]},
            "kib_per_session": round(per_session, 2),
            "kib_per_session_marginal": marginal and round(marginal, 2),
            "kib_per_subscriber": per_sub and round(per_sub, 2),
            "check": {k: report[k] for k in ("lost", "duplicated", "errors", "deliveries", "subscribers_ready",
                                            "connect_s")},
            "budget": [_budget("KiB per idle session", round(per_session, 2), BUDGET["idle_kib_per_session"],
                               lower_is_better=True),
                       _budget("KiB per idle SSE subscriber", per_sub and round(per_sub, 2),
                               BUDGET["idle_kib_per_subscriber"], lower_is_better=True)]}


async def _touch(endpoint: Endpoint, sessions: list[Session]) -> None:
    """One caption per session: its actor is loaded and stays live (idle timeout 300 s by default)."""
    jobs = iter(sessions)

    async def worker() -> None:
        conn = HTTPConnection(endpoint)
        for s in jobs:
            status, body = await conn.request("POST", f"/sessions/{s.id}/captions",
                                              {"speaker_role": "interviewer", "text": "Hello, can you hear me?"},
                                              {"Authorization": f"Bearer {s.token}"})
            if status != 200:
                raise RuntimeError(f"caption refused: {status} {body[:200]!r}")
            s.head = max(r["event_id"] for r in json.loads(body)["results"])
        await conn.aclose()

    async with trio.open_nursery() as nursery:
        for _ in range(32):
            nursery.start_soon(worker)


async def _settled_rss(pid: int, endpoint: Endpoint, settle_s: float = 2.0) -> int:
    """The server's RSS once its sessions have hibernated: Mentor's /health counts the live ones (a server that
    does not hibernate, as the peer, is read after ``settle_s``). Raises RuntimeError if they stay live."""
    await trio.sleep(settle_s)
    conn, health = HTTPConnection(endpoint), {}
    try:
        with trio.move_on_after(HIBERNATE_WAIT_S):
            while True:
                _, body = await conn.request("GET", "/health")
                health = json.loads(body)
                if health.get("service") != "mentor" or health.get("live_sessions") == 0:
                    return sample(pid).rss_kib
                await trio.sleep(0.2)
    finally:
        await conn.aclose()
    raise RuntimeError(f"{health.get('live_sessions')} sessions still live {HIBERNATE_WAIT_S:g} s later")


async def ingest(args: argparse.Namespace, convs: list[list[Utterance]]) -> dict[str, Any]:
    cfg = LoadConfig(sessions=args.sessions, subscribers=0, producer=args.producer, producers=args.producers,
                     rate=0, batch=args.batch, duration_s=args.duration, seed=args.seed,
                     producer_events=args.producer_events, auto_answer=not args.no_auto_answer)
    async with target(args) as t:
        report = await run_load(t.url, cfg, convs, t.pid)
    report["budget"] = _budget("acknowledged caption writes per second", report["acked_captions_per_s"],
                               BUDGET["ingest_captions_per_s"], lower_is_better=False)
    return {"scenario": "ingest", **report}


async def custom(args: argparse.Namespace, convs: list[list[Utterance]]) -> dict[str, Any]:
    cfg = LoadConfig(sessions=args.sessions, subscribers=args.subscribers, transport=args.transport,
                     producer=args.producer, producers=args.producers, rate=args.rate, batch=args.batch,
                     duration_s=args.duration, seed=args.seed, producer_events=args.producer_events,
                     auto_answer=not args.no_auto_answer)
    async with target(args) as t:
        return {"scenario": "run", **await run_load(t.url, cfg, convs, t.pid)}


# --- answers -----------------------------------------------------------------------------------------

ANSWER_EVENTS = (b"answer_started", b"answer_delta", b"new_answer", b"answer_failed")


async def answers(args: argparse.Namespace, convs: list[list[Utterance]]) -> dict[str, Any]:
    if args.url:
        return {"scenario": "answers", "engines": [await _answer_run(args, convs, "given server", 0.0, None)]}
    from tests.openai_stub import OpenAIStub, Reply  # the repo's OpenAI-compatible test server

    engines = []
    async with trio.open_nursery() as nursery:
        stub = OpenAIStub(default=Reply(chunks=("A", " short", " answer."), first_token_delay=args.ttft))
        base_url = await nursery.start(stub.serve)
        env = {"OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "bench-key", "MENTOR_MODEL": "stub-model"}
        engines.append(await _answer_run(args, convs, f"openai stub, ttft {args.ttft * 1000:.0f} ms",
                                         args.ttft, env))
        engines.append(await _answer_run(args, convs, "offline engine", 0.0,
                                         {"OPENAI_BASE_URL": "", "OPENAI_API_KEY": "", "MENTOR_MODEL": ""}))
        nursery.cancel_scope.cancel()
    measured = [e["added_ms"]["p99"] for e in engines if e.get("added_ms")]
    return {"scenario": "answers", "engines": engines,
            "budget": _budget("ms added to the model's TTFT (p99)", measured[0] if measured else None,
                              BUDGET["answers_added_ms"], lower_is_better=True)}


async def _answer_run(args: argparse.Namespace, convs: list[list[Utterance]], label: str, ttft: float,
                      env: dict[str, str] | None) -> dict[str, Any]:
    """Ask questions one at a time; time POST -> first answer_delta at an SSE subscriber, minus the TTFT."""
    firsts: dict[str, float] = {}
    arrived = trio.Event()
    cold: list[float] = []  # the first question: connection to the model, caches; reported apart
    seen: list[str] = []

    def on_event(_session: Session, ev: SSEEvent, now: float) -> None:
        if ev.event in ANSWER_EVENTS:
            seen.append(ev.event.decode())
            data = event_data(ev.raw)
            qid = data.get("question_id") if isinstance(data, dict) else None
            if ev.event == b"answer_delta" and qid and qid not in firsts:
                firsts[qid] = now
                arrived.set()

    added = Latencies()
    async with target(args, env) as t:
        endpoint = Endpoint.parse(t.url)
        sessions = await create_sessions(endpoint, 1, 1, 1)
        questions = [u.text for conv in convs for u in conv if u.role == "interviewer" and u.text.endswith("?")]
        cfg = LoadConfig(sessions=1, subscribers=1, producer="none", duration_s=0, drain_s=0)

        async def ask_all() -> None:
            conn, s = HTTPConnection(endpoint), sessions[0]
            nonlocal arrived
            for i, text in enumerate(questions[: args.questions + 1]):
                arrived = trio.Event()
                t0 = time.time()
                status, body = await conn.request("POST", f"/sessions/{s.id}/questions", {"text": text[:500]},
                                                  {"Authorization": f"Bearer {s.token}"})
                if status != 202:
                    raise RuntimeError(f"question refused: {status} {body[:200]!r}")
                qid = json.loads(body)["question_id"]
                with trio.move_on_after(ttft + args.answer_timeout):
                    while qid not in firsts:
                        await arrived.wait()
                        arrived = trio.Event()
                if qid not in firsts:
                    return  # no answer_delta: nothing to measure on this server
                (added.add if i else cold.append)(firsts[qid] - t0 - ttft)
                await trio.sleep(0.2)  # let the answer finish streaming before the next question
            await conn.aclose()

        await run_load(t.url, cfg, convs, t.pid, sessions=sessions, on_event=on_event, before_produce=ask_all)
    if not added.samples:
        return {"engine": label, "status": "not measurable yet",
                "detail": f"no answer_delta within {ttft + args.answer_timeout:.1f} s of a question; "
                          f"answer events seen: {sorted(set(seen)) or 'none'}"}
    return {"engine": label, "status": "measured", "questions": len(added.samples), "ttft_ms": ttft * 1000,
            "added_ms": added.summary_ms(), "first_question_added_ms": round(cold[0] * 1000, 2) if cold else None}


# --- reporting ---------------------------------------------------------------------------------------

def _budget(what: str, measured: float | None, target: float, *, lower_is_better: bool) -> dict[str, Any]:
    met = None if measured is None else (measured <= target if lower_is_better else measured >= target)
    return {"what": what, "target": target, "measured": measured, "met": met}


def render(report: dict[str, Any]) -> str:
    """A readable table: one line per figure, nested dicts flattened with dots."""
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if prefix.endswith("per_second") and isinstance(value, list):
            rows.append((prefix + ".p99_ms", " ".join(str(r["p99"]) for r in value)))
            rows.append((prefix + ".server_cpu", " ".join(str(r.get("server_cpu", "-")) for r in value)))
            return
        if isinstance(value, dict) and value and prefix not in {"errors", "control_events"}:
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, v in enumerate(value):
                walk(f"{prefix}[{i}]", v)
        else:
            rows.append((prefix, json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value))

    walk("", {k: v for k, v in report.items() if k != "config"})
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


# --- command line ------------------------------------------------------------------------------------

SCENARIOS: dict[str, Callable[[argparse.Namespace, list[list[Utterance]]], Awaitable[dict[str, Any]]]] = {
    "fanout": fanout, "interviews": interviews, "idle": idle, "answers": answers, "ingest": ingest,
    "run": custom,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="scenario", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", help="base URL of a running server (default: start one locally)")
    common.add_argument("--server-pid", type=int, help="pid of the --url server, to read its CPU and memory")
    common.add_argument("--server-args", default="", help="extra `mentor serve` options for the local server")
    common.add_argument("--server-log", help="keep the local server's log here (default: discarded)")
    common.add_argument("--json", help="write the JSON report here ('-' or unset: print it after the table)")
    common.add_argument("--seed", type=int, default=1)

    producing = argparse.ArgumentParser(add_help=False)
    producing.add_argument("--producer-events", action="store_true",
                           help="WebSocket producers also receive the event stream (default: ?events=false)")
    producing.add_argument("--no-auto-answer", action="store_true",
                           help="pause automatic answers on every session (PUT /sessions/{id}/auto-answer)")

    def add(name: str, help_text: str, producer_knobs: bool = True, **defaults: Any) -> argparse.ArgumentParser:
        parents = [common, producing] if producer_knobs else [common]
        p = sub.add_parser(name, parents=parents, help=help_text, description=help_text)
        p.set_defaults(**defaults)
        return p

    p = add("fanout", "1 session, many SSE subscribers, captions published as fast as acknowledged")
    p.add_argument("--subscribers", type=int, default=200)
    p.add_argument("--transport", default="sse", choices=["sse", "ws", "mixed"])
    p.add_argument("--producer", default="http", choices=["http", "ws"])
    p.add_argument("--producers", type=int, default=8, help="concurrent producer connections")
    p.add_argument("--batch", type=int, default=1, help="captions per request")
    p.add_argument("--duration", type=float, default=20.0)

    p = add("interviews", "many sessions x (1 producer at --rate, 3 subscribers), raised step by step")
    p.add_argument("--steps", default="100,250,500,750,1000,1250,1500")
    p.add_argument("--subscribers", type=int, default=3)
    p.add_argument("--transport", default="sse", choices=["sse", "ws", "mixed"])
    p.add_argument("--producer", default="ws", choices=["http", "ws"])
    p.add_argument("--rate", type=float, default=2.0, help="caption updates per second per session")
    p.add_argument("--duration", type=float, default=20.0, help="seconds per step")

    p = add("idle", "idle sessions and idle SSE subscribers: server memory per each", producer_knobs=False)
    p.add_argument("--sessions", type=int, default=2000)
    p.add_argument("--subscribers-per-session", type=int, default=2)

    p = add("answers", "question -> first answer_delta at a subscriber", producer_knobs=False)
    p.add_argument("--ttft", type=float, default=0.3, help="the stub model's time to first token (s)")
    p.add_argument("--questions", type=int, default=40, help="measured, after one warm-up question")
    p.add_argument("--answer-timeout", type=float, default=5.0)

    p = add("ingest", "acknowledged caption writes per second (ack after commit)")
    p.add_argument("--sessions", type=int, default=32)
    p.add_argument("--producer", default="ws", choices=["http", "ws"])
    p.add_argument("--producers", type=int, default=1)
    p.add_argument("--batch", type=int, default=50)
    p.add_argument("--duration", type=float, default=15.0)

    p = add("run", "one custom load")
    for name, default in (("sessions", 10), ("subscribers", 3), ("producers", 1), ("batch", 1)):
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--transport", default="sse", choices=["sse", "ws", "mixed"])
    p.add_argument("--producer", default="ws", choices=["http", "ws", "none"])
    p.add_argument("--rate", type=float, default=2.0)
    p.add_argument("--duration", type=float, default=10.0)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    raise_fd_limit()
    convs = load_conversations()
    started = time.time()
    report = trio.run(partial(SCENARIOS[args.scenario], args, convs))
    report = {**report, "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
              "wall_s": round(time.time() - started, 1)}
    print(render(report))
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.json and args.json != "-":
        with open(args.json, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

