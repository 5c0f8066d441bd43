"""The live web console: GET / serves index.html, /static/... its modules and stylesheet.

Plain files, no build step. Responses carry a Content-Security-Policy that allows only this origin (no
inline script, no CDN, no framing by other sites) and cache headers: the index is always revalidated,
the other files are cached briefly and revalidated by ETag (they are not fingerprinted).
"""

from __future__ import annotations

from pathlib import Path

from quart import Blueprint, Response, request, send_from_directory

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
STATIC_CACHE = "public, max-age=300, must-revalidate"

bp = Blueprint("console", __name__)


@bp.get("/")
async def index() -> Response:
    return await send_from_directory(STATIC_DIR, "index.html")


@bp.get("/static/<path:filename>")
async def static_file(filename: str) -> Response:
    return await send_from_directory(STATIC_DIR, filename)  # refuses paths that leave STATIC_DIR (404)


@bp.after_app_request
async def _console_headers(response: Response) -> Response:
    if request.endpoint in ("console.index", "console.static_file"):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-cache" if request.endpoint == "console.index" else STATIC_CACHE
    return response
