"""Store reads from worker threads, bounded by a capacity limiter."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

import sqlalchemy as sa
import trio

from mentor.store.threads import run_in_thread

P = ParamSpec("P")
T = TypeVar("T")


class StoreReader:
    def __init__(self, engine: sa.Engine, *, threads: int) -> None:
        self._engine = engine
        self._limiter = trio.CapacityLimiter(threads)

    async def read(self, fn: Callable[..., T], *args: object) -> T:
        """Run ``fn(connection, *args)`` in a worker thread and return its result."""
        # A read waits for its thread here, before its closure is built: in a burst of answers (hundreds of
        # sessions reading at once) a queued read was the largest single item of a live session's memory.
        async with self._limiter:

            def run() -> T:
                with self._engine.connect() as conn:
                    return fn(conn, *args)

            return await run_in_thread(run)
