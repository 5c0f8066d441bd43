"""What a job description asks for: its requirement lines and the skills it names. Pure code over the text.

A requirement is a bullet or a sentence under a heading such as "Requirements", "What you'll bring" or
"Qualifications" (or, when the text has no such heading, any bullet line). Skills come from a fixed
vocabulary of technologies and competences, matched as whole words (case-insensitive, with the usual
spellings: "k8s" is Kubernetes, "postgres" is PostgreSQL). Nothing here guesses beyond the text.

Cost: O(characters of the text) per call, with one compiled regular expression for the vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mentor.ai.retrieval import terms

__all__ = ["JobProfile", "Requirement", "find_skills", "parse_job_description"]

# canonical name -> further spellings (lower case). Kept to terms a candidate would be asked about.
SKILLS: dict[str, tuple[str, ...]] = {
    # languages
    "Python": (), "Go": ("golang",), "Java": (), "Kotlin": (), "Scala": (), "Rust": (), "C++": ("cpp",),
    "C#": ("csharp", ".net", "dotnet"), "JavaScript": ("js", "ecmascript"), "TypeScript": ("ts",),
    "Ruby": ("rails", "ruby on rails"), "PHP": (), "Swift": (), "Elixir": (), "Haskell": (), "R": (),
    "SQL": (), "Bash": ("shell scripting",),
    # data stores and messaging
    "PostgreSQL": ("postgres", "psql"), "MySQL": (), "SQLite": (), "MongoDB": ("mongo",), "Redis": (),
    "Cassandra": (), "DynamoDB": (), "Elasticsearch": ("opensearch",), "Kafka": (), "RabbitMQ": (),
    "Snowflake": (), "BigQuery": (), "Spark": ("pyspark",), "Airflow": (), "dbt": (),
    # platforms and infrastructure
    "AWS": ("amazon web services",), "GCP": ("google cloud",), "Azure": (), "Kubernetes": ("k8s",),
    "Docker": ("containers",), "Terraform": (), "Ansible": (), "Linux": (), "CI/CD": ("continuous integration",
    "continuous delivery", "continuous deployment"), "Git": (), "Observability": ("monitoring", "prometheus",
    "grafana", "opentelemetry"),
    # frameworks
    "React": ("react.js", "reactjs"), "Vue": ("vue.js",), "Angular": (), "Node.js": ("node", "nodejs"),
    "Django": (), "Flask": (), "FastAPI": (), "Spring": ("spring boot",), "GraphQL": (), "gRPC": (),
    "REST": ("restful", "rest api", "rest apis"), "PyTorch": (), "TensorFlow": (), "Pandas": (),
    # practices
    "Distributed systems": ("distributed system",), "System design": ("architecture", "designing systems"),
    "Microservices": ("microservice", "service-oriented"), "Machine learning": ("ml",),
    "Data modeling": ("data modelling", "schema design"), "Security": ("secure coding", "appsec"),
    "Testing": ("unit tests", "test automation", "tdd", "automated testing"), "Performance": ("scalability",
    "latency", "high-throughput"), "Concurrency": ("multithreading", "async"), "Agile": ("scrum", "kanban"),
    "Code review": ("code reviews",), "On-call": ("incident response", "on call"), "APIs": ("api design",),
    # people skills
    "Leadership": ("lead a team", "leading teams", "tech lead"), "Mentoring": ("mentor", "mentorship",
    "coaching"), "Communication": ("communicate", "written and verbal"), "Collaboration": ("cross-functional",
    "stakeholders", "teamwork"), "Ownership": ("take ownership", "end-to-end"), "Problem solving": (
    "problem-solving",), "Product sense": ("product mindset", "customer focus", "customer-focused"),
}

_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(?P<h>requirements?|qualifications?|(?:minimum|basic|preferred|required) qualifications|"
    r"what you(?:'|’)?ll (?:need|bring)|what we(?:'|’)?re looking for|you have|you(?:'|’)?ll have|"
    r"must[- ]haves?|nice[- ]to[- ]haves?|skills|experience|about you|who you are|responsibilities|"
    r"what you(?:'|’)?ll do|the role|bonus points)\s*:?\s*$",
    re.IGNORECASE,
)
_REQUIREMENT_HEADINGS = re.compile(r"require|qualif|need|bring|looking|you have|have|must|nice|skill|experience|"
                                   r"about you|who you are|bonus", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•·▪◦‣]|\d{1,2}[.)])\s+(?P<text>.+)$")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
_MAX_REQUIREMENTS = 40
_MAX_REQUIREMENT_CHARS = 240


def _alias_pattern(alias: str) -> str:
    # Word boundaries that also work for names ending or starting in symbols ("C++", ".net", "CI/CD").
    return rf"(?<![\w+#]){re.escape(alias)}(?![\w+#])"


_ALIASES: dict[str, str] = {}
for _name, _more in SKILLS.items():
    for _alias in (_name.lower(), *_more):
        _ALIASES.setdefault(_alias, _name)
# Longest aliases first, so "ruby on rails" wins over "ruby" and "rest api" over "rest".
_SKILL_RE = re.compile("|".join(_alias_pattern(a) for a in sorted(_ALIASES, key=len, reverse=True)),
                       re.IGNORECASE)
# Names that are ordinary English words too: only counted when written as the JD writes technologies.
_CASE_SENSITIVE = {"Go": re.compile(r"(?<![\w+#])(?:Go|Golang|golang)(?![\w+#])"),
                   "R": re.compile(r"(?<![\w+#])R(?![\w+#'’])"),
                   "Swift": re.compile(r"(?<![\w+#])Swift(?![\w+#])"),
                   "Spring": re.compile(r"(?<![\w+#])Spring(?![\w+#])"),
                   "REST": re.compile(r"(?<![\w+#])(?:REST|RESTful)(?![\w+#])|\b(?i:rest apis?)\b"),
                   "Node.js": re.compile(r"(?<![\w+#])(?:Node|node\.js|nodejs|Node\.js)(?![\w+#])")}
_AMBIGUOUS_LOWER = {"go", "r", "swift", "spring", "rest", "node", "ts", "js", "ml", "mentor", "async", "latency",
                    "architecture", "containers", "monitoring", "communicate", "stakeholders", "end-to-end"}


def find_skills(text: str) -> list[str]:
    """The vocabulary's skills named in ``text``, canonical names in order of first mention."""
    found: dict[str, None] = {}
    for match in _SKILL_RE.finditer(text):
        alias = match.group(0).lower()
        name = _ALIASES[alias]
        if (alias in _AMBIGUOUS_LOWER and name in _CASE_SENSITIVE
                and not _CASE_SENSITIVE[name].fullmatch(match.group(0))):
            continue
        found.setdefault(name, None)
    return list(found)


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement line of the JD, with the skills it names and its content terms (for matching)."""

    text: str
    skills: tuple[str, ...]
    terms: frozenset[str]


@dataclass(frozen=True, slots=True)
class JobProfile:
    requirements: tuple[Requirement, ...]
    skills: tuple[str, ...]


def _requirement_lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").split("\n")
    under_heading: list[str] = []
    bullets: list[str] = []
    in_section = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        heading = _HEADING.match(stripped)
        if heading:
            in_section = bool(_REQUIREMENT_HEADINGS.search(heading.group("h")))
            continue
        bullet = _BULLET.match(stripped)
        item = bullet.group("text").strip() if bullet else stripped
        if bullet:
            bullets.append(item)
        if in_section:
            # A paragraph under a requirements heading counts sentence by sentence.
            under_heading.extend(s.strip() for s in (_SENTENCE.split(item) if not bullet else [item]) if s.strip())
        elif stripped.endswith(":") and len(stripped) < 60:
            in_section = bool(_REQUIREMENT_HEADINGS.search(stripped))
    chosen = under_heading or bullets
    return [c[:_MAX_REQUIREMENT_CHARS] for c in chosen if len(c) >= 4][:_MAX_REQUIREMENTS]


def parse_job_description(text: str | None) -> JobProfile:
    """The requirements and skills of a JD; an empty profile for no text."""
    if not text or not text.strip():
        return JobProfile((), ())
    requirements = tuple(
        Requirement(line, tuple(find_skills(line)), frozenset(terms(line))) for line in _requirement_lines(text))
    return JobProfile(requirements, tuple(find_skills(text)))


def mentioned_skills(text: str, skills: tuple[str, ...] | list[str], words: set[str] | None = None) -> set[str]:
    """Which of ``skills`` (canonical names) ``text`` names. For long texts (a whole transcript) and few
    skills: a one-word spelling is looked up in ``words`` (the text's distinct lower-case words, if the
    caller has them), any other is a substring test first; the word-boundary regex runs only on a hit.

    Cost: O(len(text)) per spelling that is not a plain word (a C-level substring search), O(1) per other.
    """
    lowered = text.lower()
    found: set[str] = set()
    for name in dict.fromkeys(skills):
        spellings = (name.lower(), *SKILLS.get(name, ()))
        for alias in spellings:
            if words is not None and alias.isalnum():
                if alias not in words:
                    continue
            elif alias not in lowered:
                continue
            if alias in _AMBIGUOUS_LOWER and name in _CASE_SENSITIVE:
                if _CASE_SENSITIVE[name].search(text):
                    found.add(name)
                    break
                continue
            if re.search(_alias_pattern(alias), lowered):
                found.add(name)
                break
    return found
