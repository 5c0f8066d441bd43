"""Caption assembly: caption updates in, speaker turns out.

A caption source re-sends the whole current text of a block at every change (Google Meet),
or saves every partial line as its own entry (Teams savers). The assembler keeps the
latest text per block, ignores stale revisions, folds Teams-style "staircases" (a new
entry whose text extends the previous entry of the same speaker) into one block, and
joins consecutive blocks of one speaker into a turn.

Pure state machine, no I/O. Memory: the open turn keeps at most `max_turn_blocks`
blocks, and at most `history_turns` closed turns are remembered for late revisions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar

__all__ = ["AssemblerSettings", "AssemblyResult", "CaptionAssembler", "CaptionBlock", "CaptionUpdate", "Turn",
           "keep_last"]

T = TypeVar("T")


def keep_last(items: list[T], item: T, limit: int) -> None:
    """Append `item`, keeping the last `limit` items: a bounded list where a deque(maxlen) would cost a
    600-byte block per owner even when empty (one tracker per live session)."""
    items.append(item)
    if len(items) > limit:
        del items[0]


@dataclass(frozen=True, slots=True)
class CaptionUpdate:
    caption_id: int            # server id of the caption row; stable across revisions of one block
    block_id: str
    revision: int
    final: bool
    speaker_role: str          # "interviewer" | "candidate" | "other"
    speaker_name: str | None
    text: str                  # the WHOLE current text of the block (Meet re-sends the whole block)
    at: float                  # seconds (monotonic clock of the caller) when the update arrived


@dataclass(frozen=True, slots=True)
class AssemblerSettings:
    """Bounds and windows of the assembler (seconds / counts)."""

    staircase_window_s: float = 10.0  # a new entry extending the last one within this is a revision
    join_gap_s: float = 30.0          # same speaker after a longer silence starts a new turn
    max_turn_blocks: int = 64         # oldest blocks of a very long turn are dropped
    history_turns: int = 4            # closed turns kept to apply late revisions


@dataclass(slots=True)
class CaptionBlock:
    """Latest state of one caption block (internal to assembly and the tracker)."""

    block_ids: list[str]   # more than one when a staircase of entries was folded into it
    caption_ids: list[int]
    revision: int
    final: bool
    text: str
    key: str | None  # normalised text, for staircase detection; None until needed (computed lazily)
    first_at: float
    last_at: float


@dataclass(slots=True)
class Turn:
    """Consecutive blocks of one speaker. Mutated by the assembler; read it, do not change it."""

    turn_id: int
    speaker_role: str
    speaker_name: str | None
    blocks: list[CaptionBlock] = field(default_factory=list)
    closed: bool = False
    version: int = 0   # bumped whenever the text changes

    @property
    def text(self) -> str:
        return " ".join(b.text for b in self.blocks if b.text)

    @property
    def caption_ids(self) -> tuple[int, ...]:
        out: list[int] = []
        for b in self.blocks:
            for c in b.caption_ids:
                if c not in out:
                    out.append(c)
        return tuple(out)

    @property
    def final(self) -> bool:
        """Every block of the turn has received its final text."""
        return all(b.final for b in self.blocks)

    @property
    def last_at(self) -> float:
        return self.blocks[-1].last_at if self.blocks else 0.0

    def has_block(self, block_id: str) -> bool:
        return any(block_id in b.block_ids for b in self.blocks)


@dataclass(frozen=True, slots=True)
class AssemblyResult:
    """What one update did: the turn it touched and a turn it closed; changed=False if ignored."""

    turn: Turn
    closed: Turn | None
    changed: bool


_KEY_RE = re.compile(r"[^\w' ]+")


def _key(text: str) -> str:
    return " ".join(_KEY_RE.sub(" ", text.lower()).split())


class CaptionAssembler:
    """Turns caption updates into speaker turns. Cost: O(blocks in the open turn) per update."""

    def __init__(self, settings: AssemblerSettings | None = None) -> None:
        self.settings = settings or AssemblerSettings()
        self._turn: Turn | None = None
        self._history: list[Turn] = []  # (see keep_last)
        self._next_turn = 0

    @property
    def current(self) -> Turn | None:
        """The open (most recent) turn, if any."""
        return self._turn

    def close(self) -> Turn | None:
        """Close the open turn (e.g. after a long silence); returns it."""
        turn = self._turn
        if turn is not None:
            turn.closed = True
            keep_last(self._history, turn, self.settings.history_turns)
            self._turn = None
        return turn

    def feed(self, u: CaptionUpdate) -> AssemblyResult:
        """Apply one update. Stale revisions and duplicates are ignored (changed=False)."""
        turn = self._turn
        if turn is not None and turn.has_block(u.block_id):
            return AssemblyResult(turn, None, self._revise(turn, u))
        for old in self._history:
            if old.has_block(u.block_id):
                return AssemblyResult(old, None, self._revise(old, u))
        closed: Turn | None = None
        if turn is not None:
            same = turn.speaker_role == u.speaker_role and turn.speaker_name == u.speaker_name
            if same and u.at - turn.last_at <= self.settings.join_gap_s:
                return AssemblyResult(turn, None, self._add(turn, u))
            closed = self.close()
        self._turn = Turn(self._next_turn, u.speaker_role, u.speaker_name)
        self._next_turn += 1
        self._add(self._turn, u)
        return AssemblyResult(self._turn, closed, True)

    def _revise(self, turn: Turn, u: CaptionUpdate) -> bool:
        b = next(b for b in turn.blocks if u.block_id in b.block_ids)
        if b.block_ids[-1] != u.block_id:
            return False  # a revision of an entry already folded into a longer one
        if u.revision < b.revision or (b.final and not (u.final and u.revision > b.revision)):
            return False  # stale, or a non-final after the final text
        newly_final = u.final and not b.final
        b.revision = u.revision
        b.final = b.final or u.final
        b.last_at = max(b.last_at, u.at)
        if u.caption_id not in b.caption_ids:
            b.caption_ids.append(u.caption_id)
        if u.text == b.text:
            return newly_final
        b.text = u.text
        b.key = None  # recomputed only if a new entry is compared with it: a Meet block re-sent per word
        # would otherwise pay a regex pass over its whole text at every update
        turn.version += 1
        return True

    def _add(self, turn: Turn, u: CaptionUpdate) -> bool:
        key = _key(u.text)
        last = turn.blocks[-1] if turn.blocks else None
        if last is not None and u.at - last.last_at <= self.settings.staircase_window_s:
            if last.key is None:
                last.key = _key(last.text)
            # Teams savers store every partial line as its own entry: fold the staircase.
            if last.key and key.startswith(last.key):
                last.block_ids.append(u.block_id)
                last.caption_ids.append(u.caption_id)
                last.revision, last.final, last.last_at = u.revision, u.final, u.at
                changed = key != last.key or u.text != last.text
                last.text, last.key = u.text, key
                turn.version += changed
                return changed
            if key and last.key.startswith(key):
                return False  # an older partial arriving late
        turn.blocks.append(CaptionBlock([u.block_id], [u.caption_id], u.revision, u.final, u.text, key, u.at, u.at))
        if len(turn.blocks) > self.settings.max_turn_blocks:
            del turn.blocks[0]
        turn.version += 1
        return True
