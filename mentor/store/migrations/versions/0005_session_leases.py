"""Session ownership across processes: one lease row per live session, with a fencing epoch.

Revision ID: 0005
Revises: 0004

A lease table rather than advisory locks: an advisory lock lives and dies with one database connection, so
a process whose connection drops loses the lock while it may still believe it owns the session, and a lock
carries no number a commit could check. A row with an ``epoch`` that every takeover increments gives
fencing that survives connection loss: each commit of a session's writes updates its lease row ``WHERE
epoch = <the owner's epoch>`` in the same transaction, so a stale owner's write fails instead of forking
the log. ``expires_at`` is compared with the database's clock only (``now()``), never a process's.
SQLite (one process) never reads or writes this table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_leases",
        sa.Column("session_id", sa.String(36), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),  # host:pid:random, one per process start
        sa.Column("address", sa.String(200), nullable=False),  # where the owner takes forwarded commands
        sa.Column("epoch", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_session_leases_owner", "session_leases", ["owner"])


def downgrade() -> None:
    op.drop_table("session_leases")
