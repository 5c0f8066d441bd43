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

Cost: linear in the number of tokens; ~3,000 Python bytecodes (~350 k instructions, 40-100 µs on a shared
machine) for the ~15 words the tracker analyses at a time. The hot loops scan only candidate positions and
do the per-token work in C (map, compress, set lookups); see docs/detection.md, "The cost of one analysis".
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate, compress, pairwise
from operator import itemgetter, not_, or_

from mentor.ai.detection.lexicon.en import (
    ABBREVIATIONS,
    ANSWER_OBJECTS,
    APPRECIATE,
    AUX,
    AUX_DO,
    AUX_HAVE,
    AUX_MODAL,
    AUX_NEG,
    AUX_PL,
    AUX_POS,
    AUX_SG,
    AUX_WEAK,
    BACKCHANNEL,
    BOUNDARY_WORDS,
    CHAIR_VOCATIVES,
    CONFIRM_AT_START,
    CONFIRM_FRAMES,
    CONFIRM_NEEDS_YOU,
    CONFIRM_WORDS,
    CUT_BEFORE,
    CUT_UNSAFE,
    DASHES,
    DEMONSTRATIVE,
    DETERMINER,
    DO_SUPPORT_VERBS,
    ELLIPSIS_OPENERS,
    EMBED_BEFORE,
    FILLER,
    FILLER_TOKENS,
    GENERIC_YOU_NEXT,
    GIVE_NOT,
    HARD,
    HOW_DEGREE,
    INDIRECT_BY_FIRST,
    INNER_AUX,
    INNER_DET,
    INNER_NOT_AFTER,
    INNER_NOT_BEFORE,
    INNER_WH,
    INNER_WH_FUSED,
    MARKERS,
    MARKERS2,
    MARKERS2_FIRST,
    OBJECT_BEFORE,
    OPEN_END,
    POSITION_NOUNS,
    PREFACE_FIRST,
    PREFACE_HEADS,
    PREFACE_LINKS,
    PREFACE_NOT,
    PREFACE_NOUN_HEADS,
    PREFACE_VERBS,
    PROMPT_OBJ,
    PROMPTS,
    PROMPTS_OBJ,
    PRONOUN_SUBJ,
    PUNCT,
    RECORD_VERBS,
    REQUEST_ENDS,
    SUBJ_ANY,
    SUBJ_CONTRACTED,
    SUBJ_PL,
    SUBJ_SG,
    SUBJECT,
    SUMS_UP_AFTER,
    SUMS_UP_LEAD,
    TAG_RIGHT_NOT,
    TOKEN_RE,
    WEAK_AUX_SUBJ,
    WH,
    WH_BARE_OK,
    WH_CONTRACTED,
    WH_VERBS,
    YOU_NOT_RECORD,
    YOU_SUBJ,
)
from mentor.ai.detection.verdict import QUESTION_THRESHOLD, QuestionAnalysis, QuestionPart

__all__ = ["ARMED_THRESHOLD", "analyse", "is_question", "normalise"]

# After a preface, a weaker cue (a declarative, a "you said ...") is taken as the announced question.
ARMED_THRESHOLD = 0.35

# Word lists indexed for the hot loops (the same lists as the lexicon, looked up by their first words; the
# sequences as lists, so that a slice of the words compares without building a tuple).
_INDIRECT_BY_PAIR: dict[tuple[str, str], tuple[list[str], ...]] = {}
for _seqs in INDIRECT_BY_FIRST.values():
    for _seq in _seqs:
        _INDIRECT_BY_PAIR[_seq[0], _seq[1]] = _INDIRECT_BY_PAIR.get((_seq[0], _seq[1]), ()) + (list(_seq),)
# First word -> (head, is a noun head) in the order _preface_at tries them: noun heads, then verb heads.
_PREFACE_BY_FIRST: dict[str, tuple[tuple[list[str], bool], ...]] = {
    first: tuple((list(h), True) for h in PREFACE_NOUN_HEADS if h[0] == first)
    + tuple((list(h), False) for h in PREFACE_HEADS if h[0] == first)
    for first in PREFACE_FIRST
}
# The same by first two words, for first words whose heads all have two words or more (the others keep the
# list by first word: a one-word head matches whatever follows).
_PREFACE_SHORT = frozenset(h[0] for h in PREFACE_HEADS + PREFACE_NOUN_HEADS if len(h) == 1)
_PREFACE_BY_PAIR: dict[tuple[str, str], tuple[tuple[list[str], bool], ...]] = {}
for _first, _heads in _PREFACE_BY_FIRST.items():
    if _first not in _PREFACE_SHORT:
        for _head, _noun in _heads:
            _key = (_head[0], _head[1])
            _PREFACE_BY_PAIR[_key] = _PREFACE_BY_PAIR.get(_key, ()) + ((_head, _noun),)
_CONFIRM_PAIRS = frozenset((f[0], f[1]) for frames in CONFIRM_FRAMES.values() for f in frames)
_CHAIR_LAST = frozenset(v[-1] for v in CHAIR_VOCATIVES)
_PRONOUN_OR_DEM = PRONOUN_SUBJ | DEMONSTRATIVE
_word = itemgetter(0)
_start = itemgetter(1)
# Words at which _inner_hits can find anything.
_INNER_TRIGGERS = INNER_WH | INNER_AUX | INNER_WH_FUSED | frozenset({"i", "let", "any", "walk", "talk", "take"})


# A token: (lowercased word or punctuation mark, start, end) with offsets into the analysed text. Plain
# tuples built by zip in C: a token object per word cost more than the rules that read it.
_Tok = tuple[str, int, int]
_SPLIT_RE = re.compile(f"({TOKEN_RE.pattern})")
_HARD_CHARS = re.compile("[?.!;:]")


def _tokenise(text: str) -> list[_Tok]:
    lowered = text.lower().replace("’", "'")  # offsets into `lowered` must be valid for `text`
    if len(lowered) != len(text):  # a character whose lowercase is longer ("İ"): keep that one as it is
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text).replace("’", "'")
    pieces = _SPLIT_RE.split(lowered)  # gap, token, gap, token, ..., gap
    if len(pieces) < 2:
        return []
    ends = list(accumulate(map(len, pieces)))
    lows = pieces[1::2]
    if "—" in lowered or "–" in lowered or "--" in lowered:
        # A dash marks an interruption or an aside, not a sentence end: treat it as a comma.
        lows = ["," if x in DASHES else x for x in lows]
    return list(zip(lows, ends[0:-1:2], ends[1::2]))


@lru_cache(maxsize=512)
def normalise(text: str) -> str:
    """Lowercase words joined by single spaces, no punctuation; for comparing revisions. Cached: the
    tracker compares the same part texts at every fire of a long turn."""
    return " ".join([x for x in TOKEN_RE.findall(text.lower().replace("’", "'")) if x not in PUNCT])


