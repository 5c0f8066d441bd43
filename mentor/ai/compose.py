"""Offline answer composition: a deterministic answer built from the candidate's own material, no model needed.

It is the default when no model is configured and what `FallbackEngine` turns to when the model fails, so it
must answer anything: every question kind has its own composer (a STAR story for behavioral questions, an
outline in five parts for system design, one line for small talk, ...), and a question it cannot answer gets
one line saying what the question asks for plus the candidate's resume lines that the retrieval ranks
closest to it. Answers are short (a line to lead with, then two to four points), in the session language
(`mentor.ai.phrases`), quote at most a short phrase of the question, and use the resume line on exactly the
question's topic when there is one. The lead line names what the question asks for, whatever the kind: a
definition ("what is X"), an approach ("how would you ..."), a view ("thoughts on X", "when would you use X
over Y"), a yes or no ("have you used X?"), the candidate's record ("your experience with X", "how long have
you used X"), the steps of a process ("what happens when ..."). Resume lines are chosen for what they show: a
pitch leads each job with its measured result, a story of a setback is never told with a success, and the
years said are never claimed for a line of work the candidate has just entered. Pure and fast (well under a
millisecond for a normal resume); `mentor.engines.offline` streams it.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from mentor.ai.phrases import ENGLISH, Phrases, phrasebook
from mentor.ai.prompt import job_passages, language_name
from mentor.ai.resume import entry_title, stated_years
from mentor.ai.retrieval import IRREGULAR_EN, PAST_OF, base_language, compound_parts, overlap, rank, terms
from mentor.ai.types import AnswerRequest, ExperienceEntry, Passage, ResumeProfile

log = logging.getLogger(__name__)


@dataclass
class _Draft:
    """An answer being composed: its paragraphs and the refs of the passages they used."""

    parts: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def add(self, text: str, *refs: str) -> None:
        self.parts.append(text)
        self.sources.extend(ref for ref in refs if ref and ref not in self.sources)

    @property
    def text(self) -> str:
        return "\n".join(self.parts).strip()


@dataclass(frozen=True, slots=True)
class Composed:
    """An offline answer: its text, the refs of the passages it used, and the kind whose composer wrote it
    ("error" only if a composer raised, which the tests and `bench/eval_answers.py` count as a crash)."""

    text: str
    sources: tuple[str, ...]
    composer: str


def compose_answer(request: AnswerRequest) -> Composed:
    """The offline answer to `request`. Pure; never raises."""
    ph = _phrases(request)
    note = ""
    if phrasebook(request.language) is None:
        note = (
            f"(Offline answer in English: no language model is configured to answer in "
            f"{language_name(request.language)}.)\n"
        )
    kind = str(request.kind) if request.kind in _COMPOSERS else "other"
    draft = _Draft()
    try:
        _COMPOSERS[kind](request, draft)
    except Exception:  # a composer bug must cost the answer's quality, never the answer
        log.exception("offline composer %s failed", kind)
        draft = _Draft()
        draft.add(ph.asks["general"].format(topic=_quote(_clip(request.question, 8), ph)))
        kind = "error"
    return Composed(note + draft.text, tuple(draft.sources), kind)


def compose(request: AnswerRequest) -> tuple[str, tuple[str, ...]]:
    """The whole offline answer text and the refs of the passages it used. Pure; about 0.1-1 ms."""
    composed = compose_answer(request)
    return composed.text, composed.sources


# --- sentences and the question's topic -------------------------------------------------------------------

# Abbreviations whose full stop does not end a sentence ("U.S." and "e.g." are caught by the dotted form).
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "vs",
        "etc",
        "approx",
        "cf",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "fig",
        "no",
        "nr",
        "vol",
        "ca",
        "bzw",
        "usw",
        "ggf",
        "evtl",
        "mme",
        "mlle",
        "env",
        "ej",
        "sra",
        "srta",
    ]
)
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")


def sentences(text: str) -> list[str]:
    """`text` cut into sentences; "U.S.", "e.g.", "Dr." and initials do not end one, nor does a full stop
    followed by a lower-case word."""
    found: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        following = text[match.end() :].lstrip()
        if following[:1].islower():
            continue
        if match.group(0).startswith("."):
            word = re.search(r"(\S+)$", text[start : match.start() + 1])
            token = word.group(1).lower().lstrip("\"'“‘(«¿¡") if word else ""
            bare = token.rstrip(".")
            if bare in _ABBREVIATIONS or re.fullmatch(r"(?:\w\.)+\w?\.?", token) or len(bare) == 1:
                continue
        found.append(text[start : match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        found.append(rest)
    return [s for s in found if s]


_FILLER_WORDS = (
    "ok|okay|so|um+|uh+|er+|erm|hm+|mm+|well|right|alright|all right|and|but|now|great|cool|sure|yeah|yes|"
    "also|then|oh|actually|basically|sorry|just|thanks|thank you|perfect|good|nice|interesting|got it|"
    "also|alors|bon|bueno|vale|pues|entonces|gut|okay|also gut|na ja|nun|genau"
)
_FILLERS = re.compile(rf"^(?:(?:{_FILLER_WORDS})\b[\s,.!;:-]*)+", re.IGNORECASE)
_TRAILING = re.compile(
    r"[\s,;:]*(?:\b(?:right|okay|ok|please|then|for me|for us|exactly)\b[\s,]*)*[?.!¿¡…\s]*$", re.IGNORECASE
)
# Lead-ins that frame a question without being its topic, in the four session languages.
_LEAD_INS = re.compile(
    r"^(?:"
    r"(?:can|could|would|will) you (?:please )?(?:explain|tell (?:me|us)(?: about)?|describe|walk (?:me|us) "
    r"through|talk (?:me |us )?(?:through|about)|say more about|elaborate on|clarify|give (?:me|us) an? "
    r"(?:example|overview) of)\s+"
    r"|(?:i'd|i would) (?:like|love) (?:to hear|you to explain|to know|to understand)(?: about)?\s+"
    r"|(?:let's|let us) (?:talk|say)(?: about)?\s+|(?:walk|talk|take) (?:me|us) through\s+|talk to (?:me|us) about\s+"
    r"|(?:say (?:a bit |a little )?more|elaborate|expand) (?:about|on)\s+|(?:any )?thoughts (?:on|about)\s+"
    r"|(?:tell (?:me|us)|explain|describe|talk)(?: about)?\s+"
    r"|do you (?:know|understand) (?=how |what |why |when |where |which )"
    r"|(?:what's|what is) your (?:opinion|view|take|stance) (?:on|of|about) "
    r"|(?:what do you think|how do you feel) (?:about|of) |what (?:is|are) (?!you |we |they |i )|what's "
    r"|do you mean |did you mean |what do you mean(?: by)? |you mean "
    r"|meinen sie (?:damit |mit )?|meinst du (?:damit |mit )?|(?:vous voulez|tu veux) dire (?:que |par )?"
    r"|(?:te refieres|se refiere) a |(?:quieres|quiere) decir (?:que |con )?"
    r"|erzählen sie (?:mir |uns )?(?:etwas |mehr )?(?:über|von) |(?:können|könnten) sie (?:mir |uns )?"
    r"(?:erklären|beschreiben),?\s*(?:wie |was )?|was halten sie von |was meinen sie mit "
    r"|parlez-(?:moi|nous) (?:de |d'|du |des )|(?:pouvez|pourriez)-vous (?:m'|nous )?(?:expliquer|décrire) "
    r"|que pensez-vous (?:de |du |des )|qu['’]entendez-vous par "
    r"|¿?\s*(?:háblame|cuéntame|háblanos|cuéntanos) (?:de |sobre |del )|¿?\s*(?:puedes|podrías|puede|podría) "
    r"(?:explicar|describir|explicarme) |¿?\s*qué (?:opinas|piensas) (?:de |sobre |del )"
    r"|¿?\s*qué quiere decir con "
    # The openers English drops as "can you tell me" / "what is", in German, French and Spanish: the rest is
    # already the embedded clause or the noun phrase asked about.
    r"|(?:können|könnten|würden) sie (?:mir |uns )?(?:bitte,?\s+)?(?:sagen|erzählen|schildern),?\s+"
    r"|(?:beschreiben|erklären|schildern) sie (?:mir |uns )?(?:bitte,?\s+)?(?:kurz,?\s+)?,?\s*"
    r"|was (?:ist|sind|war|waren) |was verstehen sie unter "
    r"|(?:pouvez|pourriez)-vous (?:me |nous )?(?:dire|raconter),?\s+|quel(?:le)?s? (?:est|sont|était|étaient) "
    r"|qu['’]est-ce qu(?:e |['’])(?!(?:vous|tu|on)\b)|est-ce que (?=(?:vous|tu)\b)"
    r"|(?:me |nos )?(?:puedes|podrías|puede|podría) (?:decir|contar|explicar|describir)(?:me|nos)? "
    r"|(?:qué|cuál) (?:es|son|era|fue) |cuáles (?:son|eran|fueron) "
    r")",
    re.IGNORECASE,
)
_DESIGN_VERBS = re.compile(
    r"^(?:how (?:would|do|could|should|will) (?:you|we) )?(?:go about )?(?:design(?:ing)?|build(?:ing)?|"
    r"architect(?:ing)?|implement(?:ing)?|scale|scaling)\s+(?:it\s+)?|^(?:entwerfen sie|concevez|diseña)\s+"
    # "Wie würden Sie ein System entwerfen, das ..." -> "ein System, das ...": the verb goes, the object stays.
    r"|^wie (?:würden|könnten|sollten|würdest) (?:sie|du) (?=.+? (?:entwerfen|entwickeln|bauen|aufbauen|gestalten|"
    r"konzipieren|skalieren)\b)|\s(?:entwerfen|entwickeln|aufbauen|bauen|gestalten|konzipieren|skalieren)(?=\s*[,?.!]|$)"
    r"|^comment (?:concevriez|construiriez|architectureriez|conceviez)-vous\s+"
    r"|^cómo (?:diseñarías|construirías|diseñaría|construiría|escalarías)\s+",
    re.IGNORECASE,
)
_HOW_WORKS = re.compile(
    r"^how (?:does|do) (.+?) work(?: under the hood| in practice| internally)?$|^wie funktionier(?:t|en) ([^,;]+)"
    r"|^comment fonctionne(?:nt)? ([^,;]+)"
    r"|^¿?\s*cómo funciona(?:n)? ([^,;]+)",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(
    r"^(?:do|does|did|is|are|was|were|can|could|would|will|have|has|what|how|why|when|where|which|who)\b",
    re.IGNORECASE,
)
_TAIL_STOPWORDS = frozenset((
    "and", "or", "but", "the", "a", "an", "of", "to", "for", "with", "in", "on", "at", "by", "from", "as", "that",
    "which", "your", "our", "my", "very", "really", "more", "most", "too", "such", "so", "into", "onto", "about",
    "over", "through", "than",
))  # fmt: skip


def _question_sentence(question: str) -> str:
    """The sentence (or, in a long one, the clause) that carries the question."""
    parts = sentences(question.strip()) or [question.strip()]
    asking = [s for s in parts if "?" in s]
    sentence = (asking or parts)[-1]
    if len(sentence.split()) > 12:
        clauses = [c.strip() for c in re.split(r"[,;:–—]\s+|\s+-\s+", sentence) if c.strip()]
        # The last clause that starts like a question and says something ("when would you not use it" does
        # not: every word of it is a stopword).
        cued = [c for c in clauses if _QUESTION_START.match(_FILLERS.sub("", c)) and terms(c)]
        sentence = (cued or clauses or [sentence])[-1]
    return sentence


def topic(question: str, *, design: bool = False, words: int = 8) -> str:
    """The short phrase a question is about, at most `words` words: fillers, lead-ins and the question mark
    removed ("ok design a rate limiter for our API" -> "a rate limiter for our API" with `design`)."""
    text = _question_sentence(question)
    for _ in range(3):
        before = text
        text = _FILLERS.sub("", text.strip(" ¿¡"))
        text = _LEAD_INS.sub("", text)
        if design:
            text = _DESIGN_VERBS.sub("", text)
        if text == before:
            break
    text = _TRAILING.sub("", text)
    how = _HOW_WORKS.match(text)
    if how:
        text = next(g for g in how.groups() if g)
    # "How do you keep queries fast" -> "how you keep queries fast": a clause that reads inside a sentence.
    text = re.sub(
        r"^((?:what|which)(?:\s+[a-z]+){0,3}?|how|why|when|where)\s+(do|did|are|would|can|could|should|will)\s+you\s+"
        r"([a-z]+\b)?",
        _clause,
        text,
        flags=re.IGNORECASE,
    )
    text = _embedded(text)
    if re.match(r"^(?:how|what|why|when|where|which|who|whether)\b", text, re.IGNORECASE) or _WH_OTHER.match(text) \
            or _COMMON_FIRST.match(text):
        text = text[:1].lower() + text[1:]
    return _clip(text, words)


# English words that are capitalised only for opening the sentence: inside the answer's sentence they are not.
_COMMON_FIRST = re.compile(
    r"(?:anything|something|everything|any|some|is|are|was|were|do|does|did|have|has|can|could|would|will|should|"
    r"the|a|an|this|that|these|those|your|our|so|and|but|or|if)(?=\s)", re.IGNORECASE)


# Wh-words of German, French and Spanish: a topic phrase opening with one reads inside a sentence in lowercase
# (not "was": "Was it hard ..." is English; a German "was" question is lowercased by _embedded).
_WH_OTHER = re.compile(
    r"^(?:wie|warum|wieso|weshalb|wann|wo|womit|wozu|welche[nrsm]?|comment|pourquoi|quand|où|quel(?:le)?s?"
    r"|cómo|qué|por qué|cuándo|dónde|cuál(?:es)?)\b",
    re.IGNORECASE,
)
# "Wie würden Sie X machen" -> "wie Sie X machen würden": a German wh-question becomes the embedded clause
# (finite verb last; a separable particle joins it: "wie gehen Sie damit um" -> "wie Sie damit umgehen").
_DE_WH_QUESTION = re.compile(
    r"^((?:wie|was|warum|wieso|weshalb|wann|wo|womit|wozu)|welche[nrsm]?\s+\w+)\s+(\w+)\s+(Sie|du)(?:\s+([^,;:]+?))?"
    r"(,\s*(?:dass|ob|wenn|damit)\b.*)?$",  # a clause after the comma stays as it is ("..., dass X")
    re.IGNORECASE,
)
_DE_PARTICLES = frozenset(("um", "an", "auf", "aus", "ein", "vor", "zu", "mit", "ab", "nach", "zurück", "vorbei",
                           "fest", "her", "hin", "los", "weg", "dar", "bei", "durch", "weiter", "sicher"))
# "Comment feriez-vous X" -> "comment vous feriez X"; "comment est-ce que vous X" -> "comment vous X".
_FR_WH_QUESTION = re.compile(
    r"^(comment|pourquoi|quand|où)\s+(?:est-ce qu(?:e\s+|['’])(?=(?:vous|tu|il|elle|on)\b)|(\w+)-(vous|tu)\b)",
    re.IGNORECASE,
)


def _embedded(text: str) -> str:
    """A German or French wh-question in the word order of the clause it asks about, as the English
    "how would you X" -> "how you would X" (Spanish keeps its order: "cómo harías X" reads as it is)."""
    de = _DE_WH_QUESTION.match(text)
    if de is not None:
        wh, verb, subject, rest, tail = de.groups()
        rest, tail = rest or "", tail or ""
        words = rest.split()
        if not words and not tail:
            return text  # "wie meinen Sie": nothing to reorder
        if len(words) > 1 and words[-1].lower() in _DE_PARTICLES:
            return f"{wh.lower()} {subject} {' '.join(words[:-1])} {words[-1].lower()}{verb.lower()}{tail}"
        if len(words) == 1 and tail and words[0].lower() in _DE_PARTICLES:  # "wie stellen Sie sicher, dass"
            return f"{wh.lower()} {subject} {words[0].lower()}{verb.lower()}{tail}"
        return " ".join(x for x in (wh.lower(), subject, rest, verb) if x) + tail  # "was Sie machen, wenn"
    fr = _FR_WH_QUESTION.match(text)
    if fr is not None:
        wh, verb, subject = fr.groups()
        head = f"{wh.lower()} {subject.lower()} {verb}" if verb else wh.lower()
        return f"{head} {text[fr.end():].lstrip()}".strip()
    return text


def _clause(match: re.Match[str]) -> str:
    """ "how would you X" -> "how you would X", "how do you X" -> "how you X", "what did you do" -> "what you
    did", "why did you choose X" -> "why you chose X"; a bare "how did you" stays a question."""
    wh, aux, verb = match.group(1).lower(), match.group(2).lower(), match.group(3) or ""
    if aux == "did":
        return f"{wh} you {_past(verb)}" if verb else match.group(0)
    if aux == "do":
        return f"{wh} you {verb}"
    return f"{wh} you {aux} {verb}"


