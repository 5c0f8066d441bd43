"""A small SSE client for tests: parses the event stream of an httpx streaming response."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class SSE:
    event: str
    data: Any
    id: int | None


class _Events:
    """An iterator object, not an async generator: a test that stops reading early leaves nothing for the
    garbage collector to finalize, and ``aclose`` closes httpx's line iterator."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()

    def __aiter__(self) -> _Events:
        return self

    async def __anext__(self) -> SSE:
        fields: dict[str, str] = {}
        async for line in self._lines:
            if line == "":
                if "data" in fields:
                    raw_id = fields.get("id")
                    return SSE(fields.get("event", "message"), json.loads(fields["data"]),
                               int(raw_id) if raw_id else None)
                fields = {}
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
        raise StopAsyncIteration

    async def aclose(self) -> None:
        await self._lines.aclose()  # type: ignore[attr-defined]


def read_events(response: httpx.Response) -> AsyncIterator[SSE]:
    """Events (comments and the bare ``retry:`` block are skipped) until the server closes."""
    return _Events(response)
