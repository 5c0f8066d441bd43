"""The running service without its HTTP shell: store, single writer, session supervisor, accounts."""

from __future__ import annotations

import ctypes
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import trio

from mentor.actors import SessionSupervisor, metrics
from mentor.actors.ownership import Ownership
from mentor.actors.remote_streams import RemoteStreams
from mentor.auth import Accounts
from mentor.engines import AnswerEngine, make_engine
from mentor.settings import Settings, ensure_jwt_secret
from mentor.sharing import Grants
from mentor.store import Database, StoreReader, StoreWriter, create_engine, migrate
from mentor.store.database import checkpoint_wal
from mentor.store.notifications import Notifications


@dataclass
class Runtime:
    settings: Settings
    db: Database
    reader: StoreReader
    writer: StoreWriter
    supervisor: SessionSupervisor
    accounts: Accounts
    engine: AnswerEngine  # OpenAI-compatible with offline fallback, or offline alone
    grants: Grants  # paired devices, share links, and the one session authorisation check
    ownership: Ownership | None = None  # PostgreSQL: session leases across processes


def settle_collector(settings: Settings) -> None:
    """What is alive now lives as long as the process: keep it out of the collector's full scans, which
    otherwise stall the event loop for tens of ms, and use the server's thresholds (fewer, not longer,
    pauses under load). The benches that time server code call it too, to measure it as it runs."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*(int(x) for x in settings.gc_thresholds.split(",")))


M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def fix_mmap_threshold(kib: int) -> bool:
    """Fix glibc's mmap threshold at ``kib`` KiB for the process; True when set. Another C library (musl,
    macOS) or ``kib`` 0 leaves the allocator as it is.

    By default glibc raises the threshold to the size of each mapped block freed (up to 32 MiB) and its trim
    threshold to twice that: blocks of that size then come from the arenas, and each thread's arena keeps
    up to twice that size free at its top, where ``malloc_trim`` does not reach. The store reads in a pool of
    threads, each with its own arena, so one mid-size block freed once (an upload, an export; the benches'
    test-size password hash) left about that much pinned per thread for the process's life. A fixed
    threshold (as ``MALLOC_MMAP_THRESHOLD_`` sets) turns that adjustment off: large blocks keep their own
    mapping and go back to the OS when freed."""
    if kib <= 0:
        return False
    try:
        libc = ctypes.CDLL(None)  # the C library the interpreter runs on
        libc.gnu_get_libc_version  # noqa: B018 - glibc only: M_MMAP_THRESHOLD is glibc's constant
    except (OSError, AttributeError):
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, kib * 1024))


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """Migrate the store, start the writer, the answer engine and the supervisor; on exit stop the actors
    (answers in flight end, streams get their final event), close the engine, then commit whatever is
    queued, then close the database."""
    settings = ensure_jwt_secret(settings)
    fix_mmap_threshold(settings.malloc_mmap_threshold_kib)  # before the store's threads allocate
    engine = create_engine(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous,
                           busy_timeout_ms=settings.db_busy_timeout_ms, pool_size=settings.read_threads + 1,
                           wal_max_bytes=settings.sqlite_wal_max_bytes, sqlite_cache_kib=settings.sqlite_cache_kib,
                           connect_timeout_s=settings.db_connect_timeout_s,
                           statement_timeout_s=settings.db_statement_timeout_s,
                           pool_timeout_s=settings.db_pool_timeout_s)
    try:
        await trio.to_thread.run_sync(migrate, engine)
        reader = StoreReader(engine, threads=settings.read_threads)
        writer = StoreWriter(engine, queue_size=settings.write_queue_size, batch_max=settings.write_batch_max,
                             timeout_s=settings.write_timeout_s, wal_max_bytes=settings.sqlite_wal_max_bytes,
                             observe_batches=metrics.COMMIT_BATCHES.observe)
        async with trio.open_nursery() as store_nursery:

            async def write_until_closed(task_status: trio.TaskStatus[None]) -> None:
                await writer.run(task_status=task_status)
                store_nursery.cancel_scope.cancel()  # every write is committed: stop the checkpoints too

            await store_nursery.start(write_until_closed)
            if settings.is_sqlite:
                store_nursery.start_soon(_checkpoints, engine, settings.sqlite_checkpoint_s)
            try:
                answer_engine = make_engine(model=settings.model or None, api_key=settings.openai_api_key or None,
                                            base_url=settings.openai_base_url or None)
                # Left after the actors stopped (no answer streams any more): closes the model's connections.
                async with answer_engine, trio.open_nursery() as actor_nursery:
                    # PostgreSQL: sessions are leased (any number of processes share the store), and streams
                    # of sessions owned elsewhere follow the log, woken by NOTIFY. SQLite: one process, none.
                    ownership = None if settings.is_sqlite else Ownership(settings, reader)
                    supervisor = SessionSupervisor(settings, reader, writer, actor_nursery, answer_engine, ownership)
                    if settings.metrics_token:
                        actor_nursery.start_soon(metrics.sample_forever, supervisor)
                    if ownership is not None:
                        feed = Notifications(engine)
                        await actor_nursery.start(feed.run)
                        supervisor.remote_streams = RemoteStreams(feed, reader, settings, actor_nursery)
                        actor_nursery.start_soon(ownership.renew_forever, supervisor.held_leases,
                                                 supervisor.lease_lost)
                    accounts = await trio.to_thread.run_sync(Accounts, settings, reader, writer)
                    grants = Grants(settings, reader, writer, accounts)
                    actor_nursery.start_soon(grants.poll_revocations)  # cancelled with the actors
                    settle_collector(settings)  # everything alive now (modules, app, engine) stays
                    try:
                        yield Runtime(settings, engine, reader, writer, supervisor, accounts, answer_engine, grants,
                                      ownership)
                    finally:
                        with trio.CancelScope(shield=True):
                            await supervisor.stop_all(settings.graceful_timeout_s)
                            if supervisor.forwarder is not None:
                                await supervisor.forwarder.aclose()
                        actor_nursery.cancel_scope.cancel()
            finally:
                writer.close()  # the writer drains its queue, then returns
                store_nursery.cancel_scope.deadline = trio.current_time() + settings.write_timeout_s  # bounded
    finally:
        engine.dispose()


async def _checkpoints(engine: Database, interval_s: float) -> None:
    try:
        while True:
            await trio.sleep(interval_s)
            await trio.to_thread.run_sync(checkpoint_wal, engine)
    finally:
        with trio.CancelScope(shield=True):
            await trio.to_thread.run_sync(checkpoint_wal, engine, "TRUNCATE")
