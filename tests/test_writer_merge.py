"""The writer: runs of one statement folded into one executemany (the callers' ops untouched), one held
connection replaced when it dies, and a failed WAL restart that never fails a committed write."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import trio

from mentor.store.database import create_engine, normalize_url
from mentor.store.schema import captions, events, metadata
from mentor.store.sessions import INSERT_CAPTION, UPDATE_CAPTION
from mentor.store.writer import FencedOut, StoreWriter, WriteOp, merge_ops

A, B = sa.text("a"), sa.text("b")


def test_runs_of_one_statement_become_one_executemany_and_the_inputs_stay_as_they_were() -> None:
    rows = [{"x": 2}, {"x": 3}]
    ops = [WriteOp(A, {"x": 1}), WriteOp(A, rows), WriteOp(A, {"x": 4}), WriteOp(B, None), WriteOp(B, {"y": 1}),
           WriteOp(A, {"x": 5})]
    merged = merge_ops(ops)
    assert [(op.statement, op.params) for op in merged] == [
        (A, [{"x": 1}, {"x": 2}, {"x": 3}, {"x": 4}]), (B, None), (B, {"y": 1}), (A, {"x": 5})]
    assert rows == [{"x": 2}, {"x": 3}] and ops[0].params == {"x": 1}


def test_a_long_run_is_one_op_with_every_row() -> None:
    merged = merge_ops([WriteOp(A, {"x": i}) for i in range(5000)])
    assert len(merged) == 1 and merged[0].params == [{"x": i} for i in range(5000)]


def test_hot_statements_on_the_driver_cursor_store_what_sqlalchemy_would() -> None:
    """INSERT/UPDATE_CAPTION run on the DBAPI cursor (bind processors applied, extra keys ignored); a
    statement built per call goes through SQLAlchemy and leaves nothing behind in the writer."""
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    writer = StoreWriter(engine, queue_size=1, batch_max=1, timeout_s=1)
    row = {"session_id": "s", "block_id": "b", "revision": 0, "final": False, "speaker_role": "candidate",
           "speaker_name": None, "text": "hello", "client_ts": 5, "created_at": 1.5, "updated_at": 1.5}
    with engine.begin() as conn:
        writer._execute(conn, [WriteOp(INSERT_CAPTION, [{**row, "id": 1}, {**row, "id": 2, "block_id": "c"}]),
                               WriteOp(UPDATE_CAPTION, {**row, "final": True, "text": "hello there", "id": 2,
                                                        "b_session_id": "s", "b_id": 1}),
                               WriteOp(sa.insert(events), {"session_id": "s", "seq": 1, "type": "t", "data": "{}",
                                                           "created_at": 1.0})])
        stored = conn.execute(sa.select(captions.c.id, captions.c.final, captions.c.text, captions.c.client_ts)
                              .order_by(captions.c.id)).all()
        assert conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one() == 1
    assert [tuple(r) for r in stored] == [(1, True, "hello there", 5.0), (2, False, "hello", 5.0)]
    assert set(writer._plain) == {INSERT_CAPTION, UPDATE_CAPTION}  # compiled once each; nothing per call
    with pytest.raises(FencedOut), engine.begin() as conn:  # a fence counts rows on the cursor path too
        writer._execute(conn, [WriteOp(UPDATE_CAPTION, {**row, "b_session_id": "s", "b_id": 99}, expect_rows=1)])


def test_every_sqlite_connection_gets_the_configured_page_cache(tmp_path: Path) -> None:
    """Each pooled connection fills its own page cache: `sqlite_cache_kib` bounds it (SQLite's default is 2 MiB)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'cache.db'}", sqlite_cache_kib=256, pool_size=2)
    try:
        with engine.connect() as a, engine.connect() as b:
            sizes = [c.exec_driver_sql("PRAGMA cache_size").scalar() for c in (a, b)]
    finally:
        engine.dispose()
    assert sizes == [-256, -256]


async def test_the_writer_holds_one_connection_and_replaces_one_that_died(database_url: str) -> None:
    """The writer checks its connection out once, not per transaction. On PostgreSQL a connection killed
    between two writes (as by a database restart) fails the next statement before any commit, and that
    write goes through on a fresh connection instead of failing."""
    name = f"writer-{uuid.uuid4().hex[:8]}"
    url = normalize_url(database_url)
    engine = sa.create_engine(url, **({"connect_args": {"application_name": name}} if url.startswith("postgresql")
                                      else {}))
    probe = sa.Table("writer_probe", sa.MetaData(), sa.Column("seq", sa.Integer, primary_key=True))
    probe.create(engine)
    writer = StoreWriter(engine, queue_size=4, batch_max=4, timeout_s=10)

    def row(seq: int) -> WriteOp:
        return WriteOp(sa.insert(probe), {"seq": seq})

    try:
        async with trio.open_nursery() as nursery:
            await nursery.start(writer.run)
            await writer.write([row(1)])
            await writer.write([row(2)])
            assert engine.pool.checkedout() == 1  # held between transactions
            if url.startswith("postgresql"):
                with engine.connect() as admin:  # a second pooled connection: terminate the writer's
                    killed = admin.execute(sa.text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE application_name = :name AND pid <> pg_backend_pid()"), {"name": name}).scalar_one()
                assert killed == 1
            await writer.write([row(3)])
            writer.close()
        assert engine.pool.checkedout() == 0  # given back when the writer stops
        with engine.connect() as conn:
            assert conn.execute(sa.select(probe.c.seq).order_by(probe.c.seq)).scalars().all() == [1, 2, 3]
    finally:
        engine.dispose()


async def test_a_failed_wal_checkpoint_after_a_commit_neither_fails_nor_repeats_the_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The WAL is restarted after a commit when it is large; if that fails, the committed batches are still
    reported committed (not failed, and not retried one by one into duplicates)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'w.db'}")
    probe = sa.Table("writer_probe", sa.MetaData(), sa.Column("seq", sa.Integer, primary_key=True))
    probe.create(engine)
    real = sa.Connection.exec_driver_sql

    def failing_checkpoint(self: sa.Connection, statement: str, *args: Any, **kwargs: Any) -> Any:
        if "wal_checkpoint" in statement:
            raise sa.exc.OperationalError(statement, {}, Exception("database is locked"))
        return real(self, statement, *args, **kwargs)

    monkeypatch.setattr(sa.Connection, "exec_driver_sql", failing_checkpoint)
    writer = StoreWriter(engine, queue_size=4, batch_max=4, timeout_s=10, wal_max_bytes=0)  # every commit
    try:
        async with trio.open_nursery() as nursery:
            await nursery.start(writer.run)
            await writer.write([WriteOp(sa.insert(probe), {"seq": 1})])
            async with trio.open_nursery() as batch:  # two callers' batches, likely merged into one commit
                batch.start_soon(writer.write, [WriteOp(sa.insert(probe), {"seq": 2})])
                batch.start_soon(writer.write, [WriteOp(sa.insert(probe), {"seq": 3})])
            writer.close()
        with engine.connect() as conn:
            assert conn.execute(sa.select(probe.c.seq).order_by(probe.c.seq)).scalars().all() == [1, 2, 3]
    finally:
        engine.dispose()
