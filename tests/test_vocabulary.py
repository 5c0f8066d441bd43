"""docs/protocol.md documents every problem code (with its status), event type, question kind, speaker role
and stream close reason, and nothing else: each is defined once in code, and this keeps the doc in step."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest

from mentor.ai.types import QuestionKind, SpeakerRole
from mentor.errors import PROBLEM_STATUS, Problem, ProblemCode
from mentor.events import CloseReason, EventType

DOC = Path(__file__).resolve().parents[1] / "docs" / "protocol.md"


def table_under(heading: str) -> list[list[str]]:
    """The cells of the first Markdown table after ``heading`` (header and separator rows dropped)."""
    lines = DOC.read_text().splitlines()
    start = lines.index(heading)
    rows: list[list[str]] = []
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
        elif rows:
            break
    assert len(rows) > 2, f"no table under {heading!r}"
    return rows[2:]


def names(cell: str) -> list[str]:
    """The `backticked` names in a cell ("`answers_paused` / `answers_resumed`" names two)."""
    return re.findall(r"`([a-z_]+)`", cell)


def documented(heading: str) -> list[str]:
    return [name for row in table_under(heading) for name in names(row[0])]


def test_every_problem_code_is_documented_once_with_its_status() -> None:
    rows = table_under("## Errors")
    doc = {names(row[0])[0]: int(row[1]) for row in rows}
    assert len(doc) == len(rows), "a code is listed twice"
    assert doc == {code.value: code.status for code in ProblemCode}


def test_every_problem_code_has_one_status() -> None:
    assert set(PROBLEM_STATUS) == set(ProblemCode)
    assert all(400 <= status < 600 for status in PROBLEM_STATUS.values())


def test_a_problem_takes_its_status_from_its_code() -> None:
    body = Problem(ProblemCode.INVALID_MESSAGE, "a message must be a JSON object").to_dict()
    assert (body["status"], body["code"]) == (422, "invalid_message")


@pytest.mark.parametrize(("heading", "enum"), [
    ("## Event types", EventType),
    ("### Question kinds", QuestionKind),
    ("### Speaker roles", SpeakerRole),
    ("### Why a stream ends", CloseReason),
])
def test_doc_table_lists_exactly_the_enum(heading: str, enum: type[StrEnum]) -> None:
    listed = documented(heading)
    assert len(listed) == len(set(listed)), f"{heading}: a value is listed twice"
    assert set(listed) == {member.value for member in enum}


def test_question_kinds_are_the_agreed_ones_and_equal_their_strings() -> None:
    assert [k.value for k in QuestionKind] == [
        "behavioral", "technical", "system_design", "situational", "background", "follow_up", "clarifying",
        "logistics", "small_talk", "other"]
    assert QuestionKind.SYSTEM_DESIGN == "system_design" and {"technical": 1}[QuestionKind.TECHNICAL] == 1
