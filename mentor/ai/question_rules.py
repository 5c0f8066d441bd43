"""Rule-based question classifier for live caption text.

Pure functions over one string. The rules do not trust punctuation: they look for
linguistic cues at clause starts (wh-word + auxiliary inversion, auxiliary + subject
inversion, imperative interview prompts such as "tell me about" or "walk me through"),
tag questions at clause ends ("..., right", "isn't it"), and only then use a final "?"
as supporting evidence. A clause start is the beginning of the text, a sentence or
comma boundary, or a position after discourse markers ("so", "and", "okay so", "um").

Live captions often have no boundary at all before the question ("karine on his speech
yesterday could i follow up", "we use go here have you used it"). Inside a clause the rules
therefore also accept (see _inner_hits): subject-auxiliary inversion whose auxiliary cannot
continue the clause before it and agrees with its subject ("the idea is we ..." is a copula,
"are we ..." would be a question), wh-word + inversion ("... soon when can people expect"),
"what's the/your ...", and indirect frames ("i wanted to ask", "any update on").

Punctuation that live captions put on mid-sentence words while recognition revises
("where? the stakeholder on?") is ignored: a "?" or "." counts as a boundary only when
the next word is capitalised or the text ends there.

Cost: linear in the number of tokens; about 10-40 µs for a typical spoken question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "QUESTION_THRESHOLD",
    "STRONG_THRESHOLD",
    "QuestionAnalysis",
    "QuestionPart",
    "analyse",
    "is_question",
    "normalise",
    "question_kind",
]

# Below this score a text is not reported as a question.
QUESTION_THRESHOLD = 0.5
# At or above this score a question may fire before the end of turn (see question_tracker).
STRONG_THRESHOLD = 0.75

_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*|[?.!;:,—–]|--")
_PUNCT = frozenset("?.!;:,—–") | {"--"}
_HARD = frozenset("?.!;:")
_DASHES = frozenset({"—", "–", "--"})

_WH = frozenset({"what", "why", "how", "where", "when", "who", "whom", "whose", "which"})
# Wh-words fused with an auxiliary: a question at a clause start on their own.
_WH_CONTRACTED = frozenset({
    "what's", "whats", "where's", "wheres", "how's", "hows", "who's", "whos", "why's", "when's",
    "what're", "who're", "where're", "how're", "what'd", "how'd", "where'd", "who'd", "why'd",
    "what'll", "who'll", "how'll", "what've", "who've", "whatre",
})
_AUX_POS = frozenset({
    "do", "does", "did", "is", "are", "was", "were", "am", "can", "could", "will", "would",
    "shall", "should", "may", "might", "have", "has", "had", "must",
})
_AUX_NEG = frozenset({
    "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "can't", "couldn't",
    "won't", "wouldn't", "shouldn't", "haven't", "hasn't", "hadn't", "ain't", "mustn't",
    "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "couldnt", "wont",
    "wouldnt", "shouldnt", "havent", "hasnt",
})
_AUX = _AUX_POS | _AUX_NEG
# Auxiliaries that are also common main verbs at an imperative clause start ("do the work").
_AUX_WEAK = frozenset({"do", "have", "had", "must", "may", "might"})
_PRONOUN_SUBJ = frozenset({
    "you", "i", "we", "they", "he", "she", "it", "there", "y'all", "ya", "u", "anyone",
    "anybody", "someone", "somebody", "everyone", "everybody", "anything", "something",
    "everything",
})
# Subject + auxiliary fused: after a wh-word they mark an embedded clause ("what you're doing").
_SUBJ_CONTRACTED = frozenset({
    "i'm", "you're", "we're", "they're", "he's", "she's", "it's", "i've", "you've", "we've",
    "they've", "i'd", "you'd", "we'd", "they'd", "i'll", "you'll", "we'll", "they'll", "that's",
    "there's", "im", "youre", "theyre", "ive", "id",
})
_FILLER_TOKENS = frozenset({"uh", "um", "umm", "uhm", "er", "erm", "ah", "hmm", "mm", "huh"})
# Subjects after "do"/"have"/"had", which are also main verbs in imperatives ("do something").
_WEAK_AUX_SUBJ = frozenset({"you", "i", "we", "they", "he", "she", "y'all", "ya", "u", "people",
                            "these", "those", "any", "your", "the"})
_DEMONSTRATIVE = frozenset({"that", "this", "these", "those"})
_DETERMINER = frozenset({"the", "your", "my", "our", "their", "his", "her", "its"})
_SUBJECT = _PRONOUN_SUBJ | _DEMONSTRATIVE | _DETERMINER
# Words that start no question but often precede one; skipped at clause starts.
_MARKERS = frozenset({
    "uh", "um", "uhm", "umm", "er", "erm", "ah", "oh", "hm", "hmm", "mm", "mhm", "so", "and",
    "but", "or", "well", "okay", "ok", "alright", "now", "then", "also", "like", "yeah", "yes",
    "right", "great", "cool", "good", "nice", "perfect", "awesome", "actually", "anyway",
    "anyways", "basically", "just", "please", "listen", "hey", "hi", "hello",
    "thanks", "first", "second", "next", "finally", "lastly", "again", "quickly", "briefly",
    "honestly", "maybe", "perhaps", "because", "cause", "plus", "though", "otherwise", "sorry",
})
# Two-word markers, checked before single words.
_MARKERS2 = frozenset({
    ("i", "mean"), ("you", "know"), ("all", "right"), ("thank", "you"), ("i", "guess"),
    ("and", "then"), ("follow", "up"), ("by", "the"), ("the", "way"), ("let's", "see"),
    ("kind", "of"), ("sort", "of"), ("moving", "on"), ("of", "all"), ("question", "is"), ("question", "was"),
})
# Words after which a lexical clause boundary is assumed even without punctuation.
_BOUNDARY_WORDS = _MARKERS | {"wondering", "curious"}
_HOW_DEGREE = frozenset({
    "long", "often", "far", "much", "many", "big", "old", "well", "soon", "late", "early",
    "fast", "large", "small", "important", "hard", "difficult", "likely", "confident",
    "comfortable", "familiar", "good", "bad", "different", "exactly", "else", "frequently",
    "quickly", "closely", "sure",
})
_WH_BARE_OK = frozenset({"not", "about", "come", "so", "else", "if"})
# Verbs that make a subject wh-question without an auxiliary ("what happened", "who built it").
_WH_VERBS = frozenset({
    "happened", "happens", "made", "makes", "brought", "brings", "led", "leads", "caused",
    "causes", "motivates", "motivated", "drives", "drove", "got", "gets", "interests",
    "interested", "excites", "excited", "went", "goes", "worked", "works", "came", "comes",
    "changed", "changes", "helped", "helps", "matters", "mattered", "surprised", "stands",
    "stood", "keeps", "kept", "inspired", "inspires", "attracted", "attracts", "wrote", "built",
    "decided", "decides", "owns", "owned", "knows", "needs", "needed", "prompted", "else", "kind", "type", "sort", "part", "aspect", "role", "skills", "tools", "steps",
    "challenges", "languages", "technologies", "projects", "one", "ones", "way", "approach",
})
_PROMPT_OBJ = frozenset({"me", "us"})
# Imperative interview prompts: verb, then words that must follow (None = anything).
_PROMPTS: dict[str, frozenset[str] | None] = {
    "describe": None,
    "explain": None,
    "elaborate": None,
    "expand": frozenset({"on", "upon", "a"}),
    "clarify": None,
    "define": None,
    "compare": None,
    "contrast": None,
    "summarize": None,
    "summarise": None,
    "outline": None,
    "discuss": None,
    "justify": None,
    "estimate": None,
    "design": frozenset({"a", "an", "the", "me", "us", "some"}),
    "implement": frozenset({"a", "an", "the", "me", "us", "some"}),
    "write": frozenset({"a", "an", "me", "us", "some", "code", "down", "the"}),
    "sketch": None,
    "name": frozenset({"a", "one", "two", "three", "some", "your", "the", "an"}),
    "list": frozenset({"a", "the", "some", "your", "three", "two", "all"}),
    "share": frozenset({"with", "your", "a", "an", "some", "how", "what", "the", "more", "any"}),
    "introduce": frozenset({"yourself"}),
    "imagine": frozenset({"you", "that", "a", "your", "we", "an", "the", "yourself"}),
    "suppose": frozenset({"you", "that", "a", "your", "we", "an", "the"}),
    "pretend": frozenset({"you", "that", "i", "we"}),
    "convince": frozenset({"me", "us"}),
    "remind": frozenset({"me", "us"}),
}
# "tell me ...", "walk us through ...": verb + me/us, then words that must follow (None = anything).
_PROMPTS_OBJ: dict[str, frozenset[str] | None] = {
    "tell": None,
    "walk": frozenset({"through", "thru"}),
    "take": frozenset({"through", "thru"}),
    "talk": frozenset({"through", "thru", "about"}),
    "run": frozenset({"through", "thru"}),
    "step": frozenset({"through", "thru"}),
    "show": None,
    "give": frozenset({
        "an", "examples", "some", "a", "your", "more", "one", "two", "three", "any",
        "specific", "concrete",
    }),
    "help": frozenset({"understand"}),
    "teach": None,
}
# Objects of "give me a ..." that are not prompts ("give me a second").
_GIVE_NOT = frozenset({"second", "moment", "minute", "sec", "break", "call", "chance", "hand"})
# Indirect questions / requests: word sequences at a clause start.
_INDIRECT = (
    ("i'd", "like", "to", "hear"), ("i'd", "like", "to", "know"), ("i'd", "like", "to", "understand"),
    ("i'd", "love", "to", "hear"), ("i'd", "love", "to", "know"), ("i", "would", "like", "to", "hear"),
    ("i", "would", "like", "to", "know"), ("i", "want", "to", "know"), ("i", "want", "to", "hear"),
    ("i'd", "like", "you", "to"), ("i", "want", "you", "to"), ("i", "would", "like", "you", "to"),
    ("i", "need", "you", "to"), ("i'm", "curious"), ("i", "am", "curious"), ("i", "was", "curious"),
    ("i'm", "wondering"), ("i", "was", "wondering"), ("i", "am", "wondering"), ("i", "wonder", "if"),
    ("i", "wonder", "whether"), ("i", "wonder", "what"), ("i", "wonder", "how"), ("i", "wonder", "why"),
    ("i'm", "interested", "in", "hearing"), ("i'd", "be", "interested", "to"),
    ("i'd", "be", "curious", "to"), ("let", "me", "ask", "you"), ("let", "me", "ask"),
    ("if", "you", "can", "tell"), ("if", "you", "could", "tell"), ("if", "you", "could", "explain"),
    ("if", "you", "can", "explain"), ("if", "you", "could", "walk"), ("if", "you", "can", "walk"),
    ("think", "of", "a", "time"), ("think", "about", "a", "time"), ("go", "ahead", "and"),
    ("i", "don't", "know", "if", "you"), ("i", "don't", "know", "if", "you've"),
    ("i", "don't", "know", "whether", "you"), ("not", "sure", "if", "you"), ("say", "you"), ("say", "you're"), ("let's", "say"), ("what", "if"), ("any", "thoughts"),
    ("your", "thoughts"), ("thoughts", "on"), ("any", "idea"),
    # Reporters and interviewers announce the question, then ask it (or leave it implied).
    ("i", "wanted", "to", "ask"), ("i", "want", "to", "ask"), ("i", "wanted", "to", "know"),
    ("i", "just", "wanted", "to", "ask"), ("i", "just", "want", "to", "ask"), ("let", "me", "just", "ask"),
    ("i", "have", "a", "question"), ("i", "had", "a", "question"), ("i'd", "like", "to", "ask"),
    ("i", "would", "like", "to", "ask"), ("i", "wanted", "to", "follow", "up"),
    ("any", "update"), ("any", "updates"), ("any", "comment"), ("any", "reaction"), ("any", "response"),
    ("any", "word"), ("any", "plans"), ("any", "sense"), ("any", "thoughts"),
)
_INDIRECT_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _seq in _INDIRECT:
    _INDIRECT_BY_FIRST.setdefault(_seq[0], []).append(_seq)
_TAG_RIGHT_NOT = frozenset({
    "that's", "thats", "all", "alright", "is", "was", "it's", "you're", "youre", "exactly", "quite",
    "turn", "the", "go", "just", "not", "right", "were", "be", "are", "am", "i'm", "yeah", "okay",
    "ok", "oh", "uh", "um", "so", "and", "far", "very", "left", "hard", "get", "got", "a", "your",
    "my", "his", "her", "their", "our", "on", "to", "in", "him", "that", "yes", "absolutely", "it",
    "done", "them", "me", "out", "do", "doing", "did", "civil", "human", "voting", "about",
    "movement", "those", "pretty", "seems", "sounds", "looks", "feels",
})
# Tokens a finished question does not end with (the speaker is still going).
_OPEN_END = frozenset({
    "the", "a", "an", "to", "of", "and", "or", "but", "about", "your", "my", "our", "their",
    "his", "her", "its", "with", "in", "on", "at", "for", "from", "by", "into", "that", "which",
    "who", "whom", "whose", "what", "when", "where", "why", "how", "if", "whether", "because",
    "so", "uh", "um", "umm", "er", "like", "you", "i", "we", "they", "he", "she", "it's", "is",
    "are", "was", "were", "do", "does", "did", "can", "could", "would", "will", "should", "have",
    "has", "had", "be", "been", "me", "us", "some", "any", "this", "these", "those", "than",
    "as", "through", "thru", "very", "really", "more", "most", "just", "then", "also", "tell",
    "describe", "explain", "give", "walk", "take", "talk", "mean", "kind",
    "sort", "type", "example", "time", "situation", "instance", "moment", "where's", "what's",
})
_BACKCHANNEL = frozenset({
    ("really",), ("oh", "really"), ("is", "that", "right"), ("is", "that", "so"), ("is", "that",
    "true"), ("right",), ("yeah",), ("huh",), ("what",), ("pardon",), ("sorry",), ("i", "beg",
    "your", "pardon"), ("how", "are", "you"), ("how", "are", "you", "doing"), ("how's", "it",
    "going"), ("how", "is", "it", "going"), ("how", "you", "doing"), ("you", "did"), ("no",),
    ("seriously",), ("okay",), ("ok",), ("excuse", "me"), ("say", "again"), ("come", "again"),
    ("how", "are", "you", "today"), ("how's", "your", "day"), ("how", "was", "your", "weekend"),
})
_FILLER = frozenset({"uh", "um", "umm", "uhm", "er", "erm", "ah", "oh", "hm", "hmm", "mm", "well",
                     "so", "and", "but", "okay", "ok", "yeah", "like", "now"})


@dataclass(frozen=True, slots=True)
class QuestionPart:
    """One question clause: its text and the cue that made it a question."""

    text: str
    cue: str        # "wh" | "aux" | "prompt" | "indirect" | "tag" | "declarative" | "qmark"
    score: float    # 0..1
    complete: bool  # looks syntactically finished (no dangling function word)


@dataclass(frozen=True, slots=True)
class QuestionAnalysis:
    """Verdict for a whole text (one utterance or one interviewer turn)."""

    is_question: bool
    confidence: float
    parts: tuple[QuestionPart, ...]  # question clauses in order; empty when not a question
    ends_with_question: bool         # the last clause of the text belongs to a question part
    complete: bool                   # ends_with_question and the last part looks finished
    ends_with_qmark: bool            # the text ends with "?" (a weak cue in live captions)

    @property
    def part_texts(self) -> tuple[str, ...]:
        return tuple(p.text for p in self.parts)


@dataclass(slots=True)
class _Tok:
    low: str
    start: int
    end: int
    cap: bool


def _tokenise(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    lowered = text.lower().replace("’", "'")  # same length: offsets stay valid for `text`
    for m in _TOKEN_RE.finditer(lowered):
        low = m.group()
        start = m.start()
        # A dash marks an interruption or an aside, not a sentence end: treat it as a comma.
        toks.append(_Tok("," if low in _DASHES else low, start, m.end(), text[start].isupper()))
    return toks


def normalise(text: str) -> str:
    """Lowercase words joined by single spaces, no punctuation; for comparing revisions."""
    return " ".join(t.low for t in _tokenise(text) if t.low not in _PUNCT)


def _sentences(toks: list[_Tok]) -> list[list[_Tok]]:
    """Split on hard punctuation that is real: next word capitalised, or end of text.

    A "?" or "." followed by a lowercase word is an in-flight ASR artefact: dropped.
    """
    out: list[list[_Tok]] = []
    cur: list[_Tok] = []
    n = len(toks)
    for i, t in enumerate(toks):
        if t.low in _HARD:
            nxt = toks[i + 1] if i + 1 < n else None
            real = nxt is None or nxt.cap or nxt.low in _PUNCT or t.low not in ("?", ".")
            if real:
                cur.append(t)
                if cur:
                    out.append(cur)
                cur = []
            continue
        cur.append(t)
    if cur:
        out.append(cur)
    return out


def _skip_markers(w: list[str], i: int, end: int) -> int:
    while i < end:
        if i + 1 < end and (w[i], w[i + 1]) in _MARKERS2:
            i += 2
        elif w[i] in _MARKERS or w[i] == ",":
            i += 1
        else:
            break
    return i


def _starts(w: list[str]) -> list[tuple[int, bool]]:
    """Clause starts as (token index, mid) where mid means after a comma inside a sentence."""
    out: list[tuple[int, bool]] = []
    seen_content = False
    prev_start = False
    for i, x in enumerate(w):
        if x == ",":
            continue
        boundary = i == 0 or w[i - 1] == "," or w[i - 1] in _BOUNDARY_WORDS or (
            i >= 2 and (w[i - 2], w[i - 1]) in _MARKERS2)
        if boundary and (not prev_start or w[i - 1] == ","):
            out.append((i, seen_content and w[i - 1] == ","))
        prev_start = boundary and x in _MARKERS
        if x not in _MARKERS and not (i + 1 < len(w) and (x, w[i + 1]) in _MARKERS2) and not (
                i >= 1 and (w[i - 1], x) in _MARKERS2):
            seen_content = True
    return out


def _match_seq(w: list[str], i: int, seq: tuple[str, ...]) -> bool:
    return tuple(w[i:i + len(seq)]) == seq


def _inverted_after(w: list[str], i: int, limit: int) -> float:
    """Inversion inside a wh-phrase: "what kind of music DO YOU like" -> 0.8.

    Looks at up to `limit` words from i: an auxiliary followed by a subject is a question;
    a subject before any auxiliary ("how much control THEY have") is an embedded clause.
    Returns 0.0 for embedded or no evidence, 0.5 for a subject question ("which team was").
    """
    for k in range(i, min(i + limit, len(w))):
        x = w[k]
        if x in _PRONOUN_SUBJ or x in _SUBJ_CONTRACTED:
            return 0.0
        if x in _AUX:
            nxt = w[k + 1] if k + 1 < len(w) else ""
            if nxt in _SUBJECT or nxt == "":
                return 0.8
            return 0.5
    return 0.0


# --- questions inside a clause: no punctuation, no marker before them ----------------------------
# A reporter or interviewer often asks after a preamble or a name with no pause that captions
# mark ("karine on his speech yesterday could i follow up"). Subject-auxiliary inversion is rare
# in declaratives, so an auxiliary + subject after a word that can end a clause is a question,
# provided the word before cannot make the auxiliary part of a declarative ("we did it", "not
# only did we", "what I can do you ..."), and subject and auxiliary agree ("the idea is we ..."
# is a copula, not "are we").
_AUX_SG = frozenset({"is", "was", "has", "does", "isn't", "wasn't", "hasn't", "doesn't", "isnt", "wasnt",
                     "hasnt", "doesnt"})
_AUX_PL = frozenset({"are", "were", "have", "do", "aren't", "weren't", "haven't", "don't", "arent",
                     "werent", "havent", "dont"})
_AUX_DO = frozenset({"do", "does", "did", "don't", "doesn't", "didn't", "dont", "doesnt", "didnt"})
_AUX_MODAL = frozenset({"can", "could", "will", "would", "should", "can't", "couldn't", "won't",
                        "wouldn't", "shouldn't", "cant", "couldnt", "wont", "wouldnt", "shouldnt"})
_INNER_AUX = _AUX_SG | _AUX_PL | _AUX_DO | _AUX_MODAL | {"am"}
_AUX_HAVE = frozenset({"have", "has", "haven't", "hasn't", "havent", "hasnt"})
_SUBJ_SG = frozenset({"it", "he", "she", "there", "that", "this"})
_SUBJ_PL = frozenset({"you", "we", "they", "there", "these", "those"})
_SUBJ_ANY = _SUBJ_SG | _SUBJ_PL | {"i", "anyone", "anybody", "someone", "somebody", "everyone"}
# Words before an auxiliary that keep it inside a declarative or an embedded clause.
_INNER_NOT_AFTER = (_PRONOUN_SUBJ | _SUBJ_CONTRACTED | _AUX | _WH | _DEMONSTRATIVE | {
    "if", "whether", "because", "than", "as", "only", "nor", "neither", "never", "not", "to", "who",
    "people", "else", "one", "ones", "what's", "where", "there's", "here's", "it's", "let's",
    "also", "just", "still", "really", "all", "much", "well", "so", "already", "often", "always",
    "ever", "rarely", "seldom", "of", "anything", "everything", "nothing",
})
# Prepositions and verbs after which "you"/"it" is an object, so a clause may end there
# ("a couple of questions for you do you have ...", "thank you can you ...").
_OBJECT_BEFORE = frozenset({
    "for", "to", "with", "at", "from", "about", "on", "by", "thank", "thanks", "ask", "asked", "see",
    "tell", "told", "give", "gave",
})
# Bare verbs after "does it" / "did that": do-support, not the main verb "do" ("we did it again").
_DO_SUPPORT_VERBS = frozenset({
    "mean", "matter", "make", "help", "change", "affect", "concern", "work", "bother", "surprise",
    "worry", "have", "seem", "feel", "look", "sound", "happen", "come", "go", "hurt", "apply", "count",
})
# Words after "aux + subject" that continue a declarative ("the money is there for ...",
# "what it does is it was ...") rather than a question.
_INNER_NOT_BEFORE = ((_AUX - {"have", "do", "had"}) | _SUBJ_CONTRACTED | _PUNCT | {
    "for", "in", "on", "at", "to", "and", "but", "or", "so", "because", "now", "too", "as", "with",
    "by", "from", "when", "if", "right", "yet", "already", "anymore", "today", "again", "you", "we",
    "they", "i", "know", "mean", "see", "guys", "all", "that", "then", "there", "here", "is", "was",
})
# Determiner subjects only after modals: "could the president ..." ("the team did the work" and
# "the question is the timing" are declaratives).
_INNER_WH = frozenset({"why", "how", "what", "where", "when"})
_INNER_WH_FUSED = frozenset({"what's", "whats", "how's", "where's", "why's", "what're", "how'd", "why'd"})
# Words that take an embedded wh-clause or a complement ("I know what's ...", "here's how
# do ..."), or license "any" in a statement ("we don't have any update on"): no question after.
_EMBED_BEFORE = frozenset({
    "know", "knows", "knew", "see", "saw", "tell", "told", "ask", "asked", "understand", "explain",
    "show", "decide", "sure", "wonder", "about", "on", "at", "in", "for", "with", "that's", "matter",
    "care", "remember", "figure", "out", "learn", "hear", "heard", "find", "idea", "clear", "exactly",
    "depends", "no", "mean", "like", "look", "whatever", "regardless", "doing", "have", "has", "had",
    "get", "got", "give", "gave", "share", "provide", "offer", "make", "without", "from", "by", "into", "discuss", "discussed", "said", "say", "says", "is", "was", "are",
    "were", "be", "been", "hardly", "barely", "scarcely", "want", "wanted", "need", "needs",
}) | _AUX_NEG
_INNER_DET = frozenset({"the", "any", "your", "his", "her", "their", "our"})


def _inner_inversion(w: list[str], j: int) -> float:
    """Score of a question beginning with the auxiliary w[j] inside a clause; 0.0 for none."""
    a = w[j]
    if a not in _INNER_AUX or j == 0 or j + 2 >= len(w):
        return 0.0
    prev, subj, after = w[j - 1], w[j + 1], w[j + 2]
    object_before = prev in ("you", "it") and j >= 2 and w[j - 2] in _OBJECT_BEFORE
    if (prev in _INNER_NOT_AFTER and not object_before) or prev == "," or after in _INNER_NOT_BEFORE:
        return 0.0
    if a in w[j + 2:j + 5]:
        return 0.0  # "the guys would the guy would give": a restart of a declarative
    if subj in _INNER_DET:
        return 0.6 if a in _AUX_MODAL else 0.0
    if subj not in _SUBJ_ANY:
        return 0.0
    if (a in _AUX_SG and subj not in _SUBJ_SG) or (a in _AUX_PL and subj not in _SUBJ_PL):
        return 0.0
    if a == "am" and subj != "i":
        return 0.0
    if a in _AUX_HAVE and subj not in ("you", "we", "they", "i", "he", "she"):
        return 0.0  # "the team has it covered": "have" is the main verb
    if a in _AUX_DO and subj in ("it", "that", "this", "there"):
        # "the team did it again": "it" is the object of the main verb "did".
        return 0.6 if after in _DO_SUPPORT_VERBS and subj != "there" else 0.0
    if subj in _DEMONSTRATIVE:
        return 0.0  # "what I can say is that the ...": "that" is a complementiser
    return 0.65


def _inner_hits(w: list[str], caps: list[bool], taken: set[int]) -> list[tuple[int, str, float]]:
    """Questions that start inside a clause, after a preamble or a name (see _inner_inversion)."""
    out: list[tuple[int, str, float]] = []
    n = len(w)
    for j in range(1, n - 2):
        if j in taken or j - 1 in taken:
            continue
        x, prev = w[j], w[j - 1]
        if x in _INNER_WH and w[j + 1] in _AUX:
            # "... soon when can people expect ...": inversion after a wh-word is a question.
            cue = _cue_at(w, j, n, False, False, caps)
            if cue is None and w[j + 1] in _AUX_DO | _AUX_MODAL and w[j + 2] not in _AUX | _PUNCT \
                    and w[j + 2] not in ("be", "not") and prev not in _EMBED_BEFORE:
                cue = ("wh", 0.7)
            if cue is not None:
                out.append((j, cue[0], cue[1]))
        elif x in _INNER_AUX:
            score = _inner_inversion(w, j)
            if score:
                out.append((j, "aux", score))
        elif x in _INNER_WH_FUSED and w[j + 1] in _DETERMINER | {"a", "an"} and prev not in _EMBED_BEFORE \
                and prev not in _INNER_NOT_AFTER and not _pseudo_cleft(w, j + 1):
            # "... concrete action legislation what's the administration's response to that";
            # a free relative goes on with a verb instead ("limit what's being given out").
            out.append((j, "wh", 0.6))
        elif x in ("i", "let", "any") and prev not in _INNER_NOT_AFTER and (x != "any" or prev not in _EMBED_BEFORE):
            # Indirect frames after a preamble: "... counsel i wanted to know was ..."
            for seq in _INDIRECT_BY_FIRST.get(x, ()):
                if _match_seq(w, j, seq):
                    out.append((j, "indirect", 0.7))
                    break
    return out


def _merge(a: list[tuple[int, str, float]], b: list[tuple[int, str, float]]) -> list[tuple[int, str, float]]:
    """Hits of both lists in text order (one per position)."""
    return sorted(a + b, key=lambda h: h[0]) if b else a


def _cue_at(w: list[str], i: int, n: int, at_start: bool, mid: bool,
            caps: list[bool]) -> tuple[str, float] | None:
    """Question cue beginning at token i, as (cue, score).

    at_start: i is a clause start; mid: that start is a comma inside a sentence, where
    "which"/"who" open relative clauses rather than questions.
    """
    a = w[i]
    k = i + 1
    if k < n and w[k] == "," and a in _WH:
        k += 1
    b = w[k] if k < n else ""
    c = w[k + 1] if k + 1 < n else ""
    if a in _WH_CONTRACTED:
        if not at_start or (mid and a.startswith(("who", "which"))):
            return None
        tail = w[k:k + 8]
        if b in ("more", "important", "interesting", "funny", "happening", "going", "great", "coming",
                 "being", "wrong", "good", "nice", "bad", "true", "so") and ("is" in tail or "was" in tail):
            return None  # "what's important is ..." (pseudo-cleft)
        return ("wh", 0.85)
    if a in _WH:
        if mid and a in ("which", "who", "whom", "whose"):
            return None
        if b in _AUX:
            if c in _SUBJECT or c in _AUX or c == "not" or c == "":
                return ("wh", 0.9 if at_start else 0.8)
            if at_start and a not in ("when", "where", "which", "whose") and c not in _PUNCT:
                return ("wh", 0.7)  # "what is going on", "who is responsible"
            if at_start and a in ("when", "where") and (b in _AUX_DO or b in _AUX_MODAL) \
                    and c not in _PUNCT and c not in ("be", "not"):
                return ("wh", 0.7)  # do-support or a modal after the wh-word: "when can people expect"
            return None
        if not at_start:
            return None
        if b in _WH_BARE_OK or (b == "" and a == "why"):
            if b == "if" and a != "what":
                return None
            return ("wh", 0.75 if b else 0.5)
        if a == "how" and b in _HOW_DEGREE:
            inv = _inverted_after(w, k + 1, 5)
            if inv or c == "":
                return ("wh", 0.85 if inv >= 0.8 or c == "" else 0.6)
            return None
        if a == "why" and b and b not in _PUNCT and (i == 0 or w[i - 1] not in _EMBED_BEFORE):
            # Clause-initial "why" is interrogative even without a verb, and interviewers' follow-ups
            # are often verbless: "and why postgres in the end", "why go over rust".
            return ("wh", 0.7)
        if a in ("what", "which", "whose") and b and b not in _PRONOUN_SUBJ and b not in _PUNCT \
                and b not in _SUBJ_CONTRACTED:
            if b in _WH_VERBS and _pseudo_cleft(w, k + 1):
                return None
            inv = _inverted_after(w, k + 1, 4)
            if inv >= 0.8:
                return ("wh", 0.8)
            if b in _WH_VERBS and not _pseudo_cleft(w, k + 1):
                return ("wh", 0.7)
            if inv and not mid and not _pseudo_cleft(w, k + 1):
                return ("wh", 0.55)
            return None
        if a == "who" and b and b not in _PRONOUN_SUBJ and b not in _PUNCT and b not in _SUBJ_CONTRACTED:
            return ("wh", 0.7)
        if b in ("you", "ya") and a in ("where", "how", "what", "why") and n - i <= 4:
            return ("wh", 0.45)  # colloquial "where you from", "how you doing"
        return None
    if not at_start:
        return None
    if a == "any" and b in ("questions", "question", "concerns") and not mid:
        # The interviewer's closing invitation, only as a clause of its own ("any questions for me");
        # mid-sentence it is a statement ("before I take any questions").
        return ("lead", 0.75)
    if a in _AUX:
        if a == "must" or (mid and c == ""):
            return None  # ", isn't he" at the very end is a tag, scored by _tag_score
        if a in _AUX_WEAK or a == "had":
            if b in _WEAK_AUX_SUBJ and not (a != "do" and b in ("any", "the", "your", "these", "those")):
                return ("aux", 0.85 if b in _PRONOUN_SUBJ else 0.6)
            if k < n and caps[k] and b not in _AUX and b != "i" and not mid:
                return ("aux", 0.7)
            return None
        if b == "that" and (c in _PRONOUN_SUBJ and c not in ("you", "it") or c in _SUBJ_CONTRACTED):
            return None  # "is that we are ...": complementizer, not a demonstrative subject
        if b in _DEMONSTRATIVE and c in _AUX and c not in _AUX_WEAK:
            return None  # "does that does not mean": a restart, the statement follows
        if b in _PRONOUN_SUBJ or b in _DEMONSTRATIVE or (a in _AUX_NEG and b in _SUBJECT):
            return ("aux", 0.6 if mid else 0.85)
        if b in _DETERMINER and c:
            return ("aux", 0.45 if mid else 0.7)
        if k < n and caps[k] and b not in _AUX and not mid:
            return ("aux", 0.7)  # a name as subject: "Has Karine ...", "Have White House officials ..."
        if b == "not" and c in _SUBJECT:
            return ("aux", 0.75)
        return None
    if a in _PROMPTS_OBJ and b in _PROMPT_OBJ:
        need = _PROMPTS_OBJ[a]
        if need is None or c in need or c == "":
            if a == "give" and (w[k + 2:k + 3] and w[k + 2] in _GIVE_NOT):
                return None
            if a == "show" and c not in ("how", "what", "your", "an", "a", "some", "where", ""):
                return None
            return ("prompt", 0.9 if c else 0.6)
        return None
    if a in ("tell", "talk") and b == "about":
        return ("prompt", 0.75)
    if a in _PROMPTS:
        need = _PROMPTS[a]
        if b == "" or need is None or b in need:
            if b == "" and a in ("name", "list", "design", "write", "share"):
                return None
            return ("prompt", 0.85 if b else 0.6)
        return None
    for seq in _INDIRECT_BY_FIRST.get(a, ()):
        if _match_seq(w, i, seq):
            return ("indirect", 0.8)
    return None


def _pseudo_cleft(w: list[str], i: int) -> bool:
    """ "what gets me is I ...": a wh-clause that is the subject of a later "is"/"was"."""
    for k in range(i, min(i + 10, len(w) - 1)):
        if w[k] in ("is", "was") and (w[k + 1] in _SUBJECT or w[k + 1] in _SUBJ_CONTRACTED
                                      or w[k + 1] in ("that", ",")):
            return True
    return False


def _tag_score(w: list[str], has_comma_before: bool, ends_q: bool) -> float:
    """Score for a tag question at the end of a clause ("..., right", "isn't it")."""
    n = len(w)
    if n < 3:
        return 0.0
    last = w[-1]
    if n >= 4 and w[-2] in _AUX_NEG and last in _PRONOUN_SUBJ | _DEMONSTRATIVE:
        return 0.8
    if last in ("right", "correct") and w[-2] not in _TAG_RIGHT_NOT:
        if ends_q or has_comma_before:
            return 0.8
        return 0.5 if last == "right" else 0.35
    if n >= 4 and tuple(w[-3:]) in (("is", "that", "right"), ("is", "that", "correct"),
                                     ("am", "i", "right"), ("is", "that", "true")):
        return 0.8
    if n >= 4 and tuple(w[-2:]) in (("or", "not"), ("or", "no"), ("or", "what")):
        return 0.7
    if last in ("huh", "eh", "yeah", "no") and (ends_q or has_comma_before):
        return 0.6
    return 0.0


def _is_backchannel(words: list[str]) -> bool:
    core = [x for x in words if x not in _FILLER]
    if tuple(core) in _BACKCHANNEL or not core:
        return True
    # Bare echo questions: "do you?", "was it?", "is there not?"
    if 2 <= len(core) <= 3 and core[0] in _AUX and core[1] in _PRONOUN_SUBJ | _DEMONSTRATIVE:
        return len(core) == 2 or core[2] in ("really", "too")
    return False


def _complete(words: list[str]) -> bool:
    tail = [x for x in words if x not in _PUNCT]
    if len(tail) < 3:
        return len(tail) == 2 and tail[-1] in ("not", "so", "about", "else", "come")
    return tail[-1] not in _OPEN_END


def _clause_tokens(sent: list[_Tok]) -> list[_Tok]:
    """Words and commas of a sentence without fillers and immediate repeats ("is, is")."""
    out: list[_Tok] = []
    for t in sent:
        x = t.low
        if x in _HARD or x in _FILLER_TOKENS:
            continue
        if x == "," and (not out or out[-1].low == ","):
            continue
        # "what, what individuals" / "that that" -> one word
        if out and x != "," and (
                out[-1].low == x or (len(out) >= 2 and out[-1].low == "," and out[-2].low == x)):
            if out[-1].low == ",":
                out.pop()
            continue
        out.append(t)
    return out


def _talks_on(clauses: list[list[_Tok]], si: int) -> bool:
    """True when the speaker goes on with a statement of 4+ words after sentence si."""
    for ctoks in clauses[si + 1:]:
        if sum(1 for t in ctoks if t.low != ",") >= 4:
            return True
    return False


def analyse(text: str) -> QuestionAnalysis:
    """Classify a text; never raises. Cost: O(tokens), roughly 1 µs per token."""
    toks = _tokenise(text)
    sentences = _sentences(toks)
    parts: list[QuestionPart] = []
    last_is_q = False
    ends_qmark = bool(toks) and toks[-1].low == "?"
    clauses = [_clause_tokens(sent) for sent in sentences]
    n_sent = len(sentences)
    for si, sent in enumerate(sentences):
        ctoks = clauses[si]
        w = [t.low for t in ctoks]
        caps = [t.cap for t in ctoks]
        n = len(w)
        is_last_sentence = si == n_sent - 1
        if is_last_sentence:
            last_is_q = False
        if n == 0:
            continue
        sent_q = sent[-1].low == "?"
        content = [x for x in w if x != ","]
        if _is_backchannel(content):
            continue
        hits: list[tuple[int, str, float]] = []
        for s, mid in _starts(w):
            j = _skip_markers(w, s, n)
            if j >= n or (hits and hits[-1][0] == j):
                continue
            cue = _cue_at(w, j, n, True, mid, caps)
            if cue is not None:
                hits.append((j, cue[0], cue[1]))
        hits = _merge(hits, _inner_hits(w, caps, {j for j, _, _ in hits}))
        if not hits:
            tag = _tag_score(content, n >= 2 and w[-2] == ",", sent_q)
            if tag > 0 and not ("whether" in content or "if" in content) or tag >= 0.8:
                hits.append((0, "tag", tag))
        if not hits and sent_q:
            has_subj = any(x in _PRONOUN_SUBJ or x in _DEMONSTRATIVE or x in _SUBJ_CONTRACTED
                           for x in content[:4])
            score = 0.65 if has_subj and len(content) >= 2 else 0.45
            hits.append((0, "declarative" if has_subj else "qmark", score))
        elif not hits and len(content) >= 3 and (
            (content[0] == "you" and content[1] in ("said", "mentioned", "were", "think"))
            or content[:2] == ["so", "you"]
        ):
            hits.append((0, "declarative", 0.4))
        if not hits:
            continue
        # Group hits into parts: a part runs from its cue to the next cue in this sentence.
        for hi, (j, cue_name, score) in enumerate(hits):
            if sent_q and cue_name not in ("declarative", "qmark", "tag"):
                score = min(1.0, score + 0.1)
            first = 0 if cue_name in ("tag", "declarative", "qmark") else j
            stop = hits[hi + 1][0] if hi + 1 < len(hits) else n
            while stop > first and w[stop - 1] in (",", "and", "or", "but", "so", "also", "then"):
                stop -= 1
            pw = [x for x in w[first:stop] if x != ","]
            if not pw:
                continue
            # "and why is that? Because ..." - a question its speaker answers at once. Only for
            # "why": after "Does this undercut ...? Because ..." the asker gives a reason.
            if si + 1 < n_sent and hi == len(hits) - 1 and "why" in pw[:3]:
                nxt = [t.low for t in clauses[si + 1]]
                if nxt[:1] == ["because"] or nxt[:2] == ["it's", "because"]:
                    score = min(score, 0.3)
            if cue_name in ("tag", "declarative", "qmark") and _talks_on(clauses, si):
                score = min(score, 0.4)  # "..., right? We know that ...": rhetorical
            done = cue_name == "tag" or _complete(pw)
            parts.append(QuestionPart(text[ctoks[first].start:ctoks[stop - 1].end], cue_name, score, done))
        if is_last_sentence:
            last_is_q = True
    scored = tuple(p for p in parts if p.score >= QUESTION_THRESHOLD)
    conf = max((p.score for p in parts), default=0.0)
    is_q = bool(scored)
    ends_q = last_is_q and is_q and parts[-1].score >= QUESTION_THRESHOLD
    return QuestionAnalysis(is_q, conf, scored, ends_q, ends_q and parts[-1].complete, ends_qmark)


def is_question(text: str) -> bool:
    """True when analyse(text) finds at least one question part."""
    return analyse(text).is_question


_KIND_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("logistics", (
        "salary", "compensation", "start date", "notice period", "relocat", "visa", "sponsorship",
        "questions for me", "questions for us", "any questions", "next steps", "hear me", "see my screen",
        "share your screen", "time zone", "availability", "available to start", "schedule", "benefits",
        "remote or", "in the office", "hybrid", "pay range", "expectations for pay", "when can you start",
    )),
    ("clarifying", (
        "what do you mean", "can you clarify", "could you clarify", "does that make sense", "is that right",
        "is that correct", "could you repeat", "can you repeat", "say that again", "you said", "you mentioned",
        "so you're saying", "do you mean", "did you mean", "am i right", "to clarify", "just to confirm",
        "correct me", "you were saying",
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
    ("technical", (
        "algorithm", "complexity", "big o", "data structure", "database", "sql", "index", "api",
        "architecture", "design a", "design the", "system design", "scale", "scalab", "latency",
        "throughput", "cache", "caching", "concurren", "thread", "async", "memory", "garbage",
        "kubernetes", "docker", "microservice", "deploy", "ci/cd", "testing", "unit test", "debug",
        "python", "java", "golang", " go ", "rust", "c++", "javascript", "typescript", "react",
        "kafka", "redis", "postgres", "network", "tcp", "http", "protocol", "compiler", "hash",
        "linked list", "binary", "tree", "graph", "queue", "stack", "recursion", "sorting", "code",
        "function", "class", "object", "inheritance", "polymorph", "difference between", "how does",
        "how do you implement", "implement", "optimi", "performance", "security", "encryption",
        "machine learning", "model", "query", "schema", "transaction", "consistency", "load balanc",
        "framework", "library", "language", "bug", "git", "cloud", "aws", "gcp", "azure",
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


def question_kind(text: str) -> str:
    """Rough interview question kind from keywords; first matching family wins.

    Returns one of "behavioral", "technical", "situational", "background", "clarifying",
    "logistics", "other". Cost: one scan of a few hundred substrings, ~10 µs.
    """
    low = " " + normalise(text) + " "
    for kind, keys in _KIND_RULES:
        for k in keys:
            if k in low:
                return kind
    return "other"
