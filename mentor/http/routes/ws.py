"""/sessions/{id}/ws: the same events as SSE, plus control messages from the client.

Client -> server: ``{"id": "<correlation id>", "type": "<kind>", ...}`` with kind one of caption, captions,
ask, regenerate, pause, resume, end, mark, hint, ping; each kind needs its action in the token's role
(``mentor.sharing.ALLOWED``: a viewer may only ping, a coach also ask and hint), else a ``forbidden`` error. Each gets ``{"type": "ack", "id": ..., "result": ...}`` or
``{"type": "error", "id": ..., "status": ..., "code": ..., "detail": ...}``; a malformed message gets an
error and the connection stays up. Server -> client events: ``{"type": "event", "id": <seq>, "event":
<type>, "data": {...}}``.
"""

from __future__ import annotations

import time
from contextlib import AsyncExitStack
from typing import Any

import trio
from pydantic import ValidationError
from quart import Blueprint, Response, websocket

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
from mentor.events import dumps
from mentor.http.access import authorize, wants_presence
from mentor.http.captions_input import parse_captions
from mentor.http.models import HintBody, MarkBody, QuestionAsk, RegenerateBody, error_list
from mentor.http.problems import problem_response
from mentor.http.requests import parse_json, runtime
from mentor.sharing import ALLOWED, Action, Principal

bp = Blueprint("websocket", __name__)

MAX_CORRELATION_ID = 128


def _error(corr: Any, problem: Problem) -> str:
    return dumps({**problem.extra, "type": "error", "id": corr, "status": problem.status, "code": problem.code,
                  "detail": problem.detail})


KIND_ACTION = {"caption": Action.WRITE, "captions": Action.WRITE, "regenerate": Action.WRITE,
               "pause": Action.WRITE, "resume": Action.WRITE, "end": Action.WRITE, "ask": Action.ASK,
               "hint": Action.HINT, "mark": Action.MARK}
KINDS = "caption, captions, ask, regenerate, pause, resume, end, mark, hint, ping"


def _to_message(principal: Principal, kind: str, data: dict[str, Any]) -> Message[Any]:
    """Translate one client message into an actor message; raises Problem for anything malformed (400/422)
    or not allowed to the principal's role (403), having sent nothing."""
    action = KIND_ACTION.get(kind)
    if action is None:
        raise Problem(ProblemCode.UNKNOWN_TYPE, f"type must be one of {KINDS}")
    if action not in ALLOWED[principal.role]:
        raise Problem(ProblemCode.FORBIDDEN, f"a {principal.role.value} may not {action.value} in this session")
    user_id = principal.user_id
    settings = runtime().settings
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


@bp.websocket("/sessions/<session_id>/ws")
async def session_socket(session_id: str) -> Response | None:
    """``?events=false`` makes a producer-only socket (commands and acks, no event stream): a caption
    sender does not need every event echoed back, and that write is the costliest part of a caption."""
    rt = runtime()
    wants_events = websocket.args.get("events", "true").lower() not in {"false", "0", "no"}
    async with AsyncExitStack() as held:
        try:
            principal = await authorize(session_id, Action.READ, for_stream=True)
            after = parse_last_event_id(None, websocket.args.get("last_event_id"))
            stream: EventStream | None = None
            if wants_events:
                stream = await held.enter_async_context(subscribe(rt.supervisor, rt.reader, session_id,
                                                                  principal.user_id, after, principal.watcher(),
                                                                  wants_presence(websocket.args)))
            else:
                await rt.supervisor.ask(session_id, GetSession(user_id=principal.user_id))  # ownership check
        except Problem as problem:
            return problem_response(problem)  # refused before the upgrade: a plain HTTP error
        await _serve_socket(session_id, principal, stream)
    return None


async def _serve_socket(session_id: str, principal: Principal, stream: EventStream | None) -> None:
    """Relay ``stream`` (None: a producer-only socket) and serve commands until the stream ends, the client
    leaves, the token expires or its device or share is revoked (noticed within ``heartbeat_s``)."""
    rt = runtime()
    expires_at = principal.expires_at
    revoked = False
    await websocket.accept()
    out_send, out_recv = trio.open_memory_channel[str](rt.settings.subscriber_queue_size)

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
                    await websocket.send(item)
            if scope.cancelled_caught:
                raise trio.BrokenResourceError("client stopped reading")

    async def event_loop() -> None:
        nonlocal revoked
        if stream is None:
            while rt.grants.is_live(principal):  # until the client closes the socket, or revocation
                await trio.sleep(rt.settings.heartbeat_s)
            revoked = True
            return
        async with out_send.clone() as out:
            async for batch in stream:
                if not rt.grants.is_live(principal):
                    revoked = True
                    return
                if metrics.observing:  # metrics on: observed once the batch is with the socket's send loop
                    made_at = metrics.first_live_at(batch, stream.sub.head)
                    for event in batch:
                        await out.send(event.ws)
                    metrics.written(made_at)
                else:
                    for event in batch:
                        await out.send(event.ws)

    async def command_loop(out: trio.MemorySendChannel[str]) -> None:
        async def reply(text: str) -> None:
            try:
                out.send_nowait(text)  # the usual case: send_loop is waiting; no extra scheduler trip
            except trio.WouldBlock:
                await out.send(text)

        while True:
            raw = await websocket.receive()
            corr: Any = None
            try:
                msg = parse_json(raw, "the message")
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
                result = await rt.supervisor.ask(session_id, _to_message(principal, str(kind), msg))
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
            nursery.start_soon(send_loop)
            nursery.start_soon(events_then_finish)
            nursery.start_soon(commands)
    if revoked:
        await websocket.send(_error(None, Problem(ProblemCode.TOKEN_REVOKED, "access was revoked by the account owner")))
    elif token_life.cancelled_caught:
        await websocket.send(_error(None, Problem(ProblemCode.TOKEN_EXPIRED,
                                                  "the access token expired; reconnect with a fresh one")))
