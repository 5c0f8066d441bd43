"""Build hook: question detection's hot path compiled to C with mypyc (part of mypy; same source, same
behaviour, about half the CPU per caption update: docs/detection.md, "Compiled").

Everything else is in pyproject.toml. The compiled modules are type-checked by mypy as part of the build.
`MENTOR_PURE_PYTHON=1` skips compiling; without a C compiler (or if the compile fails) the build says so and
installs pure Python, which behaves the same, only slower. An editable install puts the compiled modules
next to their sources: after editing one, install again (mentor/ai/detection/__init__.py refuses to load
a compiled module older than its source rather than run stale code).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

# The modules on every caption update's path (tracker -> assembly, the clause rules of every language and
# their verdict types) and on a fire's (the question's kind and excerpt).
# A literal: tests/test_compiled_detection.py reads it from this file (importing setup.py runs setup()).
COMPILED_MODULES = ("tracker", "assembly", "clauses_en", "clauses_eu", "verdict", "kinds", "excerpt", "logistics")
COMPILED = [f"mentor/ai/detection/{name}.py" for name in COMPILED_MODULES]


def _say(message: str) -> None:
    print(f"mentor build: {message}", file=sys.stderr)


def _remove_compiled() -> None:
    """An earlier editable build's modules sit beside the sources and would still be imported: a pure install
    removes them."""
    root = Path(__file__).parent
    for built in [*root.glob("mentor/ai/detection/*.so"), *root.glob("mentor_detection__mypyc*.so")]:
        built.unlink()


class OptionalBuildExt(build_ext):
    """Builds the compiled modules if it can; otherwise removes what it made and leaves pure Python."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - no compiler, no headers, a compile error: pure Python works
            for path in self.get_outputs():
                Path(path).unlink(missing_ok=True)
            _remove_compiled()
            _say(f"compiling detection failed ({str(exc)[:160]}); installing pure Python")


def _extensions() -> list[Any]:
    if os.environ.get("MENTOR_PURE_PYTHON") == "1":
        _say("MENTOR_PURE_PYTHON=1: detection stays pure Python")
        _remove_compiled()
        return []
    try:
        from mypyc.build import mypycify
        return list(mypycify(COMPILED, opt_level="3", group_name="mentor_detection"))
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - mypy missing, or its type check failed (exits)
        _say(f"mypyc unavailable or the type check failed ({exc!r}); detection stays pure Python")
        _remove_compiled()
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
