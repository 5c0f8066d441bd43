"""The per-company knowledge base: documents cut into chunks, and the dialect-specific full-text search.

Chunks are indexed by an FTS5 table ``kb_chunks_fts`` on SQLite and a GIN expression index on PostgreSQL
(migrations 0003 and 0004, one per language configuration); ``search_kb`` speaks each dialect's query
language, in the session's language. Reads are sync functions for
``StoreReader.read``; write builders return ``WriteOp`` lists for ``StoreWriter.write``.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from mentor.ai.retrieval import base_language, content_words, prefix_terms
from mentor.ai.types import Passage
from mentor.store.company import company_key
from mentor.store.rows import Row
from mentor.store.schema import kb_chunks, kb_documents
from mentor.store.writer import WriteOp

CHUNK_CHARS = 800
"""Target chunk length: a few sentences, small enough that several fit a prompt's context budget."""
CHUNK_OVERLAP = 160
"""At most this many characters of whole sentences are repeated at the start of the next chunk, so a fact
that straddles a boundary is still found with its lead-in."""
MAX_QUERY_TERMS = 24
"""Terms of a spoken question kept for a full-text query; more only slows the search down."""

_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+|\n")


def _units(text: str, size: int) -> list[tuple[str, bool]]:
    """(sentence, starts_paragraph) pieces of ``text``, each at most ``size`` characters."""
    units: list[tuple[str, bool]] = []
    for paragraph in _PARAGRAPH.split(text.replace("\r\n", "\n")):
        first = True
        for sentence in _SENTENCE_END.split(paragraph):
            sentence = " ".join(sentence.split())
            while sentence:
                piece = sentence
                if len(piece) > size:  # a run-on "sentence" (tables, code): cut at a space
                    cut = sentence.rfind(" ", 0, size)
                    cut = cut if cut > size // 2 else size
                    piece = sentence[:cut]
                units.append((piece.strip(), first))
                first = False
                sentence = sentence[len(piece):].strip()
    return [(u, p) for u, p in units if u]


def chunk_text(text: str, size: int = CHUNK_CHARS, overlap: int = CHUNK_OVERLAP) -> list[str]:
    """``text`` cut into chunks of about ``size`` characters on paragraph and sentence boundaries.

    Whole sentences from the end of a chunk (at most ``overlap`` characters) are repeated at the start of
    the next. Pure; linear in the text length (~1 ms per 100 kB).
    """
    chunks: list[str] = []
    current: list[tuple[str, bool]] = []
    length = 0
    fresh = 0  # units in ``current`` that are not overlap from the previous chunk

    def render(units: list[tuple[str, bool]]) -> str:
        out = ""
        for i, (unit, new_paragraph) in enumerate(units):
            out += unit if i == 0 else ("\n\n" if new_paragraph else " ") + unit
        return out

    for unit in _units(text, size):
        if current and fresh and length + 1 + len(unit[0]) > size:
            chunks.append(render(current))
            carried: list[tuple[str, bool]] = []
            carried_len = 0
            for prev in reversed(current):
                if carried_len + len(prev[0]) + 1 > overlap or len(carried) >= len(current) - 1:
                    break
                carried.insert(0, prev)
                carried_len += len(prev[0]) + 1
            current, length, fresh = carried, carried_len, 0
        current.append(unit)
        length += len(unit[0]) + 1
        fresh += 1
    if fresh:
        chunks.append(render(current))
    return chunks


def insert_kb_document(row: Row, chunks: list[str]) -> list[WriteOp]:
    """Insert a document (``row``: id, user_id, company, title, created_at) and its chunks, in one
    transaction. ``company_key``, ``chunks`` and ``chars`` are filled in here. On SQLite the FTS5 triggers
    index the chunks in the same transaction."""
    key = company_key(row["company"])
    doc = {**row, "company_key": key, "chunks": len(chunks), "chars": sum(len(c) for c in chunks)}
    ops = [WriteOp(sa.insert(kb_documents), doc)]
    if chunks:
        ops.append(WriteOp(sa.insert(kb_chunks), [
            {"document_id": row["id"], "user_id": row["user_id"], "company_key": key, "ord": i, "text": text}
            for i, text in enumerate(chunks)
        ]))
    return ops


def list_kb_documents(conn: sa.Connection, user_id: str, company: str | None) -> list[Row]:
    """The user's documents (all, or one company's), newest first."""
    stmt = sa.select(kb_documents.c.id, kb_documents.c.company, kb_documents.c.title, kb_documents.c.chunks,
                     kb_documents.c.chars, kb_documents.c.created_at).where(kb_documents.c.user_id == user_id)
    if company is not None:
        stmt = stmt.where(kb_documents.c.company_key == company_key(company))
    stmt = stmt.order_by(kb_documents.c.created_at.desc(), kb_documents.c.id.desc())
    return [dict(r) for r in conn.execute(stmt).mappings()]


def get_kb_document(conn: sa.Connection, user_id: str, document_id: str) -> Row | None:
    """A document of the user (without chunks), or None if missing or someone else's."""
    row = conn.execute(sa.select(kb_documents).where(kb_documents.c.id == document_id,
                                                     kb_documents.c.user_id == user_id)).mappings().first()
    return dict(row) if row is not None else None


def delete_kb_document(user_id: str, document_id: str) -> list[WriteOp]:
    """Delete a document of the user and its chunks (chunks explicitly: SQLite cascades only with
    foreign_keys on, and the explicit delete is what fires the FTS5 delete trigger for each chunk)."""
    return [
        WriteOp(sa.delete(kb_chunks).where(kb_chunks.c.document_id == document_id, kb_chunks.c.user_id == user_id)),
        WriteOp(sa.delete(kb_documents).where(kb_documents.c.id == document_id, kb_documents.c.user_id == user_id)),
    ]


