"""The offline engine answers every question kind from the candidate's real material, fast."""

from __future__ import annotations

import re
import string
from dataclasses import fields
from datetime import date

import pytest
import trio

from mentor.ai.compose import first_person
from mentor.ai.phrases import ENGLISH, PHRASEBOOKS, Phrases, phrasebook
from mentor.ai.resume import parse_resume_text
from mentor.ai.types import AnswerDelta, AnswerDone, AnswerEvent, AnswerRequest, Passage
from mentor.engines.offline import OfflineEngine
from tests.openai_stub import SAMPLE_RESUME_MD

RESUME = parse_resume_text(SAMPLE_RESUME_MD, today=date(2025, 6, 1))
JOB = (
    "Staff Backend Engineer, Payments\n\nYou will design payment services in Go and Kafka on Kubernetes.\n\n"
    "Experience with PostgreSQL and mentoring engineers is a plus."
)
KB = (
    Passage("kb", "kb:3:0", "Kafka notes", "Kafka orders messages within a partition, not across a topic. "
            "Use the entity id as the key so related events land in the same partition. Retention is time based."),
)  # fmt: skip


def request(question: str, kind: str, **changes: object) -> AnswerRequest:
    fields: dict[str, object] = {
        "question": question, "kind": kind, "language": "en", "company": "N26",
        "role": "Staff Backend Engineer", "job_description": JOB, "resume": RESUME, "kb_passages": KB,
    }  # fmt: skip
    fields.update(changes)
    return AnswerRequest(**fields)  # type: ignore[arg-type]


async def answer(req: AnswerRequest) -> tuple[list[AnswerEvent], AnswerDone]:
    events = [event async for event in OfflineEngine().stream(req)]
    done = events[-1]
    assert isinstance(done, AnswerDone)
    assert "".join(e.text for e in events if isinstance(e, AnswerDelta)) == done.text
    assert (done.engine, done.model, done.prompt_tokens) == ("offline", None, 0)
    return events, done


async def test_behavioral_is_a_star_story_with_the_matching_job_and_numbers() -> None:
    _, done = await answer(request("Tell me about a time you reduced costs.", "behavioral"))
    for fact in (
        "Delivery Hero",
        "Backend Engineer",
        "$180k per year",
        "spot instances",
        "Situation",
        "Result",
    ):
        assert fact in done.text
    assert "I reduced AWS costs" in done.text
    assert done.sources == ("resume:experience:1",)


async def test_behavioral_mentoring_story_uses_the_result_clause() -> None:
    _, done = await answer(request("Describe a time you mentored a junior colleague.", "behavioral"))
    assert "Zalando SE" in done.text and "I mentored 4 engineers" in done.text
    assert "Result: Two were promoted within a year." in done.text


async def test_technical_uses_knowledge_base_and_resume_experience() -> None:
    _, done = await answer(request("How does Kafka guarantee message ordering?", "technical"))
    assert "Kafka orders messages within a partition" in done.text
    assert "Zalando SE" in done.text and "event-driven services on Kafka" in done.text
    assert {"kb:3:0", "resume:experience:0", "resume:skills"} <= set(done.sources)
    assert "Retention" not in done.text  # the knowledge-base sentence that does not answer the question


async def test_technical_without_matching_notes_gives_a_structure_not_unrelated_notes() -> None:
    _, done = await answer(request("Explain optimistic versus pessimistic locking.", "technical"))
    assert done.text.startswith("They want you to explain optimistic versus pessimistic locking:")
    assert "Kafka orders" not in done.text and "trade-off" in done.text
    # No resume line is on locking: none is dragged in ("optimistic" is not "optimising").
    assert "Zalando" not in done.text and not done.sources


async def test_background_pitch_uses_roles_employers_and_skills() -> None:
    _, done = await answer(request("Tell me about yourself.", "background"))
    text = done.text
    assert text.startswith("I'm a Senior Backend Engineer with 8 years of experience.")
    for fact in (
        "Zalando SE",
        "900 ms to 210 ms",
        "Delivery Hero",
        "$180k per year",  # a measured result before a scale figure
        "Kafka",
        "N26",
    ):
        assert fact in text


