"""The JavaScript both clients share, checked without a browser: its `node --test` unit tests (caption
tracker, event reducer, event stream, token upkeep) pass; the extension's copy of the shared modules is
byte-identical to the console's (run clients/sync-shared.sh after editing them); and the client vocabulary
(event types, question kinds) is the server's."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from mentor.ai.types import QuestionKind
from mentor.events import EventType
from tests.browser.harness import NODE_DIR, ROOT

SHARED = ROOT / "mentor" / "http" / "static" / "js" / "shared"
EXTENSION_COPY = ROOT / "clients" / "extension" / "shared"
NODE_TEST_TIMEOUT_S = 120


@pytest.mark.skipif(shutil.which("node") is None, reason="node not found: the client unit tests need Node.js >= 20")
def test_client_unit_tests_pass_under_node() -> None:
    files = sorted(str(p.name) for p in NODE_DIR.glob("*.test.mjs"))
    assert {"caption_tracker.test.mjs", "reducer.test.mjs"} <= set(files), files
    run = subprocess.run(["node", "--test", *files], cwd=NODE_DIR, capture_output=True, text=True,
                         timeout=NODE_TEST_TIMEOUT_S, check=False)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    passed = re.search(r"^# pass (\d+)$", report, re.MULTILINE)
    assert passed and int(passed.group(1)) >= 20 and re.search(r"^# fail 0$", report, re.MULTILINE), report


def test_extension_carries_an_identical_copy_of_the_shared_modules() -> None:
    source = {p.name: p.read_bytes() for p in SHARED.glob("*.js")}
    copy = {p.name: p.read_bytes() for p in EXTENSION_COPY.glob("*.js")}
    assert source, "no shared modules found"
    assert copy.keys() == source.keys(), "run clients/sync-shared.sh"
    stale = [name for name in source if copy[name] != source[name]]
    assert not stale, f"clients/extension/shared differs from the console's ({stale}): run clients/sync-shared.sh"


def js_list(text: str, name: str) -> list[str]:
    match = re.search(rf"export const {name} = Object\.freeze\(\[(.*?)\]\)", text, re.DOTALL)
    assert match, name
    return re.findall(r'"([a-z_]+)"', match.group(1))


def test_client_vocabulary_is_the_servers() -> None:
    text = (SHARED / "vocabulary.js").read_text()
    durable, control = js_list(text, "DURABLE_EVENTS"), js_list(text, "CONTROL_EVENTS")
    assert not set(durable) & set(control)
    assert sorted(durable + control) == sorted(e.value for e in EventType)
    protocol = (ROOT / "docs" / "protocol.md").read_text()
    with_id = set()
    for row in re.findall(r"^\| (`[a-z_]+`(?: / `[a-z_]+`)*) \| yes \|", protocol, re.MULTILINE):
        with_id.update(re.findall(r"`([a-z_]+)`", row))
    assert with_id == set(durable), "docs/protocol.md's event table says which events carry an id"
    kinds = re.search(r"export const KIND_LABELS = Object\.freeze\(\{(.*?)\}\)", text, re.DOTALL)
    assert kinds
    assert sorted(re.findall(r"([a-z_]+):", kinds.group(1))) == sorted(k.value for k in QuestionKind)


def test_no_client_defines_its_own_event_list() -> None:
    """The event type list lives in shared/vocabulary.js only."""
    sources = [*(ROOT / "mentor" / "http" / "static" / "js").glob("*.js"), *(ROOT / "clients" / "extension").glob("*.js")]
    for path in sources:
        text = path.read_text()
        assert not re.search(r'"answer_delta"\s*,\s*"new_answer"', text), f"{path}: import the shared vocabulary"
