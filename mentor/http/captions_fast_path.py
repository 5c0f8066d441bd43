"""Serve ``POST /sessions/{id}/captions`` as plain ASGI in front of the Quart app.

It is the request clients send most (the extension posts every caption revision). Through Quart each one
is a request context, a body-pump task, routing, before- and after-request hooks and a Response object;
here it is one ASGI call that reads the body, asks the session's actor and writes the JSON reply. The
rules are the Quart route's, in the same order: token (``Authorization`` only: a cross-site form can
change nothing) and role, then ``application/json``, ``max_body_bytes`` within ``body_timeout_s``, then
``parse_captions``. The Quart route (``routes/sessions.add_captions``) stays: it documents the route in
/openapi.json and serves it wherever the app runs without this wrapper.
"""

from __future__ import annotations

import re

import trio
from hypercorn.typing import ASGIFramework, ASGIReceiveCallable, ASGISendCallable, HTTPScope, Scope

from mentor.actors.messages import AddCaptions
from mentor.errors import Problem, ProblemCode
from mentor.events import dumps
from mentor.http.captions_input import parse_captions
from mentor.http.problems import as_problem, asgi_problem
from mentor.http.requests import access_token, body_too_large, not_json, parse_json
from mentor.runtime import Runtime
from mentor.sharing import Action

CAPTIONS_PATH = re.compile(r"/sessions/([^/]+)/captions")
JSON_HEADERS = [(b"content-type", b"application/json"), (b"x-content-type-options", b"nosniff")]


class ClientLeft(Exception):
    """The client disconnected before its body arrived: there is no one to answer."""


class CaptionsFastPath:
    def __init__(self, app: ASGIFramework, rt: Runtime) -> None:
        self.app = app
        self.rt = rt

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" \
                or (match := CAPTIONS_PATH.fullmatch(scope["path"])) is None:
            await self.app(scope, receive, send)
            return
        headers = JSON_HEADERS
        try:
            status, body = 200, dumps({"results": await self._add(match.group(1), scope, receive)}).encode()
        except ClientLeft:
            return
        except Exception as exc:  # noqa: BLE001 - as_problem logs a bug; the client gets problem+json either way
            status, headers, body = asgi_problem(as_problem(exc, "adding captions"))
        await send({"type": "http.response.start", "status": status, "trailers": False,
                    "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    async def _add(self, session_id: str, scope: HTTPScope, receive: ASGIReceiveCallable) -> object:
        """The actor's per-caption results; raises Problem 401/403/404 (token, role, session), 415/413/408/400
        (body), 422 (captions), having changed nothing."""
        rt = self.rt
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        principal = rt.grants.authorize(access_token(headers.get("authorization", "")), session_id, Action.WRITE)
        if not principal.is_share:  # an account or device token: its user and login must still be active
            await rt.accounts.ensure_active(principal.user_id, principal.grant_id)
        await rt.grants.seen(principal)
        if headers.get("content-type", "").partition(";")[0].strip().lower() != "application/json":
            raise not_json()
        raw = await _read_body(receive, headers.get("content-length"), rt.settings.max_body_bytes,
                               rt.settings.body_timeout_s)
        captions = parse_captions(parse_json(raw, "the body"), rt.settings.caption_batch_max,
                                  rt.settings.caption_max_chars)
        return await rt.supervisor.ask(session_id, AddCaptions(user_id=principal.user_id, captions=captions))


async def _read_body(receive: ASGIReceiveCallable, content_length: str | None, limit: int, timeout_s: float) -> bytes:
    too_large = body_too_large(limit)
    if content_length is not None and content_length.isdigit() and int(content_length) > limit:
        raise too_large  # refused before reading it
    chunks: list[bytes] = []
    size = 0
    with trio.move_on_after(timeout_s):
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise ClientLeft
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)
    raise Problem(ProblemCode.REQUEST_TIMEOUT, f"the body did not arrive within {timeout_s:g} s")
