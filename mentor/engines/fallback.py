"""The engine the service uses when a model is configured: the model first, the offline engine on failure.

The candidate always gets an answer: if the model is unreachable, rate-limited past its retries, stalls or
breaks mid-answer, the stream yields one `AnswerFailure` (the text so far is void) and then the offline
engine's complete answer, whose `AnswerDone.engine` is "offline".
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import aclosing

from mentor.ai.types import AnswerEvent, AnswerFailure, AnswerRequest
from mentor.engines.base import AnswerEngine, AnswerError, EngineContext
from mentor.engines.offline import OfflineEngine

log = logging.getLogger(__name__)


class FallbackEngine(EngineContext):
    """`primary` (normally `OpenAIEngine`), then `offline` if `primary` raises.

    Never raises for a model failure: an `AnswerError` or any other `Exception` from `primary` becomes an
    `AnswerFailure` event. Cancellation is not a failure and propagates as usual.
    """

    def __init__(self, primary: AnswerEngine, offline: AnswerEngine | None = None) -> None:
        self.primary = primary
        self.offline = offline or OfflineEngine()
        self.name = primary.name

    async def aclose(self) -> None:
        """Close both engines (the offline one even if closing the primary fails)."""
        try:
            await self.primary.aclose()
        finally:
            await self.offline.aclose()

    async def stream(self, request: AnswerRequest) -> AsyncGenerator[AnswerEvent, None]:
        """Events of `primary`; on its failure an `AnswerFailure`, then the events of `offline`."""
        failure: AnswerFailure | None = None
        async with aclosing(self.primary.stream(request)) as events:
            try:
                async for event in events:
                    yield event
            except AnswerError as exc:
                failure = AnswerFailure(exc.reason, exc.retryable)
            except Exception as exc:  # the candidate must get an answer even when the engine has a bug
                log.exception("answer engine %s crashed", self.primary.name)
                failure = AnswerFailure(f"unexpected error in the {self.primary.name} engine: {exc!r}", True)
        if failure is None:
            return
        log.warning("falling back to the %s engine: %s", self.offline.name, failure.reason)
        yield failure
        async with aclosing(self.offline.stream(request)) as events:
            async for event in events:
                yield event
