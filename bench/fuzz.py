"""Schema-driven fuzzing of a running server: every operation of /openapi.json, with and without a valid
token, in schemathesis' positive and negative modes; prints cases, 5xx, hangs and schema mismatches.

    python -m bench.fuzz http://127.0.0.1:8080 --examples 100 --seed 1

The suite runs a small, fixed-seed version of this (tests/test_fuzz.py); this is the larger pass whose
figures go into reports.
"""

from __future__ import annotations

import argparse
import collections
import sys
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

SCHEMA_CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class Figures:
    cases: int = 0
    server_errors: int = 0
    hangs: int = 0
    mismatches: int = 0
    by_status: collections.Counter[int] = field(default_factory=collections.Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))

    def note(self, kind: str, text: str) -> None:
        if len(self.examples[kind]) < 8:
            self.examples[kind].append(text)


def register(base_url: str) -> str:
    r = requests.post(f"{base_url}/auth/register", timeout=10,
                      json={"email": f"fuzz-{uuid.uuid4().hex[:10]}@example.com", "password": "fuzzing password"})
    r.raise_for_status()
    return str(r.json()["access_token"])


def fuzz(base_url: str, *, examples: int, rand_seed: int, timeout_s: float, token: str | None,
         figures: Figures) -> None:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz_operation(operation, mode, base_url, examples=examples, rand_seed=rand_seed, timeout_s=timeout_s,
                           token=token, figures=figures)


def fuzz_operation(operation: Any, mode: GenerationMode, base_url: str, *, examples: int, rand_seed: int,
                   timeout_s: float, token: str | None, figures: Figures) -> None:
    label = f"{operation.method.upper()} {operation.path} {mode}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    @seed(rand_seed)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        figures.cases += 1
        if not token:
            case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        try:
            response = case.call(base_url=base_url, headers=headers, timeout=timeout_s)
        except (requests.Timeout, requests.ConnectionError) as exc:
            figures.hangs += 1
            figures.note("hang", f"{label}: {exc.__class__.__name__}")
            return
        figures.by_status[response.status_code] += 1
        if response.status_code >= 500:
            figures.server_errors += 1
            figures.note("5xx", f"{label} -> {response.status_code} {response.text[:120]}")
        try:
            case.validate_response(response, checks=SCHEMA_CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - any failed check is a mismatch
            figures.mismatches += 1
            kinds = sorted({type(e).__name__ for e in getattr(exc, "exceptions", [exc])})
            figures.note("mismatch", f"{label} {response.status_code}: {', '.join(kinds)}")

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported, not fatal
        figures.note("skipped", f"{label}: {exc.__class__.__name__}: {str(exc)[:100]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--examples", type=int, default=100, help="examples per operation, mode and token")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout-s", type=float, default=5.0, help="a request not answered by then is a hang")
    args = parser.parse_args(argv)
    base_url = args.base_url.rstrip("/")
    for name, token in (("with a valid token", register(base_url)), ("without a token", None)):
        figures = Figures()
        fuzz(base_url, examples=args.examples, rand_seed=args.seed, timeout_s=args.timeout_s, token=token,
             figures=figures)
        print(f"{name}: cases={figures.cases} 5xx={figures.server_errors} hangs={figures.hangs} "
              f"schema_mismatches={figures.mismatches} statuses={dict(sorted(figures.by_status.items()))}")
        for kind, texts in figures.examples.items():
            for text in texts:
                print(f"  {kind}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
