"""GET /metrics: Prometheus exposition over every worker. Off unless ``metrics_token`` is set; then it
needs ``Authorization: Bearer <metrics_token>`` (a scraper's key, not a user's login)."""

from __future__ import annotations

import hmac

from quart import Blueprint, Response, request

from mentor.actors import metrics as pipeline_metrics
from mentor.errors import Problem, ProblemCode
from mentor.http.requests import runtime

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
async def metrics() -> Response:
    token = runtime().settings.metrics_token
    if not token:
        raise Problem(ProblemCode.NOT_FOUND, "metrics are off (set metrics_token)")
    if not hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
        raise Problem(ProblemCode.UNAUTHORIZED, "metrics need the metrics token")
    body, content_type = pipeline_metrics.render()
    return Response(body, content_type=content_type)
