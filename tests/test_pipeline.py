"""The one answer pipeline (engines.answer_steps) on the autojump clock: every way an engine ends is one
step, the deadline covers the whole answer, and the engine's generator is closed the moment the consumer
stops, never left to the garbage collector."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import trio
import trio.testing

from mentor.ai.types import AnswerDelta, AnswerDone, AnswerEvent, AnswerFailure, AnswerRequest
from mentor.engines import AnswerError, Failed, Finished, Step, answer_steps
from mentor.engines.base import EngineContext

REQUEST = AnswerRequest(question="Why Kafka?", kind="technical")
DONE = AnswerDone("Because it keeps order per key.", "scripted", None, (), 1, 2)


class Scripted(EngineContext):
    """Yields ``script`` (sleeping where it says a number of seconds), then raises ``error`` if given."""

    name = "scripted"

    def __init__(self, *script: AnswerEvent | float, error: Exception | None = None) -> None:
        self.script = script
        self.error = error
        self.closed = False

    async def stream(self, request: AnswerRequest) -> AsyncGenerator[AnswerEvent, None]:
        try:
            for item in self.script:
                if isinstance(item, float):
                    await trio.sleep(item)
                else:
                    yield item
            if self.error is not None:
                raise self.error
        finally:
            self.closed = True


async def steps(engine: Scripted, timeout_s: float = 10.0) -> list[Step]:
    async with aclosing(answer_steps(engine, REQUEST, timeout_s=timeout_s)) as answer:
        return [step async for step in answer]


async def test_deltas_then_the_end_with_its_timing(autojump_clock: trio.testing.MockClock) -> None:
    engine = Scripted(1.0, AnswerDelta("Because "), 2.0, AnswerDelta("order."), DONE)
    got = await steps(engine)
    assert got[:2] == [AnswerDelta("Because "), AnswerDelta("order.")]
    assert isinstance(got[2], Finished) and got[2].first_token_ms == 1000.0 and got[2].complete_ms == 3000.0
    assert engine.closed


async def test_every_failure_is_one_final_step(autojump_clock: trio.testing.MockClock) -> None:
    assert await steps(Scripted(AnswerDelta("x"), error=AnswerError("HTTP 400", retryable=False))) == [
        AnswerDelta("x"), Failed("HTTP 400", False, True)]
    assert await steps(Scripted(AnswerDelta("x"))) == [
        AnswerDelta("x"), Failed("the answer engine ended without an answer", True, True)]
    crashed = await steps(Scripted(error=KeyError("bug")))
    assert crashed == [Failed("internal error: KeyError", True, True)]


async def test_the_deadline_covers_the_whole_answer(autojump_clock: trio.testing.MockClock) -> None:
    engine = Scripted(AnswerDelta("a"), 4.0, AnswerDelta("b"), 4.0, AnswerDelta("c"), DONE)
    started = trio.current_time()
    got = await steps(engine, timeout_s=6.0)
    assert got == [AnswerDelta("a"), AnswerDelta("b"), Failed("no complete answer within 6 s", True, True,
                                                               "answer_timeout")]
    assert trio.current_time() - started == 6.0 and engine.closed


async def test_a_fallback_is_not_final_and_restarts_the_timing(autojump_clock: trio.testing.MockClock) -> None:
    engine = Scripted(AnswerDelta("half"), AnswerFailure("HTTP 500", True), 1.0, AnswerDelta("whole"), DONE)
    got = await steps(engine)
    assert got[1] == Failed("HTTP 500", True, False)
    assert isinstance(got[-1], Finished) and got[-1].first_token_ms == 1000.0


async def test_a_consumer_that_stops_early_closes_the_engine_at_once(
        autojump_clock: trio.testing.MockClock) -> None:
    engine = Scripted(AnswerDelta("a"), 5.0, AnswerDelta("b"), DONE)
    async with aclosing(answer_steps(engine, REQUEST, timeout_s=60)) as answer:
        async for _ in answer:
            break  # a newer question: the answer is abandoned after its first delta
    assert engine.closed  # closed by aclosing, not by the garbage collector
    with trio.CancelScope() as scope:  # and cancellation mid-wait closes it too
        engine = Scripted(5.0, DONE)
        async with aclosing(answer_steps(engine, REQUEST, timeout_s=60)) as answer:
            scope.deadline = trio.current_time() + 1
            async for _ in answer:
                pass
    assert scope.cancelled_caught and engine.closed
