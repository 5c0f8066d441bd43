"""Resume parsing: plain text, Markdown, PDF (pypdf) and DOCX (python-docx) into a contact-free profile.

The parse is heuristic and line-based: section headings are recognised by name ("Experience", "Skills", ...),
job headers by a date range and role words, bullets by their markers. Contact details (e-mail, phone
numbers, URLs, street addresses) and the name line are removed before anything is kept, so a profile can be
stored and sent to a model without them. Pure functions; PDF/DOCX extraction is CPU-bound (tens of ms per
page), so call `parse_resume` from a worker thread (`trio.to_thread.run_sync`) in the server.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, TypeAlias

from mentor.ai.types import ExperienceEntry, ExperienceLevel, Passage, ResumeProfile

MAX_PDF_PAGES = 20
"""Pages read from a PDF; a resume longer than this is almost certainly not a resume."""


class ResumeError(ValueError):
    """The file could not be read as a resume (corrupt, encrypted, or an unsupported format)."""


# --- contact details ------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b(?:linkedin|github|gitlab|twitter|x|stackoverflow|medium|behance|dribbble|xing)\.com/\S*"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|io|dev|me|org|net|co|ai|app|de|uk)/\S+",
    re.IGNORECASE,
)
_BARE_DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|io|dev|me|org|net|co|ai|app)\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w/])\+?\(?\d[\d\s().\-/]{5,}\d(?![\w/])")
_STREET = re.compile(
    r"\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][\w.'-]*\s+){1,4}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|"
    r"Square|Sq|Parkway|Pkwy|Highway|Hwy)\b\.?(?:,?\s*(?:Apt|Suite|Unit|#)\.?\s*\w+)?"
    r"|\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|gasse|platz|allee)\s+\d{1,4}[a-z]?\b"
)
_POSTCODE = re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b|\b\d{5}\s+(?=[A-ZÄÖÜ][\wäöüß]+)")
_CONTACT_LABEL = re.compile(
    r"^\W*(?:e-?mail|phone|tel|telephone|mobile|cell|address|home|linkedin|github|gitlab|website|portfolio"
    r"|web|twitter|skype|telegram|whatsapp|contact)\b\s*[:：]",
    re.IGNORECASE,
)
_LEFTOVER = re.compile(r"^[\s|·•,;:/()\-–—]*$")
_SEPARATOR_RUN = re.compile(r"(?:\s*[|·•,;/]\s*){2,}")


def _is_phone(candidate: str, *, preamble: bool) -> bool:
    groups = re.findall(r"\d+", candidate)
    digits = sum(len(g) for g in groups)
    # Dates ("01/2019 - 03/2021", "2019-2022") look like digit runs too: all groups are years or months.
    if all((len(g) == 4 and 1950 <= int(g) <= 2039) or len(g) <= 2 for g in groups):
        return False
    # Outside the header, short digit runs are more often figures ("1 200 000 events") than numbers.
    needed = 7 if preamble or candidate.lstrip().startswith("+") else 9
    return 7 <= digits <= 15 and digits >= needed


def strip_contact(line: str, *, preamble: bool = False) -> str:
    """`line` without e-mail addresses, phone numbers, URLs or street addresses.

    Returns "" for a line that held only contact details or is labelled as one ("Phone: ...").
    `preamble` (the lines above the first section) enables stricter rules: bare domains and postcodes.
    """
    if _CONTACT_LABEL.match(line):
        return ""
    text = _EMAIL.sub(" ", line)
    text = _URL.sub(" ", text)
    text = _PHONE.sub(lambda m: " " if _is_phone(m.group(0), preamble=preamble) else m.group(0), text)
    had_street = _STREET.search(text) is not None
    text = _STREET.sub(" ", text)
    if preamble or had_street:
        text = _BARE_DOMAIN.sub(" ", text)
        text = _POSTCODE.sub(" ", text)
    if text == line:
        return line.strip()
    text = _SEPARATOR_RUN.sub(" | ", text)
    text = re.sub(r"\s{2,}", " ", text).strip(" |·•,;/-–—")
    return "" if _LEFTOVER.match(text) else text


# --- text extraction ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractLimits:
    """Bounds on what one uploaded file may cost to read (settings ``upload_max_*`` and ``pdf_parse_*``).

    A 1 MB DOCX can inflate to 1 GiB; a PDF's streams can too, and a crafted one can keep a parser busy
    for minutes. ZIP entries are counted and their inflated sizes summed (from the central directory,
    which zipfile also enforces while reading) before anything is inflated; the PDF bounds are for the
    reader the server passes (``mentor.http.pdf_reader``: a child process with an address-space limit and
    a deadline)."""

    max_inflated_bytes: int = 33_554_432
    max_entries: int = 2_000
    pdf_timeout_s: float = 20.0
    pdf_max_memory_bytes: int = 536_870_912


class FileTooLarge(ResumeError):
    """The file is within the upload limit but would inflate past ``ExtractLimits``."""


FileFormat: TypeAlias = Literal["pdf", "docx", "text", "binary"]


def file_format(data: bytes) -> FileFormat:
    """What a file holds, judged by its first bytes alone: a PDF or ZIP (DOCX) signature, a NUL byte early
    on (some other binary), else text. `extract_text` reads by this; upload checks compare it with the
    file's extension so a renamed binary is refused before any parser sees it."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if b"\x00" in data[:4096]:
        return "binary"
    return "text"


