"""Accounts: register, log in, refresh, log out, who am I."""

from __future__ import annotations

import contextlib
import time
from typing import Any

from quart import Blueprint, Response, request
from quart_schema import document_request, tag

from mentor.actors.messages import DeleteSession
from mentor.errors import Problem
from mentor.events import dumps
from mentor.http import quotas
from mentor.http.models import Credentials, RefreshBody
from mentor.http.requests import ACCESS_COOKIE, authenticate, body, runtime
from mentor.store import accounts, answers

bp = Blueprint("auth", __name__)


def _tokens(pair: dict[str, Any], status: int) -> Response:
    response = Response(dumps(pair), status=status, content_type="application/json")
    # For EventSource in the browser console: read-only streams also accept this cookie.
    response.set_cookie(ACCESS_COOKIE, pair["access_token"], max_age=pair["expires_in"], httponly=True,
                        samesite="Strict", path="/sessions")
    return response


@bp.post("/auth/register")
@document_request(Credentials)
@tag(["auth"])
async def register() -> Response:
    """Create an account; answers with an access token and a refresh token."""
    creds = await body(Credentials)
    pair = await runtime().accounts.register(creds.email, creds.password, request.remote_addr or "")
    return _tokens(pair.to_dict(), 201)


@bp.post("/auth/login")
@document_request(Credentials)
@tag(["auth"])
async def login() -> Response:
    creds = await body(Credentials)
    pair = await runtime().accounts.login(creds.email, creds.password)
    return _tokens(pair.to_dict(), 200)


@bp.post("/auth/refresh")
@document_request(RefreshBody)
@tag(["auth"])
async def refresh() -> Response:
    """Trade a refresh token (single use) for a new access token and a new refresh token."""
    data = await body(RefreshBody)
    pair = await runtime().accounts.refresh(data.refresh_token)
    return _tokens(pair.to_dict(), 200)


@bp.post("/auth/logout")
@document_request(RefreshBody)
@tag(["auth"])
async def logout() -> Response:
    """Revoke the refresh token and every token rotated from the same login."""
    data = await body(RefreshBody)
    await runtime().accounts.logout(data.refresh_token)
    response = Response(b"", status=204)
    response.delete_cookie(ACCESS_COOKIE, path="/sessions")
    return response


@bp.get("/users/me")
@tag(["auth"])
async def me() -> dict[str, Any]:
    return await runtime().accounts.user(authenticate())


@bp.delete("/users/me")
@tag(["auth"])
async def delete_me() -> Response:
    """Delete the account and everything it owns: sessions (their live streams end with
    ``session_deleted``), transcripts, answers, resumes, knowledge documents, logins. Every token of the
    account stops working. Irreversible."""
    user_id = authenticate()
    rt = runtime()
    for session_id in await rt.reader.read(accounts.session_ids_of, user_id):
        if rt.supervisor.is_live(session_id):
            with contextlib.suppress(Problem):  # already gone: the cascade below covers it
                await rt.supervisor.ask(session_id, DeleteSession(user_id=user_id))
    await rt.accounts.delete_user(user_id)
    response = Response(b"", status=204)
    response.delete_cookie(ACCESS_COOKIE, path="/sessions")
    return response


@bp.get("/users/me/usage")
@tag(["auth"])
async def usage() -> dict[str, Any]:
    """Answers and model tokens used in the last 30 days, and every quota with its use and limit (null:
    unlimited)."""
    user_id = authenticate()
    rt = runtime()
    since = time.time() - 30 * 86400
    return {"since": since, **await rt.reader.read(answers.usage, user_id, since),
            "quotas": await quotas.usage(rt, user_id)}
