"""A bounded schemathesis run against a live server (issue 10): every operation of /openapi.json, with a
valid token and without, positive and negative data, a fixed seed and a few examples each. No 5xx, no
hang (a per-request timeout), responses as declared. bench/fuzz.py runs the larger pass for reports.

The server runs as its own process (``mentor serve --port 0``): schemathesis' calls are blocking, and the
server needs the main thread of its process for its signal handling.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from bench.fuzz import Figures, fuzz, register
from tests.conftest import TEST_SECRET

EXAMPLES = 4  # per operation, mode and token: about 500 requests in all
SEED = 20261129
REQUEST_TIMEOUT_S = 10.0


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("fuzz") / "mentor.db"
    env = {**os.environ, "MENTOR_JWT_SECRET": TEST_SECRET, "MENTOR_PASSWORD_HASH_TIME_COST": "1",
           "MENTOR_PASSWORD_HASH_MEMORY_KIB": "1024", "MENTOR_SQLITE_SYNCHRONOUS": "NORMAL"}
    server = subprocess.Popen([sys.executable, "-m", "mentor.cli", "serve", "--port", "0",
                               "--database-url", f"sqlite:///{db}"],
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, text=True)
    try:
        assert server.stderr is not None
        url = None
        for line in server.stderr:  # the server logs its address once it listens
            found = re.search(r"Mentor listening on (http://\S+)", line)
            if found:
                url = found.group(1)
                break
        assert url, "the server did not start"
        # Keep draining its log (one access-log line per request): a full pipe would block the server.
        threading.Thread(target=lambda: all(True for _ in server.stderr), daemon=True).start()  # type: ignore[union-attr]
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("with_token", [True, False], ids=["valid-token", "no-token"])
def test_the_api_holds_under_generated_requests(live_url: str, with_token: bool) -> None:
    # schemathesis' own pytest plugin does not run on pytest 9 ('Function' has no '_nodeid'): bench.fuzz
    # drives its Python API with hypothesis, the same generation and the same checks.
    figures = Figures()
    fuzz(live_url, examples=EXAMPLES, rand_seed=SEED, timeout_s=REQUEST_TIMEOUT_S,
         token=register(live_url) if with_token else None, figures=figures)
    assert figures.cases > 100 and "skipped" not in figures.examples, figures.examples
    assert (figures.server_errors, figures.hangs, figures.mismatches) == (0, 0, 0), dict(figures.examples)
