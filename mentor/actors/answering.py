"""One answer in flight: a task in the session actor's nursery that completes the request the core built
(with what the store knows: the active resume and the knowledge base), runs the one answer pipeline and
reports every step back to the actor's inbox, where it becomes durable events like everything else.

The task writes no actor state. The actor cancels the task's scope when its answer is no longer current
(a newer question, the session ended); nothing it reported after that counts, because the core ignores
progress for answers that are not current.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from typing import Any

import trio

from mentor.actors.messages import AnswerProgress
from mentor.actors.session_core import AnswerStart
from mentor.ai.retrieval import retrieval_query
from mentor.ai.types import AnswerFailure
from mentor.engines import AnswerEngine, Failed, Finished, answer_steps
from mentor.store import StoreReader, accounts
from mentor.store.answer_context import answer_context

log = logging.getLogger(__name__)

KB_PASSAGES = 4  # knowledge-base passages retrieved per answer

Report = Callable[[AnswerProgress], Awaitable[None]]


@dataclasses.dataclass(frozen=True, slots=True)
class AnswerQuotas:
    """The per-user answer quotas (settings ``quota_answers_per_day``, ``quota_model_tokens_per_month``;
    0 = unlimited). Automatic and hand-asked session answers count against them as ``POST /ask`` does."""

    answers_per_day: int = 0
    model_tokens_per_month: int = 0

    def exceeded(self, used: dict[str, int]) -> str | None:
        """Why one more answer would pass a limit, or None."""
        for name, limit, adding in (("answers_per_day", self.answers_per_day, 1),
                                    ("model_tokens_per_month", self.model_tokens_per_month, 0)):
            if (why := accounts.quota_used_up(name, limit, used[name], adding)) is not None:
                return f"quota_exceeded: {why}"
        return None


async def run_answer(start: AnswerStart, engine: AnswerEngine, reader: StoreReader, report: Report,
                     timeout_s: float, quotas: AnswerQuotas = AnswerQuotas()) -> None:
    """Stream one answer into ``report``; ends with a ``done`` or a final ``failure`` progress message.
    The whole answer, context read included, is bounded by ``timeout_s`` from ``start.started_at``. A user
    past an answer quota gets a final, non-retryable failure instead of an answer."""

    def progress(**kw: Any) -> AnswerProgress:
        return AnswerProgress(user_id=start.user_id, answer_id=start.answer_id, **kw)

    request = start.request
    try:
        if quotas.answers_per_day or quotas.model_tokens_per_month:
            now = time.time()
            used = await reader.read(accounts.answer_usage, start.user_id, now - accounts.DAY_S,
                                     now - accounts.MONTH_S)
            if (why := quotas.exceeded(used)) is not None:
                await report(progress(failure=AnswerFailure(why, False), final=True))
                return
        # The knowledge base is searched for the cleaned question; a follow-up also for what it follows up on.
        query = retrieval_query(request.question, request.kind, parts=request.parts,
                                conversation=request.conversation, history=request.history,
                                language=request.language)
        with trio.move_on_at(start.started_at + timeout_s) as reading:
            ctx = await reader.read(answer_context, start.user_id, request.company, query, start.session_id,
                                    KB_PASSAGES, False, request.language)
        if reading.cancelled_caught:
            await report(progress(failure=AnswerFailure(f"no complete answer within {timeout_s:g} s", True),
                                  final=True))
            return
        request = dataclasses.replace(request, resume=ctx.resume, kb_passages=ctx.kb_passages)
        steps = answer_steps(engine, request, timeout_s=timeout_s, started_at=start.started_at)
        async with aclosing(steps) as answer:
            async for step in answer:
                if isinstance(step, Finished):
                    await report(progress(done=step.done, first_token_ms=step.first_token_ms,
                                          complete_ms=step.complete_ms))
                elif isinstance(step, Failed):
                    await report(progress(failure=step.failure, final=step.final))
                else:
                    await report(progress(delta=step.text))
    except (trio.BrokenResourceError, trio.ClosedResourceError):
        pass  # the actor is gone; so is the session's interest in this answer
    except Exception as exc:  # the context read failed, or a bug here: it must cost one answer, not the session
        log.exception("answer %s failed", start.answer_id)
        with trio.move_on_after(1):
            await report(progress(failure=AnswerFailure(f"internal error: {type(exc).__name__}", True), final=True))
