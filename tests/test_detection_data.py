"""End-to-end checks on the shared real data (skipped when ../shared/data is absent)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not (DATA / "questions-dev.jsonl").exists(), reason="../shared/data not present")


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_detection", ROOT / "bench" / "eval_detection.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["eval_detection"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_stream_replay_never_duplicates_and_finds_most_questions() -> None:
    b = bench()
    rows = b.load(DATA / "questions-dev.jsonl")
    for stripped in (False, True):
        rep = b.replay(rows, stripped, seed=3)
        assert rep.duplicates == 0
        assert rep.detected / rep.questions >= 0.7
        assert rep.nonquestion_ids <= 0.3 * rep.question_ids


def test_press_briefings_reporter_vs_official_turns() -> None:
    b = bench()
    res = b.evaluate_briefings(DATA / "wh-briefings", stripped=False)
    (qqn, qqh), (an, ah) = res["Q?"], res["A"]
    assert qqh / qqn >= 0.9
    assert ah / an <= 0.10


def test_press_briefings_without_punctuation() -> None:
    # Live captions: no "?", no commas, no capitals; questions after preambles and names.
    b = bench()
    res = b.evaluate_briefings(DATA / "wh-briefings", stripped=True)
    (qqn, qqh), (an, ah) = res["Q?"], res["A"]
    assert qqh / qqn >= 0.75
    assert ah / an <= 0.10


def test_stripped_dev_set_f1_floor() -> None:
    b = bench()
    s, _, _ = b.evaluate_static(b.load(DATA / "questions-dev.jsonl"), stripped=True)
    assert s.f1 >= 0.75


def test_question_text_is_cut_at_word_boundaries_on_long_real_turns() -> None:
    import re

    from mentor.ai.detection import CaptionUpdate, QuestionTracker

    b = bench()
    rows = [r for r in b.load(DATA / "hearings-dev" / "questions.jsonl") if len(str(r["text"]).split()) >= 100]
    assert rows
    for stripped in (False, True):
        for i, r in enumerate(rows):
            text = b.strip_punct(str(r["text"])) if stripped else str(r["text"])
            tr = QuestionTracker()
            out = tr.feed(CaptionUpdate(i, "b", 0, True, "interviewer", "s", text, 0.0)) + tr.tick(100.0)
            words = set(re.findall(r"\w+(?:['’-]\w+)*", text))
            for q in out:
                assert len(q.text) <= 1500
                for piece in re.findall(r"\w+(?:['’-]\w+)*", q.text):
                    assert piece in words, (piece, q.text)  # whole words of the turn, never a cut word
