"""What every request passes before any route sees it: a request id, one access-log line, the rule on
NUL characters, and the answer while the server is shutting down.

- **Request id**: the client's ``X-Request-Id`` when it is short and plain, else a new one; echoed in the
  response and logged, so a client's report can be matched to the log.
- **Access log** (logger ``mentor.access``, INFO): method, path, query with credentials redacted, status,
  duration, request id, one line per request when its response ends (a stream's line comes when the
  stream ends). Tokens never reach it: ``token``-like query values are replaced, headers are not logged.
- **NUL**: PostgreSQL cannot store U+0000 in text and failed with a 500 where SQLite answered 4xx. One
  rule for both stores: a NUL in the path or query is refused here (400), in a JSON string by
  ``requests.parse_json`` (422).
- **Shutdown**: once SIGTERM/SIGINT arrived, the listener is closed (new connections are refused) and a
  request on a connection that was already open gets ``503`` with ``Connection: close``.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable
from urllib.parse import parse_qsl, unquote, urlencode

from hypercorn.typing import (
    ASGIFramework,
    ASGIReceiveCallable,
    ASGISendCallable,
    ASGISendEvent,
    HTTPScope,
    Scope,
    WebsocketScope,
)

from mentor.errors import Problem, ProblemCode
from mentor.http.problems import asgi_problem
from mentor.http.response_finish import send_last
from mentor.runtime import Runtime

access_log = logging.getLogger("mentor.access")

_CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_SECRET_PARAMS = frozenset({"token", "access_token", "refresh_token", "password", "key", "api_key"})


def loggable_path(path: str, query_string: bytes) -> str:
    """The path with its query, credential values replaced by ``[redacted]``."""
    if not query_string:
        return path
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    safe = [(k, "[redacted]" if k.lower() in _SECRET_PARAMS else v) for k, v in pairs]
    return f"{path}?{urlencode(safe)}"


def _request_id(scope: HTTPScope | WebsocketScope) -> str:
    for name, value in scope["headers"]:
        if name.lower() == b"x-request-id":
            candidate = str(value.decode("latin-1"))
            if _CLIENT_ID.fullmatch(candidate):
                return candidate
    return uuid.uuid4().hex[:16]


class FrontDoor:
    def __init__(self, app: ASGIFramework, rt: Runtime) -> None:
        self.app = app
        self.rt = rt

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        await self._handle(scope, receive, send)

    async def _handle(self, scope: HTTPScope | WebsocketScope, receive: ASGIReceiveCallable,
                      send: ASGISendCallable) -> None:
        started = time.perf_counter()
        request_id = _request_id(scope)
        status = 0
        logged = False

        def log_once() -> None:
            nonlocal logged
            if not logged:
                logged = True
                access_log.info("%s %s %s %.1fms rid=%s", scope["method"] if scope["type"] == "http" else "WS",
                                loggable_path(scope["path"].replace("\x00", "\\0"), scope["query_string"]),
                                status or "-", (time.perf_counter() - started) * 1000, request_id)

        def logging_send(message: ASGISendEvent) -> Awaitable[None]:
            # Not a coroutine: the inner send's awaitable is handed back, so each write of a long stream
            # costs no extra coroutine frame here (a stream writes thousands of chunks).
            nonlocal status
            if message["type"] == "http.response.start" or message["type"] == "websocket.http.response.start":
                status = int(message["status"])
                extra = [(b"x-request-id", request_id.encode())]
                message = {**message, "headers": [*message.get("headers", ()), *extra]}  # type: ignore[typeddict-item]
            elif message["type"] == "websocket.accept":
                status = 101
            elif message["type"] == "websocket.close" and status == 0:
                status = 403  # closed before the handshake was accepted
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                log_once()  # before the last write: by the time a client has its answer, the line is there
            return send(message)

        try:
            problem = self._refusal(scope)
            if problem is not None and scope["type"] == "http":
                status_code, headers, body = asgi_problem(problem)
                await logging_send({"type": "http.response.start", "status": status_code, "trailers": False,
                                    "headers": [*headers, (b"connection", b"close")]})
                await send_last(logging_send, {"type": "http.response.body", "body": body, "more_body": False},
                                self.rt.settings.response_finish_timeout_s)  # (FrontDoor is outside ResponseFinisher)
            elif problem is not None:
                await logging_send({"type": "websocket.close", "code": 1008, "reason": ""})
            else:
                await self.app(scope, receive, logging_send)
        finally:
            log_once()

    def _refusal(self, scope: HTTPScope | WebsocketScope) -> Problem | None:
        if self.rt.supervisor.closing:
            return Problem(ProblemCode.UNAVAILABLE, "the server is shutting down; retry on a new connection")
        if "\x00" in scope["path"] or "\x00" in unquote(scope["query_string"].decode("latin-1")):
            return Problem(ProblemCode.BAD_REQUEST, "NUL characters are not allowed in the path or query")
        return None
