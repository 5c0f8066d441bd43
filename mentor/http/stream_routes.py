"""GET /sessions/{id}/events: the session's events as Server-Sent Events.

Servers run this route through ``sse_fast_path`` (plain ASGI, no Quart request per stream: ~11 KiB less
per idle subscriber); the Quart route below documents it in /openapi.json and serves it wherever the
app runs without that wrapper. Both are built from the same two helpers.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from quart import Blueprint, Response, request
from quart_schema import tag

from mentor.actors.subscribers import Subscription
from mentor.http.relay import parse_last_event_id, relay, subscribe
from mentor.http.requests import authenticate, runtime
from mentor.runtime import Runtime

bp = Blueprint("streams", __name__)

SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no", "X-Content-Type-Options": "nosniff"}


async def open_stream(rt: Runtime, session_id: str, user_id: str, after: int | None) -> Subscription | None:
    """The subscription to relay, or None when the session has ended and the client has everything (answer
    204, which tells EventSource to stop reconnecting). Raises Problem (404, 503)."""
    sub = await subscribe(rt, session_id, user_id, after)
    if sub.ended and not sub.reset and after is not None and after >= sub.head:
        sub.subscriber.leave()
        return None
    return sub


async def sse_chunks(rt: Runtime, session_id: str, sub: Subscription,
                     after: int | None) -> AsyncGenerator[bytes, None]:
    yield f"retry: {rt.settings.sse_retry_ms}\n\n".encode()
    async with aclosing(relay(rt, session_id, sub, after)) as batches:  # closed now, not at GC: leaves the actor
        async for batch in batches:
            # Everything queued goes out as one chunk: one write instead of one per event.
            chunk = b"".join(e.sse for e in batch)
            del batch  # an idle stream keeps neither the events nor their encodings alive
            yield chunk


@bp.get("/sessions/<session_id>/events")
@tag(["events"])
async def events(session_id: str) -> Response:
    """Live events; reconnect with ``Last-Event-ID`` (or ``?last_event_id=`` on a first connect) to get
    exactly what was missed. Answers 204 when the session has ended and nothing is left to send, which
    tells EventSource to stop reconnecting. Auth: Bearer header, ``?token=`` or the access-token cookie."""
    rt = runtime()
    user_id = authenticate(for_stream=True)
    raw = request.headers.get("Last-Event-ID")
    after = parse_last_event_id(raw if raw is not None else request.args.get("last_event_id"))
    sub = await open_stream(rt, session_id, user_id, after)
    if sub is None:
        return Response(b"", status=204)
    response = Response(sse_chunks(rt, session_id, sub, after), content_type="text/event-stream",
                        headers=SSE_HEADERS)
    response.timeout = None  # Quart's RESPONSE_TIMEOUT would silently cut long streams
    return response