def extract_text(data: bytes, filename: str | None = None, limits: ExtractLimits | None = None,
                 read_pdf: Callable[[bytes], str] | None = None) -> str:
    """The text of a resume file: PDF, DOCX, or UTF-8/Latin-1 text and Markdown.

    The format is chosen by content (`file_format`), not by `filename`, which only helps the error
    message. Raises `FileTooLarge` past `limits`, `ResumeError` for an unreadable PDF/DOCX or any other
    binary file. `read_pdf` reads PDFs (default `pdf_text`, in this process and unbounded; the server
    passes one that runs it in a limited child process).
    """
    limits = limits or ExtractLimits()
    kind = file_format(data)
    if kind == "pdf":
        return (read_pdf or pdf_text)(data)
    if kind == "docx":
        return _docx_text(data, limits)
    if kind == "binary":
        raise ResumeError(f"unsupported binary file {filename or ''}".strip())
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def pdf_text(data: bytes) -> str:
    """The text of the first `MAX_PDF_PAGES` pages. Unbounded: call through `extract_text`."""
    import pypdf  # deferred: importing pypdf costs ~100 ms and most resumes arrive as text

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ResumeError("the PDF is password-protected")
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
    except ResumeError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # pypdf raises a wide variety of errors on damaged files
        raise ResumeError(f"unreadable PDF: {exc}") from exc
    return "\n".join(pages)


