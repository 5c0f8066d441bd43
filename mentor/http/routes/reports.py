"""The interview debrief over HTTP: a session's report (JSON, Markdown, PDF) and trends across interviews.

Reports are read from the store, which holds exactly what the session acknowledged, so a running session
gets a live report (``final: false``) without waking its actor. Reading and computing run together in a
store worker thread (bounded by ``read_threads``); the PDF is drawn in a worker thread too.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any, Literal

import trio
from pydantic import BaseModel, Field, ValidationError
from quart import Blueprint, Response, current_app, request
from quart_schema import document_querystring, document_response, tag

from mentor.ai.charts import report_charts, trend_charts
from mentor.ai.report import ReportInput, build_report, insights, trend_point
from mentor.ai.report_export import report_markdown, report_pdf
from mentor.errors import Problem, ProblemCode, not_found
from mentor.http.models import Name, error_list
from mentor.http.requests import authenticate, json_response, runtime
from mentor.http.trend_cache import TrendCache
from mentor.store import reports as store

bp = Blueprint("reports", __name__)


class ReportQuery(BaseModel):
    include: Literal["charts"] | None = Field(
        default=None, description="`charts`: add the charts as SVG documents under `charts`")


class InsightsQuery(BaseModel):
    company: Name | None = Field(default=None, description="only interviews with this company (matched like "
                                                           "the knowledge base: case and legal form ignored)")
    since: str | None = Field(default=None, description="only interviews created at or after this: UNIX seconds, "
                                                        "an ISO 8601 date, or a date-time with a time zone")
    include: Literal["charts"] | None = Field(default=None, description="`charts`: add the trend charts as SVG")


class ReportDoc(BaseModel):
    """The report's top level; docs/protocol.md ("Reports and insights") describes every field."""

    session: dict[str, Any]
    final: bool
    generated_at: float
    duration_s: float
    summary: dict[str, Any]
    questions: list[dict[str, Any]]
    talk: dict[str, Any]
    fillers: dict[str, Any]
    timeline: dict[str, Any]
    jd: dict[str, Any]
    resume: dict[str, Any]
    charts: dict[str, str] | None = None


class InsightsDoc(BaseModel):
    """Trends across interviews; docs/protocol.md ("Reports and insights") describes every field."""

    filters: dict[str, Any]
    sessions: list[dict[str, Any]]
    truncated: bool
    totals: dict[str, Any]
    averages: dict[str, float | None]
    themes: list[dict[str, Any]]
    charts: dict[str, str] | None = None


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _trend_cache() -> TrendCache:
    # One per application, made on first use (kept in the app's extensions, beside the runtime).
    app = current_app
    cache: TrendCache | None = app.extensions.get("mentor_trend_cache")
    if cache is None:
        cache = app.extensions["mentor_trend_cache"] = TrendCache(runtime().settings.insights_cache_sessions)
    return cache


def _query(model: type[Any]) -> Any:
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise Problem(ProblemCode.INVALID_QUERY, "a query parameter is not valid",
                      errors=error_list(exc.errors())) from None


def parse_since(raw: str | None) -> float | None:
    """UNIX seconds, ``YYYY-MM-DD`` (midnight UTC) or ISO 8601 with a zone; raises Problem(422)."""
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        try:
            stamp = datetime.fromisoformat(raw + ("T00:00:00+00:00" if _DATE.match(raw) else ""))
        except ValueError:
            raise Problem(ProblemCode.INVALID_QUERY, "since must be UNIX seconds or an ISO 8601 date/time") from None
        if stamp.tzinfo is None:
            raise Problem(ProblemCode.INVALID_QUERY, "since needs a time zone (or give a plain date)")
        value = stamp.timestamp()
    if not 0 <= value < 1e11:
        raise Problem(ProblemCode.INVALID_QUERY, "since is out of range")
    return value


async def _report(session_id: str) -> dict[str, Any]:
    user_id = authenticate()

    def read_and_build(conn: Any) -> dict[str, Any] | None:
        inp: ReportInput | None = store.report_input(conn, user_id, session_id)
        return None if inp is None else build_report(inp, generated_at=time.time())

    report = await runtime().reader.read(read_and_build)
    if report is None:
        raise not_found()
    return report


@bp.get("/sessions/<session_id>/report")
@document_querystring(ReportQuery)
@document_response(ReportDoc)
@tag(["reports"])
async def session_report(session_id: str) -> Response:
    """The session's debrief: questions with timing and answers, talk share, fillers, a timeline and JD
    coverage. ``final`` is false while the session runs (the report grows as it goes)."""
    query: ReportQuery = _query(ReportQuery)
    report = await _report(session_id)
    if query.include == "charts":
        report["charts"] = report_charts(report)
    return json_response(report)


@bp.get("/sessions/<session_id>/report.md")
@tag(["reports"])
async def session_report_markdown(session_id: str) -> Response:
    """The report as Markdown (text/markdown), for sharing."""
    report = await _report(session_id)
    return Response(report_markdown(report), content_type="text/markdown; charset=utf-8")


@bp.get("/sessions/<session_id>/report.pdf")
@tag(["reports"])
async def session_report_pdf(session_id: str) -> Response:
    """The report as an A4 PDF with its charts (application/pdf), for sharing."""
    report = await _report(session_id)
    data = await trio.to_thread.run_sync(report_pdf, report)
    return Response(data, content_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="mentor-report-{session_id[:36]}.pdf"'})


@bp.get("/users/me/insights")
@document_querystring(InsightsQuery)
@document_response(InsightsDoc)
@tag(["reports"])
async def my_insights() -> Response:
    """Trends across the user's interviews (newest ``insights_max_sessions``, reported oldest first)."""
    user_id = authenticate()
    query: InsightsQuery = _query(InsightsQuery)
    since = parse_since(query.since)
    limit = runtime().settings.insights_max_sessions

    cache = _trend_cache()

    def read_and_summarise(conn: Any) -> tuple[list[dict[str, Any]], bool]:
        rows, truncated = store.chosen_sessions(conn, user_id, query.company, since, limit)
        points: list[dict[str, Any]] = []
        missing = []
        for row in rows:
            cached = cache.get((row.id, row.ended_at)) if row.ended_at is not None else None
            if cached is not None:
                points.append(cached)
            else:
                missing.append(row)
        now = time.time()

        def summarise(inp: ReportInput) -> None:
            point = trend_point(build_report(inp, generated_at=now))
            if inp.session.ended_at is not None and inp.session.status != "active":
                cache.put((inp.session.id, inp.session.ended_at), point)
            points.append(point)

        store.for_each_report_input(conn, user_id, missing, summarise)
        return points, truncated

    points, truncated = await runtime().reader.read(read_and_summarise)
    data = insights(points, company=query.company, since=since, truncated=truncated)
    if query.include == "charts":
        data["charts"] = trend_charts(data)
    return json_response(data)
