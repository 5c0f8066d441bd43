"""One bounded load run: users and sessions, subscribers connected first, producers for ``duration_s``,
then a drain until every subscriber has every published event (or ``drain_s`` passes), then a report.

Every loop is bounded: producers stop at the deadline, acknowledgements and the drain have timeouts,
reconnects are capped, and the whole run sits under one ``fail_after``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote

import trio
from trio_websocket import ConnectionClosed, HandshakeError, WebSocketConnection, open_websocket_url

from bench._server import ProcSample, sample
from bench._stats import Ledger, Tally, ledger_totals
from bench._transcripts import Utterance, caption_updates
from bench._wire import (
    READ_SIZE,
    ChunkedDecoder,
    Endpoint,
    HTTPConnection,
    SSEEvent,
    SSEParser,
    WireError,
    client_ts_of,
    open_sse,
)

MAX_RECONNECTS = 5
RECONNECT_DELAY_S = 0.2
CONNECT_TIMEOUT_S = 60.0
ACK_TIMEOUT_S = 15.0
OVERALL_SLACK_S = 120.0  # on top of duration + drain: setup and connects of thousands of streams
WS_EVENT_PREFIX = '{"type":"event","id":'

Send = Callable[[list[dict[str, Any]]], Awaitable[list[dict[str, Any]] | None]]


@dataclass
class LoadConfig:
    sessions: int = 1
    subscribers: int = 3  # per session
    transport: str = "sse"  # subscribers: sse | ws | mixed (alternating)
    producer: str = "ws"  # ws | http | none
    producers: int = 1  # concurrent producer connections per session (each sends sequentially)
    rate: float = 2.0  # caption messages/s per producer connection; 0: as fast as acknowledged
    batch: int = 1  # captions per message
    duration_s: float = 10.0
    drain_s: float = 5.0
    sessions_per_user: int = 100
    connect_concurrency: int = 64
    seed: int = 1
    producer_events: bool = False  # ws producers: True subscribes the producer's socket to the event echo
    auto_answer: bool = True  # False: PUT /sessions/{id}/auto-answer {"enabled": false} before producing


@dataclass
class Session:
    id: str
    token: str
    ledgers: list[Ledger] = field(default_factory=list)
    head: int = 1  # last event id acknowledged to a producer (1: session_created)


@dataclass
class Context:
    endpoint: Endpoint
    config: LoadConfig
    conversations: list[list[Utterance]]
    tally: Tally = field(default_factory=Tally)
    stop_at: float = 0.0  # trio clock: producers send nothing after this
    stopping: bool = False  # subscribers: a closed stream is the end, not a reason to reconnect
    ready: int = 0
    all_ready: trio.Event = field(default_factory=trio.Event)
    expected_ready: int = 0
    on_event: Callable[[Session, SSEEvent, float], None] | None = None

    connect_gate: trio.Semaphore = field(default_factory=lambda: trio.Semaphore(64))
    go: trio.Event = field(default_factory=trio.Event)  # producers: every one is connected, start sending
    producers_expected: int = 0
    producers_ready: int = 0
    producers_all_ready: trio.Event = field(default_factory=trio.Event)

    def producer_connected(self) -> None:
        self.producers_ready += 1
        if self.producers_ready >= self.producers_expected:
            self.producers_all_ready.set()

    def mark_ready(self) -> None:
        self.ready += 1
        if self.ready >= self.expected_ready:
            self.all_ready.set()


# --- setup -------------------------------------------------------------------------------------------

async def create_sessions(endpoint: Endpoint, count: int, per_user: int, concurrency: int,
                          title: str = "Backend engineer at Acme") -> list[Session]:
    """Register ceil(count / per_user) users and create ``count`` sessions. Raises RuntimeError."""
    tokens: list[str] = []
    conn = HTTPConnection(endpoint)
    for _ in range(-(-count // per_user)):
        email = f"bench-{os.urandom(6).hex()}@example.com"
        status, body = await conn.request("POST", "/auth/register", {"email": email, "password": "bench pass 1"})
        if status != 201:
            raise RuntimeError(f"register failed: {status} {body[:200]!r}")
        tokens.append(json.loads(body)["access_token"])
    await conn.aclose()
    sessions: list[Session | None] = [None] * count
    jobs = iter(range(count))

    async def worker() -> None:
        c = HTTPConnection(endpoint)
        for i in jobs:
            token = tokens[i // per_user]
            status, body = await c.request("POST", "/sessions", {"title": f"{title} #{i}"},
                                           {"Authorization": f"Bearer {token}"})
            if status != 201:
                raise RuntimeError(f"create session failed: {status} {body[:200]!r}")
            sessions[i] = Session(json.loads(body)["id"], token)
        await c.aclose()

    async with trio.open_nursery() as nursery:
        for _ in range(min(concurrency, count)):
            nursery.start_soon(worker)
    return [s for s in sessions if s is not None]


# --- subscribers -------------------------------------------------------------------------------------

async def sse_subscriber(ctx: Context, session: Session, ledger: Ledger, gate: trio.Semaphore) -> None:
    """Read one SSE stream; on a cut (lagged, shutdown, I/O error) resume with Last-Event-ID like a browser."""
    first = True
    for attempt in range(MAX_RECONNECTS + 1):
        if attempt:
            ctx.tally.reconnects += 1
            await trio.sleep(RECONNECT_DELAY_S)
        try:
            async with gate:
                stream, head, rest = await open_sse(ctx.endpoint, f"/sessions/{session.id}/events", session.token,
                                                    ledger.last or None)
        except (OSError, WireError):
            ctx.tally.error("sse_connect")
            continue
        try:
            if head.status != 200:
                ctx.tally.error(f"sse_status_{head.status}")
                continue
            first = await _read_sse(ctx, session, ledger, stream, rest, head.headers, first)
        except (OSError, WireError, trio.BrokenResourceError):
            if not ctx.stopping:
                ctx.tally.error("sse_io")
        finally:
            with trio.CancelScope(shield=True):
                await stream.aclose()
        if ctx.stopping:
            return
    ctx.tally.error("sse_gave_up")


async def _read_sse(ctx: Context, session: Session, ledger: Ledger, stream: trio.SocketStream, data: bytes,
                    headers: dict[bytes, bytes], first: bool) -> bool:
    """Consume the stream until it ends; returns whether the first event is still awaited."""
    decoder = ChunkedDecoder() if headers.get(b"transfer-encoding", b"").lower() == b"chunked" else None
    parser, tally = SSEParser(), ctx.tally
    while True:
        body = decoder.feed(data) if decoder is not None else data
        if body:
            now = time.time()
            for ev in parser.feed(body):
                if ev.id is None:
                    if ev.event != b"heartbeat":
                        tally.control_events[ev.event.decode()] += 1
                    continue
                ledger.see(ev.id)
                if ev.client_ts is not None:
                    tally.delivery.add(now - ev.client_ts, now)
                if ctx.on_event is not None:
                    ctx.on_event(session, ev, now)
                if first:
                    first = False
                    ctx.mark_ready()
        if decoder is not None and decoder.done:
            return first
        data = await stream.receive_some(READ_SIZE)
        if not data:
            return first


async def ws_subscriber(ctx: Context, session: Session, ledger: Ledger, gate: trio.Semaphore) -> None:
    first = True
    for attempt in range(MAX_RECONNECTS + 1):
        if attempt:
            ctx.tally.reconnects += 1
            await trio.sleep(RECONNECT_DELAY_S)
        resume = f"&last_event_id={ledger.last}" if ledger.last else ""
        url = f"{ctx.endpoint.ws_base}/sessions/{session.id}/ws?token={quote(session.token)}{resume}"
        try:
            await gate.acquire()
            released = False
            async with open_websocket_url(url) as ws:
                gate.release()
                released = True
                first = await _read_ws(ctx, ledger, ws, first)
        except HandshakeError:
            ctx.tally.error("ws_connect")
        except (ConnectionClosed, OSError):
            if not ctx.stopping:
                ctx.tally.error("ws_io")
        finally:
            if not released:
                gate.release()
        if ctx.stopping:
            return
    ctx.tally.error("ws_gave_up")


async def _read_ws(ctx: Context, ledger: Ledger, ws: WebSocketConnection, first: bool) -> bool:
    tally = ctx.tally
    while True:
        msg = await ws.get_message()
        if not isinstance(msg, str) or not msg.startswith(WS_EVENT_PREFIX):
            continue  # heartbeat
        now = time.time()
        start = len(WS_EVENT_PREFIX)
        raw_id = msg[start:msg.index(",", start)]
        if raw_id == "null":
            kind = msg[msg.index('"event":"') + 9:].split('"', 1)[0]
            tally.control_events[kind] += 1
            if kind in ("lagged", "shutdown"):
                return first
            continue
        ledger.see(int(raw_id))
        ts = client_ts_of(msg.encode()) if '"client_ts":' in msg else None
        if ts is not None:
            tally.delivery.add(now - ts, now)
        if first:
            first = False
            ctx.mark_ready()


# --- producers ---------------------------------------------------------------------------------------

class Producer:
    """One connection that sends caption messages one at a time and waits for each acknowledgement."""

    def __init__(self, ctx: Context, session: Session, updates: Iterator[dict[str, Any]]) -> None:
        self.ctx = ctx
        self.session = session
        self.updates = updates

    def next_captions(self) -> list[dict[str, Any]]:
        now = time.time()
        caps = [next(self.updates) for _ in range(self.ctx.config.batch)]
        for cap in caps:
            cap["client_ts"] = now
        return caps

    def record(self, results: list[dict[str, Any]], t0: float) -> None:
        tally = self.ctx.tally
        tally.ack.add(trio.current_time() - t0)
        tally.messages_acked += 1
        tally.captions_acked += len(results)
        ids = [r["event_id"] for r in results if r.get("event_id") is not None]
        if ids:
            self.session.head = max(self.session.head, *ids)

    async def run(self, phase: float) -> None:
        """Connect, wait for the start signal (every producer connected), then send at ``rate`` (open loop:
        a late tick is sent at once) until the deadline."""
        cfg, ctx = self.ctx.config, self.ctx
        interval = 1 / cfg.rate if cfg.rate > 0 else 0.0
        await ctx.connect_gate.acquire()
        try:
            cm = self.connect()
            send = await cm.__aenter__()
        finally:
            ctx.connect_gate.release()
        try:
            ctx.producer_connected()
            await ctx.go.wait()
            next_at = trio.current_time() + phase * interval
            while True:
                if interval:
                    await trio.sleep_until(next_at)
                    next_at += interval
                if trio.current_time() >= self.ctx.stop_at:
                    return
                caps = self.next_captions()
                self.ctx.tally.captions_sent += len(caps)
                t0 = trio.current_time()
                with trio.move_on_after(ACK_TIMEOUT_S) as scope:
                    results = await send(caps)
                if scope.cancelled_caught:
                    self.ctx.tally.error("ack_timeout")
                elif results is not None:
                    self.record(results, t0)
        finally:
            await cm.__aexit__(None, None, None)

    def connect(self) -> AbstractAsyncContextManager[Send]:
        raise NotImplementedError


class HttpProducer(Producer):
    @asynccontextmanager
    async def connect(self) -> AsyncIterator[Send]:
        conn = HTTPConnection(self.ctx.endpoint)
        path = f"/sessions/{self.session.id}/captions"
        headers = {"Authorization": f"Bearer {self.session.token}"}

        async def send(caps: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
            try:
                status, body = await conn.request("POST", path, {"captions": caps}, headers)
            except (OSError, WireError, trio.BrokenResourceError):  # e.g. reset by an overloaded server
                self.ctx.tally.error("http_io")
                return None
            if status != 200:
                self.ctx.tally.error(f"http_{status}")
                return None
            results: list[dict[str, Any]] = json.loads(body)["results"]
            return results

        try:
            yield send
        finally:
            with trio.CancelScope(shield=True):
                await conn.aclose()


class WsProducer(Producer):
    @asynccontextmanager
    async def connect(self) -> AsyncIterator[Send]:
        # ?events=false: a producer-only socket (acks, no echo of every event), unless asked for the echo.
        events = f"&last_event_id={self.session.head}" if self.ctx.config.producer_events else "&events=false"
        url = f"{self.ctx.endpoint.ws_base}/sessions/{self.session.id}/ws?token={quote(self.session.token)}{events}"
        counter = 0

        async def send(caps: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
            nonlocal counter
            counter += 1
            corr = str(counter)
            try:
                await ws.send_message(json.dumps({"id": corr, "type": "captions", "captions": caps},
                                                 separators=(",", ":")))
                while True:  # events echoed on this socket (if any) are dropped: the subscribers count them
                    msg = await ws.get_message()
                    if isinstance(msg, str) and msg.startswith(('{"type":"ack"', '{"type":"error"')):
                        reply = json.loads(msg)
                        if reply.get("id") == corr:
                            break
            except ConnectionClosed:
                self.ctx.tally.error("ws_producer_closed")
                await trio.sleep(ACK_TIMEOUT_S)  # the ack timeout ends this send; the deadline the producer
                return None
            if reply["type"] == "error":
                self.ctx.tally.error(f"ws_{reply.get('code')}")
                return None
            results: list[dict[str, Any]] = reply["result"]
            return results

        async with open_websocket_url(url) as ws:
            yield send


# --- one run -----------------------------------------------------------------------------------------

async def run_load(base_url: str, config: LoadConfig, conversations: list[list[Utterance]],
                   server_pid: int | None = None, sessions: list[Session] | None = None,
                   on_event: Callable[[Session, SSEEvent, float], None] | None = None,
                   before_produce: Callable[[], Awaitable[None]] | None = None) -> dict[str, Any]:
    """Run one load and return its report (see ``build_report``). Raises RuntimeError if setup fails.

    ``sessions`` reuses existing sessions; ``on_event`` sees every SSE event with an id as it arrives;
    ``before_produce`` runs once every subscriber is connected, before the producers start."""
    endpoint = Endpoint.parse(base_url)
    ctx = Context(endpoint, config, conversations, on_event=on_event)
    with trio.fail_after(config.duration_s + config.drain_s + OVERALL_SLACK_S):
        if sessions is None:
            sessions = await create_sessions(endpoint, config.sessions, config.sessions_per_user,
                                             config.connect_concurrency)
        if not config.auto_answer:
            await set_auto_answer(endpoint, sessions, False, config.connect_concurrency)
        ctx.expected_ready = len(sessions) * config.subscribers
        async with trio.open_nursery() as subs:
            t_connect = trio.current_time()
            _start_subscribers(ctx, sessions, subs)
            if ctx.expected_ready:
                with trio.move_on_after(CONNECT_TIMEOUT_S):
                    await ctx.all_ready.wait()
                if ctx.ready < ctx.expected_ready:
                    ctx.tally.error("subscribers_not_ready")
            connect_s = trio.current_time() - t_connect
            if before_produce is not None:
                await before_produce()
            marks: dict[str, Any] = {}
            cpu_series: list[float] = []

            def on_start() -> None:
                marks.update(before=_server_sample(server_pid), client=_client_cpu(), wall=time.monotonic(),
                             t0=time.time())
                if server_pid is not None:
                    subs.start_soon(_sample_cpu, server_pid, cpu_series)

            await _produce(ctx, sessions, on_start)
            before, client_before, wall0 = marks["before"], marks["client"], marks["wall"]
            await _drain(ctx, sessions)
            elapsed = time.monotonic() - wall0
            after, client_after = _server_sample(server_pid), _client_cpu()
            ctx.stopping = True
            subs.cancel_scope.cancel()
    report = build_report(ctx, sessions, elapsed, connect_s, before, after, client_after - client_before)
    series = ctx.tally.delivery.per_second(marks["t0"], marks["t0"] + elapsed)
    for row, cpu in zip(series, cpu_series, strict=False):
        row["server_cpu"] = cpu
    report["per_second"] = series
    return report


async def _sample_cpu(pid: int, out: list[float]) -> None:
    """Server CPU (cores) over each second of the run, appended to ``out`` until cancelled."""
    prev = _server_sample(pid)
    while prev is not None:
        await trio.sleep(1.0)
        cur = _server_sample(pid)
        if cur is None:
            return
        out.append(round(cur.cpu_s - prev.cpu_s, 2))
        prev = cur


async def set_auto_answer(endpoint: Endpoint, sessions: list[Session], enabled: bool, concurrency: int) -> None:
    """PUT /sessions/{id}/auto-answer on every session. Raises RuntimeError if one is refused."""
    jobs = iter(sessions)

    async def worker() -> None:
        conn = HTTPConnection(endpoint)
        for s in jobs:
            status, body = await conn.request("PUT", f"/sessions/{s.id}/auto-answer", {"enabled": enabled},
                                              {"Authorization": f"Bearer {s.token}"})
            if status != 200:
                raise RuntimeError(f"auto-answer refused: {status} {body[:200]!r}")
        await conn.aclose()

    async with trio.open_nursery() as nursery:
        for _ in range(min(concurrency, len(sessions))):
            nursery.start_soon(worker)


def _start_subscribers(ctx: Context, sessions: list[Session], nursery: trio.Nursery) -> None:
    gate = trio.Semaphore(ctx.config.connect_concurrency)
    for s_index, session in enumerate(sessions):
        for k in range(ctx.config.subscribers):
            ledger = Ledger()
            session.ledgers.append(ledger)
            kind = ctx.config.transport
            use_ws = kind == "ws" or (kind == "mixed" and (s_index + k) % 2 == 1)
            nursery.start_soon(ws_subscriber if use_ws else sse_subscriber, ctx, session, ledger, gate)


async def _produce(ctx: Context, sessions: list[Session], on_start: Callable[[], None]) -> None:
    """Connect every producer, call ``on_start``, let them send for ``duration_s``; returns when all stopped."""
    cfg = ctx.config
    if cfg.producer == "none":
        on_start()
        return
    kind = WsProducer if cfg.producer == "ws" else HttpProducer
    n = len(sessions) * cfg.producers
    ctx.producers_expected = n
    ctx.connect_gate = trio.Semaphore(cfg.connect_concurrency)
    async with trio.open_nursery() as nursery:
        for s_index, session in enumerate(sessions):
            for p in range(cfg.producers):
                updates = caption_updates(ctx.conversations, cfg.seed * 100_003 + s_index * 31 + p, f"p{p}b")
                # Spread the producers' phases so that 1,000 sessions do not all send on the same tick.
                phase = ((s_index * cfg.producers + p) / n) if n else 0.0
                nursery.start_soon(_guarded, ctx, kind(ctx, session, updates).run, phase)
        with trio.move_on_after(CONNECT_TIMEOUT_S):
            await ctx.producers_all_ready.wait()
        if ctx.producers_ready < n:
            ctx.tally.error("producers_not_ready")
        on_start()
        ctx.stop_at = trio.current_time() + cfg.duration_s
        ctx.go.set()


async def _guarded(ctx: Context, fn: Callable[[float], Any], phase: float) -> None:
    try:
        await fn(phase)
    except (HandshakeError, OSError, WireError, ConnectionClosed) as exc:
        ctx.tally.error(f"producer_{type(exc).__name__}")


async def _drain(ctx: Context, sessions: list[Session]) -> None:
    """Wait until every subscriber has the last acknowledged event of its session (bounded)."""
    with trio.move_on_after(ctx.config.drain_s):
        while any(ledger.last < s.head for s in sessions for ledger in s.ledgers):
            await trio.sleep(0.05)


def _server_sample(pid: int | None) -> ProcSample | None:
    if pid is None:
        return None
    try:
        return sample(pid)
    except OSError:
        return None


def _client_cpu() -> float:
    t = os.times()
    return t.user + t.system


def build_report(ctx: Context, sessions: list[Session], elapsed: float, connect_s: float,
                 before: ProcSample | None, after: ProcSample | None, client_cpu_s: float) -> dict[str, Any]:
    for s in sessions:
        for ledger in s.ledgers:
            ledger.finish(s.head)
    tally = ctx.tally
    totals = ledger_totals([x for s in sessions for x in s.ledgers])
    live = len(tally.delivery.samples)  # caption events delivered (replayed ones excluded)
    server: dict[str, Any] | None = None
    if before is not None and after is not None:
        cpu = after.cpu_s - before.cpu_s
        server = {"cpu_s": round(cpu, 3), "cpu_util": round(cpu / elapsed, 3) if elapsed else None,
                  "cpu_per_delivery_us": round(cpu / live * 1e6, 2) if live else None,
                  "cpu_per_caption_us": round(cpu / tally.captions_acked * 1e6, 2) if tally.captions_acked else None,
                  "rss_kib": after.rss_kib, "peak_rss_kib": after.peak_rss_kib}
    return {
        "config": asdict(ctx.config),
        "sessions": len(sessions), "subscribers": ctx.expected_ready, "subscribers_ready": ctx.ready,
        "connect_s": round(connect_s, 3), "elapsed_s": round(elapsed, 3),
        "captions_sent": tally.captions_sent, "captions_acked": tally.captions_acked,
        "acked_captions_per_s": round(tally.captions_acked / elapsed, 1) if elapsed else None,
        "ack_latency_ms": tally.ack.summary_ms(),
        "delivery_latency_ms": tally.delivery.summary_ms(),
        "deliveries": live, "deliveries_per_s": round(live / elapsed, 1) if elapsed else None,
        "events_delivered": totals["delivered"], "lost": totals["lost"], "duplicated": totals["duplicated"],
        "errors": dict(tally.errors), "error_count": sum(tally.errors.values()),
        "reconnects": tally.reconnects, "control_events": dict(tally.control_events),
        "server": server, "client_cpu_s": round(client_cpu_s, 3),
    }
