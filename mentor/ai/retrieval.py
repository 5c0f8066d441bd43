"""Text analysis for retrieval, per language, and ranking of in-memory passages (Okapi BM25).

`terms` turns text into search terms: words, minus the stop-words and interview fillers of the session's
language ("okay", "can you hear me", "genau", "d'accord", "vale"), stemmed with the Snowball stemmer of
that language, so "payments" matches "payment", "idempotent" matches "idempotency" and "Zahlungen" matches
"Zahlung". English, German, French and Spanish have their own stop-words and stemmers; any other language
is tokenised and lower-cased only.

`retrieval_query` is what the store's full-text search and the prompt's ranking query: the question's
content words, and for a follow-up ("So why did you pick that?") the previous question and what the
candidate answered to it, which is where the follow-up's subject is.

Ranking is for the small sets an answer draws on (resume sections, job-description paragraphs, earlier
turns, knowledge-base passages the store already found), typically under a few hundred passages, so it
recomputes document frequencies per call instead of keeping an index. Cost: O(total words) per call; stems
are cached, so the Snowball stemmer (~10 µs per word) runs once per distinct word.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import snowballstemmer

from mentor.ai.types import Passage

_WORD = re.compile(r"[^\W_]+(?:[+#.][^\W_]*)*", re.UNICODE)

SUPPORTED_LANGUAGES = ("en", "de", "fr", "es")
"""Languages with their own stop-words and stemmer; others are analysed by lower-casing only."""

_SNOWBALL = {"en": "english", "de": "german", "fr": "french", "es": "spanish"}


def base_language(code: str | None) -> str:
    """The primary subtag of a BCP-47-ish code, lower-cased: "de-AT" -> "de", "" or None -> "en"."""
    return (code or "en").replace("_", "-").split("-")[0].lower() or "en"


# Words that carry no topic in interview speech, per language: function words, the verbs of asking
# ("tell me about a time"), and the fillers of live talk ("okay", "so", "hear me", "these days"), which
# otherwise pull in "Can you hear me okay?" or the job ad's vacation days.
_STOPWORD_TEXT = {
    "en": """a about above after again all also am an and any are as at be because been before being below
    between both but by can could did do does doing done during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my myself no nor
    not now of off on once only or other our ours out over own same she should so some such than that the
    their them then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours yourself every tell describe explain give
    example time walk share talk like know think get got make made use used okay ok alright right yeah yes
    yep um uh hmm oh well actually basically really just sure cool great good nice thanks thank please
    hear hearing see seeing say said saying mean guess kind sort bit lot maybe perhaps let lets ll ve re
    don doesn didn isn wasn aren weren won wouldn couldn shouldn day days nowadays today thing things
    question questions going want wanted something anything everything someone anyone pick picked
    choose chose chosen learn learned learnt""",
    "de": """aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
    auch auf aus bei bin bis bist da damit dann das dass dein deine deinem deinen deiner dem den denn der
    des dessen dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen
    einer eines er es etwas euch euer eure für gegen gewesen hab habe haben hat hatte hätte hier hin hinter
    ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im in indem ins ist jede jedem jeden jeder jedes jetzt
    kann kannst können könnte könnten man manche mein meine meinem meinen meiner mich mir mit muss musste
    nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seit sich sie sind so
    solche soll sollte sondern sonst über um und uns unser unsere unter viel vom von vor war waren warst
    was weg weil weiter welche welchem welchen welcher welches wenn wer werde werden wie wieder will wir
    wird wirst wo wollen wollte würde würden zu zum zur zwar zwischen erzählen erzählen sie erzähl
    beschreiben beschreiben schildern erklären mal beispiel zeit okay ok gut genau ja nein naja also äh ähm
    hm halt eben eigentlich quasi sozusagen bitte danke hören sehen sagen gesagt meinen frage fragen
    tage heutzutage heute ding dinge gerade warum wieso weshalb wählen gewählt""",
    "fr": """a à ai aie aient aies ait alors as au aucun aussi autre aux avaient avais avait avec avez aviez
    avions avoir avons ayant c ça car ce ceci cela celle celles celui ces cet cette ceux chaque chez ci
    comme comment d dans de des donc dont du elle elles en encore est et étaient étais était été être eu
    eux fait faire fois font hors il ils j je jusqu l la le les leur leurs lui m ma mais me même mes moi
    mon n ne ni nos notre nous on ont ou où par parce pas peu peut peux plus pour pourquoi qu quand que
    quel quelle quelles quels qui quoi s sa sans se ses si sien son sont sous soyez sur t ta te tes toi
    ton tous tout toute quelles quels lequel laquelle toutes très tu un une vos votre vous vu y parlez parle parler racontez raconter
    décrivez décrire expliquez expliquer exemple moment fois ok okay d'accord bon bien alors euh hein voilà
    bref vraiment juste merci entendre entendez entends voir voyez dire dites question questions jours
    aujourd hui chose choses avez pouvez pourriez choisi choisir""",
    "es": """a al algo algunas algunos ante antes como con contra cual cuales cuando de del desde donde
    durante e el él ella ellas ellos en entre era eran es esa esas ese eso esos esta está están estas este
    esto estos fue fueron ha había han hasta hay la las le les lo los me mi mis mucho muy más nada ni no
    nos nosotros o os otra otras otro otros para pero poco por porque que qué quien quienes se sea ser si
    sí sin sobre su sus también te tiene tienen todo todos tu tus tú un una uno unos usted ustedes vosotros
    y ya yo cómo cuál cuáles dónde cuándo quién quiénes cuéntame cuénteme cuente contar describe describa describir explica explique explicar ejemplo
    vez veces momento ok okay vale bueno bien pues este eh mmm claro realmente gracias oír oye oyes escuchar
    escucha ver dime diga decir pregunta preguntas días hoy cosa cosas puedes puede podría elegiste
    elegido elegir""",
}
LANGUAGE_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(text.split()) for lang, text in _STOPWORD_TEXT.items()
}
STOPWORDS = LANGUAGE_STOPWORDS["en"]
"""The English stop-words and fillers (English ones are removed in every language, see `content_words`)."""

_IRREGULAR_TEXT = """begin:began,begun break:broke,broken bring:brought build:built buy:bought choose:chose,chosen
    drive:drove,driven fight:fought give:gave,given grow:grew,grown hold:held keep:kept know:knew,known lead:led
    lose:lost make:made meet:met oversee:oversaw,overseen rebuild:rebuilt rewrite:rewrote,rewritten run:ran
    seek:sought sell:sold spend:spent take:took,taken teach:taught tell:told think:thought understand:understood
    undertake:undertook,undertaken win:won write:wrote,written"""
_IRREGULAR_FORMS = {base: forms.split(",") for base, forms in (e.split(":") for e in _IRREGULAR_TEXT.split())}
IRREGULAR_EN = {past: base for base, forms in _IRREGULAR_FORMS.items() for past in forms}
"""English irregular pasts and participles -> their base verb, for `stem`."""
PAST_OF = {base: forms[0] for base, forms in _IRREGULAR_FORMS.items()}
"""The same verbs, base -> simple past ("choose" -> "chose")."""


@functools.lru_cache(maxsize=65536)
def stem(word: str, language: str = "en") -> str:
    """The Snowball stem of a lower-cased `word` in `language` (a base code); the word itself for words with
    symbols ("c++", "node.js"), numbers, and languages without a stemmer."""
    name = _SNOWBALL.get(language)
    if name is None or not word.isalpha():
        return word
    if language == "en":
        # Snowball leaves irregular pasts alone, and a resume is written in them: "Built the pipeline"
        # answers "did you build the pipeline", "Led the migration" "have you led a team".
        word = IRREGULAR_EN.get(word, word)
    # A stemmer per cache miss (~1.5 µs with PyStemmer): stemmer objects keep per-call state, and the store
    # calls this from several worker threads; the cache makes misses rare.
    stemmed = str(snowballstemmer.stemmer(name).stemWord(word))
    if language == "de" and len(stemmed) >= 6 and stemmed[-1] == "t" and stemmed[-2] not in "aeiouäöüsy":
        # Snowball keeps the "-t" of participles and third persons ("verfolgt", "optimiert") that the nouns
        # and infinitives of the same verb lack ("Verfolgung", "optimieren" -> "verfolg", "optimier").
        stemmed = stemmed[:-1]
    return stemmed


def content_words(text: str, language: str = "en") -> list[str]:
    """Lower-cased words of `text` without the language's stop-words and fillers, in order, unstemmed.

    English stop-words are always removed as well: interviews mix English terms into every language.
    """
    lang = base_language(language)
    stop = LANGUAGE_STOPWORDS.get(lang, frozenset()) | STOPWORDS
    words = (match.group(0).lower().strip(".") for match in _WORD.finditer(text))
    return [word for word in words if word and word not in stop]


def terms(text: str, language: str = "en") -> list[str]:
    """Search terms of `text`: content words (see `content_words`) stemmed for `language`, in order."""
    lang = base_language(language)
    return [stem(word, lang) for word in content_words(text, lang)]


def overlap(query: str, text: str, language: str = "en") -> set[str]:
    """The content terms `query` and `text` share."""
    return set(terms(query, language)) & set(terms(text, language))


def fold(text: str) -> str:
    """`text` without diacritics ("migración" -> "migracion"), as SQLite FTS5's unicode61 tokenizer sees it."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def prefix_terms(text: str, language: str = "en") -> list[tuple[str, bool]]:
    """(term, is_prefix) pairs for an index that does not stem (SQLite FTS5 with unicode61).

    Each content word becomes the part it shares with its stem ("payments" -> "payment", "companies" ->
    "compan"), searched as a prefix, so every inflection of the word matches; when that part is shorter
    than four letters ("paiements" -> "pai") a short prefix would match unrelated words, so the word itself
    (less a plural "s") is the prefix, or for words under five letters the exact term. Diacritics are
    folded. Deduplicated, in order.
    """
    lang = base_language(language)
    out: list[tuple[str, bool]] = []
    for word in content_words(text, lang):
        stemmed = fold(stem(word, lang))
        plain = fold(word)
        common = 0
        while common < min(len(stemmed), len(plain)) and stemmed[common] == plain[common]:
            common += 1
        if lang == "en" and plain[:common].endswith("i"):
            common -= 1  # Porter's y -> i: "companies" -> "compani" must still find "company"
        if common >= 4:
            item = (plain[:common], True)
        elif len(plain) >= 5:  # "paiements" (stem "pai"): the word, less a plural "s", as a prefix
            item = (plain.removesuffix("s"), True)
        else:
            item = (plain, False)
        if item[0] and item not in out:
            out.append(item)
    return out