def _sentences(toks: list[_Tok], text: str) -> list[list[_Tok]]:
    """Split on hard punctuation that is real: next word capitalised, or end of text.

    A "?" or "." followed by a lowercase word is an in-flight ASR artefact: dropped.
    """
    if not _HARD_CHARS.search(text):
        return [toks] if toks else []  # no hard mark at all (a stripped caption): one sentence
    out: list[list[_Tok]] = []
    n = len(toks)
    begin = 0  # first token of the current piece (the sentence so far, without dropped marks)
    cur: list[_Tok] = []
    for i in [i for i, t in enumerate(toks) if t[0] in HARD]:  # only the marks are looked at
        low = toks[i][0]
        nxt = toks[i + 1] if i + 1 < n else None
        real = nxt is None or text[nxt[1]].isupper() or nxt[0] in PUNCT or low not in ("?", ".")
        if real and nxt is not None and low == "." and i and (len(toks[i - 1][0]) == 1 or toks[i - 1][0] in ABBREVIATIONS):
            real = False  # "Mr. Chairman", "U.S. Open": an abbreviation, not a sentence end
        cur += toks[begin:i + 1] if real else toks[begin:i]
        begin = i + 1
        if real:
            out.append(cur)
            cur = []
    cur += toks[begin:]
    if cur:
        out.append(cur)
    return out


def _skip_markers(w: list[str], i: int, end: int) -> int:
    while i < end:
        if i + 1 < end and (w[i], w[i + 1]) in MARKERS2:
            i += 2
        elif w[i] in MARKERS or w[i] == ",":
            i += 1
        else:
            break
    return i


# A clause can start only right after one of these (a comma, a boundary word, the end of a two-word marker).
_AFTER_START = BOUNDARY_WORDS | frozenset({","}) | frozenset(b for _, b in MARKERS2)


def _boundary(w: list[str], i: int) -> bool:
    """A lexical clause boundary before w[i]: text start, a comma, a boundary word or a two-word marker."""
    if i == 0:
        return True
    prev = w[i - 1]
    return prev == "," or prev in BOUNDARY_WORDS or (
        i >= 2 and w[i - 2] in MARKERS2_FIRST and (w[i - 2], prev) in MARKERS2)


def _first_content(w: list[str]) -> int:
    """Index of the first word that is no marker (single or two-word); len(w) when there is none."""
    n = len(w)
    for j, x in enumerate(w):
        if x == "," or x in MARKERS:
            continue
        if x in MARKERS2_FIRST and j + 1 < n and (x, w[j + 1]) in MARKERS2:
            continue
        if j and w[j - 1] in MARKERS2_FIRST and (w[j - 1], x) in MARKERS2:
            continue
        return j
    return n


def _starts(w: list[str]) -> list[tuple[int, bool]]:
    """Clause starts as (token index, mid) where mid means after a comma inside a sentence.

    A start is a boundary (see _boundary) that does not directly follow a marker which itself began a
    clause ("so and what ..." starts once, at "so"), except after a comma. Only the positions after a
    comma or marker are examined; the scan for them runs in a comprehension."""
    n = len(w)
    out: list[tuple[int, bool]] = []
    first_content = -1
    for i in [0] + [i for i, x in enumerate(w, 1) if x in _AFTER_START]:
        if i >= n or w[i] == "," or not _boundary(w, i):
            continue
        prev = w[i - 1] if i else ""
        if prev == ",":
            if first_content < 0:
                first_content = _first_content(w)
            out.append((i, first_content < i))
        elif not (prev in MARKERS and _boundary(w, i - 1)):
            out.append((i, False))
    return out


def _inverted_after(w: list[str], i: int, limit: int) -> float:
    """Inversion inside a wh-phrase: "what kind of music DO YOU like" -> 0.8.

    Looks at up to `limit` words from i: an auxiliary followed by a subject is a question;
    a subject before any auxiliary ("how much control THEY have") is an embedded clause.
    Returns 0.0 for embedded or no evidence, 0.5 for a subject question ("which team was").
    """
    for k in range(i, min(i + limit, len(w))):
        x = w[k]
        if x in PRONOUN_SUBJ or x in SUBJ_CONTRACTED:
            return 0.0
        if x in AUX:
            nxt = w[k + 1] if k + 1 < len(w) else ""
            after = w[k + 2] if k + 2 < len(w) else ""
            if nxt == "that" and (after in PRONOUN_SUBJ and after not in ("you", "it") or after in SUBJ_CONTRACTED):
                return 0.0  # "what this is is that there's ...": "that" opens a clause, it is no subject
            if nxt == "" and (w[i] in DETERMINER and k > i or i and w[i - 1] in DETERMINER):
                return 0.0  # "and what our proposed solutions are": the noun phrase is the subject
            if nxt in SUBJECT or nxt == "":
                return 0.8
            return 0.5
    return 0.0


# --- questions inside a clause: no punctuation, no marker before them ----------------------------
# A reporter or interviewer often asks after a preamble or a name with no pause that captions

def _inner_inversion(w: list[str], j: int) -> float:
    """Score of a question beginning with the auxiliary w[j] inside a clause; 0.0 for none."""
    a = w[j]
    if a not in INNER_AUX or j == 0 or j + 2 >= len(w):
        return 0.0
    prev, subj, after = w[j - 1], w[j + 1], w[j + 2]
    after2 = w[j + 3] if j + 3 < len(w) else ""
    # "you"/"it"/"this"/"that" as the object of a verb or preposition may end a clause: "thank you can you",
    # "let me ask you this do you", "with that would it be"; "all I'm asking is should it ...".
    object_before = j >= 2 and (
        (prev in ("you", "it") and w[j - 2] in OBJECT_BEFORE)
        or (prev in ("this", "that") and w[j - 2] in OBJECT_BEFORE | {"you"})
        or (prev == "is" and w[j - 2] in ("asking", "question", "wondering"))
        # "a quick answer if you can, are you ...", "let me interrupt you if I may, are you saying ...": an
        # elliptical "if you can" / "if I may" closes its clause
        or (prev in ("can", "could", "would", "will", "may", "might") and w[j - 2] in ("you", "i")
            and j >= 3 and w[j - 3] == "if"))
    if after in ("see", "know", "mean") and (after2 in ANSWER_OBJECTS or (after, after2) == ("mean", "by")):
        after = ""  # "do you see a tension", "do you mean by that": the verb itself, not the filler "you see"
    if after in ("now", "still", "currently", "ever", "also", "really") and subj == "you" and after2:
        after = ""  # "are you now a member"
    if a in ("is", "isn't") and subj == "that" and prev not in INNER_NOT_AFTER and (
            after in CONFIRM_WORDS or (after in ("a", "an") and after2 in CONFIRM_WORDS | {"reasonable"})):
        return 0.7  # "... is that a correct understanding", "... is that right"
    if (prev in INNER_NOT_AFTER and not object_before) or prev == "," or after in INNER_NOT_BEFORE:
        return 0.0
    if a in w[j + 2:j + 5]:
        return 0.0  # "the guys would the guy would give": a restart of a declarative
    if subj in INNER_DET:
        return 0.6 if a in AUX_MODAL else 0.0
    if subj not in SUBJ_ANY:
        return 0.0
    if (a in AUX_SG and subj not in SUBJ_SG) or (a in AUX_PL and subj not in SUBJ_PL):
        return 0.0
    if a == "am" and subj != "i":
        return 0.0
    if a in AUX_HAVE and subj not in ("you", "we", "they", "i", "he", "she"):
        return 0.0  # "the team has it covered": "have" is the main verb
    if a in AUX_DO and subj in ("it", "that", "this", "there"):
        # "the team did it again": "it" is the object of the main verb "did".
        return 0.6 if after in DO_SUPPORT_VERBS and subj != "there" else 0.0
    if subj in DEMONSTRATIVE:
        return 0.0  # "what I can say is that the ...": "that" is a complementiser
    return 0.65


