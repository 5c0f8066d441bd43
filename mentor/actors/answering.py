"""One answer in flight: a task in the session actor's nursery that gathers context, runs the engine and
reports every step back to the actor's inbox, where it becomes durable events like everything else.

The actor cancels the task's scope when a newer question arrives; nothing it reported after that counts,
because the actor ignores progress for answers that are no longer current.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import trio

from mentor.actors.messages import AnswerProgress
from mentor.ai.types import AnswerDelta, AnswerDone, AnswerFailure, AnswerRequest
from mentor.engines import AnswerEngine, AnswerError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    """A question the session knows, as the answer engines need it."""

    question_id: str
    text: str
    kind: str
    parts: tuple[str, ...]


@dataclass(slots=True)
class AnswerJob:
    answer_id: str
    question: QuestionRecord
    started_at: float  # trio clock, when the question was taken up
    scope: trio.CancelScope = field(default_factory=trio.CancelScope)
    deltas: int = 0  # answer_delta events emitted so far (their ``seq``)


BuildRequest = Callable[[QuestionRecord], Awaitable[AnswerRequest]]
Report = Callable[[AnswerProgress], Awaitable[None]]


async def run_answer(job: AnswerJob, engine: AnswerEngine, build_request: BuildRequest, report: Report,
                     owner: str, timeout_s: float) -> None:
    """Stream one answer into ``report``; ends with a ``done`` or a final ``failure`` progress message."""

    def progress(**kw: Any) -> AnswerProgress:
        return AnswerProgress(user_id=owner, answer_id=job.answer_id, **kw)

    first_token_ms: float | None = None
    with job.scope:
        try:
            with trio.fail_after(timeout_s):
                request = await build_request(job.question)
                async for item in engine.stream(request):
                    now_ms = (trio.current_time() - job.started_at) * 1000
                    if isinstance(item, AnswerDelta):
                        if first_token_ms is None:
                            first_token_ms = now_ms
                        await report(progress(delta=item.text))
                    elif isinstance(item, AnswerFailure):
                        first_token_ms = None  # what streamed so far is void; the fallback starts over
                        await report(progress(failure=item))
                    elif isinstance(item, AnswerDone):
                        await report(progress(done=item, first_token_ms=first_token_ms, complete_ms=now_ms))
                        return
            await report(progress(failure=AnswerFailure("the engine ended without an answer", True), final=True))
        except AnswerError as exc:
            await report(progress(failure=AnswerFailure(str(exc), exc.retryable), final=True))
        except trio.TooSlowError:
            await report(progress(failure=AnswerFailure(f"no complete answer within {timeout_s} s", True),
                                  final=True))
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass  # the actor is gone; so is the session's interest in this answer
        except Exception as exc:  # a bug here must cost one answer, not the session
            log.exception("answer %s failed", job.answer_id)
            with trio.move_on_after(1):
                await report(progress(failure=AnswerFailure(f"internal error: {type(exc).__name__}", True),
                                      final=True))
