"""File uploads (resumes, knowledge-base documents): read the multipart body, check the file, extract its text.

A file is accepted only when its extension and its content agree (``mentor.ai.resume.file_format``: the
PDF or ZIP signature, no NUL bytes for text), so a renamed binary is refused before any parser sees it.
Extraction (pypdf, python-docx) is ``mentor.ai.resume.extract_text``, CPU-bound: call ``extract`` from a
worker thread. Upload routes accept files up to ``upload_max_bytes``; every JSON route keeps
``max_body_bytes`` (see mentor/http/requests.py).
"""

from __future__ import annotations

import functools
from pathlib import PurePath
from typing import Literal

from quart import request

from mentor.ai.resume import ExtractLimits, FileFormat, FileTooLarge, ResumeError, extract_text, file_format
from mentor.errors import Problem, ProblemCode
from mentor.http.pdf_reader import read_pdf_bounded
from mentor.runtime import Runtime
from mentor.settings import Settings

MULTIPART_SLACK = 65_536
"""Room for multipart framing and the small form fields beside the file."""

DOCUMENT_TYPES = frozenset({".txt", ".md", ".pdf", ".docx"})
"""Extensions a resume or knowledge-base upload may have."""

_FORMAT_OF: dict[str, FileFormat] = {".pdf": "pdf", ".docx": "docx", ".txt": "text", ".md": "text"}
_MISMATCH = {".pdf": "the file is named .pdf but is not a PDF",
             ".docx": "the file is named .docx but is not a Word document"}


def content_kind() -> Literal["multipart", "json"]:
    """How the request sends its document. Raises Problem 415 for anything but multipart or JSON."""
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        return "multipart"
    if mimetype == "application/json":
        return "json"
    raise Problem(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "send multipart/form-data (field 'file') or application/json")


def check_file(data: bytes, filename: str, allowed: frozenset[str]) -> str:
    """The file's extension once extension and content agree. Raises Problem 415 or 422."""
    ext = PurePath(filename).suffix.lower()
    if ext not in allowed:
        raise Problem(ProblemCode.UNSUPPORTED_FILE_TYPE, f"accepted file types are {', '.join(sorted(allowed))}; got {ext or 'no extension'}")
    if not data.strip():
        raise Problem(ProblemCode.EMPTY_FILE, "the uploaded file is empty")
    if file_format(data) != _FORMAT_OF.get(ext, "text"):
        detail = _MISMATCH.get(ext, f"the file is named {ext} but is not plain text")
        raise Problem(ProblemCode.FILE_CONTENT_MISMATCH, detail)
    return ext


async def read_upload(rt: Runtime, allowed: frozenset[str]) -> tuple[bytes, str, dict[str, str]]:
    """The uploaded file's bytes, its name and the other form fields. Raises Problem (400/413/415/422)."""
    limit = rt.settings.upload_max_bytes
    if request.content_length is not None and request.content_length > limit + MULTIPART_SLACK:
        raise Problem(ProblemCode.FILE_TOO_LARGE, f"files may be at most {limit} bytes")
    files = await request.files
    form = await request.form
    upload = files.get("file")
    if upload is None:
        raise Problem(ProblemCode.FILE_MISSING, "send the file in the multipart field 'file'")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise Problem(ProblemCode.FILE_TOO_LARGE, f"files may be at most {limit} bytes")
    filename = upload.filename or ""
    check_file(data, filename, allowed)
    fields = {key: form[key] for key in form}
    return data, filename, fields


def extract_limits(settings: Settings) -> ExtractLimits:
    return ExtractLimits(max_inflated_bytes=settings.upload_max_inflated_bytes,
                         max_entries=settings.upload_max_entries, pdf_timeout_s=settings.pdf_parse_timeout_s,
                         pdf_max_memory_bytes=settings.pdf_parse_max_memory_bytes)


def extract(data: bytes, filename: str, max_chars: int, limits: ExtractLimits) -> str:
    """Text of an uploaded file (runs in a worker thread). Raises Problem 413 (inflates past ``limits``),
    422 (unreadable)."""
    try:
        text = extract_text(data, filename, limits, read_pdf=functools.partial(read_pdf_bounded, limits=limits))
    except FileTooLarge as exc:
        raise Problem(ProblemCode.FILE_TOO_LARGE, str(exc)) from None
    except ResumeError as exc:
        raise Problem(ProblemCode.UNREADABLE_FILE, str(exc)) from None
    text = text.replace("\x00", "").replace("\r\n", "\n")
    if not text.strip():
        raise Problem(ProblemCode.NO_TEXT, "no text could be extracted from the file (a scanned image?)")
    if len(text) > max_chars:
        raise Problem(ProblemCode.DOCUMENT_TOO_LONG, f"the extracted text is longer than {max_chars} characters")
    return text
