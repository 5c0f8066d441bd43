"""Question detection: pure code, no I/O, no clock, no model.

Data flow (see docs/detection.md): caption updates -> `assembly` (speaker turns) -> `tracker` (segments,
firing, answer rule) -> `analysis` (clause rules of the session language: `clauses_en` with
`lexicon.en`, `clauses_eu` with `lexicon.eu`) -> `verdict` (question parts) -> `kinds` (question kind) and
`excerpt` (the question text handed to the engine).

The modules on the per-update path may be compiled by mypyc at install time (setup.py); a compiled module
is found before its source, so one older than its source is refused here rather than run stale.
"""

from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

_SLACK_S = 2.0  # an install writes a module's source and compiled files within this of each other


def stale_compiled(folder: Path) -> list[str]:
    """Sources in `folder` edited after their compiled module was built (an editable install not redone)."""
    stale: list[str] = []
    for suffix in EXTENSION_SUFFIXES:
        for built in folder.glob(f"*{suffix}"):
            source = built.with_name(built.name[:-len(suffix)] + ".py")
            if source.exists() and source.stat().st_mtime > built.stat().st_mtime + _SLACK_S:
                stale.append(source.name)
    return sorted(stale)


if _stale := stale_compiled(Path(__file__).parent):
    raise ImportError(f"mentor.ai.detection: {', '.join(_stale)} changed after it was compiled; run "
                      "`.venv/bin/pip install -e .` again (or MENTOR_PURE_PYTHON=1 for pure Python)")

from mentor.ai.detection.analysis import analyse, is_question, language_code, normalise
from mentor.ai.detection.assembly import AssemblerSettings, CaptionAssembler, CaptionUpdate, Turn
from mentor.ai.detection.excerpt import question_excerpt
from mentor.ai.detection.kinds import question_kind
from mentor.ai.detection.tracker import DetectedQuestion, QuestionTracker, TrackerSettings
from mentor.ai.detection.verdict import QUESTION_THRESHOLD, STRONG_THRESHOLD, QuestionAnalysis, QuestionPart

__all__ = [
    "QUESTION_THRESHOLD", "STRONG_THRESHOLD", "AssemblerSettings", "CaptionAssembler", "CaptionUpdate",
    "DetectedQuestion", "QuestionAnalysis", "QuestionPart", "QuestionTracker", "TrackerSettings", "Turn",
    "analyse", "is_question", "language_code", "normalise", "question_excerpt", "question_kind",
]
