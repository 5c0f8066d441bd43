"""Charts of a report and of the trends, drawn as SVG text. Pure functions of the report dicts.

The console shows them as they are (parsed with DOMParser, never as script) and the PDF export embeds the
same SVG through fpdf2, so they use only what both render: rect, line, circle, polygon, polyline and text,
with fills given as attributes (no CSS, no fonts beyond sans-serif). Every chart has a ``viewBox`` and
scales to its container; labels are short ("Q3", a skill name), so they stay legible at phone width.
Free text (questions, names) never goes into a chart: it is data in the JSON, and escaped here anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["coverage_chart", "kinds_chart", "latency_chart", "report_charts", "talk_share_chart",
           "timeline_chart", "trend_chart", "trend_charts"]

COLORS = {"interviewer": "#3465a4", "candidate": "#4e9a06", "other": "#a0a0a0"}
QUESTION = "#c4a000"
ANSWER = "#75507b"
MUTED = "#555753"
GRID = "#d3d7cf"
KIND_COLORS = ("#3465a4", "#4e9a06", "#c4a000", "#75507b", "#cc0000", "#f57900", "#06989a", "#8f5902",
               "#555753", "#ad7fa8")
FONT = 'font-family="sans-serif"'
# viewBox widths: the timeline is wide (it scrolls sideways on a phone rather than shrink); the others are
# drawn narrow so that, shown full-width on a phone or half-width on a desktop, their text stays 11-16 px.
WIDE = 640
WIDTH = 400


def _svg(height: float, body: list[str], label: str, width: int = WIDTH) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" width="{width}" '
            f'height="{height:.0f}" role="img" aria-label="{escape(label, {chr(34): "&quot;"})}">'
            + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, size: int = 12, fill: str = MUTED, anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" {FONT} fill="{fill}" '
            f'text-anchor="{anchor}">{escape(text)}</text>')


def _rect(x: float, y: float, w: float, h: float, fill: str) -> str:
    return f'<rect x="{x:.2f}" y="{y:.2f}" width="{max(w, 0.6):.2f}" height="{h:.2f}" fill="{fill}"/>'


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = GRID, width: float = 1) -> str:
    return f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}" stroke="{stroke}" stroke-width="{width}"/>'


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _tick_step(span: float, most: int = 6) -> float:
    for step in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200):
        if span / step <= most:
            return float(step)
    return 14400.0


def timeline_chart(report: dict[str, Any]) -> str:
    """Who spoke when (one lane per speaker role), questions (ticks) and suggested answers (dots) marked."""
    tl = report["timeline"]
    roles = [r for r in ("interviewer", "candidate", "other") if any(s["speaker"] == r for s in tl["segments"])]
    roles = roles or ["interviewer", "candidate"]
    left, right, top, lane = 86.0, 12.0, 22.0, 26.0
    marks_y = top + lane * len(roles) + 6
    height = marks_y + 44
    end: float = max([report["duration_s"], *(s["end_s"] for s in tl["segments"]), *(q["at_s"] for q in tl["questions"]),
               *(a["at_s"] for a in tl["answers"]), 1.0])
    scale = (WIDE - left - right) / end

    def x(t: float) -> float:
        return left + max(0.0, t) * scale

    body = [_text(left, 14, "Who spoke when", 14, "#2e3436")]
    step = _tick_step(end)
    t = 0.0
    while t <= end + 0.01:
        body.append(_line(x(t), top - 4, x(t), marks_y + 14))
        body.append(_text(x(t), marks_y + 28, _clock(t), 13, MUTED, "middle"))
        t += step
    for i, role in enumerate(roles):
        y = top + i * lane
        body.append(_text(left - 8, y + lane / 2 + 5, role, 14, COLORS[role], "end"))
        body.append(_rect(left, y + 4, WIDE - left - right, lane - 8, "#f3f3f1"))
    lane_of = {r: i for i, r in enumerate(roles)}
    for seg in tl["segments"]:
        at = lane_of.get(seg["speaker"])
        if at is not None:
            body.append(_rect(x(seg["start_s"]), top + at * lane + 5, (seg["end_s"] - seg["start_s"]) * scale,
                              lane - 10, COLORS[seg["speaker"]]))
    body.append(_text(left - 8, marks_y + 9, "Q / A", 11, MUTED, "end"))
    for q in tl["questions"]:
        qx = x(q["at_s"])
        body.append(f'<polygon points="{qx - 4:.1f},{marks_y:.1f} {qx + 4:.1f},{marks_y:.1f} {qx:.1f},'
                    f'{marks_y + 8:.1f}" fill="{QUESTION}"/>')
    for a in tl["answers"]:
        body.append(f'<circle cx="{x(a["at_s"]):.1f}" cy="{marks_y + 12:.1f}" r="2.5" fill="{ANSWER}"/>')
    return _svg(height, body, f"Timeline: {len(tl['segments'])} speaking segments, {len(tl['questions'])} questions",
                WIDE)


def talk_share_chart(report: dict[str, Any]) -> str:
    """One bar split by speaker role, with each role's share and minutes below."""
    speakers = report["talk"]["speakers"]
    left, bar_y, bar_h = 12.0, 26.0, 26.0
    usable = WIDTH - 2 * left
    body = [_text(left, 16, "Talk time", 13, "#2e3436")]
    x = left
    if not speakers:
        body.append(_rect(left, bar_y, usable, bar_h, "#f3f3f1"))
        body.append(_text(WIDTH / 2, bar_y + 17, "nobody has spoken yet", 12, MUTED, "middle"))
    for sp in speakers:
        w = usable * sp["share"]
        body.append(_rect(x, bar_y, w, bar_h, COLORS.get(sp["role"], MUTED)))
        x += w
    for i, sp in enumerate(speakers):
        ly = bar_y + bar_h + 12 + i * 18
        body.append(_rect(left, ly, 10, 10, COLORS.get(sp["role"], MUTED)))
        body.append(_text(left + 14, ly + 9,
                          f"{sp['role']}: {round(sp['share'] * 100)}% ({sp['seconds'] / 60:.1f} min)", 12))
    return _svg(bar_y + bar_h + 14 + max(1, len(speakers)) * 18, body, "Talk share: " + ", ".join(
        f"{sp['role']} {round(sp['share'] * 100)} percent" for sp in speakers))


