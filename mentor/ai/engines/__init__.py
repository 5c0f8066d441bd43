"""Answer engines: the LLM engine, the offline engine, and the fallback that chains them.

Choose with `make_engine`: no model configured means the offline engine; a model means the OpenAI-compatible
engine wrapped in `FallbackEngine`, so a model failure still ends in an answer.

The engine classes are imported on first use: they depend on `mentor.ai.prompt`, which depends on the types
in `base`, and an eager import here would make that a cycle.
"""

from typing import TYPE_CHECKING

from mentor.ai.engines.base import (
    AnswerDelta,
    AnswerDone,
    AnswerEngine,
    AnswerError,
    AnswerEvent,
    AnswerFailure,
    AnswerRequest,
    ExperienceEntry,
    ExperienceLevel,
    Passage,
    QuestionKind,
    ResumeProfile,
)

if TYPE_CHECKING:
    from mentor.ai.engines.fallback import FallbackEngine
    from mentor.ai.engines.offline import OfflineEngine
    from mentor.ai.engines.openai_engine import OpenAIEngine, OpenAIEngineSettings

_LAZY = {
    "FallbackEngine": "mentor.ai.engines.fallback",
    "OfflineEngine": "mentor.ai.engines.offline",
    "OpenAIEngine": "mentor.ai.engines.openai_engine",
    "OpenAIEngineSettings": "mentor.ai.engines.openai_engine",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def make_engine(
    *,
    model: str | None,
    api_key: str | None = None,
    base_url: str | None = None,
    settings: "OpenAIEngineSettings | None" = None,
) -> AnswerEngine:
    """The engine for a configuration: `OfflineEngine` without a model, else the model with fallback."""
    from mentor.ai.engines.fallback import FallbackEngine
    from mentor.ai.engines.offline import OfflineEngine
    from mentor.ai.engines.openai_engine import OpenAIEngine, OpenAIEngineSettings

    if not model:
        return OfflineEngine()
    primary = OpenAIEngine(
        model=model, api_key=api_key, base_url=base_url, settings=settings or OpenAIEngineSettings()
    )
    return FallbackEngine(primary, OfflineEngine())


__all__ = [
    "AnswerDelta",
    "AnswerDone",
    "AnswerEngine",
    "AnswerError",
    "AnswerEvent",
    "AnswerFailure",
    "AnswerRequest",
    "ExperienceEntry",
    "ExperienceLevel",
    "FallbackEngine",
    "OfflineEngine",
    "OpenAIEngine",
    "OpenAIEngineSettings",
    "Passage",
    "QuestionKind",
    "ResumeProfile",
    "make_engine",
]