async def test_situational_gives_steps_tied_to_real_experience() -> None:
    _, done = await answer(
        request("What would you do if you disagree with a colleague about an API design?", "situational")
    )
    assert "1. " in done.text and "4. " in done.text
    assert "joint design review" in done.text and "Delivery Hero" in done.text


async def test_clarifying_restates_and_asks() -> None:
    _, done = await answer(request("What do you mean by scale?", "clarifying"))
    assert '"scale"' in done.text and done.text.count("?") >= 2


async def test_logistics_is_short_and_uses_the_target_role() -> None:
    _, done = await answer(request("What are your salary expectations?", "logistics"))
    assert "Staff Backend Engineer role at N26" in done.text and "8 years" in done.text
    assert len(done.text.split()) < 60


async def test_other_points_at_relevant_material() -> None:
    _, done = await answer(request("What did you do with PostgreSQL?", "other"))
    assert "PostgreSQL" in done.text and done.sources


async def test_unsupported_language_falls_back_to_english_with_a_note() -> None:
    _, done = await answer(request("Tell me about yourself.", "background", language="ja"))
    assert done.text.startswith("(Offline answer in English") and "Japanese" in done.text
    assert "I'm a Senior Backend Engineer with 8 years of experience." in done.text


# --- answers in the session language ----------------------------------------------------------------------

