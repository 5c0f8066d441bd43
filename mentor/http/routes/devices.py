"""Paired devices: show a pairing code (and its QR), trade it for a device's own tokens, list, revoke."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import segno
from quart import Blueprint, Response, request
from quart_schema import document_request, tag

from mentor.http.access import authorize
from mentor.http.models import PairingRedeem
from mentor.http.requests import ACCESS_COOKIE, body, json_response, runtime
from mentor.sharing import Action

bp = Blueprint("devices", __name__)


@bp.post("/users/me/devices/pairing")
@tag(["devices"])
async def start_pairing() -> Response:
    """A one-time pairing code (lives ``pairing_code_ttl_s``, ≤ 2 minutes), the console URL that redeems
    it, and that URL as a QR code (an SVG data URI) for a phone to scan."""
    principal = await authorize(None, Action.SHARE)
    pairing = await runtime().grants.start_pairing(principal.user_id)
    url = f"{request.host_url}#pair={quote(pairing['code'])}"
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    return json_response({**pairing, "url": url, "qr": qr}, 201)


@bp.post("/auth/pair")
@document_request(PairingRedeem)
@tag(["devices"])
async def redeem_pairing() -> Response:
    """Trade a pairing code (once, before it expires) for a new device's tokens: an access token and a
    refresh token of the device's own family. Wrong codes count against ``login_max_failures`` per address."""
    data = await body(PairingRedeem)
    pair, device = await runtime().grants.redeem_pairing(data.code, data.name, request.remote_addr or "")
    response = json_response({**pair.to_dict(), "device": device}, 201)
    # As at login: the console's EventSource (read-only streams) also takes this cookie.
    response.set_cookie(ACCESS_COOKIE, pair.access_token, max_age=pair.expires_in, httponly=True,
                        samesite="Strict", path="/sessions")
    return response


@bp.get("/users/me/devices")
@tag(["devices"])
async def list_devices() -> dict[str, Any]:
    principal = await authorize(None, Action.SHARE)
    return {"devices": await runtime().grants.list_devices(principal.user_id)}


@bp.delete("/users/me/devices/<device_id>")
@tag(["devices"])
async def revoke_device(device_id: str) -> Response:
    """Revoke a device: its refresh tokens stop working at once, its streams end within ``heartbeat_s``."""
    principal = await authorize(None, Action.SHARE)
    await runtime().grants.revoke_device(principal.user_id, device_id)
    return Response(b"", status=204)
