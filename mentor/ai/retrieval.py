"""Ranking of in-memory passages by term overlap (Okapi BM25).

This is for the small sets an answer draws on (resume sections, job-description paragraphs, earlier answers,
knowledge-base passages the store already found), typically under a few hundred passages, so it recomputes
document frequencies per call instead of keeping an index. Cost: O(total words) per call.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from mentor.ai.types import Passage

_WORD = re.compile(r"[^\W_]+(?:[+#.][^\W_]*)*", re.UNICODE)

# Words that carry no topic in interview questions; without this "tell me about a time" would match
# every passage that says "time".
_STOPWORD_TEXT = """a about above after again all also am an and any are as at be because been before being below
    between both but by can could did do does doing done during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my myself no nor
    not now of off on once only or other our ours out over own same she should so some such than that the
    their them then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours yourself tell describe explain give
    example time walk share talk like know think get got make made use used"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def _stem(word: str) -> str:
    # A deliberately light stemmer: plural, common verb endings and "-ment", so "services" matches
    # "service", "migrated" matches "migrating" and "disagreed" matches "disagreement". Every form is
    # reduced the same way (including a final "e" on longer words), which is all matching needs.
    if len(word) <= 3 or word.endswith("ss"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("eed"):  # "agreed" -> "agree", like "agreement" and "agrees"
        word = word[:-1]
    for suffix in ("ments", "ment", "ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words of `text`, stopwords removed, in order."""
    words = (match.group(0).lower().strip(".") for match in _WORD.finditer(text))
    return [_stem(word) for word in words if word and word not in STOPWORDS]


def overlap(query: str, text: str) -> set[str]:
    """The content terms `query` and `text` share."""
    return set(terms(query)) & set(terms(text))


def rank(
    query: str,
    passages: Iterable[Passage],
    *,
    limit: int | None = None,
    min_score: float = 0.0,
    k1: float = 1.2,
    b: float = 0.75,
) -> tuple[Passage, ...]:
    """Passages ordered by BM25 relevance to `query`, best first, each with its `score` set.

    Passages scoring `min_score` or less are dropped (by default: those sharing no term with the query).
    Ties keep input order, so callers can pass passages in a meaningful default order (e.g. most recent job
    first). Cost: one pass over all passage words.
    """
    items = list(passages)
    bags = [Counter(terms(f"{p.title} {p.text}")) for p in items]
    scores = bm25_scores(terms(query), bags, k1=k1, b=b)
    order = sorted(range(len(items)), key=lambda i: -scores[i])
    ranked = [replace(items[i], score=round(scores[i], 4)) for i in order if scores[i] > min_score]
    return tuple(ranked if limit is None else ranked[:limit])


def bm25_scores(
    query_terms: Sequence[str], bags: Sequence[Counter[str]], *, k1: float = 1.2, b: float = 0.75
) -> list[float]:
    """BM25 score of each bag of terms for `query_terms` (duplicates in the query count once)."""
    if not bags:
        return []
    lengths = [sum(bag.values()) for bag in bags]
    average = (sum(lengths) / len(bags)) or 1.0
    scores = [0.0] * len(bags)
    for term in set(query_terms):
        df = sum(1 for bag in bags if term in bag)
        if df == 0:
            continue
        # The "+1" form of IDF stays positive even for terms in most passages, which matters when the set
        # is tiny (three resume jobs all mentioning "Python").
        idf = math.log(1.0 + (len(bags) - df + 0.5) / (df + 0.5))
        for i, bag in enumerate(bags):
            tf = bag.get(term, 0)
            if tf:
                scores[i] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[i] / average))
    return scores
