"""Several Mentor processes on one PostgreSQL (issue 16): what crossing a process costs.

    python -m bench.scaleout cross        # delivery latency: a stream on the owner vs a stream on another process
    python -m bench.scaleout interviews   # bench.load's interviews with 1 and with 2 workers (--workers N)
    python -m bench.scaleout failover     # SIGKILL of the owner under load: time until a caption is acknowledged again
    python -m bench.scaleout notify       # PostgreSQL NOTIFY vs NATS (core, JetStream) between two processes

Each command creates a fresh PostgreSQL database on ``--database-url``'s server (dropped at the end), starts
its own servers (``mentor serve``, real sockets on 127.0.0.1) and prints a table, then the JSON report.
CPU is read from /proc: a server's is the sum over its process tree (the workers of ``--workers N``), the
load generator's is its own (``client_cpu_s``). **Everything shares this machine's 2 cores**, with whatever
else runs on it: the load average at the start and end of each run is in the report. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
import trio

from bench._run import LoadConfig, Session, create_sessions, run_load
from bench._server import CLOCK_TICKS, local_server, raise_fd_limit, wait_ready
from bench._stats import Latencies
from bench._transcripts import load_conversations
from bench._wire import ChunkedDecoder, Endpoint, HTTPConnection, SSEParser, WireError, open_sse
from bench.load import _count_kinds, _step_passes, _step_summary

DEFAULT_PG = os.environ.get("MENTOR_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def load_average() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


# --- PostgreSQL and servers ----------------------------------------------------------------------------

@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new empty database on ``admin_url``'s server for one run; dropped afterwards."""
    name = f"mentor_bench_{os.urandom(4).hex()}"
    admin = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@asynccontextmanager
async def pg_server(database_url: str, *args: str, env: dict[str, str] | None = None) -> AsyncIterator[Any]:
    """``mentor serve`` on PostgreSQL (bench/_server.local_server; the later ``--database-url`` wins)."""
    base = {"MENTOR_JWT_SECRET": "bench-secret-" + "x" * 40}
    with local_server({**base, **(env or {})}, ["--database-url", database_url, *args]) as srv:
        await wait_ready(srv.url, srv.process)
        yield srv


