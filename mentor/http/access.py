"""The session routes' and streams' side of authorisation: read the token, ask ``Grants.authorize``.

Account routes keep ``requests.authenticate`` (which refuses share tokens); everything under
``/sessions/{id}`` goes through ``authorize`` with the action it performs, so a share or a paired device
can do exactly what its role allows and nothing outside its session.
"""

from __future__ import annotations

from collections.abc import Mapping

from quart import has_websocket_context, request, websocket

from mentor.http.requests import ACCESS_COOKIE, access_token, runtime
from mentor.sharing import Action, Principal


def wants_presence(args: Mapping[str, str]) -> bool:
    """``?presence=true``: this stream also gets ``presence`` events (who else is watching)."""
    return args.get("presence", "false").lower() in {"1", "true", "yes"}


async def authorize(session_id: str | None, action: Action, *, for_stream: bool = False) -> Principal:
    """The principal allowed to do ``action`` to ``session_id``; raises Problem 401/403/404.

    Streams (EventSource and browser WebSockets cannot set headers) also take ``?token=`` and the
    access-token cookie; other routes only the ``Authorization`` header, so a forged cross-site form
    or link can never change anything."""
    req = websocket if has_websocket_context() else request
    stream_token = (req.args.get("token", "") or req.cookies.get(ACCESS_COOKIE, "")) if for_stream else ""
    token = access_token(req.headers.get("Authorization", ""), stream_token)
    grants = runtime().grants
    principal = grants.authorize(token, session_id, action)
    await grants.seen(principal)
    return principal