_TAIL_ALWAYS = frozenset(("and", "or", "but", "the", "a", "an", "so"))
_PREPOSITIONS = frozenset(["for", "to", "in", "on", "at", "with", "from", "by", "of", "into", "about", "over", "under",
                           "without", "between", "across"])
_CLAUSE_START = frozenset(
    ["that", "which", "who", "whom", "where", "when", "because", "while", "whose", "if", "so"]
)


def _clip(text: str, words: int) -> str:
    """The first `words` words of `text`, not ending on a bare "and" or "the"; a phrase too long is cut before
    its last relative clause ("a service that depends on ..." -> "a service") rather than mid-clause."""
    split = text.split()
    kept = split[:words]
    tail = _TAIL_ALWAYS  # a stranded preposition ends a whole question ("what you are passionate about")
    if len(split) > words:
        tail = _TAIL_STOPWORDS  # ... but not a cut one ("a rate limiter for")
        starts = [i for i, w in enumerate(kept) if i >= 3 and w.lower() in _CLAUSE_START]
        if starts:
            kept = kept[: starts[-1]]
        else:
            # "what monitoring you set up for a new | service": not into a phrase the cut would leave open
            cut = [i for i, w in enumerate(kept) if i >= 3 and i >= len(kept) - 3 and w.lower() in _PREPOSITIONS]
            if cut:
                kept = kept[: cut[-1]]
                tail = _TAIL_ALWAYS  # "what you are looking for | in your next role": "for" ends the clause
    while len(kept) > 1 and kept[-1].lower().strip(",;:") in tail:
        kept.pop()
    return " ".join(kept).strip(" ,;:")


_QUOTES = {"en": ('"', '"'), "de": ("„", "“"), "fr": ("« ", " »"), "es": ("«", "»")}
_STILL_A_QUESTION = re.compile(
    r"^(?:how|what|why|when|where|which|who|wie|was|warum|comment|pourquoi|quel|cómo|qué|por qué)\s+"
    r"(?:does|do|did|is|are|was|were|can|could|should|will|has|have|funktioniert|ist|sind|est|fonctionne|es|son)\b",
    re.IGNORECASE,
)


def _quote(text: str, ph: Phrases) -> str:
    """The topic phrase as it goes into a sentence; quoted when it is still a question ("how does X ...")."""
    if not text:
        return ph.topic_fallback
    if _STILL_A_QUESTION.match(text):
        left, right = _QUOTES.get(ph.code, _QUOTES["en"])
        return f"{left}{text}{right}"
    return text


def _second_person(phrase: str) -> str:
    """A yes/no question as the clause it asks about: "have you used Terraform" -> "you have used Terraform";
    the clipped "ever used GraphQL" -> "you have ever used GraphQL", "familiar with Go" -> "you are ..."."""
    clipped = re.match(r"^(ever|familiar|comfortable)\s+(.*)$", phrase, re.IGNORECASE)
    if clipped is not None:
        verb = "have" if clipped.group(1).lower() == "ever" else "are"
        return f"you {verb} {clipped.group(1).lower()} {clipped.group(2)}"
    match = re.match(r"^(have|has|do|did|are|were|can|could|would|will)\s+you\s+(.*)$", phrase, re.IGNORECASE)
    if match is None:
        # "Is this role a step up for you" -> "this role is a step up for you": the subject, then the verb
        other = re.match(r"^(is|are|was|were|does|do|did|has|have|can|could|will|would|should)\s+"
                         r"((?:this|that|the|your|our|their|it|there|they|he|she)\b(?:\s+(?!a\b|an\b)\w+)?)\s+(.*)$",
                         phrase, re.IGNORECASE)
        if other is None or other.group(1).lower() in ("do", "does", "did"):
            return phrase
        subject = other.group(2)
        if subject.split()[0].lower() in ("it", "there", "they", "he", "she"):
            subject, rest = subject.split()[0], " ".join(subject.split()[1:] + [other.group(3)])
        else:
            rest = other.group(3)
        return f"{subject[:1].lower()}{subject[1:]} {other.group(1).lower()} {rest}"
    verb = match.group(1).lower()
    rest = match.group(2)
    if verb == "did":  # "did you consider a queue" -> "you considered a queue"
        head, _, tail = rest.strip().partition(" ")
        return f"you {_past(head)} {tail}".rstrip() if head else "you did"
    return f"you {rest}" if verb == "do" else f"you {verb} {rest}"


