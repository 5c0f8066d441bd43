"""Serving: hypercorn's trio worker around the runtime, with a clean SIGINT/SIGTERM shutdown."""

from __future__ import annotations

import logging
import os
import signal
import socket

import trio
from hypercorn.config import Config
from hypercorn.trio import serve as hypercorn_serve

from mentor.http import wakeups
from mentor.http.app import create_app
from mentor.http.captions_fast_path import CaptionsFastPath
from mentor.http.front_door import FrontDoor
from mentor.http.response_finish import ResponseFinisher
from mentor.http.socket_reads import use_plain_reads
from mentor.http.socket_writes import use_direct_writes
from mentor.http.sse_fast_path import SSEFastPath
from mentor.http.ws_fast_path import WebSocketFastPath
from mentor.runtime import open_runtime
from mentor.settings import Settings

log = logging.getLogger(__name__)

WORKER_ENV = "MENTOR_WORKER_PROCESS"  # set by ``mentor serve --workers N`` in the processes it starts


def shared_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    return sock


def advertised_host(settings: Settings) -> str:
    if settings.advertise_host:
        return settings.advertise_host
    return "127.0.0.1" if settings.host in {"0.0.0.0", "::", ""} else settings.host


async def serve(settings: Settings, *, stop: trio.Event | None = None,
                task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED) -> None:
    """Run until SIGINT/SIGTERM (or ``stop`` is set): then every stream gets a final event and closes,
    queued writes commit, and the server exits within ``graceful_timeout_s``.

    ``task_status.started`` receives the bound addresses, e.g. ``["http://127.0.0.1:40123"]``.
    """
    stop = trio.Event() if stop is None else stop
    counter = wakeups.install()  # bench builds only (MENTOR_BENCH_WAKEUPS); None otherwise
    use_direct_writes(settings.direct_socket_writes, settings.send_stall_timeout_s)
    use_plain_reads(settings.plain_socket_reads)
    async with open_runtime(settings) as rt:
        config = Config()
        config.bind = [f"{settings.host}:{settings.port}"]
        shared = None
        if WORKER_ENV in os.environ:  # one of ``--workers N``: the public port is shared (SO_REUSEPORT)
            shared = shared_socket(settings.host, settings.port)
            config.bind = [f"fd://{shared.fileno()}"]
        if rt.ownership is not None:  # PostgreSQL: a port of our own, where peers forward commands
            config.bind.append(f"{advertised_host(settings)}:0")
        config.graceful_timeout = settings.graceful_timeout_s
        config.websocket_max_message_size = settings.ws_max_message_bytes
        # No protocol pings: hypercorn 0.18's ping task sleeps out its interval after the socket closes,
        # holding the closed connection's file descriptor and task (and a graceful shutdown) for up to
        # ``heartbeat_s``. Every WebSocket gets a ``heartbeat`` event instead (ws_fast_path).
        config.websocket_ping_interval = None
        config.accesslog = None
        config.errorlog = log

        async def shutdown_trigger() -> None:
            await stop.wait()
            log.info("shutting down: finishing streams")
            await rt.supervisor.stop_all(settings.graceful_timeout_s)

        async def run_http(task_status: trio.TaskStatus[list[str]]) -> None:
            # The three busiest routes (caption POSTs, SSE and WebSocket streams) skip Quart. The long-lived
            # streams are checked first: every layer a request passes keeps a frame for the request's life.
            # SSE streams (GETs without a body) also skip ResponseFinisher, which they do not need.
            inner = WebSocketFastPath(CaptionsFastPath(create_app(rt), rt), rt)
            finished = ResponseFinisher(inner, settings.response_finish_timeout_s)
            app = FrontDoor(SSEFastPath(finished, rt), rt)
            await hypercorn_serve(app, config, shutdown_trigger=shutdown_trigger,
                                  task_status=task_status)
            nursery.cancel_scope.cancel()  # connections have drained: the signal listener can go

        async with trio.open_nursery() as nursery:
            nursery.start_soon(_signals, stop)
            binds: list[str] = await nursery.start(run_http)
            if rt.ownership is not None:
                rt.ownership.address = binds[-1]
                binds = binds[:-1]
            log.info("Mentor listening on %s", ", ".join(binds))
            task_status.started(binds)
        wakeups.dump(counter, {"transactions": rt.writer.transactions, "write_batches": rt.writer.batches})


async def _signals(stop: trio.Event) -> None:
    with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for _ in signals:
            stop.set()
            return
