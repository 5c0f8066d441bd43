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
Cost: the text is normalised (str.translate) and one Aho-Corasick pass (pyahocorasick, in C) finds every
keyword of every family at once: ~20 µs per call on the 300-600 characters a fire of a long turn hands over,
where testing each of the ~300 keywords as a substring cost ~70 µs. `parts_kind` normalises each part of a
multi-part question once (cached): the tracker asks for the kind of all parts again at every fire of a turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import ahocorasick

from mentor.ai.detection.analysis import language_code
from mentor.ai.types import QuestionKind

__all__ = ["KINDS", "parts_kind", "question_kind"]

KINDS: tuple[str, ...] = tuple(QuestionKind)

_Rules = tuple[tuple[str, tuple[str, ...]], ...]  # (QuestionKind value, cues)

_EN: _Rules = (
    ("small_talk", (
        " hear me", " see me ", "see my screen", "how are you", "how's it going", "how is it going",
        "how's your day", "how was your weekend", "how is your day", "nice to meet you", "find us okay", "find the link", "my audio", "your audio",
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
        "other interviews", "timeline for", "where are you based", "where are you located", "interviewing elsewhere",
        "interviewing with other", "when could you start", "soon can you start", "soon could you start",
        "able to start", "questions do you have", "questions would you have", "anything else you'd like",
        "anything else you would like", "anything you'd like to add", "anything else to add", "anything else we should",
    )),
    ("behavioral", (
        "tell me about a time", "tell us about a time", "describe a time", "describe a situation",
        "give me an example", "give us an example", "a time when", "a time you", "a situation where",
        "how did you", "what did you learn", "have you ever", "walk me through how you",
        "conflict", "disagree", "disagreement", "failure", "failed", "mistake", "feedback", "challenge",
        "difficult", "proud", "handled", "deal with", "dealt with", "pressure", "deadline", "led a",
        "lead a", "took the lead", "coworker", "co-worker", "colleague", "manager", "stakeholder",
        "overcame", "overcome", "teamwork", "learned from", "persuade", "convince", "hardest bug", "hardest problem you",
        "hardest thing you", "hardest project", "toughest problem you", "toughest decision", "most difficult project",
        "most difficult problem you", "achievement", "accomplishment", "proudest", "above and beyond", "handle stress",
        "under stress", "deal with stress", "manage stress", "stressful", "regret", "most interesting project",
        "most challenging project", "most exciting project", "favorite project", "favourite project",
    )),
    ("situational", (
        "what would you do", "how would you handle", "how would you approach", "how would you deal",
        "imagine", "suppose", "hypothetical", "if you were", "say you", "let's say", "what if",
        "how would you respond", "how would you react", "what would happen if", "in that situation",
        "first 90 days", "first 30 days", "first 60 days", "first few months", "first month",
    )),
    ("system_design", (
        "design a", "design an", "design the", "design your", "system design", "architect", "how would you build",
        "how would you design", "how do you design",
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
        "how do you ensure", "how would you ensure", "how do you guarantee", "how would you guarantee",
        "how do you prevent", "how would you prevent", "how do you avoid", "exactly once", "at least once",
        "twice", "duplicate", "retries", "race condition", "deadlock", "failover", "replica", "encrypt",
        "authenticat", "theorem", " acid ", " dns ", " tls ", " ssl ", " https ", " cdn ", "oauth", " jwt ",
        "grpc", "websocket", "browser", " url ", "secrets", " ci ", "continuous integration", "mutex", "semaphore",
        "event loop", "operating system", "kernel", "linux", "dependency injection", "design pattern",
        "what happens when", "what happens if",
    )),
    ("background", (
        "about yourself", "introduce yourself", "describe yourself", "see yourself", "your background",
        "your resume", "your cv", "your experience", "current role",
        "previous role", "last job", "current job", "previous job", "why do you want", "why are you interested",
        "why this company", "why us", "where do you see yourself", "strength", "weakness", "what did you study",
        "your degree", "your career", "walk me through your", "why are you leaving", "why did you leave",
        "what are you looking for", "motivat", "passion", "interested in this", "about you", "your role",
        "your team", "worked on", "working on", "you've done", "your previous", "your current", "years of",
        "how many years", "made you apply", "why did you apply", "drew you to", "brought you to", "attracted you to",
        "should we hire you", "should we choose you", "should we pick you", "you a good fit", "you the right fit",
        "you a great fit", "can you bring", "would you bring", "set you apart", "makes you different",
        "makes you unique", "makes you stand out",
        "ideal work", "prefer working",
    )),
)

