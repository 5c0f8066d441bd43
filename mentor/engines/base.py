"""The engine seam: what every answer engine provides, and how it fails."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Protocol

from mentor.ai.types import AnswerEvent, AnswerRequest


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
    `contextlib.aclosing(...)` so an abandoned stream releases its connection at once.
    """

    name: str

    def stream(self, request: AnswerRequest) -> AsyncGenerator[AnswerEvent, None]: ...
