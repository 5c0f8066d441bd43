"""Store reads from worker threads, bounded by a capacity limiter."""

from __future__ import annotations

import math
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
        self._unlimited = trio.CapacityLimiter(math.inf)  # for to_thread: ``_limiter`` already bounds the reads

    async def read(self, fn: Callable[..., T], *args: object) -> T:
        """Run ``fn(connection, *args)`` in a worker thread and return its result."""
        # A read waits for its thread here, before trio.to_thread builds its closures, context copy and
        # thread name (~4 KiB): in a burst of answers (hundreds of sessions reading at once) a queued read
        # was the largest single item of a live session's memory.
        async with self._limiter:

            def run() -> T:
                with self._engine.connect() as conn:
                    return fn(conn, *args)

            return await trio.to_thread.run_sync(run, limiter=self._unlimited)
