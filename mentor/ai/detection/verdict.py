"""The verdict of the clause rules on one text: question parts with their cue and score.

Shared by every language's rules (`clauses_en`, `clauses_eu`) and read by the tracker.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["QUESTION_THRESHOLD", "STRONG_THRESHOLD", "QuestionAnalysis", "QuestionPart"]

# Below this score a text is not reported as a question.
QUESTION_THRESHOLD = 0.5
# At or above this score a question may fire before the end of turn (see the tracker).
STRONG_THRESHOLD = 0.75


# Named tuples, not frozen dataclasses: the tracker builds several per caption update, and a frozen
# dataclass pays a checked setattr per field (~10 k instructions for a part against ~4 k). Immutable and
# hashable all the same, with the same repr.
class QuestionPart(NamedTuple):
    """One question clause: its text and the cue that made it a question."""

    text: str
    cue: str        # "wh" | "aux" | "prompt" | "indirect" | "tag" | "declarative" | "qmark"
    score: float    # 0..1
    complete: bool  # looks syntactically finished (no dangling function word)
    start: int = 0  # character span of `text` in the analysed text
    end: int = 0


class QuestionAnalysis(NamedTuple):
    """Verdict for a whole text (one utterance or one interviewer turn)."""

    is_question: bool
    confidence: float
    parts: tuple[QuestionPart, ...]  # question clauses in order; empty when not a question
    ends_with_question: bool         # the last clause of the text belongs to a question part
    complete: bool                   # ends_with_question and the last part looks finished
    ends_with_qmark: bool            # the text ends with "?" (a weak cue in live captions)
    # Character offsets where the text may be cut and the rest analysed on its own with the same verdict
    # for what lies before: after a real sentence end, or before a clause-start marker ("so", "and") in an
    # unpunctuated run, or between content words where no cue can span the cut. The tracker re-analyses
    # only the text after its last such cut.
    cuts: tuple[int, ...] = ()
    # (start, end) of every sentence, for cutting the question text handed to the engine.
    sentences: tuple[tuple[int, int], ...] = ()
    # The text ends with a preface that announces a question ("let me ask you about ...") and no question
    # after it: the detector waits for the question instead of firing.
    armed: bool = False
    armed_cuts: tuple[int, ...] = ()  # the cuts after which the text is armed by a preface before them

    @property
    def part_texts(self) -> tuple[str, ...]:
        return tuple(p.text for p in self.parts)

