"""One-off questions outside any session (POST /ask), answered with the user's active resume and knowledge base.

The handler reads the answer's context (``mentor.store.answer_context``), builds the ``AnswerRequest`` and
runs the sessions' answer pipeline (``mentor.engines.answer_steps``: one timeout, one failure mapping); the
streaming and the JSON form differ only in how its steps are written (SSE with the sessions' encoder).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Annotated, Any

import trio
from pydantic import AfterValidator, Field
from quart import Blueprint, Response, request
from quart_schema import document_request, tag

from mentor.ai.retrieval import retrieval_query
from mentor.ai.types import AnswerDelta, AnswerRequest, QuestionKind
from mentor.engines import Failed, Finished, Step, answer_steps
from mentor.errors import Problem, ProblemCode
from mentor.events import Event, EventType
from mentor.http import quotas
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
    await quotas.check(rt, user_id, "answers_per_day", "model_tokens_per_month")
    started = trio.current_time()
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


def _steps(rt: Runtime, req: AnswerRequest, started: float) -> AsyncGenerator[Step, None]:
    """The sessions' answer pipeline: one timeout (``answer_timeout_s``), one failure mapping."""
    return answer_steps(rt.engine, req, timeout_s=rt.settings.answer_timeout_s, started_at=started)


def _final(finished: Finished) -> dict[str, Any]:
    done = finished.done
    return {"text": done.text, "engine": done.engine, "model": done.model, "sources": list(done.sources),
            "tokens": {"prompt": done.prompt_tokens, "completion": done.completion_tokens,
                       "estimated": done.usage_estimated},
            "latency_ms": round(finished.complete_ms, 1)}


async def _answer_json(rt: Runtime, req: AnswerRequest, started: float) -> dict[str, Any]:
    """The answer; raises Problem 504 (answer_timeout) or 502 (answer_failed) when it fails."""
    async with aclosing(_steps(rt, req, started)) as steps:
        async for step in steps:
            if isinstance(step, Finished):
                return _final(step)
            if isinstance(step, Failed) and step.final:
                raise Problem(ProblemCode(step.code), step.reason, retryable=step.retryable)
    raise Problem(ProblemCode.ANSWER_FAILED, "the answer engine ended without an answer")  # unreachable


def _sse(type: EventType, data: dict[str, Any]) -> bytes:
    return Event.control("", type, data).sse  # the sessions' encoder; no id: nothing here is replayed


async def _answer_sse(rt: Runtime, req: AnswerRequest, started: float) -> AsyncIterator[bytes]:
    seq = 0
    async with aclosing(_steps(rt, req, started)) as steps:
        async for step in steps:
            if isinstance(step, AnswerDelta):
                seq += 1
                yield _sse(EventType.ANSWER_DELTA, {"seq": seq, "text": step.text})
            elif isinstance(step, Finished):
                yield _sse(EventType.NEW_ANSWER, _final(step))
            else:  # the status line is gone: failures are reported in-band
                seq = 0  # a fallback answer starts over
                failed = {"reason": step.reason, "retryable": step.retryable}
                yield _sse(EventType.ANSWER_FAILED, {**failed, "code": step.code} if step.final else failed)


def _sse_response(chunks: AsyncIterator[bytes]) -> Response:
    response = Response(chunks, content_type="text/event-stream",
                        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    response.timeout = None  # bounded by answer_timeout_s instead of Quart's RESPONSE_TIMEOUT
    return response
