"""Question kinds: the one-pass keyword scan gives what testing each keyword as a substring gives."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mentor.ai.detection import kinds
from mentor.ai.types import QuestionKind

# The definition the fast paths must keep: words of the lowercased text, padded with a space at each end.
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def _reference_norm(text: str) -> str:
    return " " + " ".join(_WORD.findall(text.lower().replace("’", "'"))) + " "


def _reference_kind(low: str, code: str = "en") -> str | None:
    """First family, in order, with a keyword as a substring (no follow-up, no greeting, no pattern)."""
    for kind, keys in kinds._RULES[code]:
        if any(k in low for k in keys):
            return kind
    return None


@given(st.text(alphabet=st.sampled_from("abcXYZ09 '-_.,?!’\t\né"), max_size=60))
def test_the_normalised_text_has_the_words_of_the_reference(text: str) -> None:
    assert kinds._norm(text) == _reference_norm(text)


@given(st.lists(st.sampled_from([k for _, keys in kinds._EN for k in keys] + ["the", "we", "so", "and"]),
                max_size=6))
def test_the_first_family_found_is_the_first_whose_keyword_is_a_substring(pieces: list[str]) -> None:
    low = _reference_norm(" ".join(pieces))
    found = kinds._found("en", low)
    assert kinds._first(kinds._ORDER["en"], found, low, {}) == _reference_kind(low)


def test_every_keyword_is_found_in_every_language() -> None:
    for code, rules in kinds._RULES.items():
        for kind, keys in rules:
            for key in keys:
                assert kind in kinds._found(code, f" x {key.strip()} y "), (code, kind, key)


def test_a_long_preamble_keeps_the_kind_of_what_it_mentions() -> None:
    preamble = "Thank you for coming in today, we have read your file with care and we want to start. " * 6
    assert kinds.question_kind(preamble + "How would you design a rate limiter for our API?") == \
        QuestionKind.SYSTEM_DESIGN


_PART = st.text(alphabet=st.sampled_from("abcXYZ09 '-_.,?!’\té"), max_size=30) | st.sampled_from(
    [k for _, keys in kinds._EN for k in keys] + ["Können Sie mich hören?", "¿Cómo resolviste el conflicto?"])


@given(st.lists(_PART, max_size=4), st.sampled_from(["en", "de", "fr", "es"]), st.sampled_from([None, "q?"]))
def test_the_kind_of_the_parts_is_the_kind_of_their_joined_text(parts: list[str], language: str,
                                                                previous: str | None) -> None:
    # The tracker asks for the kind of all parts of a turn at every fire; each part is normalised once.
    assert kinds.parts_kind(parts, language, previous) == kinds.question_kind(" ".join(parts), language, previous)
