"""Candidate context over HTTP: resumes, the per-company knowledge base, and one-off questions (POST /ask).

Uploads arrive as multipart/form-data (field ``file``) or as JSON text. A file is accepted only when its
extension and its first bytes agree (``%PDF-`` for .pdf, a ZIP header for .docx, no NUL bytes for text),
so a renamed binary is refused before any parser sees it. Parsing (pypdf, python-docx, the resume parser,
chunking) is CPU-bound and runs in a worker thread.

Upload routes accept files up to ``upload_max_bytes``; every JSON route keeps ``max_body_bytes``
(see mentor/http/requests.py).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from pathlib import PurePath
from typing import Annotated, Any, Literal

import trio
from pydantic import AfterValidator, Field
from quart import Blueprint, Response, request
from quart_schema import document_request, tag

from mentor.ai.resume import ResumeError, extract_text, parse_resume_text
from mentor.ai.types import AnswerDelta, AnswerRequest
from mentor.engines import Failed, Finished, Step, answer_steps
from mentor.errors import Problem, not_found
from mentor.events import Event, EventType
from mentor.http.models import JobDescription, Language, Name, Strict, Text, Title, not_blank
from mentor.http.requests import authenticate, body, int_arg, json_body, json_response, runtime, validate
from mentor.runtime import Runtime
from mentor.store import context as ctx
from mentor.store.context import profile_from_json, profile_to_json

log = logging.getLogger(__name__)

bp = Blueprint("context", __name__)

_MULTIPART_SLACK = 65_536
"""Room for multipart framing and the small form fields beside the file."""
MAX_RESUME_CHARS = 200_000
MAX_KB_CHARS = 2_000_000
"""Longest knowledge-base document (extracted text): ~2,500 chunks."""

_RESUME_TYPES = frozenset({".txt", ".md", ".pdf", ".docx"})
_KB_TYPES = frozenset({".txt", ".md", ".pdf", ".docx"})


# --- request bodies --------------------------------------------------------------------------------------

class ResumeText(Strict):
    name: Title
    text: Annotated[Text, Field(max_length=MAX_RESUME_CHARS), AfterValidator(not_blank)]


class KnowledgeText(Strict):
    company: Title
    title: Title | None = None
    text: Annotated[Text, Field(max_length=MAX_KB_CHARS), AfterValidator(not_blank)]


class ResumeForm(Strict):
    name: Title


class KnowledgeForm(Strict):
    company: Title
    title: Title | None = None


class AskBody(Strict):
    question: Annotated[Text, Field(max_length=5000), AfterValidator(not_blank)]
    kind: Literal["behavioral", "technical", "situational", "background", "clarifying", "logistics",
                  "other"] | None = None
    company: Name | None = None
    role: Name | None = None
    job_description: JobDescription | None = None
    language: Language = "en"


# --- helpers ---------------------------------------------------------------------------------------------

def _public_resume(row: dict[str, Any], *, with_text: bool = False) -> dict[str, Any]:
    profile = profile_from_json(row["profile"])
    out: dict[str, Any] = {
        "id": row["id"], "name": row["name"], "active": bool(row["active"]), "created_at": row["created_at"],
        "profile": {
            "headline": profile.headline,
            "experience_level": profile.experience_level,
            "total_years": profile.total_years,
            "experience": [{"employer": e.employer, "role": e.role, "dates": e.dates} for e in profile.experience],
            "skills": list(profile.skills),
            "education": list(profile.education),
        },
    }
    if with_text:
        out["text"] = row["text"]
    return out


def _public_document(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "company": row["company"], "title": row["title"], "chunks": row["chunks"],
            "chars": row["chars"], "created_at": row["created_at"]}


def _sniff(data: bytes, filename: str, allowed: frozenset[str]) -> str:
    """The file's extension once extension and content agree. Raises Problem 415 or 422."""
    ext = PurePath(filename).suffix.lower()
    if ext not in allowed:
        raise Problem(415, "unsupported_file_type",
                      f"accepted file types are {', '.join(sorted(allowed))}; got {ext or 'no extension'}")
    if not data.strip():
        raise Problem(422, "empty_file", "the uploaded file is empty")
    is_pdf, is_zip = data.startswith(b"%PDF-"), data.startswith(b"PK\x03\x04")
    if ext == ".pdf" and not is_pdf:
        raise Problem(415, "file_content_mismatch", "the file is named .pdf but is not a PDF")
    if ext == ".docx" and not is_zip:
        raise Problem(415, "file_content_mismatch", "the file is named .docx but is not a Word document")
    if ext in {".txt", ".md"} and (is_pdf or is_zip or b"\x00" in data[:8192]):
        raise Problem(415, "file_content_mismatch", f"the file is named {ext} but is not plain text")
    return ext


