"""Request bodies as pydantic models: what the outside may send, checked before any actor sees it."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from mentor.ai.types import SpeakerRole

# C0 controls other than tab and newline, DEL, and lone surrogates (which cannot be encoded as UTF-8).
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def _clean(value: str) -> str:
    value = value.replace("\r\n", "\n")
    # Every forbidden character is unprintable (Cc, Cs): a printable text, the common case whatever its script
    # (curly quotes, accents), needs no regex scan; one with a newline, a tab or a no-break space gets one.
    if not value.isprintable() and _FORBIDDEN.search(value):
        raise ValueError("control characters and unpaired surrogates are not allowed")
    return value


NOT_BLANK_SCHEMA = Field(json_schema_extra={"pattern": r"\S"})  # the rule, in /openapi.json too


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value


Text = Annotated[StrictStr, AfterValidator(_clean)]
Name = Annotated[StrictStr, Field(max_length=200), AfterValidator(_clean)]
Title = Annotated[StrictStr, Field(min_length=1, max_length=200), AfterValidator(_clean), AfterValidator(not_blank),
                  NOT_BLANK_SCHEMA]
Language = Annotated[StrictStr, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]  # BCP-47-ish: en, de-AT
JobDescription = Annotated[Text, Field(max_length=50_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Credentials(Strict):
    email: Annotated[StrictStr, Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    password: Annotated[StrictStr, Field(min_length=8, max_length=256)]


class RefreshBody(Strict):
    refresh_token: Annotated[StrictStr, Field(min_length=10, max_length=200)]


class SessionCreate(Strict):
    title: Title
    company: Name | None = None
    role: Name | None = None
    job_description: JobDescription | None = None
    language: Language = "en"
    candidate_name: Name | None = None
    interviewer_name: Name | None = None


class CaptionIn(Strict):
    speaker_role: SpeakerRole | None = Field(
        default=None, description="who spoke; may be left out when speaker_name is given (the session decides)")
    speaker_name: Name | None = None
    text: Annotated[Text, AfterValidator(not_blank), NOT_BLANK_SCHEMA]
    client_ts: datetime | float | None = Field(
        default=None, description="when the words were spoken: UNIX seconds or ISO 8601 with a time zone")
    block_id: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9._:@/-]{1,128}$")] | None = Field(
        default=None, description="live-caption block this text belongs to; omit for a one-off final caption")
    revision: Annotated[StrictInt, Field(ge=0, lt=2**31)] = 0
    final: StrictBool = True

    def timestamp(self) -> float | None:
        if isinstance(self.client_ts, datetime):
            if self.client_ts.tzinfo is None:
                raise ValueError("client_ts needs a time zone")
            return self.client_ts.timestamp()
        if self.client_ts is not None and not math.isfinite(self.client_ts):
            raise ValueError("client_ts must be a finite number of seconds")  # NaN would be stored as null
        return self.client_ts


class CaptionBatch(Strict):
    captions: list[CaptionIn]


class QuestionAsk(Strict):
    text: Annotated[Text, Field(max_length=5000), AfterValidator(not_blank), NOT_BLANK_SCHEMA]


class RegenerateBody(Strict):
    question_id: Annotated[StrictStr, Field(max_length=64)] | None = None


class SpeakerRoleBody(Strict):
    role: StrictStr = Field(description="interviewer, candidate or other")


class AutoAnswerBody(Strict):
    enabled: StrictBool


class MarkBody(Strict):
    """Synced state: the candidate pins, dismisses or marks a question answered (``value: false`` undoes)."""

    question_id: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    mark: Literal["pinned", "dismissed", "answered"]
    value: StrictBool = True


class HintBody(Strict):
    text: Annotated[Text, Field(max_length=1000), AfterValidator(not_blank)]


class ShareCreate(Strict):
    role: Literal["viewer", "coach"]
    expires_in_s: Annotated[StrictInt, Field(ge=60)] | None = None
    label: Annotated[Text, Field(max_length=100)] | None = None


class ShareOpen(Strict):
    token: Annotated[StrictStr, Field(min_length=10, max_length=200)]


class PairingRedeem(Strict):
    code: Annotated[StrictStr, Field(min_length=4, max_length=32)]
    name: Annotated[Text, Field(min_length=1, max_length=100), AfterValidator(not_blank)] = "device"


def error_list(errors: list[Any]) -> list[dict[str, Any]]:
    """pydantic's errors, reduced to what a client needs (and JSON-safe)."""
    return [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg")), "type": str(e.get("type"))}
            for e in errors]