_DE: _Rules = (
    ("small_talk", (" hören sie mich", " hörst du mich", " verstehen sie mich", " verstehst du mich",
                    " hört man mich", " sehen sie mich", " siehst du mich", "wie geht es ihnen", "wie geht es dir",
                    "wie geht's", "schön sie kennenzulernen", "schön, sie kennenzulernen", "sehen sie meinen bildschirm",
                    "ton funktioniert", "mein mikrofon", "ihr mikrofon", "ihr ton", "mein ton", "wetter",
                    "wie war ihr wochenende", "haben sie gut hergefunden", "können wir anfangen",
                    "sind sie bereit")),
    ("clarifying", ("was meinen sie", "was meinst du", "können sie das wiederholen", "noch einmal",
                    "habe ich richtig verstanden", "meinen sie", "wie bitte", "wie meinen sie das",
                    "was genau meinen", "verstehe ich richtig")),
    ("logistics", ("gehalt", "vergütung", "kündigungsfrist", "eintrittstermin", "umzug", "visum", "etwas ergänzen",
                   "etwas hinzufügen", "sonst noch etwas", "ergänzen möchten", "hinzufügen möchten",
                   "fragen an uns", "fragen an mich", "nächste schritte", "homeoffice", "remote", "urlaub",
                   "wann können sie anfangen", "verfügbar", "gehaltsvorstellung", "arbeitsort", "zeitzone")),
    ("behavioral", ("von einer situation", "eine situation", "ein beispiel", "konflikt", "fehler", "feedback",
                    "herausforderung", "schwierig", "stolz", "druck", "deadline", "kollegen", "vorgesetzten",
                    "team geleitet", "überzeugen", "gescheitert", "als sie einmal", "einmal erlebt",
                    " wie haben sie ", " wie hast du ", " was haben sie gelernt", " wie sind sie vorgegangen",
                    " wie sind sie damit umgegangen", " haben sie schon einmal ", " haben sie jemals ",
                    " hatten sie schon einmal ", " schildern sie ", " beschreiben sie eine ")),
    ("situational", ("was würden sie tun", "wie würden sie vorgehen", "wie würden sie reagieren",
                     "stellen sie sich vor", "angenommen", "was wäre wenn", "nehmen wir an", "was würdest du tun",
                     "wie würden sie damit umgehen", "was machen sie, wenn", "was tun sie, wenn")),
    ("system_design", ("entwerfen sie", "entwerfen", "systemdesign", "systementwurf", "architektur", "skalieren",
                       "skalierbar", "millionen", "komponenten", "lastverteil", "load balanc", "verteiltes system",
                       "verteilten system", "engpass", "anfragen pro sekunde", "hochverfügbar", "datenfluss",
                       "wie würden sie ein system", "wie würden sie einen dienst", "aufbauen")),
    ("technical", ("was passiert wenn", "was passiert nachdem",
                   "algorithmus", "komplexität", "datenstruktur", "datenbank", "sql", " api", "latenz", "cache",
                   "thread", "speicher", "kubernetes", "docker", "microservice", "deployment", "testen", "python",
                   "java", "rust", "kafka", "redis", "postgres", "netzwerk", "protokoll", " code", "programm",
                   "idempoten", "transaktion", "konsistenz", "performance", "sicherheit", "unterschied zwischen",
                   "wie stellen sie sicher", "sicherstellen", "gewährleisten", "verhindern", "vermeiden",
                   "doppelt", "duplikat", "wie funktioniert", "implementier", "warteschlange", "nebenläufig",
                   "ausfall", "fehlertoleran", "schnittstelle", " index", "abfrage", "verschlüssel",
                   "authentifizier", "replikation", "partition", "wiederholung", "debugg", "schneller machen")),
    ("background", ("über sich", "ihren werdegang", "ihr werdegang", "ihr lebenslauf", "ihren lebenslauf",
                    "wie viele jahre", "jahre erfahrung", "jahren erfahrung",
                    "sie einstellen", "dich einstellen",
                    "ihre erfahrung", "aktuelle rolle", "letzten job", "warum möchten sie", "warum wollen sie",
                    "stärke", "schwäche", "studiert", "ihre karriere", "motivation", "ihr team", "ihre rolle",
                    "gearbeitet", "jahre", "stellen sie sich kurz vor", "warum diese stelle", "warum wir")),
)

