"""What the plain-ASGI stream routes (``sse_fast_path``, ``ws_fast_path``) read from a request: its query,
and the principal its token grants on a session.

Streams take the token from ``Authorization: Bearer``, else ``?token=``, else the access-token cookie
(EventSource and browser WebSockets cannot set headers), the same rule as ``access.authorize``.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from hypercorn.typing import HTTPScope, WebsocketScope

from mentor.http.requests import ACCESS_COOKIE, access_token
from mentor.runtime import Runtime
from mentor.sharing import Action, Principal


def query_args(scope: HTTPScope | WebsocketScope) -> dict[str, str]:
    """The query string's first value per name (what Quart's ``request.args.get`` gives)."""
    return {k: v[0] for k, v in parse_qs(scope["query_string"].decode("latin-1")).items()}


async def stream_principal(rt: Runtime, session_id: str, scope: HTTPScope | WebsocketScope,
                           query: dict[str, str]) -> tuple[Principal, dict[str, str]]:
    """(who may read the session, the request's headers by lower-case name); raises Problem 401/403/404.
    An account or device token's user and login must still be active (what ``check_token_holder`` does
    for Quart routes)."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    stream_token = query.get("token", "") or _cookie(headers.get("cookie", ""), ACCESS_COOKIE)
    principal = rt.grants.authorize(access_token(headers.get("authorization", ""), stream_token),
                                    session_id, Action.READ)
    if not principal.is_share:
        await rt.accounts.ensure_active(principal.user_id, principal.grant_id)
    await rt.grants.seen(principal)
    return principal, headers


def _cookie(header: str, name: str) -> str:
    try:
        morsel = SimpleCookie(header).get(name)
    except CookieError:
        return ""
    return morsel.value if morsel is not None else ""
