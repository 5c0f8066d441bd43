"""One entry point for the clause rules of every supported language.

`analyse(text, language)` picks the rules by the session language's primary subtag ("de-AT" -> "de"):
English has its own, richer rules (`clauses_en`); German, French and Spanish share one rule set driven by
their word lists (`clauses_eu`). Unknown languages fall back to English, then to the language-neutral
cues ("?" and "¿").
"""

from __future__ import annotations

from mentor.ai.detection import clauses_en, clauses_eu
from mentor.ai.detection.clauses_en import normalise
from mentor.ai.detection.verdict import QuestionAnalysis

__all__ = ["analyse", "is_question", "language_code", "normalise"]


def language_code(language: str | None) -> str:
    """Primary subtag, lowercased: "de-AT" -> "de"; empty or None -> "en"."""
    code = (language or "en").split("-", 1)[0].split("_", 1)[0].strip().lower()
    return code or "en"


def analyse(text: str, language: str | None = "en", armed: bool = False,
            lead: tuple[str, ...] = ()) -> QuestionAnalysis:
    """Classify a text in the given language; never raises. Cost: O(tokens).

    `armed`: the text continues one that ended with a preface announcing a question. `lead`: the text starts
    inside a sentence whose first words (lowercased) are these; see `clauses_en.analyse`."""
    code = language_code(language)
    if code in clauses_eu.LANGUAGES:
        return clauses_eu.analyse(text, code, armed)
    return clauses_en.analyse(text, armed, lead)


def is_question(text: str, language: str | None = "en") -> bool:
    """True when analyse(text, language) finds at least one question part."""
    return analyse(text, language).is_question
