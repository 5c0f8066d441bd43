"""BM25 ranking of in-memory passages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mentor.ai.retrieval import rank, terms
from mentor.ai.types import Passage


def p(ref: str, text: str) -> Passage:
    return Passage("kb", ref, "", text)


def test_terms_drop_stopwords_and_stem_lightly() -> None:
    assert terms("Tell me about the services you migrated to C++ and Node.js") == [
        "servic",
        "migrat",
        "c++",
        "node.j",
    ]
    # every form of a word reduces to the same term
    assert len(set(terms("disagree disagreed disagreement disagrees"))) == 1
    assert terms("service services") == terms("servicing serviced")


def test_rank_orders_by_relevance_and_drops_unrelated() -> None:
    passages = [
        p("a", "Kafka partitions keep order"),
        p("b", "Hiring and onboarding"),
        p("c", "Kafka Kafka consumer ordering"),
    ]
    ranked = rank("How does Kafka keep ordering?", passages)
    assert [x.ref for x in ranked] == ["a", "c"]  # "a" shares three terms, "c" two
    assert ranked[0].score > ranked[1].score > 0


def test_rare_terms_weigh_more_than_common_ones() -> None:
    passages = [p("a", "python python service"), p("b", "python terraform"), p("c", "python go")]
    assert rank("python terraform", passages)[0].ref == "b"


@given(
    st.text(max_size=40), st.lists(st.text(max_size=60), max_size=8), st.integers(min_value=0, max_value=5)
)
def test_rank_never_fails_and_respects_the_limit(query: str, texts: list[str], limit: int) -> None:
    ranked = rank(query, [p(str(i), t) for i, t in enumerate(texts)], limit=limit)
    assert len(ranked) <= limit and all(x.score > 0 for x in ranked)
    assert [x.score for x in ranked] == sorted((x.score for x in ranked), reverse=True)
