"""What the aggregate modules' reads return: plain dicts of one row, keyed by column name."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

Row = dict[str, Any]


def one(conn: sa.Connection, stmt: sa.Select[Any], params: dict[str, Any] | None = None) -> Row | None:
    """The first row ``stmt`` selects (with bind ``params``), as a dict, or None."""
    row = conn.execute(stmt, params).mappings().first()
    return dict(row) if row is not None else None
