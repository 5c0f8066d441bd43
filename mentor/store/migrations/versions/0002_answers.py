"""Answers with their question, engine, sources, latency and token usage.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("question_id", sa.String(40), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("model", sa.String(200), nullable=True),
        sa.Column("sources", sa.Text, nullable=False),
        sa.Column("first_token_ms", sa.Double, nullable=True),
        sa.Column("complete_ms", sa.Double, nullable=True),
        sa.Column("prompt_tokens", sa.Integer, nullable=False),
        sa.Column("completion_tokens", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
    )
    op.create_index("ix_answers_session", "answers", ["session_id", "created_at"])
    op.create_index("ix_answers_user", "answers", ["user_id", "created_at"])


def downgrade() -> None:
    op.drop_table("answers")