def _inner_hits(w: list[str], caps: _Caps, taken: set[int]) -> list[tuple[int, str, float]]:
    """Questions that start inside a clause, after a preamble or a name (see _inner_inversion)."""
    out: list[tuple[int, str, float]] = []
    n = len(w)
    for j in compress(range(1, n - 2), map(_INNER_TRIGGERS.__contains__, w[1:n - 2])):
        if j in taken or j - 1 in taken:
            continue
        x, prev = w[j], w[j - 1]
        if x in INNER_WH and w[j + 1] in AUX:
            # "... soon when can people expect ...": inversion after a wh-word is a question.
            cue = _cue_at(w, j, n, False, False, caps)
            if cue is None and w[j + 1] in AUX_DO | AUX_MODAL and w[j + 2] not in AUX | PUNCT \
                    and w[j + 2] not in ("be", "not") and prev not in EMBED_BEFORE:
                cue = ("wh", 0.7)
            if cue is not None:
                out.append((j, cue[0], cue[1]))
        elif x == "how" and w[j + 1] in HOW_DEGREE and w[j + 2] in AUX and j + 3 < n and w[j + 3] in SUBJECT \
                and prev not in EMBED_BEFORE:
            out.append((j, "wh", 0.75))  # "... the battery how long does it last": inversion after "how long"
        elif x in INNER_AUX:
            score = _inner_inversion(w, j)
            if score:
                out.append((j, "aux", score))
        elif x in INNER_WH_FUSED and w[j + 1] in DETERMINER | {"a", "an"} and prev not in EMBED_BEFORE \
                and prev not in INNER_NOT_AFTER and not _pseudo_cleft(w, j + 1):
            # "... concrete action legislation what's the administration's response to that";
            # a free relative goes on with a verb instead ("limit what's being given out").
            out.append((j, "wh", 0.6))
        elif x in ("walk", "talk", "take"):
            # "imagine you're on call walk me through your first hour": the interviewer's prompt after a setup
            # with no boundary; "you'd walk me through", "to take me through" stay inside their clause, and
            # "us" is often a narrative's ("the guides walk us through the old town").
            if w[j + 1] == "me" and w[j + 2] in ("through", "thru") and prev not in INNER_NOT_AFTER:
                out.append((j, "prompt", 0.75))
        elif x in ("i", "let", "any") and prev not in INNER_NOT_AFTER and (x != "any" or prev not in EMBED_BEFORE):
            # Indirect frames after a preamble: "... counsel i wanted to know was ..."
            if _preface_at(w, j):
                out.append((j, "preface", 0.3))
                continue
            if _indirect_frame(w, j):
                out.append((j, "indirect", 0.7))
    return out


# After "ask": someone else is asked, not the listener ("let me ask the team", "I wanted to ask my manager").
_ASKS_OTHERS = frozenset({"my", "our", "them", "him", "her", "someone", "somebody", "around", "people", "whoever"})


def _indirect_frame(w: list[str], i: int) -> bool:
    """An indirect question frame starts at w[i] ("I wanted to ask", "I'm curious about")."""
    for seq in _INDIRECT_BY_PAIR.get((w[i], w[i + 1]), ()):
        if w[i:i + len(seq)] == seq:
            nxt = w[i + len(seq):i + len(seq) + 2]
            if seq[-1] == "wondering" and nxt[:1] and (nxt[0] in ("that", "too") or nxt == ["the", "same"]):
                return False  # "I was wondering the same thing", "... that too": agreeing, not asking
            if seq[-2:] == ["was", "curious"] and not (nxt[:1] and (nxt[0] in WH or nxt[0] in ("if", "whether") or (
                    nxt[0] == "about" and nxt[1:] and nxt[1] in _YOURS))):
                return False  # "I was curious about that too when I joined": the speaker's own past
            if seq[-3:-1] == ["need", "you"] and nxt[:1] and nxt[0] not in PROMPTS and nxt[0] not in PROMPTS_OBJ:
                return False  # "we need you to come back and ...": a task, not "we need you to explain ..."
            return not (seq[-1] == "ask" and nxt and (nxt[0] in _ASKS_OTHERS or (
                nxt[0] == "the" and nxt[1:] and nxt[1] not in ("question", "questions", "following"))))
    return False


def _merge(a: list[tuple[int, str, float]], b: list[tuple[int, str, float]]) -> list[tuple[int, str, float]]:
    """Hits of both lists in text order (one per position)."""
    return sorted(a + b, key=lambda h: h[0]) if b else a


# Sign-offs that put questions off to later: "any questions, let me know", "... feel free to reach out".
_DEFER_PHRASES = (["let", "me", "know"], ["let", "us", "know"], ["feel", "free"], ["reach", "out"],
                  ["refer", "you"], ["ping", "me"], ["drop", "me"], ["send", "me"], ["email", "me"])
# Wh-idioms that ask no one: the speaker's own hedges and exclamations, by their wh-word.
_RHETORICAL_WH: dict[str, tuple[list[str], ...]] = {}
for _idiom in (("what", "can", "i", "say"), ("what", "do", "i", "know"), ("what", "else", "is", "new"),
               ("what", "was", "i", "saying"), ("how", "should", "i", "put", "it"), ("how", "shall", "i", "put", "it"),
               ("how", "do", "i", "put", "it"), ("how", "do", "i", "put", "this"), ("how", "can", "i", "put", "it"),
               ("how", "should", "i", "say", "this"), ("who", "would", "have", "thought"), ("who", "would've", "thought"),
               ("who", "would", "have", "known"), ("where", "was", "i"), ("where", "were", "we")):
    _RHETORICAL_WH[_idiom[0]] = _RHETORICAL_WH.get(_idiom[0], ()) + (list(_idiom),)
