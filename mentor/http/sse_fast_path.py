"""Serve ``GET /sessions/{id}/events`` as plain ASGI in front of the Quart app.

An SSE stream is long-lived and mostly idle. Through Quart each one holds a request context, a
response object and a nursery with two tasks; measured on hypercorn that is ~11 KiB per idle stream
and no CPU per write (hypercorn's own write path is the cost). Here a stream is one ASGI call plus one
task that notices the client leaving. Everything else goes to Quart unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from contextlib import aclosing
from functools import partial

import trio
from hypercorn.typing import (
    ASGIFramework,
    ASGIReceiveCallable,
    ASGISendCallable,
    ASGISendEvent,
    HTTPScope,
    Scope,
)

from mentor.actors.streams import parse_last_event_id, subscribe
from mentor.http.access import wants_presence
from mentor.http.asgi_request import query_args, stream_principal
from mentor.http.problems import as_problem, asgi_problem
from mentor.http.response_finish import has_body, send_last
from mentor.http.routes.streams import SSE_HEADERS, sse_chunks
from mentor.runtime import Runtime

EVENTS_PATH = re.compile(r"/sessions/([^/]+)/events")


class SSEFastPath:
    def __init__(self, app: ASGIFramework, rt: Runtime) -> None:
        self.app = app
        self.rt = rt

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") \
                or (match := EVENTS_PATH.fullmatch(scope["path"])) is None or has_body(scope):
            # (A GET with a body goes the long way, through ResponseFinisher, which closes its connection.)
            await self.app(scope, receive, send)
            return
        started = False
        finish_timeout_s = self.rt.settings.response_finish_timeout_s

        def tracking_send(message: ASGISendEvent) -> Awaitable[None]:  # no coroutine per chunk
            nonlocal started
            started = started or message["type"] == "http.response.start"
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                return send_last(send, message, finish_timeout_s)  # as ResponseFinisher does for the rest
            return send(message)

        try:
            await self._stream(match.group(1), scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise  # the stream was under way: nothing but closing it is left
            status, headers, body = asgi_problem(as_problem(exc, "on the event stream"))
            await tracking_send({"type": "http.response.start", "status": status, "headers": headers,
                                 "trailers": False})
            await tracking_send({"type": "http.response.body", "body": body, "more_body": False})

    async def _stream(self, session_id: str, scope: HTTPScope, receive: ASGIReceiveCallable,
                      send: ASGISendCallable) -> None:
        rt = self.rt
        query = query_args(scope)
        principal, headers = await stream_principal(rt, session_id, scope, query)
        after = parse_last_event_id(headers.get("last-event-id"), query.get("last_event_id"))
        presence = wants_presence(query)
        del headers  # not kept for the stream's life
        async with subscribe(rt.supervisor, rt.reader, session_id, principal.user_id, after,
                             principal.watcher(), presence) as stream:
            if stream.caught_up_and_ended:
                await send({"type": "http.response.start", "status": 204, "headers": [], "trailers": False})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send({"type": "http.response.start", "status": 200, "headers": STREAM_HEADERS,
                        "trailers": False})
            async with trio.open_nursery() as nursery:

                async def until_client_leaves() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    nursery.cancel_scope.cancel()

                nursery.start_soon(until_client_leaves)
                async with aclosing(sse_chunks(stream, rt.settings.sse_retry_ms, principal.expires_at,
                                               partial(rt.grants.is_live, principal))) as chunks:
                    async for chunk in chunks:
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                        del chunk  # not kept while waiting for the next
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                nursery.cancel_scope.cancel()


STREAM_HEADERS = [(k.lower().encode("latin-1"), v.encode("latin-1"))  # shared by every stream
                  for k, v in {"Content-Type": "text/event-stream", **SSE_HEADERS}.items()]