def tree_cpu_s(pid: int) -> float:
    """User + system CPU of ``pid`` and every live descendant (a ``--workers`` parent and its workers)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue  # exited meanwhile
    return total


def client_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def summary(lat: Latencies) -> dict[str, Any]:
    return lat.summary_ms()


# --- cross: same-process vs cross-process delivery ----------------------------------------------------

class Stream:
    """One SSE subscriber: latency of each caption event (client_ts -> read), and its id sequence checked."""

    def __init__(self, latencies: Latencies, session: Session) -> None:
        self.latencies = latencies
        self.session = session
        self.last = 0
        self.gaps = 0
        self.duplicates = 0
        self.ready = trio.Event()

    async def run(self, endpoint: Endpoint) -> None:
        session = self.session
        stream, head, rest = await open_sse(endpoint, f"/sessions/{session.id}/events", session.token)
        if head.status != 200:
            raise RuntimeError(f"stream refused: {head.status}")
        parser, chunks = SSEParser(), ChunkedDecoder()
        try:
            data = rest
            while True:
                now = time.time()
                for ev in parser.feed(chunks.feed(data)):
                    if ev.id is None:
                        continue
                    if ev.id <= self.last:
                        self.duplicates += 1
                    elif ev.id != self.last + 1 and self.last:
                        self.gaps += ev.id - self.last - 1
                    self.last = max(self.last, ev.id)
                    self.ready.set()
                    if ev.client_ts is not None:
                        self.latencies.add(now - ev.client_ts)
                data = await stream.receive_some(65536)
                if not data:
                    return
        finally:
            await stream.aclose()


async def produce(endpoint: Endpoint, session: Session, rate: float, duration_s: float,
                  acked: dict[str, int]) -> None:
    """Captions (client_ts = send time) to ``endpoint`` at ``rate``/s, one at a time, for ``duration_s``."""
    conn = HTTPConnection(endpoint)
    auth = {"Authorization": f"Bearer {session.token}"}
    start = trio.current_time() + (hash(session.id) % 1000) / 1000 / max(rate, 1e-9)  # spread the ticks
    n = 0
    try:
        while (tick := start + n / rate) < start + duration_s:
            await trio.sleep_until(tick)
            caption = {"speaker_role": "candidate", "text": f"caption {n} of the load", "client_ts": time.time()}
            status, body = await conn.request("POST", f"/sessions/{session.id}/captions", caption, auth)
            if status != 200:
                raise RuntimeError(f"caption refused: {status} {body[:200]!r}")
            acked[session.id] = json.loads(body)["results"][0]["event_id"]
            n += 1
    finally:
        await conn.aclose()


async def cross(args: argparse.Namespace) -> dict[str, Any]:
    """Sessions owned by A; captions sent to A (or to B, which forwards them); ``--streams`` SSE streams per
    session on A and as many on B."""
    load0 = load_average()
    with fresh_database(args.database_url) as db:
        async with pg_server(db) as a, pg_server(db) as b:
            ea, eb = Endpoint.parse(a.url), Endpoint.parse(b.url)
            sessions = await create_sessions(ea, args.sessions, 100, 16)  # created on A: A owns them
            same, other = Latencies(), Latencies()
            streams: list[tuple[str, Stream]] = []
            acked: dict[str, int] = {}
            async with trio.open_nursery() as nursery:
                for s in sessions:
                    for _ in range(args.streams):
                        for where, endpoint, lat in (("same", ea, same), ("cross", eb, other)):
                            st = Stream(lat, s)
                            streams.append((where, st))
                            nursery.start_soon(st.run, endpoint)
                with trio.fail_after(60):
                    for _, st in streams:
                        await st.ready.wait()  # every stream replayed session_created: registered
                cpu0 = {"a": tree_cpu_s(a.pid), "b": tree_cpu_s(b.pid), "client": client_cpu_s()}
                wall0 = time.monotonic()
                to = ea if args.captions_to == "owner" else eb  # other: each caption is forwarded to A
                async with trio.open_nursery() as producers:
                    for s in sessions:
                        producers.start_soon(produce, to, s, args.rate, args.duration, acked)
                with trio.move_on_after(10):  # drain: every stream reaches its session's last acknowledged id
                    while any(st.last < acked.get(st.session.id, 1) for _, st in streams):
                        await trio.sleep(0.05)
                elapsed = time.monotonic() - wall0
                cpu = {"a": tree_cpu_s(a.pid) - cpu0["a"], "b": tree_cpu_s(b.pid) - cpu0["b"],
                       "client": client_cpu_s() - cpu0["client"]}
                nursery.cancel_scope.cancel()
    gaps = {w: sum(st.gaps for x, st in streams if x == w) for w in ("same", "cross")}
    dups = {w: sum(st.duplicates for x, st in streams if x == w) for w in ("same", "cross")}
    deliveries = {"same": len(same.samples), "cross": len(other.samples)}
    return {
        "scenario": "cross", "captions_to": args.captions_to, "sessions": args.sessions,
        "streams_per_session_per_process": args.streams,
        "rate_per_session": args.rate, "duration_s": args.duration, "captions_acked": sum(v - 1 for v in acked.values()),
        "same_process_ms": summary(same), "cross_process_ms": summary(other),
        "gaps": gaps, "duplicates": dups, "deliveries": deliveries,
        "cpu_s": {k: round(v, 2) for k, v in cpu.items()}, "elapsed_s": round(elapsed, 1),
        # B only relays (NOTIFY, log read, SSE write): its CPU per delivery is the cost of a remote one.
        "b_cpu_per_cross_delivery_us": round(cpu["b"] / max(1, deliveries["cross"]) * 1e6, 1),
        "load_average": {"start": load0, "end": load_average()},
    }


# --- interviews: 1 vs 2 workers ------------------------------------------------------------------------

async def interviews(args: argparse.Namespace) -> dict[str, Any]:
    convs = load_conversations()
    out: dict[str, Any] = {"scenario": "interviews", "runs": []}
    steps = [int(x) for x in args.steps.split(",")]
    for workers in [int(w) for w in args.workers.split(",")]:
        with fresh_database(args.database_url) as db:
            async with pg_server(db, "--workers", str(workers)) as srv:
                held = 0
                for n in steps:
                    cfg = LoadConfig(sessions=n, subscribers=3, producer="ws", rate=2.0, duration_s=args.duration,
                                     seed=1 + n, auto_answer=not args.no_auto_answer)
                    marks: dict[str, float] = {}

                    async def mark(marks: dict[str, float] = marks, pid: int = srv.pid) -> None:
                        marks.update(cpu=tree_cpu_s(pid), wall=time.monotonic())

                    load0 = load_average()
                    kinds: Counter[str] = Counter()
                    report = await run_load(srv.url, cfg, convs, None, on_event=partial(_count_kinds, kinds),
                                            before_produce=mark)
                    wall = time.monotonic() - marks["wall"]
                    server_cores = (tree_cpu_s(srv.pid) - marks["cpu"]) / wall
                    ok = _step_passes(report, cfg)
                    step = {"workers": workers, "sessions": n, "pass": ok, **_step_summary(report),
                            "server_cores": round(server_cores, 2),
                            "client_cores": round(report["client_cpu_s"] / report["elapsed_s"], 2),
                            "load_average": {"start": load0, "end": load_average()}}
                    out["runs"].append(step)
                    d = step["delivery_ms"]
                    print(f"  {workers} worker(s) {n:>4} sessions  p50 {d['p50']} p99 {d['p99']} ms  lost "
                          f"{step['lost']} dup {step['duplicated']}  server {step['server_cores']} cores, load "
                          f"generator {step['client_cores']} cores  load avg {load0[0]}  "
                          f"{'PASS' if ok else 'FAIL'}", file=sys.stderr, flush=True)
                    if not ok:
                        break
                    held = n
                    await trio.sleep(2)
                out[f"held_{workers}_workers"] = held
    return out


# --- failover -------------------------------------------------------------------------------------------

async def failover(args: argparse.Namespace) -> dict[str, Any]:
    """A owns a session that a client writes to through B (HTTP) and watches on B (a remote stream);
    SIGKILL A; how long until B acknowledges a caption again, and until B's stream delivers it."""
    runs = []
    for i in range(args.runs):
        runs.append(await _failover_once(args))
        print(f"  run {i + 1}: first ack {runs[-1]['first_ack_after_kill_s']} s, stream caught up "
              f"{runs[-1]['stream_on_survivor_caught_up_s']} s after SIGKILL (ttl {args.lease_ttl} s)",
              file=sys.stderr, flush=True)
    return {"scenario": "failover", "runs": runs}


