"""GET /sessions/{id}/events: the session's events as Server-Sent Events."""

from __future__ import annotations

from collections.abc import AsyncIterator

from quart import Blueprint, Response, request
from quart_schema import tag

from mentor.http.relay import parse_last_event_id, relay, subscribe
from mentor.http.requests import authenticate, runtime

bp = Blueprint("streams", __name__)


@bp.get("/sessions/<session_id>/events")
@tag(["events"])
async def events(session_id: str) -> Response:
    """Live events; reconnect with ``Last-Event-ID`` (or ``?last_event_id=`` on a first connect) to get
    exactly what was missed. Answers 204 when the session has ended and nothing is left to send, which
    tells EventSource to stop reconnecting."""
    user_id = authenticate(for_stream=True)
    raw = request.headers.get("Last-Event-ID")
    after = parse_last_event_id(raw if raw is not None else request.args.get("last_event_id"))
    sub = await subscribe(session_id, user_id, after)
    if sub.ended and not sub.reset and after is not None and after >= sub.head:
        sub.subscriber.leave()
        return Response(b"", status=204)
    rt = runtime()
    retry = f"retry: {rt.settings.sse_retry_ms}\n\n".encode()

    async def stream() -> AsyncIterator[bytes]:
        yield retry
        async for batch in relay(rt, session_id, sub, after):
            # Everything queued goes out as one chunk: one write instead of one per event.
            chunk = b"".join(e.sse for e in batch)
            del batch  # an idle stream keeps neither the events nor their encodings alive
            yield chunk

    response = Response(stream(), content_type="text/event-stream", headers={
        "Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    response.timeout = None  # Quart's RESPONSE_TIMEOUT would silently cut long streams
    return response
