"""/sessions/{id}/ws, served as plain ASGI in front of the Quart app: the same events as SSE, plus control
messages from the client.

Quart would add a request context, a receive queue and a pump task per socket: one more task wake-up
for every message a client sends (a caption producer sends one per caption). Here a socket is the ASGI
call plus three tasks (send, events, commands), two for a producer-only socket (its acks are written by the
command task itself, its heartbeats by the events task); everything else goes to Quart unchanged.

Client -> server: ``{"id": "<correlation id>", "type": "<kind>", ...}`` with kind one of caption, captions,
ask, regenerate, pause, resume, end, mark, hint, ping; each kind needs its action in the token's role
(``mentor.sharing.ALLOWED``: a viewer may only ping, a coach also ask and hint), else a ``forbidden`` error. Each gets ``{"type": "ack", "id": ..., "result": ...}`` or
``{"type": "error", "id": ..., "status": ..., "code": ..., "detail": ...}``; a malformed message gets an
error and the connection stays up. Server -> client events: ``{"type": "event", "id": <seq>, "event":
<type>, "data": {...}}``.
"""

from __future__ import annotations

import logging
import re
import time
from contextlib import AsyncExitStack
from typing import Any

import trio
from hypercorn.typing import ASGIFramework, ASGIReceiveCallable, ASGISendCallable, Scope, WebsocketScope
from pydantic import ValidationError

from mentor.actors import metrics
from mentor.actors.messages import (
    AddCaptions,
    AskQuestion,
    EndSession,
    GetSession,
    MarkQuestion,
    Message,
    Regenerate,
    SendHint,
    SetAutoAnswer,
)
from mentor.actors.streams import EventStream, parse_last_event_id, subscribe
from mentor.errors import Problem, ProblemCode
from mentor.events import Event, dumps
from mentor.http.access import wants_presence
from mentor.http.asgi_request import query_args, stream_principal
from mentor.http.captions_input import parse_captions
from mentor.http.models import HintBody, MarkBody, QuestionAsk, RegenerateBody, error_list
from mentor.http.problems import as_problem, asgi_problem
from mentor.http.requests import parse_json
from mentor.runtime import Runtime
from mentor.settings import Settings
from mentor.sharing import ALLOWED, Action, Principal

log = logging.getLogger(__name__)

SOCKET_PATH = re.compile(r"/sessions/([^/]+)/ws")

MAX_CORRELATION_ID = 128


def _error(corr: Any, problem: Problem) -> str:
    return dumps({**problem.extra, "type": "error", "id": corr, "status": problem.status, "code": problem.code,
                  "detail": problem.detail})


KIND_ACTION = {"caption": Action.WRITE, "captions": Action.WRITE, "regenerate": Action.WRITE,
               "pause": Action.WRITE, "resume": Action.WRITE, "end": Action.WRITE, "ask": Action.ASK,
               "hint": Action.HINT, "mark": Action.MARK}
KINDS = "caption, captions, ask, regenerate, pause, resume, end, mark, hint, ping"


def _to_message(settings: Settings, principal: Principal, kind: str, data: dict[str, Any]) -> Message[Any]:
    """Translate one client message into an actor message; raises Problem for anything malformed (400/422)
    or not allowed to the principal's role (403), having sent nothing."""
    action = KIND_ACTION.get(kind)
    if action is None:
        raise Problem(ProblemCode.UNKNOWN_TYPE, f"type must be one of {KINDS}")
    if action not in ALLOWED[principal.role]:
        raise Problem(ProblemCode.FORBIDDEN, f"a {principal.role.value} may not {action.value} in this session")
    user_id = principal.user_id
    try:
        match kind:
            case "caption":
                caps = parse_captions(data.get("caption"), settings.caption_batch_max, settings.caption_max_chars)
                return AddCaptions(user_id=user_id, captions=caps)
            case "captions":
                caps = parse_captions(data.get("captions"), settings.caption_batch_max, settings.caption_max_chars)
                return AddCaptions(user_id=user_id, captions=caps)
            case "ask":
                return AskQuestion(user_id=user_id, text=QuestionAsk.model_validate({"text": data.get("text")}).text)
            case "regenerate":
                body = RegenerateBody.model_validate({"question_id": data.get("question_id")})
                return Regenerate(user_id=user_id, question_id=body.question_id)
            case "pause" | "resume":
                return SetAutoAnswer(user_id=user_id, enabled=kind == "resume")
            case "end":
                return EndSession(user_id=user_id)
            case "mark":
                mark = MarkBody.model_validate({k: data[k] for k in ("question_id", "mark", "value") if k in data})
                return MarkQuestion(user_id=user_id, question_id=mark.question_id, mark=mark.mark, value=mark.value,
                                    by=principal.role.value)
            case "hint":
                hint = HintBody.model_validate({"text": data.get("text")})
                return SendHint(user_id=user_id, text=hint.text, by=principal.role.value)
    except ValidationError as exc:
        raise Problem(ProblemCode.INVALID_MESSAGE, f"malformed {kind!r} message", errors=error_list(exc.errors())) from None
    raise Problem(ProblemCode.UNKNOWN_TYPE, f"type must be one of {KINDS}")


