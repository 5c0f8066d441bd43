"""The question text handed to the answer engine: the question sentence(s) plus the context they need.

A long interviewer turn is mostly preamble; the engine needs the sentences that ask, and the sentence just
before the first of them when the question leans on it (an anaphor such as "that" or "it", or a question
too short to stand alone: "Why?"). Everything is cut at sentence boundaries, or at word boundaries when the
captions carry no punctuation; never mid-word. Pieces that are not adjacent are joined with " … ".
"""

from __future__ import annotations

import re
from bisect import bisect_right

from mentor.ai.detection.verdict import QuestionAnalysis

__all__ = ["question_excerpt"]

# Words that point back to something said before: the question needs the sentence before it.
_ANAPHORS = frozenset({
    "that", "this", "it", "those", "these", "such", "there", "then", "he", "she", "they", "them", "his", "her",
    "their", "its", "so", "das", "dies", "es", "dort", "ça", "cela", "ce", "là", "eso", "esto", "ello", "ahí",
})
_SHORT_WORDS = 8           # a question sentence this short gets the sentence before it
_CONTEXT_WORDS = 30        # words of context before a question in text without sentence boundaries
_GAP = " … "
_WORD_RE = re.compile(r"\S+")


def _words_before(text: str, start: int, n: int) -> int:
    """Offset of the n-th word before `start` (a word boundary)."""
    pos = start
    for _ in range(n):
        k = text.rfind(" ", 0, max(0, pos - 1))
        if k < 0:
            return 0
        pos = k + 1
    return pos


def _needs_context(sentence: str) -> bool:
    words = [w.strip(",.?!;:").lower() for w in sentence.split()]
    return len(words) < _SHORT_WORDS or any(w in _ANAPHORS for w in words)


def _cut_left(text: str, limit: int) -> str:
    """The last `limit` characters at most, starting at a word boundary."""
    if len(text) <= limit:
        return text
    k = text.find(" ", len(text) - limit + 2)
    return "…" + (text[k + 1:] if k >= 0 else text[-limit + 1:])


def question_excerpt(text: str, analysis: QuestionAnalysis, max_chars: int = 1500) -> str:
    """The question sentence(s) of `text` with the context they need, at most `max_chars` characters."""
    parts = analysis.parts
    text_len = len(text)
    if not parts or not text:
        return _cut_left(text.strip(), max_chars)
    spans = [s for s in analysis.sentences if s[1] > s[0]]  # in text order, not overlapping
    starts = [a for a, _ in spans]
    pieces: list[tuple[int, int]] = []
    context: tuple[int, int] | None = None
    for i, p in enumerate(parts):
        k = bisect_right(starts, p.start) - 1  # the sentence holding the part's start, if any
        span = spans[k] if k >= 0 and p.start < spans[k][1] else None
        if span is None or span[1] - span[0] > max_chars // 2:
            # One long unpunctuated run: the part itself, from a word boundary of context before it.
            lo = _words_before(text, p.start, _CONTEXT_WORDS) if i == 0 else p.start
            span = (lo, min(text_len, max(p.end, span[1] if span else p.end)))
            if span[1] - span[0] > max_chars // 2:
                span = (lo, p.end)
        elif i == 0 and k > 0 and _needs_context(text[span[0]:span[1]]):
            context = spans[k - 1]
        pieces.append(span)
    if context is not None:
        pieces.insert(0, context)
    merged: list[tuple[int, int]] = []
    for a, b in sorted(pieces):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    rendered = [" ".join(text[a:b].split()) for a, b in merged]
    # Drop the earliest pieces (context first, then earlier questions) while the whole is too long.
    size = sum(map(len, rendered)) + len(_GAP) * (len(rendered) - 1)
    first = 0
    while size > max_chars and len(rendered) - first > 1:
        size -= len(rendered[first]) + len(_GAP)
        first += 1
    return _cut_left(_GAP.join(rendered[first:]), max_chars)