# "who knows" before these is a shrug, not a question: "who knows, maybe", "who knows what happened".
_RHETORICAL_KNOWS = frozenset({"", "maybe", "what", "how", "why", "where", "when", "whether", "if"})


def _cue_at(w: list[str], i: int, n: int, at_start: bool, mid: bool,
            caps: _Caps) -> tuple[str, float] | None:
    """Question cue beginning at token i, as (cue, score).

    at_start: i is a clause start; mid: that start is a comma inside a sentence, where
    "which"/"who" open relative clauses rather than questions.
    """
    a = w[i]
    k = i + 1
    if k < n and w[k] == "," and a in WH:
        k += 1
    b = w[k] if k < n else ""
    c = w[k + 1] if k + 1 < n else ""
    if a in WH_CONTRACTED:
        if not at_start or (mid and a.startswith(("who", "which"))):
            return None
        tail = w[k:k + 8]
        if b in ("more", "important", "interesting", "funny", "happening", "going", "great", "coming",
                 "being", "wrong", "good", "nice", "bad", "true", "so") and ("is" in tail or "was" in tail):
            return None  # "what's important is ..." (pseudo-cleft)
        return ("wh", 0.85)
    if a in WH:
        if mid and a in ("which", "who", "whom", "whose"):
            return None
        if any(w[i:i + len(idiom)] == idiom for idiom in _RHETORICAL_WH.get(a, ())):
            return None  # "what can I say, it worked", "how should I put it": the speaker asks no one
        if i >= 2 and w[i - 1] == "see" and w[i - 2] == "let's" and b not in AUX:
            return None  # "let's see what happens": embedded ("let's see, what do we have" keeps its comma)
        if b in AUX:
            if c in SUBJECT or c in AUX or c == "not" or c == "":
                return ("wh", 0.9 if at_start else 0.8)
            if at_start and a not in ("when", "where", "which", "whose") and c not in PUNCT:
                if _pseudo_cleft(w, k + 2):
                    return None  # "what might happen is that they ...": the wh-clause is the subject
                return ("wh", 0.7)  # "what is going on", "who is responsible"
            if at_start and a in ("when", "where") and (b in AUX_DO or b in AUX_MODAL) \
                    and c not in PUNCT and c not in ("be", "not"):
                return ("wh", 0.7)  # do-support or a modal after the wh-word: "when can people expect"
            return None
        if not at_start:
            return None
        if b in WH_BARE_OK or (b == "" and a == "why"):
            if b == "if" and a != "what" or b == "come" and a != "how":
                return None  # "what if", "how come"; not "when come time to leave"
            return ("wh", 0.75 if b else 0.5)
        if a == "how" and b not in HOW_DEGREE and b.isalpha() and c in AUX and (
                w[k + 2] if k + 2 < n else "") in SUBJECT:
            return ("wh", 0.8)  # "how painful was the migration", "how stable are these nodes"
        if a == "how" and b in HOW_DEGREE:
            inv = _inverted_after(w, k + 1, 5)
            if inv or c == "":
                return ("wh", 0.85 if inv >= 0.8 or c == "" else 0.6)
            return None
        if a == "why" and b and b not in PUNCT and (i == 0 or w[i - 1] not in EMBED_BEFORE):
            # Clause-initial "why" is interrogative even without a verb, and interviewers' follow-ups
            # are often verbless: "and why postgres in the end", "why go over rust". With a subject and no
            # inversion it opens a clause instead ("why we ask this is to ..."), except the clipped "why you".
            if b != "you" and (b in PRONOUN_SUBJ or b in SUBJ_CONTRACTED) or (
                    b in DEMONSTRATIVE and _pseudo_cleft(w, k + 1)):  # "why this matters is simple"
                return None
            return ("wh", 0.7)
        if a in ("what", "which", "whose") and b and b not in PRONOUN_SUBJ and b not in PUNCT \
                and b not in SUBJ_CONTRACTED:
            if (b in WH_VERBS or b in DEMONSTRATIVE and c not in AUX) and _pseudo_cleft(w, k + 1):
                return None  # "what gets me is ...", "what that means is we ...": a clause as the subject
            inv = _inverted_after(w, k + 1, 4)
            if inv >= 0.8:
                return ("wh", 0.8)
            if b in WH_VERBS and not _pseudo_cleft(w, k + 1):
                return ("wh", 0.7)
            if inv and not mid and not _pseudo_cleft(w, k + 1):
                return ("wh", 0.55)
            return None
        if a == "who" and b and b not in PRONOUN_SUBJ and b not in PUNCT and b not in SUBJ_CONTRACTED:
            if b == "cares" or (b == "knows" and (c in _RHETORICAL_KNOWS or c in PUNCT)):
                return None  # "who knows, maybe it works", "who cares": rhetorical
            if _pseudo_cleft(w, k + 1):
                return None  # "who owns this is still unclear": the clause is the subject
            return ("wh", 0.7)
        if b in ("you", "ya") and a in ("where", "how", "what", "why") and n - i <= 4:
            return ("wh", 0.45)  # colloquial "where you from", "how you doing"
        return None
    if not at_start:
        return None
    if _preface_at(w, i):
        return ("preface", 0.3)
    if a == "any" and b in ("questions", "question", "concerns") and not mid:
        # The interviewer's closing invitation, only as a clause of its own ("any questions for me");
        # mid-sentence it is a statement ("before I take any questions"), and as the topic of a sign-off it
        # invites them for later ("any questions, let me know", "..., I would refer you to counsel").
        rest = w[k + 1:]
        if any(rest[j:j + len(p)] == p for p in _DEFER_PHRASES for j in range(len(rest) - len(p) + 1)):
            return None
        return ("lead", 0.75)
    if a in AUX:
        if a == "must" or (mid and c == ""):
            return None  # ", isn't he" at the very end is a tag, scored by _tag_score
        if a in AUX_WEAK or a == "had":
            if b in WEAK_AUX_SUBJ and not (a != "do" and b in ("any", "the", "your", "these", "those")):
                return ("aux", 0.85 if b in PRONOUN_SUBJ else 0.6)
            if k < n and caps[k] and b not in AUX and b != "i" and not mid:
                return ("aux", 0.7)
            return None
        if b == "that" and (c in PRONOUN_SUBJ and c not in ("you", "it") or c in SUBJ_CONTRACTED):
            return None  # "is that we are ...": complementizer, not a demonstrative subject
        if b in DEMONSTRATIVE and c in AUX and c not in AUX_WEAK:
            return None  # "does that does not mean": a restart, the statement follows
        if b in PRONOUN_SUBJ or b in DEMONSTRATIVE or (a in AUX_NEG and b in SUBJECT):
            return ("aux", 0.6 if mid else 0.85)
        if b in DETERMINER and c:
            return ("aux", 0.45 if mid else 0.7)
        if k < n and caps[k] and b not in AUX and not mid:
            return ("aux", 0.7)  # a name as subject: "Has Karine ...", "Have White House officials ..."
        if b == "not" and c in SUBJECT:
            return ("aux", 0.75)
        if a in _OPENS_WITH_SUBJECT and b.isalpha() and b not in _NOT_SUBJECT and c.isalpha() and c not in AUX \
                and all(x in MARKERS for x in w[:i]):
            # a lower-case name or a bare plural as subject, opening the sentence: "did jerry talk to you
            # about it", "isn't finals week coming up"
            return ("aux", 0.6)
        return None
    if (a in PROMPTS_OBJ or a in PROMPTS) and _not_imperative(
            w, i, a in PROMPTS_OBJ and b in PROMPT_OBJ or not _YOURS.isdisjoint(w[i + 1:i + 5])):
        return None
    if a in PROMPTS_OBJ and b in PROMPT_OBJ:
        need = PROMPTS_OBJ[a]
        if need is None or c in need or c == "":
            if a == "give" and (w[k + 2:k + 3] and w[k + 2] in GIVE_NOT):
                return None
            if a == "show" and c not in ("how", "what", "your", "an", "a", "some", "where", ""):
                return None
            return ("prompt", 0.9 if c else 0.6)
        return None
    if a in ("tell", "talk") and b == "about" or a == "talk" and b == "to" and c in ("me", "us"):
        return ("prompt", 0.75)
    if a in PROMPTS:
        need = PROMPTS[a]
        if b == "" or need is None or b in need:
            if b == "" and a in ("name", "list", "design", "write", "share"):
                return None
            return ("prompt", 0.85 if b else 0.6)
        return None
    if b and _indirect_frame(w, i):  # a is no wh-word here, so b = w[i + 1]
        return ("indirect", 0.8)
    return None


