"""Prometheus metrics of the session pipeline (``GET /metrics``, see docs/operations.md "Metrics").

With ``mentor serve --workers N`` the parent gives every worker one ``PROMETHEUS_MULTIPROC_DIR``; the
client library then keeps each worker's samples in files there and ``/metrics`` on any worker reports the
sum over all of them (prometheus-client's multiprocess mode). A single process keeps them in memory.
"""

from __future__ import annotations

import os
import time
from bisect import bisect_left
from typing import TYPE_CHECKING

import trio
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

if TYPE_CHECKING:
    from mentor.actors.supervisor import SessionSupervisor
    from mentor.events import Event

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

STAGE_SECONDS = Histogram(
    "mentor_stage_seconds", "Latency per pipeline stage: commit (group received -> committed), publish "
    "(committed -> handed to every subscriber), written (event made by the actor -> written to a subscriber's "
    "stream, on whichever process serves it; one per write, its oldest event), answer_first_delta "
    "(answer_started -> first delta), answer_complete (answer_started -> complete)", ["stage"],
    buckets=LATENCY_BUCKETS)
STAGE_COMMIT, STAGE_PUBLISH = STAGE_SECONDS.labels("commit"), STAGE_SECONDS.labels("publish")  # per commit: bound once
MODEL_TTFT_SECONDS = Histogram("mentor_model_ttft_seconds", "Answer engine time to first token",
                               buckets=LATENCY_BUCKETS)
COMMIT_BATCHES = Histogram("mentor_commit_batches", "Actor write batches merged into one transaction",
                           buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256))
LIVE_SESSIONS = Gauge("mentor_live_sessions", "Session actors running", multiprocess_mode="livesum")
LIVE_STREAMS = Gauge("mentor_live_streams", "Open SSE/WebSocket event streams", multiprocess_mode="livesum")
LAGGED = Counter("mentor_lagged_cutoffs", "Streams cut off because their queue was full")
LEASE_MOVES = Counter("mentor_lease_moves", "Session leases taken over from another (dead or paused) owner")
FENCED = Counter("mentor_fenced_commits", "Commits rolled back because a newer owner holds the lease")
FORWARDED = Counter("mentor_forwarded_commands", "Commands sent to the process owning their session")


class _Tally:
    """Observations of one histogram child, counted here and added to it in one go (``flush``).

    prometheus-client's ``observe`` costs ~3 µs (~4.3 µs in multiprocess mode: a lock and an mmap write
    per value), 6-9 % of the server's CPU per SSE delivery; counting here is a bisect and two additions
    (~0.4 µs). ``sample_forever`` flushes once a second and ``render`` before every scrape, so a scrape
    is at most a second behind on the other workers and never behind on this one. Relies on the child's
    ``_buckets`` and ``_sum`` (prometheus-client is pinned: pyproject.toml).
    """

    __slots__ = ("_child", "counts", "total")

    def __init__(self, child: Histogram) -> None:
        self._child = child
        self.counts = [0] * (len(LATENCY_BUCKETS) + 1)  # the last one is +Inf
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(LATENCY_BUCKETS, seconds)] += 1  # the first bucket with seconds <= bound
        self.total += seconds

    def flush(self) -> None:
        counts, total = self.counts, self.total
        if not any(counts):
            return
        self.counts, self.total = [0] * len(counts), 0.0
        child = self._child
        for bucket, count in zip(child._buckets, counts, strict=True):
            if count:
                bucket.inc(count)
        child._sum.inc(total)


WRITTEN = _Tally(STAGE_SECONDS.labels("written"))

# Streams observe ``written`` only while metrics are on (``sample_forever`` runs): when they are off, a write
# costs one test of this flag. A count, not a bool: tests run several servers in one process.
observing = False
_observers = 0


def first_live_at(batch: list[Event], head: int) -> float:
    """When the oldest live event of ``batch`` was made (its ``at``: wall clock, so it means the same on
    every process and machine); 0.0 when the batch holds only replayed events (id ≤ ``head``, the last id
    published when the stream subscribed) and control events (no id)."""
    for event in batch:
        if event.seq > head:
            return event.at
    return 0.0


def written(made_at: float) -> None:
    """One observation per write to a subscriber: that write's oldest live event, made at ``made_at``.
    Per write, not per event: a write of many queued events costs one observation, and its latency is
    the one of the event that waited longest."""
    if made_at:
        WRITTEN.observe(max(0.0, time.time() - made_at))


def render() -> tuple[bytes, str]:
    """The exposition text over every worker (multiprocess mode) or this process."""
    WRITTEN.flush()
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


async def sample_forever(supervisor: SessionSupervisor, interval_s: float = 1.0) -> None:
    """Runs while metrics are on (``metrics_token`` set). Gauges are sampled, not updated on every change:
    a dict length per second costs nothing."""
    global observing, _observers
    _observers += 1
    observing = True
    try:
        while True:
            LIVE_SESSIONS.set(supervisor.live_sessions)
            LIVE_STREAMS.set(supervisor.live_subscribers)
            WRITTEN.flush()
            await trio.sleep(interval_s)
    finally:
        WRITTEN.flush()
        _observers -= 1
        observing = _observers > 0