_FR: _Rules = (
    ("small_talk", ("m'entendez", "m'entends", " vous me voyez", " tu me vois", "me voyez-vous", "comment allez-vous",
                    "comment vas-tu", "comment ça va", "enchanté", "voyez-vous mon écran", "vous voyez mon écran",
                    "mon micro", "votre micro", " le son ", "météo", "bon week-end", "votre week-end",
                    "on peut commencer", "êtes-vous prêt", "êtes-vous prête", "vous êtes prêt")),
    ("clarifying", ("que voulez-vous dire", "qu'entendez-vous", "pouvez-vous répéter", "vous voulez dire",
                    "si je comprends bien", "pardon", "encore une fois", "c'est-à-dire", "qu'est-ce que vous entendez",
                    "vous parlez de")),
    ("logistics", ("salaire", "rémunération", "préavis", "date de début", "déménag", "visa", "des questions",
                   "autre chose à ajouter", "quelque chose à ajouter", "aimeriez ajouter", "voulez ajouter",
                   "prochaines étapes", "télétravail", "disponib", "quand pouvez-vous commencer", "avantages",
                   "prétentions", "fuseau horaire")),
    ("behavioral", ("une fois où", "une fois que", "une situation où", "une situation dans laquelle",
                    "un exemple", "conflit", "désaccord", "échec", "erreur", "retour", "défi", "difficile",
                    "fier", "fière", "pression", "délai", "collègue", "manager", "convaincre",
                    " comment avez-vous ", " comment as-tu ", " qu'avez-vous appris", " avez-vous déjà ", " avez-vous jamais ", " as-tu déjà ", " décrivez une ",
                    " racontez-moi une ", " racontez-moi un ", "parlez-moi d'une", "parlez-moi d'un ",
                    " de votre projet", " de vos projets", " de la migration", " du projet", " de la refonte",
                    " du lancement", " de l'incident", " de la panne")),
    ("situational", ("que feriez-vous", "comment réagiriez-vous", "comment géreriez-vous", "imaginez",
                     "supposons", "si vous étiez", "que se passerait-il", "que ferais-tu", "comment feriez-vous si",
                     "mettons que", "admettons que")),
    ("system_design", ("concevoir", "concevez", "concevriez", "conception", "architecture", "mise à l'échelle",
                       "passer à l'échelle", "millions", "composants", "répartition de charge", "répartiteur de charge",
                       "load balanc", "système distribué", "systèmes distribués", "goulot", "requêtes par seconde",
                       "haute disponibilité", "flux de données", "comment construiriez-vous")),
    ("technical", ("que se passe-t-il", "qu'est-ce qui se passe",
                   "algorithme", "complexité", "structure de données", "base de données", "sql", " api", "latence",
                   "cache", "thread", "mémoire", "kubernetes", "docker", "microservice", "déploi", " test",
                   "python", "java", "rust", "kafka", "redis", "postgres", "réseau", "protocole", " code",
                   "idempoten", "transaction", "cohérence", "performance", "sécurité", "différence entre",
                   "garantir", "s'assurer", "assurer que", "éviter", "empêcher", "deux fois", "doublon",
                   "comment fonctionne", "implément", "file d'attente", "concurren", "panne", "tolérance",
                   " index", "requête", "chiffr", "authentifi", "réplication", "partition", "nouvelle tentative",
                   "débogu", "optimis")),
    ("background", ("présentez-vous", "parlez-moi de vous", "parle-moi de toi", "votre parcours", "votre cv",
                    "combien d'années", "années d'expérience",
                    "vous embaucher", "vous recruter", "te recruter", "t'embaucher",
                    "votre expérience", "poste actuel", "pourquoi voulez-vous", "pourquoi souhaitez-vous",
                    "qualité", "défaut", "vos études", "votre carrière", "motivation", "votre équipe", "votre rôle",
                    "années", "point fort", "point faible", "pourquoi ce poste", "pourquoi nous")),
)