# Auxiliaries that, opening a sentence, ask before any subject the rules know: "did jerry talk to you".
_OPENS_WITH_SUBJECT = frozenset({"did", "does", "isn't", "aren't", "wasn't", "weren't"})
# Words after those that are not their subject: "did a lot of that", "does nothing for me".
_NOT_SUBJECT = frozenset({
    "a", "an", "some", "nothing", "not", "so", "too", "well", "all", "most", "lots", "more", "everything",
    "anything", "something", "quite", "pretty", "really", "very", "just", "in", "on", "at", "for", "to", "with",
    "of", "and", "or", "but", "no", "any", "much", "many", "that", "this", "it", "what", "which", "exactly",
    "okay", "fine", "great", "good", "better", "best", "worse", "badly", "poorly", "enough", "both", "either"})
_YOURS = frozenset({"you", "your", "ya", "yourself", "you're", "you've"})
# Subjects of a clause whose verb an "and <verb>" continues: "we have to do the experiments and write the
# paper" (not "I" or "you": "I'll share my screen and describe the bug to you" still asks).
_THIRD_SUBJ = frozenset({"we", "they", "he", "she", "it", "people", "we'll", "they'll", "we're", "they're"})


def _not_imperative(w: list[str], i: int, to_listener: bool) -> bool:
    """Whether the prompt verb w[i] goes on with a clause before it instead of addressing the listener:
    after a subject, a modal or "to" ("if you just tell me", "you can also describe them", "we need to
    list them", but not "we need you to explain"), or, unless it is about the listener ("tell me", "describe
    how you would ..."), after an "and" that joins it to the verb of a we/they clause."""
    k = i - 1
    joined = False
    while k >= 0 and w[k] in MARKERS:
        joined = joined or w[k] in ("and", "or")
        k -= 1
    if k < 0:
        return False
    prev = w[k]
    if prev in PRONOUN_SUBJ or prev in AUX or prev == "to" and (k == 0 or w[k - 1] not in _YOURS):
        return True
    return joined and not to_listener and not _THIRD_SUBJ.isdisjoint(w[:k])


def _preface_at(w: list[str], i: int) -> bool:
    """ "let me ask you about ...", "I want to turn to ...", "my next question ...": an announcement."""
    x = w[i]
    if x not in PREFACE_FIRST:
        return False
    if x in _PREFACE_SHORT:
        heads = _PREFACE_BY_FIRST[x]
    else:
        heads = _PREFACE_BY_PAIR.get((x, w[i + 1] if i + 1 < len(w) else ""), ())
    for head, noun in heads:
        k = i + len(head)
        if w[i:k] != head:
            continue
        if noun:
            rest = w[k:k + 2]
            # "my next question is whether ..." asks at once; the rules find the question after it.
            return not (rest[:1] == ["is"] and rest[1:2] and rest[1] in PREFACE_NOT)
        if k < len(w) and w[k] in ("now", "just", "briefly", "quickly", "also", "then"):
            k += 1
        if k >= len(w) or w[k] not in PREFACE_VERBS:
            return False
        after = w[k + 1:k + 4]
        if w[k] == "ask":
            nxt = [x for x in after if x not in ("you", "your", "judge", "sir", "ma'am")][:1]
            return bool(nxt) and nxt[0] not in PREFACE_NOT and (nxt[0] in PREFACE_LINKS or nxt[0] in (
                "one", "another", "several", "two", "three", "some", "few", "couple", "follow"))
        return any(x in PREFACE_LINKS for x in after)
    return False


_SPEECH_VERBS = frozenset({"say", "says", "said", "saying"})


# "that's what's left", "it's like who's ryan": a wh-clause after these is what the speaker points at.
_FREE_RELATIVE_BEFORE = frozenset({"that's", "it's", "thats", "its"})
_HEDGES = frozenset({"sort", "kind", "of", "exactly", "just", "basically", "really", "like", "precisely"})


def _reported(w: list[str], j: int) -> bool:
    """A question quoted after "say" ("then I say well is that the beep", "people kept saying can I see that
    slide again"), or a wh-clause after "that's": what someone says or said, or a thing pointed at, not a
    question to the listener."""
    if w[j] in WH or w[j] in WH_CONTRACTED:
        k = j - 1
        while k >= 0 and w[k] in _HEDGES:
            k -= 1
        if k >= 0 and w[k] in _FREE_RELATIVE_BEFORE:
            return True
    k = j - 1
    while k >= 0 and w[k] in MARKERS:
        k -= 1
    if k < 0 or w[k] not in _SPEECH_VERBS:
        return False
    # "so you're saying what part of town ...": the listener's own words, put back to them to confirm.
    return not (w[k] in ("saying", "said") and not _YOURS.isdisjoint(w[max(0, k - 3):k]))


