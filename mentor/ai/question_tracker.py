"""When to emit a detected question: firing, supersede, de-duplication, multi-part.

The tracker owns a CaptionAssembler and classifies the interviewer's current question
segment (the open interviewer turn, or its tail after an earlier question) with
question_rules.analyse. It fires:

- at once ("final" / "complete") when the text is unambiguous: a strong cue, the last
  clause is a question that looks finished, and the block is final or ends with "?";
- at end of turn otherwise: "speaker_change" when a non-interviewer caption arrives,
  "pause" when tick() passes `pause_s` after the interviewer's last caption.

Each segment gets one question id. Later changes to its question parts (a revision, or
a further part such as "and why did you choose Go?") are emitted as superseding updates
with the same id and revision + 1, at the same kinds of moments; an unchanged question
is never emitted twice. A new segment (new id) starts with a new interviewer turn, or
when the interviewer resumes after `new_question_gap_s` of silence following a fire.

Pure state machine, no I/O, no clock: times come from the updates and from tick(now).
Memory is bounded by the assembler's bounds plus `keep_closed` recent segments.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from mentor.ai.assembly import AssemblerSettings, CaptionAssembler, CaptionBlock, CaptionUpdate, Turn
from mentor.ai.question_rules import (
    STRONG_THRESHOLD,
    QuestionAnalysis,
    analyse,
    normalise,
    question_kind,
)
from mentor.ai.types import SpeakerRole

__all__ = ["DetectedQuestion", "QuestionTracker", "TrackerSettings"]

INTERVIEWER = SpeakerRole.INTERVIEWER
_EMITTED_KEEP = 32
_PUNCT_CUES = frozenset({"declarative", "qmark"})


@dataclass(frozen=True, slots=True)
class DetectedQuestion:
    question_id: str           # stable; an update that supersedes keeps the same id
    text: str                  # merged question text
    caption_ids: tuple[int, ...]
    kind: str                  # "behavioral" | "technical" | "situational" | "background" | "clarifying" | ...
    confidence: float          # 0..1
    parts: tuple[str, ...]     # multi-part questions list their parts; a single question has one part
    revision: int              # 0 when first detected, 1, 2, ... for superseding updates
    trigger: str               # "complete" | "final" | "pause" | "speaker_change" | "revision"
    at: float = 0.0            # caller time of the update or tick that fired it


@dataclass
class TrackerSettings:
    """Knobs of the firing rules (seconds unless stated)."""

    pause_s: float = 0.8              # end-of-turn pause for text that is a question but not clearly complete
    weak_pause_s: float = 1.6        # the same when only a "?" on interim text marks the question
    new_question_gap_s: float = 3.0   # interviewer silence after a fire that starts a new question id
    strong_threshold: float = STRONG_THRESHOLD  # minimum confidence to fire before end of turn
    max_text_chars: int = 1500        # question text is cut to its last this many characters
    keep_closed: int = 4              # recent segments kept for late revisions
    assembler: AssemblerSettings = field(default_factory=AssemblerSettings)


@dataclass(slots=True)
class _Segment:
    """The part of one interviewer turn that forms one question (or none yet)."""

    turn: Turn
    first: CaptionBlock | None      # first block of the segment (None: from the turn's start)
    offset: int               # characters of `first` that belong to an earlier segment
    last_at: float
    question_id: str | None = None
    revision: int = 0
    # Parts already sent for this id (bounded): a revision that goes back to an earlier
    # wording ("what about" -> "what what about" -> "what about") is not sent again.
    emitted: deque[tuple[str, ...]] = field(default_factory=lambda: deque(maxlen=_EMITTED_KEEP))
    deadline: float | None = None
    cache_version: int = -1
    cache_offset: int = -1
    analysis: QuestionAnalysis | None = None
    text: str = ""
    caption_ids: tuple[int, ...] = ()

    def blocks(self) -> list[CaptionBlock]:
        blocks = self.turn.blocks
        if self.first is None:
            return blocks
        for i, b in enumerate(blocks):
            if b is self.first:
                return blocks[i:]
        return blocks  # the first block was dropped by the assembler's bound

    def analyse(self) -> QuestionAnalysis:
        """Analysis of the segment text, cached per turn version."""
        if self.analysis is not None and self.cache_version == self.turn.version:
            return self.analysis
        blocks = self.blocks()
        pieces: list[str] = []
        ids: list[int] = []
        for b in blocks:
            t = b.text[self.offset:] if b is self.first else b.text
            if t:
                pieces.append(t)
            ids.extend(c for c in b.caption_ids if c not in ids)
        self.text = " ".join(pieces).strip()
        self.caption_ids = tuple(ids)
        self.analysis = analyse(self.text)
        self.cache_version = self.turn.version
        return self.analysis


class QuestionTracker:
    """Detects interviewer questions in a caption stream; see the module docstring.

    Cost: one analyse() of the current segment per changed interviewer update
    (about 10-40 µs for typical segments); non-interviewer updates cost less.
    """

    def __init__(self, settings: TrackerSettings | None = None, id_prefix: str = "q") -> None:
        self.settings = settings or TrackerSettings()
        self._prefix = id_prefix
        self._asm = CaptionAssembler(self.settings.assembler)
        self._seg: _Segment | None = None
        self._closed: deque[_Segment] = deque(maxlen=self.settings.keep_closed)
        self._count = 0

    def feed(self, update: CaptionUpdate) -> list[DetectedQuestion]:
        """Apply one caption update; returns questions fired or superseded by it (often [])."""
        if update.speaker_role != INTERVIEWER:
            out = self._end_segment("speaker_change", update.at)
            self._asm.feed(update)
            return out
        seg = self._seg
        # Remember where the open block ends, in case this update starts a new question inside it.
        prev_len = len(seg.turn.blocks[-1].text) if seg is not None and seg.turn.blocks else 0
        res = self._asm.feed(update)
        turn = res.turn
        if turn.closed:
            return self._late_revision(turn, update)
        if seg is None or seg.turn is not turn:
            out = self._end_segment("speaker_change", update.at)
            seg = self._seg = _Segment(turn, None, 0, update.at)
        else:
            out = []
            if not res.changed:
                return out
            if seg.question_id is not None and update.at - seg.last_at >= self.settings.new_question_gap_s:
                # The interviewer resumes after a pause that followed a fired question: a new question.
                self._closed.append(seg)
                last = turn.blocks[-1]
                seg_blocks = seg.blocks()
                grown_in_place = bool(seg_blocks) and last is seg_blocks[-1] and update.block_id in last.block_ids
                seg = self._seg = _Segment(turn, last, prev_len if grown_in_place else 0, update.at)
        seg.last_at = update.at
        a = seg.analyse()
        if not a.is_question:
            seg.deadline = None
            return out
        if a.complete and (update.final or a.ends_with_qmark) and \
                a.parts[-1].score >= self.settings.strong_threshold:
            out += self._fire(seg, "final" if update.final else "complete", update.at)
        elif not update.final and all(p.cue in _PUNCT_CUES for p in a.parts):
            # Only a "?" says question, and interim "?" flickers: wait longer before trusting it.
            seg.deadline = update.at + self.settings.weak_pause_s
        else:
            seg.deadline = update.at + self.settings.pause_s
        return out

    def tick(self, now: float) -> list[DetectedQuestion]:
        """Fire a pending question whose pause deadline has passed."""
        seg = self._seg
        if seg is None or seg.deadline is None or now < seg.deadline:
            return []
        return self._fire(seg, "pause", now)

    def next_deadline(self) -> float | None:
        """When tick() may fire next; None when nothing is pending."""
        return self._seg.deadline if self._seg is not None else None

    def _end_segment(self, trigger: str, now: float) -> list[DetectedQuestion]:
        seg = self._seg
        if seg is None:
            return []
        self._seg = None
        self._closed.append(seg)
        return self._fire(seg, trigger, now) if seg.deadline is not None else []

    def _late_revision(self, turn: Turn, update: CaptionUpdate) -> list[DetectedQuestion]:
        """A revision for a turn that already ended: supersede (or fire) its question."""
        for seg in reversed(self._closed):
            if seg.turn is turn and any(update.block_id in b.block_ids for b in seg.blocks()):
                if seg.question_id is None and not update.final:
                    return []
                return self._fire(seg, "revision" if seg.question_id else "final", update.at)
        return []

    def _fire(self, seg: _Segment, trigger: str, now: float) -> list[DetectedQuestion]:
        seg.deadline = None
        a = seg.analyse()
        if not a.is_question:
            return []
        key = tuple(normalise(p.text) for p in a.parts)
        if key in seg.emitted:
            return []  # same question already out for this id: never fire twice
        if seg.question_id is None:
            self._count += 1
            seg.question_id = f"{self._prefix}{self._count}"
        else:
            seg.revision += 1
        seg.emitted.append(key)
        parts = a.part_texts
        kind = question_kind(" ".join(parts))
        if kind == "other":
            kind = question_kind(seg.text)
        text = seg.text[-self.settings.max_text_chars:]
        return [DetectedQuestion(seg.question_id, text, seg.caption_ids, kind, round(a.confidence, 3),
                                 parts, seg.revision, trigger, now)]