_ES: _Rules = (
    ("small_talk", ("me escuchas", "me escucha", "me oyes", "me oye ", "me ves ", "me ve bien", "se me escucha",
                    "se me oye", "se me ve", "cómo estás", "cómo está usted", "cómo te va", "qué tal estás",
                    "mucho gusto", "ves mi pantalla", "ve mi pantalla", "mi micrófono", "tu micrófono", "el audio",
                    "clima", "fin de semana", "podemos empezar", "estás listo", "estás lista")),
    ("clarifying", ("qué quieres decir", "qué quiere decir", "puedes repetir", "puede repetir", "te refieres",
                    "se refiere", "si entiendo bien", "perdón", "otra vez", "a qué te refieres")),
    ("logistics", ("salario", "sueldo", "preaviso", "fecha de inicio", "reubica", "visa", "alguna pregunta",
                   "algo más que añadir", "algo que añadir", "quieras añadir", "quiera añadir",
                   "preguntas para", "próximos pasos", "remoto", "disponib", "cuándo puedes empezar", "beneficios",
                   "expectativa salarial", "zona horaria")),
    ("behavioral", ("una vez que", "una vez en que", "una vez en la que", "una situación en la que",
                    "una situación donde", "un ejemplo", "conflicto", "desacuerdo", "fracaso", "error",
                    "retroalimentación", "desafío", "reto", "difícil", "orgulloso", "orgullosa", "presión", "plazo",
                    "compañero", "jefe", "convencer", " qué aprendiste",
                    " alguna vez has ", " alguna vez ha ", " has tenido que ", " ha tenido que ", " describe una ",
                    " describa una ", "cuéntame de un", "cuénteme de un", "cuéntame sobre un", "cuénteme sobre un",
                    "háblame de un", "hábleme de un", " de tu proyecto", " de su proyecto", " de la migración",
                    " del proyecto", " del lanzamiento", " del incidente")),
    ("situational", ("qué harías", "qué haría", "cómo manejarías", "cómo reaccionarías", "imagina", "imagine",
                     "supongamos", "si fueras", "qué pasaría si", "cómo actuarías", "pongamos que")),
    ("system_design", ("diseña", "diseñar", "diseñarías", "diseño de sistema", "arquitectura", "escalar",
                       "millones", "componentes", "balanceo de carga", "balanceador", "sistema distribuido",
                       "sistemas distribuidos", "cuello de botella", "peticiones por segundo", "alta disponibilidad",
                       "flujo de datos", "cómo construirías")),
    ("technical", ("qué pasa cuando", "qué ocurre cuando", "qué sucede cuando",
                   "algoritmo", "complejidad", "estructura de datos", "base de datos", "sql", " api", "latencia",
                   "caché", "cache", " hilo", "memoria", "kubernetes", "docker", "microservicio", "despliegue",
                   "prueba", "python", "java", "rust", "kafka", "redis", "postgres", " red ", " redes ", "protocolo",
                   "código", "idempoten", "transacción", "consistencia", "rendimiento", "seguridad",
                   "diferencia entre", "garantizar", "asegurar", "asegurarte", "evitar", "impedir", "dos veces",
                   "duplicad", "cómo funciona", "implement", " cola", "concurren", "caída", "tolerancia",
                   " índice", "consulta", "cifrad", "autenticación", "replicación", "partición", "reintento",
                   "depura", "optimiza")),
    ("background", ("háblame de ti", "cuéntame sobre ti", "cuéntame de ti", "hábleme de usted", "preséntate",
                    "cuántos años", "años de experiencia",
                    "contratarte", "contratarle", "contratarlo", "contratarla",
                    "tu trayectoria", "tu currículum", "tu experiencia", "su experiencia", "puesto actual",
                    "por qué quieres", "por qué quiere", "fortaleza", "debilidad", "estudiaste", "tu carrera",
                    "motivación", "tu equipo", "tu rol", "años", "por qué este puesto", "por qué nosotros")),
)

