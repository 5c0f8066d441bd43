"""Question rules shared by German, French and Spanish, driven by each language's word lists.

The cues, by strength:
- an interrogative word at a clause start that is not followed by the embedded-clause shape (German:
  "Was haben Sie ..." asks, "was Sie gemacht haben" is embedded; Spanish: accented "qué", "cómo", or a
  pair "por qué"; French: "est-ce que", "qu'est-ce que", "pourquoi", ...);
- verb-subject inversion: German verb-first ("Haben Sie ...", "Können Sie ..."), French hyphenated
  inversion anywhere ("Avez-vous ...", "... a-t-il ..."), Spanish "¿" which opens a question in writing;
- imperative prompts ("Beschreiben Sie ...", "Racontez-moi ...", "Cuéntame ...") and indirect frames
  ("ich würde gern wissen", "je me demande", "me gustaría saber");
- a confirming tag at the end ("..., oder?", "n'est-ce pas", "¿verdad?");
- an inference put to the listener ("Sie haben also ...", "Donc vous avez ...", "Entonces dirigiste ...");
- a real final "?" on a sentence of two words or more. These languages have fewer word-order cues than
  English (Spanish and colloquial French yes/no questions are declarative in form), so the "?" on a
  finished sentence is trusted more than the English rules trust it; bare backchannels ("echt?",
  "vraiment ?", "¿en serio?") never count.

Boundaries follow the English rules: "?"/"." end a sentence only before a capital or at the end of the text.
Cost: linear in the number of tokens.
"""

from __future__ import annotations

import re

from mentor.ai.detection.lexicon.eu import LEXICONS, Lexicon
from mentor.ai.detection.verdict import QUESTION_THRESHOLD, QuestionAnalysis, QuestionPart

__all__ = ["LANGUAGES", "analyse"]

LANGUAGES = frozenset(LEXICONS)

_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*'?|\d+|[?.!;:,¿¡—–]|--")
_HARD = frozenset("?.!;:")
_PUNCT = frozenset("?.!;:,¿¡—–") | {"--"}
# Object pronouns joined to a Spanish infinitive: "explicarlo", "contarme", "describírnoslo".
_ES_CLITICS = re.compile(r"(?:me|te|se|nos|os|lo|la|los|las|le|les)+$")
_FILLERS = frozenset({"äh", "ähm", "hm", "hmm", "euh", "heu", "eh", "em", "mm", "um", "uh"})


def _tokens(text: str) -> list[tuple[str, int, int, bool]]:
    out: list[tuple[str, int, int, bool]] = []
    low = text.lower().replace("’", "'")
    for m in _TOKEN_RE.finditer(low):
        w = m.group()
        if w in ("—", "–", "--"):
            w = ","
        out.append((w, m.start(), m.end(), text[m.start()].isupper()))
    return out


def _sentences(toks: list[tuple[str, int, int, bool]]) -> list[list[tuple[str, int, int, bool]]]:
    out: list[list[tuple[str, int, int, bool]]] = []
    cur: list[tuple[str, int, int, bool]] = []
    for i, t in enumerate(toks):
        if t[0] in _HARD:
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is None or nxt[3] or nxt[0] in _PUNCT or t[0] not in ("?", "."):
                cur.append(t)
                out.append(cur)
                cur = []
            continue
        cur.append(t)
    if cur:
        out.append(cur)
    return out


def _starts(w: list[str], lex: Lexicon) -> list[int]:
    """Clause starts: text start, after a comma or "¿", skipping discourse markers."""
    out: list[int] = []
    i = 0
    n = len(w)
    starts = [0] + [k + 1 for k, x in enumerate(w) if x in (",", "¿", "¡")]
    for s in starts:
        i = s
        while i < n and (w[i] in lex.markers or w[i] in (",", "¿", "¡")):
            i += 1
        if i < n and (not out or out[-1] != i):
            out.append(i)
    return out