def _past(verb: str) -> str:
    """The simple past of a verb a "did you ...?" question puts to the candidate ("choose" -> "chose")."""
    low = verb.lower()
    if not low:
        return verb
    if low in _PAST_OF:
        return _PAST_OF[low]
    if low.endswith("e"):
        return verb + "d"
    if low.endswith("y") and len(low) > 2 and low[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


# Pasts a "did you ...?" question needs: retrieval's irregular verbs, and those it leaves out of stemming
# (a past equal to the base, "found", which is also "to found") or that the rules below would misspell.
_PAST_OF = PAST_OF | {
    "get": "got", "have": "had", "do": "did", "go": "went", "find": "found", "see": "saw", "pay": "paid",
    "ship": "shipped", "stop": "stopped", "plan": "planned", "hit": "hit", "set": "set", "put": "put",
    "cut": "cut", "split": "split"}


def _matches(patterns: str, text: str) -> bool:
    return re.search(patterns, text, re.IGNORECASE) is not None


# --- turning resume bullets into spoken sentences ---------------------------------------------------------

# Pasts that open a resume bullet without "-ed": the irregular ones retrieval stems to their base verb, and
# those that retrieval leaves alone (the same as the base, or "found", which is also "to found").
_IRREGULAR_PAST = frozenset(IRREGULAR_EN) | {"set", "cut", "put", "found"}
_RESULT_SPLIT = re.compile(
    r",?\s+(?:which\s+|thereby\s+)?(cutting|reducing|improving|increasing|saving|lowering|raising|boosting|"
    r"growing|bringing|doubling|halving|speeding up|resulting in|leading to|enabling|allowing)\b\s*",
    re.IGNORECASE,
)
# A gerund after these says how the work was done ("by cutting scope"), not its result.
_MEANS_BEFORE = frozenset({"by", "while", "without", "through", "after", "before", "from", "via"})
_GERUND_TO_PAST = {
    "cutting": "cut", "reducing": "reduced", "improving": "improved", "increasing": "increased",
    "saving": "saved", "lowering": "lowered", "raising": "raised", "boosting": "boosted", "growing": "grew",
    "bringing": "brought", "doubling": "doubled", "halving": "halved", "speeding up": "sped up",
    "resulting in": "resulted in", "leading to": "led to", "enabling": "enabled", "allowing": "allowed",
}  # fmt: skip
_FIGURE = re.compile(
    r"[$€£]?\d[\d,.]*\s?(?:%|k\b|m\b|x\b|ms\b|million|billion|percent|hours|days|weeks|engineers|people|"
    r"customers|users|clients|requests per second)?(?:\s+(?:per|a)\s+(?:year|month|week|day))?"
)


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".;")
    return text[:1].upper() + text[1:] + "." if text else ""


def first_person(bullet: str) -> str:
    """A resume bullet as something the candidate says: "Led X" -> "I led X"."""
    text = bullet.strip().rstrip(".;")
    first = text.split(" ", 1)[0].lower()
    if first.endswith("ed") or first in _IRREGULAR_PAST:
        return "I " + text[:1].lower() + text[1:]
    if first in {"responsible", "involved", "part"}:
        return "I was " + text[:1].lower() + text[1:]
    return text


def _said(bullet: str, ph: Phrases) -> str:
    """A resume bullet as the candidate says it: first person in English, as written in other languages."""
    if ph.code == "en":
        return first_person(bullet)
    text = bullet.strip().rstrip(".;")
    return text[:1].upper() + text[1:]


def _action_and_result(bullet: str, ph: Phrases) -> tuple[str, str | None]:
    match = _RESULT_SPLIT.search(bullet)
    before = bullet[: match.start()].split() if match is not None else []
    if before and before[-1].lower() in _MEANS_BEFORE:
        match = None  # "... under a deadline by cutting scope": how it was done, not what it achieved
    if match is None or match.start() < 12:
        # "Mentored 4 engineers; two were promoted" states the result in its second clause.
        head, sep, tail = bullet.partition("; ")
        if sep and len(head) >= 12 and tail:
            # "...; wrote the runbook now used by 6 teams" is the candidate's act too: "I wrote ...".
            return _said(head, ph), first_person(tail) if ph.code == "en" else tail
        return _said(bullet, ph), None
    if ph.code != "en":
        # The result clause as written ("cutting p99 latency ..."): its grammar is the resume's own.
        return _said(bullet[: match.start()], ph), bullet[match.start(1) :].strip()
    verb = _GERUND_TO_PAST[match.group(1).lower()]
    return first_person(bullet[: match.start()]), f"That {verb} {bullet[match.end() :].strip().rstrip('.')}"


def figures(text: str) -> list[str]:
    """The quantities in `text` ("$180k per year", "35%", "12,000 requests per second")."""
    found = (m.group(0).strip(" ,.") for m in _FIGURE.finditer(text))
    # Bare years are dates, not results.
    return [f for f in found if re.search(r"\d", f) and not re.fullmatch(r"(?:19|20)\d{2}", f)]


def _has_figure(text: str) -> bool:
    return bool(figures(text))


# A figure that measures an outcome, not a size: a share, money, a change "from 6 hours to 20 minutes", "3x".
_OUTCOME = re.compile(
    r"\d\s?%|[$€£]\s?\d|\d\s?(?:k|m)?\s?(?:€|\$|£|eur|usd)|\b\d+(?:\.\d+)?x\b|"
    r"\b(?:from|von|de|desde)\s+[$€£]?\d[^;]{0,40}?\b(?:to|auf|bis|à|a|hasta)\s+[$€£]?\d",
    re.IGNORECASE,
)


def _impact(text: str) -> int:
    """2 for a measured outcome ("cutting settlement time from 6 hours to 20 minutes", "$250k a year", "38%"),
    1 for any other figure ("mentored 5 engineers"), 0 for none: what makes a line worth leading with."""
    if not _has_figure(text):
        return 0
    return 2 if _OUTCOME.search(text) else 1


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _words(text: str) -> int:
    return len(text.split())