# "What did you do at X?" is not among the story cues: it asks about a named job (background).
# A greeting is small talk only when it is (nearly) all the turn says and no other family matched:
# "Bonjour, parlez-moi de vous" asks for the candidate's background and must be answered.
_GREETINGS: dict[str, tuple[str, ...]] = {
    "en": (" hi ", " hello ", " hey ", " good morning ", " good afternoon ", " good evening ", " welcome ",
           " thanks for joining ", " how are you "),
    "de": (" hallo ", " guten morgen ", " guten tag ", " guten abend ", " servus ", " willkommen ", " grüß gott ",
           " moin "),
    "fr": (" bonjour ", " bonsoir ", " salut ", " bienvenue ", " ça va ", " merci d'être là "),
    "es": (" hola ", " buenos días ", " buenas tardes ", " buenas noches ", " bienvenido ", " bienvenida ",
           " cómo está ", " qué tal "),
}
_GREETING_MAX_WORDS = 6

# Cues that keywords cannot carry: German puts the verb last, with words between ("können Sie mich gut
# hören", "haben Sie das Team schon einmal geleitet"); Spanish marks a past "you" by the verb ending.
_PATTERNS: dict[str, dict[str, re.Pattern[str]]] = {
    "de": {
        "small_talk": re.compile(r" (sie|du|ihr) mich (\w+ ){0,3}(hören|verstehen|sehen) "),
        "behavioral": re.compile(r" (haben|hatten|hast) (sie|du) (\w+ ){0,6}(schon|einmal|jemals|je) "),
    },
    "fr": {
        "small_talk": re.compile(r" (vous|tu) (m'entendez|m'entends|me voyez|me vois) "),
    },
    "es": {
        "small_talk": re.compile(r" (me|se me) (escuchas?|oyes?|ves?|escucha|oye) (\w+ )?(bien|ahora) "),
        "behavioral": re.compile(r" (cómo|qué|por qué) (\w+ ){0,2}\w+(aste|iste) "),
    },
}

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
# How the candidate sees themselves or works best: a background question whatever else it names ("manager").
_SELF_VIEW: dict[str, tuple[str, ...]] = {
    "en": (" ideal manager ", " ideal boss ", " ideal team ", " ideal job ", " ideal role ", " ideal company ",
           " kind of culture ", " type of culture ", " thrive ", " work best ", " most productive ",
           " work environment ", " describe you ", " would your team ", " would your last team ",
           " would your colleagues ", " would your manager ", " would your peers ", " would your coworkers "),
    "de": (" idealen chef", " ideale führungskraft", " idealen vorgesetzten", " ideales team", " arbeitsumfeld",
           " am besten arbeiten", " arbeiten sie am besten"),
    "fr": (" manager idéal", " équipe idéale", " environnement de travail", " travaillez le mieux"),
    "es": (" jefe ideal", " equipo ideal", " ambiente de trabajo", " entorno de trabajo", " trabajas mejor"),
}
# A scenario set up in the first words: "say a junior engineer ...", "say the database goes down ...".
_SUPPOSE = (" say a ", " say an ", " say the ", " say your ", " say we ", " say there ", " say someone ",
            " so say ", " okay say ")
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*")  # the same on ASCII text, and faster


# ASCII text: every character that no word holds becomes a space (str.translate, in C); only the rare
# chunks with an apostrophe or a hyphen go through the word pattern. The same words, 2x faster.
_NOT_WORD = {i: " " for i in range(128) if not (chr(i).isalnum() or chr(i) in "'-")}


def _norm(text: str) -> str:
    low = text.lower().replace("’", "'")
    if not low.isascii():
        return " " + " ".join(_WORD_RE.findall(low)) + " "
    words = low.translate(_NOT_WORD).split()
    if "'" in low or "-" in low:
        words = [w for chunk in words for w in
                 (_ASCII_WORD_RE.findall(chunk) if "'" in chunk or "-" in chunk else (chunk,))]
    return " " + " ".join(words) + " "


