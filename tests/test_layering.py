"""The package layout is the architecture: these checks read every module's imports (AST, lazy imports
inside functions included) and fail when a layer reaches up or the pure core picks up I/O.

Layers, low to high (docs/architecture.md draws them):

    mentor.ai                            pure: no trio, no I/O library, no other mentor package
    mentor.store | mentor.engines        persistence (the only SQL) | answer engines; neither imports the other
    mentor.actors | mentor.auth          session actors and their supervisor | accounts and tokens
    mentor.sharing                       roles, the session authorisation check, devices and share links
    mentor.runtime                       the composition root: opens store, engines, actors, accounts
    mentor.http                          app, routes, streams (over the runtime)
    mentor.cli                           the command line

``mentor.settings``, ``mentor.errors``, ``mentor.events`` and ``mentor.wire`` are shared leaves: anything but
``mentor.ai`` may import them, and they import no other mentor module but each other.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mentor"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("mentor.ai",),
    ("mentor.store", "mentor.engines"),
    ("mentor.actors", "mentor.auth"),
    ("mentor.sharing",),
    ("mentor.runtime",),
    ("mentor.http",),
    ("mentor.cli",),
)
SHARED = ("mentor.settings", "mentor.errors", "mentor.events", "mentor.wire")

IO_LIBRARIES = frozenset({
    "trio", "anyio", "asyncio", "sniffio", "outcome", "httpx", "httpx2", "openai", "sqlalchemy", "alembic",
    "psycopg", "psycopg2", "quart", "quart_trio", "quart_schema", "hypercorn", "werkzeug", "socket", "ssl",
    "selectors", "aiohttp", "requests", "urllib3", "subprocess", "multiprocessing", "threading",
})

# Known exceptions to the rules below, as (importing module, imported module). Each names its owner and why.
# An exception that no longer occurs fails test_known_exceptions_still_occur: delete it then.
# (The PDF child process that hardening first started from mentor.ai.resume now starts from
# mentor/http/pdf_reader.py; mentor.ai.resume.pdf_text is the pure code it runs.)
KNOWN_EXCEPTIONS: frozenset[tuple[str, str]] = frozenset()


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts}


@cache
def imports(module: str) -> frozenset[str]:
    """Every module ``module`` imports, absolute names (``from x import y`` counts as x and x.y)."""
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(found)


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def layer_of(name: str) -> int | None:
    for rank, packages in enumerate(LAYERS):
        if any(within(name, p) for p in packages):
            return rank
    return None


def top_package(name: str) -> str:
    return next((p for packages in LAYERS for p in packages if within(name, p)), name)


def mentor_imports(module: str) -> set[str]:
    """The mentor modules ``module`` imports (names of real modules or packages only)."""
    known = modules()
    return {name for name in imports(module) if within(name, "mentor") and name in known}


def violations(rule: str, pairs: set[tuple[str, str]]) -> list[str]:
    return sorted(f"{rule}: {a} imports {b}" for a, b in pairs if (a, b) not in KNOWN_EXCEPTIONS)


def test_the_layout_is_what_this_test_knows() -> None:
    unplaced = [m for m in modules() if m != "mentor" and layer_of(m) is None
                and not any(within(m, s) for s in SHARED)]
    assert unplaced == [], "place these modules in LAYERS or SHARED (and in docs/architecture.md)"


def test_the_pure_core_imports_no_io_and_no_other_mentor_package() -> None:
    bad = set()
    for module in modules():
        if within(module, "mentor.ai"):
            for name in imports(module):
                if name.split(".")[0] in IO_LIBRARIES or (within(name, "mentor") and not within(name, "mentor.ai")):
                    bad.add((module, name))
    assert violations("mentor.ai must stay pure", bad) == []


def test_sqlalchemy_is_imported_only_by_the_store() -> None:
    bad = {(m, n) for m in modules() for n in imports(m)
           if n.split(".")[0] in {"sqlalchemy", "alembic", "psycopg"} and not within(m, "mentor.store")}
    assert violations("SQL lives in mentor.store", bad) == []


_SQL = re.compile(r"\b(?:SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.DOTALL)


def test_no_sql_text_outside_the_store() -> None:
    bad = set()
    for module, path in modules().items():
        if within(module, "mentor.store"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL.search(node.value):
                bad.add((module, f"SQL text {node.value[:40]!r}"))
    assert violations("SQL lives in mentor.store", bad) == []


def points_up_or_sideways(module: str, name: str) -> bool:
    """True if ``module`` may not import ``name``: a higher layer, or a sibling package of the same layer."""
    if any(within(name, s) for s in SHARED) or name == "mentor":
        return False
    rank, target = layer_of(module), layer_of(name)
    if rank is None or target is None:  # a shared leaf importing a layer (see the test below)
        return rank is None
    return target > rank or (target == rank and top_package(name) != top_package(module))


def test_nothing_imports_upward_or_sideways() -> None:
    bad = {(m, n) for m in modules() for n in mentor_imports(m) if points_up_or_sideways(m, n)}
    assert violations("imports must point down", bad) == []


def test_shared_leaves_import_only_each_other() -> None:
    bad = {(m, n) for m in modules() if any(within(m, s) for s in SHARED)
           for n in mentor_imports(m) if not any(within(n, s) for s in SHARED)}
    assert violations("shared leaves", bad) == []


def test_route_modules_import_no_other_route_module_and_no_actor_internals() -> None:
    bad = set()
    for module in modules():
        if within(module, "mentor.http.routes") and module != "mentor.http.routes":
            for name in mentor_imports(module):
                if within(name, "mentor.http.routes") or within(name, "mentor.actors.session_actor"):
                    bad.add((module, name))
    assert violations("routes stand alone", bad) == []


STORE_INTERNALS = ("mentor.store.schema", "mentor.store.writer", "mentor.store.rows", "mentor.store.database",
                   "mentor.store.WriteOp")


def test_http_uses_store_modules_not_their_internals() -> None:
    """No route builds SQL or WriteOps: HTTP calls the aggregate modules' reads and write builders."""
    bad = {(m, n) for m in modules() if within(m, "mentor.http") for n in imports(m)
           if any(within(n, s) for s in STORE_INTERNALS)}
    assert violations("http uses store modules", bad) == []


def test_the_event_log_belongs_to_the_actors() -> None:
    """Events get their ids in the session actor and are read back for replay beside it."""
    bad = {(m, n) for m in modules() if not (within(m, "mentor.actors") or within(m, "mentor.store"))
           for n in mentor_imports(m) if within(n, "mentor.store.event_log")}
    assert violations("the event log belongs to the actors", bad) == []


def test_known_exceptions_still_occur() -> None:
    stale = sorted((a, b) for a, b in KNOWN_EXCEPTIONS if a not in modules() or b not in imports(a))
    assert stale == [], "these no longer happen: remove them from KNOWN_EXCEPTIONS"


def test_the_checks_can_fail() -> None:
    """Imports are resolved (relative ones too) and the rules reject what they should."""
    assert "mentor.ai.types" in imports("mentor.http.models")
    assert points_up_or_sideways("mentor.store.sessions", "mentor.actors.messages")  # up
    assert points_up_or_sideways("mentor.engines.offline", "mentor.store.knowledge")  # sideways
    assert points_up_or_sideways("mentor.runtime", "mentor.http.app")
    assert not points_up_or_sideways("mentor.http.ws_fast_path", "mentor.actors.messages")
    assert not points_up_or_sideways("mentor.actors.session_actor", "mentor.events")
