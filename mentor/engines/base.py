"""The engine seam: what every answer engine provides, and how it fails."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from types import TracebackType
from typing import Protocol, Self

import trio

from mentor.ai.types import AnswerEvent, AnswerRequest

CLOSE_TIMEOUT_S = 5.0
"""Longest an engine may take to close when the runtime leaves it."""


class AnswerError(Exception):
    """An engine could not produce an answer. `retryable` says whether asking again may work."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class AnswerEngine(Protocol):
    """Something that streams an answer.

    `stream` returns an async generator that yields `AnswerDelta`s (and, for the fallback engine, at most
    one `AnswerFailure`) and ends with exactly one `AnswerDone`; non-fallback engines raise `AnswerError`
    instead when they cannot answer. It may be cancelled at any await; consume it inside
    `contextlib.aclosing(...)` (as `mentor.engines.pipeline` does) so an abandoned stream releases its
    connection at once.

    Every engine is an async context manager: the runtime enters it at start-up and leaves it at shutdown,
    which closes what the engine holds (the OpenAI engine's connection pool).
    """

    name: str

    def stream(self, request: AnswerRequest) -> AsyncGenerator[AnswerEvent, None]: ...

    async def aclose(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None: ...


class EngineContext:
    """The async-context-manager half of `AnswerEngine`, for engines to inherit: leaving calls `aclose`."""

    async def aclose(self) -> None:
        """Release what the engine holds; nothing by default."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        # Shielded so a cancelled shutdown still closes connections; bounded so a dead peer cannot hold it.
        with trio.CancelScope(shield=True), trio.move_on_after(CLOSE_TIMEOUT_S):
            await self.aclose()