def latency_chart(report: dict[str, Any]) -> str:
    """Per question: the suggested answer's first token and completion latency (ms), one row each."""
    rows = report["questions"]
    left, right, top, row_h = 44.0, 80.0, 40.0, 18.0
    values = [q["suggestion"]["complete_ms"] or q["suggestion"]["first_token_ms"] or 0.0
              for q in rows if q["suggestion"]]
    top_ms = max([*values, 1.0])
    scale = (WIDTH - left - right) / top_ms
    body = [_text(12, 16, "Suggested answer latency (ms)", 13, "#2e3436"),
            _rect(left, 22, 10, 10, ANSWER), _text(left + 14, 31, "first token", 11),
            _rect(left + 90, 22, 10, 10, "#c7b3c9"), _text(left + 104, 31, "complete", 11)]
    if not rows:
        body.append(_text(WIDTH / 2, top + 14, "no questions yet", 12, MUTED, "middle"))
    for i, q in enumerate(rows):
        y = top + i * row_h
        body.append(_text(left - 6, y + 12, f"Q{i + 1}", 11, MUTED, "end"))
        s = q["suggestion"]
        if s is None:
            body.append(_text(left + 4, y + 12, "no suggestion", 11, MUTED))
            continue
        complete, first = s["complete_ms"] or 0.0, s["first_token_ms"] or 0.0
        body.append(_rect(left, y + 2, complete * scale, row_h - 5, "#c7b3c9"))
        body.append(_rect(left, y + 2, first * scale, row_h - 5, ANSWER))
        body.append(_text(left + max(complete, first) * scale + 4, y + 12,
                          f"{first:.0f} / {complete:.0f}", 11, MUTED))
    return _svg(top + max(1, len(rows)) * row_h + 8, body, f"Answer latency for {len(rows)} questions")


