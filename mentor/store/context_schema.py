"""Candidate context tables: uploaded resumes and per-company knowledge-base documents cut into chunks.

Defined on the shared ``metadata`` of ``mentor.store.schema`` so Alembic and queries see one schema.
Migration 0003 creates them, plus the full-text index over ``kb_chunks.text``, which is dialect-specific
and therefore not declared here: an FTS5 table ``kb_chunks_fts`` on SQLite, a GIN expression index on
PostgreSQL (see ``mentor/store/migrations/versions/0003_context.py``).
"""

from __future__ import annotations

import sqlalchemy as sa

from mentor.store.schema import metadata

resumes = sa.Table(
    "resumes",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),  # extracted plain text, as uploaded
    sa.Column("profile", sa.Text, nullable=False),  # JSON of the parsed, contact-free ResumeProfile
    sa.Column("active", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Index("ix_resumes_user_created", "user_id", "created_at"),
    # At most one active resume per user, enforced by the database (a partial unique index on both).
    sa.Index("uq_resumes_user_active", "user_id", unique=True,
             sqlite_where=sa.text("active"), postgresql_where=sa.text("active")),
)

kb_documents = sa.Table(
    "kb_documents",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("company", sa.String(200), nullable=False),  # as the user wrote it
    sa.Column("company_key", sa.String(200), nullable=False),  # normalised, see context.company_key
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("chunks", sa.Integer, nullable=False),
    sa.Column("chars", sa.Integer, nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Index("ix_kb_documents_user_company", "user_id", "company_key", "created_at"),
)

kb_chunks = sa.Table(
    "kb_chunks",
    metadata,
    # An integer key because the SQLite FTS5 index refers to chunks by rowid.
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_id", sa.String(36), sa.ForeignKey("kb_documents.id", ondelete="CASCADE"),
              nullable=False),
    # Denormalised from the document so a search filters chunks without a join.
    sa.Column("user_id", sa.String(36), nullable=False),
    sa.Column("company_key", sa.String(200), nullable=False),
    sa.Column("ord", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Index("ix_kb_chunks_document", "document_id", "ord"),
    sa.Index("ix_kb_chunks_user_company", "user_id", "company_key"),
)