# --- choosing material ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of the resume an answer can quote: a bullet, a summary sentence, a project, a degree.

    `entry` is the index of its job in `profile.experience` (None outside experience); `header` marks the
    title line that stands in for a job the resume gives no bullet lines for.
    """

    ref: str
    text: str
    entry: int | None = None
    header: bool = False


def resume_lines(profile: ResumeProfile) -> list[_Line]:
    """Every quotable line of `profile`, most recent job first, each with the ref of its resume section."""
    lines: list[_Line] = []
    for i, entry in enumerate(profile.experience):
        ref = f"resume:experience:{i}"
        bullets = [b for b in entry.bullets if b.strip()]
        lines.extend(_Line(ref, b.strip(), i) for b in bullets)
        if not bullets and (entry.role or entry.employer):
            lines.append(_Line(ref, entry_title(entry), i, header=True))
    lines.extend(
        _Line(f"resume:projects:{i}", p.strip()) for i, p in enumerate(profile.projects) if p.strip()
    )
    lines.extend(_Line("resume:education", e.strip()) for e in profile.education if e.strip())
    for i, (_, text) in enumerate(profile.other):
        lines.extend(
            _Line(f"resume:other:{i}", t.strip(" -•*")) for t in text.splitlines() if t.strip(" -•*")
        )
    lines.extend(_Line("resume:summary", s) for s in sentences(profile.summary))
    return lines


def _query(request: AnswerRequest) -> str:
    """What retrieval should look for: the question and its parts without fillers, and for a follow-up the
    earlier question and answer it leans on."""
    text = " ".join(dict.fromkeys((request.question, *request.parts)))
    text = " ".join(_FILLERS.sub("", s) for s in sentences(text)) or text
    if request.kind == "follow_up":
        earlier_q, earlier_a = _earlier(request)
        text = f"{text} {earlier_q} {earlier_a}"
    return text


# Interview concepts the resume words differently from the question ("disagreed with a colleague" against
# "pushed back on a VP's plan", "saved money" against "reduced AWS spend"): a question word (English, German,
# French, Spanish word starts) adds the words resumes use for the same thing to the retrieval query. The
# retrieval stays lexical and ranked by BM25; this only widens what it looks for.
_CONCEPTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("conflict", "disagree", "argu", "push back", "pushed back", "pushback", "colleague", "teammate",
      "coworker", "co-worker", "unsafe", "unethical", "konflikt", "uneinig", "kolleg", "streit", "conflit",
      "désaccord", "collègue", "conflicto", "desacuerdo", "compañer"),
     "conflict disagreed disagreement pushed back agreed colleagues"),
    (("deadline", "tight", "urgent", "pressure", "prioriti", "frist", "zeitdruck", "termindruck", "délai",
      "échéance", "urgen", "plazo"),
     "deadline shipped scope urgent"),
    (("mistake", "failure", "fail", "error", "bug", "outage", "incident", "went down", "broke", "fehler",
      "ausfall", "ausgefallen", "störung", "absturz", "abgestürzt", "erreur", "panne", "échec", "incident",
      "fallo", "caída", "incidente", "error"),
     "mistake error bug outage incident failure rollback fixed"),
    (("mentor", "coach", "teach", "taught", "grow", "junior", "onboard", "betreu", "einarbeit", "encadr",
      "enseign", "enseñ"),
     "mentored coached taught teaching labs students promoted onboarding"),
    (("cost", "money", "saved", "saving", "budget", "spend", "expens", "kosten", "geld", "gespart", "coût",
      "argent", "économ", "coste", "dinero", "ahorr"),
     "cost costs saving saved spend reduced budget money"),
    (("faster", "speed", "slow", "latency", "performance", "optimiz", "optimise", "optimising", "optimisation",
      "quick", "schneller", "leistung", "latenz", "langsam", "rapide", "lent", "latence", "rápido", "lento",
      "latencia", "rendimiento"),
     "latency faster performance caching speed"),
    (("study", "studied", "degree", "university", "education", "school", "college", "studium", "studiert",
      "études", "diplôme", "estudi"),
     "education degree university certificate certification course"),
    (("sql", "query", "queries", "database", "datenbank", "base de données", "base de datos"),
     "sql postgresql database queries"),
    (("duplicate", "twice", "idempoten", "exactly once", "doppelt", "duplikat", "zweimal", "doublon",
      "deux fois", "duplicad", "dos veces"),
     "idempotency idempotent duplicate duplicates exactly-once deduplication"),
)  # fmt: skip
# What says a concept in a resume line when no single word does (index-aligned with _CONCEPTS; None: the
# words above suffice). A deadline is a time span ("in two weeks", "within 36 hours"), which the words "weeks"
# or "hours" alone would also find in "saving 6 hours a week". A line that shows a concept the question asks
# about ranks as if it shared a term with the question.
_SPAN = (r"(?:(?:just|only|under|less than|about|von|knapp|moins de|menos de|a|an|one|two|three|four|five|six|"
         r"eight|ten|twelve|ein|eine|einem|einer|zwei|drei|vier|fünf|sechs|acht|zehn|zwölf|un|une|deux|trois|"
         r"quatre|cinq|six|huit|dix|douze|una|dos|tres|cuatro|cinco|seis|ocho|diez|doce|few|couple of|\d+)\s+){1,3}")
_CONCEPT_EVIDENCE: tuple[re.Pattern[str] | None, ...] = (
    re.compile(r"\b(?:conflicts?|disagree\w*|push(?:ed)? back|convinced|persuaded|compromise|konflikt\w*|"
               r"meinungsverschiedenheit\w*|conflit\w*|désaccord\w*|conflicto\w*|desacuerdo\w*)", re.IGNORECASE),
    re.compile(r"\b(?:deadlines?|on time|ahead of schedule|(?:in|within|under)\s+" + _SPAN
               + r"(?:hours?|days?|weeks?|months?)|(?:in|innerhalb)\s+" + _SPAN + r"(?:stunden|tagen?|wochen?|monaten?)|"
               r"frist\w*|termingerecht|(?:en|sous)\s+" + _SPAN + r"(?:heures?|jours?|semaines?|mois)|"
               r"(?:en|dentro de)\s+" + _SPAN + r"(?:horas?|días?|semanas?|meses?)|plazo)\b", re.IGNORECASE),
    None, None, None, None, None, None, None,
)
_EVIDENCE_BONUS = 2.0  # about what one shared, uncommon term scores (BM25 over a resume's lines)
# The same concepts in the words resumes in German, French and Spanish use (index-aligned with _CONCEPTS):
# a German question must find the German-worded line, so the expansion is in the session language too.
_CONCEPT_WORDS: dict[str, tuple[str, ...]] = {
    "de": (
        "Konflikt Meinungsverschiedenheit Kollegen geeinigt",
        "Frist termingerecht geliefert",
        "Fehler Ausfall Ausfälle Störung Vorfall behoben Rollback",
        "betreut Mentor Einarbeitung geschult",
        "Kosten gesenkt Einsparung eingespart Budget",
        "Latenz schneller Leistung Performance Caching",
        "Studium Abschluss Universität Zertifikat Zertifizierung",
        "Datenbank Abfragen PostgreSQL SQL",
        "idempotent idempotente doppelte Duplikate Deduplizierung",
    ),
    "fr": (
        "conflit désaccord collègues accord",
        "délai livré urgence",
        "erreur panne incident bug échec corrigé",
        "encadré formé mentorat intégration",
        "coûts réduit économies budget",
        "latence rapide performance cache",
        "études diplôme université certificat certification",
        "base de données requêtes PostgreSQL SQL",
        "idempotence idempotent doublons dédoublonnage",
    ),
    "es": (
        "conflicto desacuerdo compañeros acuerdo",
        "plazo entregado urgente",
        "error fallo caída incidente corregido",
        "mentor mentoría formación incorporación",
        "costes costos reducido ahorro presupuesto",
        "latencia rápido rendimiento caché",
        "estudios título universidad certificado certificación",
        "base de datos consultas PostgreSQL SQL",
        "idempotencia idempotente duplicados deduplicación",
    ),
}


# Words that frame an interview question rather than say its topic ("how would you handle it").
_FRAMING = re.compile(
    r"\b(?:handl(?:e|ed|es|ing)|approach(?:es)?|deal(?:t)? with|situations?|examples?|imagine|suppose|"
    r"scenario|first day|walk (?:me|us) through|your (?:role|part) in|(?:most )?recent)\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)
def _term_set(text: str, language: str) -> frozenset[str]:
    """`terms(text, language)` as a set, cached: the same resume lines are checked for every question."""
    return frozenset(terms(text, language))


def _names(question: str) -> list[str]:
    """Words the question capitalises inside a sentence, and acronyms anywhere: names of things."""
    found = []
    for sentence in sentences(question):
        words = sentence.split()
        for position, word in enumerate(words):
            bare = word.strip("\"'“”‘’()[]¿¡?!.,;:")
            if len(bare) >= 2 and (bare.isupper() or (position and bare[:1].isupper())):
                found.append(bare)
    return found


def _concepts_named(query: str) -> list[int]:
    """Indexes into _CONCEPTS of the concepts `query` names."""
    lowered = query.lower()
    return [n for n, (keys, _) in enumerate(_CONCEPTS) if _has_key(keys, lowered)]


def _concept_words(named: list[int], language: str = "en") -> str:
    """The words resumes use for the concepts `named`: English (resumes mix in English terms), and in the
    session language when it is German, French or Spanish."""
    local = _CONCEPT_WORDS.get(base_language(language), ())
    return " ".join(f"{_CONCEPTS[n][1]} {local[n]}" if local else _CONCEPTS[n][1] for n in named)


def _ranked_lines(request: AnswerRequest, query: str | None = None) -> list[_Line]:
    """The resume lines sharing terms with the question, closest first (BM25 over single lines, each titled
    with its employer so that "your time at Ledgerly" finds Ledgerly's lines). Summary sentences come after
    the concrete lines: they say everything a little and nothing on exactly the topic."""
    profile = request.resume
    if profile is None:
        return []
    lines = resume_lines(profile)
    passages = []
    for n, line in enumerate(lines):
        employer = profile.experience[line.entry].employer if line.entry is not None else ""
        passages.append(Passage("resume", str(n), employer, line.text))
    query = _FRAMING.sub(" ", query if query is not None else _query(request))
    named = _concepts_named(query)
    concepts = _concept_words(named, request.language)
    # On topic: a line sharing two of the question's words (one if it has only one), a name the question
    # capitalises ("Redis", "Kafka", "SQL"), or a concept word. One shared common word of many is chance
    # ("rate" in "rate limiter" and in "pass rate").
    # Terms in the session language, as the prompt's retrieval does (mentor.ai.prompt.select_passages).
    language = request.language
    asked = {t for t in terms(query, language) if len(t) > 1}
    # German compounds: "Zahlungsverarbeitung" asks about the resume's "Verarbeitung jeder Zahlung" too.
    vocabulary = {t for p in passages for t in _term_set(f"{p.title} {p.text}", language)}
    asked = set(compound_parts(sorted(asked), vocabulary, language))
    names = {t for t in terms(" ".join(_names(request.question)), language) if len(t) > 1}
    related = set(terms(concepts, language))
    need = min(2, len(asked))
    evidence = [p for n in named if (p := _CONCEPT_EVIDENCE[n]) is not None]
    scored = []
    for passage in rank(f"{query} {concepts}", passages, language=language, min_score=-1.0):
        words = _term_set(f"{passage.title} {passage.text}", language)
        shown = sum(1 for pattern in evidence if pattern.search(passage.text))
        if len(words & asked) >= need or words & (names | related) or shown:
            scored.append((passage.score + _EVIDENCE_BONUS * shown, lines[int(passage.ref)]))
    scored.sort(key=lambda pair: -pair[0])  # stable: ties keep BM25's order
    return sorted((line for _, line in scored), key=lambda line: line.ref == "resume:summary")


def _evidence(request: AnswerRequest, ranked: list[_Line]) -> _Line | None:
    """The line to build a story on: the closest experience bullet, else the closest project or education
    line; with none on topic, the first job bullet with a measurable result."""
    concrete = [line for line in ranked if not line.header and line.ref != "resume:summary"]
    if concrete:
        return concrete[0]
    profile = request.resume
    if profile is None:
        return None
    everything = [line for line in resume_lines(profile) if not line.header and line.ref != "resume:summary"]
    jobs = [line for line in everything if line.entry is not None]
    if jobs:
        return max(jobs, key=lambda line: _impact(line.text))  # the first of the strongest
    return everything[0] if everything else None


def _earlier(request: AnswerRequest) -> tuple[str, str]:
    """(earlier question, what the candidate answered): the candidate's own words before the current question
    when the conversation has them, else Mentor's suggested answer to the previous question."""
    question, answer = request.history[-1] if request.history else ("", "")
    turns = [(role, text.strip()) for role, text in request.conversation if text.strip()]
    # The current question is the interviewer's last turn that holds it; what the candidate is saying after
    # it is the start of the new answer, not the one being followed up.
    asking = [
        i
        for i, (role, text) in enumerate(turns)
        if role == "interviewer"
        and request.question.strip()
        and (request.question.strip() in text or text in request.question)
    ]
    end = asking[-1] if asking else len(turns)
    said = [text for role, text in turns[:end] if role == "candidate"]
    if said:
        answer = " ".join(said[-2:]) if len(said[-1].split()) < 8 else said[-1]
        asked = [text for role, text in turns[:end] if role == "interviewer"]
        question = question or (asked[-1] if asked else "")
    return question, answer


def _matching_skills(request: AnswerRequest, profile: ResumeProfile, limit: int = 5) -> list[str]:
    """Skills named in the question or job description, else the first ones listed."""
    wanted = " ".join(filter(None, (_query(request), request.job_description or "")))
    wanted_terms = set(terms(wanted, request.language))
    matched = [s for s in profile.skills if set(terms(s, request.language)) & wanted_terms]
    rest = [s for s in profile.skills if s not in matched]
    return (matched + rest)[:limit]


def _asked_skills(request: AnswerRequest, profile: ResumeProfile) -> list[str]:
    """The skills the question itself names."""
    return [s for s in profile.skills if overlap(_query(request), s, request.language)]


def _phrases(request: AnswerRequest) -> Phrases:
    """The phrasebook of the session language; English when the language has none."""
    return phrasebook(request.language) or ENGLISH


def _target(request: AnswerRequest, ph: Phrases) -> str:
    return ph.target(request.role, request.company)


def _no_resume(draft: _Draft, ph: Phrases) -> None:
    draft.add(ph.no_resume)


def _employer_of(line: _Line, request: AnswerRequest) -> str:
    if line.entry is None or request.resume is None:
        return ""
    return request.resume.experience[line.entry].employer


def _line_title(line: _Line, request: AnswerRequest, ph: Phrases) -> str:
    """The heading a listed line goes under, in the answer language; the resume's own names as written."""
    section = line.ref.split(":")
    if line.entry is not None and request.resume is not None:
        entry = request.resume.experience[line.entry]
        title = (
            ph.job_title.format(role=entry.role, employer=entry.employer)
            if entry.role and entry.employer
            else entry.role or entry.employer
        )
        return f"{title} ({entry.dates})" if entry.dates and not line.header else title
    name = {"summary": "summary", "skills": "skills", "projects": "project", "education": "education"}
    if len(section) >= 2 and section[1] in name:
        return ph.titles[name[section[1]]]
    if len(section) >= 3 and section[1] == "other" and request.resume is not None:
        index = int(section[2]) if section[2].isdigit() else -1
        if 0 <= index < len(request.resume.other):
            return request.resume.other[index][0]
    return ph.titles["summary"]


def _list_lines(
    request: AnswerRequest, draft: _Draft, ph: Phrases, lines: list[_Line], limit: int = 3
) -> None:
    """The candidate's closest resume lines as points under their headings."""
    for line in lines[:limit]:
        text = ph.entry_no_details if line.header else _sentence(_said(line.text, ph))
        draft.add(ph.point.format(title=_line_title(line, request, ph), sentence=text), line.ref)


# --- composers, one per question kind ---------------------------------------------------------------------

# Spoken length cap of a STAR story (issue 17: ~120-180 spoken words).
STAR_MAX_WORDS = 170


# Stories of something that went wrong: only a resume line about one can tell them.
_SETBACK = (
    r"\bfail|mistake|went wrong|go wrong|regret|setback|screw(?:ed)? up|messed up|\bfehler|gescheitert|"
    r"misserfolg|erreur|échec|échoué|\berror|fracas|fallaste|equivocaste"
)


def _compose_behavioral(request: AnswerRequest, draft: _Draft) -> None:
    ph = _phrases(request)
    profile = request.resume
    ranked = _ranked_lines(request)
    line = _evidence(request, ranked) if profile else None
    if line is not None and line not in ranked and _matches(_SETBACK, request.question):
        line = None  # no line on a failure: the strongest success would be told as one
    if profile is None or line is None:
        draft.add(ph.star_outline)
        if profile is None:
            _no_resume(draft, ph)
        return
    action, result = _action_and_result(line.text, ph)
    numbers = figures(line.text)
    if line.entry is None:
        draft.add(ph.star_header_project, line.ref)
        draft.add(ph.star_action.format(action=_sentence(action)))
    else:
        entry = profile.experience[line.entry]
        where = ph.at_employer.format(employer=entry.employer) if entry.employer else ph.in_that_job
        since = f" ({entry.dates})" if entry.dates else ""
        draft.add(
            ph.star_header.format(role=entry.role or ph.team_member, where=where, since=since), line.ref
        )
        where = where[:1].upper() + where[1:]
        if entry.role:
            a_role = f"{_article(entry.role)} {entry.role}"
            draft.add(ph.star_situation_role.format(where=where, role=entry.role, a_role=a_role))
        else:
            draft.add(ph.star_situation_no_role.format(where=where))
        draft.add(ph.star_action.format(action=_sentence(action)))
    if result:
        draft.add(ph.star_result.format(result=_sentence(result)))
    elif numbers:
        draft.add(ph.star_result_numbers.format(numbers=ph.join(numbers)))
    # One more line from the same job for "tell me more": the next closest, else one with a number.
    same = [x for x in ranked if x.entry == line.entry and x != line and not x.header]
    if line.entry is not None:
        bullets = profile.experience[line.entry].bullets
        same += [_Line(line.ref, b, line.entry) for b in bullets if b != line.text and _has_figure(b)]
        same += [_Line(line.ref, b, line.entry) for b in bullets if b != line.text]
    if same:
        more = ph.star_more.format(more=_sentence(_said(same[0].text, ph)))
        if _words(draft.text) + _words(more) <= STAR_MAX_WORDS - 20:
            draft.add(more)
    draft.add(ph.star_close.format(target=_target(request, ph)))


def _kb_points(request: AnswerRequest, limit: int = 2) -> list[tuple[str, str, str]]:
    """(sentence, passage ref, passage title) of the knowledge-base sentences closest to the question."""
    found: list[Passage] = []
    query = _query(request)
    for passage in rank(query, request.kb_passages, limit=3, language=request.language):
        for sentence in (s for chunk in passage.text.splitlines() for s in sentences(chunk)):
            cleaned = sentence.strip(" -•*")
            if len(cleaned.split()) >= 4:
                # Titled "" so that a title matching the question does not drag in every sentence under it.
                found.append(Passage("kb", passage.ref, "", cleaned))
    titles = {p.ref: p.title for p in request.kb_passages}
    return [
        (p.text, p.ref, titles.get(p.ref, ""))
        for p in rank(query, found, limit=limit, language=request.language)
    ]


def _tie(request: AnswerRequest, draft: _Draft, ph: Phrases, ranked: list[_Line], template: str) -> bool:
    """The closest resume line said as the candidate's own experience; False when none is on topic."""
    line = next((x for x in ranked if not x.header), None)
    if line is None:
        return False
    draft.add(template.format(said=_said(line.text, ph)), line.ref)
    return True


# A topic phrase that asks how the candidate would do something ("how you would make retries idempotent"):
# an approach, not a concept to define.
_HOW_TOPIC = re.compile(
    r"^(?:how you|your (?:\w+ )?(?:approach|process|workflow|strategy|philosophy|setup)\b|(?:a|the) (?:good|better|best) way to\b|wie (?:Sie|du)"
    r"|comment (?:vous|tu)|cómo \w+(?:ías|as|es))\b",
    re.IGNORECASE,
)


# The question as the object of "walk through": "que se passe-t-il quand" -> "ce qui se passe quand".
_AS_OBJECT: dict[str, tuple[re.Pattern[str], str]] = {
    "fr": (re.compile(r"^(?:que se passe-t-il|qu'est-ce qui se passe)\b", re.IGNORECASE), "ce qui se passe"),
    "es": (re.compile(r"^qué (pasa|ocurre|sucede)\b", re.IGNORECASE), r"lo que \1"),
}
_WHAT_HAPPENS = (
    r"^(?:so\s+|and\s+)?what happens (?:when|if|after|during|once)\b|^was passiert,? (?:wenn|nachdem)\b|"
    r"^que se passe-t-il (?:quand|lorsque|si)\b|^qu'est-ce qui se passe (?:quand|lorsque|si)\b|"
    r"^¿?\s*qué (?:pasa|ocurre|sucede) cuando\b"
)
# "How many years of experience do you have with Kafka?", "How long have you been using Go?": their record,
# by language: the question's pattern (group 1: the skill) and the topic it becomes.
_HOW_LONG: dict[str, tuple[re.Pattern[str], str]] = {
    "en": (re.compile(
        r"^(?:how many years(?: of (?:professional )?experience)?(?: do you have)?|how much experience do you have|"
        r"how long have you (?:been )?(?:using|used|worked|working|programm\w+|coding|writing|written|run\w*))"
        r"\s+(?:with|in|on|using)?\s*(\S.*?)[\s?.!]*$", re.IGNORECASE), "your experience with {}"),
    "de": (re.compile(
        r"^(?:wie viele jahre(?: erfahrung)? haben sie|wie lange arbeiten sie(?: schon)?)\s+(?:mit|in)\s+(\S.*?)"
        r"[\s?.!]*$", re.IGNORECASE), "Ihrer Erfahrung mit {}"),
    "fr": (re.compile(
        r"^(?:combien d'années d'expérience avez-vous|depuis combien de temps (?:utilisez|travaillez)-vous)"
        r"\s+(?:avec|en|sur)?\s*(\S.*?)[\s?.!]*$", re.IGNORECASE), "votre expérience avec {}"),
    "es": (re.compile(
        r"^(?:cuántos años de experiencia tienes|cuánto tiempo llevas (?:usando|trabajando))\s+(?:con|en)?\s*"
        r"(\S.*?)[\s?.!]*$", re.IGNORECASE), "tu experiencia con {}"),
}


def _compose_technical(request: AnswerRequest, draft: _Draft) -> None:
    ph = _phrases(request)
    subject = topic(request.question)
    core = _core(request.question)
    how_long_re, their_record = _HOW_LONG.get(ph.code, _HOW_LONG["en"])
    how_long = how_long_re.match(core)
    if _matches(_WHAT_HAPPENS, core):  # "what happens when you type a URL ...": a sequence of steps
        steps = topic(request.question, words=12)  # the whole event: a German verb comes last
        if ph.code in _AS_OBJECT:
            as_object, replacement = _AS_OBJECT[ph.code]
            steps = as_object.sub(replacement, steps)
        draft.add(ph.asks["process"].format(topic=_quote(steps[:1].lower() + steps[1:], ph)))
    elif how_long:
        draft.add(ph.asks["general"].format(topic=_quote(their_record.format(how_long.group(1)), ph)))
    elif _matches(_EXPERIENCE, core):  # "have you used Kafka?": their experience, not a definition
        draft.add(_yes_no_lead(subject, ph))
    elif _matches(_OPINION, core):  # "thoughts on TypeScript?"
        draft.add(ph.asks["opinion"].format(topic=_quote(subject, ph)))
    elif _matches(_THEIR_EXPERIENCE, core):  # "what's your experience with Kafka?": their record, then the tie
        draft.add(ph.asks["general"].format(topic=_quote(subject, ph)))
    elif _matches(_CHOICE, core):  # "when would you use NoSQL over SQL?": a choice to argue, not a definition
        draft.add(ph.asks["opinion"].format(topic=_quote(topic(request.question, words=12), ph)))
    else:
        draft.add(ph.asks["approach" if _HOW_TOPIC.match(subject) else "explain"].format(topic=_quote(subject, ph)))
    for sentence, ref, title in _kb_points(request):
        draft.add(ph.kb_point.format(sentence=_sentence(sentence), title=title), ref)
    profile = request.resume
    if profile is None:
        _no_resume(draft, ph)
        return
    line = next((x for x in _ranked_lines(request) if not x.header), None)
    if line is not None:
        employer = _employer_of(line, request)
        said = _said(line.text, ph)
        tie = ph.tie.format(employer=employer, said=said) if employer else ph.tech_tie.format(said=said)
        draft.add(tie, line.ref)
    asked = _asked_skills(request, profile)
    if asked:
        draft.add(ph.skills_asked.format(skills=ph.join(asked[:3])), "resume:skills")


# The question asks for a design: a design verb, not only a design topic ("the hardest part of distributed
# systems" asks for an explanation).
_DESIGN_ASK = (
    r"\b(?:design|build|architect|scale|sketch|outline|implement|create|structure)\w*|"
    r"entw(?:e|i)rf|\bbau|skalier|architekt|conce(?:v|p)|constru|architectur|diseñ|escal|arquitect"
)


# "How would you architect it?" after "we need a notification service ...": what "it" stands for.
_PRONOUN_TOPIC = re.compile(r"(?:it|this|that|one|such a \w+|something like (?:it|this|that))", re.IGNORECASE)
_ANTECEDENT = re.compile(r"\b(?:need|want|have|has|build|run|design|is|are|own)\s+((?:an?|the|our|your)\s+[^,.;:?!]+)",
                         re.IGNORECASE)
# Words every design shares: a resume line with only these in common is not "something like it".
_GENERIC_SYSTEM = frozenset(terms(
    "system service app application platform api tool thing solution product feature backend component user users"))


_THEIR_SYSTEM = (
    r"\byour (?:current|last|previous|existing|own) (?:system|architecture|stack|platform|service|setup)|"
    r"architecture of your\b|ihre[rsm]? (?:aktuellen|bisherigen) (?:system|architektur)|"
    r"(?:votre|ton) (?:système|architecture) actuel|(?:tu|su) (?:sistema|arquitectura) actual"
)


def _design_topic(question: str) -> str:
    """The thing to design, English: the asking sentence's object, or for a pronoun the noun phrase the
    sentence before it introduced ("we need a notification service that ..." -> "a notification service")."""
    subject = topic(question, design=True)
    if not _PRONOUN_TOPIC.fullmatch(subject):
        return subject
    asking = _question_sentence(question)
    earlier = [s for s in sentences(question) if s != asking]
    found = next((m for s in reversed(earlier) if (m := _ANTECEDENT.search(s))), None)
    return _clip(found.group(1), 8) if found else subject


def _compose_system_design(request: AnswerRequest, draft: _Draft) -> None:
    ph = _phrases(request)
    if _matches(_THEIR_SYSTEM, request.question):
        # "the architecture of your current system": their own work, told from the latest job's lines
        if request.resume is not None and request.resume.experience:
            _describe_entry(request, draft, ph, 0, _ranked_lines(request))
        else:
            _compose_other(request, draft)
        return
    if not _matches(_DESIGN_ASK, request.question):
        _compose_technical(request, draft)  # a question about a design topic, not a request to design
        return
    if _matches(_OPINION, _core(request.question)):  # "any thoughts on our architecture?": a view, not a design
        draft.add(ph.asks["opinion"].format(topic=_quote(topic(request.question), ph)))
        if request.resume is not None:
            _tie(request, draft, ph, _ranked_lines(request), ph.design_tie)
        return
    subject = _design_topic(request.question) if ph.code == "en" else topic(request.question, design=True)
    draft.add(ph.design_lead.format(topic=_quote(subject, ph)))
    for step in ph.design_steps:
        draft.add(f"• {step}")
    for sentence, ref, title in _kb_points(request, limit=1):
        draft.add(ph.kb_point.format(sentence=_sentence(sentence), title=title), ref)
    if request.resume is None:
        _no_resume(draft, ph)
        return
    # "Where I have built something like it" needs a line on the thing itself, not one sharing "service".
    distinct = _term_set(subject, request.language) - _GENERIC_SYSTEM
    like_it = [x for x in _ranked_lines(request) if distinct & _term_set(x.text, request.language)]
    _tie(request, draft, ph, like_it, ph.design_tie)


# A summary sentence stating the years of experience, which the opening already says.
_YEARS_SENTENCE = re.compile(r"\d+\+?\s+(?:years|Jahren?|ans|años)\b", re.IGNORECASE)

# What a background question asks for, by its words (English, German, French, Spanish); the first match wins.
_BACKGROUND_TOPICS: tuple[tuple[str, str], ...] = (
    (
        "gap",
        (
            r"\bgaps? (?:in|on) your (?:resume|cv|career|employment|work history)|career (?:gap|break)|"
            r"time (?:off|away) (?:from work|between)|lücke im lebenslauf|lücke in ihrem lebenslauf|"
            r"trou dans (?:votre|ton) cv|(?:hueco|vacío|laguna) en (?:tu|su) (?:currículum|cv)"
        ),
    ),
    (
        "weakness",
        (
            r"weakness|\bweak\b|areas? (?:to|for|of) improvement|schwäche|faiblesse|point faible|"
            r"debilidad|punto débil"
        ),
    ),
    (
        "strength",
        (
            r"strength|strongest|hire you|choose you|pick you|(?:good|right|great) fit|bring to|set you apart|"
            r"makes you (?:different|unique|stand out)|describe you\b|would (?:your|others|colleagues|people) "
            r"(?:say|describe)|stärke|einstellen|points? forts?|\bforces?\b|embaucher|"
            r"recruter|fortaleza|punto fuerte|contratar"
        ),
    ),
    (
        "leaving",
        (
            r"leav(?:e|ing)|why (?:did|do) you (?:want to )?(?:change|switch|quit)|verlassen|wechseln|"
            r"quitt|partez|dejar|te vas|cambiar de trabajo"
        ),
    ),
    (
        "motivation",
        (
            r"why (?:do|would) you want|why (?:are you )?interested|why (?:this|our|the) "
            r"(?:company|role|job|team|position)|why us\b|why here\b|attract|made you (?:apply|want|choose)|"
            r"why did you apply|drew you|drawn to|brings you to|brought you to|warum (?:möchten|wollen) "
            r"sie|warum (?:wir|uns)|reizt|pourquoi (?:voulez|souhaitez|nous|ce poste)|vous attire|"
            r"por qué (?:quieres|te interesa|nosotros|este puesto)|te atrae"
        ),
    ),
    (
        "workstyle",
        (
            r"ideal (?:manager|boss|team|job|role|company|workplace|work environment)|(?:kind|type) of "
            r"(?:culture|team|environment|manager|boss)|\bthrive\b|work best|most productive|work environment|"
            r"ideale[nrs]? (?:chef|führungskraft|vorgesetzten|team|arbeitsumfeld)|arbeitsumfeld|am besten arbeiten|"
            r"arbeiten sie am besten|environnement de travail|travaillez le mieux|(?:manager|équipe) idéal|"
            r"(?:jefe|equipo) ideal|ambiente de trabajo|entorno de trabajo|trabajas mejor"
        ),
    ),
    (
        "years",
        (
            r"how many years|years of (?:professional |work )?experience|wie viele jahre|wie lange arbeiten sie|"
            r"jahren? (?:berufs)?erfahrung|combien d'ann[ée]es|ann[ée]es d'exp[ée]rience|cu[áa]ntos años|"
            r"años de experiencia"
        ),
    ),
    (
        "goals",
        (
            r"(?:five|5|ten|10) years|see yourself|long[- ]term|career goals?|goals?\b.*career|"
            r"in (?:fünf|zehn|5) jahren|dans (?:cinq|dix|5) ans|en (?:cinco|diez|5) años"
        ),
    ),
)
_EDUCATION = (
    r"\bstud(?:y|ied)|degree|university|\beducation|college|graduat|studium|studiert|ausbildung|"
    r"études|diplôme|formation|estudi|carrera|formación"
)
_PITCH = (
    r"(?:about|introduce|describe|present) yourself|about you\b|your background|walk (?:me|us) through your|"
    r"your (?:resume|cv|career)|"
    r"über sich|über ihren werdegang|présentez-vous|parlez-moi de vous|votre parcours|háblame de ti|"
    r"preséntate|sobre ti|tu trayectoria"
)


_LATEST = (
    r"\b(?:most recent|latest|current|last) (?:project|job|role|position|company|employer)\b|"
    r"\b(?:aktuell\w*|letzt\w*) (?:projekt|stelle|job|rolle)|(?:dernier|actuel) (?:projet|poste)|"
    r"(?:último|actual) (?:proyecto|puesto|trabajo)"
)


def _named_entry(request: AnswerRequest, profile: ResumeProfile) -> int | None:
    """The job whose employer the question names ("your time at Brightnet")."""
    asked = set(terms(request.question, request.language))
    generic = {"group", "gmbh", "inc", "ltd", "llc", "corp", "company", "sa", "ag", "se", "university"}
    for i, entry in enumerate(profile.experience):
        if (set(terms(entry.employer, request.language)) - generic) & asked:
            return i
    return None


def _compose_background(request: AnswerRequest, draft: _Draft) -> None:
    ph = _phrases(request)
    profile = request.resume
    question = request.question
    subject = next((name for name, pattern in _BACKGROUND_TOPICS if _matches(pattern, question)), None)
    if subject in ("weakness", "gap"):  # steps to say it honestly, whatever the resume holds
        for number, step in enumerate(ph.weakness if subject == "weakness" else ph.gap, 1):
            draft.add(f"{number}. {step.format(target=_target(request, ph))}")
        return
    if profile is None:
        draft.add(ph.pitch_outline.format(target=_target(request, ph)))
        _no_resume(draft, ph)
        return
    ranked = _ranked_lines(request)
    evidence = _evidence(request, ranked)
    said = _said(evidence.text, ph) if evidence else ""
    refs = (evidence.ref,) if evidence else ()
    target = _target(request, ph)
    if subject == "strength":
        # The skills the evidence line shows first, so that the sentence and its proof agree.
        shown = [k for k in profile.skills if evidence and overlap(k, evidence.text, request.language)]
        chosen = list(dict.fromkeys((*shown, *_matching_skills(request, profile, limit=2))))[:2]
        skills = ph.join(chosen) if chosen else ""
        if skills and said:
            draft.add(ph.strength.format(skills=skills, said=said), *refs, "resume:skills")
        elif skills:
            draft.add(ph.strength_no_line.format(skills=skills), "resume:skills")
        else:
            draft.add(
                ph.strength.format(skills=ph.topic_fallback, said=said) if said else ph.intro_none, *refs
            )
        return
    if subject == "leaving":
        draft.add(ph.leaving.format(target=target))
        if said:
            draft.add(ph.tech_tie.format(said=said), *refs)
        return
    if subject == "motivation":
        if said:
            draft.add(ph.motivation.format(target=target, said=said), *refs)
        else:
            draft.add(ph.motivation_no_line.format(target=target, years=_years(ph, profile)))
        return
    if subject == "goals":
        draft.add(
            ph.goals.format(target=target, said=said) if said else ph.goals_no_line.format(target=target),
            *refs,
        )
        return
    if subject == "workstyle":
        draft.add(ph.workstyle.format(said=said) if said else ph.workstyle_no_line, *refs)
        return
    if subject == "years" and profile.experience and not _asked_skills(request, profile):
        _career_years(draft, ph, profile)
        return
    named = _named_entry(request, profile)
    if named is None and profile.experience and _matches(_LATEST, question):
        named = 0  # "your most recent project": the resume lists the latest job first
    if named is not None:
        _describe_entry(request, draft, ph, named, ranked)
        return
    if _matches(_EDUCATION, question) and not _matches(_PITCH, question) and profile.education:
        draft.add(
            ph.studied.format(education=_sentence(profile.education[0]).rstrip(".")), "resume:education"
        )
        for item in profile.education[1:3]:
            draft.add(f"• {_sentence(item)}", "resume:education")
        return
    if _matches(_PITCH, question):
        _pitch(request, draft, ph, profile)
        return
    on_topic = [x for x in ranked if x.ref != "resume:summary"]
    if on_topic:
        draft.add(ph.on_topic)
        _list_lines(request, draft, ph, on_topic, limit=2)
        return
    draft.add(f"{_lead(request, ph)} {ph.no_relevant_lines}")


def _career_years(draft: _Draft, ph: Phrases, profile: ResumeProfile) -> None:
    """ "How many years of experience do you have?": the years, then the jobs they are made of, with their
    dates, so that the candidate says which of them are in this line of work."""
    draft.add(ph.intro_years.format(years=_years(ph, profile)), "resume:summary" if _stated_years(profile) else "")
    for index, entry in enumerate(profile.experience[:3]):
        draft.add(f"• {_entry_line(ph, entry)}", f"resume:experience:{index}")


def _entry_line(ph: Phrases, entry: ExperienceEntry) -> str:
    """ "At Ledgerly I am Staff Backend Engineer (Mar 2020 – Present).": the job, in the tense it is in."""
    template = ph.entry_current if entry.is_current else ph.entry
    since = f" ({entry.dates})" if entry.dates else ""
    return template.format(employer=entry.employer, role=entry.role or ph.team_member, since=since)


def _describe_entry(
    request: AnswerRequest, draft: _Draft, ph: Phrases, index: int, ranked: list[_Line]
) -> None:
    """What the candidate did in one named job: its title line, then its closest bullets."""
    profile = request.resume
    assert profile is not None
    entry = profile.experience[index]
    ref = f"resume:experience:{index}"
    draft.add(_entry_line(ph, entry), ref)
    bullets = [x for x in ranked if x.entry == index and not x.header]
    bullets += [
        _Line(ref, b, index) for b in entry.bullets if b.strip() and all(b != x.text for x in bullets)
    ]
    if not bullets:
        draft.add(ph.entry_no_details)
    for line in bullets[:2]:
        draft.add(f"• {_sentence(_said(line.text, ph))}")


def _stated_years(profile: ResumeProfile) -> int | None:
    """The years of experience the resume states in its headline or summary ("9 years", "9 Jahren")."""
    return stated_years(f"{profile.headline} {profile.summary}")


def _years(ph: Phrases, profile: ResumeProfile) -> str:
    """The candidate's years of experience in words: the resume's own figure when it states one, else the
    years its job dates add up to (so an answer never says "über 11 Jahre" next to the resume's "9 Jahren")."""
    return ph.years(profile.total_years, _stated_years(profile))


# Title words that say the level, not the line of work; and titles of one line of work under other names.
_RANK_WORDS = frozenset(terms("senior junior lead staff principal head chief intern trainee working student"))
_SAME_LINE = {t: "engineering" for t in terms(
    "engineer engineering developer programmer architect sre devops entwickler entwicklerin ingenieur "
    "ingenieurin développeur développeuse ingénieur ingénieure desarrollador desarrolladora ingeniero ingeniera")}


def _line_of_work(title: str) -> set[str]:
    return {_SAME_LINE.get(t, t) for t in terms(title)} - _RANK_WORDS


def _changed_career(profile: ResumeProfile, identity: str) -> bool:
    """Whether most of the resume's dated years are in jobs of another line of work than the candidate's
    title (a teacher turned analyst): "a Data Analyst with 12 years of experience" would claim them all."""
    line = _line_of_work(identity)
    other = sum(
        entry.end_year - entry.start_year
        for entry in profile.experience
        if entry.start_year is not None and entry.end_year is not None and not line & _line_of_work(entry.role)
    )
    return other >= 3 and other > profile.total_years / 2


def _pitch(request: AnswerRequest, draft: _Draft, ph: Phrases, profile: ResumeProfile) -> None:
    """ "Tell me about yourself": who, the one or two strongest results, why this role."""
    jobs = profile.experience
    current = jobs[0] if jobs else None
    identity = profile.headline.split("·")[0].split("|")[0].strip() or (current.role if current else "")
    years = _years(ph, profile) if profile.total_years >= 1 or _stated_years(profile) else ""
    if years and identity and not _stated_years(profile) and _changed_career(profile, identity):
        years = ""  # the summary tells the change of career in the candidate's own words
    if identity:
        opening = ph.intro_identity_years if years else ph.intro_identity
    else:
        opening = ph.intro_years if years else ph.intro_none
    draft.add(
        opening.format(identity=identity, a_identity=f"{_article(identity)} {identity}", years=years),
        "resume:summary" if profile.summary or profile.headline else "",
    )
    # One sentence of the candidate's own summary, skipping one that repeats the years just said.
    fresh = [s for s in sentences(profile.summary) if not (years and _YEARS_SENTENCE.search(s))]
    if fresh:
        draft.add(_sentence(fresh[0]))
    query = " ".join((request.job_description or "", request.question))
    told = 0
    for position, (i, entry) in enumerate(list(enumerate(jobs))[:2]):
        bullets = _ranked_bullets(query, entry, request.language)
        if not bullets:
            continue
        template = (
            ph.job_current
            if position == 0 and entry.is_current
            else ph.job_previous
            if position
            else ph.job_recent
        )
        # Of the job's three closest bullets, the one with the most measurable result: results make the
        # strongest pitch (a head count, "mentored 5 engineers", is a figure but not a result).
        best = max(bullets[:3], key=_impact)
        draft.add(
            template.format(role=entry.role, employer=entry.employer, said=_said(best, ph)),
            f"resume:experience:{i}",
        )
        told += 1
    skills = _matching_skills(request, profile, limit=4)
    if skills and told < 2:
        draft.add(ph.strengths.format(skills=ph.join(skills)), "resume:skills")
    job_refs = [
        p.ref
        for p in rank(
            " ".join(profile.skills), job_passages(request.job_description or ""), language=request.language
        )
    ][:1]
    draft.add(ph.pitch_close.format(target=_target(request, ph)), *job_refs)


def _ranked_bullets(query: str, entry: ExperienceEntry, language: str = "en") -> list[str]:
    """An entry's bullets, closest to `query` first, then those with numbers, then the rest in order."""
    bullets = [b for b in entry.bullets if b.strip()]
    passages = [Passage("resume", str(i), "", b) for i, b in enumerate(bullets)]
    order = [int(p.ref) for p in rank(query, passages, language=language)]
    rest = sorted(
        (i for i in range(len(bullets)) if i not in order), key=lambda i: not _has_figure(bullets[i])
    )
    return [bullets[i] for i in (*order, *rest)]


# Words in the question (English, German, French, Spanish) that pick the steps of a situational answer;
# the steps themselves are in the phrasebook, under the topic's name.
_SITUATION_TOPICS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("first 90 days", "first 30 days", "first 60 days", "first few months", "first month", "first weeks",
         "ersten 90 tage", "ersten monate", "premiers mois", "90 premiers jours", "primeros 90 días",
         "primeros meses"),
        "first_days",
    ),
    (
        ("outage", "incident", "production", "down", "bug", "breaks", "broke", "failure",
         "ausfall", "ausfäll", "störung", "panne", "producción", "caída"),
        "incident",
    ),
    (
        ("conflict", "disagree", "disagreement", "colleague", "teammate", "coworker", "argue",
         "konflikt", "kolleg", "uneinig", "conflit", "désaccord", "collègue", "conflicto", "desacuerdo",
         "compañer"),
        "conflict",
    ),
    (
        ("deadline", "late", "pressure", "priorit", "too much", "scope", "behind",
         "frist", "zeitdruck", "délai", "échéance", "prioris", "plazo", "fecha límite",
         "priorid"),
        "deadline",
    ),
    (
        ("unclear", "ambiguous", "requirements", "vague", "don't know", "new to",
         "unklar", "anforderung", "pas clair", "flou", "exigences", "poco claro", "requisitos", "ambigu"),
        "unclear",
    ),
)  # fmt: skip


