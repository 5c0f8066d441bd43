"""Resume parsing from Markdown, plain text, PDF (made with fpdf2) and DOCX (made with python-docx)."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from fpdf import FPDF

from mentor.ai.resume import (
    ResumeError,
    parse_resume,
    parse_resume_text,
    resume_passages,
    stated_years,
    strip_contact,
)
from tests.openai_stub import SAMPLE_RESUME_MD

TODAY = date(2025, 6, 1)
CONTACTS = ("maria.schneider@example.com", "1234 5678", "linkedin.com", "github.com", "Musterstraße", "10115")

PLAIN = """\
JOHN CARTER
Data Analyst
Phone: (415) 555-0134   Email: john.carter@mail.com
1600 Amphitheatre Parkway, Mountain View, CA 94043
www.johncarter.io

PROFESSIONAL SUMMARY
Data analyst who turns messy sales data into decisions.

WORK EXPERIENCE
Acme Retail
Senior Data Analyst | 06/2019 - 05/2023
* Built a churn model in Python that lifted retention by 12%.
* Automated weekly reporting, saving 6 hours per week.
Globex, Data Analyst, 2017 - 2019
* Cleaned 3 years of CRM data for 1 200 000 customers.

TECHNICAL SKILLS
SQL; Python; Tableau; dbt

