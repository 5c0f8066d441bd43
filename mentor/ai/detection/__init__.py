"""Question detection: pure code, no I/O, no clock, no model.

Data flow (see docs/detection.md): caption updates -> `assembly` (speaker turns) -> `tracker` (segments,
firing, answer rule) -> `analysis` (clause rules of the session language: `clauses_en` with
`lexicon.en`, `clauses_eu` with `lexicon.eu`) -> `verdict` (question parts) -> `kinds` (question kind) and
`excerpt` (the question text handed to the engine).
"""

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
