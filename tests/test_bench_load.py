"""Smoke test of the load generator (bench/load.py) against a real server on port 0: a short run over SSE
and WebSocket subscribers with WebSocket and HTTP producers must deliver every event exactly once."""

from __future__ import annotations

from functools import partial
from itertools import pairwise

import trio
from hypercorn.trio import serve as hypercorn_serve

from bench import caption_step, compare_peer, stack_floor
from bench._run import LoadConfig, run_load
from bench._stats import Ledger
from bench._transcripts import caption_updates, load_conversations
from bench._wire import ChunkedDecoder, Endpoint, SSEParser, open_sse
from bench.load import render
from tests.conftest import Server

REPORT_KEYS = {
    "sessions", "subscribers", "subscribers_ready", "captions_sent", "captions_acked", "acked_captions_per_s",
    "ack_latency_ms", "delivery_latency_ms", "deliveries", "deliveries_per_s", "lost", "duplicated", "errors",
    "error_count", "reconnects", "server", "client_cpu_s", "elapsed_s",
}
PERCENTILES = {"n", "p50", "p95", "p99", "max"}


async def test_short_load_loses_and_duplicates_nothing(server: Server, data_dir: object) -> None:
    convs = load_conversations()
    # producer-only WebSockets (?events=false, the default), HTTP, and WebSockets with the echo and answers paused
    for producer, echo, auto_answer in (("ws", False, True), ("http", False, True), ("ws", True, False)):
        cfg = LoadConfig(sessions=3, subscribers=4, transport="mixed", producer=producer, producers=2, rate=20,
                         batch=2, duration_s=1.0, drain_s=5.0, sessions_per_user=2, producer_events=echo,
                         auto_answer=auto_answer)
        with trio.fail_after(30):
            report = await run_load(server.url, cfg, convs)
        assert REPORT_KEYS <= report.keys()
        assert PERCENTILES == report["ack_latency_ms"].keys() == report["delivery_latency_ms"].keys()
        assert report["subscribers_ready"] == report["subscribers"] == 12
        assert report["lost"] == 0 and report["duplicated"] == 0, report
        assert report["error_count"] == 0 and report["reconnects"] == 0, report["errors"]
        assert report["captions_acked"] == report["captions_sent"] > 0
        # every acknowledged caption reached every subscriber of its session
        assert report["deliveries"] == report["captions_acked"] * cfg.subscribers
        assert "delivery_latency_ms.p99" in render(report)
        assert [row["t"] for row in report["per_second"]] == list(range(len(report["per_second"])))


def test_ledger_counts_gaps_duplicates_and_missing_tail() -> None:
    ledger = Ledger()
    for seq in (1, 2, 2, 5, 6):
        ledger.see(seq)
    ledger.finish(8)
    assert (ledger.delivered, ledger.duplicated, ledger.lost) == (4, 1, 4)


def test_chunked_sse_split_anywhere_parses_the_same() -> None:
    body = (b"retry: 2000\n\n" b'id: 1\nevent: new_caption\ndata: {"text":"hi","client_ts":12.5}\n\n'
            b'event: heartbeat\ndata: {"t":1}\n\n' b'id: 2\nevent: caption_updated\ndata: {"client_ts":null}\n\n')
    wire = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:7], body[7:60], body[60:])) + b"0\r\n\r\n"
    for cut in range(1, len(wire)):
        decoder, parser = ChunkedDecoder(), SSEParser()
        events = parser.feed(decoder.feed(wire[:cut])) + parser.feed(decoder.feed(wire[cut:]))
        assert decoder.done
        assert [(e.id, e.event, e.client_ts) for e in events] == [
            (1, b"new_caption", 12.5), (None, b"heartbeat", None), (2, b"caption_updated", None)]


def test_caption_updates_grow_then_finalise(data_dir: object) -> None:
    updates = caption_updates(load_conversations(), seed=3, prefix="x")
    first_block = []
    for cap in updates:
        if first_block and cap["block_id"] != first_block[0]["block_id"]:
            break
        first_block.append(cap)
    assert [c["revision"] for c in first_block] == list(range(len(first_block)))
    assert [c["final"] for c in first_block] == [False] * (len(first_block) - 1) + [True]
    assert all(a["text"] in b["text"] for a, b in pairwise(first_block))