def _relative_which(w: list[str], j: int) -> bool:
    """ "which makes sense", "which is not bad": "which" then a verb without inversion opens a relative clause
    that goes on with the sentence before it, unless a "?" ends it ("which is better?")."""
    b = w[j + 1] if j + 1 < len(w) else ""
    c = w[j + 2] if j + 2 < len(w) else ""
    if b in AUX:
        return c not in SUBJECT and c not in SUBJ_CONTRACTED  # not "which is the ...", "which would you ..."
    return b in WH_VERBS


def _pseudo_cleft(w: list[str], i: int) -> bool:
    """ "what gets me is I ...", "who owns this is still unclear": a wh-clause that is the subject of a later
    "is"/"was"."""
    for k in range(i, min(i + 10, len(w) - 1)):
        if w[k] in ("is", "was") and (w[k + 1] in SUBJECT or w[k + 1] in SUBJ_CONTRACTED
                                      or w[k + 1] in _AFTER_CLEFT):
            return True
    return False


# After the "is" of a wh-clause subject: "... is that", "... is still unclear", "... is simple".
_AFTER_CLEFT = frozenset({"that", ",", "still", "not", "unclear", "clear", "simple", "obvious", "beyond", "anyone's", "up"})


def _tag_score(w: list[str], comma_back: int, ends_q: bool, stated: bool = False) -> float:
    """Score for a tag question at the end of a clause ("..., right", "isn't it"). `w` has no commas;
    `comma_back`: the last comma of the clause stood before the comma_back-th word from its end (0: none)."""
    has_comma_before = comma_back == 2
    n = len(w)
    if n < 3:
        return 0.0
    last = w[-1]
    if n >= 4 and w[-2] in AUX_NEG and last in PRONOUN_SUBJ | DEMONSTRATIVE:
        return 0.8
    if n >= 5 and w[-3] in AUX_NEG and w[-2] in ("that", "it") and last in CONFIRM_WORDS:
        return 0.8  # "..., isn't that correct"
    if n >= 5 and last == "not" and w[-3] in AUX_POS and w[-2] in PRONOUN_SUBJ:
        return 0.8  # "all nine agreed with that, did they not"
    if n >= 5 and w[-2] in AUX_POS and last in ("you", "he", "she", "they", "we") and (
            w[-3] == "," or w[-3] not in TAG_RIGHT_NOT | AUX | {"even", "never", "ever", "anything"}) and any(
            x in ("not", "never") or x in AUX_NEG for x in w[:-2]):
        return 0.7  # "you do not have that view, do you": a positive tag after a negative clause
    if last in ("right", "correct") and w[-2] not in TAG_RIGHT_NOT:
        if ends_q or has_comma_before:
            return 0.8
        if stated or (_PRONOUN_OR_DEM.isdisjoint(w) and SUBJ_CONTRACTED.isdisjoint(w)):
            # "you get everything right.": punctuated text with no comma before it: an adverb. "and video
            # right": a noun phrase has no claim for the listener to confirm.
            return 0.0
        return 0.5 if last == "right" else 0.35
    if n >= 4 and tuple(w[-3:]) in (("is", "that", "right"), ("is", "that", "correct"),
                                     ("am", "i", "right"), ("is", "that", "true")):
        return 0.8
    if n >= 4 and tuple(w[-2:]) in (("or", "not"), ("or", "no"), ("or", "what")):
        return 0.7
    if last in ("huh", "eh", "yeah", "no") and (ends_q or has_comma_before):
        return 0.6
    if last == "or" and (ends_q or has_comma_before):
        return 0.7  # "the blue one, or?": the speaker leaves the alternative to the listener
    if n >= 5 and (w[-2] == "i" and last in ("assume", "presume") or tuple(w[-3:]) == ("i", "take", "it")):
        # "you know React, I assume": the listener is to confirm
        return 0.75 if ends_q or comma_back == (4 if last == "it" else 3) else 0.5
    return 0.0


def _statement_cue(w: list[str], content: list[str], sent_q: bool, lead: tuple[str, ...],
                   hesitant: bool = False, stated: bool = False) -> tuple[str, float] | None:
    """A sentence in statement form that still asks: a tag, a rising "?", or a declarative that puts the
    listener's own position or record to them for confirmation. `lead`: the first words of the sentence when
    `content` continues it after a cut (the rules that look at a sentence's start see the real start).
    `stated`: the sentence ends with a full stop or "!" (punctuated text that says statement)."""
    if lead:
        content = list(lead) + content
    comma_back = next(k for k in (2, 3, 4) if w[-k] == ",") if "," in w[-4:-1] else 0
    tag = _tag_score(content, comma_back, sent_q, stated)
    if tag > 0 and not ("whether" in content[-15:] or "if" in content[-15:]) or tag >= 0.8:
        return ("tag", tag)
    if sent_q:
        has_subj = any(x in PRONOUN_SUBJ or x in DEMONSTRATIVE or x in SUBJ_CONTRACTED for x in content[:4])
        if has_subj and len(content) >= 2:
            return ("declarative", 0.65)
        # An elliptical follow-up with a real "?" ("And before you?", "Through the Fourteenth Amendment?").
        # A hesitation inside the fragment ("uh, the causes of crime?") marks an echo or a self-repair
        # checking what was meant, not a new question.
        elliptic = len(content) >= 2 and content[0] in ELLIPSIS_OPENERS and not hesitant
        if not hesitant and (content[0] in AUX and len(content) >= 3 or 2 <= len(content) <= 4 and not WH.isdisjoint(content)):
            # A "?" on a sentence opening with an auxiliary whose subject the rules do not know ("did jerry
            # talk to you ...?"), or on a wh-fragment ("what conference?", "as of what point?").
            return ("qmark", 0.6)
        return ("qmark", 0.5 if elliptic else 0.45)
    if 3 <= len(content) <= 6 and content[-1] in ("was", "were", "is", "are") and content[0] in ("and", "so") \
            and content[1] in ("the", "your"):
        return ("declarative", 0.6)  # "and the outcome was": left for the listener to finish
    conf = _confirming_frame(content, stated)
    if conf or _sums_up_their_position(content):
        return ("confirm", conf or 0.55)
    req = _request(content)
    if req:
        return ("indirect", req)
    if len(content) >= 3 and w[-1] != ",":
        k = 0
        while k < len(content) - 2 and content[k] in MARKERS:
            k += 1
        k = k if k and any(x in ("so", "and", "but", "then") for x in content[:k]) else 0
        if content[-1] == "then" and content[k] in YOU_SUBJ:
            return ("declarative", 0.6)  # "you've run kafka in production then"
        if k and _puts_record(content, k):
            # "so you're comfortable owning ...", "and you shipped that before the deadline": the speaker
            # infers the listener's own record or state and puts it to them.
            return ("declarative", 0.55 if content[-1] not in OPEN_END else 0.45)
        if content[0] == "you" and content[1] in ("said", "mentioned", "were", "think"):
            return ("declarative", 0.4)
    return None


