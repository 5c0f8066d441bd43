"""Fixtures for the real-browser tests: a sqlite-only server (the API suite covers PostgreSQL) that also
serves the console, and a cuttable proxy in front of it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import trio

from mentor.settings import Settings
from tests.browser.harness import CuttableProxy
from tests.conftest import Server, make_settings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """One Chromium at a time: under pytest-xdist (``--dist loadgroup``) every browser test runs on the same
    worker, so two browsers never share the cores (on two cores that made page waits time out)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'mentor.db'}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, sse_retry_ms=250)  # quick EventSource reconnects


@pytest.fixture
async def proxy(nursery: trio.Nursery, server: Server) -> AsyncIterator[CuttableProxy]:
    p = CuttableProxy(int(server.url.rsplit(":", 1)[1]))
    await nursery.start(p.serve)
    yield p
