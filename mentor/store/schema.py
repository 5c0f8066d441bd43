"""The database schema, one definition for SQLite and PostgreSQL (SQLAlchemy Core).

Alembic migrations in ``migrations/versions`` create and upgrade it; this module is what code queries.
Times are UNIX seconds (float): the same on both databases and cheap to compare.

The candidate-context tables (resumes, knowledge-base documents and chunks) come from migration 0003, which
also creates the full-text index over ``kb_chunks.text``. That index is dialect-specific and therefore not
declared here: an FTS5 table ``kb_chunks_fts`` on SQLite, a GIN expression index on PostgreSQL (see
``mentor/store/migrations/versions/0003_context.py`` and ``mentor.store.knowledge``).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
)

refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    # tokens rotated from one login share a family; reuse of a rotated token revokes the whole family
    sa.Column("family_id", sa.String(36), nullable=False, index=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("expires_at", sa.Double, nullable=False),
    sa.Column("used_at", sa.Double, nullable=True),
    sa.Column("revoked", sa.Boolean, nullable=False, default=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("company", sa.String(200), nullable=True),
    sa.Column("role", sa.String(200), nullable=True),
    sa.Column("job_description", sa.Text, nullable=True),
    sa.Column("language", sa.String(35), nullable=False),
    sa.Column("candidate_name", sa.String(200), nullable=True),
    sa.Column("interviewer_name", sa.String(200), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),  # "active" | "ended"
    sa.Column("auto_answer", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("ended_at", sa.Double, nullable=True),
    sa.Index("ix_sessions_user_created", "user_id", "created_at", "id"),
)

captions = sa.Table(
    "captions",
    metadata,
    sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # per-session, in arrival order
    sa.Column("block_id", sa.String(128), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("final", sa.Boolean, nullable=False),
    sa.Column("speaker_role", sa.String(16), nullable=False),
    sa.Column("speaker_name", sa.String(200), nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("client_ts", sa.Double, nullable=True),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
    sa.UniqueConstraint("session_id", "block_id", name="uq_captions_session_block"),
)

session_speakers = sa.Table(
    "session_speakers",
    metadata,
    sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("name", sa.String(200), primary_key=True),  # exactly as the captions spell it
    sa.Column("role", sa.String(16), nullable=False),  # a SpeakerRole
    sa.Column("source", sa.String(16), nullable=False),  # "auto" | "caption" | "user"
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # JSON, stored as sent so replay re-encodes nothing
    sa.Column("created_at", sa.Double, nullable=False),
)

answers = sa.Table(
    "answers",
    metadata,
    sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("id", sa.String(40), primary_key=True),  # per session, like event ids
    sa.Column("user_id", sa.String(36), nullable=False),  # token usage per user, for quotas
    sa.Column("question_id", sa.String(40), nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # "complete" | "failed" | "cancelled"
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("engine", sa.String(16), nullable=False),
    sa.Column("model", sa.String(200), nullable=True),
    sa.Column("sources", sa.Text, nullable=False),  # JSON list of passage refs
    sa.Column("first_token_ms", sa.Double, nullable=True),
    sa.Column("complete_ms", sa.Double, nullable=True),
    sa.Column("prompt_tokens", sa.Integer, nullable=False),
    sa.Column("completion_tokens", sa.Integer, nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Index("ix_answers_session", "session_id", "created_at"),
    # The quota reads (accounts.answer_usage) count and sum a user's answers by time: index-only with these.
    sa.Index("ix_answers_user_usage", "user_id", "created_at", "prompt_tokens", "completion_tokens"),
)

# --- candidate context: uploaded resumes, per-company knowledge-base documents cut into chunks

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
    sa.Column("company_key", sa.String(200), nullable=False),  # normalised, see company.company_key
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

# --- sharing: paired devices, their one-time pairing codes, and share links to one session

devices = sa.Table(
    "devices",
    metadata,
    # The device's id is also the family id of its refresh tokens (and the ``sid`` of its access tokens).
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("last_seen_at", sa.Double, nullable=False),
    sa.Column("revoked_at", sa.Double, nullable=True),
    sa.Index("ix_devices_user", "user_id", "created_at"),
    sa.Index("ix_devices_revoked", "revoked_at"),
)

pairings = sa.Table(
    "pairings",
    metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),  # SHA-256 of the short code; never the code
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("expires_at", sa.Double, nullable=False),
    sa.Column("used_at", sa.Double, nullable=True),
)

shares = sa.Table(
    "shares",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),  # "viewer" | "coach"
    sa.Column("label", sa.String(100), nullable=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("expires_at", sa.Double, nullable=False),
    sa.Column("revoked_at", sa.Double, nullable=True),
    sa.Index("ix_shares_session", "session_id", "created_at"),
    sa.Index("ix_shares_revoked", "revoked_at"),
)
