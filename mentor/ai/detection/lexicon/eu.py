"""German, French and Spanish word lists for the shared European clause rules (`clauses_eu`).

One `Lexicon` per language. What each list is for:
- `wh`: interrogative words. German puts the finite verb right after a wh-word in a question ("Was haben
  Sie ...") and at the end in an embedded clause ("..., was Sie gemacht haben"), so `wh_embedded_next`
  lists the subject pronouns that, right after the wh-word, mark the embedded reading. Spanish writes the
  interrogatives with an accent ("qué", "cómo") and the relatives without ("que", "como").
- `verb_first`: finite verbs (auxiliaries, modals and common verbs) that open a yes/no question when a
  subject pronoun follows ("Haben Sie", "Können Sie"); German formal imperatives have the same shape
  ("Erzählen Sie mir ..."), which is an interview prompt anyway.
- `prompts`: imperative prompts ("beschreiben Sie", "racontez-moi", "cuéntame").
- `indirect`: word sequences of indirect questions ("ich würde gern wissen", "je me demande").
- `tags`: confirming tags at a clause end ("..., oder?", "n'est-ce pas", "¿verdad?").
- `backchannels`: bare reactions in question form that need no answer ("echt?", "vraiment ?", "¿en serio?").
- `markers`: discourse markers skipped at a clause start ("also", "alors", "bueno").
- `open_end`: function words a finished question does not end with (the speaker is still going).
- `preface`: frames that announce a question without asking it yet (`mentor.ai.detection.preface`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LEXICONS", "Lexicon"]


@dataclass(frozen=True, slots=True)
class Lexicon:
    code: str
    wh: frozenset[str]
    wh_pairs: frozenset[tuple[str, str]]        # two-word interrogatives: ("por", "qué"), ("est-ce", "que")
    wh_embedded_next: frozenset[str]
    verb_first: frozenset[str]
    subjects: frozenset[str]
    prompts: frozenset[str]
    prompt_pairs: frozenset[tuple[str, str]]
    indirect: tuple[tuple[str, ...], ...]
    tags: tuple[tuple[str, ...], ...]
    backchannels: frozenset[tuple[str, ...]]
    markers: frozenset[str]
    open_end: frozenset[str]
    embed_before: frozenset[str]                # verbs of knowing/saying that take an embedded wh-clause
    hyphen_inversion: frozenset[str]            # French "-vous", "-t-il": verb-subject inversion
    not_inversion: frozenset[str]               # hyphenated words that are not inversions ("peut-être")


_DE_SUBJ = frozenset({"sie", "du", "ihr", "es", "er", "wir", "man", "das", "ich", "jemand", "dies"})

DE = Lexicon(
    code="de",
    wh=frozenset({
        "was", "wie", "warum", "wieso", "weshalb", "weswegen", "wann", "wo", "woher", "wohin", "wer", "wen",
        "wem", "wessen", "welche", "welcher", "welches", "welchen", "welchem", "womit", "wofür", "worüber",
        "woran", "wozu", "wodurch", "worauf", "inwiefern", "inwieweit", "wieviel", "wieviele",
    }),
    wh_pairs=frozenset({("wie", "viel"), ("wie", "viele"), ("wie", "lange"), ("wie", "oft"), ("was", "für")}),
    wh_embedded_next=_DE_SUBJ - {"das", "es"} | {"ihr", "mein", "dein", "sein", "unser"},
    verb_first=frozenset({
        "haben", "hast", "hat", "habt", "hatten", "hattest", "hätten", "hättest", "sind", "bist", "ist", "seid",
        "war", "waren", "warst", "wären", "wärst", "wäre", "kann", "kannst", "können", "könnt", "könnten",
        "könntest", "würde", "würden", "würdest", "wird", "werden", "wirst", "will", "willst", "wollen",
        "wollten", "soll", "sollen", "sollte", "sollten", "muss", "musst", "müssen", "darf", "dürfen",
        "gibt", "gab", "geht", "ging", "kennen", "kennst", "wissen", "weißt", "glauben", "glaubst", "denken",
        "denkst", "finden", "findest", "sehen", "siehst", "arbeiten", "arbeitest", "nutzen", "nutzt",
        "verwenden", "verwendest", "mögen", "magst", "möchten", "möchtest", "hatte", "machen", "machst",
        "macht", "haben's", "gäbe", "planen", "planst", "fühlen", "fühlst", "bevorzugen", "bevorzugst",
        "erinnern", "erinnerst", "brauchen", "brauchst", "leiten", "leitest", "sprechen", "sprichst",
    }),
    subjects=_DE_SUBJ,
    prompts=frozenset({
        "erzählen", "erzähl", "erzähle", "beschreiben", "beschreib", "beschreibe", "erklären", "erklär",
        "erkläre", "schildern", "schildere", "nennen", "nenn", "nenne", "stellen", "stell", "geben", "gib",
        "führen", "führ", "skizzieren", "skizziere", "vergleichen", "vergleiche", "begründen", "begründe",
    }),
    prompt_pairs=frozenset(),
    indirect=(
        ("ich", "würde", "gern", "wissen"), ("ich", "würde", "gerne", "wissen"), ("ich", "möchte", "wissen"),
        ("ich", "möchte", "gern", "wissen"), ("ich", "möchte", "gerne", "wissen"), ("mich", "würde", "interessieren"),
        ("mich", "interessiert"), ("ich", "frage", "mich"), ("ich", "wüsste", "gern"), ("ich", "wüsste", "gerne"),
        ("ich", "bin", "neugierig"), ("ich", "würde", "gern", "hören"), ("ich", "würde", "gerne", "hören"),
        ("ich", "würde", "gern", "verstehen"), ("ich", "würde", "gerne", "verstehen"),
    ),
    tags=(("nicht", "wahr"), ("oder",), ("gell",), ("ne",), ("stimmt's",), ("stimmts",), ("richtig",),
          ("oder", "nicht")),
    backchannels=frozenset({("echt",), ("wirklich",), ("ach", "so"), ("ja",), ("oder",), ("wie", "bitte"),
                            ("genau",), ("stimmt",), ("richtig",), ("ach", "ja"), ("ach", "wirklich"),
                            ("was",), ("tatsächlich",), ("ach",), ("okay",), ("gut",), ("ne",), ("hm",)}),
    markers=frozenset({
        "und", "also", "aber", "ja", "gut", "okay", "ok", "na", "nun", "so", "dann", "äh", "ähm", "hm", "genau",
        "super", "prima", "danke", "klar", "schön", "toll", "jetzt", "noch", "eine", "frage", "zum", "schluss",
        "abschließend", "kurz", "übrigens", "vielleicht", "denn", "sehr", "interessant", "verstehe", "alles",
    }),
    open_end=frozenset({
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "und", "oder",
        "aber", "mit", "von", "zu", "zum", "zur", "für", "über", "an", "auf", "in", "im", "bei", "aus", "wie",
        "was", "wenn", "dass", "ob", "weil", "ihr", "ihre", "ihren", "ihrem", "ihrer", "sie", "ich", "wir",
        "mir", "uns", "sehr", "so", "um", "als", "äh", "ähm",
    }),
    embed_before=frozenset({
        "weiß", "wissen", "weißt", "frage", "fragen", "verstehe", "verstehen", "sagen", "sagte", "erklären",
        "zeigen", "egal", "nicht", "sicher", "unklar", "klar", "gesagt", "erzählt", "beschrieben", "mich",
    }),
    hyphen_inversion=frozenset(),
    not_inversion=frozenset(),
)

_FR_PRON = ("vous", "tu", "il", "elle", "ils", "elles", "on", "nous", "je")

FR = Lexicon(
    code="fr",
    wh=frozenset({
        "qui", "quoi", "comment", "pourquoi", "quand", "où", "quel", "quelle", "quels", "quelles", "combien",
        "lequel", "laquelle", "lesquels", "lesquelles", "qu'est-ce", "est-ce", "que", "qu'avez-vous",
        "qu'est", "d'où",
    }),
    wh_pairs=frozenset({("est-ce", "que"), ("est-ce", "qu'il"), ("est-ce", "qu'on"), ("est-ce", "qu'elle"),
                        ("qu'est-ce", "que"), ("qu'est-ce", "qui")}),
    wh_embedded_next=frozenset({"je", "j'ai"}),
    verb_first=frozenset(),
    subjects=frozenset(_FR_PRON),
    prompts=frozenset({
        "parlez-moi", "parle-moi", "parlez-nous", "racontez-moi", "raconte-moi", "racontez-nous", "décrivez",
        "décris", "décrivez-moi", "décris-moi", "expliquez", "explique", "expliquez-moi", "explique-moi",
        "expliquez-nous", "donnez-moi", "donne-moi", "donnez-nous", "imaginez", "imagine", "citez", "cite",
        "présentez-vous", "présente-toi", "présentez-moi", "dites-moi", "dis-moi", "dites-nous", "comparez",
        "détaillez", "justifiez", "montrez-moi", "guidez-moi", "supposez", "suppose",
    }),
    prompt_pairs=frozenset(),
    indirect=(
        ("je", "voudrais", "savoir"), ("j'aimerais", "savoir"), ("je", "me", "demande"), ("je", "suis", "curieux"),
        ("je", "suis", "curieuse"), ("j'aimerais", "comprendre"), ("je", "voudrais", "comprendre"),
        ("j'aimerais", "entendre"), ("je", "voudrais", "entendre"), ("j'aimerais", "bien", "savoir"),
        ("ça", "m'intéresse", "de", "savoir"), ("je", "serais", "curieux"), ("je", "serais", "curieuse"),
        ("pourriez-vous",), ("pouvez-vous",), ("peux-tu",), ("pourrais-tu",), ("vous", "pouvez", "me"),
        ("tu", "peux", "me"),
    ),
    tags=(("n'est-ce", "pas"), ("non",), ("hein",), ("c'est", "ça"), ("pas", "vrai"), ("d'accord",),
          ("vrai",), ("oui", "ou", "non"), ("ou", "pas"), ("ou", "non")),
    backchannels=frozenset({("vraiment",), ("ah", "bon"), ("c'est", "vrai"), ("non",), ("oui",), ("hein",),
                            ("pardon",), ("d'accord",), ("ah",), ("ah", "oui"), ("sérieux",), ("quoi",),
                            ("comment",), ("ok",), ("bien",)}),
    markers=frozenset({
        "et", "alors", "donc", "mais", "bon", "ben", "bah", "euh", "ok", "d'accord", "bien", "très", "merci",
        "parfait", "super", "ensuite", "puis", "maintenant", "oui", "voilà", "intéressant", "enfin", "sinon",
        "aussi", "ah", "oh", "eh", "justement", "d'abord", "question",
    }),
    open_end=frozenset({
        "le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'", "et", "ou", "mais", "avec", "pour", "sur",
        "dans", "à", "au", "aux", "en", "par", "que", "qu'", "qui", "si", "votre", "vos", "ton", "ta", "tes",
        "mon", "ma", "mes", "notre", "nos", "leur", "leurs", "ce", "cette", "ces", "vous", "tu", "je", "nous",
        "comme", "très", "plus", "euh",
    }),
    embed_before=frozenset({
        "sais", "sait", "savoir", "savez", "demande", "demander", "comprends", "comprendre", "dire", "dit",
        "explique", "expliquer", "montrer", "idée", "importe", "sûr", "sûre", "vu",
    }),
    hyphen_inversion=frozenset({"-" + p for p in _FR_PRON} | {"-t-il", "-t-elle", "-t-on"}),
    not_inversion=frozenset({"peut-être", "dit-il", "dit-elle", "a-t-il dit", "c'est-à-dire", "vous-même",
                             "moi-même", "lui-même", "elle-même", "nous-mêmes", "vous-mêmes", "toi-même"}),
)

ES = Lexicon(
    code="es",
    wh=frozenset({
        "qué", "cómo", "cuándo", "dónde", "adónde", "cuál", "cuáles", "quién", "quiénes", "cuánto", "cuánta",
        "cuántos", "cuántas", "por qué",
    }),
    wh_pairs=frozenset({("por", "qué"), ("para", "qué"), ("de", "qué"), ("en", "qué"), ("con", "qué"),
                        ("de", "dónde"), ("a", "qué"), ("a", "quién"), ("con", "quién"), ("de", "quién")}),
    wh_embedded_next=frozenset(),
    verb_first=frozenset({
        "puedes", "puede", "pueden", "podrías", "podría", "podrían", "tienes", "tiene", "tienen", "has", "ha",
        "han", "hay", "es", "eres", "son", "estás", "está", "están", "sabes", "sabe", "saben", "conoces",
        "conoce", "crees", "cree", "piensas", "piensa", "te", "le", "usaste", "usó", "trabajaste",
        "trabajó", "quieres", "quiere", "prefieres", "prefiere", "harías", "haría", "hiciste", "hizo",
    }),
    subjects=frozenset({"tú", "usted", "ustedes", "vosotros", "él", "ella", "eso", "esto"}),
    prompts=frozenset({
        "cuéntame", "cuénteme", "cuéntanos", "cuéntenos", "háblame", "hábleme", "háblanos", "describe",
        "describa", "descríbeme", "descríbame", "descríbenos", "explica", "explique", "explícame",
        "explíqueme", "explícanos", "dame", "deme", "danos", "imagina", "imagine", "imaginemos", "supón",
        "suponga", "compara", "compare", "menciona", "mencione", "dime", "dígame", "díganos", "preséntate",
        "preséntese", "guíame", "guíeme", "detalla", "detalle", "justifica", "justifique",
    }),
    prompt_pairs=frozenset(),
    indirect=(
        ("me", "gustaría", "saber"), ("quisiera", "saber"), ("me", "pregunto"), ("tengo", "curiosidad"),
        ("me", "gustaría", "entender"), ("me", "gustaría", "escuchar"), ("me", "gustaría", "oír"),
        ("quiero", "saber"), ("quisiera", "entender"), ("me", "interesa", "saber"), ("me", "encantaría", "saber"),
        ("me", "da", "curiosidad"),
    ),
    tags=(("verdad",), ("no",), ("cierto",), ("sí", "o", "no"), ("o", "no"), ("vale",), ("correcto",),
          ("no", "es", "así"), ("es", "así")),
    backchannels=frozenset({("en", "serio"), ("de", "verdad"), ("verdad",), ("sí",), ("no",), ("cómo",),
                            ("perdón",), ("qué",), ("ah", "sí"), ("vale",), ("claro",), ("ah",), ("bueno",),
                            ("ok",), ("ah", "no"), ("cierto",)}),
    markers=frozenset({
        "y", "pues", "bueno", "entonces", "vale", "ok", "eh", "este", "o", "pero", "bien", "perfecto", "gracias",
        "luego", "claro", "ahora", "muy", "interesante", "genial", "también", "además", "oye", "mira", "ya",
        "sí", "ah", "vaya", "primero", "finalmente", "pregunta",
    }),
    open_end=frozenset({
        "el", "la", "los", "las", "un", "una", "unos", "unas", "de", "del", "al", "a", "y", "o", "pero", "con",
        "para", "por", "en", "sobre", "que", "su", "sus", "tu", "tus", "mi", "mis", "nuestro", "nuestra", "este",
        "esta", "ese", "esa", "me", "te", "se", "nos", "le", "muy", "más", "como", "cuando", "si", "eh",
    }),
    embed_before=frozenset({
        "sé", "sabe", "saber", "sabes", "pregunto", "preguntar", "entiendo", "entender", "dime", "decir", "dijo",
        "explicar", "mostrar", "importa", "seguro", "segura", "idea", "ver", "depende", "lo",
    }),
    hyphen_inversion=frozenset(),
    not_inversion=frozenset(),
)

LEXICONS: dict[str, Lexicon] = {lex.code: lex for lex in (DE, FR, ES)}