async def _read_upload(rt: Runtime, allowed: frozenset[str]) -> tuple[bytes, str, dict[str, str]]:
    """The uploaded file's bytes, its name and the other form fields. Raises Problem (400/413/415/422)."""
    limit = rt.settings.upload_max_bytes
    if request.content_length is not None and request.content_length > limit + _MULTIPART_SLACK:
        raise Problem(413, "file_too_large", f"files may be at most {limit} bytes")
    files = await request.files
    form = await request.form
    upload = files.get("file")
    if upload is None:
        raise Problem(400, "file_missing", "send the file in the multipart field 'file'")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise Problem(413, "file_too_large", f"files may be at most {limit} bytes")
    filename = upload.filename or ""
    _sniff(data, filename, allowed)
    fields = {key: form[key] for key in form}
    return data, filename, fields


def _extract(data: bytes, filename: str, max_chars: int) -> str:
    """Text of an uploaded file (runs in a worker thread). Raises Problem 422."""
    try:
        text = extract_text(data, filename)
    except ResumeError as exc:
        raise Problem(422, "unreadable_file", str(exc)) from None
    text = text.replace("\x00", "").replace("\r\n", "\n")
    if not text.strip():
        raise Problem(422, "no_text", "no text could be extracted from the file (a scanned image?)")
    if len(text) > max_chars:
        raise Problem(422, "document_too_long", f"the extracted text is longer than {max_chars} characters")
    return text


def _content_kind() -> str:
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        return "multipart"
    if mimetype == "application/json":
        return "json"
    raise Problem(415, "unsupported_media_type", "send multipart/form-data (field 'file') or application/json")


# --- resumes ---------------------------------------------------------------------------------------------

@bp.post("/resumes")
@document_request(ResumeText)
@tag(["context"])
async def upload_resume() -> Response:
    """Upload a resume (.txt, .md, .pdf, .docx as multipart field ``file``, optional field ``name``; or JSON
    {name, text}). The first resume becomes active. The profile keeps no contact details."""
    user_id = authenticate()
    rt = runtime()
    if _content_kind() == "multipart":
        data, filename, fields = await _read_upload(rt, _RESUME_TYPES)
        name = validate(ResumeForm, {"name": fields.get("name") or PurePath(filename).stem or "Resume"}).name
        text = await trio.to_thread.run_sync(_extract, data, filename, MAX_RESUME_CHARS)
    else:
        payload = await body(ResumeText)
        name, text = payload.name, payload.text
    profile = await trio.to_thread.run_sync(parse_resume_text, text)
    row = {"id": str(uuid.uuid4()), "user_id": user_id, "name": name, "text": text,
           "profile": profile_to_json(profile), "created_at": time.time()}
    await rt.writer.write(ctx.insert_resume(row))
    stored = await rt.reader.read(ctx.get_resume, user_id, row["id"])
    if stored is None:  # deleted by a concurrent request between the two calls
        raise not_found("resume")
    return json_response(_public_resume(stored), 201)


