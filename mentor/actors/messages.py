"""What a session actor accepts (messages) and what it answers with (replies).

Handlers build a message, send it into the actor's bounded inbox, and await ``reply``. The actor fulfils
every reply exactly once, with a value or a Problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import trio

from mentor.ai.types import SpeakerRole
from mentor.errors import unavailable

if TYPE_CHECKING:
    from mentor.ai.types import AnswerDone, AnswerFailure

T = TypeVar("T")


class Reply(Generic[T]):
    """A one-shot answer slot."""

    __slots__ = ("_done", "_error", "_value")

    def __init__(self) -> None:
        self._done = trio.Event()
        self._value: T | None = None
        self._error: BaseException | None = None

    def set(self, value: T) -> None:
        if not self._done.is_set():
            self._value = value
            self._done.set()

    def fail(self, error: BaseException) -> None:
        if not self._done.is_set():
            self._error = error
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    async def wait(self, timeout_s: float) -> T:
        """The value; raises the actor's Problem, or 503 if no answer came within ``timeout_s``."""
        with trio.move_on_after(timeout_s):
            await self._done.wait()
        if not self._done.is_set():
            raise unavailable(f"the session did not answer within {timeout_s} s")
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class CaptionInput:
    """A caption as validated by the HTTP/WS layer; the actor checks what needs session state."""

    speaker_role: str | None  # None: the session's roster decides from speaker_name
    text: str
    speaker_name: str | None = None
    client_ts: float | None = None
    block_id: str | None = None
    revision: int = 0
    final: bool = True


@dataclass(slots=True, kw_only=True)
class Message:
    user_id: str
    reply: Reply[Any] = field(default_factory=Reply)
    internal: ClassVar[bool] = False  # sent by the actor's own tasks, not on behalf of a client


@dataclass(slots=True, kw_only=True)
class GetSession(Message):
    pass


@dataclass(slots=True, kw_only=True)
class AddCaptions(Message):
    captions: list[CaptionInput]


@dataclass(slots=True, kw_only=True)
class Subscribe(Message):
    after: int | None  # last event id the client has; None: a first connect, replay everything
    queue_size: int


@dataclass(slots=True, kw_only=True)
class ListSpeakers(Message):
    pass


@dataclass(slots=True, kw_only=True)
class SetSpeakerRole(Message):
    name: str  # checked by the HTTP layer (length, control characters)
    role: SpeakerRole


@dataclass(slots=True, kw_only=True)
class EndSession(Message):
    pass


@dataclass(slots=True, kw_only=True)
class DeleteSession(Message):
    pass


@dataclass(slots=True, kw_only=True)
class SetAutoAnswer(Message):
    enabled: bool


@dataclass(slots=True, kw_only=True)
class AskQuestion(Message):
    text: str


@dataclass(slots=True, kw_only=True)
class Regenerate(Message):
    question_id: str | None  # None: the latest question


@dataclass(slots=True, kw_only=True)
class Stop(Message):
    """Sent by the supervisor at shutdown: finish queued work, close every stream, exit."""

    internal: ClassVar[bool] = True
    user_id: str = ""


@dataclass(slots=True, kw_only=True)
class AnswerProgress(Message):
    """From an answer task to its actor: a delta, a failure (the fallback may follow), or the end."""

    internal: ClassVar[bool] = True
    answer_id: str
    delta: str | None = None
    failure: AnswerFailure | None = None
    final: bool = False  # with a failure: no answer follows
    done: AnswerDone | None = None
    first_token_ms: float | None = None
    complete_ms: float | None = None
