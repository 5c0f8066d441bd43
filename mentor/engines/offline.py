"""The offline engine: streams `mentor.ai.compose`'s answer; never fails and never does I/O."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator

import trio

from mentor.ai.compose import compose
from mentor.ai.prompt import estimate_tokens
from mentor.ai.types import AnswerDelta, AnswerDone, AnswerEvent, AnswerRequest
from mentor.engines.base import EngineContext

# A line at a time (the lead line, then each point): the answer is ready at once, and each delta costs the
# same scheduling and actor step whatever its size (~80 per answer when sent a word at a time).
_CHUNK = re.compile(r"[^\n]*\n|[^\n]+")


class OfflineEngine(EngineContext):
    """Answers from the request's own material.

    `stream` yields `AnswerDelta`s then one `AnswerDone` with engine "offline", model None, prompt_tokens 0
    and an estimated completion token count.
    """

    name = "offline"

    def compose(self, request: AnswerRequest) -> tuple[str, tuple[str, ...]]:
        return compose(request)

    async def stream(self, request: AnswerRequest) -> AsyncGenerator[AnswerEvent, None]:
        """Stream the composed answer a line at a time. Cancellable at every line."""
        text, sources = compose(request)
        for match in _CHUNK.finditer(text):
            yield AnswerDelta(match.group(0))
            # Not a delay: it lets a newer question cancel us and keeps the consumer's loop fair.
            await trio.lowlevel.checkpoint()
        yield AnswerDone(
            text=text,
            engine="offline",
            model=None,
            sources=sources,
            prompt_tokens=0,
            completion_tokens=estimate_tokens(text),
            usage_estimated=True,
        )