@bp.get("/resumes")
@tag(["context"])
async def list_resumes() -> Response:
    user_id = authenticate()
    rows = await runtime().reader.read(ctx.list_resumes, user_id)
    return json_response({"resumes": [_public_resume(r) for r in rows]})


@bp.get("/resumes/<resume_id>")
@tag(["context"])
async def get_resume(resume_id: str) -> Response:
    """One resume with its extracted text."""
    user_id = authenticate()
    row = await runtime().reader.read(ctx.get_resume, user_id, resume_id)
    if row is None:
        raise not_found("resume")
    return json_response(_public_resume(row, with_text=True))


@bp.put("/resumes/<resume_id>/active")
@tag(["context"])
async def activate_resume(resume_id: str) -> Response:
    """Make this the resume answers use; the previously active one is deactivated."""
    user_id = authenticate()
    rt = runtime()
    if await rt.reader.read(ctx.get_resume, user_id, resume_id) is None:
        raise not_found("resume")
    await rt.writer.write(ctx.activate_resume(user_id, resume_id))
    row = await rt.reader.read(ctx.get_resume, user_id, resume_id)
    if row is None:
        raise not_found("resume")
    return json_response(_public_resume(row))


@bp.delete("/resumes/<resume_id>")
@tag(["context"])
async def delete_resume(resume_id: str) -> Response:
    """Delete a resume; if it was active, the newest remaining one becomes active."""
    user_id = authenticate()
    rt = runtime()
    if await rt.reader.read(ctx.get_resume, user_id, resume_id) is None:
        raise not_found("resume")
    await rt.writer.write(ctx.delete_resume(user_id, resume_id))
    return Response(b"", status=204)


# --- knowledge base --------------------------------------------------------------------------------------

def _prepare_document(data: bytes | None, filename: str, text: str | None) -> list[str]:
    """The chunks of a document; runs in a worker thread. Raises Problem 422."""
    if text is None:
        assert data is not None
        text = _extract(data, filename, MAX_KB_CHARS)
    chunks = ctx.chunk_text(text)
    if not chunks:
        raise Problem(422, "no_text", "the document has no text")
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
    if _content_kind() == "multipart":
        data, filename, fields = await _read_upload(rt, _KB_TYPES)
        form = validate(KnowledgeForm, {k: v for k, v in fields.items() if k in ("company", "title")})
        company, title = form.company, form.title or PurePath(filename).stem or "Document"
        chunks = await trio.to_thread.run_sync(_prepare_document, data, filename, None)
    else:
        payload = await body(KnowledgeText)
        company, title = payload.company, payload.title or "Notes"
        chunks = await trio.to_thread.run_sync(_prepare_document, None, "", payload.text)
    row = {"id": str(uuid.uuid4()), "user_id": user_id, "company": company, "title": title,
           "created_at": time.time()}
    await rt.writer.write(ctx.insert_kb_document(row, chunks))
    return json_response({"id": row["id"], "company": company, "title": title, "chunks": len(chunks),
                          "created_at": row["created_at"]}, 201)


@bp.get("/knowledge")
@tag(["context"])
async def list_knowledge() -> Response:
    """The user's documents, newest first; ``?company=`` keeps one company's (matched case-insensitively)."""
    user_id = authenticate()
    company = request.args.get("company") or None
    rows = await runtime().reader.read(ctx.list_kb_documents, user_id, company)
    return json_response({"documents": [_public_document(r) for r in rows]})


@bp.get("/knowledge/search")
@tag(["context"])
async def search_knowledge() -> Response:
    """Full-text search of the user's knowledge base: ``q`` (free text), optional ``company``, ``limit``."""
    user_id = authenticate()
    query = request.args.get("q", "")
    if len(query) > 5000:
        raise Problem(400, "invalid_query", "q must be at most 5000 characters")
    company = request.args.get("company") or None
    limit = int_arg("limit", 5, 1, 50)
    passages = await runtime().reader.read(ctx.search_kb, user_id, company, query, limit)
    return json_response({"results": [{"ref": p.ref, "title": p.title, "text": p.text, "score": p.score}
                              for p in passages]})