_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_zip(data: bytes, limits: ExtractLimits) -> None:
    """Refuse a ZIP with too many entries, too much inflated data, or XML with a DTD (entity expansion,
    the billion laughs; Office files never carry one) -- before python-docx inflates anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > limits.max_entries:
                raise FileTooLarge(f"the file has more than {limits.max_entries} parts")
            if sum(e.file_size for e in entries) > limits.max_inflated_bytes:
                raise FileTooLarge(f"the file inflates to more than {limits.max_inflated_bytes} bytes")
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")):
                    with archive.open(entry) as part:
                        if _DTD.search(part.read(4096)):
                            raise ResumeError("unreadable DOCX: XML with a document type declaration")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise ResumeError(f"unreadable DOCX: {exc}") from exc


def _docx_text(data: bytes, limits: ExtractLimits) -> str:
    import docx  # deferred for the same reason as pypdf

    _check_zip(data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml raise many kinds on damaged files (XMLSyntaxError too)
        raise ResumeError(f"unreadable DOCX: {str(exc)[:200]}") from exc
    lines: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        style = (paragraph.style.name or "") if paragraph.style is not None else ""
        if not text:
            continue
        # Keep the document's own structure as Markdown so the text parser sees headings and bullets.
        if style.startswith("Heading") or style == "Title":
            level = style.removeprefix("Heading").strip()
            lines.append("#" * (int(level) if level.isdigit() else 1) + " " + text)
        elif style.startswith("List"):
            lines.append("- " + text)
        else:
            lines.append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                lines.append(" | ".join(dict.fromkeys(cells)))
    return "\n".join(lines)


# --- sections -------------------------------------------------------------------------------------------

_HEADINGS: dict[str, str] = {}
for _kind, _names in {
    "summary": "summary|profile|professional summary|about|about me|objective|career objective|overview|"
    "career summary|professional profile|personal statement|profil|zusammenfassung",
    "experience": "experience|work experience|professional experience|employment|employment history|"
    "work history|career history|relevant experience|career|berufserfahrung|berufliche erfahrung",
    "skills": "skills|technical skills|core skills|key skills|skills and tools|technologies|tech stack|"
    "competencies|core competencies|tools|skills and technologies|kenntnisse|fähigkeiten",
    "education": "education|academic background|education and training|qualifications|ausbildung|studium",
    "projects": "projects|selected projects|personal projects|side projects|open source|projekte",
    "other": "certifications|certificates|awards|publications|languages|interests|volunteering|"
    "volunteer experience|achievements|honors|honours|activities|sprachen",
}.items():
    for _name in _names.split("|"):
        _HEADINGS[_name] = _kind

_BULLET = re.compile(r"^\s*(?:[-*•–·▪●◦‣+]|\d{1,2}[.)])\s+")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def _heading_key(text: str) -> str:
    cleaned = re.sub(r"[*_`#]", "", text).strip().rstrip(":：").strip()
    return re.sub(r"\s+", " ", cleaned.replace("&", "and")).lower()


@dataclass
class _Section:
    kind: str
    title: str
    level: int = 2  # Markdown heading level; plain-text headings count as level 2
    lines: list[str] = field(default_factory=list)


def _split_sections(lines: list[str]) -> tuple[list[str], list[_Section]]:
    preamble: list[str] = []
    sections: list[_Section] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        md = _MD_HEADING.match(line)
        body = md.group(2) if md else line
        key = _heading_key(body)
        kind = _HEADINGS.get(key)
        if kind is None and ":" in body and not md:
            # "Skills: Python, Go" puts heading and content on one line.
            label, _, rest = body.partition(":")
            if _HEADINGS.get(_heading_key(label)) and rest.strip():
                sections.append(_Section(_HEADINGS[_heading_key(label)], label.strip(), lines=[rest.strip()]))
                continue
        level = len(md.group(1)) if md else 2
        if kind is not None and len(key) <= 40:
            sections.append(_Section(kind, re.sub(r"[*_#]", "", body).strip().rstrip(":"), level))
        elif md and sections and level <= sections[-1].level:
            # An unknown heading at the level of the section headings starts a section of its own; a
            # deeper one ("### Engineer at Acme") belongs to the current section.
            sections.append(_Section("other", body.strip(), level))
        elif sections:
            sections[-1].lines.append(line)
        else:
            preamble.append(line)
    return preamble, sections


# --- experience -----------------------------------------------------------------------------------------

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_POINT = rf"(?:(?:{_MONTH}\s+|\d{{1,2}}[/.])?(?:19|20)\d{{2}})"
# The end of a job still held, in the languages of the answer phrases: "2020 – Present", "2019 – heute",
# "2021 – aujourd'hui", "2018 – actualidad".
_ONGOING = (r"present|current|now|today|ongoing|heute|aktuell|jetzt|aujourd['’]hui|pr[ée]sent|actuel(?:lement)?|"
            r"presente|actualidad|actualmente|hoy")
_ONGOING_RE = re.compile(rf"\b(?:{_ONGOING})\b", re.IGNORECASE)
_END = rf"(?:{_POINT}|{_ONGOING})"
_RANGE = re.compile(rf"\(?\b({_POINT})\s*(?:-|–|—|to|until|bis|à|au|a|hasta)\s*({_END})\b\)?", re.IGNORECASE)
_SINGLE = re.compile(rf"\(?\b({_POINT})\b\)?", re.IGNORECASE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ROLE_WORDS = re.compile(
    r"\b(?:engineer|developer|programmer|manager|lead|leader|head|director|analyst|designer|scientist|"
    r"intern|architect|consultant|specialist|administrator|officer|coordinator|associate|assistant|vp|"
    r"president|founder|co-founder|cto|ceo|cfo|coo|owner|researcher|teacher|nurse|accountant|writer|editor|"
    r"technician|representative|sre|devops|product|recruiter|strategist|advisor|trainee|apprentice|"
    r"entwickler|ingenieur|leiter|berater)s?\b",
    re.IGNORECASE,
)
_HEADER_SPLIT = re.compile(r"\s+[|—–-]\s+|\s*[|·•]\s*|,\s+|\s+@\s+|\s+at\s+|\s+bei\s+")
_SENIOR_TITLE = re.compile(r"\b(?:lead|principal|staff|head|director|manager|vp|cto)\b", re.IGNORECASE)


def _point_to_year(text: str, *, is_end: bool, today: date) -> float | None:
    lowered = text.lower().strip()
    if _ONGOING_RE.fullmatch(lowered):
        return today.year + today.month / 12
    year_match = re.search(r"(?:19|20)\d{2}", lowered)
    if year_match is None:
        return None
    year = int(year_match.group(0))
    month: int | None = None
    named = re.match(r"[a-z]+", lowered)
    if named and named.group(0)[:3] in _MONTHS:
        month = _MONTHS.index(named.group(0)[:3]) + 1
    numeric = re.match(r"(\d{1,2})[/.]", lowered)
    if numeric and 1 <= int(numeric.group(1)) <= 12:
        month = int(numeric.group(1))
    if month is None:
        return float(year)
    # Month ranges are inclusive: "Jan 2020 - Dec 2020" is a full year.
    return year + (month if is_end else month - 1) / 12


def _split_header(header: str) -> list[str]:
    """`header` split at its separators, except inside brackets: "Engineer (Payments, Platform)" is one
    piece."""
    pieces: list[str] = []
    start = 0
    for match in _HEADER_SPLIT.finditer(header):
        before = header[start : match.start()]
        if before.count("(") > before.count(")") or before.count("[") > before.count("]"):
            continue  # inside brackets: keep going until they close
        pieces.append(before)
        start = match.end()
    pieces.append(header[start:])
    return pieces


def _trim_brackets(piece: str) -> str:
    """`piece` without spaces and the brackets left over from splitting a header, keeping balanced ones:
    "(Mar 2020 – Present)" loses its brackets, "Engineer (Platform)" keeps its closing one."""
    piece = piece.strip()
    while piece:
        if piece[0] in "([" and piece.count(piece[0]) > piece.count(")]"["([".index(piece[0])]):
            piece = piece[1:].strip()
        elif piece[-1] in ")]" and piece.count(piece[-1]) > piece.count("(["[")]".index(piece[-1])]):
            piece = piece[:-1].strip()
        else:
            break
    return piece


def _parse_header(header: str, today: date) -> tuple[str, str, str, float | None, float | None]:
    """(employer, role, dates, start, end) from a job's header lines joined by " | "."""
    start = end = None
    dates = ""
    match = _RANGE.search(header)
    if match:
        dates = f"{match.group(1)} – {match.group(2)}"
        start = _point_to_year(match.group(1), is_end=False, today=today)
        end = _point_to_year(match.group(2), is_end=True, today=today)
    else:
        single = _SINGLE.search(header)
        if single:
            match = single
            dates = single.group(1)
            start = _point_to_year(single.group(1), is_end=False, today=today)
            end = start
    if match:
        header = header[: match.start()] + " | " + header[match.end() :]
    pieces = [_trim_brackets(re.sub(r"[*_#`]", "", p)) for p in _split_header(header)]
    pieces = [p for p in pieces if p]
    role_index = next((i for i, p in enumerate(pieces) if _ROLE_WORDS.search(p)), None)
    if role_index is None:
        role_index = 0
    role = pieces[role_index] if pieces else ""
    rest = [p for i, p in enumerate(pieces) if i != role_index]
    employer = rest[0] if rest else ""
    return employer, role, dates, start, end