def _has_key(keys: tuple[str, ...], text: str) -> bool:
    """Whether a key starts a word of `text` ("late" in "running late", not in "escalate")."""
    return any(re.search(r"(?<!\w)" + re.escape(key), text) for key in keys)


def _compose_situational(request: AnswerRequest, draft: _Draft) -> None:
    ph = _phrases(request)
    lowered = request.question.lower()
    subject = next((t for keys, t in _SITUATION_TOPICS if _has_key(keys, lowered)), "default")
    draft.add(ph.approach)
    for number, step in enumerate(ph.steps[subject], 1):
        draft.add(f"{number}. {step}")
    profile = request.resume
    if profile is None:
        _no_resume(draft, ph)
        return
    line = _evidence(request, _ranked_lines(request))
    if line is None:
        return
    employer = _employer_of(line, request)
    said = _said(line.text, ph)
    draft.add(
        ph.anchor.format(employer=employer, said=said)
        if employer
        else ph.anchor_no_employer.format(said=said),
        line.ref,
    )


# Words in the question that pick the logistics reply (at the start of a word); the replies are in the
# phrasebook. "Any questions for us?" comes first: its reply is two questions the candidate can ask.
_LOGISTICS_TOPICS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("questions for", "any questions", "questions do you have", "like to ask", "fragen an", "noch fragen",
         "des questions", "questions à", "alguna pregunta", "preguntas para", "preguntas tienes"),
        "questions",
    ),
    (  # the interview's last question: "is there anything else you'd like us to know?"
        ("anything else", "anything to add", "like to add", "should know", "sonst noch", "noch etwas", "ergänzen",
         "autre chose", "ajouter", "algo más", "añadir"),
        "closing",
    ),
    (
        ("salary", "compensation", "pay", "expectation", "package", "gehalt", "vergütung", "salaire",
         "rémunération", "prétentions", "salario", "salarial", "sueldo", "remuneración"),
        "salary",
    ),
    (
        ("start", "notice", "available", "availability", "when can you", "join", "eintritt",
         "kündigungsfrist", "verfügbar", "début", "préavis", "disponib", "incorpor", "preaviso"),
        "start",
    ),
    (
        ("relocat", "remote", "onsite", "on-site", "office", "hybrid", "location", "located", "based", "travel", "commute",
         "umzug", "homeoffice", "büro", "standort", "reise", "télétravail", "bureau", "déménag",
         "déplacement", "remoto", "oficina", "presencial", "ubicación", "mudanza", "viaj"),
        "location",
    ),
    (
        ("visa", "sponsor", "permit", "authoriz", "authoris", "visum", "arbeitserlaubnis",
         "titre de séjour", "visado", "permiso de trabajo"),
        "visa",
    ),
)  # fmt: skip


