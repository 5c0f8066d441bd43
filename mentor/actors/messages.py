"""What a session actor accepts (messages) and what it answers with (replies).

Handlers build a message, hand it to ``SessionSupervisor.ask`` and get the value its type promises: each
message class is a ``Message[T]`` and ``ask`` returns ``T``. The actor fulfils every reply exactly once,
with an ``outcome.Value`` or an ``outcome.Error`` (a Problem), as trio's ``outcome`` models a call's result.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import outcome
import trio

from mentor.actors.subscribers import Subscription
from mentor.errors import unavailable

if TYPE_CHECKING:
    from mentor.ai.types import AnswerDone, AnswerFailure, SpeakerRole

T = TypeVar("T")

Row = dict[str, Any]


class Reply(Generic[T]):
    """A one-shot answer slot holding an ``outcome.Outcome``; the first fulfilment wins."""

    __slots__ = ("_done", "_outcome")

    def __init__(self) -> None:
        self._done = trio.Event()
        self._outcome: outcome.Outcome[T] | None = None

    def send(self, result: outcome.Outcome[T]) -> None:
        if self._outcome is None:
            self._outcome = result
            self._done.set()

    def set(self, value: T) -> None:
        self.send(outcome.Value(value))

    def fail(self, error: BaseException) -> None:
        self.send(outcome.Error(error))

    @property
    def done(self) -> bool:
        return self._outcome is not None

    async def wait(self, timeout_s: float) -> T:
        """The value; raises the actor's Problem, or 503 if no answer came within ``timeout_s``."""
        if self._outcome is None:
            with trio.move_on_after(timeout_s):
                await self._done.wait()
        if self._outcome is None:
            raise unavailable(f"the session did not answer within {timeout_s} s")
        return self._outcome.unwrap()


def auto_block_id() -> str:
    """The block id of a caption sent without one: the actor's, or a forwarder's made once for every retry."""
    return f"auto-{secrets.token_hex(16)}"


@dataclass(frozen=True, slots=True)
class CaptionInput:
    """A caption as validated by the HTTP/WS layer; the actor checks what needs session state."""

    speaker_role: str | None  # None: the session's speakers decide from speaker_name
    text: str
    speaker_name: str | None = None
    client_ts: float | None = None
    block_id: str | None = None
    revision: int = 0
    final: bool = True


@dataclass(slots=True, kw_only=True)
class Message(Generic[T]):
    """``T`` is what the reply carries."""

    user_id: str
    reply: Reply[T] = field(default_factory=Reply)
    internal: ClassVar[bool] = False  # sent by the actor's own tasks, not on behalf of a client


@dataclass(slots=True, kw_only=True)
class CreateSession(Message[Row]):
    """The first message of a new session's actor: stores the row and event 1 (``session_created``)."""


@dataclass(slots=True, kw_only=True)
class GetSession(Message[Row]):
    pass


@dataclass(slots=True, kw_only=True)
class AddCaptions(Message[list[Row]]):
    captions: list[CaptionInput]


@dataclass(slots=True, kw_only=True)
class Subscribe(Message[Subscription]):
    after: int | None  # last event id the client has; None: a first connect, replay everything
    queue_size: int
    watcher: dict[str, Any] | None = None  # presence: who watches (role, device); None: not announced
    presence: bool = False  # this stream wants ``presence`` events (clients opt in: older ones never see them)


@dataclass(slots=True, kw_only=True)
class MarkQuestion(Message[Row]):
    """Synced state: pin, dismiss or mark answered (``value`` False undoes it)."""

    question_id: str
    mark: str
    value: bool
    by: str  # the role that marked it


@dataclass(slots=True, kw_only=True)
class SendHint(Message[Row]):
    text: str
    by: str  # the role that sent it


@dataclass(slots=True, kw_only=True)
class ListSpeakers(Message[list[Row]]):
    pass


@dataclass(slots=True, kw_only=True)
class SetSpeakerRole(Message[Row]):
    name: str  # checked by the HTTP layer (length, control characters)
    role: SpeakerRole


@dataclass(slots=True, kw_only=True)
class EndSession(Message[Row]):
    pass


@dataclass(slots=True, kw_only=True)
class DeleteSession(Message[None]):
    pass


@dataclass(slots=True, kw_only=True)
class SetAutoAnswer(Message[Row]):
    enabled: bool


@dataclass(slots=True, kw_only=True)
class AskQuestion(Message[Row]):
    text: str


@dataclass(slots=True, kw_only=True)
class Regenerate(Message[Row]):
    question_id: str | None  # None: the latest question


@dataclass(slots=True, kw_only=True)
class Stop(Message[None]):
    """Sent by the supervisor at shutdown: finish queued work, end the answer in flight, close every
    stream, exit."""

    internal: ClassVar[bool] = True
    user_id: str = ""


@dataclass(slots=True, kw_only=True)
class AnswerProgress(Message[None]):
    """From an answer task to its actor: a delta, a failure (the fallback may follow), or the end."""

    internal: ClassVar[bool] = True
    answer_id: str
    delta: str | None = None
    failure: AnswerFailure | None = None
    final: bool = False  # with a failure: no answer follows
    done: AnswerDone | None = None
    first_token_ms: float | None = None
    complete_ms: float | None = None
