"""The per-company knowledge base over HTTP: add a document (file or JSON text), list, search, delete.

Documents are cut into ~800-character chunks (``mentor.store.knowledge.chunk_text``, in a worker thread)
that answers for that company search with the database's full-text index.
"""

from __future__ import annotations

import time
import uuid
from pathlib import PurePath
from typing import Annotated, Any

import trio
from pydantic import AfterValidator, Field
from quart import Blueprint, Response, request
from quart_schema import document_request, tag

from mentor.ai.resume import ExtractLimits
from mentor.errors import Problem, ProblemCode, not_found
from mentor.http import quotas
from mentor.http.models import Strict, Text, Title, not_blank
from mentor.http.requests import authenticate, body, int_arg, json_response, runtime, validate
from mentor.http.uploads import DOCUMENT_TYPES, content_kind, extract, extract_limits, read_upload
from mentor.store import knowledge

bp = Blueprint("knowledge", __name__)

MAX_KB_CHARS = 2_000_000
"""Longest knowledge-base document (extracted text): ~2,500 chunks."""


class KnowledgeText(Strict):
    company: Title
    title: Title | None = None
    text: Annotated[Text, Field(max_length=MAX_KB_CHARS), AfterValidator(not_blank)]


class KnowledgeForm(Strict):
    company: Title
    title: Title | None = None


def public_document(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "company": row["company"], "title": row["title"], "chunks": row["chunks"],
            "chars": row["chars"], "created_at": row["created_at"]}


def _prepare_document(data: bytes | None, filename: str, text: str | None, limits: ExtractLimits) -> list[str]:
    """The chunks of a document; runs in a worker thread. Raises Problem 413, 422."""
    if text is None:
        assert data is not None
        text = extract(data, filename, MAX_KB_CHARS, limits)
    chunks = knowledge.chunk_text(text)
    if not chunks:
        raise Problem(ProblemCode.NO_TEXT, "the document has no text")
    return chunks


@bp.post("/knowledge")
@document_request(KnowledgeText)
@tag(["context"])
async def upload_knowledge() -> Response:
    """Add a knowledge-base document for a company: multipart ``file`` (.txt, .md, .pdf, .docx) with form
    fields ``company`` and optional ``title``, or JSON {company, title, text}. It is cut into ~800-character
    chunks that answers for that company search."""
    user_id = authenticate()
    rt = runtime()
    if content_kind() == "multipart":
        data, filename, fields = await read_upload(rt, DOCUMENT_TYPES)
        form_fields = {k: v for k, v in fields.items() if k in ("company", "title")}
        # A title taken from the file name obeys the title's rules too (PostgreSQL's varchar(200) gave 500).
        form_fields.setdefault("title", PurePath(filename).stem or "Document")
        form = validate(KnowledgeForm, form_fields)
        company, title = form.company, form.title or "Document"
        chunks = await trio.to_thread.run_sync(_prepare_document, data, filename, None, extract_limits(rt.settings))
    else:
        payload = await body(KnowledgeText)
        company, title = payload.company, payload.title or "Notes"
        chunks = await trio.to_thread.run_sync(_prepare_document, None, "", payload.text, extract_limits(rt.settings))
    await quotas.check(rt, user_id, "upload_bytes", adding=sum(len(chunk) for chunk in chunks))
    row = {"id": str(uuid.uuid4()), "user_id": user_id, "company": company, "title": title,
           "created_at": time.time()}
    await rt.writer.write(knowledge.insert_kb_document(row, chunks))
    return json_response({"id": row["id"], "company": company, "title": title, "chunks": len(chunks),
                          "created_at": row["created_at"]}, 201)


@bp.get("/knowledge")
@tag(["context"])
async def list_knowledge() -> Response:
    """The user's documents, newest first; ``?company=`` keeps one company's (matched case-insensitively)."""
    user_id = authenticate()
    company = request.args.get("company") or None
    rows = await runtime().reader.read(knowledge.list_kb_documents, user_id, company)
    return json_response({"documents": [public_document(r) for r in rows]})


@bp.get("/knowledge/search")
@tag(["context"])
async def search_knowledge() -> Response:
    """Full-text search of the user's knowledge base: ``q`` (free text), optional ``company``, ``limit``."""
    user_id = authenticate()
    query = request.args.get("q", "")
    if len(query) > 5000:
        raise Problem(ProblemCode.INVALID_QUERY, "q must be at most 5000 characters")
    company = request.args.get("company") or None
    limit = int_arg("limit", 5, 1, 50)
    passages = await runtime().reader.read(knowledge.search_kb, user_id, company, query, limit)
    return json_response({"results": [{"ref": p.ref, "title": p.title, "text": p.text, "score": p.score}
                              for p in passages]})


@bp.delete("/knowledge/<document_id>")
@tag(["context"])
async def delete_knowledge(document_id: str) -> Response:
    user_id = authenticate()
    rt = runtime()
    if await rt.reader.read(knowledge.get_kb_document, user_id, document_id) is None:
        raise not_found("document")
    await rt.writer.write(knowledge.delete_kb_document(user_id, document_id))
    return Response(b"", status=204)
