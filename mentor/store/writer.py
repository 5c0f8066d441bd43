"""The single writer: every write of the process goes through one task that merges batches into transactions.

Callers hand over a list of statements and wait until they are committed: an acknowledgement sent after
``await writer.write(...)`` returned is durable. Merging many callers' batches into one transaction is what
makes commits cheap (one thread hop and one fsync for up to ``batch_max`` batches). The writer holds one
connection of the pool for its life (the pool counts it: ``read_threads + 1``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import sqlalchemy as sa
import trio
from sqlalchemy.sql.compiler import SQLCompiler

from mentor.store.database import wal_path
from mentor.store.threads import run_in_thread

log = logging.getLogger(__name__)


class StoreError(Exception):
    """A write could not be committed (database unreachable, constraint violated, timed out)."""


class FencedOut(StoreError):
    """A write's fence matched no row: another process took the session over (a newer lease epoch), so
    this write was rolled back and its actor must stop (see ``mentor.store.leases``)."""


@dataclass(frozen=True, slots=True)
class WriteOp:
    statement: sa.Executable
    params: Sequence[dict[str, Any]] | dict[str, Any] | None = None
    expect_rows: int | None = None  # a fence: any other row count rolls the transaction back (FencedOut)


@dataclass(slots=True)
class _Pending:
    ops: Sequence[WriteOp]
    done: trio.Event = field(default_factory=trio.Event)
    error: BaseException | None = None


def merge_ops(ops: Sequence[WriteOp]) -> list[WriteOp]:
    """Fold runs of the same statement into one executemany: one round trip instead of many. Linear in the
    number of parameter sets; the callers' ops and parameter lists are not modified."""
    merged: list[WriteOp] = []
    run: list[dict[str, Any]] | None = None  # the parameter list of merged[-1], once it is ours to extend
    for op in ops:
        last = merged[-1] if merged else None
        if last is not None and last.statement is op.statement and op.params is not None \
                and last.params is not None and op.expect_rows is None and last.expect_rows is None:
            if run is None:
                run = [last.params] if isinstance(last.params, dict) else list(last.params)
                merged[-1] = WriteOp(op.statement, run)
            if isinstance(op.params, dict):
                run.append(op.params)
            else:
                run.extend(op.params)
            continue
        merged.append(op)
        run = None
    return merged


S = TypeVar("S", bound=sa.Executable)

_HOT: set[sa.Executable] = set()


def hot(statement: S) -> S:
    """Declare a module-level statement written on every caption: the writer compiles it once and runs it
    on the driver's cursor (see _Plain). Only for constants, so the compiled forms kept stay few."""
    _HOT.add(statement)
    return statement


@dataclass(frozen=True, slots=True)
class _Plain:
    """A statement compiled once, run with its rows' values in bind order on the driver's cursor: no
    compile-cache lookup, execution context or per-row parameter processing by SQLAlchemy, which together
    cost more CPU than SQLite's own executemany of the same rows (py-spy, caption ingest)."""

    sql: str
    names: tuple[str, ...]
    keys: frozenset[str]
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]

    def rows(self, params: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]] | None:
        """The rows as tuples, or None when a row lacks one of the statement's binds (extra keys are
        ignored, as SQLAlchemy ignores them)."""
        out = []
        names, keys, processors = self.names, self.keys, self.processors
        for row in params:
            if not row.keys() >= keys:
                return None
            values = [row[name] for name in names]
            for index, process in processors:
                values[index] = process(values[index])
            out.append(tuple(values))
        return out


def _plain(statement: sa.Executable, dialect: sa.Dialect) -> _Plain | None:
    """``statement`` as a _Plain for a positional paramstyle (SQLite's), or None where SQLAlchemy has to take
    part (Python-side defaults, RETURNING, expanding IN lists, named paramstyles such as psycopg's)."""
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    if not isinstance(compiled, SQLCompiler) or not compiled.positional or compiled.positiontup is None \
            or compiled.insert_prefetch or compiled.update_prefetch or compiled.postfetch or compiled.returning \
            or compiled.post_compile_params or compiled.literal_execute_params:
        return None
    names = tuple(compiled.positiontup)
    processors = tuple((i, proc) for i, name in enumerate(names)
                       if (proc := compiled.binds[name].type.bind_processor(dialect)) is not None)
    return _Plain(str(compiled), names, frozenset(names), processors)


