"""Candidate context: resumes, knowledge-base documents and chunks, and a full-text index over the chunks.

Revision ID: 0003
Revises: 0002

The full-text index differs per database:

* SQLite: an FTS5 table ``kb_chunks_fts`` with external content (``content='kb_chunks'``,
  ``content_rowid='id'``), kept in step by AFTER INSERT/DELETE/UPDATE triggers. External content means the
  text is stored once (in ``kb_chunks``), and triggers mean the single writer only inserts and deletes plain
  ``kb_chunks`` rows with Core statements: the index changes in the same transaction and cannot drift.
  Tokenizer ``unicode61 remove_diacritics 2`` without a stemmer, so any language is tokenised the same way.
* PostgreSQL: a GIN index on ``to_tsvector('simple', text)``; 'simple' does no language-specific stemming
  or stop-word removal, matching the SQLite side. Queries must use the identical expression to hit it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resumes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("profile", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
    )
    op.create_index("ix_resumes_user_created", "resumes", ["user_id", "created_at"])
    op.create_index("uq_resumes_user_active", "resumes", ["user_id"], unique=True,
                    sqlite_where=sa.text("active"), postgresql_where=sa.text("active"))
    op.create_table(
        "kb_documents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("company_key", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("chunks", sa.Integer, nullable=False),
        sa.Column("chars", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
    )
    op.create_index("ix_kb_documents_user_company", "kb_documents", ["user_id", "company_key", "created_at"])
    op.create_table(
        "kb_chunks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("kb_documents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("company_key", sa.String(200), nullable=False),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_kb_chunks_document", "kb_chunks", ["document_id", "ord"])
    op.create_index("ix_kb_chunks_user_company", "kb_chunks", ["user_id", "company_key"])

    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE kb_chunks_fts USING fts5("
            "text, content='kb_chunks', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER kb_chunks_fts_ai AFTER INSERT ON kb_chunks BEGIN "
            "INSERT INTO kb_chunks_fts(rowid, text) VALUES (new.id, new.text); END"
        )
        op.execute(
            "CREATE TRIGGER kb_chunks_fts_ad AFTER DELETE ON kb_chunks BEGIN "
            "INSERT INTO kb_chunks_fts(kb_chunks_fts, rowid, text) VALUES ('delete', old.id, old.text); END"
        )
        op.execute(
            "CREATE TRIGGER kb_chunks_fts_au AFTER UPDATE OF text ON kb_chunks BEGIN "
            "INSERT INTO kb_chunks_fts(kb_chunks_fts, rowid, text) VALUES ('delete', old.id, old.text); "
            "INSERT INTO kb_chunks_fts(rowid, text) VALUES (new.id, new.text); END"
        )
    else:
        op.execute("CREATE INDEX ix_kb_chunks_fts ON kb_chunks USING GIN (to_tsvector('simple', text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("kb_chunks_fts_ai", "kb_chunks_fts_ad", "kb_chunks_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS kb_chunks_fts")
    for table in ("kb_chunks", "kb_documents", "resumes"):
        op.drop_table(table)
