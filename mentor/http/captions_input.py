"""Captions as clients send them (HTTP body or WebSocket message), checked and turned into ``CaptionInput``.

Shared by ``POST /sessions/{id}/captions`` and the WebSocket's ``caption``/``captions`` messages, so both
accept exactly the same shapes and refuse them with the same problem codes.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from mentor.actors.messages import CaptionInput
from mentor.ai.speakers import name_problem
from mentor.errors import Problem, ProblemCode
from mentor.http.models import CaptionIn, error_list

_CAPTIONS = TypeAdapter(list[CaptionIn])


def parse_captions(data: Any, batch_max: int, max_chars: int) -> list[CaptionInput]:
    """One caption object, a list of them, or ``{"captions": [...]}``; raises Problem(422)."""
    items = data["captions"] if isinstance(data, dict) and "captions" in data else data
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not items:
        raise Problem(ProblemCode.INVALID_BODY, "send a caption object, a list of captions or {\"captions\": [...]}")
    if len(items) > batch_max:
        raise Problem(ProblemCode.BATCH_TOO_LARGE, f"at most {batch_max} captions per request")
    try:
        captions = _CAPTIONS.validate_python(items)
    except ValidationError as exc:
        raise Problem(ProblemCode.INVALID_CAPTION, "a caption does not match the schema",
                      errors=error_list(exc.errors())) from None
    out = []
    for index, cap in enumerate(captions):
        if len(cap.text) > max_chars:
            raise Problem(ProblemCode.CAPTION_TOO_LONG, f"caption text is limited to {max_chars} characters",
                          index=index)
        if cap.block_id is None and cap.revision != 0:
            raise Problem(ProblemCode.REVISION_WITHOUT_BLOCK, "revision needs a block_id", index=index)
        try:
            ts = cap.timestamp()
        except ValueError as exc:
            raise Problem(ProblemCode.INVALID_TIMESTAMP, str(exc), index=index) from None
        name = cap.speaker_name.strip() if cap.speaker_name is not None else None
        if name and (problem := name_problem(cap.speaker_name or "")):  # C1 controls too, as PUT refuses them
            raise Problem(ProblemCode.INVALID_CAPTION, problem, index=index)
        if not name:
            name = None  # a blank name names no one
            if cap.speaker_role is None:
                raise Problem(ProblemCode.INVALID_CAPTION, "a caption needs a speaker_name or a speaker_role",
                              index=index)
        out.append(CaptionInput(cap.speaker_role, cap.text, name, ts, cap.block_id, cap.revision, cap.final))
    return out