def _compose_logistics(request: AnswerRequest, draft: _Draft) -> None:
    ph = _phrases(request)
    lowered = request.question.lower()
    profile = request.resume
    subject = next((t for keys, t in _LOGISTICS_TOPICS if _has_key(keys, lowered)), "default")
    template = ph.logistics[subject]
    draft.add(
        template.format(
            target=_target(request, ph),
            years=_years(ph, profile) if profile else ph.years(0.0),
            level=ph.levels[profile.experience_level if profile else "mid"],
            company=request.company or ph.company_fallback,
        ),
        "resume:summary" if profile and "{years}" in template else "",
    )


def _compose_clarifying(request: AnswerRequest, draft: _Draft) -> None:
    """One line: what the candidate understood the question to be (a short phrase of it), and an offer."""
    ph = _phrases(request)
    restated = _quote(topic(request.question), ph)
    last = request.history[-1] if request.history else None
    refers_back = re.search(
        r"\b(?:that|this|it|those|earlier|before|previous|last)\b", restated, re.IGNORECASE
    )
    ref = ""
    if last is not None and (refers_back or overlap(restated, " ".join(last), request.language)):
        line = ph.clarify_follow_up.format(restated=restated, last=_quote(topic(last[0]), ph))
        ref = f"history:{len(request.history) - 1}"
    else:
        line = ph.clarify.format(restated=restated)
    profile = request.resume
    employer = next((e.employer for e in profile.experience if e.employer), "") if profile else ""
    ranked = _ranked_lines(request)
    on_topic = next((x for x in ranked if x.entry is not None), None)
    if on_topic is not None and _employer_of(on_topic, request):
        employer = _employer_of(on_topic, request)
        ref = ref or on_topic.ref
    offer = ph.clarify_example_employer.format(employer=employer) if employer else ph.clarify_example
    draft.add(f"{line} {offer}", ref)


