"""What clients see of stored rows: the one place rows become the JSON of responses and event payloads.

Used by the session actor (event payloads) and the HTTP routes (responses) alike, so a session or caption
looks the same in ``GET /sessions/{id}`` as in its ``session_created`` event. Pure functions over row dicts.
"""

from __future__ import annotations

import json
from typing import Any


def public_session(row: dict[str, Any]) -> dict[str, Any]:
    """A session row without its owner."""
    return {k: v for k, v in row.items() if k != "user_id"}


def public_caption(row: dict[str, Any]) -> dict[str, Any]:
    """A caption row without its session id and internal update time."""
    return {k: v for k, v in row.items() if k not in ("session_id", "updated_at")}


def public_answer(row: dict[str, Any]) -> dict[str, Any]:
    """A stored answer without its owner; ``sources`` (stored as JSON text) as a list."""
    return {**{k: v for k, v in row.items() if k not in ("user_id", "sources")}, "sources": json.loads(row["sources"])}