def _automaton(rules: _Rules) -> ahocorasick.Automaton:
    """Every keyword of `rules`, each with the families that list it."""
    families: dict[str, set[str]] = {}
    for kind, keys in rules:
        for key in keys:
            families.setdefault(key, set()).add(kind)
    automaton = ahocorasick.Automaton()
    for key, kinds in families.items():
        automaton.add_word(key, frozenset(kinds))
    automaton.make_automaton()
    return automaton


_AUTOMATA: dict[str, ahocorasick.Automaton] = {code: _automaton(rules) for code, rules in _RULES.items()}
_ORDER: dict[str, tuple[str, ...]] = {code: tuple(kind for kind, _ in rules) for code, rules in _RULES.items()}


def _found(code: str, low: str) -> set[str]:
    """The families with at least one keyword in `low`."""
    found: set[str] = set()
    for _, kinds in _AUTOMATA[code].iter(low):
        found |= kinds
    return found


def _first(kinds: tuple[str, ...], found: set[str], low: str, patterns: dict[str, re.Pattern[str]]) -> str | None:
    """The first of `kinds` (in order) that a keyword or the family's pattern marks."""
    for kind in kinds:
        if kind in found:
            return kind
        pattern = patterns.get(kind)
        if pattern is not None and pattern.search(low):
            return kind
    return None


def question_kind(text: str, language: str | None = "en", previous: str | None = None) -> QuestionKind:
    """Kind of an interview question. `previous` is the question asked before it in the session, if any:
    only then can a short question that refers back be a follow_up. Never raises."""
    return _kind(_norm(text), language, previous)


def parts_kind(parts: Sequence[str], language: str | None = "en", previous: str | None = None) -> QuestionKind:
    """`question_kind(" ".join(parts), ...)`, with each part normalised once (cached): the tracker asks again
    at every superseding fire of a multi-part turn, when all parts but the newest are the same."""
    words = " ".join(w for w in map(_norm_part, parts) if w)
    return _kind(f" {words} ", language, previous)


@lru_cache(maxsize=256)
def _norm_part(text: str) -> str:
    # No word spans a space, so the words of " ".join(parts) are those of each part in turn.
    return _norm(text).strip()


def _kind(low: str, language: str | None, previous: str | None) -> QuestionKind:
    """The kind of a text already normalised by `_norm`."""
    code = language_code(language)
    if code not in _RULES:
        code = "en"
    words = low.split()
    if not words:
        return QuestionKind.OTHER
    patterns = _PATTERNS.get(code, {})
    order = _ORDER[code]
    found = _found(code, low)
    early = _first(order[:3], found, low, patterns)  # small talk, clarifying, logistics
    if early is not None:
        return QuestionKind(early)
    if previous and len(words) <= _FOLLOW_MAX_WORDS:
        anaphors = _ANAPHORS.get(code, _ANAPHORS["en"])
        opens = any(low.startswith((o, " so" + o, " okay" + o))
                    for o in _FOLLOW_OPENERS.get(code, _FOLLOW_OPENERS["en"]))
        refers = any(w in anaphors for w in words)
        if opens or (refers and len(words) <= 7):
            return QuestionKind.FOLLOW_UP
    kind = _first(order[3:], found, low, patterns)
    if kind == "system_design" and (" your experience with " in low or " your experience in " in low):
        kind = "technical"  # "what's your experience with distributed systems?" asks for a record, not a design
    if kind in (None, "behavioral", "situational", "technical") and any(cue in low for cue in _SELF_VIEW[code]):
        kind = "background"  # "describe your ideal manager": about the candidate, not a story or a scenario
    elif kind == "situational" and " would you say " in low:
        kind = None  # "would you say you're more of a generalist or a specialist": a view, not a scenario
    elif code == "en" and kind in (None, "technical", "behavioral") and low.startswith(_SUPPOSE):
        kind = "situational"  # "say a junior engineer pushes a bug to production, how do you respond"
    if kind is None and code != "en":
        kind = _first(_ORDER["en"][3:], _found("en", low), low, {})  # technical terms are often English
    if kind is None and len(words) <= _GREETING_MAX_WORDS \
            and any(g in low for g in _GREETINGS.get(code, _GREETINGS["en"])):
        kind = "small_talk"
    return QuestionKind(kind) if kind else QuestionKind.OTHER