_WHY = r"\bwhy\b|\bwhat made you\b|\breason|warum|wieso|weshalb|pourquoi|por qué|porqué"
_RESULT = (
    r"result|outcome|impact|measure|how much|how many|numbers?\b|ergebnis|gemessen|résultat|mesur|"
    r"resultado|medi"
)
_BECAUSE = re.compile(
    r"\b(?:because|since|so that|as we needed|weil|da wir|parce que|car|porque|ya que)\b\s*", re.IGNORECASE
)


def _compose_follow_up(request: AnswerRequest, draft: _Draft) -> None:
    """One to three sentences that continue the earlier answer (the candidate's own words when known)."""
    ph = _phrases(request)
    earlier_question, earlier_answer = _earlier(request)
    ranked = [x for x in _ranked_lines(request) if not x.header]
    if not earlier_answer and not earlier_question:
        draft.add(ph.asks["follow_up"])
        return
    said_before = set(terms(earlier_answer, request.language))
    fresh = [x for x in ranked if not set(terms(x.text, request.language)) <= said_before]
    line: _Line | None = ranked[0] if ranked else None
    used: set[str] = set()
    question = request.question
    if _matches(_WHY, question):
        reason = next((s for s in sentences(earlier_answer) if _BECAUSE.search(s)), "")
        if reason:
            clause = _BECAUSE.split(reason, maxsplit=1)[-1]
            draft.add(ph.follow_why.format(reason=clause.strip().rstrip(".!?")), "conversation")
        elif line is not None:
            draft.add(ph.follow_why.format(reason=_lower_first(_said(line.text, ph), ph.code)), line.ref)
            used.add(line.text)
    elif _matches(_RESULT, question) and line is not None:
        action, result = _action_and_result(line.text, ph)
        text = _lower_first(result or action, ph.code)
        draft.add(ph.follow_result.format(result=text.rstrip(".")), line.ref)
        used.add(line.text)
    # One new detail on the same subject: a line the earlier answer did not already say.
    more = next((x for x in fresh if x.text not in used), None)
    if more is not None and len(draft.parts) < 3:
        draft.add(ph.follow_more.format(said=_said(more.text, ph)), more.ref)
    if not draft.parts:
        draft.add(ph.asks["follow_up"])