@bp.delete("/knowledge/<document_id>")
@tag(["context"])
async def delete_knowledge(document_id: str) -> Response:
    user_id = authenticate()
    rt = runtime()
    if await rt.reader.read(ctx.get_kb_document, user_id, document_id) is None:
        raise not_found("document")
    await rt.writer.write(ctx.delete_kb_document(user_id, document_id))
    return Response(b"", status=204)


# --- one-off questions -----------------------------------------------------------------------------------

def _classify(question: str) -> str:
    try:
        from mentor.ai.question_rules import question_kind
    except ImportError:  # the rules module is optional for this route
        return "other"
    return question_kind(question)


def _final(finished: Finished) -> dict[str, Any]:
    done = finished.done
    return {"text": done.text, "engine": done.engine, "model": done.model, "sources": list(done.sources),
            "tokens": {"prompt": done.prompt_tokens, "completion": done.completion_tokens,
                       "estimated": done.usage_estimated},
            "latency_ms": round(finished.complete_ms, 1)}


def _sse(type: EventType, data: dict[str, Any]) -> bytes:
    return Event.control("", type, data).sse  # the sessions' encoder; no id: nothing here is replayed


@bp.post("/ask")
@document_request(AskBody)
@tag(["context"])
async def ask() -> Response:
    """Answer one question outside any session, with the user's active resume and knowledge base.

    JSON answer by default; with ``Accept: text/event-stream`` the answer streams as SSE events
    ``answer_delta`` {seq, text}, ``answer_failed`` {reason} (the text so far is void, another answer
    follows), then ``new_answer`` {text, engine, model, sources, tokens, latency_ms}.
    """
    user_id = authenticate()
    data = validate(AskBody, await json_body())
    rt = runtime()
    started = trio.current_time()
    context = await rt.reader.read(ctx.answer_context, user_id, data.company, data.question, "")
    req = AnswerRequest(
        question=data.question, kind=data.kind or _classify(data.question), language=data.language,
        company=data.company, role=data.role, job_description=data.job_description,
        resume=context.resume, kb_passages=context.kb_passages, company_summary=context.company_summary,
    )

    def steps() -> AsyncGenerator[Step, None]:  # the sessions' pipeline: one timeout, one failure mapping
        return answer_steps(rt.engine, req, timeout_s=rt.settings.answer_timeout_s, started_at=started)

    if "text/event-stream" not in request.headers.get("Accept", ""):
        async with aclosing(steps()) as answer:
            async for step in answer:
                if isinstance(step, Finished):
                    return json_response(_final(step))
                if isinstance(step, Failed) and step.final:
                    status = 504 if step.code == "answer_timeout" else 502
                    raise Problem(status, step.code, step.reason, retryable=step.retryable)
        raise Problem(502, "answer_failed", "the answer engine ended without an answer")  # unreachable

    async def stream() -> AsyncIterator[bytes]:
        seq = 0
        async with aclosing(steps()) as answer:
            async for step in answer:
                if isinstance(step, AnswerDelta):
                    seq += 1
                    yield _sse(EventType.ANSWER_DELTA, {"seq": seq, "text": step.text})
                elif isinstance(step, Finished):
                    yield _sse(EventType.NEW_ANSWER, _final(step))
                else:  # the status line is gone: failures are reported in-band
                    seq = 0  # a fallback answer starts over
                    failed = {"reason": step.reason, "retryable": step.retryable}
                    yield _sse(EventType.ANSWER_FAILED, {**failed, "code": step.code} if step.final else failed)

    response = Response(stream(), content_type="text/event-stream",
                        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    response.timeout = None  # bounded by answer_timeout_s instead of Quart's RESPONSE_TIMEOUT
    return response
