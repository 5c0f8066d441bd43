"""Resumes over HTTP: upload (file or JSON text), list, read, choose the active one, delete.

The profile kept for each resume has no contact details (``mentor.ai.resume``); rows live in
``mentor.store.resumes``. Parsing is CPU-bound and runs in a worker thread.
"""

from __future__ import annotations

import time
import uuid
from pathlib import PurePath
from typing import Annotated, Any

import trio
from pydantic import AfterValidator, Field
from quart import Blueprint, Response
from quart_schema import document_request, tag

from mentor.ai.resume import parse_resume_text
from mentor.errors import not_found
from mentor.http import quotas
from mentor.http.models import Strict, Text, Title, not_blank
from mentor.http.requests import authenticate, body, json_response, runtime, validate
from mentor.http.uploads import DOCUMENT_TYPES, content_kind, extract, extract_limits, read_upload
from mentor.store import resumes
from mentor.store.resumes import profile_from_json, profile_to_json

bp = Blueprint("resumes", __name__)

MAX_RESUME_CHARS = 200_000


class ResumeText(Strict):
    name: Title
    text: Annotated[Text, Field(max_length=MAX_RESUME_CHARS), AfterValidator(not_blank)]


class ResumeForm(Strict):
    name: Title


def public_resume(row: dict[str, Any], *, with_text: bool = False) -> dict[str, Any]:
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


@bp.post("/resumes")
@document_request(ResumeText)
@tag(["context"])
async def upload_resume() -> Response:
    """Upload a resume (.txt, .md, .pdf, .docx as multipart field ``file``, optional field ``name``; or JSON
    {name, text}). The first resume becomes active. The profile keeps no contact details."""
    user_id = authenticate()
    rt = runtime()
    if content_kind() == "multipart":
        data, filename, fields = await read_upload(rt, DOCUMENT_TYPES)
        name = validate(ResumeForm, {"name": fields.get("name") or PurePath(filename).stem or "Resume"}).name
        text = await trio.to_thread.run_sync(extract, data, filename, MAX_RESUME_CHARS, extract_limits(rt.settings))
    else:
        payload = await body(ResumeText)
        name, text = payload.name, payload.text
    await quotas.check(rt, user_id, "upload_bytes", adding=len(text))
    profile = await trio.to_thread.run_sync(parse_resume_text, text)
    row = {"id": str(uuid.uuid4()), "user_id": user_id, "name": name, "text": text,
           "profile": profile_to_json(profile), "created_at": time.time()}
    await rt.writer.write(resumes.insert_resume(row))
    stored = await rt.reader.read(resumes.get_resume, user_id, row["id"])
    if stored is None:  # deleted by a concurrent request between the two calls
        raise not_found("resume")
    return json_response(public_resume(stored), 201)


@bp.get("/resumes")
@tag(["context"])
async def list_resumes() -> Response:
    user_id = authenticate()
    rows = await runtime().reader.read(resumes.list_resumes, user_id)
    return json_response({"resumes": [public_resume(r) for r in rows]})


@bp.get("/resumes/<resume_id>")
@tag(["context"])
async def get_resume(resume_id: str) -> Response:
    """One resume with its extracted text."""
    user_id = authenticate()
    row = await runtime().reader.read(resumes.get_resume, user_id, resume_id)
    if row is None:
        raise not_found("resume")
    return json_response(public_resume(row, with_text=True))


@bp.put("/resumes/<resume_id>/active")
@tag(["context"])
async def activate_resume(resume_id: str) -> Response:
    """Make this the resume answers use; the previously active one is deactivated."""
    user_id = authenticate()
    rt = runtime()
    # The write is guarded (another user's or a deleted id changes nothing), so it can go first: one read.
    await rt.writer.write(resumes.activate_resume(user_id, resume_id))
    row = await rt.reader.read(resumes.get_resume, user_id, resume_id)
    if row is None:
        raise not_found("resume")
    return json_response(public_resume(row))


@bp.delete("/resumes/<resume_id>")
@tag(["context"])
async def delete_resume(resume_id: str) -> Response:
    """Delete a resume; if it was active, the newest remaining one becomes active."""
    user_id = authenticate()
    rt = runtime()
    if await rt.reader.read(resumes.get_resume, user_id, resume_id) is None:
        raise not_found("resume")
    await rt.writer.write(resumes.delete_resume(user_id, resume_id))
    return Response(b"", status=204)
