"""The question text handed to the answer engine: the question sentence(s) plus the context they need.

A long interviewer turn is mostly preamble; the engine needs the sentences that ask, and the sentence just
before the first of them when the question leans on it (an anaphor such as "that" or "it", or a question
too short to stand alone: "Why?"). Everything is cut at sentence boundaries, or at word boundaries when the
captions carry no punctuation; never mid-word. Pieces that are not adjacent are joined with " … ".
"""

from __future__ import annotations

import re

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
    spans = [s for s in analysis.sentences if s[1] > s[0]]
    pieces: list[tuple[int, int]] = []
    context: tuple[int, int] | None = None
    for i, p in enumerate(parts):
        span = next(((a, b) for a, b in spans if a <= p.start < b), None)
        if span is None or span[1] - span[0] > max_chars // 2:
            # One long unpunctuated run: the part itself, from a word boundary of context before it.
            lo = _words_before(text, p.start, _CONTEXT_WORDS) if i == 0 else p.start
            span = (lo, min(text_len, max(p.end, span[1] if span else p.end)))
            if span[1] - span[0] > max_chars // 2:
                span = (lo, p.end)
        elif i == 0 and _needs_context(text[span[0]:span[1]]):
            before = [s for s in spans if s[1] <= span[0]]
            if before:
                context = before[-1]
        pieces.append(span)
    if context is not None:
        pieces.insert(0, context)
    merged: list[tuple[int, int]] = []
    for a, b in sorted(pieces):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))

    def render(ps: list[tuple[int, int]]) -> str:
        return _GAP.join(" ".join(text[a:b].split()) for a, b in ps)

    out = render(merged)
    while len(out) > max_chars and len(merged) > 1:
        merged.pop(0)  # drop the earliest piece (context first, then earlier questions)
        out = render(merged)
    return _cut_left(out, max_chars)
