"""Full-text search per language on PostgreSQL: one GIN index per text-search configuration.

Revision ID: 0004
Revises: 0003

A session in German searches the knowledge base with PostgreSQL's 'german' configuration (its Snowball
stemmer and stop-words), so "Zahlungen" in a question finds "Zahlung" in a note; English, French and Spanish
likewise. Each configuration needs its own expression index, spelled exactly as the query spells it
(``to_tsvector('german', text)``), for the planner to use it. Four more indexes cost write time only when a
document is uploaded, which is rare. The 'simple' index of 0003 stays for every other language.

SQLite needs nothing here: FTS5 has no Snowball tokenizer, so the query side searches each word by the part
it shares with its Snowball stem, as a prefix (``mentor.ai.retrieval.prefix_terms``).
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CONFIGS = ("english", "german", "french", "spanish")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for config in CONFIGS:
        op.execute(f"CREATE INDEX ix_kb_chunks_fts_{config} ON kb_chunks USING GIN (to_tsvector('{config}', text))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for config in CONFIGS:
        op.execute(f"DROP INDEX IF EXISTS ix_kb_chunks_fts_{config}")
