"""Every error leaves as application/problem+json (RFC 9457)."""

from __future__ import annotations

import logging

from quart import Quart, Response
from werkzeug.exceptions import HTTPException

from mentor.errors import Problem, ProblemCode
from mentor.events import dumps

log = logging.getLogger(__name__)

# Errors Quart and werkzeug raise before a route runs (unknown path, wrong method, body too large or too
# slow, undecodable form), by status. Any other status becomes bad_request or internal_error, so a client
# only ever sees codes of ProblemCode.
_HTTP_CODES = {400: ProblemCode.BAD_REQUEST, 404: ProblemCode.NOT_FOUND, 405: ProblemCode.METHOD_NOT_ALLOWED,
               408: ProblemCode.REQUEST_TIMEOUT, 413: ProblemCode.REQUEST_ENTITY_TOO_LARGE}


def problem_body(problem: Problem) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a problem, for Quart responses and plain ASGI alike."""
    headers = {"Content-Type": "application/problem+json"}
    if problem.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="mentor"'
    if "retry_after_s" in problem.extra:
        headers["Retry-After"] = str(problem.extra["retry_after_s"])
    if problem.status == 413:
        # The unread body is still on the wire: this connection cannot carry another request.
        headers["Connection"] = "close"
    return problem.status, headers, dumps(problem.to_dict()).encode()


def asgi_problem(problem: Problem) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """``problem_body`` with its headers as plain ASGI wants them (lower-case bytes)."""
    status, headers, body = problem_body(problem)
    return status, [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()], body


def as_problem(exc: Exception, where: str) -> Problem:
    """``exc`` when it is a Problem; anything else is a bug: logged (``where`` it happened) and answered as
    ``internal_error``, so a client gets problem+json, never a bare 500."""
    if isinstance(exc, Problem):
        return exc
    log.exception("unhandled error %s", where)
    return Problem(ProblemCode.INTERNAL_ERROR, "an unexpected error occurred; it was logged")


def problem_response(problem: Problem) -> Response:
    status, headers, body = problem_body(problem)
    return Response(body, status=status, headers=headers)


def install(app: Quart) -> None:
    @app.errorhandler(Problem)
    async def _problem(problem: Problem) -> Response:
        return problem_response(problem)

    @app.errorhandler(HTTPException)
    async def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        code = _HTTP_CODES.get(status, ProblemCode.BAD_REQUEST if status < 500 else ProblemCode.INTERNAL_ERROR)
        return problem_response(Problem(code, exc.description or exc.name or "error"))

    @app.errorhandler(Exception)
    async def _unexpected(exc: Exception) -> Response:
        return problem_response(as_problem(exc, "in a route"))
