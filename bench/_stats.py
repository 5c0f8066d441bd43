"""What the load records: latency samples, and per-subscriber event-id ledgers that find gaps and
duplicates."""

from __future__ import annotations

import math
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


class Latencies:
    """Samples in seconds (a compact double array: millions fit in a few tens of MB). ``timed`` also keeps
    when each sample was taken (wall clock), for a per-second series that tells stalls from saturation."""

    def __init__(self, timed: bool = False) -> None:
        self.samples = array("d")
        self.at: array[float] | None = array("d") if timed else None

    def add(self, seconds: float, at: float = 0.0) -> None:
        self.samples.append(seconds)
        if self.at is not None:
            self.at.append(at)

    def per_second(self, t0: float, t1: float) -> list[dict[str, Any]]:
        """One row per wall-clock second in [t0, t1): sample count, p50/p99/max in ms."""
        if self.at is None:
            return []
        n = max(0, math.ceil(t1 - t0))
        buckets: list[list[float]] = [[] for _ in range(n)]
        for value, at in zip(self.samples, self.at, strict=True):
            i = int(at - t0)
            if 0 <= i < n:
                buckets[i].append(value)
        rows = []
        for i, b in enumerate(buckets):
            b.sort()
            k = len(b)
            rows.append({"t": i, "n": k, "p50": round(b[(k - 1) // 2] * 1000, 1) if k else None,
                         "p99": round(b[max(0, math.ceil(0.99 * k) - 1)] * 1000, 1) if k else None,
                         "max": round(b[-1] * 1000, 1) if k else None})
        return rows

    def extend(self, other: Latencies) -> None:
        self.samples.extend(other.samples)

    def summary_ms(self) -> dict[str, float | int | None]:
        """p50/p95/p99/max in milliseconds (nearest-rank), and the sample count."""
        n = len(self.samples)
        if n == 0:
            return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
        ordered = sorted(self.samples)

        def rank(p: float) -> float:
            return round(ordered[max(0, math.ceil(p * n) - 1)] * 1000, 2)

        return {"n": n, "p50": rank(0.50), "p95": rank(0.95), "p99": rank(0.99), "max": rank(1.0)}


@dataclass(slots=True)
class Ledger:
    """The event ids one subscriber saw, checked as they arrive: a stream starts at id 1 and must be
    contiguous, across reconnects with Last-Event-ID."""

    last: int = 0
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0

    def see(self, seq: int) -> None:
        if seq <= self.last:
            self.duplicated += 1
            return
        self.lost += seq - self.last - 1
        self.last = seq
        self.delivered += 1

    def finish(self, head: int) -> None:
        """Events published (``head``) that never arrived count as lost."""
        if head > self.last:
            self.lost += head - self.last
            self.last = head


@dataclass
class Tally:
    """Counters shared by every task of one run (trio: one thread, no locks)."""

    errors: Counter[str] = field(default_factory=Counter)
    reconnects: int = 0
    captions_sent: int = 0
    captions_acked: int = 0
    messages_acked: int = 0
    ack: Latencies = field(default_factory=Latencies)
    delivery: Latencies = field(default_factory=lambda: Latencies(timed=True))
    control_events: Counter[str] = field(default_factory=Counter)

    def error(self, kind: str) -> None:
        self.errors[kind] += 1


def ledger_totals(ledgers: list[Ledger]) -> dict[str, Any]:
    return {"delivered": sum(x.delivered for x in ledgers), "lost": sum(x.lost for x in ledgers),
            "duplicated": sum(x.duplicated for x in ledgers)}