def _continues(bullet: str, line: str) -> bool:
    """Whether `line` is the wrapped rest of `bullet` (PDF text breaks long bullets into lines)."""
    if line[:1].islower():
        return True
    return not bullet.rstrip().endswith((".", "!", "?", ":")) and not (
        line.startswith("#") or _RANGE.search(line) or _SINGLE.search(line)
    )


def _parse_experience(
    lines: list[str], today: date
) -> list[tuple[ExperienceEntry, float | None, float | None]]:
    groups: list[tuple[list[str], list[str]]] = []  # (header lines, bullets)
    for line in lines:
        bullet = _BULLET.match(line)
        if bullet:
            if not groups:
                groups.append(([], []))
            groups[-1][1].append(line[bullet.end() :].strip())
            continue
        text = re.sub(r"^#+\s*", "", line)
        current = groups[-1] if groups else None
        if current and current[1] and _continues(current[1][-1], line):
            current[1][-1] += " " + text
        elif current and current[0] and not current[1] and len(text.split()) > 10:
            # A prose sentence under a header is a description, not another header line.
            current[1].append(text)
        elif current is None or current[1]:
            groups.append(([text], []))
        else:
            current[0].append(text)
    entries = []
    for header_lines, bullets in groups:
        employer, role, dates, start, end = _parse_header(" | ".join(header_lines), today)
        if not (employer or role or bullets):
            continue
        ongoing = bool(_ONGOING_RE.search(dates))
        years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", dates)]
        entry = ExperienceEntry(
            employer=employer,
            role=role,
            dates=dates,
            bullets=tuple(bullets),
            start_year=years[0] if years else None,
            end_year=None if ongoing or not years else years[-1],
        )
        entries.append((entry, start, end))
    return entries


