"""GET /sessions/{id}/events: the session's events as Server-Sent Events.

Servers run this route through ``sse_fast_path`` (plain ASGI, no Quart request per stream: ~11 KiB less
per idle subscriber); the Quart route below documents it in /openapi.json and serves it wherever the
app runs without that wrapper. Both relay ``mentor.actors.streams.subscribe`` through ``sse_chunks``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable
from contextlib import AsyncExitStack, aclosing
from functools import partial

from quart import Blueprint, Response, request
from quart_schema import tag

from mentor.actors import metrics
from mentor.actors.streams import EventStream, parse_last_event_id, subscribe
from mentor.events import Event, EventType
from mentor.http.access import authorize, wants_presence
from mentor.http.requests import runtime
from mentor.sharing import Action

bp = Blueprint("streams", __name__)

SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no", "X-Content-Type-Options": "nosniff"}


async def sse_chunks(stream: EventStream, retry_ms: int, expires_at: float,
                     live: Callable[[], bool] = lambda: True) -> AsyncGenerator[bytes, None]:
    """The stream's bytes. It ends at the first event or heartbeat after its token expires, or after
    ``live()`` turns False (its device or share was revoked): so within ``heartbeat_s`` either way."""
    yield f"retry: {retry_ms}\n\n".encode()
    async for batch in stream:
        if not live():
            yield Event.control(stream.session_id, EventType.ACCESS_REVOKED,
                                {"reason": "access was revoked by the account owner"}).sse
            return
        if time.time() >= expires_at:
            yield Event.control(stream.session_id, EventType.TOKEN_EXPIRED,
                                {"reason": "the access token expired; reconnect with a fresh one"}).sse
            return
        # metrics on: the write's oldest event, observed once the write returned (0.0: nothing to observe)
        made_at = metrics.first_live_at(batch, stream.sub.head) if metrics.observing else 0.0
        yield _encode(batch)  # no local keeps the chunk: an idle stream holds no old data while it waits
        if made_at:
            metrics.written(made_at)


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
    principal = await authorize(session_id, Action.READ, for_stream=True)
    after = parse_last_event_id(request.headers.get("Last-Event-ID"), request.args.get("last_event_id"))
    held = AsyncExitStack()  # the subscription outlives this handler: body() leaves it
    stream = await held.enter_async_context(subscribe(rt.supervisor, rt.reader, session_id, principal.user_id,
                                                      after, principal.watcher(), wants_presence(request.args)))
    if stream.caught_up_and_ended:
        await held.aclose()
        return Response(b"", status=204)

    async def body() -> AsyncGenerator[bytes, None]:
        async with held, aclosing(sse_chunks(stream, rt.settings.sse_retry_ms, principal.expires_at,
                                             partial(rt.grants.is_live, principal))) as chunks:
            async for chunk in chunks:
                yield chunk

    response = Response(body(), content_type="text/event-stream", headers=SSE_HEADERS)
    response.timeout = None  # Quart's RESPONSE_TIMEOUT would silently cut long streams
    return response
