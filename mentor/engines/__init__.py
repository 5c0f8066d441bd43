"""Answer engines: the OpenAI-compatible engine, the offline engine, and the fallback that chains them.

Choose with `make_engine`: no model configured means the offline engine; a model means the OpenAI-compatible
engine wrapped in `FallbackEngine`, so a model failure still ends in an answer. Every engine is an async
context manager, entered and left (closed) by the runtime. `answer_steps` is the one answer pipeline.
"""

from mentor.engines.base import AnswerEngine, AnswerError
from mentor.engines.fallback import FallbackEngine
from mentor.engines.offline import OfflineEngine
from mentor.engines.openai_engine import OpenAIEngine, OpenAIEngineSettings
from mentor.engines.pipeline import Failed, Finished, Step, answer_steps


def make_engine(
    *,
    model: str | None,
    api_key: str | None = None,
    base_url: str | None = None,
    settings: OpenAIEngineSettings | None = None,
) -> AnswerEngine:
    """The engine for a configuration: `OfflineEngine` without a model, else the model with fallback."""
    if not model:
        return OfflineEngine()
    primary = OpenAIEngine(
        model=model, api_key=api_key, base_url=base_url, settings=settings or OpenAIEngineSettings()
    )
    return FallbackEngine(primary, OfflineEngine())


__all__ = [
    "AnswerEngine",
    "AnswerError",
    "Failed",
    "FallbackEngine",
    "Finished",
    "OfflineEngine",
    "OpenAIEngine",
    "OpenAIEngineSettings",
    "Step",
    "answer_steps",
    "make_engine",
]