class _Writer:
    """Captions through B, one after the other, until one is acknowledged after the kill."""

    def __init__(self, endpoint: Endpoint, session: Session) -> None:
        self.endpoint = endpoint
        self.session = session
        self.acked: list[tuple[float, int]] = []  # (trio time, event id)
        self.killed = 0.0
        self.refused = 0

    async def run(self) -> None:
        conn = HTTPConnection(self.endpoint)
        auth = {"Authorization": f"Bearer {self.session.token}"}
        path = f"/sessions/{self.session.id}/captions"
        while True:
            cap = {"speaker_role": "candidate", "text": "still there?", "client_ts": time.time()}
            try:
                status, body = await conn.request("POST", path, cap, auth)
            except (OSError, WireError):
                conn = HTTPConnection(self.endpoint)
                continue
            if status == 200:
                self.acked.append((trio.current_time(), json.loads(body)["results"][0]["event_id"]))
                if self.killed and self.acked[-1][0] > self.killed:
                    return
            else:
                self.refused += 1  # 503 while the dead owner's lease runs out
            await trio.sleep(0.02)


async def _failover_once(args: argparse.Namespace) -> dict[str, Any]:
    load0 = load_average()
    with fresh_database(args.database_url) as db:
        env = {"MENTOR_LEASE_TTL_S": str(args.lease_ttl)}
        async with pg_server(db, env=env) as a, pg_server(db, env=env) as b:
            (session,) = await create_sessions(Endpoint.parse(a.url), 1, 1, 1)  # owned by A
            watcher = Stream(Latencies(), session)
            writer = _Writer(Endpoint.parse(b.url), session)
            async with trio.open_nursery() as nursery:
                nursery.start_soon(watcher.run, Endpoint.parse(b.url))
                await watcher.ready.wait()
                nursery.start_soon(writer.run)
                while len(writer.acked) < 20:  # under load: forwarded captions flowing
                    await trio.sleep(0.01)
                last_before = watcher.last
                a.process.send_signal(signal.SIGKILL)
                writer.killed = killed = trio.current_time()
                with trio.fail_after(args.lease_ttl + 20):
                    while not writer.acked or writer.acked[-1][0] <= killed:
                        await trio.sleep(0.005)
                    acked_at, head = writer.acked[-1]
                    while watcher.last < head:
                        await trio.sleep(0.005)
                    seen_at = trio.current_time()
                nursery.cancel_scope.cancel()
            a.process.wait()
    return {"lease_ttl_s": args.lease_ttl, "first_ack_after_kill_s": round(acked_at - killed, 2),
            "stream_on_survivor_caught_up_s": round(seen_at - killed, 2), "refused_meanwhile": writer.refused,
            "stream_gaps": watcher.gaps, "stream_duplicates": watcher.duplicates,
            "events_before_kill": last_before, "load_average": load0}