def test_caption_step_measures_parsing_and_the_actor_step(data_dir: object) -> None:
    figures = caption_step.measure(count=3, batch=10, repeat=1)  # raises if a caption was not taken as new
    assert figures["captions"] == 30
    assert figures["parse_us"] > 0 and figures["actor_step_us"] > 0
    spaced = caption_step.measure_apart(count=3, apart_s=0.0)
    assert spaced["captions"] == 3 and spaced["parse_us"] > 0 and spaced["actor_step_us"] > 0


def test_compare_peer_table_shows_what_bounds_each_side() -> None:
    def ingest(server: float, client: float) -> dict[str, object]:
        return {"acked_captions_per_s": 1000.0, "server": {"cpu_util": server, "cpu_per_caption_us": 90.0},
                "client_cpu_s": client * 10, "elapsed_s": 10.0}

    def interviews(server: float, client: float) -> dict[str, object]:
        steps = [{"sessions": 100, "pass": True, "server_cpu_util": 0.3, "client_cpu_s": 1.0, "elapsed_s": 10.0},
                 {"sessions": 200, "pass": False, "server_cpu_util": server, "client_cpu_s": client * 10,
                  "elapsed_s": 10.0}]
        return {"largest_passing_sessions": 100, "steps": steps}

    results = {"ingest": {"mentor": [ingest(0.93, 0.29)], "peer": [ingest(0.79, 0.46)], "before": []},
               "interviews": {"mentor": [interviews(0.94, 0.67)], "peer": [interviews(0.61, 0.76)], "before": []}}
    lines = compare_peer.table(results).splitlines()
    assert "| ingest: server CPU, cores | 0.93 | 0.79 | – |" in lines
    assert "| ingest: load generator CPU, cores | 0.29 | 0.46 | – |" in lines
    assert "| interviews: server CPU at the first failing step, cores | 0.94 | 0.61 | – |" in lines
    assert "| interviews: load generator CPU at the first failing step, cores | 0.67 | 0.76 | – |" in lines
    assert "| ingest: acked captions/s | 1,000.0 | 1,000.0 | 1.00 |" in lines  # compared figures keep their ratio


async def test_stack_floor_serves_the_load_generator(data_dir: object) -> None:
    """bench.stack_floor under hypercorn/trio takes the scenarios' traffic: every caption acknowledged and
    delivered once to each SSE stream, and a stream opened with Last-Event-ID replays only what follows."""
    convs = load_conversations()
    async with trio.open_nursery() as nursery:
        config = stack_floor.hypercorn_config("127.0.0.1:0")
        binds = await nursery.start(partial(hypercorn_serve, stack_floor.FloorApp(), config))
        for producer in ("ws", "http"):
            cfg = LoadConfig(sessions=2, subscribers=3, transport="sse", producer=producer, producers=1, rate=20,
                             batch=2, duration_s=1.0, drain_s=5.0, sessions_per_user=2, auto_answer=False)
            with trio.fail_after(30):
                report = await run_load(binds[0], cfg, convs)
            assert report["lost"] == 0 and report["duplicated"] == 0 and report["error_count"] == 0, report
            assert report["captions_acked"] == report["captions_sent"] > 0
            assert report["deliveries"] == 3 * report["captions_acked"]
        with trio.fail_after(10):
            stream, head, body = await open_sse(Endpoint.parse(binds[0]), "/sessions/1/events", "t", 2)
            parser, decoder = SSEParser(), ChunkedDecoder()
            events = parser.feed(decoder.feed(body))
            while not events:
                events = parser.feed(decoder.feed(await stream.receive_some(65536)))
            await stream.aclose()
        assert head.status == 200 and events[0].id == 3 and events[0].event == b"new_caption"
        nursery.cancel_scope.cancel()


def test_compare_peer_table_adds_the_floors_beside_the_peer() -> None:
    def ingest(per_s: float) -> dict[str, object]:
        return {"acked_captions_per_s": per_s}

    results = {"ingest": {"mentor": [ingest(900.0)], "peer": [ingest(1000.0)], "floor-trio": [ingest(2000.0)]}}
    lines = compare_peer.table(results, ["floor-trio"]).splitlines()
    assert lines[0].endswith("| floor: hypercorn/trio | floor: hypercorn/trio/peer |")
    assert "| ingest: acked captions/s | 900.0 | 1,000.0 | 0.90 | 2,000.0 | 2.00 |" in lines
