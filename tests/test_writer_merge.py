"""The writer folds runs of one statement into one executemany, without touching the callers' ops."""

from __future__ import annotations

import sqlalchemy as sa

from mentor.store.writer import WriteOp, merge_ops

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
