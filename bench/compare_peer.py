"""Mentor against the FastAPI peer (../shared/peers/fastapi), interleaved, in one command.

    python -m bench.compare_peer                       # fanout, ingest, idle, interviews; 2 rounds
    python -m bench.compare_peer --scenarios fanout,ingest --rounds 2 --peer-python /path/to/python

Each round starts a fresh Mentor (``mentor serve``, SQLite in a temp dir) and a fresh peer (uvicorn, SQLite in
a temp dir), and runs every scenario of ``bench.load`` against each in turn — Mentor, peer, Mentor, peer — with
``--url`` and ``--server-pid`` so both are measured the same way. The table prints the median of the rounds and
the ratio Mentor/peer, oriented so that higher means Mentor is better. Compare ratios within one run only:
absolute figures move with whatever else the machine is doing.

Without ``--peer-python`` a virtual environment for the peer is made once under bench/results/peer-venv from
the peer's pinned requirements.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import venv
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trio

from bench._server import REPO_ROOT, free_port, local_server, raise_fd_limit, stop_process, wait_ready

PEER_DIR = REPO_ROOT.parent / "shared" / "peers" / "fastapi"
PEER_VENV = REPO_ROOT / "bench" / "results" / "peer-venv"


@dataclass(frozen=True)
class Figure:
    """One number read from a scenario's JSON report."""

    label: str
    scenario: str
    read: Callable[[dict[str, Any]], float | None]
    higher_is_better: bool
    compared: bool = True  # False: shown for both sides without a ratio (what bounds each run)


def _cpu_per_caption_us(report: dict[str, Any], sessions: int) -> float | None:
    """Server CPU (µs, all threads) per acknowledged caption, with its deliveries, at one step of the
    interviews scenario: a load both servers hold, so unlike the largest step passed it does not jump by a
    whole step when the machine is a little busier."""
    for step in report.get("steps", []):
        if step.get("sessions") == sessions and step.get("server_cpu_util") and step.get("acked_captions_per_s"):
            return 1e6 * float(step["server_cpu_util"]) / float(step["acked_captions_per_s"])
    return None


def _load_generator_cores(report: dict[str, Any]) -> float | None:
    if not (report.get("client_cpu_s") and report.get("elapsed_s")):
        return None
    return float(report["client_cpu_s"]) / float(report["elapsed_s"])


def _first_failing_step(report: dict[str, Any]) -> dict[str, Any]:
    """The interviews step that ended the climb ({} if every step passed): where each side is bound, by its
    server's core or by the load generator's."""
    return next((step for step in report.get("steps", []) if not step.get("pass")), {})


FIGURES = [
    Figure("fanout: deliveries/s", "fanout", lambda r: r.get("deliveries_per_s"), True),
    Figure("fanout: server CPU µs/delivery", "fanout",
           lambda r: (r.get("server") or {}).get("cpu_per_delivery_us"), False),
    Figure("ingest: acked captions/s", "ingest", lambda r: r.get("acked_captions_per_s"), True),
    Figure("ingest: server CPU µs/caption", "ingest",
           lambda r: (r.get("server") or {}).get("cpu_per_caption_us"), False),
    Figure("ingest: server CPU, cores", "ingest", lambda r: (r.get("server") or {}).get("cpu_util"), False,
           compared=False),
    Figure("ingest: load generator CPU, cores", "ingest", _load_generator_cores, False, compared=False),
    Figure("idle: KiB per session", "idle", lambda r: r.get("kib_per_session"), False),
    Figure("idle: KiB per session, marginal (second half)", "idle", lambda r: r.get("kib_per_session_marginal"),
           False),
    Figure("idle: KiB per SSE subscriber", "idle", lambda r: r.get("kib_per_subscriber"), False),
    Figure("interviews: sessions held at p99 ≤ 100 ms", "interviews",
           lambda r: r.get("largest_passing_sessions"), True),
    Figure("interviews: server CPU µs per caption at 300 sessions", "interviews",
           lambda r: _cpu_per_caption_us(r, 300), False),
    Figure("interviews: server CPU at the first failing step, cores", "interviews",
           lambda r: _first_failing_step(r).get("server_cpu_util"), False, compared=False),
    Figure("interviews: load generator CPU at the first failing step, cores", "interviews",
           lambda r: _load_generator_cores(_first_failing_step(r)), False, compared=False),
]

