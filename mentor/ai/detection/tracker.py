"""When to emit a detected question, and when its answer should start: firing, supersede, de-duplication,
multi-part, prefaces, and the cost per caption update.

The tracker owns a CaptionAssembler and classifies the interviewer's current question segment (the open
interviewer turn, or its tail after an earlier question) with the clause rules of the session language.
It fires:

- at once ("final" / "complete") when the text is unambiguous: a strong cue, the last clause is a
  question that looks finished, and the block is final or ends with "?";
- at end of turn otherwise: "speaker_change" when a non-interviewer caption arrives, "pause" when tick()
  passes `pause_s` after the interviewer's last caption; never on a broken-off fragment of four words or
  fewer with no "?" ("so how do you", "why don't we").

A preface ("let me ask you about ...", "I want to turn to ...") arms the detector instead of firing: no
pause deadline is set while the segment ends with a preface, and a weaker cue after it (a declarative,
"you said ...") counts as the announced question.

Each segment gets one question id. Later changes to its question parts (a revision, or a further part such
as "and why did you choose Go?") are emitted as superseding updates with the same id and revision + 1; an
unchanged question is never emitted twice. A new segment (new id) starts with a new interviewer turn, or
when the interviewer resumes after `new_question_gap_s` of silence following a fire.

**Answer rule** (`DetectedQuestion.answer`; the actor starts or restarts an answer only when it is True):
the first fire of an id starts the answer, unless every part is meeting logistics ("can you hear me?",
`logistics.py`): then the first update that adds a real part starts it. A superseding update restarts it at
most `max_restarts` (1) times, and only when the question grew a new real part (a second question in the
same turn, not a "does that make sense?" after it); a re-worded or re-punctuated revision of the same parts
never restarts it. So a turn holding several
questions gets one answer, restarted at most once as the turn grows.

**Cost.** Only the text after the last stable cut is re-analysed: a cut is a real sentence end, or a
clause-start marker ("so", "and") in an unpunctuated run, with at least `lookahead_words` words after it
(so that rules looking one sentence ahead have seen it); a sentence end with no question part before it
needs only `quiet_lookahead_words`, since no rule looks past it. Parts before the cut are frozen with their
verdict. If the caption source rewrites text before the cut, the segment is analysed again from its start.

Pure state machine, no I/O, no clock: times come from the updates and from tick(now). Memory is bounded by
the assembler's bounds plus `keep_closed` recent segments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mentor.ai.detection.analysis import analyse, language_code, normalise
from mentor.ai.detection.assembly import (
    AssemblerSettings,
    CaptionAssembler,
    CaptionBlock,
    CaptionUpdate,
    Turn,
    keep_last,
)
from mentor.ai.detection.excerpt import question_excerpt
from mentor.ai.detection.kinds import parts_kind, question_kind
from mentor.ai.detection.logistics import is_logistics
from mentor.ai.detection.verdict import STRONG_THRESHOLD, QuestionAnalysis, QuestionPart
from mentor.ai.types import QuestionKind, SpeakerRole

__all__ = ["DetectedQuestion", "QuestionTracker", "TrackerSettings"]

INTERVIEWER = SpeakerRole.INTERVIEWER
_EMITTED_KEEP = 32
_PUNCT_CUES = frozenset({"declarative", "qmark"})
_LEAD_WORDS = 6
_END_CUES = frozenset({"tag", "declarative", "qmark"})


@dataclass(frozen=True, slots=True)
class DetectedQuestion:
    question_id: str           # stable; an update that supersedes keeps the same id
    text: str                  # the question sentence(s) plus the context they need (see excerpt.py)
    caption_ids: tuple[int, ...]
    kind: QuestionKind
    confidence: float          # 0..1
    parts: tuple[str, ...]     # multi-part questions list their parts; a single question has one part
    revision: int              # 0 when first detected, 1, 2, ... for superseding updates
    trigger: str               # "complete" | "final" | "pause" | "speaker_change" | "revision"
    at: float = 0.0            # caller time of the update or tick that fired it
    answer: bool = True        # start (revision 0) or restart the answer now; see the answer rule above


@dataclass(frozen=True, slots=True)
class TrackerSettings:
    """Knobs of the firing rules (seconds unless stated)."""

    pause_s: float = 0.8              # end-of-turn pause for text that is a question but not clearly complete
    weak_pause_s: float = 1.6        # the same when only a "?" on interim text marks the question
    new_question_gap_s: float = 3.0   # interviewer silence after a fire that starts a new question id
    strong_threshold: float = STRONG_THRESHOLD  # minimum confidence to fire before end of turn
    max_text_chars: int = 1500        # bound of the question text handed to the engine (cut at boundaries)
    keep_closed: int = 4              # recent segments kept for late revisions
    max_restarts: int = 1             # superseding updates of one question that may restart its answer
    lookahead_words: int = 6          # words kept after a stable cut before the text before it is frozen
    quiet_lookahead_words: int = 2    # the same after a sentence end with no question part before it
    analyse_every: int = 4            # interim updates (without "?") between two analyses of a growing turn
    assembler: AssemblerSettings = field(default_factory=AssemblerSettings)


@dataclass(slots=True)
class _Segment:
    """The part of one interviewer turn that forms one question (or none yet)."""

    turn: Turn
    first: CaptionBlock | None      # first block of the segment (None: from the turn's start)
    offset: int               # characters of `first` that belong to an earlier segment
    last_at: float
    last_final: bool = False  # the last update of the segment was a final caption
    skipped: int = 0          # interim updates not analysed since the last analysis
    question_id: str | None = None
    revision: int = 0
    restarts: int = 0
    answered_parts: int = 0   # parts the running answer covers
    # Parts already sent for this id (bounded): a revision that goes back to an earlier
    # wording ("what about" -> "what what about" -> "what about") is not sent again.
    emitted: list[tuple[str, ...]] = field(default_factory=list)
    deadline: float | None = None
    cache_version: int = -1
    analysis: QuestionAnalysis | None = None
    text: str = ""
    caption_ids: tuple[int, ...] = ()
    # Incremental analysis: text[:frozen_at] is settled; its parts and sentence spans are kept.
    frozen_at: int = 0
    frozen_parts: tuple[QuestionPart, ...] = ()
    frozen_conf: float = 0.0      # the highest score among frozen_parts (kept, not recomputed per update)
    frozen_spans: tuple[tuple[int, int], ...] = ()
    frozen_armed: bool = False    # the frozen text ends with a preface
    frozen_open: bool = False     # the last frozen sentence goes on after the cut
    frozen_lead: tuple[str, ...] = ()  # then: the first words of that sentence

    def blocks(self) -> list[CaptionBlock]:
        blocks = self.turn.blocks
        if self.first is None:
            return blocks
        for i, b in enumerate(blocks):
            if b is self.first:
                return blocks[i:]
        return blocks  # the first block was dropped by the assembler's bound

    def analyse(self, language: str, settings: TrackerSettings) -> QuestionAnalysis:
        """Analysis of the segment text, cached per turn version; re-analyses only after the frozen cut."""
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
        old = self.text
        self.text = text = " ".join(pieces).strip()
        self.caption_ids = tuple(ids)
        if self.frozen_at and (len(text) < self.frozen_at or text[:self.frozen_at] != old[:self.frozen_at]):
            self.frozen_at, self.frozen_parts, self.frozen_spans = 0, (), ()  # rewritten before the cut
            self.frozen_conf = 0.0
            self.frozen_armed = self.frozen_open = False
            self.frozen_lead = ()
        base = self.frozen_at
        tail = analyse(text[base:], language, self.frozen_armed, self.frozen_lead)
        self.analysis = self._combine(tail, base)
        self._advance(tail, base, settings)
        self.cache_version = self.turn.version
        return self.analysis

    def _combine(self, tail: QuestionAnalysis, base: int) -> QuestionAnalysis:
        if not base:
            return tail
        shifted = tuple(QuestionPart(p.text, p.cue, p.score, p.complete, p.start + base, p.end + base)
                        for p in tail.parts)
        parts = self.frozen_parts + shifted
        conf = max(tail.confidence, self.frozen_conf)
        spans = _join_spans(self.frozen_spans, tuple((a + base, b + base) for a, b in tail.sentences),
                            self.frozen_open)
        return QuestionAnalysis(bool(parts), conf, parts, tail.ends_with_question, tail.complete,
                                tail.ends_with_qmark, (), spans, tail.armed)

    def _advance(self, tail: QuestionAnalysis, base: int, settings: TrackerSettings) -> None:
        """Freeze the text up to the last cut that has `settings.lookahead_words` words after it
        (`quiet_lookahead_words` after a sentence end with no question part before it)."""
        text = self.text
        for cut in reversed(tail.cuts):
            at = base + cut
            if at <= self.frozen_at:
                return
            after = text.count(" ", at)  # words after the cut
            if after < settings.quiet_lookahead_words:
                continue
            inside = next((a for a, b in tail.sentences if a < cut < b), None)  # cut inside a sentence
            # Rules look ahead of a cut only inside its sentence, or from a question part to the sentences
            # after it: a sentence end with no part before it needs the next words only to confirm the end.
            if after < settings.lookahead_words and (inside is not None or any(p.start < cut for p in tail.parts)):
                continue
            # A part that runs across the cut (an unpunctuated question followed by more talk) is frozen
            # up to the cut: the text after it is analysed afresh. A part that only the end of its still
            # open sentence makes a question (a tag, a "?") is not frozen: that end is not there yet.
            frozen = tuple(
                QuestionPart(text[p.start + base:min(p.end, cut) + base].rstrip(), p.cue, p.score, p.complete,
                             p.start + base, min(p.end, cut) + base)
                for p in tail.parts
                if p.start < cut and not (inside is not None and p.cue in _END_CUES and p.end > inside))
            self.frozen_parts += frozen
            self.frozen_conf = max([self.frozen_conf] + [p.score for p in frozen])
            self.frozen_spans = _join_spans(
                self.frozen_spans, tuple((a + base, min(b, cut) + base) for a, b in tail.sentences if a < cut),
                self.frozen_open)
            if inside is None:
                self.frozen_lead = ()
            elif not (self.frozen_open and inside == 0):  # else the sentence began before `base`: keep its lead
                self.frozen_lead = tuple(normalise(text[base + inside:at][:80]).split()[:_LEAD_WORDS])
            self.frozen_open = inside is not None
            self.frozen_armed = cut in tail.armed_cuts  # a preface before the cut arms what follows
            # The next analysis starts at the first word after the cut.
            while at < len(text) and text[at] == " ":
                at += 1
            self.frozen_at = at
            return


_DEFAULTS = TrackerSettings()
_END_OF_TURN = frozenset({"pause", "speaker_change"})


# Last words that leave a short question hanging: "so how do you", "why don't we", "was it a", "is it the".
_BROKEN_OFF_TEXT = """the a an your my our their his her its some any do does did is are was were can could would will
    should have has had be i we they he she you and or but because if whether so than to of uh um like"""
_BROKEN_OFF = frozenset(_BROKEN_OFF_TEXT.split())


def _abandoned(a: QuestionAnalysis, text: str) -> bool:
    """Only fragments of four words or fewer that the speaker broke off, the last one where the text ends: at
    a pause they may go on, and at a speaker change the other person took over; an answer to the fragment
    helps no one. ("where are you from", "would you repeat that" end where they should; a part frozen at a
    cut, "can you | then remember why ...", is followed by the rest of its sentence.)"""
    return not a.ends_with_qmark and a.parts[-1].end >= len(text.rstrip(" .,;:!")) and all(
        not p.complete and p.text.count(" ") < 4 and p.text.rsplit(" ", 1)[-1].lower() in _BROKEN_OFF
        for p in a.parts)


def _join_spans(old: tuple[tuple[int, int], ...], new: tuple[tuple[int, int], ...],
                open_end: bool) -> tuple[tuple[int, int], ...]:
    """Sentence spans of the frozen text then of the text after it; a sentence cut inside is one span."""
    if open_end and old and new:
        return old[:-1] + ((old[-1][0], new[0][1]),) + new[1:]
    return old + new


class QuestionTracker:
    """Detects interviewer questions in a caption stream; see the module docstring.

    `language` is the session language ("en", "de", "fr-CA", ...): it chooses the clause rules and the
    kind keywords. Cost per changed interviewer update: one analysis of the text after the last stable
    cut (a sentence or two), independent of the turn's length.
    """

    def __init__(self, settings: TrackerSettings | None = None, id_prefix: str = "q",
                 language: str | None = "en") -> None:
        self.settings = settings or _DEFAULTS  # one shared object: a tracker per live session
        self.language = language_code(language)
        self._prefix = id_prefix
        self._assembler = CaptionAssembler(self.settings.assembler)
        self._seg: _Segment | None = None
        self._closed: list[_Segment] = []
        self._count = 0
        self._previous: str | None = None  # text of the last question fired, for follow-ups

    def feed(self, update: CaptionUpdate) -> list[DetectedQuestion]:
        """Apply one caption update; returns questions fired or superseded by it (often [])."""
        if update.speaker_role != INTERVIEWER:
            out = self._end_segment("speaker_change", update.at)
            self._assembler.feed(update)
            return out
        seg = self._seg
        # Remember where the open block ends, in case this update starts a new question inside it.
        prev_len = len(seg.turn.blocks[-1].text) if seg is not None and seg.turn.blocks else 0
        res = self._assembler.feed(update)
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
                keep_last(self._closed, seg, self.settings.keep_closed)
                last = turn.blocks[-1]
                seg_blocks = seg.blocks()
                grown_in_place = bool(seg_blocks) and last is seg_blocks[-1] and update.block_id in last.block_ids
                seg = self._seg = _Segment(turn, last, prev_len if grown_in_place else 0, update.at)
        seg.last_at = update.at
        seg.last_final = update.final
        if not update.final and not update.text.rstrip().endswith("?") \
                and seg.skipped < self.settings.analyse_every:
            # Nothing fires at once on an interim without "?": only a pause or a speaker change can fire it.
            # So the analysis waits for that moment (tick, or the next final / "?" update), except every
            # `analyse_every` updates, which moves the stable cut on and keeps each analysis short.
            seg.skipped += 1
            seg.deadline = update.at + self.settings.pause_s
            return out
        seg.skipped = 0
        a = self._analyse(seg)
        if not a.is_question or a.armed:
            seg.deadline = None  # nothing asked yet, or a preface announced the question: wait for it
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
        a = self._analyse(seg)
        if not a.is_question or a.armed:
            seg.deadline = None  # nothing asked yet, or a preface announced the question: wait for it
            return []
        weak_until = seg.last_at + self.settings.weak_pause_s
        if not seg.last_final and now < weak_until and all(p.cue in _PUNCT_CUES for p in a.parts):
            seg.deadline = weak_until  # only a "?" on interim text says question: wait longer
            return []
        return self._fire(seg, "pause", now)

    def next_deadline(self) -> float | None:
        """When tick() may fire next; None when nothing is pending. After an interim caption without "?"
        this is the pause deadline even when the text asks nothing: tick() analyses it then."""
        return self._seg.deadline if self._seg is not None else None

    def _analyse(self, seg: _Segment) -> QuestionAnalysis:
        return seg.analyse(self.language, self.settings)

    def _end_segment(self, trigger: str, now: float) -> list[DetectedQuestion]:
        seg = self._seg
        if seg is None:
            return []
        self._seg = None
        keep_last(self._closed, seg, self.settings.keep_closed)
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
        a = self._analyse(seg)
        if not a.is_question or (trigger in _END_OF_TURN and _abandoned(a, seg.text)):
            return []
        key = tuple(normalise(p.text) for p in a.parts)
        if key in seg.emitted:
            return []  # same question already out for this id: never fire twice
        # Logistics parts ("can you hear me?", "does that make sense?") are answered by the candidate in a word:
        # they neither start an answer nor, added to a question already answered, restart it.
        real = sum(1 for p in a.parts if not is_logistics(p.text, self.language))
        answer = False
        if seg.question_id is None:
            self._count += 1
            seg.question_id = f"{self._prefix}{self._count}"
            answer = True
        else:
            seg.revision += 1
            if not seg.answered_parts:
                answer = True  # nothing answered yet (only logistics so far): a start, not a restart
            elif real > seg.answered_parts and seg.restarts < self.settings.max_restarts:
                seg.restarts += 1
                answer = True
        if not real:
            answer = False
        if answer:
            seg.answered_parts = real
        keep_last(seg.emitted, key, _EMITTED_KEEP)
        parts = a.part_texts
        previous = self._previous if seg.revision == 0 else None
        kind = parts_kind(parts, self.language, previous)
        if kind == "other":
            kind = question_kind(seg.text[-600:], self.language, None)
        text = question_excerpt(seg.text, a, self.settings.max_text_chars)
        if seg.revision == 0:
            self._previous = text
        return [DetectedQuestion(seg.question_id, text, seg.caption_ids, kind, round(a.confidence, 3),
                                 parts, seg.revision, trigger, now, answer)]
