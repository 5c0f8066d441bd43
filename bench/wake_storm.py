"""What waking a hibernated session costs: N sessions with one caption each, left to hibernate (or kept live,
``--live``, for the comparison), then one caption each at ``--rate`` per second, each on a new connection.
Prints the server's CPU per caption and the acknowledgement latency percentiles.

    python -m bench.wake_storm --sessions 1000 --rate 100            # hibernated sessions
    python -m bench.wake_storm --sessions 1000 --rate 100 --live     # the same captions to live actors

The difference between the two is the cost of a wake. For a before/after comparison run each tree in turn
from outside it with ``PYTHONPATH=<tree>`` (the server subprocess inherits it), alternating.
"""

from __future__ import annotations

import argparse
import time

import httpx
import trio

from bench._server import local_server, sample, wait_ready
from bench._wire import Endpoint, HTTPConnection

HIBERNATE_S = 2.0  # the server's actor_hibernate_s for hibernated runs; live runs use LIVE_HIBERNATE_S
LIVE_HIBERNATE_S = 900.0
SETTLE_TIMEOUT_S = 60.0  # longest wait for every session to hibernate
CREATE_CONCURRENCY = 50


def caption(block_id: str, text: str) -> list[dict[str, object]]:
    return [{"speaker_role": "candidate", "text": text, "block_id": block_id, "final": True}]


async def run(url: str, pid: int, sessions: int, rate: float, live: bool) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=url, timeout=60,
                                 limits=httpx.Limits(max_connections=CREATE_CONCURRENCY)) as c:
        r = await c.post("/auth/register", json={"email": f"storm-{time.time_ns()}@example.com",
                                                 "password": "correct horse"})
        r.raise_for_status()
        auth = {"Authorization": "Bearer " + r.json()["access_token"]}
        ids: list[str] = []
        limiter = trio.CapacityLimiter(CREATE_CONCURRENCY)

        async def make() -> None:
            async with limiter:
                created = await c.post("/sessions", json={"title": "storm"}, headers=auth)
                created.raise_for_status()
                sid = created.json()["id"]
                (await c.post(f"/sessions/{sid}/captions", json=caption("a", "I led a project"),
                              headers=auth)).raise_for_status()
                ids.append(sid)

        async with trio.open_nursery() as nursery:
            for _ in range(sessions):
                nursery.start_soon(make)
        with trio.fail_after(SETTLE_TIMEOUT_S):
            await trio.sleep(HIBERNATE_S + 1)
            while not live and (await c.get("/health")).json()["live_sessions"]:
                await trio.sleep(0.5)

    latencies: list[float] = []

    async def wake(sid: str) -> None:
        conn = HTTPConnection(Endpoint.parse(url))
        started = time.perf_counter()
        try:
            status, body = await conn.request("POST", f"/sessions/{sid}/captions", caption("b", "and shipped it"),
                                              headers=auth)
        finally:
            await conn.aclose()
        if status != 200:
            raise RuntimeError(f"caption refused: {status} {body[:200]!r}")
        latencies.append((time.perf_counter() - started) * 1e3)

    cpu_before = sample(pid).cpu_s
    start = trio.current_time()
    async with trio.open_nursery() as nursery:
        for i, sid in enumerate(ids):
            await trio.sleep_until(start + i / rate)
            nursery.start_soon(wake, sid)
    cpu = sample(pid).cpu_s - cpu_before
    latencies.sort()
    return {"cpu_ms_per_caption": cpu / sessions * 1e3, "ack_p50_ms": latencies[len(latencies) // 2],
            "ack_p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100.0, help="captions (so wakes) per second")
    parser.add_argument("--live", action="store_true", help="keep the actors live: the comparison run")
    args = parser.parse_args()
    hibernate_s = LIVE_HIBERNATE_S if args.live else HIBERNATE_S
    with local_server(extra_env={"MENTOR_ACTOR_HIBERNATE_S": str(hibernate_s)}) as server:
        async def go() -> dict[str, float]:
            await wait_ready(server.url, server.process)
            return await run(server.url, server.pid, args.sessions, args.rate, args.live)

        result = trio.run(go)
    kind = "live" if args.live else "hibernated"
    print(f"{args.sessions} {kind} sessions, one caption each at {args.rate:g}/s: server CPU "
          f"{result['cpu_ms_per_caption']:.2f} ms per caption, ack p50 {result['ack_p50_ms']:.0f} ms, "
          f"p99 {result['ack_p99_ms']:.0f} ms")


if __name__ == "__main__":
    main()