def _lower_first(text: str, code: str = "en") -> str:
    """A sentence continued after a colon: "That cut..." -> "that cut..." (not "I" or "AWS"; not in German,
    where the first word is most often a noun: "Migration der Buchhaltung ...")."""
    first = text.split(" ", 1)[0]
    if code == "de" or first in {"I", "I'm"} or first[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


# Words of a greeting or small talk that pick its one-line reply, in the four session languages.
_SMALL_TALK: tuple[tuple[str, str], ...] = (
    (
        "hear",
        (
            r"hear (?:me|you|us)|see (?:me|my screen|you)|audio|sound|connection|\bhören\b|\bhört\b|"
            r"verstehen sie mich|m['’]entendez|vous entendez|me (?:oye|escucha|oyes|escuchas)"
        ),
    ),
    (
        "late",
        r"\blate\b|running behind|apolog|verspät|entschuldig|en retard|désolé|perdón|llego tarde|retraso",
    ),
    (
        "how",
        (
            r"how are you|how's (?:your|it)|how is (?:your|it)|how have you been|how was your|wie geht|"
            r"comment allez|ça va|cómo (?:está|estás|te va|le va)|qué tal"
        ),
    ),
    ("thanks", r"thank|danke|merci|gracias|welcome|willkommen|bienvenue|bienvenid"),
)


def _compose_small_talk(request: AnswerRequest, draft: _Draft) -> None:
    """One polite line; no material needed."""
    ph = _phrases(request)
    subject = next((name for name, pattern in _SMALL_TALK if _matches(pattern, request.question)), "default")
    draft.add(ph.small_talk[subject])


_OPINION = (
    r"what do you think|your (?:opinion|view|take|thoughts)|^(?:any )?thoughts (?:on|about)\b|how do you feel about|"
    r"do you agree|\bdo you prefer\b|"
    r"was halten sie|ihre meinung|que pensez-vous|votre avis|qué (?:opinas|piensas)|tu opinión"
)
_YES_NO = (
    r"^(?:have|has|do|did|are|were|can|could|will|would)\s+you\b|^(?:ever|familiar|comfortable)\b|"
    r"^(?:is|are|was|were|has|have|can|could|will|would|should)\s+(?:this|that|the|your|our|their|it|there)\b|"
    r"^(?:haben|sind|können|kennen)\s+sie\b|"
    r"^(?:avez|êtes|pouvez|connaissez)-vous\b|^¿?\s*(?:has|tienes|puedes|conoces|sabes)\b"
)


# A yes/no question on the candidate's own experience with a technology ("have you used Kafka?", "ever used
# GraphQL?", "did you consider a queue?"); "can you explain how ..." asks for the explanation itself.
_EXPERIENCE = (
    r"^(?:have|has)\s+you\s+(?:ever\s+)?(?:used|worked|run|built|deployed|operated|written|tried|had|done)\b|"
    r"^did\s+you\s+(?:use|work|run|build|deploy|try|consider)\b|^(?:are|were)\s+you\s+(?:familiar|comfortable|"
    r"experienced)\b|^do\s+you\s+(?:have\s+(?:any\s+)?experience|use|work)\b|^(?:ever|familiar|comfortable)\b|"
    r"^(?:any\s+)?experience\s+with\b|^(?:haben|kennen)\s+sie\b|^(?:avez|connaissez)-vous\b|^¿?\s*(?:has|conoces)\b"
)


# A choice between two options: "when would you use NoSQL over SQL?", "why did you choose Kafka over RabbitMQ?".
# ("Explain optimistic versus pessimistic locking" asks for the explanation: the candidate is not choosing.)
_CHOICE = (
    r"^when (?:would|should|do) you (?:use|choose|pick)\b|^why\s+\S+(?:\s+\S+)?\s+(?:over|instead of|rather than)\s|"
    r"\byou (?:chose|choose|pick|picked|prefer|use|go with|went with)\b.*\b(?:over|instead of|rather than)\b"
)
# "What's your experience with Kafka?", "tell me about your experience in fintech".
_THEIR_EXPERIENCE = r"\byour (?:experience|background|track record) (?:with|in|of|on)\b"


def _core(question: str) -> str:
    return _FILLERS.sub("", _question_sentence(question)).strip(" ¿¡")


# "Could you elaborate on that?", "can you walk me through it": a request in question form, not a yes/no.
_REQUEST = (
    r"^(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:elaborate|explain|expand|describe|tell|talk|walk|"
    r"take|say|give|clarify|share|go\s+(?:into|over|through)|summari[sz]e|list|outline)\b"
)


def _yes_no_lead(phrase: str, ph: Phrases) -> str:
    """"They're asking whether you have used Kafka: say yes or no first, then one concrete example."""
    return ph.asks["yes_no"].format(topic=_quote(_clip(_embedded_yes_no(phrase, ph.code), 8), ph))


def _embedded_yes_no(phrase: str, code: str) -> str:
    """A yes/no question as the clause after "whether" / "ob" / "si": "Haben Sie Erfahrung mit Kafka" -> "Sie
    Erfahrung mit Kafka haben", "Avez-vous utilisé Kafka" -> "vous avez utilisé Kafka"."""
    if code == "en":
        return _second_person(phrase)
    if code == "de":
        m = re.match(r"^(\w+) (Sie|du|ihr) (.+)$", phrase, re.IGNORECASE)
        return f"{m.group(2)} {m.group(3)} {m.group(1).lower()}" if m else phrase
    if code == "fr":
        m = re.match(r"^(\w+)-(vous|tu) (.+)$", phrase, re.IGNORECASE)
        return f"{m.group(2).lower()} {m.group(1).lower()} {m.group(3)}" if m else phrase
    return phrase[:1].lower() + phrase[1:] if code == "es" else phrase  # "¿Has usado Kafka?": "si has usado Kafka"
_QUESTIONS_FOR_US = (
    r"questions? for (?:me|us)|any questions|questions (?:do|would) you have|fragen an (?:mich|uns)|noch fragen|"
    r"des questions|questions à nous|alguna pregunta|preguntas para"
)


_WOULD_YOU_SAY = re.compile(r"^(?:so\s+)?would you say (?:that\s+)?(.+?)[\s?.!]*$", re.IGNORECASE)


def _lead(request: AnswerRequest, ph: Phrases) -> str:
    """One line saying what a question no template fits asks for: a view, a yes or no, or a topic."""
    phrase = topic(request.question)
    core = _core(request.question)
    view = _WOULD_YOU_SAY.match(core) if ph.code == "en" else None
    if view:  # "Would you say you're more of a generalist or a specialist?": their view of themselves
        return ph.asks["opinion"].format(topic=_quote(f"whether {_clip(view.group(1), 12)}", ph))
    if _matches(_OPINION, core):
        if ph.code == "en" and core[:1].lower() == "d":  # "Do you prefer X or Y": a view on which
            phrase = f"whether {_second_person(topic(request.question, words=12))}"
        return ph.asks["opinion"].format(topic=_quote(phrase, ph))
    if _matches(_YES_NO, core) and not _matches(_REQUEST, core):
        return _yes_no_lead(phrase, ph)
    return ph.asks["general"].format(topic=_quote(phrase, ph))


def _compose_other(request: AnswerRequest, draft: _Draft) -> None:
    """What the question asks for, in one line, then the candidate's closest resume lines (by retrieval)."""
    ph = _phrases(request)
    if _matches(_QUESTIONS_FOR_US, request.question):
        draft.add(ph.logistics["questions"].format(target=_target(request, ph)))
        return
    lead = _lead(request, ph)
    ranked = _ranked_lines(request)
    profile = request.resume
    asked = _asked_skills(request, profile) if profile else []
    if not ranked and not asked:
        draft.add(f"{lead} {ph.no_relevant_lines}" if profile else lead)
        if profile is None:
            _no_resume(draft, ph)
        return
    draft.add(lead)
    draft.add(ph.relevant_lines)
    if asked:
        draft.add(ph.point.format(title=ph.titles["skills"], sentence=ph.join(asked[:4])), "resume:skills")
    _list_lines(request, draft, ph, ranked, limit=3 - bool(asked))


_COMPOSERS: dict[str, Callable[[AnswerRequest, _Draft], None]] = {
    "behavioral": _compose_behavioral,
    "technical": _compose_technical,
    "system_design": _compose_system_design,
    "situational": _compose_situational,
    "background": _compose_background,
    "follow_up": _compose_follow_up,
    "clarifying": _compose_clarifying,
    "logistics": _compose_logistics,
    "small_talk": _compose_small_talk,
    "other": _compose_other,
}
