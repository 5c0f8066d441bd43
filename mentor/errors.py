"""The one exception type for errors a client can act on, rendered as problem+json or a WebSocket error,
and the one list of problem codes, each with its HTTP status.

docs/protocol.md lists every code with its status (tests/test_vocabulary.py keeps the two in step).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal


class ProblemCode(StrEnum):
    """Every ``code`` a client can receive. Stable: clients branch on it. The status comes with the code."""

    # 400: the request itself is malformed
    BAD_REQUEST = "bad_request"
    INVALID_JSON = "invalid_json"
    INVALID_QUERY = "invalid_query"
    INVALID_CURSOR = "invalid_cursor"
    FILE_MISSING = "file_missing"
    MISSING_ID = "missing_id"
    UNKNOWN_TYPE = "unknown_type"
    UNKNOWN_MESSAGE = "unknown_message"
    # 401
    UNAUTHORIZED = "unauthorized"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_REVOKED = "token_revoked"
    INVALID_PAIRING_CODE = "invalid_pairing_code"
    INVALID_SHARE_LINK = "invalid_share_link"
    # 403: a share or device token asks for more than its grant allows
    FORBIDDEN = "forbidden"
    # 404: missing or someone else's (indistinguishable)
    NOT_FOUND = "not_found"
    SESSION_NOT_FOUND = "session_not_found"
    QUESTION_NOT_FOUND = "question_not_found"
    RESUME_NOT_FOUND = "resume_not_found"
    DOCUMENT_NOT_FOUND = "document_not_found"
    DEVICE_NOT_FOUND = "device_not_found"
    SHARE_NOT_FOUND = "share_not_found"
    # 405, 408
    METHOD_NOT_ALLOWED = "method_not_allowed"
    REQUEST_TIMEOUT = "request_timeout"
    # 409: conflicts with the current state
    EMAIL_TAKEN = "email_taken"
    SESSION_ENDED = "session_ended"
    REVISION_BACKWARDS = "revision_backwards"
    BLOCK_FINAL = "block_final"
    TOO_MANY_SPEAKERS = "too_many_speakers"
    # 413
    REQUEST_ENTITY_TOO_LARGE = "request_entity_too_large"
    BATCH_TOO_LARGE = "batch_too_large"
    FILE_TOO_LARGE = "file_too_large"
    # 415
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UNSUPPORTED_FILE_TYPE = "unsupported_file_type"
    FILE_CONTENT_MISMATCH = "file_content_mismatch"
    # 422: well-formed but wrong
    INVALID_BODY = "invalid_body"
    INVALID_MESSAGE = "invalid_message"
    INVALID_CAPTION = "invalid_caption"
    CAPTION_TOO_LONG = "caption_too_long"
    INVALID_TIMESTAMP = "invalid_timestamp"
    TIMESTAMP_BEFORE_SESSION = "timestamp_before_session"
    TIMESTAMP_IN_FUTURE = "timestamp_in_future"
    REVISION_WITHOUT_BLOCK = "revision_without_block"
    UNKNOWN_SPEAKER = "unknown_speaker"
    INVALID_SPEAKER_NAME = "invalid_speaker_name"
    INVALID_SPEAKER_ROLE = "invalid_speaker_role"
    EMPTY_FILE = "empty_file"
    UNREADABLE_FILE = "unreadable_file"
    NO_TEXT = "no_text"
    DOCUMENT_TOO_LONG = "document_too_long"
    # 429
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    TOO_MANY_REGISTRATIONS = "too_many_registrations"
    QUOTA_EXCEEDED = "quota_exceeded"
    # 5xx
    INTERNAL_ERROR = "internal_error"
    ANSWER_FAILED = "answer_failed"
    UNAVAILABLE = "unavailable"
    ANSWER_TIMEOUT = "answer_timeout"

    @property
    def status(self) -> int:
        return PROBLEM_STATUS[self]


PROBLEM_STATUS: dict[ProblemCode, int] = {
    **dict.fromkeys((ProblemCode.BAD_REQUEST, ProblemCode.INVALID_JSON, ProblemCode.INVALID_QUERY,
                     ProblemCode.INVALID_CURSOR, ProblemCode.FILE_MISSING, ProblemCode.MISSING_ID,
                     ProblemCode.UNKNOWN_TYPE, ProblemCode.UNKNOWN_MESSAGE), 400),
    **dict.fromkeys((ProblemCode.UNAUTHORIZED, ProblemCode.TOKEN_EXPIRED, ProblemCode.TOKEN_REVOKED,
                     ProblemCode.INVALID_PAIRING_CODE, ProblemCode.INVALID_SHARE_LINK), 401),
    ProblemCode.FORBIDDEN: 403,
    **dict.fromkeys((ProblemCode.NOT_FOUND, ProblemCode.SESSION_NOT_FOUND, ProblemCode.QUESTION_NOT_FOUND,
                     ProblemCode.RESUME_NOT_FOUND, ProblemCode.DOCUMENT_NOT_FOUND, ProblemCode.DEVICE_NOT_FOUND,
                     ProblemCode.SHARE_NOT_FOUND), 404),
    ProblemCode.METHOD_NOT_ALLOWED: 405,
    ProblemCode.REQUEST_TIMEOUT: 408,
    **dict.fromkeys((ProblemCode.EMAIL_TAKEN, ProblemCode.SESSION_ENDED, ProblemCode.REVISION_BACKWARDS,
                     ProblemCode.BLOCK_FINAL, ProblemCode.TOO_MANY_SPEAKERS), 409),
    **dict.fromkeys((ProblemCode.REQUEST_ENTITY_TOO_LARGE, ProblemCode.BATCH_TOO_LARGE,
                     ProblemCode.FILE_TOO_LARGE), 413),
    **dict.fromkeys((ProblemCode.UNSUPPORTED_MEDIA_TYPE, ProblemCode.UNSUPPORTED_FILE_TYPE,
                     ProblemCode.FILE_CONTENT_MISMATCH), 415),
    **dict.fromkeys((ProblemCode.INVALID_BODY, ProblemCode.INVALID_MESSAGE, ProblemCode.INVALID_CAPTION,
                     ProblemCode.CAPTION_TOO_LONG, ProblemCode.INVALID_TIMESTAMP,
                     ProblemCode.TIMESTAMP_BEFORE_SESSION, ProblemCode.TIMESTAMP_IN_FUTURE,
                     ProblemCode.REVISION_WITHOUT_BLOCK, ProblemCode.UNKNOWN_SPEAKER, ProblemCode.INVALID_SPEAKER_NAME,
                     ProblemCode.INVALID_SPEAKER_ROLE, ProblemCode.EMPTY_FILE,
                     ProblemCode.UNREADABLE_FILE, ProblemCode.NO_TEXT, ProblemCode.DOCUMENT_TOO_LONG), 422),
    **dict.fromkeys((ProblemCode.TOO_MANY_ATTEMPTS, ProblemCode.TOO_MANY_REGISTRATIONS,
                     ProblemCode.QUOTA_EXCEEDED), 429),
    ProblemCode.INTERNAL_ERROR: 500,
    ProblemCode.ANSWER_FAILED: 502,
    ProblemCode.UNAVAILABLE: 503,
    ProblemCode.ANSWER_TIMEOUT: 504,
}
"""The HTTP status of each code (a WebSocket ``error`` carries it too). Every code has exactly one."""


class Problem(Exception):
    """An RFC 9457 problem: ``code`` is stable and machine-readable (and fixes the status), ``detail`` says
    what to fix, ``extra`` adds fields such as ``index`` or ``errors``."""

    def __init__(self, code: ProblemCode, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.status = code.status
        self.detail = detail
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": f"https://mentor.dev/problems/{self.code}",
            "title": self.code.replace("_", " "),
            "status": self.status,
            "code": self.code.value,
            "detail": self.detail,
            **self.extra,
        }


_NOT_FOUND = {"session": ProblemCode.SESSION_NOT_FOUND, "question": ProblemCode.QUESTION_NOT_FOUND,
              "resume": ProblemCode.RESUME_NOT_FOUND, "document": ProblemCode.DOCUMENT_NOT_FOUND,
              "device": ProblemCode.DEVICE_NOT_FOUND, "share": ProblemCode.SHARE_NOT_FOUND}


def not_found(what: Literal["session", "question", "resume", "document", "device", "share"] = "session") -> Problem:
    # The same answer for "does not exist" and "belongs to someone else": ids leak nothing.
    return Problem(_NOT_FOUND[what], f"no such {what}")


def unavailable(detail: str) -> Problem:
    return Problem(ProblemCode.UNAVAILABLE, detail)
