"""Sessions and captions over plain HTTP: each route translates the request into an actor message."""

from __future__ import annotations

import base64

from quart import Blueprint, Response, request
from quart_schema import document_request, tag

from mentor.actors.messages import (
    AddCaptions,
    AskQuestion,
    DeleteSession,
    EndSession,
    GetSession,
    MarkQuestion,
    Regenerate,
    SendHint,
    SetAutoAnswer,
)
from mentor.errors import Problem, ProblemCode
from mentor.http import quotas
from mentor.http.access import authorize
from mentor.http.captions_input import parse_captions
from mentor.http.models import (
    AutoAnswerBody,
    CaptionBatch,
    HintBody,
    MarkBody,
    QuestionAsk,
    RegenerateBody,
    SessionCreate,
)
from mentor.http.requests import authenticate, body, int_arg, json_body, json_response, runtime
from mentor.sharing import Action
from mentor.store import answers, sessions
from mentor.wire import public_answer, public_caption, public_session

bp = Blueprint("sessions", __name__)


@bp.post("/sessions")
@document_request(SessionCreate)
@tag(["sessions"])
async def create_session() -> Response:
    user_id = authenticate()
    data = await body(SessionCreate)
    rt = runtime()
    await quotas.check(rt, user_id, "live_sessions", "stored_sessions")
    return json_response(await rt.supervisor.create(user_id, data.model_dump()), 201)


@bp.get("/sessions")
@tag(["sessions"])
async def list_sessions() -> Response:
    """Newest first. Pass ``next_cursor`` from one page as ``cursor`` to get the next."""
    user_id = authenticate()
    limit = int_arg("limit", 20, 1, 100)
    before = None
    if cursor := request.args.get("cursor"):
        try:
            created, _, sid = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
            before = (float(created), sid)
        except (ValueError, UnicodeDecodeError):
            raise Problem(ProblemCode.INVALID_CURSOR, "cursor is not one this server issued") from None
    rows = await runtime().reader.read(sessions.list_sessions, user_id, limit + 1, before)
    page, more = rows[:limit], len(rows) > limit
    next_cursor = None
    if more:
        last = page[-1]
        next_cursor = base64.urlsafe_b64encode(f"{last['created_at']!r}|{last['id']}".encode()).decode()
    return json_response({"sessions": [public_session(r) for r in page], "next_cursor": next_cursor})


@bp.get("/sessions/<session_id>")
@tag(["sessions"])
async def get_session(session_id: str) -> Response:
    user_id = (await authorize(session_id, Action.READ)).user_id
    return json_response(await runtime().supervisor.ask(session_id, GetSession(user_id=user_id)))


@bp.post("/sessions/<session_id>/end")
@tag(["sessions"])
async def end_session(session_id: str) -> Response:
    user_id = (await authorize(session_id, Action.WRITE)).user_id
    return json_response(await runtime().supervisor.ask(session_id, EndSession(user_id=user_id)))


@bp.delete("/sessions/<session_id>")
@tag(["sessions"])
async def delete_session(session_id: str) -> Response:
    user_id = (await authorize(session_id, Action.WRITE)).user_id
    await runtime().supervisor.ask(session_id, DeleteSession(user_id=user_id))
    return Response(b"", status=204)


@bp.post("/sessions/<session_id>/captions")
@document_request(CaptionBatch)
@tag(["captions"])
async def add_captions(session_id: str) -> Response:
    """Store captions; the answer comes after they are committed. Re-sending a block revision is a no-op."""
    user_id = (await authorize(session_id, Action.WRITE)).user_id
    rt = runtime()
    captions = parse_captions(await json_body(), rt.settings.caption_batch_max, rt.settings.caption_max_chars)
    results = await rt.supervisor.ask(session_id, AddCaptions(user_id=user_id, captions=captions))
    return json_response({"results": results})


@bp.get("/sessions/<session_id>/captions")
@tag(["captions"])
async def list_captions(session_id: str) -> Response:
    """The transcript in order (by caption id), each caption at its latest revision."""
    user_id = (await authorize(session_id, Action.READ)).user_id
    rt = runtime()
    await rt.supervisor.ask(session_id, GetSession(user_id=user_id))  # the session still exists
    after = int_arg("after", 0, 0, 2**31)
    limit = int_arg("limit", 500, 1, 1000)
    final_only = request.args.get("final", "false").lower() in {"1", "true", "yes"}
    rows = await rt.reader.read(sessions.list_captions, session_id, after, limit, final_only)
    return json_response({"captions": [public_caption(r) for r in rows],
                  "next_after": rows[-1]["id"] if len(rows) == limit else None})


@bp.post("/sessions/<session_id>/questions")
@document_request(QuestionAsk)
@tag(["answers"])
async def ask_question(session_id: str) -> Response:
    """Ask a question by hand (as if the interviewer had asked it)."""
    user_id = (await authorize(session_id, Action.ASK)).user_id
    data = await body(QuestionAsk)
    return json_response(await runtime().supervisor.ask(session_id, AskQuestion(user_id=user_id, text=data.text)), 202)


@bp.get("/sessions/<session_id>/answers")
@tag(["answers"])
async def list_answers(session_id: str) -> Response:
    """Completed answers of the session, oldest first, each with its question, sources and latency."""
    user_id = (await authorize(session_id, Action.READ)).user_id
    rt = runtime()
    await rt.supervisor.ask(session_id, GetSession(user_id=user_id))  # the session still exists
    rows = await rt.reader.read(answers.list_answers, session_id, int_arg("limit", 200, 1, 1000))
    return json_response({"answers": [public_answer(r) for r in rows]})


@bp.post("/sessions/<session_id>/regenerate")
@document_request(RegenerateBody)
@tag(["answers"])
async def regenerate(session_id: str) -> Response:
    user_id = (await authorize(session_id, Action.WRITE)).user_id
    data = await body(RegenerateBody)
    msg = Regenerate(user_id=user_id, question_id=data.question_id)
    return json_response(await runtime().supervisor.ask(session_id, msg), 202)


@bp.put("/sessions/<session_id>/auto-answer")
@document_request(AutoAnswerBody)
@tag(["answers"])
async def auto_answer(session_id: str) -> Response:
    """Pause (false) or resume (true) automatic answers to detected questions."""
    user_id = (await authorize(session_id, Action.WRITE)).user_id
    data = await body(AutoAnswerBody)
    return json_response(await runtime().supervisor.ask(session_id, SetAutoAnswer(user_id=user_id, enabled=data.enabled)))



@bp.post("/sessions/<session_id>/marks")
@document_request(MarkBody)
@tag(["sessions"])
async def mark_question(session_id: str) -> Response:
    """Synced state: pin, dismiss or mark a question answered (``value: false`` undoes); every device gets
    it as a ``question_marked`` event. Owner (and paired devices) only."""
    principal = await authorize(session_id, Action.MARK)
    data = await body(MarkBody)
    msg = MarkQuestion(user_id=principal.user_id, question_id=data.question_id, mark=data.mark, value=data.value,
                       by=principal.role.value)
    return json_response(await runtime().supervisor.ask(session_id, msg))


@bp.post("/sessions/<session_id>/hints")
@document_request(HintBody)
@tag(["sessions"])
async def send_hint(session_id: str) -> Response:
    """A coach's hint to the candidate: a ``hint`` event on every device of the session. Coach or owner."""
    principal = await authorize(session_id, Action.HINT)
    data = await body(HintBody)
    msg = SendHint(user_id=principal.user_id, text=data.text, by=principal.role.value)
    return json_response(await runtime().supervisor.ask(session_id, msg), 201)
