"""BM25 ranking of in-memory passages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mentor.ai.retrieval import (
    content_words,
    is_follow_up,
    prefix_terms,
    previous_exchange,
    rank,
    retrieval_query,
    terms,
)
from mentor.ai.types import Passage


def p(ref: str, text: str) -> Passage:
    return Passage("kb", ref, "", text)


def test_terms_drop_stopwords_and_stem_with_snowball() -> None:
    assert terms("Tell me about the services you migrated to C++ and Node.js") == [
        "servic",
        "migrat",
        "c++",
        "node.js",
    ]
    # every form of a word reduces to the same term
    assert len(set(terms("disagree disagreed disagrees disagreeing"))) == 1
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


def test_payments_and_idempotency_match_their_other_forms() -> None:
    assert terms("payments") == terms("payment") == ["payment"]  # not cut to "pay"
    assert terms("idempotent") == terms("idempotency") == terms("Idempotently")
    passages = [
        p("ledger", "The payment ledger books each payment once, keyed by an idempotency key."),
        p("pay", "Pay day is the last Friday of the month."),
    ]
    assert [x.ref for x in rank("How do you keep payments idempotent?", passages)] == ["ledger"]


def test_stemming_and_stop_words_follow_the_language() -> None:
    assert terms("Zahlungen", "de") == terms("Zahlung", "de-AT") == ["zahlung"]
    assert terms("Wie haben Sie das gemacht?", "de") == ["gemacht"]
    assert terms("les paiements", "fr") == terms("paiement", "fr-CA")
    assert terms("¿Cómo migraste los pagos?", "es") == terms("migrar pago", "es")
    assert terms("idempotencia", "es") == terms("idempotente", "es")
    # An unsupported language is tokenised and lower-cased only, never fails.
    assert terms("Płatności", "pl") == ["płatności"]
    german = [
        p("billing", "Doppelte Buchungen bei Kartenzahlungen verhindert, durch idempotente Verarbeitung."),
        p("holiday", "Urlaubsplanung der Fahrer automatisiert."),
    ]
    question = "Wie haben Sie doppelte Buchungen verhindert?"
    assert [x.ref for x in rank(question, german, language="de")] == ["billing"]


def test_fillers_are_not_search_terms() -> None:
    assert content_words("Okay, can you hear me okay? Great, so, these days...") == []
    assert content_words("Ähm, also, können Sie mich hören? Genau.", "de") == []
    assert content_words("Okay, so how do you scale Kafka consumers?") == ["scale", "kafka", "consumers"]


def test_prefix_terms_for_an_index_without_stemming() -> None:
    assert prefix_terms("payments companies") == [("payment", True), ("compan", True)]
    # A short common part would match unrelated words: the word itself is searched exactly instead.
    assert prefix_terms("pagos", "es") == [("pagos", False)]
    assert prefix_terms("migración", "es") == [("migracion", True)]


CONVERSATION = (
    ("interviewer", "How would you design the payment ledger?"),
    ("candidate", "I would put an outbox table in front of Kafka."),
    ("candidate", "Consumers dedupe on the idempotency key."),
    ("interviewer", "So why did you pick that?"),
)


def test_a_follow_up_is_searched_with_the_exchange_it_continues() -> None:
    earlier = previous_exchange("So why did you pick that?", CONVERSATION)
    assert earlier is not None and earlier.question == "How would you design the payment ledger?"
    assert earlier.answer == "I would put an outbox table in front of Kafka. Consumers dedupe on the idempotency key."
    query = retrieval_query("So why did you pick that?", "follow_up", conversation=CONVERSATION)
    assert {"payment", "ledger", "outbox", "kafka", "idempotency"} <= set(query.split())
    assert "pick" not in query.split()
    # A self-contained question is searched on its own words only.
    own = retrieval_query("How do you partition Kafka topics?", "technical", conversation=CONVERSATION)
    assert own == "partition kafka topics"
    # Without a conversation, the last (question, suggested answer) stands in.
    history = (("Tell me about Kafka.", "I ran Kafka at Zalando."),)
    assert "zalando" in retrieval_query("Why?", "other", history=history)
    assert is_follow_up("Why?", "other") and not is_follow_up("How do you test Kafka consumers?", "technical")
