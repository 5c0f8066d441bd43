"""Question kind from keywords of the question text, per session language.

Kinds are `mentor.ai.types.QuestionKind`. Families are tried in a fixed order and the first that matches
wins; the order encodes which reading matters more for the answer: small talk and clarifying requests
are short exchanges that must not be answered like an interview question (small_talk never calls the
model), logistics next, then a follow-up (a short question that refers back to the previous question or
answer: "so why did you pick that?"), then the interview families, most specific first (behavioural
story prompts before situational hypotheticals before system design before other technical questions
before background).

Keywords are matched as substrings of the lowercased text with words separated by single spaces and
padded with a space at each end, so " go " matches the word and "design a" matches a phrase.
Cost: one scan of a few hundred substrings, ~10-20 µs.
"""

from __future__ import annotations

import re

from mentor.ai.detection.analysis import language_code
from mentor.ai.types import QuestionKind

__all__ = ["KINDS", "question_kind"]

KINDS: tuple[str, ...] = tuple(QuestionKind)

_Rules = tuple[tuple[str, tuple[str, ...]], ...]  # (QuestionKind value, cues)

_EN: _Rules = (
    ("small_talk", (
        " hear me", " see me ", "see my screen", "how are you", "how's it going", "how is it going",
        "how's your day", "how was your weekend", "how is your day", "nice to meet you", "good morning",
        "good afternoon", "good evening", "find us okay", "find the link", "my audio", "your audio",
        "am i audible", "is the connection", "weather", "are you ready to start",
        "ready to get started", "did you have a good", "how have you been", "can you see me",
    )),
    ("clarifying", (
        "what do you mean", "can you clarify", "could you clarify", "could you repeat", "can you repeat",
        "say that again", "do you mean", "did you mean", "am i right", "to clarify", "just to confirm",
        "correct me", "you were saying", "come again", "sorry what", "one more time",
    )),
    ("logistics", (
        "salary", "compensation", "start date", "notice period", "relocat", "visa", "sponsorship",
        "questions for me", "questions for us", "any questions", "next steps", "share your screen",
        "time zone", "availability", "available to start", "schedule", "benefits", "remote or",
        "in the office", "hybrid", "pay range", "expectations for pay", "when can you start", "other offers",
        "other interviews", "timeline for",
    )),
    ("behavioral", (
        "tell me about a time", "tell us about a time", "describe a time", "describe a situation",
        "give me an example", "give us an example", "a time when", "a time you", "a situation where",
        "conflict", "disagree", "disagreement", "failure", "failed", "mistake", "feedback", "challenge",
        "difficult", "proud", "handled", "deal with", "dealt with", "pressure", "deadline", "led a",
        "lead a", "took the lead", "coworker", "co-worker", "colleague", "manager", "stakeholder",
        "overcame", "overcome", "teamwork", "learned from", "persuade", "convince",
    )),
    ("situational", (
        "what would you do", "how would you handle", "how would you approach", "how would you deal",
        "imagine", "suppose", "hypothetical", "if you were", "say you", "let's say", "what if",
        "how would you respond", "how would you react", "what would happen if", "in that situation",
    )),
    ("system_design", (
        "design a", "design an", "design the", "design your", "system design", "architect", "how would you build",
        "how would you scale", "scale this", "scale it", "scale to", "millions of", "high level design",
        "high-level design", "rate limiter", "url shortener", "news feed", "components", "sharding", "shard",
        "load balanc", "distributed system", "data pipeline", "end to end", "bottleneck", "single point of failure",
        "requests per second", "qps",
    )),
    ("technical", (
        "algorithm", "complexity", "big o", "data structure", "database", "sql", "index", "api",
        "latency", "throughput", "cache", "caching", "concurren", "thread", "async", "memory", "garbage",
        "kubernetes", "docker", "microservice", "deploy", "ci/cd", "testing", "unit test", "debug",
        "python", "java", "golang", " go ", "rust", "c++", "javascript", "typescript", "react",
        "kafka", "redis", "postgres", "network", "tcp", "http", "protocol", "compiler", "hash",
        "linked list", "binary", "tree", "graph", "queue", "stack", "recursion", "sorting", "code",
        "function", "class", "object", "inheritance", "polymorph", "difference between", "how does",
        "how do you implement", "implement", "optimi", "performance", "security", "encryption",
        "machine learning", "model", "query", "schema", "transaction", "consistency", "idempoten",
        "framework", "library", "language", "bug", "git ", "cloud", "aws", "gcp", "azure", "scalab",
    )),
    ("background", (
        "yourself", "your background", "your resume", "your cv", "your experience", "current role",
        "previous role", "last job", "current job", "previous job", "why do you want", "why are you interested",
        "why this company", "why us", "where do you see yourself", "strength", "weakness", "what did you study",
        "your degree", "your career", "walk me through your", "why are you leaving", "why did you leave",
        "what are you looking for", "motivat", "passion", "interested in this", "about you", "your role",
        "your team", "worked on", "working on", "you've done", "your previous", "your current", "years of",
    )),
)