EDUCATION
M.Sc. Statistics, University of Chicago
"""


def assert_no_contacts(profile_text: str, contacts: tuple[str, ...]) -> None:
    for contact in contacts:
        assert contact not in profile_text


def test_markdown_resume() -> None:
    profile = parse_resume_text(SAMPLE_RESUME_MD, today=TODAY)
    assert [(e.employer, e.role) for e in profile.experience] == [
        ("Zalando SE", "Senior Backend Engineer"),
        ("Delivery Hero", "Backend Engineer"),
        ("Kiwi Solutions", "Software Developer"),
    ]
    first = profile.experience[0]
    assert (first.start_year, first.end_year, first.is_current) == (2020, None, True)
    assert profile.experience[1].end_year == 2020
    assert "cutting p99 latency from 900 ms to 210 ms" in first.bullets[0]
    assert profile.skills == ("Python", "Go", "SQL", "Kafka", "PostgreSQL", "Kubernetes", "AWS", "Terraform")
    assert profile.education == ("B.Sc. Computer Science, TU Berlin, 2015",)
    assert profile.projects[0].startswith("pg-queue: open-source job queue")
    assert profile.summary.startswith("Backend engineer with 8 years")
    assert profile.headline.startswith("Senior Backend Engineer")
    assert profile.total_years == pytest.approx(9.5, abs=0.1) and profile.experience_level == "lead"
    assert_no_contacts(repr(profile), (*CONTACTS, "Maria Schneider"))


def test_plain_text_resume_with_caps_headings_and_two_line_headers() -> None:
    profile = parse_resume_text(PLAIN, today=TODAY)
    assert [(e.employer, e.role, e.dates) for e in profile.experience] == [
        ("Acme Retail", "Senior Data Analyst", "06/2019 – 05/2023"),
        ("Globex", "Data Analyst", "2017 – 2019"),
    ]
    assert profile.skills == ("SQL", "Python", "Tableau", "dbt")
    assert "1 200 000 customers" in profile.experience[1].bullets[0]  # a figure, not a phone number
    assert profile.experience_level == "senior" and profile.total_years == pytest.approx(6, abs=0.1)
    assert_no_contacts(
        repr(profile), ("555-0134", "john.carter", "Amphitheatre", "94043", "johncarter.io", "JOHN")
    )


def test_strip_contact_keeps_dates_and_figures() -> None:
    assert (
        strip_contact("Jan 2019 - Mar 2021 | grew revenue 35% to $2.5M")
        == "Jan 2019 - Mar 2021 | grew revenue 35% to $2.5M"
    )
    assert strip_contact("Call +1 415 555 0134 or mail a@b.co") == "Call or mail"
    assert strip_contact("LinkedIn: linkedin.com/in/x") == ""
    assert strip_contact("see https://example.com/work for demos") == "see for demos"


def make_pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in text.splitlines():
        # Core PDF fonts are Latin-1 only: the sample's dashes and the ß become ASCII/Latin-1 stand-ins.
        safe = line.replace("—", "-").replace("–", "-").replace("·", "|").replace("ß", "ss")
        pdf.multi_cell(0, 6, safe or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_pdf_resume() -> None:
    profile = parse_resume(make_pdf(SAMPLE_RESUME_MD), "cv.pdf", today=TODAY)
    assert [e.employer for e in profile.experience] == ["Zalando SE", "Delivery Hero", "Kiwi Solutions"]
    assert any("$180k per year" in b for b in profile.experience[1].bullets)
    assert "Kafka" in profile.skills
    assert_no_contacts(
        repr(profile), ("maria.schneider@example.com", "1234 5678", "linkedin", "github.com", "10115")
    )


def test_docx_resume_uses_heading_and_list_styles() -> None:
    document = docx.Document()
    document.add_heading("Priya Natarajan", level=0)
    document.add_paragraph("priya.n@example.org · +44 20 7946 0958 · 221B Baker Street, London")
    document.add_heading("Experience", level=1)
    document.add_heading("Engineering Manager at Monzo (2019 - Present)", level=2)
    document.add_paragraph("Grew the payments team from 5 to 14 engineers.", style="List Bullet")
    document.add_paragraph("Cut incident count by 40% with an on-call rotation.", style="List Bullet")
    document.add_heading("Software Engineer at Skyscanner (2014 - 2019)", level=2)
    document.add_paragraph("Built the fare cache serving 3 billion lookups a month.", style="List Bullet")
    document.add_heading("Skills", level=1)
    document.add_paragraph("Leadership, Java, Kotlin, hiring")
    buffer = io.BytesIO()
    document.save(buffer)
    profile = parse_resume(buffer.getvalue(), "cv.docx", today=TODAY)
    assert [(e.employer, e.role) for e in profile.experience] == [
        ("Monzo", "Engineering Manager"),
        ("Skyscanner", "Software Engineer"),
    ]
    assert profile.experience[0].bullets[1] == "Cut incident count by 40% with an on-call rotation."
    assert profile.skills == ("Leadership", "Java", "Kotlin", "hiring")
    assert profile.experience_level == "lead"
    assert_no_contacts(repr(profile), ("priya.n", "7946", "Baker Street", "Priya"))


def test_unreadable_files_raise_resume_error() -> None:
    with pytest.raises(ResumeError):
        parse_resume(b"%PDF-1.4 garbage")
    with pytest.raises(ResumeError):
        parse_resume(b"PK\x03\x04 not a docx")
    with pytest.raises(ResumeError):
        parse_resume(b"\x00\x01binary")


def test_text_without_sections_becomes_a_summary() -> None:
    profile = parse_resume_text("Nurse with ICU experience. jane@x.org")
    assert profile.summary == "Nurse with ICU experience." and not profile.experience


def test_passages_have_stable_refs() -> None:
    refs = [p.ref for p in resume_passages(parse_resume_text(SAMPLE_RESUME_MD, today=TODAY))]
    assert refs[:4] == ["resume:summary", "resume:experience:0", "resume:experience:1", "resume:experience:2"]
    assert "resume:skills" in refs and "resume:education" in refs and "resume:projects:0" in refs


def test_role_titles_keep_their_brackets() -> None:
    profile = parse_resume_text(
        "## Experience\n"
        "### Staff Engineer (Payments, Platform) — Acme GmbH (2019 – 2022)\n- Built the ledger.\n"
        "**Senior Engineer (Payments)** | Zalando | Mar 2017 - Dec 2018\n- Ran checkout.\n",
        today=date(2025, 6, 1),
    )
    first, second = profile.experience
    assert (first.role, first.employer, first.dates) == ("Staff Engineer (Payments, Platform)", "Acme GmbH",
                                                         "2019 – 2022")
    assert (second.role, second.employer) == ("Senior Engineer (Payments)", "Zalando")


def test_stated_years_are_found_in_several_languages() -> None:
    assert stated_years("Backend engineer with 9 years building payment platforms") == 9
    assert stated_years("8+ yrs of Go") == 8 and stated_years("über 12 Jahre Erfahrung") == 12
    assert stated_years("10 ans d'expérience") == 10 and stated_years("7 años") == 7
    assert stated_years("Since 2015 at TU Berlin") is None


@pytest.mark.parametrize(("header", "employer", "role"), [
    ("### Ingénieure backend — Banque Exemple (2021 – aujourd'hui)", "Banque Exemple", "Ingénieure backend"),
    ("### Ingeniera de datos | Ejemplo SA | 2019 - actualidad", "Ejemplo SA", "Ingeniera de datos"),
    ("### Entwicklerin bei Beispiel GmbH, 03/2020 bis aktuell", "Beispiel GmbH", "Entwicklerin"),
    ("### Backend Engineer — Acme (Jan 2022 to Present)", "Acme", "Backend Engineer"),
])
def test_a_job_still_held_is_current_in_every_answer_language(header: str, employer: str, role: str) -> None:
    profile = parse_resume_text(f"## Experience\n{header}\n- Built the ledger service\n", today=TODAY)
    entry = profile.experience[0]
    # The ongoing word is the job's end date, not left in the employer or role.
    assert (entry.employer, entry.role, entry.is_current, entry.end_year) == (employer, role, True, None)
    assert profile.total_years > 3
