"""The one answer pipeline: an engine's stream under one deadline, every way it can end mapped to a step.

Session answers (``mentor.actors.answering``) and one-off ``POST /ask`` answers both consume ``answer_steps``,
so they share the timeout, the failure mapping and the timing. The engine's generator is consumed inside
``contextlib.aclosing``: whatever ends the answer (done, failure, timeout, cancellation by a newer
question), the engine's HTTP response is closed then and there, never left to the garbage collector.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass

import trio

from mentor.ai.types import AnswerDelta, AnswerDone, AnswerEvent, AnswerFailure, AnswerRequest
from mentor.engines.base import AnswerEngine, AnswerError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Failed:
    """The answer in hand failed. ``final``: no answer follows; else the fallback's answer starts over and
    the text so far is void. ``code`` is the problem code a request/response caller reports."""

    reason: str
    retryable: bool
    final: bool
    code: str = "answer_failed"

    @property
    def failure(self) -> AnswerFailure:
        return AnswerFailure(self.reason, self.retryable)


@dataclass(frozen=True, slots=True)
class Finished:
    """The complete answer; times in ms since ``started_at`` (trio clock) of ``answer_steps``."""

    done: AnswerDone
    first_token_ms: float | None
    complete_ms: float


Step = AnswerDelta | Failed | Finished


async def answer_steps(engine: AnswerEngine, request: AnswerRequest, *, timeout_s: float,
                       started_at: float | None = None) -> AsyncGenerator[Step, None]:
    """``AnswerDelta``s and non-final ``Failed``s, ending with exactly one ``Finished`` or final ``Failed``.

    The whole answer must finish within ``timeout_s`` of ``started_at`` (default: now). The deadline covers
    only the waits for the engine, never a ``yield``: a scope left open across a yield would cancel the
    consumer's own work. Consume inside ``aclosing`` (the engine is closed when this generator is).
    Cancellation propagates; every other exception of the engine becomes a final ``Failed``.
    """
    started = trio.current_time() if started_at is None else started_at
    deadline = started + timeout_s
    first_token_ms: float | None = None
    async with aclosing(engine.stream(request)) as events:
        while True:
            event: AnswerEvent | None = None
            end: Failed | None = None
            with trio.move_on_at(deadline):
                try:
                    event = await events.__anext__()
                except StopAsyncIteration:
                    end = Failed("the answer engine ended without an answer", True, True)
                except AnswerError as exc:
                    end = Failed(exc.reason, exc.retryable, True)
                except Exception as exc:  # a bug in an engine must cost one answer, not its caller
                    log.exception("answer engine %s failed", engine.name)
                    end = Failed(f"internal error: {type(exc).__name__}", True, True)
            if end is not None:
                yield end
                return
            if event is None:
                yield Failed(f"no complete answer within {timeout_s:g} s", True, True, "answer_timeout")
                return
            now_ms = (trio.current_time() - started) * 1000
            if isinstance(event, AnswerDelta):
                if first_token_ms is None:
                    first_token_ms = now_ms
                yield event
            elif isinstance(event, AnswerFailure):
                first_token_ms = None  # what streamed so far is void; the fallback starts over
                yield Failed(event.reason, event.retryable, False)
            else:
                yield Finished(event, first_token_ms, now_ms)
                return