def _sums_up_their_position(content: list[str]) -> bool:
    """The sentence only sums up the listener's position, as an inference: "and that is your view today", "so
    that's your answer". Not when it goes on ("that is your view, but the court ...") or is said of it ("I
    understand that is your view"), nor without "so" / "and" ("well, that is your opinion" dismisses it)."""
    end = len(content) - (content[-1] in SUMS_UP_AFTER) if content else 0
    k = end - 2  # where "your" must stand
    if k < 1 or content[k] != "your" or content[k + 1] not in POSITION_NOUNS:
        return False
    return any(tuple(content[k - len(lead):k]) == lead and MARKERS.issuperset(before := content[:k - len(lead)])
               and any(x in ("so", "and", "now", "then") for x in before)  # an inference: "so", "and"
               for lead in SUMS_UP_LEAD if len(lead) <= k)


def _puts_record(content: list[str], k: int) -> bool:
    """ "you" + a past or stative verb ("you led", "you were", "you're comfortable", "you've run"), not
    the generic "you" of habits and advice ("you can get them cheap", "you have to", "you know")."""
    subj = content[k]
    nxt = content[k + 1] if k + 1 < len(content) else ""
    if subj not in YOU_SUBJ or not nxt or nxt in YOU_NOT_RECORD:
        return False
    if subj == "you":
        return nxt in RECORD_VERBS or (nxt.endswith("ed") and len(nxt) > 4)
    return True


def _request(content: list[str]) -> float:
    """ "please educate me, if you would", "if you can give me more, I would appreciate that"."""
    if "if" not in content and "please" not in content:
        return 0.0  # every request form below holds one of them
    n = len(content)
    for end in REQUEST_ENDS:
        k = len(end)
        if n > k + 1 and tuple(content[-k:]) == end:
            return 0.6
    if "if" in content and "you" in content and any(x in APPRECIATE for x in content):
        i = content.index("if")
        if content[i + 1:i + 2] == ["you"] and content[i + 2:i + 3] and content[i + 2] in (
                "can", "could", "would", "will", "care", "might"):
            return 0.6
    if "please" in content:
        i = content.index("please")
        if any(x in ("me", "us") for x in content[i + 2:i + 4]):
            return 0.65  # "please educate me", "please tell us"
    return 0.0


def _generic_you(content: list[str], i: int) -> bool:
    """ "you know", "you can get them cheap", "you don't have a need to": the generic or filler "you"."""
    nxt = content[i + 1:i + 3]
    if not nxt or nxt[0] in GENERIC_YOU_NEXT:
        return True
    return nxt[0] in ("don't", "do", "dont") and nxt[1:] != [] and nxt[1] in GENERIC_YOU_NEXT


_REPORTING = frozenset({"saying", "me"})


def _confirming_frame(content: list[str], stated: bool = False) -> float:
    """ "as I understand it", "what you're saying is", "in other words, you ...": a frame that proposes a
    reading of the listener's position or of facts they know, and asks them to confirm it."""
    pairs = list(pairwise(content))
    if _CONFIRM_PAIRS.isdisjoint(pairs):
        return 0.0  # every frame has two words or more: no first pair, no frame
    for i in compress(range(len(pairs)), map(_CONFIRM_PAIRS.__contains__, pairs)):  # where a frame may start
        x = content[i]
        for frame in CONFIRM_FRAMES.get(x, ()):
            if tuple(content[i:i + len(frame)]) == frame:
                after = content[i + len(frame):i + len(frame) + 5]
                if frame in CONFIRM_NEEDS_YOU and not any(
                        (y in YOU_SUBJ and not _generic_you(content, i + len(frame) + k)) or y == "your"
                        for k, y in enumerate(after)):
                    continue
                if frame[-1] in _REPORTING and len(after) < 2:
                    continue  # "I see what you're saying": an acknowledgement, nothing put to them
                if frame in CONFIRM_AT_START and (stated or any(y not in MARKERS for y in content[:i])):
                    # "you're saying ..." asks as the sentence's opening, with a "?" or unpunctuated ("you're
                    # saying it's about an hour." restates)
                    continue
                return 0.55
    return 0.0


def _is_backchannel(words: list[str]) -> bool:
    if len(words) - sum(map(FILLER.__contains__, words)) > 5:
        return False  # more than 5 words besides fillers: longer than any backchannel or echo
    core = [x for x in words if x not in FILLER]
    if tuple(core) in BACKCHANNEL or not core:
        return True
    # Bare echo questions: "do you?", "was it?", "is there not?"
    if 2 <= len(core) <= 3 and core[0] in AUX and core[1] in _PRONOUN_OR_DEM:
        return len(core) == 2 or core[2] in ("really", "too")
    return False


def _complete(words: list[str]) -> bool:
    tail = [x for x in words if x not in PUNCT]
    if len(tail) < 3:
        return len(tail) == 2 and (tail[-1] in ("not", "so", "about", "else", "come") or tail == ["and", "you"])
    # "how about you", "what about this": a pronoun after "about" ends the question
    return tail[-1] not in OPEN_END or tail[-2] == "about" and tail[-1] in ("you", "me", "us", "it", "this", "that")


_CLAUSE_DROP = HARD | FILLER_TOKENS


class _Caps:
    """caps[k]: whether clause token k is capitalised in the text; computed only where a rule asks."""

    __slots__ = ("text", "toks")

    def __init__(self, text: str, toks: list[_Tok]) -> None:
        self.text, self.toks = text, toks

    def __getitem__(self, k: int) -> bool:
        return self.text[self.toks[k][1]].isupper()


def _clause_tokens(sent: list[_Tok]) -> list[_Tok]:
    """Words and commas of a sentence without fillers and immediate repeats ("is, is")."""
    body = sent[:-1] if sent and sent[-1][0] in HARD else sent  # a hard mark only ever ends a sentence
    words = list(map(_word, body))
    if _CLAUSE_DROP.isdisjoint(words) and not any(map(str.__eq__, words, words[1:])) and (
            "," not in words or (words[0] != "," and not (any(map(str.__eq__, words, words[2:])) and any(
                a == c != "," and b == "," for a, b, c in zip(words, words[1:], words[2:]))))):
        return body  # no filler, no repeat ("that that", "what, what"), no leading or double comma
    out: list[_Tok] = []
    last = before = ""  # words of out[-1] and out[-2]
    for t in sent:
        x = t[0]
        if x in _CLAUSE_DROP:
            continue
        if x == ",":
            if not out or last == ",":
                continue
        elif out and (last == x or (last == "," and before == x)):
            # "what, what individuals" / "that that" -> one word
            if last == ",":
                out.pop()
                last, before = before, out[-2][0] if len(out) >= 2 else ""
            continue
        out.append(t)
        last, before = x, last
    return out


