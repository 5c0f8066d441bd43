"""Share links: one session, one role (viewer or coach), an expiry; listed and revocable by the owner."""

from __future__ import annotations

from urllib.parse import quote

from quart import Blueprint, Response, request
from quart_schema import document_request, tag

from mentor.actors.messages import GetSession
from mentor.http.access import authorize
from mentor.http.models import ShareCreate, ShareOpen
from mentor.http.requests import body, json_response, runtime
from mentor.sharing import Action

bp = Blueprint("shares", __name__)


@bp.post("/sessions/<session_id>/shares")
@document_request(ShareCreate)
@tag(["shares"])
async def create_share(session_id: str) -> Response:
    """A share link. ``token`` (and the ``url`` that carries it) is shown only in this answer."""
    principal = await authorize(session_id, Action.SHARE)
    data = await body(ShareCreate)
    rt = runtime()
    await rt.supervisor.ask(session_id, GetSession(user_id=principal.user_id))  # exists and is the user's
    share = await rt.grants.create_share(principal.user_id, session_id, data.role, data.expires_in_s, data.label)
    return json_response({**share, "url": f"{request.host_url}#share={quote(share['token'])}"}, 201)


@bp.get("/sessions/<session_id>/shares")
@tag(["shares"])
async def list_shares(session_id: str) -> Response:
    """The session's live shares (not revoked, not expired); never their tokens."""
    principal = await authorize(session_id, Action.SHARE)
    rt = runtime()
    await rt.supervisor.ask(session_id, GetSession(user_id=principal.user_id))
    return json_response({"shares": await rt.grants.list_shares(session_id)})


@bp.delete("/sessions/<session_id>/shares/<share_id>")
@tag(["shares"])
async def revoke_share(session_id: str, share_id: str) -> Response:
    """Revoke a share: its link stops working at once, its streams end within ``heartbeat_s``."""
    principal = await authorize(session_id, Action.SHARE)
    rt = runtime()
    await rt.supervisor.ask(session_id, GetSession(user_id=principal.user_id))
    await rt.grants.revoke_share(session_id, share_id)
    return Response(b"", status=204)


@bp.post("/auth/share")
@document_request(ShareOpen)
@tag(["shares"])
async def open_share() -> Response:
    """Trade a share link's token for a share access token (``typ: "share"``) that opens only that session,
    only for what its role allows, and lives ``access_token_ttl_s`` or until the share expires."""
    data = await body(ShareOpen)
    return json_response(await runtime().grants.open_share(data.token))
