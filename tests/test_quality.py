"""The code is type-checked (mypy --strict), lint-clean (ruff) and its documented settings match the code."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

from mentor.settings import Settings, env_name

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)


def test_mypy_strict_on_mentor() -> None:
    result = run("mypy", "--strict", "mentor")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean() -> None:
    result = run("ruff", "check", "mentor", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_setting_is_documented_with_its_default() -> None:
    doc = (ROOT / "docs" / "operations.md").read_text()
    for f in dataclasses.fields(Settings):
        row = next((line for line in doc.splitlines() if line.startswith("|") and f"`{env_name(f)}`" in line), None)
        assert row is not None, f"{env_name(f)} is missing from docs/operations.md"
        assert f"`{f.default!r}`" in row, f"{env_name(f)}: documented default differs from {f.default!r}"