_DE: _Rules = (
    ("small_talk", (" hören sie mich", " hörst du mich", "wie geht es", "wie geht's", "guten morgen",
                    "guten tag", "schön sie kennenzulernen", "sehen sie meinen bildschirm", "können sie mich sehen",
                    "ton funktioniert", "wetter")),
    ("clarifying", ("was meinen sie", "was meinst du", "können sie das wiederholen", "noch einmal",
                    "habe ich richtig verstanden", "meinen sie", "wie bitte")),
    ("logistics", ("gehalt", "vergütung", "kündigungsfrist", "eintrittstermin", "umzug", "visum",
                   "fragen an uns", "fragen an mich", "nächste schritte", "homeoffice", "remote", "urlaub",
                   "wann können sie anfangen", "verfügbar")),
    ("behavioral", ("erzählen sie von einer situation", "eine situation", "ein beispiel", "konflikt",
                    "fehler", "feedback", "herausforderung", "schwierig", "stolz", "druck", "deadline",
                    "kollegen", "vorgesetzten", "team geleitet", "überzeugen", "gescheitert")),
    ("situational", ("was würden sie tun", "wie würden sie vorgehen", "wie würden sie reagieren",
                     "stellen sie sich vor", "angenommen", "was wäre wenn", "nehmen wir an")),
    ("system_design", ("entwerfen sie", "entwerfen", "systemdesign", "architektur", "skalieren", "millionen",
                       "komponenten", "lastverteil", "verteiltes system", "engpass")),
    ("technical", ("algorithmus", "komplexität", "datenstruktur", "datenbank", "sql", "api", "latenz", "cache",
                   "thread", "speicher", "kubernetes", "docker", "microservice", "deployment", "testen", "python",
                   "java", "rust", "kafka", "redis", "postgres", "netzwerk", "protokoll", "code", "programm",
                   "idempoten", "transaktion", "konsistenz", "performance", "sicherheit", "unterschied zwischen")),
    ("background", ("über sich", "ihren werdegang", "ihr lebenslauf", "ihre erfahrung", "aktuelle rolle",
                    "letzten job", "warum möchten sie", "warum wollen sie", "stärke", "schwäche", "studiert",
                    "ihre karriere", "motivation", "ihr team", "ihre rolle", "gearbeitet", "jahre")),
)

_FR: _Rules = (
    ("small_talk", ("m'entendez", "m'entends", "comment allez-vous", "comment ça va", "ça va", "bonjour",
                    "enchanté", "voyez-vous mon écran", "me voyez-vous", "météo")),
    ("clarifying", ("que voulez-vous dire", "qu'entendez-vous", "pouvez-vous répéter", "vous voulez dire",
                    "si je comprends bien", "pardon", "encore une fois")),
    ("logistics", ("salaire", "rémunération", "préavis", "date de début", "déménag", "visa", "des questions",
                   "prochaines étapes", "télétravail", "disponib", "quand pouvez-vous commencer", "avantages")),
    ("behavioral", ("une fois où", "une situation", "un exemple", "conflit", "désaccord", "échec", "erreur",
                    "retour", "défi", "difficile", "fier", "fière", "pression", "délai", "collègue", "manager",
                    "convaincre")),
    ("situational", ("que feriez-vous", "comment réagiriez-vous", "comment géreriez-vous", "imaginez",
                     "supposons", "si vous étiez", "que se passerait-il")),
    ("system_design", ("concevoir", "concevez", "conception", "architecture", "mise à l'échelle", "millions",
                       "composants", "répartition de charge", "système distribué", "goulot")),
    ("technical", ("algorithme", "complexité", "structure de données", "base de données", "sql", "api", "latence",
                   "cache", "thread", "mémoire", "kubernetes", "docker", "microservice", "déploi", "test",
                   "python", "java", "rust", "kafka", "redis", "postgres", "réseau", "protocole", "code",
                   "idempoten", "transaction", "cohérence", "performance", "sécurité", "différence entre")),
    ("background", ("présentez-vous", "parlez-moi de vous", "votre parcours", "votre cv", "votre expérience",
                    "poste actuel", "pourquoi voulez-vous", "pourquoi souhaitez-vous", "qualité", "défaut",
                    "vos études", "votre carrière", "motivation", "votre équipe", "votre rôle", "années")),
)

