"""The vocabulary of answers: what goes into an engine and what streams out of it.

Everything here is plain frozen data so that prompt building, retrieval and the offline engine stay pure
functions over it; the engines (`mentor.engines`) are the only parts that do I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, TypeAlias


class QuestionKind(StrEnum):
    """The question kinds, agreed for this round (issues 11 and 17): detection classifies into them, the
    prompt and the offline composer shape an answer per kind. small_talk (greetings, "can you hear me?")
    never calls the model; follow_up continues the previous answer. Members equal their strings, so
    ``kind == "technical"`` and dict lookups by plain string keep working."""

    BEHAVIORAL = "behavioral"
    TECHNICAL = "technical"
    SYSTEM_DESIGN = "system_design"
    SITUATIONAL = "situational"
    BACKGROUND = "background"
    FOLLOW_UP = "follow_up"
    CLARIFYING = "clarifying"
    LOGISTICS = "logistics"
    SMALL_TALK = "small_talk"
    OTHER = "other"


class SpeakerRole(StrEnum):
    """Who said a caption: the interviewer (whose questions are detected and answered), the candidate (the
    user), or anyone else in the call. Members equal their strings."""

    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"
    OTHER = "other"

ExperienceLevel: TypeAlias = Literal["entry", "mid", "senior", "lead"]
EngineName: TypeAlias = Literal["openai", "offline"]


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of context an answer may use.

    `source` is "resume" | "job" | "kb" | "history" | "company"; `ref` is a stable id such as
    "resume:experience:2" or "kb:12:3" and is what `AnswerDone.sources` lists.
    """

    source: str
    ref: str
    title: str
    text: str
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class ExperienceEntry:
    """One job from a resume. Years are calendar years; `end_year` is None for a current job."""

    employer: str
    role: str
    dates: str
    bullets: tuple[str, ...] = ()
    start_year: int | None = None
    end_year: int | None = None

    @property
    def is_current(self) -> bool:
        return self.start_year is not None and self.end_year is None


@dataclass(frozen=True, slots=True)
class ResumeProfile:
    """A parsed resume with contact details removed (see `mentor.ai.resume`).

    `headline` is the title line under the name, if any; `other` keeps sections we do not model
    (certifications, awards, ...) as (heading, text) pairs so nothing the candidate wrote is lost.
    """

    summary: str = ""
    headline: str = ""
    experience: tuple[ExperienceEntry, ...] = ()
    skills: tuple[str, ...] = ()
    education: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    other: tuple[tuple[str, str], ...] = ()
    experience_level: ExperienceLevel = "entry"
    total_years: float = 0.0


@dataclass(frozen=True, slots=True)
class AnswerRequest:
    """Everything an engine may use to answer one interview question.

    `kb_passages` arrive already retrieved by the store; `history` holds earlier (question, suggested answer)
    pairs of this session, oldest first; `conversation` holds what was actually said; `language` is
    BCP-47-ish ("en", "de-AT").
    """

    question: str
    kind: str
    parts: tuple[str, ...] = ()
    language: str = "en"
    company: str | None = None
    role: str | None = None
    job_description: str | None = None
    resume: ResumeProfile | None = None
    kb_passages: tuple[Passage, ...] = ()
    history: tuple[tuple[str, str], ...] = ()
    company_summary: str | None = None
    # The conversation as it happened, oldest first: (speaker role, text) per turn, the candidate's own words
    # included ("interviewer" | "candidate" | "other"). The actor fills it from its caption blocks.
    conversation: tuple[tuple[str, str], ...] = ()
    candidate_name: str | None = None
    interviewer_name: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerDelta:
    """The next piece of answer text, to be appended to what came before."""

    text: str


@dataclass(frozen=True, slots=True)
class AnswerFailure:
    """The engine in use failed; the text streamed so far is void and a new answer follows.

    Emitted by `FallbackEngine` just before the offline engine takes over.
    """

    reason: str
    retryable: bool


@dataclass(frozen=True, slots=True)
class AnswerDone:
    """The last event of every answer stream: the whole text and what it cost."""

    text: str
    engine: str
    model: str | None
    sources: tuple[str, ...]
    prompt_tokens: int
    completion_tokens: int
    usage_estimated: bool = False


AnswerEvent: TypeAlias = AnswerDelta | AnswerFailure | AnswerDone
