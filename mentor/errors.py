"""The one exception type for errors a client can act on, rendered as problem+json or a WebSocket error."""

from __future__ import annotations

from typing import Any


class Problem(Exception):
    """An RFC 9457 problem: ``code`` is stable and machine-readable, ``detail`` says what to fix."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": f"https://mentor.dev/problems/{self.code}",
            "title": self.code.replace("_", " "),
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
            **self.extra,
        }


def not_found(what: str = "session") -> Problem:
    # The same answer for "does not exist" and "belongs to someone else": ids leak nothing.
    return Problem(404, f"{what}_not_found", f"no such {what}")


def unavailable(detail: str) -> Problem:
    return Problem(503, "unavailable", detail)