def connection_lost(exc: BaseException) -> bool:
    """The client left or stopped reading: no server error. The socket's tasks run in a nursery, which wraps
    what they raise in an exception group."""
    if isinstance(exc, BaseExceptionGroup):
        return all(connection_lost(inner) for inner in exc.exceptions)
    return isinstance(exc, (trio.BrokenResourceError, trio.ClosedResourceError))


class WebSocketFastPath:
    def __init__(self, app: ASGIFramework, rt: Runtime) -> None:
        self.app = app
        self.rt = rt

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        if scope["type"] != "websocket" or (match := SOCKET_PATH.fullmatch(scope["path"])) is None:
            await self.app(scope, receive, send)
            return
        if (await receive())["type"] != "websocket.connect":
            return
        accepted = False
        try:
            async with AsyncExitStack() as held:
                session_id = match.group(1)
                principal, stream = await self._open(session_id, scope, held)
                await send({"type": "websocket.accept", "subprotocol": None, "headers": []})
                accepted = True
                await _serve_socket(self.rt, session_id, principal, stream, receive, send)
        except Exception as exc:
            if accepted:  # under way: hypercorn closes the socket with 1011 when we return
                if not connection_lost(exc):
                    log.exception("unhandled error on a session socket")
                return
            # refused before the upgrade: a plain HTTP error
            status, headers, body = asgi_problem(as_problem(exc, "opening a session socket"))
            await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
            await send({"type": "websocket.http.response.body", "body": body, "more_body": False})

    async def _open(self, session_id: str, scope: WebsocketScope,
                    held: AsyncExitStack) -> tuple[Principal, EventStream | None]:
        """Authorise the socket and open its event stream. ``?events=false`` makes a producer-only socket
        (commands and acks, no event stream): a caption sender does not need every event echoed back, and
        that write is the costliest part of a caption. Raises Problem, having accepted nothing."""
        rt = self.rt
        query = query_args(scope)
        principal, _ = await stream_principal(rt, session_id, scope, query)
        if query.get("events", "true").lower() in {"false", "0", "no"}:
            await rt.supervisor.ask(session_id, GetSession(user_id=principal.user_id))  # ownership check
            return principal, None
        stream = await held.enter_async_context(subscribe(
            rt.supervisor, rt.reader, session_id, principal.user_id,
            parse_last_event_id(None, query.get("last_event_id")), principal.watcher(), wants_presence(query)))
        return principal, stream


