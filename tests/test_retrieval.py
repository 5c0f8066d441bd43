"""BM25 ranking of in-memory passages."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from mentor.ai.retrieval import (
    asking_sentence,
    content_words,
    is_follow_up,
    prefix_terms,
    previous_exchange,
    rank,
    retrieval_query,
    terms,
)
from mentor.ai.types import Passage
from mentor.store import knowledge
from mentor.store.database import create_engine, migrate
from mentor.store.schema import users


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


def test_a_resume_told_in_irregular_pasts_answers_the_present_tense_question() -> None:
    assert terms("Built the pipeline, led the team, wrote the runbook") == terms(
        "build the pipeline, lead the team, write the runbook")
    passages = [
        p("pipeline", "Built the shipment-tracking pipeline on PostgreSQL and RabbitMQ"),
        p("page", "Shipped a customer-facing tracking page under a two-week deadline"),
    ]
    assert [x.ref for x in rank("Did you build the pipeline yourself?", passages)] == ["pipeline"]
    assert terms("built", "de") == ["built"]  # the map is English: another stemmer keeps the word


def test_stemming_and_stop_words_follow_the_language() -> None:
    assert terms("Zahlungen", "de") == terms("Zahlung", "de-AT") == ["zahlung"]
    assert terms("Wie haben Sie das gemacht?", "de") == ["gemach"]
    # a participle meets its noun and infinitive: "Pakete verfolgt" finds "Verfolgung" ("-t" kept by Snowball)
    assert terms("verfolgt", "de") == terms("Verfolgung", "de") == terms("verfolgen", "de") == ["verfolg"]
    assert terms("optimiert", "de") == terms("Optimierung", "de") == ["optimier"]
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
    # German compounds: "Zahlungen" is found inside "Kartenzahlungen"; short terms are not searched inside.
    assert [x.ref for x in rank("Wie sichern Sie Zahlungen ab?", german, language="de")] == ["billing"]
    assert rank("Wie sichern Sie Zahlungen ab?", german, language="en") == ()
    notice = [p("notice", "Meine Kündigungsfristen: drei Monate."), p("other", "Kafka und Go.")]
    assert [x.ref for x in rank("Ihre Kündigungsfrist?", notice, language="de")] == ["notice"]


def test_fillers_are_not_search_terms() -> None:
    assert content_words("Okay, can you hear me okay? Great, so, these days...") == []
    assert content_words("Ähm, also, können Sie mich hören? Genau.", "de") == []
    assert content_words("Okay, so how do you scale Kafka consumers?") == ["scale", "kafka", "consumers"]


def test_prefix_terms_for_an_index_without_stemming() -> None:
    assert prefix_terms("payments companies") == [("payment", True), ("compan", True)]
    # A short common part ("pag", "pai") would match unrelated words: the word less its plural "s" instead.
    assert prefix_terms("pagos", "es") == [("pago", True)] and prefix_terms("paiements", "fr") == [("paiement", True)]
    assert prefix_terms("paga", "es") == [("paga", False)]
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


# --- the store's full-text search, on SQLite (FTS5) and PostgreSQL (text-search configurations) ----------

KB_DOCS = {
    "payments": "Payment retries reuse the idempotency key, so a retried charge is booked once.",
    "vacation": "Benefits: 30 days of vacation and a pay rise every year.",
    "audio": "Before each interview, check whether the candidate can hear you okay.",
    "zahlungen": "Jede Zahlung wird genau einmal gebucht: der Zahlungsdienst prüft den Idempotenzschlüssel.",
    "entrevistas": "Las migraciones de la base de datos se revisan antes de cada despliegue.",
}


@pytest.fixture
def kb_store(database_url: str) -> Iterator[tuple[sa.Engine, str]]:
    engine = create_engine(database_url)
    migrate(engine)
    uid = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(sa.insert(users), {"id": uid, "email": f"{uid}@x.io", "password_hash": "x", "created_at": 0.0})
        for name, text in KB_DOCS.items():
            row = {"id": name, "user_id": uid, "company": "Acme", "title": name, "created_at": 0.0}
            for op in knowledge.insert_kb_document(row, [text]):
                conn.execute(op.statement, op.params)
    yield engine, uid
    engine.dispose()


def found(store: tuple[sa.Engine, str], query: str, language: str = "en") -> list[str]:
    engine, uid = store
    with engine.connect() as conn:
        return [p.ref.split(":")[1] for p in knowledge.search_kb(conn, uid, "Acme", query, 5, language)]


def test_store_search_matches_payments_and_idempotency(kb_store: tuple[sa.Engine, str]) -> None:
    # "idempot"* also finds the German note's "Idempotenzschlüssel": a true match, ranked second.
    assert found(kb_store, "How do you make payments idempotent?") == ["payments", "zahlungen"]
    # Fillers and "pay"-like short stems do not drag in the vacation or audio-check notes.
    assert found(kb_store, "Okay, can you hear me okay? These days, how are payments retried?") == ["payments"]


def test_store_search_uses_the_session_language(kb_store: tuple[sa.Engine, str]) -> None:
    assert found(kb_store, "Wie stellen Sie sicher, dass Zahlungen nur einmal gebucht werden?", "de") == [
        "zahlungen"
    ]
    assert found(kb_store, "¿Cómo revisas una migración?", "es-MX") == ["entrevistas"]
    assert found(kb_store, "Können Sie mich hören? Okay, genau.", "de") == []
    assert knowledge.pg_config("de-AT") == "german" and knowledge.pg_config("pl") == "simple"


def test_retrieval_query_feeds_the_store_search(kb_store: tuple[sa.Engine, str]) -> None:
    query = retrieval_query("And why that?", "follow_up", conversation=(
        ("interviewer", "How do you handle a charge that is retried?"),
        ("candidate", "We reuse the idempotency key on every retry."),
    ))  # fmt: skip
    assert found(kb_store, query)[0] == "payments" and "vacation" not in found(kb_store, query)


def test_the_asking_sentence_drops_the_lead_in() -> None:
    assert asking_sentence("Okay, interesting. How would you scale it?") == "How would you scale it?"
    assert asking_sentence("Got it. ¿Y por qué? Cuéntame.") == "¿Y por qué?"
    assert asking_sentence("Tell me about your last role.") == "Tell me about your last role."


NASTY = ["O'Reilly's C++ & node.js?", "a:* | !b & (c <-> d)", "\"quoted\" NEAR(x y) OR AND NOT", "\\'; DROP TABLE",
         "日本語のテキスト", "emoji 🚀 rocket", "", "   ", "über-schnelle Straße", "¿Qué tal? ¡Vale!", "x" * 500]


def test_store_search_never_fails_on_odd_text(kb_store: tuple[sa.Engine, str]) -> None:
    for language in ("en", "de", "fr-CA", "es", "pl", "", "x-klingon"):
        for text in NASTY:
            found(kb_store, text, language)  # must not raise
