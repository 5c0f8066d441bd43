"""Per-user quotas: the limits plans and billing build on. Each is a setting (``quota_*``, 0 = unlimited);
a request that would go past one gets ``429 quota_exceeded`` naming the limit, its value and the use so
far; ``GET /users/me/usage`` shows all of them. Measured from the store at the moment of the request.

Enforced on: creating a session (live and stored sessions), uploading a resume or knowledge document
(upload bytes), ``POST /ask`` (answers per day, model tokens per month). Session answers check the
answer quotas in their task (``mentor.actors.answering.AnswerQuotas``) and fail with ``quota_exceeded``.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import Any

from mentor.errors import Problem, ProblemCode
from mentor.runtime import Runtime
from mentor.settings import Settings
from mentor.store import accounts


def limits(settings: Settings) -> dict[str, int]:
    return {"live_sessions": settings.quota_live_sessions, "stored_sessions": settings.quota_stored_sessions,
            "upload_bytes": settings.quota_upload_bytes, "answers_per_day": settings.quota_answers_per_day,
            "model_tokens_per_month": settings.quota_model_tokens_per_month}


async def _measure(rt: Runtime, user_id: str, names: Collection[str]) -> dict[str, int]:
    """What the quotas ``names`` have used, now (one reader hop; only their reads run)."""
    now = time.time()
    return await rt.reader.read(accounts.quota_usage, user_id, now - accounts.DAY_S, now - accounts.MONTH_S, names)


async def usage(rt: Runtime, user_id: str) -> dict[str, dict[str, int | None]]:
    """Every quota: ``{name: {"used": n, "limit": n or None}}``."""
    limit_of = limits(rt.settings)
    used = await _measure(rt, user_id, tuple(limit_of))
    return {name: {"used": used[name], "limit": limit or None} for name, limit in limit_of.items()}


async def check(rt: Runtime, user_id: str, *names: str, adding: int = 1) -> None:
    """Raise Problem 429 if ``adding`` more of any quota in ``names`` would pass its limit. Only the limited
    quotas are measured: an unlimited one costs no read."""
    limit_of = limits(rt.settings)
    limited = [name for name in names if limit_of[name]]
    if not limited:
        return
    used = await _measure(rt, user_id, limited)
    for name in limited:
        if (why := accounts.quota_used_up(name, limit_of[name], used[name], adding)) is not None:
            extra: dict[str, Any] = {"limit": name, "limit_value": limit_of[name], "used": used[name]}
            raise Problem(ProblemCode.QUOTA_EXCEEDED, why, **extra)
