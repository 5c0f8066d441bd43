"""The install compiles detection's per-update path with mypyc (setup.py), and never runs a stale build."""

from __future__ import annotations

import ast
import importlib
import os
import shutil
import sysconfig
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from mentor.ai import detection
from mentor.ai.detection import stale_compiled

SUFFIX = EXTENSION_SUFFIXES[0]
CAN_COMPILE = (shutil.which("cc") is not None and Path(sysconfig.get_paths()["include"], "Python.h").exists()
               and os.environ.get("MENTOR_PURE_PYTHON") != "1")


def compiled_modules() -> tuple[str, ...]:
    """setup.py's COMPILED_MODULES, read from its source: importing setup.py would run setup()."""
    tree = ast.parse((Path(__file__).parents[1] / "setup.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["COMPILED_MODULES"]:
            names: tuple[str, ...] = ast.literal_eval(node.value)
            return names
    raise AssertionError("setup.py has no COMPILED_MODULES")


@pytest.mark.skipif(not CAN_COMPILE, reason="no C compiler or Python headers, or MENTOR_PURE_PYTHON=1: "
                                            "the install stays pure Python")
def test_the_install_runs_the_compiled_modules() -> None:
    # A compile that silently fell back to pure Python would double the per-update CPU unnoticed.
    names = compiled_modules()
    assert "tracker" in names  # the per-update path's entry point
    for name in names:
        module = importlib.import_module(f"mentor.ai.detection.{name}")
        assert module.__file__ is not None and module.__file__.endswith(SUFFIX), module.__file__


def test_a_source_edited_after_its_build_is_reported(tmp_path: Path) -> None:
    for name in ("tracker", "verdict"):
        (tmp_path / f"{name}.py").write_text("")
        (tmp_path / f"{name}{SUFFIX}").write_bytes(b"")
    (tmp_path / "lonely.py").write_text("")  # never compiled: nothing to compare
    built = (tmp_path / f"tracker{SUFFIX}").stat().st_mtime
    os.utime(tmp_path / "tracker.py", (built + 60, built + 60))  # edited a minute after the build
    os.utime(tmp_path / "verdict.py", (built + 1, built + 1))  # written by the same install: not stale
    assert stale_compiled(tmp_path) == ["tracker.py"]


def test_the_installed_package_is_not_stale() -> None:
    assert stale_compiled(Path(detection.__file__).parent) == []