def _talks_on(clauses: list[list[_Tok]], si: int) -> bool:
    """True when the speaker goes on with a statement of 4+ words after sentence si."""
    for ctoks in clauses[si + 1:]:
        if sum(1 for t in ctoks if t[0] != ",") >= 4:
            return True
    return False


def analyse(text: str, armed: bool = False, lead: tuple[str, ...] = ()) -> QuestionAnalysis:
    """Classify a text; never raises. Cost: O(tokens), a few µs per token (see the module docstring).

    `armed`: the text continues one that ended with a preface (see ARMED_THRESHOLD). `lead`: the text starts
    inside a sentence (after a cut) whose first words, lowercased, are these."""
    toks = _tokenise(text)
    sentences = _sentences(toks, text)
    parts: list[QuestionPart] = []
    last_is_q = False
    ends_qmark = bool(toks) and toks[-1][0] == "?"
    clauses = [_clause_tokens(sent) for sent in sentences]
    n_sent = len(sentences)
    cuts: list[int] = []
    spans: list[tuple[int, int]] = []
    marks: list[tuple[int, bool]] = []  # (position, armed from there on), for the armed state at each cut
    for si, sent in enumerate(sentences):
        ctoks = clauses[si]
        if sent:
            spans.append((sent[0][1], sent[-1][2]))
            marks.append((sent[0][1], armed))
            if sent[-1][0] in HARD and si + 1 < n_sent:
                cuts.append(sent[-1][2])
        w = list(map(_word, ctoks))
        n = len(w)
        caps = _Caps(text, ctoks)
        # Safe cuts inside a run: before a content word after a content word. No cue starts at either, so
        # the text after the cut analysed on its own finds the same cues (those before it are frozen with
        # the lookahead they had).
        if n > 3:
            unsafe = list(map(CUT_UNSAFE.__contains__, w))
            cuts += compress(map(_start, ctoks[2:n - 1]), map(not_, map(or_, unsafe[2:n - 1], unsafe[1:n - 2])))
        is_last_sentence = si == n_sent - 1
        if is_last_sentence:
            last_is_q = False
        if n == 0:
            continue
        sent_q = sent[-1][0] == "?"
        content = [x for x in w if x != ","] if "," in w else w
        if _is_backchannel(content):
            armed = False
            continue
        hits: list[tuple[int, str, float]] = []
        starts = _starts(w)
        for s, mid in starts:
            if s > 0 and not mid and w[s - 1] in CUT_BEFORE and w[s - 1] != "," and s - 1 > 0:
                cuts.append(ctoks[s - 1][1])
            j = _skip_markers(w, s, n)
            if j >= n or (hits and hits[-1][0] == j):
                continue
            cue = _cue_at(w, j, n, True, mid, caps)
            if cue is not None:
                hits.append((j, cue[0], cue[1]))
        if hits and not sent_q and w[hits[0][0]] == "which" and _relative_which(w, hits[0][0]):
            hits = hits[1:]
        hits = _merge(hits, _inner_hits(w, caps, {j for j, _, _ in hits}))
        if hits and not (_SPEECH_VERBS.isdisjoint(w) and _FREE_RELATIVE_BEFORE.isdisjoint(w)):
            hits = [h for h in hits if not _reported(w, h[0])]
        if not any(c != "preface" for _, c, _ in hits):
            cue2 = _statement_cue(w, content, sent_q, lead if si == 0 else (),
                                  not FILLER_TOKENS.isdisjoint(map(_word, sent)), sent[-1][0] in (".", "!"))
            if cue2 is not None:
                hits = _merge(hits, [(0, cue2[0], cue2[1])])
        if not hits:
            if content:
                armed = False if len(content) > 3 else armed
            continue
        # Group hits into parts: a part runs from its cue to the next cue in this sentence.
        for hi, (j, cue_name, score) in enumerate(hits):
            if sent_q and cue_name not in ("declarative", "qmark", "tag", "preface", "confirm"):
                score = min(1.0, score + 0.1)
            first = 0 if cue_name in ("tag", "declarative", "qmark", "confirm") else j
            stop = hits[hi + 1][0] if hi + 1 < len(hits) else n
            while stop > first and w[stop - 1] in (",", "and", "or", "but", "so", "also", "then"):
                stop -= 1
            pw = [x for x in w[first:stop] if x != ","]
            if not pw:
                continue
            # "and why is that? Because ..." - a question its speaker answers at once. Only for
            # "why": after "Does this undercut ...? Because ..." the asker gives a reason.
            if si + 1 < n_sent and hi == len(hits) - 1 and "why" in pw[:3]:
                nxt = [t[0] for t in clauses[si + 1]]
                if nxt[:1] == ["because"] or nxt[:2] == ["it's", "because"]:
                    score = min(score, 0.3)
            if cue_name in ("tag", "declarative", "qmark") and _talks_on(clauses, si):
                score = min(score, 0.4)  # "..., right? We know that ...": rhetorical
            if hi == len(hits) - 1 and content[-1] in _CHAIR_LAST and any(
                    tuple(content[-len(v):]) == v for v in CHAIR_VOCATIVES):
                score = min(score, 0.3)  # "How are we doing on time, Mr. Chairman?": put to the chair
            if armed and cue_name != "preface" and score >= ARMED_THRESHOLD:
                # A preface announced a question: what follows it is that question.
                score = max(score, QUESTION_THRESHOLD)
            armed = cue_name == "preface" or (armed and score < QUESTION_THRESHOLD)
            done = cue_name == "tag" or _complete(pw)
            start, end = ctoks[first][1], ctoks[stop - 1][2]
            parts.append(QuestionPart(text[start:end], cue_name, score, done, start, end))
            marks.append((ctoks[j][1], armed))
        if sent:
            marks.append((sent[-1][2], armed))
        if is_last_sentence:
            last_is_q = parts[-1].cue != "preface" if parts else False
    scored = tuple(p for p in parts if p.score >= QUESTION_THRESHOLD)
    conf = max((p.score for p in parts if p.cue != "preface"), default=0.0)
    is_q = bool(scored)
    ends_q = last_is_q and is_q and parts[-1].score >= QUESTION_THRESHOLD
    cut_list = sorted(set(cuts))
    armed_cuts: list[int] = []
    if any(a for _, a in marks):
        mi = -1
        for c in cut_list:
            while mi + 1 < len(marks) and marks[mi + 1][0] <= c:
                mi += 1
            if mi >= 0 and marks[mi][1]:
                armed_cuts.append(c)
    return QuestionAnalysis(is_q, conf, scored, ends_q, ends_q and parts[-1].complete, ends_qmark,
                            tuple(cut_list), tuple(spans), armed and not ends_q, tuple(armed_cuts))


def is_question(text: str) -> bool:
    """True when analyse(text) finds at least one question part."""
    return analyse(text).is_question