async def _serve_socket(rt: Runtime, session_id: str, principal: Principal, stream: EventStream | None,
                        receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
    """Relay ``stream`` (None: a producer-only socket) and serve commands until the stream ends, the client
    leaves, the token expires or its device or share is revoked (noticed within ``heartbeat_s``)."""
    expires_at = principal.expires_at
    revoked = client_left = False
    out_send, out_recv = trio.open_memory_channel[str](rt.settings.subscriber_queue_size)

    async def write(text: str) -> None:
        await send({"type": "websocket.send", "bytes": None, "text": text})

    async def write_alone(text: str) -> None:
        # a producer-only socket has no send task: its few writes go straight out, each with the timeout
        with trio.move_on_after(rt.settings.ws_send_timeout_s) as scope:
            await write(text)
        if scope.cancelled_caught:
            raise trio.BrokenResourceError("client stopped reading")

    async def send_loop() -> None:
        # The one task that writes to the socket; a client that stops reading is dropped. One timeout
        # per drained batch, not per message: deadlines are a measurable cost with thousands of sockets.
        async for text in out_recv:
            batch = [text]
            while len(batch) < 256:
                try:
                    batch.append(out_recv.receive_nowait())
                except (trio.WouldBlock, trio.EndOfChannel):
                    break
            with trio.move_on_after(rt.settings.ws_send_timeout_s) as scope:
                for item in batch:
                    await write(item)
            if scope.cancelled_caught:
                raise trio.BrokenResourceError("client stopped reading")

    async def event_loop() -> None:
        nonlocal revoked
        if stream is None:  # until the client closes the socket, or revocation
            while True:
                await trio.sleep(rt.settings.heartbeat_s)
                if not rt.grants.is_live(principal):
                    revoked = True
                    return
                # what the actor sends event streams: keeps proxies from timing the socket out, and a
                # client that vanished fails the write
                beat = Event.heartbeat(session_id)
                await write_alone(beat.ws)
        async with out_send.clone() as out:
            async for batch in stream:
                if not rt.grants.is_live(principal):
                    revoked = True
                    return
                # metrics on: observed once the batch is with the socket's send loop (0.0: nothing to observe)
                made_at = metrics.first_live_at(batch, stream.sub.head) if metrics.observing else 0.0
                for event in batch:
                    await out.send(event.ws)
                if made_at:
                    metrics.written(made_at)

    async def command_loop(out: trio.MemorySendChannel[str]) -> None:
        nonlocal client_left

        async def reply(text: str) -> None:
            if stream is None:  # producer-only: no hand-over to a send task
                await write_alone(text)
                return
            try:
                out.send_nowait(text)  # the usual case: send_loop is waiting; no extra scheduler trip
            except trio.WouldBlock:
                await out.send(text)

        while True:
            message = await receive()
            if message["type"] != "websocket.receive":  # websocket.disconnect: the client left
                client_left = True
                nursery.cancel_scope.cancel()
                return
            raw = message.get("text")
            corr: Any = None
            try:
                msg = parse_json(raw if raw is not None else message.get("bytes") or b"", "the message")
                if not isinstance(msg, dict):
                    raise Problem(ProblemCode.INVALID_MESSAGE, "a message must be a JSON object")
                corr = msg.get("id")
                if not isinstance(corr, (str, int)) or isinstance(corr, bool) or len(str(corr)) > MAX_CORRELATION_ID:
                    corr = None
                    raise Problem(ProblemCode.MISSING_ID, "every message needs an id (string or integer) to correlate")
                kind = msg.get("type")
                if kind == "ping":
                    await reply(dumps({"type": "pong", "id": corr}))
                    continue
                rt.grants.check_live(principal)
                result = await rt.supervisor.ask(session_id, _to_message(rt.settings, principal, str(kind), msg))
                await reply(dumps({"type": "ack", "id": corr, "result": result}))
            except Problem as problem:
                await reply(_error(corr, problem))

    commands_scope = trio.CancelScope()

    async def commands() -> None:
        with commands_scope:
            async with out_send:
                await command_loop(out_send)

    async def events_then_finish() -> None:
        await event_loop()
        # The stream is over (ended, lagged, shutdown): stop taking commands; send_loop flushes the final
        # event once both senders are closed, and returning closes the socket.
        commands_scope.cancel()

    # The socket ends with its token: a revoked or expired login does not keep watching or acting.
    with trio.move_on_at(trio.current_time() + max(0.0, expires_at - time.time())) as token_life:
        async with trio.open_nursery() as nursery:
            if stream is not None:
                nursery.start_soon(send_loop)
            nursery.start_soon(events_then_finish)
            nursery.start_soon(commands)
    if client_left:
        return
    if revoked:
        await write(_error(None, Problem(ProblemCode.TOKEN_REVOKED, "access was revoked by the account owner")))
    elif token_life.cancelled_caught:
        await write(_error(None, Problem(ProblemCode.TOKEN_EXPIRED,
                                         "the access token expired; reconnect with a fresh one")))
    await send({"type": "websocket.close", "code": 1000, "reason": None})
    # Return only once the client answered the close (or ``ws_send_timeout_s`` passed): hypercorn 0.18
    # ends a connection whose app returned without its send lock, and if that races the read task still
    # answering a close the client sent at the same moment, trio raises BusyResourceError there, which
    # takes down the whole server.
    with trio.move_on_after(rt.settings.ws_send_timeout_s):
        while (await receive())["type"] != "websocket.disconnect":
            pass
