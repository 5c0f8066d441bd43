"""Meeting-logistics checks start no answer: what counts as one, and what must not."""

from __future__ import annotations

import pytest

from mentor.ai.detection.logistics import is_logistics


@pytest.mark.parametrize(("text", "language"), [
    ("can you hear me", "en"), ("Hello, can you hear me?", "en"), ("Can you see my screen", "en"),
    ("Can you hear me okay now?", "en"), ("Am I on mute?", "en"), ("Are you still there?", "en"),
    ("Did I lose you?", "en"), ("Could you repeat that, please?", "en"), ("Can you share your screen?", "en"),
    ("Is my audio okay?", "en"), ("You’re breaking up", "en"),
    ("Hören Sie mich gut?", "de"), ("Können Sie mich hören?", "de"), ("Vous m'entendez ?", "fr"),
    ("Est-ce que vous m'entendez bien ?", "fr"), ("¿Me oyes bien?", "es"),
    ("can you hear me", "de"),  # English is understood in every session
    # Checks that the candidate follows, answered with a "yes":
    ("Does that make sense?", "en"), ("So, does this make sense so far?", "en"), ("You know what I mean?", "en"),
    ("Is that clear?", "en"), ("Are you following me?", "en"), ("Ergibt das Sinn?", "de"),
    ("Est-ce que c'est clair ?", "fr"), ("¿Tiene sentido?", "es"),
    ("Why don't you start by sharing your screen?", "en"), ("How about we move on to the next question?", "en"),
    ("Shall we get started?", "en"),
])
def test_checks_are_logistics(text: str, language: str) -> None:
    assert is_logistics(text, language)


@pytest.mark.parametrize(("text", "language"), [
    ("can you hear me and tell me about yourself", "en"), ("Do you see yourself as a leader?", "en"),
    ("Can you see the problem with this design?", "en"), ("Can you repeat the process you used at Acme?", "en"),
    ("Are you there yet with the migration?", "en"), ("What do you see as my role?", "en"), ("", "en"),
    ("Können Sie mir Ihr Projekt beschreiben?", "de"), ("¿Me puedes contar de tu último proyecto?", "es"),
    ("can you hear me " + "really " * 30, "en"),
    ("Does that make sense as a design for the cache?", "en"), ("Do you know what I mean by idempotent?", "en"),
    ("Do you follow the news?", "en"), ("Why don't you walk me through your resume?", "en"),
    ("Can we move on to system design?", "en"),
])
def test_questions_are_not_logistics(text: str, language: str) -> None:
    assert not is_logistics(text, language)