# --- follow-ups --------------------------------------------------------------------------------------------

_FOLLOW_UP_TURN_CHARS = 600  # of the candidate's previous answer that a follow-up's query may use


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+")


def asking_sentence(text: str) -> str:
    """The sentence of an interviewer turn that asks, without the lead-in: "Okay, interesting. How would
    you scale it?" -> "How would you scale it?". The last sentence ending in "?" (¿…? included), else the
    last sentence, else the text."""
    sentences = [s for s in _SENTENCE_SPLIT.split(" ".join(text.split())) if s]
    asking = [s for s in sentences if s.endswith("?")]
    return (asking or sentences or [""])[-1]


@dataclass(frozen=True, slots=True)
class EarlierExchange:
    """The exchange a follow-up continues: the interviewer's previous question and what the candidate said
    after it (their own words, "" if the conversation does not hold them)."""

    question: str
    answer: str


def _same(a: str, b: str) -> bool:
    x, y = " ".join(a.lower().split()), " ".join(b.lower().split())
    return bool(x) and bool(y) and (x in y or y in x)


def split_at_question(
    question: str, conversation: Sequence[tuple[str, str]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(turns before `question`, turns after it) in the conversation.

    The question is the last run of interviewer turns that are part of it (the actor records the question
    as a turn too, sometimes over several caption blocks). What follows it is the candidate's start of an
    answer, when they began speaking before the answer was asked for. Without a matching turn, everything
    is "before".
    """
    turns = list(conversation)
    end = next(
        (i + 1 for i in range(len(turns) - 1, -1, -1)
         if turns[i][0] == "interviewer" and _same(turns[i][1], question)),
        None,
    )  # fmt: skip
    if end is None:
        return turns, []
    start = end - 1
    while start > 0 and turns[start - 1][0] == "interviewer" and _same(turns[start - 1][1], question):
        start -= 1
    return turns[:start], turns[end:]


def earlier_turns(question: str, conversation: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The conversation before `question` (see `split_at_question`)."""
    return split_at_question(question, conversation)[0]


def previous_exchange(
    question: str,
    conversation: Sequence[tuple[str, str]] = (),
    history: Sequence[tuple[str, str]] = (),
) -> EarlierExchange | None:
    """The interviewer's last question before `question` and the candidate's words since.

    From the conversation when it holds one; otherwise from `history` (the last question and Mentor's
    suggested answer, which is all an older actor knows). None at the start of an interview.
    """
    turns = earlier_turns(question, conversation)
    answer: list[str] = []
    for speaker, text in reversed(turns):
        if speaker == "interviewer":
            return EarlierExchange(text.strip(), " ".join(reversed(answer)).strip())
        if speaker == "candidate":
            answer.append(text.strip())
    if answer:
        return EarlierExchange("", " ".join(reversed(answer)).strip())
    if history:
        q, a = history[-1]
        return EarlierExchange(q.strip(), a.strip())
    return None


def is_follow_up(question: str, kind: str, language: str = "en") -> bool:
    """Whether `question` leans on the previous exchange: classified as a follow-up or a clarification, or
    too bare to search on its own ("Why?", "And then?"). Small talk and logistics never do: "What is your
    notice period?" is short but self-contained."""
    if kind in ("follow_up", "clarifying"):
        return True
    return kind not in ("small_talk", "logistics") and not terms(question, language)


def retrieval_query(
    question: str,
    kind: str = "other",
    *,
    parts: Sequence[str] = (),
    conversation: Sequence[tuple[str, str]] = (),
    history: Sequence[tuple[str, str]] = (),
    language: str = "en",
) -> str:
    """What to search the candidate's material for: the content words of the question (and its parts),
    fillers removed; for a follow-up also those of the previous question and the end of the candidate's
    answer to it. Plain words, unstemmed, so a full-text engine can apply its own language configuration.
    """
    lang = base_language(language)
    words = content_words(" ".join((question, *parts)), lang)
    if is_follow_up(question, kind, lang):
        earlier = previous_exchange(question, conversation, history)
        if earlier is not None:
            words += content_words(earlier.question, lang)
            words += content_words(earlier.answer[-_FOLLOW_UP_TURN_CHARS:], lang)
    return " ".join(dict.fromkeys(words))


# --- ranking -----------------------------------------------------------------------------------------------


def rank(
    query: str,
    passages: Iterable[Passage],
    *,
    limit: int | None = None,
    min_score: float = 0.0,
    k1: float = 1.2,
    b: float = 0.75,
    language: str = "en",
) -> tuple[Passage, ...]:
    """Passages ordered by BM25 relevance to `query`, best first, each with its `score` set.

    Passages scoring `min_score` or less are dropped (by default: those sharing no term with the query).
    In German, a query term inside a compound counts ("Zahlung" in "Kartenzahlungen"). Ties keep input order, so callers can pass passages in a meaningful default order (e.g. most recent job
    first). Cost: one pass over all passage words.
    """
    items = list(passages)
    lang = base_language(language)
    query_terms = terms(query, lang)
    texts = [content_words(f"{p.title} {p.text}", lang) for p in items]
    if lang in _COMPOUNDING:
        query_terms = compound_parts(query_terms, {stem(w, lang) for words in texts for w in words}, lang)
    bags = []
    for words in texts:
        bag = Counter(stem(word, lang) for word in words)
        if lang in _COMPOUNDING:
            _count_compound_parts(bag, words, query_terms, lang)
        bags.append(bag)
    scores = bm25_scores(query_terms, bags, k1=k1, b=b)
    order = sorted(range(len(items)), key=lambda i: -scores[i])
    ranked = [replace(items[i], score=round(scores[i], 4)) for i in order if scores[i] > min_score]
    return tuple(ranked if limit is None else ranked[:limit])


_COMPOUNDING = frozenset({"de"})  # languages that write compounds as one word
_MIN_COMPOUND_PART = 5


def compound_parts(query_terms: Sequence[str], vocabulary: Iterable[str], language: str) -> list[str]:
    """`query_terms` plus the terms of `vocabulary` found inside a compound query term, so that a question
    on "Zahlungsverarbeitung" (stem "zahlungsverarbeit") matches a line on "Verarbeitung jeder Zahlung" — the
    reverse of `_count_compound_parts`. Only in compounding languages and for parts of at least five letters.
    """
    if base_language(language) not in _COMPOUNDING:
        return list(query_terms)
    long_terms = [t for t in query_terms if len(t) > _MIN_COMPOUND_PART and t.isalpha()]
    if not long_terms:
        return list(query_terms)
    parts = [v for v in vocabulary if len(v) >= _MIN_COMPOUND_PART and v.isalpha()
             and any(v in t and v != t for t in long_terms)]
    return list(dict.fromkeys((*query_terms, *sorted(parts))))


def _count_compound_parts(bag: Counter[str], words: Sequence[str], query_terms: Sequence[str], lang: str) -> None:
    """Count a query term found inside a longer word of the passage as an occurrence of its own, so that
    "Zahlungen" (stem "zahlung") matches "Kartenzahlungen" (stem "kartenzahl") and "Zahlungsdienst". The
    word, not its stem, is searched: Snowball cuts a compound's end differently. Only terms of at least five
    letters: shorter ones occur inside too many words. Cost: query terms x passage words."""
    for term in {t for t in query_terms if len(t) >= _MIN_COMPOUND_PART and t.isalpha()}:
        # Folded: the German stemmer drops umlauts ("Kündigung" -> "kundig"), the words keep them.
        inside = sum(1 for word in words if term in fold(word) and stem(word, lang) != term)
        if inside:
            bag[term] += inside


def bm25_scores(
    query_terms: Sequence[str], bags: Sequence[Counter[str]], *, k1: float = 1.2, b: float = 0.75
) -> list[float]:
    """BM25 score of each bag of terms for `query_terms` (duplicates in the query count once)."""
    if not bags:
        return []
    lengths = [sum(bag.values()) for bag in bags]
    average = (sum(lengths) / len(bags)) or 1.0
    scores = [0.0] * len(bags)
    for term in set(query_terms):
        df = sum(1 for bag in bags if term in bag)
        if df == 0:
            continue
        # The "+1" form of IDF stays positive even for terms in most passages, which matters when the set
        # is tiny (three resume jobs all mentioning "Python").
        idf = math.log(1.0 + (len(bags) - df + 0.5) / (df + 0.5))
        for i, bag in enumerate(bags):
            tf = bag.get(term, 0)
            if tf:
                scores[i] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[i] / average))
    return scores