def _total_years(spans: list[tuple[float, float]]) -> float:
    total = 0.0
    reach = float("-inf")
    for start, end in sorted(spans):
        # Overlapping jobs count once: only the part past what is already covered adds up.
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return round(total, 1)


_STATED_YEARS = re.compile(
    r"\b(\d{1,2})\s*\+?\s*(?:years?|yrs|jahren?|ans|années|años)\b", re.IGNORECASE
)


def stated_years(text: str) -> int | None:
    """The years of experience a resume states about itself ("9 years", "8+ yrs", "über 8 Jahre"), if any.

    Dated jobs overcount (internships, work next to studies) or undercount (undated jobs); the number the
    resume states is the one the candidate stands behind, so it wins over `ResumeProfile.total_years`
    wherever both would be shown."""
    match = _STATED_YEARS.search(text)
    return int(match.group(1)) if match and 0 < int(match.group(1)) <= 50 else None


def _level(years: float, latest_role: str) -> ExperienceLevel:
    if years >= 9 or (years >= 5 and _SENIOR_TITLE.search(latest_role)):
        return "lead"
    if years >= 5:
        return "senior"
    if years >= 2:
        return "mid"
    return "entry"


# --- the profile ----------------------------------------------------------------------------------------

_NAME_LINE = re.compile(r"^[A-ZÀ-Þ][\w'’.-]*(?:\s+[A-ZÀ-Þ][\w'’.-]*){1,3}$")


def _items(lines: list[str]) -> list[str]:
    """Section lines as items: bullets and lines, with a header line's bullets joined onto it."""
    items: list[str] = []
    header_open = False
    for line in lines:
        bullet = _BULLET.match(line)
        text = line[bullet.end() :].strip() if bullet else re.sub(r"^#+\s*", "", line).strip()
        if bullet and header_open and items:
            items[-1] = f"{items[-1]}{' — ' if '—' not in items[-1] else '; '}{text}"
        else:
            items.append(text)
            header_open = not bullet
    return [re.sub(r"[*_`]", "", item) for item in items if item]


def _skills(lines: list[str]) -> tuple[str, ...]:
    found: list[str] = []
    for line in lines:
        text = line[m.end() :] if (m := _BULLET.match(line)) else line
        if ":" in text:
            text = text.split(":", 1)[1]  # "Languages: Python, Go" -> the list after the label
        for item in re.split(r"[,;|•·]|\s+/\s+", text):
            item = re.sub(r"[*_`]", "", item).strip(" .")
            if item and len(item) <= 40:
                found.append(item)
    return tuple(dict.fromkeys(found))


