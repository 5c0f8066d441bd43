"""The events a session emits, and their wire formats (SSE and WebSocket) derived in this one place.

An event is encoded once, when first needed, and the same bytes go to every subscriber.
"""

from __future__ import annotations

import json
import time
from enum import StrEnum
from typing import Any

import orjson


class EventType(StrEnum):
    # durable: stored in the session's event log, carry an id, replayed on reconnect
    SESSION_CREATED = "session_created"
    SESSION_ENDED = "session_ended"
    NEW_CAPTION = "new_caption"
    CAPTION_UPDATED = "caption_updated"
    SPEAKER_UPDATED = "speaker_updated"
    QUESTION_DETECTED = "question_detected"
    ANSWERS_PAUSED = "answers_paused"
    ANSWERS_RESUMED = "answers_resumed"
    ANSWER_STARTED = "answer_started"
    ANSWER_DELTA = "answer_delta"
    NEW_ANSWER = "new_answer"
    ANSWER_FAILED = "answer_failed"
    ANSWER_CANCELLED = "answer_cancelled"
    QUESTION_MARKED = "question_marked"  # synced state: pinned / dismissed / answered, on every device
    HINT = "hint"  # a coach's hint to the candidate
    # broadcast to every stream of the session but not stored: no id, not replayed
    PRESENCE = "presence"
    # stream control: per connection, no id, never stored
    HEARTBEAT = "heartbeat"
    RESET = "reset"
    LAGGED = "lagged"
    SHUTDOWN = "shutdown"
    SESSION_DELETED = "session_deleted"
    TOKEN_EXPIRED = "token_expired"
    ACCESS_REVOKED = "access_revoked"


class CloseReason(StrEnum):
    """Why the session closed a stream (SSE or WebSocket); it decides the stream's last control event
    (``mentor.actors.streams.FINAL_EVENTS``) and is that event's ``reason``."""

    LAGGED = "lagged"  # fell more than subscriber_queue_size events behind -> ``lagged``
    SHUTDOWN = "shutdown"  # the server is stopping -> ``shutdown``
    RESTART = "restart"  # the session's actor is restarting -> ``shutdown`` (reconnect)
    DELETED = "deleted"  # the session was deleted -> ``session_deleted``
    ENDED = "ended"  # the session ended: the stream finishes after its ``session_ended`` event


def dumps(data: Any) -> str:
    """Compact JSON (orjson: several times faster than json on the per-event hot path). Control characters
    are escaped, so no value can break SSE framing."""
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()  # row keys may be str subclasses


class Event:
    """One event of one session. ``seq`` is the per-session id; 0 for stream-control events."""

    __slots__ = ("_sse", "_ws", "at", "data_json", "seq", "session_id", "type")

    def __init__(self, session_id: str, seq: int, type: str, data_json: str, at: float) -> None:
        self.session_id = session_id
        self.seq = seq
        self.type = type
        self.data_json = data_json
        self.at = at
        self._sse: bytes | None = None
        self._ws: str | None = None

    @classmethod
    def make(cls, session_id: str, seq: int, type: EventType, data: dict[str, Any]) -> Event:
        return cls(session_id, seq, type.value, dumps(data), time.time())

    @classmethod
    def control(cls, session_id: str, type: EventType, data: dict[str, Any]) -> Event:
        return cls.make(session_id, 0, type, data)

    @classmethod
    def heartbeat(cls, session_id: str) -> Event:
        """The ``heartbeat`` every stream gets in quiet times: ``{t}``, the server's wall clock."""
        return cls.control(session_id, EventType.HEARTBEAT, {"t": round(time.time(), 3)})

    @property
    def data(self) -> Any:
        return json.loads(self.data_json)

    @property
    def sse(self) -> bytes:
        if self._sse is None:
            head = f"id: {self.seq}\n" if self.seq else ""
            self._sse = f"{head}event: {self.type}\ndata: {self.data_json}\n\n".encode()
        return self._sse

    @property
    def ws(self) -> str:
        if self._ws is None:
            seq = self.seq if self.seq else "null"
            self._ws = f'{{"type":"event","id":{seq},"event":"{self.type}","data":{self.data_json}}}'
        return self._ws

    def __repr__(self) -> str:
        return f"Event({self.session_id!r}, {self.seq}, {self.type!r}, {self.data_json[:60]!r})"