def _is_inversion(word: str, lex: Lexicon) -> bool:
    return "-" in word and word not in lex.not_inversion and any(word.endswith(s) for s in lex.hyphen_inversion)


def _cue_at(w: list[str], i: int, lex: Lexicon, at_start: bool) -> tuple[str, float] | None:
    n = len(w)
    a = w[i]
    b = w[i + 1] if i + 1 < n else ""
    if (a, b) in lex.wh_pairs:
        return ("wh", 0.85 if at_start else 0.65)
    if a in lex.wh:
        if not at_start and (i == 0 or w[i - 1] in lex.embed_before):
            return None
        if lex.code == "de" and b in lex.wh_embedded_next and a not in ("wer", "was"):
            return None  # "wie Sie das gelöst haben": verb-final, an embedded clause
        if lex.code == "fr" and a in ("que", "quand", "comment", "qui") and not at_start:
            return None  # relative or embedded in running French text
        if lex.code == "fr" and a == "que" and not (_is_inversion(b, lex) or b in ("faites", "pensez")):
            return None  # "que" opens a question only with inversion ("que pensez-vous")
        if b == "" or b in _PUNCT:
            return ("wh", 0.5 if at_start else 0.0) if a not in ("que", "was") else None
        return ("wh", 0.85 if at_start else 0.65)
    if _is_inversion(a, lex):
        return ("aux", 0.85 if at_start else 0.75)
    if at_start and a in lex.verb_first and b in lex.subjects:
        return ("aux", 0.85)
    if at_start and lex.code == "es" and a in lex.verb_first and b and b not in _PUNCT \
            and (_ES_CLITICS.sub("", b).endswith(("ar", "er", "ir")) and b not in ("ser", "estar", "haber")
                 or b in lex.subjects):  # "puede ser" (maybe), "puedes ser tú mismo" state
        return ("aux", 0.75)  # "puedes contarme", "podría explicarlo": a request in question form
    if at_start and (a in lex.prompts or (a, b) in lex.prompt_pairs):
        if lex.code == "de" and b not in ("sie", "mir", "uns", "du", "mal", "bitte", "doch", "kurz"):
            return None  # "stellen" / "geben" / "führen" are also plain verbs
        return ("prompt", 0.85)
    for seq in lex.indirect:
        if tuple(w[i:i + len(seq)]) == seq:
            return ("indirect", 0.8)
    return None


def _tag(content: list[str], lex: Lexicon, comma_before: bool, qmark: bool) -> float:
    for tag in lex.tags:
        k = len(tag)
        if len(content) > k + 1 and tuple(content[-k:]) == tag:
            if k >= 2 or tag[0] in ("oder", "gell", "verdad", "cierto", "hein"):
                return 0.8 if (comma_before or qmark or k >= 2) else 0.6
            return 0.7 if (comma_before and qmark) else (0.55 if qmark else 0.0)
    return 0.0


# "Sie haben also das Team geleitet", "Donc vous avez dirigé l'équipe", "Entonces dirigiste el equipo": an
# inference put to the listener for confirmation, as the English "so you led the team". By language: the
# inference words, the listener as subject, and the fillers that make "vous savez" no statement about them.
_INFERENCE: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {
    "de": (frozenset({"also", "dann"}), frozenset({"sie", "du", "ihr"}), frozenset({"wissen", "weißt", "sehen", "siehst"})),
    "fr": (frozenset({"donc", "alors", "ainsi"}), frozenset({"vous", "tu"}), frozenset({"savez", "sais", "voyez", "vois"})),
    "es": (frozenset({"entonces", "así"}), frozenset({"usted", "tú", "ustedes"}), frozenset({"sabes", "sabe", "ves", "ve"})),
}


def _puts_record(content: list[str], code: str) -> bool:
    inference, listener, fillers = _INFERENCE[code]
    head = content[:4]
    if len(content) < 4 or inference.isdisjoint(content[:3]) or not fillers.isdisjoint(head):
        return False
    # Spanish drops the subject: the verb's second-person past ending names the listener ("dirigiste").
    return not listener.isdisjoint(head) or (code == "es" and any(x.endswith(("aste", "iste")) for x in head))