class StoreWriter:
    def __init__(self, engine: sa.Engine, *, queue_size: int, batch_max: int, timeout_s: float,
                 wal_max_bytes: int | None = None, observe_batches: Callable[[int], None] | None = None) -> None:
        self._engine = engine
        self._conn: sa.Connection | None = None  # the writer's own, held between transactions (see _connection)
        self._observe_batches = observe_batches  # /metrics: batches merged per transaction
        self._wal_max_bytes = wal_max_bytes
        self._wal = wal_path(engine)  # None on PostgreSQL and in-memory SQLite: no WAL to restart
        self._batch_max = batch_max
        self._timeout_s = timeout_s
        self._send, self._recv = trio.open_memory_channel[_Pending](queue_size)
        self._plain: dict[sa.Executable, _Plain | None] = {}  # by hot() statement
        self.transactions = 0  # counters for /metrics and benchmarks
        self.batches = 0

    async def write(self, ops: Sequence[WriteOp]) -> None:
        """Commit ``ops`` in one transaction (possibly shared with other callers' batches).

        Raises StoreError if the commit failed or did not finish within ``timeout_s``; in the timeout case
        the write may still commit later, so callers must reload state from the store before going on.
        """
        if not ops:
            return
        pending = _Pending(merge_ops(ops))
        with trio.move_on_after(self._timeout_s) as scope:
            try:
                try:
                    self._send.send_nowait(pending)  # the common case: no extra trip through the scheduler
                except trio.WouldBlock:
                    await self._send.send(pending)
            except trio.ClosedResourceError:
                raise StoreError("the store is shutting down") from None
            await pending.done.wait()
        if scope.cancelled_caught:
            raise StoreError(f"commit did not finish within {self._timeout_s} s")
        if isinstance(pending.error, FencedOut):
            raise pending.error
        if pending.error is not None:
            raise StoreError(str(pending.error)) from pending.error

    def close(self) -> None:
        """Stop accepting writes; ``run`` commits what is queued and returns."""
        self._send.close()

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        task_status.started()
        async with self._recv:
            while True:
                try:
                    try:  # a busy writer finds the next batches already queued: take them without a yield
                        batch = [self._recv.receive_nowait()]
                    except trio.WouldBlock:
                        batch = [await self._recv.receive()]
                except trio.EndOfChannel:
                    await run_in_thread(self._drop_connection)
                    return
                while len(batch) < self._batch_max:
                    try:
                        batch.append(self._recv.receive_nowait())
                    except (trio.WouldBlock, trio.EndOfChannel):
                        break
                # Shielded: a batch handed to the database finishes and its waiters learn the outcome.
                with trio.CancelScope(shield=True):
                    await run_in_thread(partial(self._commit, batch))
                for pending in batch:
                    pending.done.set()

    def _commit(self, batch: list[_Pending]) -> None:
        self.transactions += 1
        self.batches += len(batch)
        if self._observe_batches is not None:
            self._observe_batches(len(batch))
        try:
            self._transaction(batch)
        except Exception as exc:  # noqa: BLE001 - any failure is reported to the batch's waiters
            if len(batch) == 1:
                log.warning("write failed: %s", exc)
                batch[0].error = exc
                return
        else:
            self._restart_wal_if_large()  # after the commit: its failure must not fail (or retry) the batch
            return
        # One bad batch must not fail the others: retry each in its own transaction.
        for pending in batch:
            try:
                self._transaction([pending])
            except Exception as exc:  # noqa: BLE001 - as above, per batch
                log.warning("write failed: %s", exc)
                pending.error = exc

    def _transaction(self, batch: list[_Pending]) -> None:
        """One transaction for ``batch`` on the writer's connection; after any failure the next one starts on
        a fresh connection."""
        for attempt in (1, 2):
            conn = self._connection()
            try:
                tx = conn.begin()
                try:
                    for pending in batch:
                        self._execute(conn, pending.ops)
                except sa.exc.DBAPIError as exc:
                    if exc.connection_invalidated and attempt == 1:
                        # The connection died before the commit (a database restart), so nothing was
                        # committed: run it again on a fresh one, as the pool's pre-ping would have.
                        self._drop_connection()
                        continue
                    raise
                tx.commit()
                return
            except Exception:
                self._drop_connection()  # closing rolls back what the failed transaction left
                raise

    def _connection(self) -> sa.Connection:
        """The writer's connection, checked out once: a pool checkout and return per transaction (events,
        reset on return) cost more Python than the transaction's own statements."""
        if self._conn is None:
            self._conn = self._engine.connect()
        return self._conn

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception as exc:  # noqa: BLE001 - a dead connection may fail to close; the pool discards it
                log.warning("closing the writer's connection failed: %s", exc)

    def _restart_wal_if_large(self) -> None:
        """Under constant writes SQLite's passive checkpoints never let the WAL start over, so it grows
        without end. The writer is the only writer: between two of its transactions a RESTART checkpoint
        only waits for short reads and copies the few frames the passive checkpoints have not."""
        if self._wal_max_bytes is None or self._wal is None:
            return
        try:
            if os.stat(self._wal).st_size <= self._wal_max_bytes:
                return
            conn = self._connection()
            conn.exec_driver_sql("PRAGMA wal_checkpoint(RESTART)")
            conn.commit()  # ends the transaction SQLAlchemy began for the statement
        except FileNotFoundError:
            return
        except Exception as exc:  # noqa: BLE001 - the batch is committed; the next commit tries again
            log.warning("WAL checkpoint failed: %s", exc)
            self._drop_connection()

    def _execute(self, conn: sa.Connection, ops: Sequence[WriteOp]) -> None:
        for op in ops:
            rowcount = self._execute_plain(conn, op) if op.params and op.statement in _HOT else None
            if rowcount is None:
                result = conn.execute(op.statement) if op.params is None else conn.execute(op.statement, op.params)
                rowcount = result.rowcount
            if op.expect_rows is not None and rowcount != op.expect_rows:
                raise FencedOut(f"fenced out: {op.params!r} matched {rowcount} rows")

    def _execute_plain(self, conn: sa.Connection, op: WriteOp) -> int | None:
        """Run ``op`` on the driver's own cursor, inside the connection's transaction, when it compiles to a
        _Plain and its rows carry its binds; returns the row count, or None when SQLAlchemy must run it."""
        if op.statement not in self._plain:
            self._plain[op.statement] = _plain(op.statement, conn.dialect)
        plain = self._plain[op.statement]
        rows = None if plain is None else plain.rows([op.params] if isinstance(op.params, dict) else op.params or ())
        if plain is None or rows is None:
            return None
        cursor = conn.connection.cursor()
        try:
            if len(rows) == 1:
                cursor.execute(plain.sql, rows[0])
            else:
                cursor.executemany(plain.sql, rows)
            return int(cursor.rowcount)
        finally:
            cursor.close()