def parse_resume_text(text: str, *, today: date | None = None) -> ResumeProfile:
    """A `ResumeProfile` from resume text or Markdown, with contact details and the name removed.

    `today` is the date "Present" means (default: today); total years merge overlapping jobs. Never raises:
    text with no recognisable sections yields a profile whose summary is the (contact-free) text.
    """
    today = today or date.today()
    raw_preamble, sections = _split_sections(text.splitlines())
    preamble = [line for line in (strip_contact(x, preamble=True) for x in raw_preamble) if line]
    if (
        preamble
        and _NAME_LINE.match(re.sub(r"^#+\s*", "", preamble[0]))
        and not _ROLE_WORDS.search(preamble[0])
    ):
        preamble = preamble[1:]
    for section in sections:
        section.lines = [line for line in (strip_contact(x) for x in section.lines) if line]

    summary_parts: list[str] = []
    entries: list[tuple[ExperienceEntry, float | None, float | None]] = []
    skills: list[str] = []
    education: list[str] = []
    projects: list[str] = []
    other: list[tuple[str, str]] = []
    for section in sections:
        if section.kind == "summary":
            summary_parts.extend(re.sub(r"^\s*[-*•]\s+", "", line) for line in section.lines)
        elif section.kind == "experience":
            entries.extend(_parse_experience(section.lines, today))
        elif section.kind == "skills":
            skills.extend(_skills(section.lines))
        elif section.kind == "education":
            education.extend(_items(section.lines))
        elif section.kind == "projects":
            projects.extend(_items(section.lines))
        elif section.lines:
            other.append((section.title, "\n".join(section.lines)))

    headline = re.sub(r"^#+\s*|[*_`]", "", preamble[0]).strip() if preamble else ""
    summary = " ".join(summary_parts).strip()
    if not sections:
        summary = " ".join(preamble)
    spans = [(s, e) for _, s, e in entries if s is not None and e is not None]
    years = _total_years([(s, e if e > s else s + 0.5) for s, e in spans])
    experience = tuple(entry for entry, _, _ in entries)
    latest_role = experience[0].role if experience else headline
    return ResumeProfile(
        summary=summary,
        headline=headline,
        experience=experience,
        skills=tuple(dict.fromkeys(skills)),
        education=tuple(education),
        projects=tuple(projects),
        other=tuple(other),
        experience_level=_level(years, latest_role),
        total_years=years,
    )


def parse_resume(data: bytes, filename: str | None = None, *, today: date | None = None) -> ResumeProfile:
    """`parse_resume_text` over `extract_text(data)`. Raises `ResumeError` for unreadable files.

    Cost: up to ~50 ms per PDF page; run it in a worker thread.
    """
    return parse_resume_text(extract_text(data, filename), today=today)


def entry_title(entry: ExperienceEntry) -> str:
    """The title "Role at Employer (dates)", leaving out whatever the resume did not say."""
    title = " at ".join(part for part in (entry.role, entry.employer) if part)
    return f"{title} ({entry.dates})" if entry.dates else title


def resume_passages(profile: ResumeProfile) -> tuple[Passage, ...]:
    """The profile cut into passages for retrieval, most recent job first, with stable refs."""
    passages: list[Passage] = []
    if profile.summary or profile.headline:
        text = profile.summary or profile.headline
        passages.append(Passage("resume", "resume:summary", "Summary", text))
    for i, entry in enumerate(profile.experience):
        bullets = "\n".join(f"- {b}" for b in entry.bullets)
        passages.append(Passage("resume", f"resume:experience:{i}", entry_title(entry), bullets))
    if profile.skills:
        passages.append(Passage("resume", "resume:skills", "Skills", ", ".join(profile.skills)))
    for i, project in enumerate(profile.projects):
        passages.append(Passage("resume", f"resume:projects:{i}", "Project", project))
    if profile.education:
        passages.append(Passage("resume", "resume:education", "Education", "\n".join(profile.education)))
    for i, (title, text) in enumerate(profile.other):
        passages.append(Passage("resume", f"resume:other:{i}", title, text))
    return tuple(passages)