def _complete(words: list[str], lex: Lexicon) -> bool:
    tail = [x for x in words if x not in _PUNCT]
    return len(tail) >= 2 and tail[-1] not in lex.open_end


def analyse(text: str, code: str, armed: bool = False) -> QuestionAnalysis:
    """Classify a text in language `code` (one of LANGUAGES); never raises. `armed` is accepted for the
    common signature; these rules do not detect prefaces yet, so a preface in these languages neither arms
    nor fires."""
    lex = LEXICONS[code]
    toks = _tokens(text)
    parts: list[QuestionPart] = []
    last_is_q = False
    ends_qmark = bool(toks) and toks[-1][0] == "?"
    sents = _sentences(toks)
    spans = tuple((sent[0][1], sent[-1][2]) for sent in sents if sent)
    cuts = tuple(sent[-1][2] for sent in sents[:-1] if sent and sent[-1][0] in _HARD)
    for si, sent in enumerate(sents):
        last_is_q = False
        ctoks = [t for t in sent if t[0] not in _HARD and t[0] not in _FILLERS]
        w = [t[0] for t in ctoks]
        content = [x for x in w if x not in _PUNCT]
        if not content:
            continue
        sent_q = sent[-1][0] == "?"
        opened = "¿" in w
        if tuple(content) in lex.backchannels:
            continue
        hits: list[tuple[int, str, float]] = []
        starts = _starts(w, lex)
        for s in starts:
            cue = _cue_at(w, s, lex, True)
            if cue is not None:
                hits.append((s, cue[0], cue[1]))
        taken = {h[0] for h in hits}
        for j in range(1, len(w)):
            if j in taken or w[j] in _PUNCT:
                continue
            cue = _cue_at(w, j, lex, False)
            if cue is not None and cue[1] >= 0.6:
                hits.append((j, cue[0], cue[1]))
        hits.sort()
        if not hits:
            tag = _tag(content, lex, len(w) >= 2 and w[-2] == ",", sent_q)
            if tag:
                hits.append((0, "tag", tag))
        if not hits and not sent_q and _puts_record(content, lex.code):
            hits.append((0, "declarative", 0.55))
        if not hits and (sent_q or opened):
            score = 0.65 if len(content) >= 2 else 0.45
            if opened:
                score = 0.8
            hits.append((0, "qmark", score))
        if not hits:
            continue
        for hi, (j, name, score) in enumerate(hits):
            if (sent_q or opened) and name not in ("qmark", "tag"):
                score = min(1.0, score + 0.1)
            first = 0 if name in ("tag", "qmark") else j
            stop = hits[hi + 1][0] if hi + 1 < len(hits) else len(ctoks)
            while stop > first and w[stop - 1] in (",", "¿", "¡"):
                stop -= 1
            if stop <= first:
                continue
            if name in ("tag", "qmark") and any(
                    sum(1 for t in later if t[0] not in _PUNCT) >= 4 for later in sents[si + 1:]):
                score = min(score, 0.4)  # "..., oder? Wir wissen ...": rhetorical, the speaker goes on
            pw = w[first:stop]
            start, end = ctoks[first][1], ctoks[stop - 1][2]
            parts.append(QuestionPart(text[start:end], name, score, name == "tag" or _complete(pw, lex), start, end))
        last_is_q = si == len(sents) - 1
    scored = tuple(p for p in parts if p.score >= QUESTION_THRESHOLD)
    conf = max((p.score for p in parts), default=0.0)
    ends_q = last_is_q and bool(scored) and parts[-1].score >= QUESTION_THRESHOLD
    return QuestionAnalysis(bool(scored), conf, scored, ends_q, ends_q and parts[-1].complete, ends_qmark,
                            cuts, spans)