_ES: _Rules = (
    ("small_talk", ("me escuchas", "me escucha", "me oyes", "me oye", "cómo estás", "cómo está", "buenos días",
                    "buenas tardes", "mucho gusto", "ves mi pantalla", "clima")),
    ("clarifying", ("qué quieres decir", "qué quiere decir", "puedes repetir", "puede repetir", "te refieres",
                    "se refiere", "si entiendo bien", "perdón")),
    ("logistics", ("salario", "sueldo", "preaviso", "fecha de inicio", "reubica", "visa", "alguna pregunta",
                   "preguntas para", "próximos pasos", "remoto", "disponib", "cuándo puedes empezar", "beneficios")),
    ("behavioral", ("una vez que", "una situación", "un ejemplo", "conflicto", "desacuerdo", "fracaso", "error",
                    "retroalimentación", "desafío", "reto", "difícil", "orgulloso", "orgullosa", "presión",
                    "plazo", "compañero", "jefe", "convencer")),
    ("situational", ("qué harías", "qué haría", "cómo manejarías", "cómo reaccionarías", "imagina", "imagine",
                     "supongamos", "si fueras", "qué pasaría si")),
    ("system_design", ("diseña", "diseñar", "diseñarías", "diseño de sistema", "arquitectura", "escalar",
                       "millones", "componentes", "balanceo de carga", "sistema distribuido", "cuello de botella")),
    ("technical", ("algoritmo", "complejidad", "estructura de datos", "base de datos", "sql", "api", "latencia",
                   "caché", "cache", "hilo", "memoria", "kubernetes", "docker", "microservicio", "despliegue",
                   "prueba", "python", "java", "rust", "kafka", "redis", "postgres", "red", "protocolo", "código",
                   "idempoten", "transacción", "consistencia", "rendimiento", "seguridad", "diferencia entre")),
    ("background", ("háblame de ti", "cuéntame sobre ti", "tu trayectoria", "tu currículum", "tu experiencia",
                    "puesto actual", "por qué quieres", "fortaleza", "debilidad", "estudiaste", "tu carrera",
                    "motivación", "tu equipo", "tu rol", "años")),
)

_RULES: dict[str, _Rules] = {"en": _EN, "de": _DE, "fr": _FR, "es": _ES}

# A follow-up refers back instead of naming its topic: an anaphor, or a bare "why"/"how come".
_ANAPHORS: dict[str, frozenset[str]] = {
    "en": frozenset({"that", "it", "this", "those", "them", "there", "then", "one", "so", "instead", "else"}),
    "de": frozenset({"das", "dies", "dafür", "dagegen", "davon", "damit", "dann", "dort", "es", "denn"}),
    "fr": frozenset({"ça", "cela", "ce", "ceci", "alors", "là", "pourquoi", "donc"}),
    "es": frozenset({"eso", "esto", "ello", "entonces", "ahí", "allí", "lo", "así"}),
}
_FOLLOW_OPENERS: dict[str, tuple[str, ...]] = {
    "en": (" why ", " how come ", " and why ", " so why ", " what about ", " and then ", " such as ", " like what ",
           " and what ", " which one ", " and how ", " so how ", " what happened next ", " what was the result "),
    "de": (" warum ", " wieso ", " und dann ", " und warum ", " was ist mit ", " zum beispiel "),
    "fr": (" pourquoi ", " et pourquoi ", " et ensuite ", " et alors ", " par exemple ", " et comment "),
    "es": (" por qué ", " y por qué ", " y luego ", " y entonces ", " por ejemplo ", " y cómo "),
}
_FOLLOW_MAX_WORDS = 10
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def _norm(text: str) -> str:
    return " " + " ".join(_WORD_RE.findall(text.lower().replace("’", "'"))) + " "


def _match(rules: _Rules, low: str, skip: frozenset[str] = frozenset()) -> str | None:
    for kind, keys in rules:
        if kind in skip:
            continue
        for k in keys:
            if k in low:
                return kind
    return None


def question_kind(text: str, language: str | None = "en", previous: str | None = None) -> QuestionKind:
    """Kind of an interview question. `previous` is the question asked before it in the session, if any:
    only then can a short question that refers back be a follow_up. Never raises."""
    code = language_code(language)
    rules = _RULES.get(code, _EN)
    low = _norm(text)
    words = low.split()
    if not words:
        return QuestionKind.OTHER
    early = _match(rules[:3], low)  # small talk, clarifying, logistics
    if early is not None:
        return QuestionKind(early)
    if previous and len(words) <= _FOLLOW_MAX_WORDS:
        anaphors = _ANAPHORS.get(code, _ANAPHORS["en"])
        opens = any(low.startswith((o, " so" + o, " okay" + o))
                    for o in _FOLLOW_OPENERS.get(code, _FOLLOW_OPENERS["en"]))
        refers = any(w in anaphors for w in words)
        if opens or (refers and len(words) <= 7):
            return QuestionKind.FOLLOW_UP
    found = _match(rules[3:], low)
    if found is None and code != "en":
        found = _match(_EN[3:], low)  # technical terms are often English in any language
    return QuestionKind(found) if found else QuestionKind.OTHER
