"""One-off questions outside any session (POST /ask), answered with the user's active resume and knowledge base.

The handler reads the answer's context (``mentor.store.answer_context``), builds the ``AnswerRequest`` and
hands it to the engine; the streaming and the JSON form differ only in how the engine's events are written.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Annotated, Any

import trio
from pydantic import AfterValidator, Field
from quart import Blueprint, Response, request
from quart_schema import document_request, tag

from mentor.ai.retrieval import retrieval_query
from mentor.ai.types import AnswerDelta, AnswerDone, AnswerEvent, AnswerFailure, AnswerRequest, QuestionKind
from mentor.engines import AnswerError
from mentor.errors import Problem, ProblemCode
from mentor.events import dumps
from mentor.http.models import JobDescription, Language, Name, Strict, Text, not_blank
from mentor.http.requests import authenticate, json_body, json_response, runtime, validate
from mentor.runtime import Runtime
from mentor.store.answer_context import answer_context

bp = Blueprint("ask", __name__)


class AskBody(Strict):
    question: Annotated[Text, Field(max_length=5000), AfterValidator(not_blank)]
    kind: QuestionKind | None = None
    company: Name | None = None
    role: Name | None = None
    job_description: JobDescription | None = None
    language: Language = "en"


@bp.post("/ask")
@document_request(AskBody)
@tag(["context"])
async def ask() -> Response:
    """Answer one question outside any session, with the user's active resume and knowledge base.

    JSON answer by default; with ``Accept: text/event-stream`` the answer streams as SSE events
    ``answer_delta`` {seq, text}, ``answer_failed`` {reason} (the text so far is void, another answer
    follows), then ``new_answer`` {text, engine, model, sources, tokens, latency_ms}.
    """
    user_id = authenticate()
    data = validate(AskBody, await json_body())
    rt = runtime()
    started = time.monotonic()
    req = await _answer_request(rt, user_id, data)
    if "text/event-stream" in request.headers.get("Accept", ""):
        return _sse_response(_answer_sse(rt, req, started))
    return json_response(await _answer_json(rt, req, started))


async def _answer_request(rt: Runtime, user_id: str, data: AskBody) -> AnswerRequest:
    kind = data.kind or _classify(data.question)
    query = retrieval_query(data.question, kind, language=data.language)
    context = await rt.reader.read(answer_context, user_id, data.company, query, "", 4, True, data.language)
    return AnswerRequest(
        question=data.question, kind=kind, language=data.language,
        company=data.company, role=data.role, job_description=data.job_description,
        resume=context.resume, kb_passages=context.kb_passages, company_summary=context.company_summary,
    )


def _classify(question: str) -> str:
    try:
        from mentor.ai.detection import question_kind
    except ImportError:  # the rules module is optional for this route
        return "other"
    return question_kind(question)


async def _answer_events(rt: Runtime, req: AnswerRequest) -> AsyncIterator[AnswerEvent]:
    """The engine's events up to its ``AnswerDone``, all within ``answer_timeout_s``. Raises Problem 504 on
    timeout, 502 when the engine failed or ended without an answer."""
    deadline = trio.current_time() + rt.settings.answer_timeout_s
    async with aclosing(rt.engine.stream(req)) as events:
        while True:
            # The cancel scope covers only the wait for the next event, never a yield: a scope left open
            # across a yield would cancel the consumer's writes and break when the generator is dropped.
            event: AnswerEvent | None = None
            with trio.move_on_at(deadline):
                try:
                    event = await events.__anext__()
                except StopAsyncIteration:
                    raise Problem(ProblemCode.ANSWER_FAILED, "the answer engine ended without an answer") from None
                except AnswerError as exc:
                    raise Problem(ProblemCode.ANSWER_FAILED, exc.reason, retryable=exc.retryable) from None
            if event is None:
                raise Problem(ProblemCode.ANSWER_TIMEOUT, f"no complete answer within {rt.settings.answer_timeout_s} s")
            yield event
            if isinstance(event, AnswerDone):
                return


def _final(done: AnswerDone, started: float) -> dict[str, Any]:
    return {"text": done.text, "engine": done.engine, "model": done.model, "sources": list(done.sources),
            "tokens": {"prompt": done.prompt_tokens, "completion": done.completion_tokens,
                       "estimated": done.usage_estimated},
            "latency_ms": round((time.monotonic() - started) * 1000, 1)}


async def _answer_json(rt: Runtime, req: AnswerRequest, started: float) -> dict[str, Any]:
    done: AnswerDone | None = None
    async for event in _answer_events(rt, req):
        if isinstance(event, AnswerDone):
            done = event
    if done is None:  # unreachable: _answer_events raises instead
        raise Problem(ProblemCode.ANSWER_FAILED, "the answer engine ended without an answer")
    return _final(done, started)


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {dumps(data)}\n\n".encode()


async def _answer_sse(rt: Runtime, req: AnswerRequest, started: float) -> AsyncIterator[bytes]:
    seq = 0
    try:
        async for event in _answer_events(rt, req):
            if isinstance(event, AnswerDelta):
                seq += 1
                yield _sse("answer_delta", {"seq": seq, "text": event.text})
            elif isinstance(event, AnswerFailure):
                yield _sse("answer_failed", {"reason": event.reason, "retryable": event.retryable})
            elif isinstance(event, AnswerDone):
                yield _sse("new_answer", _final(event, started))
    except Problem as problem:  # the status line is gone: report in-band
        yield _sse("answer_failed", {"reason": problem.detail, "retryable": True, "code": problem.code})


def _sse_response(chunks: AsyncIterator[bytes]) -> Response:
    response = Response(chunks, content_type="text/event-stream",
                        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    response.timeout = None  # bounded by answer_timeout_s instead of Quart's RESPONSE_TIMEOUT
    return response