_ALNUM = re.compile(r"[^\W_]+")

PG_CONFIGS = {"en": "english", "de": "german", "fr": "french", "es": "spanish"}
"""PostgreSQL text-search configuration per session language (migration 0004 indexes each); any other
language searches with 'simple' (migration 0003's index)."""


def pg_config(language: str) -> str:
    """The text-search configuration for a BCP-47-ish language code: "de-AT" -> "german", "pl" -> "simple"."""
    return PG_CONFIGS.get(base_language(language), "simple")


def _pieces(term: str) -> list[str]:
    # Letters and digits only: no character with a meaning in FTS5 or tsquery syntax (quotes, operators,
    # "*", ":", parentheses) survives, whatever the text was, which is what makes the expressions safe.
    return _ALNUM.findall(term)


def query_terms(text: str, language: str = "en", limit: int = MAX_QUERY_TERMS) -> list[str]:
    """Plain search words of free text in ``language``: content words (stop-words and fillers of the
    language removed, see ``mentor.ai.retrieval.content_words``), split to letters and digits only,
    deduplicated, unstemmed (PostgreSQL's configuration stems them)."""
    out: list[str] = []
    for word in content_words(text, language):
        for piece in _pieces(word):
            if piece not in out:
                out.append(piece)
    return out[:limit]


def fts5_query(text: str, language: str = "en") -> str | None:
    """An FTS5 MATCH expression for free text: each word by the part it shares with its Snowball stem, as a
    prefix ("payments" -> "payment"*, "Zahlungen" -> "zahlung"*), or exactly when that part is short
    (``mentor.ai.retrieval.prefix_terms``); quoted and ORed. None if ``text`` has no searchable term."""
    parts: list[str] = []
    for term, is_prefix in prefix_terms(text, language):
        pieces = _pieces(term)
        for i, piece in enumerate(pieces):
            # Only the last piece of "node.js" is a word stem; the pieces before it are whole words.
            quoted = f'"{piece}"*' if is_prefix and i == len(pieces) - 1 else f'"{piece}"'
            if quoted not in parts:
                parts.append(quoted)
    return " OR ".join(parts[:MAX_QUERY_TERMS]) or None


def tsquery(text: str, language: str = "en") -> str | None:
    """A PostgreSQL ``to_tsquery`` expression for free text: ``'word':* | 'go'``, words of 4+ characters as
    prefixes (compounds: "zahlung" finds "Zahlungsdienst"); the configuration of ``pg_config(language)``
    stems them. Terms are letters and digits only, so the expression always parses. None if no term."""
    parts = [f"'{t}':*" if len(t) >= 4 else f"'{t}'" for t in query_terms(text, language)]
    return " | ".join(parts) or None


_SQLITE_SEARCH = """
SELECT c.document_id, c.ord, c.text, d.title, d.company, bm25(kb_chunks_fts) AS rank
FROM kb_chunks_fts
JOIN kb_chunks c ON c.id = kb_chunks_fts.rowid
JOIN kb_documents d ON d.id = c.document_id
WHERE kb_chunks_fts MATCH :q AND c.user_id = :user_id {company}
ORDER BY rank LIMIT :limit
"""

# The to_tsvector expression is spelled exactly as in the index, with a literal configuration (one of
# PG_CONFIGS or 'simple', never user input), so the planner uses that language's index.
_PG_SEARCH = """
SELECT c.document_id, c.ord, c.text, d.title, d.company,
       -ts_rank(to_tsvector('{config}', c.text), to_tsquery('{config}', :q)) AS rank
FROM kb_chunks c
JOIN kb_documents d ON d.id = c.document_id
WHERE to_tsvector('{config}', c.text) @@ to_tsquery('{config}', :q) AND c.user_id = :user_id {company}
ORDER BY rank LIMIT :limit
"""


def search_kb(conn: sa.Connection, user_id: str, company: str | None, query: str, limit: int = 4,
              language: str = "en") -> list[Passage]:
    """The user's knowledge-base chunks best matching ``query`` (free text, e.g. live speech, or
    ``mentor.ai.retrieval.retrieval_query``'s output), best first.

    ``language`` (the session's) picks the stop-words and stemming: the Snowball stem prefixes on SQLite,
    the text-search configuration on PostgreSQL. ``company`` restricts the search to that company's documents (matched by ``company_key``); None
    searches all the user's documents. Refs are "kb:<document id>:<chunk ord>", scores are positive, higher
    is better. Never raises for any query text. Cost: one indexed full-text query (~1 ms for 10k chunks).
    """
    dialect = conn.dialect.name
    q = fts5_query(query, language) if dialect == "sqlite" else tsquery(query, language)
    if q is None or limit <= 0:
        return []
    params: dict[str, Any] = {"q": q, "user_id": user_id, "limit": limit}
    company_sql = ""
    if company is not None:
        company_sql = "AND c.company_key = :company_key"
        params["company_key"] = company_key(company)
    if dialect == "sqlite":
        sql = _SQLITE_SEARCH.format(company=company_sql)
    else:
        sql = _PG_SEARCH.format(company=company_sql, config=pg_config(language))
    passages = []
    for r in conn.execute(sa.text(sql), params):
        # The company's name only when documents of several companies were searched: in the title it would
        # count as a word of the passage ("Acme Payments" matching every question about payments).
        title = f"{r.title} ({r.company})" if company is None and r.company else r.title
        passages.append(Passage("kb", f"kb:{r.document_id}:{r.ord}", title, r.text, score=-float(r.rank)))
    return passages