SCENARIO_ARGS = {
    "fanout": ["--duration", "15"],
    "ingest": ["--duration", "10"],
    "idle": ["--sessions", "1000"],
    "interviews": ["--steps", "100,200,300,400,500,600,700,800,900,1000", "--duration", "15"],
}


def peer_python(given: str | None) -> str:
    if given:
        return given
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        print(f"making the peer's virtual environment in {PEER_VENV} …", file=sys.stderr)
        venv.create(PEER_VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(PEER_DIR / "requirements.txt")],
                       check=True)
    return str(python)


@contextmanager
def spawned_server(name: str, argv: Callable[[int, Path], list[str]], cwd: Path | None = None,
                   env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """The process ``argv(port, tmp)`` on a free port, with a temp dir for its files and its log; yields its URL
    and pid once /health answers, and stops it on exit."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix=f"{name}-bench-") as tmp, open(Path(tmp) / f"{name}.log", "wb") as log:
        process = subprocess.Popen(argv(port, Path(tmp)), cwd=cwd or tmp, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            trio.run(wait_ready, url, process)
            yield url, process.pid
        finally:
            stop_process(process)


def peer_server(python: str) -> AbstractContextManager[tuple[str, int]]:
    """The peer on a free port with a fresh SQLite file; the same cheap argon2 that Mentor's bench uses."""
    env = {**os.environ, "PEER_PASSWORD_HASH_TIME_COST": "1", "PEER_PASSWORD_HASH_MEMORY_KIB": "1024"}
    return spawned_server("peer", lambda port, tmp: [python, str(PEER_DIR / "serve.py"), "--port", str(port),
                                                     "--db", str(tmp / "peer.db")], env=env)


@contextmanager
def mentor_server(server_args: str, code_root: str | None = None) -> Iterator[tuple[str, int]]:
    """``code_root``: run Mentor from that checkout instead (e.g. an export of main, for before/after).
    Sessions hibernate after 2 s here (the default is longer) so the idle scenario measures hibernated ones."""
    env = {"MENTOR_ACTOR_HIBERNATE_S": "2", **({"PYTHONPATH": code_root} if code_root else {})}
    with local_server(env, args=server_args.split() if server_args else None) as srv:
        trio.run(wait_ready, srv.url, srv.process)
        yield srv.url, srv.pid


def floor_server(kind: str, python: str) -> AbstractContextManager[tuple[str, int]]:
    """``bench.stack_floor`` under ``kind`` (hypercorn or uvicorn), run by ``python``, on a free port."""
    return spawned_server("floor", lambda port, _tmp: [python, "-m", "bench.stack_floor", "--server", kind,
                                                       "--port", str(port)], cwd=REPO_ROOT)


FLOOR_SCENARIOS = {"fanout", "ingest", "interviews"}  # what bench.stack_floor serves


def run_scenario(scenario: str, url: str, pid: int, extra: list[str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, "-m", "bench.load", scenario, "--url", url, "--server-pid", str(pid),
               "--json", out.name, *SCENARIO_ARGS.get(scenario, []), *extra]
        subprocess.run(cmd, cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL)
        return json.loads(Path(out.name).read_text())  # type: ignore[no-any-return]


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


COLUMNS = {"before": "Mentor before", "floor-trio": "floor: hypercorn/trio",
           "floor-uvicorn": "floor: uvicorn/uvloop"}  # servers beside Mentor and the peer, when asked for


def table(results: dict[str, dict[str, list[dict[str, Any]]]], extra: Sequence[str] = ()) -> str:
    """One row per figure: Mentor, the peer, Mentor/peer, then each ``extra`` server and its ratio to the peer."""
    head = "| figure | Mentor | peer | Mentor/peer (higher is better) |" + "".join(
        f" {COLUMNS[name]} | {COLUMNS[name]}/peer |" for name in extra)
    rows = [head, "|---|---|---|---|" + "---|---|" * len(extra)]

    def ratio(m: float | None, p: float | None, fig: Figure) -> float | None:
        if not (m and p and fig.compared):
            return None
        return m / p if fig.higher_is_better else p / m

    for fig in FIGURES:
        if fig.scenario not in results:
            continue
        runs = results[fig.scenario]
        m, p, *others = (median([fig.read(r) for r in runs.get(name, []) if "failed" not in r])
                         for name in ("mentor", "peer", *extra))
        digits = 1 if fig.compared else 2
        row = f"| {fig.label} | {_fmt(m, digits)} | {_fmt(p, digits)} | {_fmt(ratio(m, p, fig), 2)} |"
        row += "".join(f" {_fmt(o, digits)} | {_fmt(ratio(o, p, fig), 2)} |" for o in others)
        rows.append(row)
    return "\n".join(rows)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", default="fanout,ingest,idle,interviews")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds; the table shows the median")
    parser.add_argument("--peer-python", help="python of an environment with the peer's requirements")
    parser.add_argument("--server-args", default="", help="extra `mentor serve` options")
    parser.add_argument("--load-args", default="--no-auto-answer",
                        help="extra bench.load options for every scenario (default: --no-auto-answer, as the "
                             "peer never answers; Mentor still detects questions)")
    parser.add_argument("--json", help="write every round's reports here")
    parser.add_argument("--baseline", help="also run Mentor from this checkout (PYTHONPATH), interleaved: "
                                           "before/after in the same run")
    parser.add_argument("--floors", action="store_true",
                        help="also run bench.stack_floor, a do-nothing app, under hypercorn/trio and under "
                             "uvicorn/uvloop (fanout, ingest, interviews): what each server stack alone costs")
    args = parser.parse_args(argv)
    if not PEER_DIR.exists():
        raise SystemExit(f"the peer is not at {PEER_DIR}")
    raise_fd_limit()
    python = peer_python(args.peer_python)
    scenarios = [s for s in args.scenarios.split(",") if s]
    extra = args.load_args.split()
    servers: list[tuple[str, Callable[[], Any]]] = [("mentor", lambda: mentor_server(args.server_args)),
                                                    ("peer", lambda: peer_server(python))]
    if args.baseline:
        servers.append(("before", lambda: mentor_server(args.server_args, args.baseline)))
    if args.floors:
        servers.append(("floor-trio", lambda: floor_server("hypercorn", sys.executable)))
        servers.append(("floor-uvicorn", lambda: floor_server("uvicorn", python)))
    results: dict[str, dict[str, list[dict[str, Any]]]] = {s: {name: [] for name, _ in servers} for s in scenarios}
    for round_no in range(1, args.rounds + 1):
        for scenario in scenarios:
            scenario_extra = [a for a in extra if not (scenario == "idle" and a == "--no-auto-answer")]
            for name, server in servers:
                if name.startswith("floor") and scenario not in FLOOR_SCENARIOS:
                    continue
                print(f"round {round_no}: {scenario} on {name} …", file=sys.stderr, flush=True)
                with server() as (url, pid):
                    try:
                        results[scenario][name].append(run_scenario(scenario, url, pid, scenario_extra))
                    except subprocess.CalledProcessError as exc:  # one failed run is a missing figure
                        print(f"  {scenario} on {name} failed: {exc}", file=sys.stderr, flush=True)
                        results[scenario][name].append({"failed": str(exc)})
    print(table(results, [name for name, _ in servers[2:]]))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