def coverage_chart(report: dict[str, Any]) -> str:
    """The JD's skills, each marked asked (square) and mentioned by the candidate (dot)."""
    jd = report["jd"]
    skills = jd["skills"]
    cols = 2
    col_w = (WIDTH - 24) / cols
    top, row_h = 44.0, 20.0
    covered = sum(1 for s in skills if s["asked"] or s["mentioned"])
    head = (f"Job description: {covered} of {len(skills)} skills came up" if skills
            else "Job description: no skills found")
    body = [_text(12, 16, head, 13, "#2e3436"),
            _rect(12, 24, 10, 10, QUESTION), _text(26, 33, "asked", 11),
            f'<circle cx="87" cy="29" r="5" fill="{COLORS["candidate"]}"/>', _text(96, 33, "mentioned by you", 11)]
    for i, s in enumerate(skills):
        x = 12 + (i % cols) * col_w
        y = top + (i // cols) * row_h
        body.append(_rect(x, y + 2, 10, 10, QUESTION if s["asked"] else "#eeeeec"))
        fill = COLORS["candidate"] if s["mentioned"] else "#eeeeec"
        body.append(f'<circle cx="{x + 21:.1f}" cy="{y + 7:.1f}" r="5" fill="{fill}"/>')
        body.append(_text(x + 32, y + 11, s["name"], 12, "#2e3436" if s["asked"] or s["mentioned"] else MUTED))
    rows = (len(skills) + cols - 1) // cols
    return _svg(top + max(rows, 0) * row_h + 6, body, head)


def report_charts(report: dict[str, Any]) -> dict[str, str]:
    return {"timeline": timeline_chart(report), "talk_share": talk_share_chart(report),
            "latency": latency_chart(report), "coverage": coverage_chart(report)}


# --- trends ---------------------------------------------------------------------------------------------

def trend_chart(points: Sequence[dict[str, Any]], field: str, title: str, unit: str = "",
                percent: bool = False) -> str:
    """One figure per interview, oldest to newest, as a line with dots; gaps where a figure is missing."""
    left, right, top, height = 48.0, 16.0, 28.0, 150.0
    bottom = height - 22
    values = [p.get(field) for p in points]
    known = [v for v in values if v is not None]
    high = max([*known, 0.0]) * 1.15 or 1.0
    if percent:
        high = min(1.0, high) if known else 1.0
    n = len(points)

    def x(i: int) -> float:
        return left + (WIDTH - left - right) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return bottom - (bottom - top) * (v / high)

    def fmt(v: float) -> str:
        return f"{v * 100:.0f}%" if percent else f"{v:.0f}{unit}" if v >= 10 else f"{v:.1f}{unit}"

    body = [_text(12, 16, title, 13, "#2e3436")]
    for frac in (0.0, 0.5, 1.0):
        body.append(_line(left, y(high * frac), WIDTH - right, y(high * frac)))
        body.append(_text(left - 6, y(high * frac) + 4, fmt(high * frac), 10, MUTED, "end"))
    if not known:
        body.append(_text(WIDTH / 2, (top + bottom) / 2, "no data yet", 12, MUTED, "middle"))
    run: list[str] = []
    for i, v in enumerate(values):
        if v is None:
            if len(run) > 1:
                body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{COLORS["interviewer"]}" '
                            f'stroke-width="2"/>')
            run = []
            continue
        run.append(f"{x(i):.1f},{y(v):.1f}")
    if len(run) > 1:
        body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{COLORS["interviewer"]}" '
                    f'stroke-width="2"/>')
    for i, v in enumerate(values):
        if v is not None:
            body.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{COLORS["interviewer"]}"/>')
    for i in sorted({0, n - 1}) if n else []:
        body.append(_text(x(i), height - 6, f"#{i + 1}", 10, MUTED, "middle"))
    return _svg(height, body, f"{title} over {n} interviews")


def kinds_chart(points: Sequence[dict[str, Any]]) -> str:
    """Questions by kind per interview, as stacked columns, with a legend of the kinds that occur."""
    kinds = sorted({k for p in points for k in p["kinds"]})
    color = {k: KIND_COLORS[i % len(KIND_COLORS)] for i, k in enumerate(kinds)}
    left, right, top = 36.0, 16.0, 28.0
    legend_rows = (len(kinds) + 3) // 4
    bottom = 170.0
    height = bottom + 20 + legend_rows * 18
    n = max(1, len(points))
    high = max([sum(p["kinds"].values()) for p in points] + [1])
    slot = (WIDTH - left - right) / n
    bar = min(40.0, slot * 0.7)
    body = [_text(12, 16, "Questions by kind per interview", 13, "#2e3436"),
            _line(left, bottom, WIDTH - right, bottom, MUTED),
            _text(left - 6, top + 4, str(high), 10, MUTED, "end"), _text(left - 6, bottom, "0", 10, MUTED, "end")]
    if not points:
        body.append(_text(WIDTH / 2, (top + bottom) / 2, "no interviews yet", 12, MUTED, "middle"))
    for i, p in enumerate(points):
        x = left + slot * i + (slot - bar) / 2
        y = bottom
        for k in kinds:
            h = (bottom - top) * p["kinds"].get(k, 0) / high
            if h:
                y -= h
                body.append(_rect(x, y, bar, h, color[k]))
    for i, k in enumerate(kinds):
        lx = 12 + (i % 4) * ((WIDTH - 24) / 4)
        ly = bottom + 14 + (i // 4) * 18
        body.append(_rect(lx, ly, 10, 10, color[k]))
        body.append(_text(lx + 14, ly + 9, k.replace("_", " "), 11))
    return _svg(height, body, f"Questions by kind over {len(points)} interviews")


def trend_charts(data: dict[str, Any]) -> dict[str, str]:
    points = data["sessions"]
    return {
        "kinds": kinds_chart(points),
        "talk_share": trend_chart(points, "candidate_talk_share", "Your share of talk time", percent=True),
        "pace": trend_chart(points, "candidate_wpm", "Your pace (words per minute)"),
        "fillers": trend_chart(points, "fillers_per_minute", "Your filler words per minute"),
        "latency": trend_chart(points, "first_token_ms", "Suggested answer: first token (median ms)"),
        "coverage": trend_chart(points, "jd_skills_covered", "Job-description skills that came up", percent=True),
    }
