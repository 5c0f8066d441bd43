"""Store reads from worker threads, bounded by a capacity limiter."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

import sqlalchemy as sa
import trio

P = ParamSpec("P")
T = TypeVar("T")


class StoreReader:
    def __init__(self, engine: sa.Engine, *, threads: int) -> None:
        self._engine = engine
        self._limiter = trio.CapacityLimiter(threads)

    async def read(self, fn: Callable[..., T], *args: object) -> T:
        """Run ``fn(connection, *args)`` in a worker thread and return its result."""

        def run() -> T:
            with self._engine.connect() as conn:
                return fn(conn, *args)

        return await trio.to_thread.run_sync(run, limiter=self._limiter)
