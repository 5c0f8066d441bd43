"""The offline engine: streams `mentor.ai.compose`'s answer; never fails and never does I/O."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator

import trio

from mentor.ai.compose import compose
from mentor.ai.prompt import estimate_tokens
from mentor.ai.types import AnswerDelta, AnswerDone, AnswerEvent, AnswerRequest
from mentor.engines.base import EngineContext

_CHUNK = re.compile(r"\s*\S+\s*")


class OfflineEngine(EngineContext):
    """Answers from the request's own material.

    `stream` yields `AnswerDelta`s then one `AnswerDone` with engine "offline", model None, prompt_tokens 0
    and an estimated completion token count.
    """

    name = "offline"

    def compose(self, request: AnswerRequest) -> tuple[str, tuple[str, ...]]:
        return compose(request)

    async def stream(self, request: AnswerRequest) -> AsyncGenerator[AnswerEvent, None]:
        """Stream the composed answer in word-sized chunks. Cancellable at every chunk."""
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
