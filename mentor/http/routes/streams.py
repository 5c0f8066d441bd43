"""GET /sessions/{id}/events: the session's events as Server-Sent Events.

Servers run this route through ``sse_fast_path`` (plain ASGI, no Quart request per stream: ~11 KiB less
per idle subscriber); the Quart route below documents it in /openapi.json and serves it wherever the
app runs without that wrapper. Both are built from the same two helpers.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator

from quart import Blueprint, Response, request
from quart_schema import tag

from mentor.actors.subscribers import Subscription
from mentor.events import Event, EventType
from mentor.http.relay import parse_last_event_id, relay, subscribe
from mentor.http.requests import authenticate_until, runtime
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


async def sse_chunks(rt: Runtime, session_id: str, sub: Subscription, after: int | None,
                     expires_at: float) -> AsyncGenerator[bytes, None]:
    """The stream's bytes. It ends at the first event or heartbeat after its token expires (so within
    ``heartbeat_s``): a lapsed login does not keep watching."""
    yield f"retry: {rt.settings.sse_retry_ms}\n\n".encode()
    batches = relay(rt, session_id, sub, after)
    try:
        async for batch in batches:
            if time.time() >= expires_at:
                yield Event.control(session_id, EventType.TOKEN_EXPIRED,
                                    {"reason": "the access token expired; reconnect with a fresh one"}).sse
                return
            yield _encode(batch)  # no local keeps the chunk: an idle stream holds no old data while it waits
    finally:
        await batches.aclose()  # now, not at garbage collection: the subscriber leaves its actor at once


def _encode(batch: list[Event]) -> bytes:
    """Everything queued as one chunk (one write instead of one per event); the batch is emptied so its
    events and their cached encodings can go."""
    chunk = b"".join(e.sse for e in batch)
    batch.clear()
    return chunk


@bp.get("/sessions/<session_id>/events")
@tag(["events"])
async def events(session_id: str) -> Response:
    """Live events; reconnect with ``Last-Event-ID`` (or ``?last_event_id=`` on a first connect) to get
    exactly what was missed. Answers 204 when the session has ended and nothing is left to send, which
    tells EventSource to stop reconnecting. Auth: Bearer header, ``?token=`` or the access-token cookie."""
    rt = runtime()
    user_id, expires_at = authenticate_until(for_stream=True)
    after = parse_last_event_id(request.headers.get("Last-Event-ID"), request.args.get("last_event_id"))
    sub = await open_stream(rt, session_id, user_id, after)
    if sub is None:
        return Response(b"", status=204)
    response = Response(sse_chunks(rt, session_id, sub, after, expires_at), content_type="text/event-stream",
                        headers=SSE_HEADERS)
    response.timeout = None  # Quart's RESPONSE_TIMEOUT would silently cut long streams
    return response