# --- notify: PostgreSQL LISTEN/NOTIFY vs NATS -----------------------------------------------------------

def _pg_listener(url: str, count: int, out: str) -> None:
    """Child process: LISTEN, and on each notification read the row it names (as a remote stream reads the
    log); write the latencies (s) to ``out``."""
    lat = []
    with psycopg.connect(url, autocommit=True) as conn, psycopg.connect(url, autocommit=True) as reader:
        conn.execute("LISTEN bench")
        print("ready", flush=True)
        for note in conn.notifies():
            seq = int(note.payload)
            (sent,) = reader.execute("SELECT sent FROM bench_log WHERE seq = %s", (seq,)).fetchone() or (0.0,)
            lat.append(time.time() - sent)
            if len(lat) >= count:
                break
    Path(out).write_text(json.dumps(lat))


def _pg_publish(url: str, count: int, interval_s: float) -> Latencies:
    """Returns how long each commit took (insert + notify): the part a Mentor owner pays anyway."""
    commits = Latencies()
    with psycopg.connect(url) as conn:
        for seq in range(1, count + 1):
            t0 = time.time()
            with conn.transaction():  # the event row and its notification in one commit, as an owner does
                conn.execute("INSERT INTO bench_log (seq, sent) VALUES (%s, %s)", (seq, t0))
                conn.execute("SELECT pg_notify('bench', %s)", (str(seq),))
            commits.add(time.time() - t0)
            time.sleep(interval_s)
    return commits


def _nats_listener(server: str, subject: str, count: int, out: str, jetstream: bool) -> None:
    import asyncio

    import nats  # optional: pip install nats-py (only this measurement needs it)

    async def main() -> None:
        nc = await nats.connect(server)
        lat: list[float] = []
        done = asyncio.Event()

        async def on(msg: Any) -> None:
            lat.append(time.time() - float(msg.data))
            if jetstream:
                await msg.ack()
            if len(lat) >= count:
                done.set()

        if jetstream:
            js = nc.jetstream()
            await js.subscribe(subject, cb=on, durable=None, manual_ack=True)
        else:
            await nc.subscribe(subject, cb=on)
        await nc.flush()
        print("ready", flush=True)
        await done.wait()
        await nc.close()
        Path(out).write_text(json.dumps(lat))

    asyncio.run(main())


def _nats_publish(server: str, subject: str, count: int, interval_s: float, jetstream: bool) -> None:
    import asyncio

    import nats

    async def main() -> None:
        nc = await nats.connect(server)
        js = nc.jetstream() if jetstream else None
        for _ in range(count):
            if js is not None:
                await js.publish(subject, str(time.time()).encode())  # waits for the stream's ack (stored)
            else:
                await nc.publish(subject, str(time.time()).encode())
                await nc.flush()
            await asyncio.sleep(interval_s)
        await nc.close()

    asyncio.run(main())


