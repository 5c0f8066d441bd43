"""Speakers per session: each name seen in a session's captions, with its role.

Revision ID: 0006
Revises: 0005

One row per (session, name). The session actor inserts a row the first time a caption names someone and
updates it when the user changes that speaker's role (which also re-labels the speaker's captions). Plain
portable DDL: the same on SQLite and PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_speakers",
        sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("session_speakers")
