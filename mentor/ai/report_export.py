"""A report as Markdown and as PDF (with the charts), for sharing with a coach. Pure: data in, bytes out.

The PDF is drawn by fpdf2 with its built-in Helvetica, which covers Latin-1 only: other characters are
transliterated where Unicode has a plain form ("é" stays, "—" becomes "-") and replaced by "?" otherwise.
The Markdown keeps every character.
"""

from __future__ import annotations

import io
import textwrap
import time
import unicodedata
from typing import Any

from fpdf import FPDF

from mentor.ai.charts import report_charts

__all__ = ["report_markdown", "report_pdf"]

_PUNCT = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-",
                        "\u00a0": " "})


def _when(ts: float | None) -> str:
    return "-" if ts is None else time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts))


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def _num(value: float | None, unit: str = "", digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _lines(report: dict[str, Any]) -> dict[str, list[str]]:
    """The report's facts as plain lines, shared by both formats."""
    s, summary, talk, fillers = report["session"], report["summary"], report["talk"], report["fillers"]
    head = [f"Session: {s['title']}" + (f" ({s['company']})" if s["company"] else ""),
            f"Started {_when(s['created_at'])}, duration {_clock(report['duration_s'])}, "
            + ("final" if report["final"] else "live - the interview is still running"),
            (f"{summary['questions']} questions, {summary['answered']} answered by you; "
             f"detection delay median {_num(summary['detection_delay_s']['median'], ' s', 2)}; "
             f"suggestion first token median {_num(summary['first_token_ms']['median'], ' ms')}")]
    speaking = [f"{sp['role']}: {round(sp['share'] * 100)}% of talk time, {sp['seconds'] / 60:.1f} min, "
                f"{sp['words']} words, {_num(sp['wpm'], ' wpm')}" for sp in talk["speakers"]]
    if talk["by_name"]:
        speaking.append("by person: " + ", ".join(f"{n['name']} ({n['role']}) {round(n['share'] * 100)}%"
                                                  for n in talk["by_name"]))
    speaking.append(f"overlaps: {talk['overlaps']['count']} ({talk['overlaps']['seconds']} s); "
                    f"interruptions: {talk['interruptions']['count']}")
    speaking.append(f"your filler words: {fillers['count']} ({fillers['per_minute']} per minute)"
                    + ("; most often " + ", ".join(f"'{f['word']}' x{f['count']}" for f in fillers["top"])
                       if fillers["top"] else ""))
    jd = report["jd"]
    coverage = [f"{'[x]' if k['asked'] or k['mentioned'] else '[ ]'} {k['name']}"
                + (" - asked" if k["asked"] else "") + (" - you mentioned it" if k["mentioned"] else "")
                for k in jd["skills"]]
    coverage += [f"{'[x]' if r['asked'] or r['mentioned'] else '[ ]'} requirement: {r['text']}"
                 for r in jd["requirements"]]
    resume = [f"{i['title'] or i['ref']}: used by {i['uses']} suggested answer(s)" for i in report["resume"]["items"]]
    return {"head": head, "speaking": speaking, "coverage": coverage, "resume": resume}


def report_markdown(report: dict[str, Any]) -> str:
    parts = _lines(report)
    out = [f"# Interview report: {report['session']['title']}", ""]
    out += [f"- {line}" for line in parts["head"]]
    out += ["", "## Questions", ""]
    if report["questions"]:
        out += ["| # | at | kind | question | you answered | pace | suggestion (first token / complete) |",
                "|---|---|---|---|---|---|---|"]
        for i, q in enumerate(report["questions"], 1):
            r, sug = q["response"], q["suggestion"]
            answered = f"{r['seconds']:.0f} s, {r['words']} words" if r["answered"] else "no"
            latency = (f"{_num(sug['first_token_ms'], ' ms')} / {_num(sug['complete_ms'], ' ms')} ({sug['engine']})"
                       if sug else "-")
            out.append(f"| {i} | {_clock(q['at_s'])} | {q['kind']} | {_cell(q['text'])} | {answered} | "
                       f"{_num(r['wpm'], ' wpm')} | {latency} |")
    else:
        out.append("No questions yet.")
    out += ["", "## Speaking", ""] + [f"- {line}" for line in parts["speaking"]]
    out += ["", "## Job description coverage", ""]
    out += [f"- {_cell(line)}" for line in parts["coverage"]] or ["No job description, or nothing found in it."]
    out += ["", "## Resume items the suggestions used", ""]
    out += [f"- {line}" for line in parts["resume"]] or ["None."]
    return "\n".join(out) + "\n"


def _latin1(text: str) -> str:
    text = text.translate(_PUNCT)
    if all(ord(c) < 256 for c in text):
        return text
    plain = "".join(c if ord(c) < 256 else unicodedata.normalize("NFKD", c)[0] for c in text)
    return plain.encode("latin-1", "replace").decode("latin-1")


def report_pdf(report: dict[str, Any]) -> bytes:
    """An A4 PDF: the summary, the four charts, then every question with how it went."""
    parts = _lines(report)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_latin1(f"Interview report: {report['session']['title']}"))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(text: str) -> None:
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(width, 8, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)

    def para(text: str) -> None:
        # Wrapped here and written line by line: fpdf2's multi_cell measures every character again for every
        # candidate break (6 s for 150 questions); one width check per line is enough.
        text = _latin1(text)
        chars = 100 if pdf.font_style == "" else 90
        while True:
            lines = textwrap.wrap(text, chars, break_long_words=True) or [""]
            if chars <= 20 or all(pdf.get_string_width(line) <= width for line in lines):
                break
            chars -= 8
        for line in lines:
            pdf.cell(width, 5, line, new_x="LMARGIN", new_y="NEXT")

    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 9, _latin1(f"Interview report: {report['session']['title']}"), new_x="LMARGIN",
                   new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in parts["head"]:
        para(line)
    for name, svg in report_charts(report).items():
        if name == "latency" and len(report["questions"]) > 40:
            continue  # too tall for a page; the table below has the same figures
        pdf.ln(3)
        pdf.image(io.BytesIO(svg.encode()), x=pdf.l_margin, w=width if name == "timeline" else width * 0.7)
    heading("Speaking")
    for line in parts["speaking"]:
        para(line)
    heading("Questions")
    if not report["questions"]:
        para("No questions yet.")
    for i, q in enumerate(report["questions"], 1):
        r, sug = q["response"], q["suggestion"]
        pdf.set_font("Helvetica", "B", 10)
        para(f"Q{i} at {_clock(q['at_s'])} ({q['kind']}): {q['text']}")
        pdf.set_font("Helvetica", "", 10)
        answered = (f"you answered for {r['seconds']:.0f} s, {r['words']} words, {_num(r['wpm'], ' wpm')}"
                    if r["answered"] else "no answer from you in the transcript")
        suggestion = (f"suggestion by {sug['engine']}: first token {_num(sug['first_token_ms'], ' ms')}, complete "
                      f"{_num(sug['complete_ms'], ' ms')}" if sug else "no suggestion")
        para(f"{answered}; detected {_num(q['detection_delay_s'], ' s', 2)} after the question; {suggestion}")
    heading("Job description coverage")
    for line in parts["coverage"] or ["No job description, or nothing found in it."]:
        para(line)
    heading("Resume items the suggestions used")
    for line in parts["resume"] or ["None."]:
        para(line)
    return bytes(pdf.output())
