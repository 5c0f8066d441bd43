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


async def read_events(response: httpx.Response) -> AsyncIterator[SSE]:
    """Yield events (comments and the bare ``retry:`` block are skipped) until the server closes."""
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == "":
            if "data" in fields:
                raw_id = fields.get("id")
                yield SSE(fields.get("event", "message"), json.loads(fields["data"]),
                          int(raw_id) if raw_id else None)
            fields = {}
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        fields[name] = value.removeprefix(" ")
