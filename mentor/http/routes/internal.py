"""POST /internal/ask: a command forwarded by a peer process for a session this process owns.

Only peers call it: they prove it with ``X-Mentor-Internal`` (derived from the shared JWT key, see
``mentor.actors.ownership``). The command runs on the local actor (never forwarded again: a session that
moved meanwhile answers 503, and the peer's client retries), and the reply is the actor's value as JSON or
its problem. A retry of a command (same idempotency key, after the peer timed out) gets the first
attempt's reply and is not applied again (``ownership.ForwardedReplies``).
"""

from __future__ import annotations

import hmac
from functools import partial

import orjson
from quart import Blueprint, Response, request

from mentor.actors.ownership import INTERNAL_HEADER, decode_message, internal_token
from mentor.errors import Problem, ProblemCode
from mentor.http.requests import runtime

bp = Blueprint("internal", __name__)


@bp.post("/internal/ask")
async def ask() -> Response:
    rt = runtime()
    if rt.ownership is None or not hmac.compare_digest(request.headers.get(INTERNAL_HEADER, ""),
                                                       internal_token(rt.settings)):
        raise Problem(ProblemCode.NOT_FOUND, "no such route")
    body = await request.get_data(cache=False, as_text=False)
    if len(body) > rt.settings.max_body_bytes:
        raise Problem(ProblemCode.REQUEST_ENTITY_TOO_LARGE, "forwarded command too large")
    session_id, message, key = decode_message(body)
    if key:
        value = await rt.ownership.replies.run(key, partial(rt.supervisor.ask, session_id, message, forwarded=True))
    else:  # a peer of an older version
        value = await rt.supervisor.ask(session_id, message, forwarded=True)
    return Response(orjson.dumps({"value": value}), content_type="application/json")