# Per kind: an English question (so that retrieval picks the same material in every language), facts from
# the resume that must appear as written, and per language framing words the answer must use.
LOCALISED: dict[str, tuple[str, tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "behavioral": (
        "Tell me about a time you reduced costs.",
        ("Delivery Hero", "Backend Engineer", "$180k per year", "spot instances", "Jan 2017 – Feb 2020"),
        {
            "de": ("STAR-Geschichte", "• Situation: Bei Delivery Hero war ich Backend Engineer.",
                   "• Aufgabe und Vorgehen: Reduced AWS costs", "Falls nachgefragt wird", "Schließen Sie"),
            "fr": ("Histoire STAR", "• Situation : Chez Delivery Hero, j'étais Backend Engineer.",
                   "• Tâche et action : Reduced AWS costs", "Résultat", "Concluez"),
            "es": ("Historia STAR", "• Situación: En Delivery Hero trabajaba como Backend Engineer.",
                   "• Tarea y acción: Reduced AWS costs", "Resultado", "Cierra con"),
        },
    ),
    "technical": (
        "How does Kafka guarantee message ordering?",
        ("Kafka orders messages within a partition", "Zalando SE", "Led the migration", "services on Kafka"),
        {
            "de": ("Gefragt ist eine Erklärung zu", "(Ihre Notizen: Kafka notes)",
                   "Verknüpfen Sie das mit Ihrer Erfahrung bei Zalando SE:", "Lebenslauf"),
            "fr": ("On vous demande d'expliquer", "(vos notes : Kafka notes)",
                   "Reliez cela à votre expérience chez Zalando SE :", "CV"),
            "es": ("Te piden explicar", "(tus notas: Kafka notes)",
                   "Relaciónalo con tu experiencia en Zalando SE:", "currículum"),
        },
    ),
    "background": (
        "Tell me about yourself.",
        ("Zalando SE", "900 ms to 210 ms", "Delivery Hero", "$180k per year", "Kafka", "N26"),
        {
            "de": ("Ich bin Senior Backend Engineer und bringe 8 Jahre Berufserfahrung mit.",
                   "Derzeit bin ich Senior Backend Engineer bei Zalando SE:", "Davor war ich",
                   "Deshalb interessiert mich die Stelle als Staff Backend Engineer bei N26"),
            "fr": ("Je suis Senior Backend Engineer avec 8 ans d'expérience.",
                   "Actuellement, je suis Senior Backend Engineer chez Zalando SE :", "Auparavant, j'étais",
                   "C'est pourquoi le poste de Staff Backend Engineer chez N26 m'intéresse"),
            "es": ("Soy Senior Backend Engineer con 8 años de experiencia.",
                   "Actualmente trabajo como Senior Backend Engineer en Zalando SE:", "Antes trabajé como",
                   "Por eso me interesa el puesto de Staff Backend Engineer en N26"),
        },
    ),
    "situational": (
        "What would you do if you disagree with a colleague about an API design?",
        ("Delivery Hero", "joint design review"),
        {
            "de": ("So würde ich vorgehen:", "1. Zuerst unter vier Augen", "4. ", "Untermauern Sie das"),
            "fr": ("Voici comment je m'y prendrais :", "1. Parler d'abord en tête-à-tête", "4. ", "Appuyez-vous"),
            "es": ("Así lo abordaría:", "1. Hablar primero a solas", "4. ", "Apóyalo en experiencia real"),
        },
    ),
    "logistics": (
        "What are your salary expectations?",
        ("Staff Backend Engineer", "N26", "8"),
        {
            "de": ("Gesamtpaket für die Stelle als Staff Backend Engineer bei N26", "8 Jahre",
                   "einer Lead-Position"),
            "fr": ("rémunération prévue pour le poste de Staff Backend Engineer chez N26", "8 ans",
                   "un poste de lead technique"),
            "es": ("paquete completo para el puesto de Staff Backend Engineer en N26", "8 años",
                   "un puesto de liderazgo técnico"),
        },
    ),
    "clarifying": (
        "What do you mean by scale?",
        ("Zalando SE",),
        {
            "de": ("Sie fragen nach „scale“?", "Soll ich mich auf ein konkretes Beispiel konzentrieren"),
            "fr": ("votre question porte sur « scale » ?", "Voulez-vous que je m'appuie"),
            "es": ("¿me pregunta por «scale»?", "¿Prefiere que me centre"),
        },
    ),
    "other": (
        "What did you do with PostgreSQL?",
        ("PostgreSQL", "open-source job queue on PostgreSQL"),
        {
            "de": ("Die passendsten Zeilen Ihres Lebenslaufs:", "• Kenntnisse: PostgreSQL", "• Projekt: Pg-queue"),
            "fr": ("Les lignes de votre CV les plus pertinentes :", "• Compétences : PostgreSQL",
                   "• Projet : Pg-queue"),
            "es": ("Las líneas más relevantes de tu currículum:", "• Habilidades: PostgreSQL", "• Proyecto: Pg-queue"),
        },
    ),
}  # fmt: skip


def framing(phrases: Phrases = ENGLISH) -> set[str]:
    """Every literal run of 12+ characters in a phrasebook's templates."""
    templates: list[str] = []
    for f in fields(Phrases):
        value = getattr(phrases, f.name)
        if isinstance(value, str):
            templates.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                templates.extend(item if isinstance(item, tuple) else (item,))
    runs = (literal for t in templates for literal, *_ in string.Formatter().parse(t))
    return {run.strip() for run in runs if len(run.strip()) >= 12}


def english_framing(language: str) -> set[str]:
    """The English framing that must not appear in an answer in `language` ("Situation:" is German too)."""
    return framing(ENGLISH) - framing(PHRASEBOOKS[language[:2]])


@pytest.mark.parametrize("language", ["de", "fr", "es", "de-AT", "fr-CA", "es-MX"])
@pytest.mark.parametrize("kind", list(LOCALISED))
async def test_answers_use_the_session_language_around_the_resume_facts(kind: str, language: str) -> None:
    question, facts, framing = LOCALISED[kind]
    _, done = await answer(request(question, kind, language=language))
    _, english = await answer(request(question, kind))
    for expected in (*facts, *framing[language[:2]]):
        assert expected in done.text, (expected, done.text)
    leaked = [run for run in english_framing(language) if run in done.text]
    assert not leaked, (leaked, done.text)
    for word in ("Offline answer", "your resume", "Key points", "Result:", "I'm a", "I was", "That is why"):
        assert word not in done.text
    # The same material in the same shape as in English: same sources, same number of lines.
    assert done.sources == english.sources
    assert len(done.text.splitlines()) == len(english.text.splitlines())


@pytest.mark.parametrize("language", ["de", "fr", "es"])
@pytest.mark.parametrize(
    "kind", ["behavioral", "technical", "situational", "background", "clarifying", "logistics", "other"]
)
async def test_without_a_resume_the_hint_is_in_the_session_language(kind: str, language: str) -> None:
    _, done = await answer(request("Tell me about a project you are proud of.", kind, language=language,
                                   resume=None, company=None, role=None))  # fmt: skip
    assert done.text and "{" not in done.text
    assert not [run for run in english_framing(language) if run in done.text], done.text
    if kind in {"behavioral", "technical", "background", "situational"}:
        assert {"de": "Lebenslauf", "fr": "CV", "es": "currículum"}[language] in done.text


# Questions as an interviewer would ask them in the session language: the reply picks its topic from them.
NATIVE_LOGISTICS = {
    "de": [("Wie sind Ihre Gehaltsvorstellungen?", "Gehaltsspanne"),
           ("Wie lang ist Ihre Kündigungsfrist?", "Eintrittsdatum"),
           ("Wären Sie bereit, ins Büro zu kommen?", "Homeoffice"),
           ("Brauchen Sie ein Visum?", "Arbeitserlaubnis"),
           ("Haben Sie noch Fragen?", "Herausforderung des Teams")],
    "fr": [("Quelles sont vos prétentions salariales ?", "fourchette"),
           ("Quel est votre préavis ?", "date de démarrage"),
           ("Le télétravail vous convient-il ?", "télétravail et la présence au bureau"),
           ("Avez-vous besoin d'un visa ?", "autorisation de travail"),
           ("Avez-vous des questions ?", "plus grand défi de l'équipe")],
    "es": [("¿Cuáles son tus expectativas salariales?", "banda salarial"),
           ("¿Cuándo podrías incorporarte?", "fecha exacta de incorporación"),
           ("¿Trabajarías en remoto o en la oficina?", "remoto y oficina"),
           ("¿Necesitas visado?", "permiso de trabajo"),
           ("¿Tienes alguna pregunta?", "mayor reto del equipo")],
}  # fmt: skip


@pytest.mark.parametrize("language", list(NATIVE_LOGISTICS))
async def test_logistics_replies_to_questions_asked_in_the_session_language(language: str) -> None:
    for question, expected in NATIVE_LOGISTICS[language]:
        _, done = await answer(request(question, "logistics", language=language))
        assert expected in done.text, (question, done.text)
        assert len(done.text.split()) < 70


@pytest.mark.parametrize(
    ("language", "question", "topic", "first_step"),
    [
        ("de", "Was tun Sie, wenn die Produktion ausfällt?", "incident", "Zuerst stabilisieren"),
        ("de", "Wie gehen Sie mit einer knappen Frist um?", "deadline", "Die Lücke früh sichtbar machen"),
        ("fr", "Que faites-vous si les exigences sont floues ?", "unclear", "Poser des questions"),
        ("fr", "Comment réagiriez-vous face à un nouveau manager ?", "default", "Clarifier l'objectif"),
        ("es", "¿Qué harías ante un conflicto con un compañero?", "conflict", "Hablar primero a solas"),
        ("es", "¿Y si el plazo es imposible?", "deadline", "Hacer visible el desfase"),
    ],
)
async def test_situational_steps_follow_a_question_in_the_session_language(
    language: str, question: str, topic: str, first_step: str
) -> None:
    _, done = await answer(request(question, "situational", language=language))
    assert f"1. {first_step}" in done.text
    assert all(f"{n}. {step}" in done.text for n, step in enumerate(PHRASEBOOKS[language].steps[topic], 1))


@pytest.mark.parametrize(
    ("language", "question", "expected"),
    [
        ("de", "Was meinen Sie mit Skalierung?", "Sie fragen nach „Skalierung“?"),
        ("fr", "Qu'entendez-vous par scalabilité ?", "votre question porte sur « scalabilité » ?"),
        ("es", "¿Qué quiere decir con escalabilidad?", "¿me pregunta por «escalabilidad»?"),
    ],
)
async def test_clarifying_restates_a_question_asked_in_the_session_language(
    language: str, question: str, expected: str
) -> None:
    _, done = await answer(request(question, "clarifying", language=language))
    assert expected in done.text


async def test_behavioral_without_role_or_employer_and_with_a_german_resume() -> None:
    from mentor.ai.types import ExperienceEntry, ResumeProfile

    resume = ResumeProfile(
        experience=(ExperienceEntry("", "", "", ("Kosten um 30 % gesenkt, indem ich Batch-Jobs verlegt habe.",)),),
        skills=("Python", "Istio"), total_years=1.5,
    )  # fmt: skip
    _, done = await answer(
        request("Erzählen Sie von einem Erfolg.", "behavioral", language="de", resume=resume)
    )
    assert "als Teammitglied in dieser Position:" in done.text
    assert "• Situation: In dieser Position war ich Teil des Teams." in done.text
    assert "• Aufgabe und Vorgehen: Kosten um 30 % gesenkt, indem ich Batch-Jobs verlegt habe." in done.text
    _, pitch = await answer(request("Háblame de ti.", "background", language="es", resume=resume))
    assert "Tengo más de un año de experiencia." in pitch.text and "Python e Istio" in pitch.text


def test_phrasebooks_are_complete_and_picked_by_primary_subtag() -> None:
    for phrases in PHRASEBOOKS.values():
        for name in ("steps", "logistics", "levels", "titles"):
            assert getattr(phrases, name).keys() == getattr(ENGLISH, name).keys(), (phrases.code, name)
        assert all(len(steps) == 4 for steps in phrases.steps.values())
    assert phrasebook("de-AT") is PHRASEBOOKS["de"] and phrasebook("es_MX") is PHRASEBOOKS["es"]
    assert phrasebook("EN-gb") is ENGLISH and phrasebook("") is ENGLISH and phrasebook("ja") is None


def test_grammar_built_in_code() -> None:
    de, fr, es = PHRASEBOOKS["de"], PHRASEBOOKS["fr"], PHRASEBOOKS["es"]
    assert ENGLISH.join(["A", "B", "C"]) == "A, B and C" and de.join(["A", "B"]) == "A und B"
    assert fr.join(["A", "B", "C"]) == "A, B et C" and es.join(["A", "B", "C"]) == "A, B y C"
    assert es.join(["Go", "Istio"]) == "Go e Istio" and es.join(["Go", "Hibernate"]) == "Go e Hibernate"
    assert es.join(["Go", "Hierro"]) == "Go y Hierro" and fr.join(["Go"]) == "Go"
    assert fr.target("Engineering Manager", "N26") == "le poste d'Engineering Manager chez N26"
    assert fr.target("Staff Engineer", None) == "le poste de Staff Engineer"
    assert de.target(None, "N26") == "die Stelle bei N26" and es.target(None, None) == "este puesto"
    assert ENGLISH.target(None, "N26") == "N26" and ENGLISH.target("SRE", None) == "the SRE role"
    assert de.years(1.2) == "über ein Jahr Berufserfahrung" and fr.years(7.9) == "plus de 7 ans d'expérience"
    assert ENGLISH.years(0.5) == "experience and skills"
    assert not re.search(r"\{\w*\}", "".join(fr.steps["default"]))


@pytest.mark.parametrize(
    "kind", ["behavioral", "technical", "situational", "background", "clarifying", "other"]
)
async def test_without_a_resume_it_still_answers_and_says_why(kind: str) -> None:
    _, done = await answer(request("Tell me about a project you are proud of.", kind, resume=None))
    assert done.text and "{" not in done.text


async def test_stream_is_cancellable_between_chunks() -> None:
    received = 0
    with trio.CancelScope() as scope:
        async for event in OfflineEngine().stream(request("Tell me about yourself.", "background")):
            received += 1
            if received == 3:
                scope.cancel()
    assert scope.cancelled_caught and received == 3


def test_first_person() -> None:
    assert first_person("Led the migration.") == "I led the migration"
    assert first_person("Responsible for billing") == "I was responsible for billing"
    assert first_person("Kafka expert") == "Kafka expert"
