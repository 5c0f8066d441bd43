"""What every route needs from a request: the runtime, the authenticated user, a validated body."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from quart import Response, current_app, has_websocket_context, request, websocket

from mentor.auth import unauthorized
from mentor.errors import Problem, ProblemCode
from mentor.events import dumps
from mentor.http.models import error_list
from mentor.runtime import Runtime

M = TypeVar("M", bound=BaseModel)

ACCESS_COOKIE = "mentor_access_token"


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions["mentor"]
    return rt


def authenticate(*, for_stream: bool = False) -> str:
    """The user id from ``Authorization: Bearer``; streams (EventSource, WebSocket cannot set headers in
    browsers) also accept the ``token`` query parameter and the access-token cookie. Raises Problem(401).

    Query and cookie tokens are accepted only on read-only streams, so a forged cross-site form or link can
    never change anything.
    """
    return authenticate_until(for_stream=for_stream)[0]


def authenticate_until(*, for_stream: bool = False) -> tuple[str, float]:
    """``authenticate`` plus the token's expiry (UNIX time), for streams that must end with their token."""
    req = websocket if has_websocket_context() else request
    stream_token = (req.args.get("token", "") or req.cookies.get(ACCESS_COOKIE, "")) if for_stream else ""
    token = access_token(req.headers.get("Authorization", ""), stream_token)
    return runtime().accounts.tokens.verify_until(token)


async def check_token_holder() -> None:
    """Before every request: a validly signed token whose user no longer exists, or whose login was
    revoked, is refused with 401 (routes then read the user id from it synchronously). Requests without a
    token, or with an invalid one, pass here: the route decides (public routes need none; ``authenticate``
    refuses the rest)."""
    req = websocket if has_websocket_context() else request
    for_stream = req.path.endswith(("/events", "/ws"))
    stream_token = (req.args.get("token", "") or req.cookies.get(ACCESS_COOKIE, "")) if for_stream else ""
    try:
        token = access_token(req.headers.get("Authorization", ""), stream_token)
        user_id, _, login_id = runtime().accounts.tokens.verify_claims(token)
    except Problem:
        return
    await runtime().accounts.ensure_active(user_id, login_id)


def access_token(authorization: str, stream_token: str = "") -> str:
    """The token from an ``Authorization: Bearer`` header, else ``stream_token`` (query or cookie, which only
    streams pass). Raises Problem(401) for a malformed header or no token at all."""
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise unauthorized("the Authorization header must be 'Bearer <token>'")
        return value.strip()
    if not stream_token:
        raise unauthorized("an access token is required")
    return stream_token


async def body(model: type[M]) -> M:
    """The request's JSON body validated against ``model``; raises Problem(415/413/400/422)."""
    return validate(model, await json_body())


def validate(model: type[M], data: Any) -> M:
    """``data`` as ``model``; raises Problem 422. A string holding U+0000 anywhere is refused too, after the
    model's own checks (which name the field where they can): PostgreSQL cannot store NUL and answered 500
    where SQLite stored it. One rule for both stores, so both answer alike."""
    try:
        value = model.model_validate(data)
    except ValidationError as exc:
        raise Problem(ProblemCode.INVALID_BODY, "the request body does not match the schema",
                      errors=error_list(exc.errors())) from None
    if _has_nul(data):
        raise Problem(ProblemCode.INVALID_BODY, "the body holds a NUL character (\\u0000), which is not allowed")
    return value


def not_json() -> Problem:
    return Problem(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json")


def body_too_large(limit: int) -> Problem:
    return Problem(ProblemCode.REQUEST_ENTITY_TOO_LARGE, f"JSON bodies are limited to {limit} bytes")


async def json_body() -> Any:
    """The parsed JSON body; raises Problem 415 (not JSON), 413 (over ``max_body_bytes``), 400 (malformed)."""
    if request.mimetype != "application/json":
        raise not_json()
    limit = runtime().settings.max_body_bytes
    too_large = body_too_large(limit)
    if request.content_length is not None and request.content_length > limit:
        raise too_large  # refused before reading it
    raw = await request.get_data(as_text=False)
    if len(raw) > limit:
        raise too_large
    return parse_json(raw, "the body")


def parse_json(raw: str | bytes, what: str) -> Any:
    """JSON from a client; raises Problem 400 for malformed or too deeply nested input (``[`` x 100,000
    exhausts the parser's recursion limit: a client error, not a server one)."""
    try:
        return orjson.loads(raw)  # the common case, several times faster than json
    except orjson.JSONDecodeError:
        pass  # json decides what is wrong, and takes what orjson refuses but the models judge (NaN, big ints)
    try:
        data = json.loads(raw)
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise Problem(ProblemCode.INVALID_JSON, f"{what} is not valid JSON: {exc}") from None
    except RecursionError:
        raise Problem(ProblemCode.INVALID_JSON, f"{what} is nested too deeply") from None
    return data


def _has_nul(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def json_response(data: Any, status: int = 200) -> Response:
    return Response(dumps(data), status=status, content_type="application/json")


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]; raises Problem(400)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Problem(ProblemCode.INVALID_QUERY, f"{name} must be an integer") from None
    if not low <= value <= high:
        raise Problem(ProblemCode.INVALID_QUERY, f"{name} must be between {low} and {high}")
    return value
