"""Fixtures: a real Mentor server on 127.0.0.1 port 0, on SQLite and (when reachable) PostgreSQL.

Set MENTOR_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test to run every server test on
PostgreSQL too; each test then gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import trio

from mentor.http.server import serve
from mentor.settings import Settings
from mentor.store.database import normalize_url

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TEST_SECRET = "test-secret-" + "x" * 40
PG_ENV = "MENTOR_TEST_DATABASE_URL"


@pytest.fixture
def data_dir() -> Path:
    if not DATA_DIR.is_dir():
        pytest.skip(f"shared data not found at {DATA_DIR}")
    return DATA_DIR


def _pg_schema_url(base: str) -> Iterator[str]:
    url = normalize_url(base)
    try:
        admin = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with admin.connect():
            pass
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "not available here"
        pytest.skip(f"PostgreSQL at {base} is not reachable: {exc.__class__.__name__}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'mentor.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: PostgreSQL variant not run")
    yield from _pg_schema_url(base)


def make_settings(database_url: str, **overrides: Any) -> Settings:
    base: dict[str, Any] = {
        "database_url": database_url, "port": 0, "jwt_secret": TEST_SECRET,
        "password_hash_time_cost": 1, "password_hash_memory_kib": 1024,  # real argon2, test-sized
        "graceful_timeout_s": 2.0, "sqlite_synchronous": "NORMAL",
    }
    base.update(overrides)
    return Settings(**base)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@dataclass
class Server:
    url: str
    stop: trio.Event
    settings: Settings


async def start_server(nursery: trio.Nursery, settings: Settings) -> Server:
    stop = trio.Event()
    binds = await nursery.start(partial(serve, settings, stop=stop))
    return Server(binds[0], stop, settings)


@asynccontextmanager
async def running_server(settings: Settings) -> AsyncIterator[Server]:
    """A server for the duration of the block; it shuts down cleanly even if the block fails."""
    async with trio.open_nursery() as nursery:
        srv = await start_server(nursery, settings)
        try:
            yield srv
        finally:
            srv.stop.set()


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[Server]:
    async with running_server(settings) as srv:
        yield srv


class User:
    """A registered account with an httpx client that sends its token."""

    def __init__(self, client: httpx.AsyncClient, email: str, tokens: dict[str, Any]) -> None:
        self.client = client
        self.email = email
        self.tokens = tokens
        self.id: str = tokens["user"]["id"]

    @property
    def token(self) -> str:
        return str(self.tokens["access_token"])

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def create_session(self, **fields: Any) -> dict[str, Any]:
        r = await self.request("POST", "/sessions", json={"title": "Backend engineer at Acme", **fields})
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def captions(self, session_id: str, captions: Any) -> httpx.Response:
        return await self.request("POST", f"/sessions/{session_id}/captions", json=captions)


async def register(client: httpx.AsyncClient, email: str | None = None, password: str = "correct horse") -> User:
    email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
    r = await client.post("/auth/register", json={"email": email, "password": password})
    assert r.status_code == 201, r.text
    return User(client, email, r.json())


@pytest.fixture
async def client(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as c:
        yield c


@pytest.fixture
async def user(client: httpx.AsyncClient) -> User:
    return await register(client)
