"""Answer engines: the OpenAI-compatible engine, the offline engine, and the fallback that chains them.

Choose with `make_engine`: no model configured means the offline engine; a model means the OpenAI-compatible
engine wrapped in `FallbackEngine`, so a model failure still ends in an answer. Every engine has `aclose`,
which the runtime calls at shutdown.
"""

from mentor.engines.base import AnswerEngine, AnswerError
from mentor.engines.fallback import FallbackEngine
from mentor.engines.offline import OfflineEngine
from mentor.engines.openai_engine import OpenAIEngine, OpenAIEngineSettings


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
    "FallbackEngine",
    "OfflineEngine",
    "OpenAIEngine",
    "OpenAIEngineSettings",
    "make_engine",
]