def _measure(listen: list[str], publish: Any, out: Path) -> tuple[Latencies, Any]:
    """(latencies the listener process saw, what ``publish()`` returned)."""
    child = subprocess.Popen([sys.executable, "-c", *listen], stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None
        if child.stdout.readline().strip() != b"ready":
            raise RuntimeError("listener did not start")
        published = publish()
        child.wait(60)
    finally:
        if child.poll() is None:
            child.kill()
    lat = Latencies()
    for x in json.loads(out.read_text()):
        lat.add(x)
    return lat, published


async def notify(args: argparse.Namespace) -> dict[str, Any]:
    """One event every ``--interval`` s from one process to another, ``--count`` times, per mechanism."""
    load0 = load_average()
    results: dict[str, Any] = {}
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"mentor-bench-notify-{os.getpid()}.json"
    me = f"import sys; sys.path.insert(0, {str(Path(__file__).parent.parent)!r}); from bench import scaleout as s; "
    with fresh_database(args.database_url) as db:
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute("CREATE TABLE bench_log (seq INTEGER PRIMARY KEY, sent DOUBLE PRECISION NOT NULL)")
        lat, commits = _measure([me + f"s._pg_listener({db!r}, {args.count}, {str(work)!r})"],
                                lambda: _pg_publish(db, args.count, args.interval), work)
        results["postgresql_notify_then_read"] = summary(lat)  # from before the commit: includes it
        results["postgresql_commit_alone"] = summary(commits)
    try:
        import nats  # noqa: F401
    except ImportError:
        results["nats"] = "nats-py is not installed: pip install nats-py"
        return {"scenario": "notify", **results, "load_average": {"start": load0, "end": load_average()}}
    if args.nats_jetstream:
        await trio.to_thread.run_sync(_ensure_stream, args.nats, "mentor_bench", "mentor.bench.js")
    for name, subject, js in (("nats_core", "mentor.bench.core", False),
                              ("nats_jetstream", "mentor.bench.js", True)):
        if js and not args.nats_jetstream:
            continue
        lat, _ = _measure([me + f"s._nats_listener({args.nats!r}, {subject!r}, {args.count}, {str(work)!r}, {js})"],
                       lambda subject=subject, js=js: _nats_publish(args.nats, subject, args.count,
                                                                    args.interval, js), work)
        results[name] = summary(lat)
    if args.nats_jetstream:
        await trio.to_thread.run_sync(_delete_stream, args.nats, "mentor_bench")
    work.unlink(missing_ok=True)
    return {"scenario": "notify", "count": args.count, "interval_s": args.interval, **results,
            "load_average": {"start": load0, "end": load_average()}}


def _ensure_stream(server: str, name: str, subject: str) -> None:
    import asyncio

    import nats

    async def main() -> None:
        nc = await nats.connect(server)
        js = nc.jetstream()
        with contextlib.suppress(Exception):  # not there yet
            await js.delete_stream(name)
        await js.add_stream(name=name, subjects=[subject])  # file storage (the default): acked when stored
        await nc.close()

    asyncio.run(main())


def _delete_stream(server: str, name: str) -> None:
    import asyncio

    import nats

    async def main() -> None:
        nc = await nats.connect(server)
        await nc.jetstream().delete_stream(name)
        await nc.close()

    asyncio.run(main())


# --- command line ----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaleout", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_PG,
                        help="a PostgreSQL server (any database on it): each run creates and drops its own")
    parser.add_argument("--json", help="write the JSON report here (default: print it)")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cross", help="same-process vs cross-process delivery latency")
    c.add_argument("--sessions", type=int, default=20)
    c.add_argument("--streams", type=int, default=2, help="SSE streams per session on each process")
    c.add_argument("--rate", type=float, default=2.0, help="captions/s per session")
    c.add_argument("--duration", type=float, default=20.0)
    c.add_argument("--captions-to", choices=("owner", "other"), default="owner",
                   help="send the captions to the owner A, or to B (which forwards each to A)")
    i = sub.add_parser("interviews", help="interviews with 1 and 2 workers")
    i.add_argument("--workers", default="1,2")
    i.add_argument("--steps", default="50,100,150,200")
    i.add_argument("--duration", type=float, default=15.0)
    i.add_argument("--no-auto-answer", action="store_true")
    f = sub.add_parser("failover", help="SIGKILL of the owner: time to the first acknowledged caption")
    f.add_argument("--runs", type=int, default=3)
    f.add_argument("--lease-ttl", type=float, default=5.0)
    n = sub.add_parser("notify", help="PostgreSQL NOTIFY vs NATS between two processes")
    n.add_argument("--count", type=int, default=500)
    n.add_argument("--interval", type=float, default=0.01)
    n.add_argument("--nats", default="nats://127.0.0.1:4222")
    n.add_argument("--nats-jetstream", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args(argv)
    raise_fd_limit()
    scenario = {"cross": cross, "interviews": interviews, "failover": failover, "notify": notify}[args.command]
    report = trio.run(scenario, args)
    text = json.dumps(report, indent=2)
    if args.json:
        Path(args.json).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
