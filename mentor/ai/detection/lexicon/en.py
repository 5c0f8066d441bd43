"""English word lists for the clause rules (`clauses_en`): auxiliaries, subjects, wh-words, discourse
markers, interview prompts, indirect frames, tags and backchannels.

Only data lives here: the rules that read it are in `mentor.ai.detection.clauses_en`. Each list says in
its comment why a word is on it, so a change to a list can be judged without reading the rules.
"""

from __future__ import annotations

import re

# Possessive quantifiers: the same tokens without backtracking (~12% faster to split a caption with)
TOKEN_RE = re.compile(r"[A-Za-z0-9]++(?:['’][A-Za-z]++)*+|[?.!;:,—–]|--")
PUNCT = frozenset("?.!;:,—–") | {"--"}
HARD = frozenset("?.!;:")
DASHES = frozenset({"—", "–", "--"})

WH = frozenset({"what", "why", "how", "where", "when", "who", "whom", "whose", "which"})
# Wh-words fused with an auxiliary: a question at a clause start on their own.
WH_CONTRACTED = frozenset({
    "what's", "whats", "where's", "wheres", "how's", "hows", "who's", "whos", "why's", "when's",
    "what're", "who're", "where're", "how're", "what'd", "how'd", "where'd", "who'd", "why'd",
    "what'll", "who'll", "how'll", "what've", "who've", "whatre",
})
AUX_POS = frozenset({
    "do", "does", "did", "is", "are", "was", "were", "am", "can", "could", "will", "would",
    "shall", "should", "may", "might", "have", "has", "had", "must",
})
AUX_NEG = frozenset({
    "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "can't", "couldn't",
    "won't", "wouldn't", "shouldn't", "haven't", "hasn't", "hadn't", "ain't", "mustn't",
    "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "couldnt", "wont",
    "wouldnt", "shouldnt", "havent", "hasnt",
})
AUX = AUX_POS | AUX_NEG
# Auxiliaries that are also common main verbs at an imperative clause start ("do the work").
AUX_WEAK = frozenset({"do", "have", "had", "must", "may", "might"})
PRONOUN_SUBJ = frozenset({
    "you", "i", "we", "they", "he", "she", "it", "there", "y'all", "ya", "u", "anyone",
    "anybody", "someone", "somebody", "everyone", "everybody", "anything", "something",
    "everything",
})
# Subject + auxiliary fused: after a wh-word they mark an embedded clause ("what you're doing").
SUBJ_CONTRACTED = frozenset({
    "i'm", "you're", "we're", "they're", "he's", "she's", "it's", "i've", "you've", "we've",
    "they've", "i'd", "you'd", "we'd", "they'd", "i'll", "you'll", "we'll", "they'll", "that's",
    "there's", "im", "youre", "theyre", "ive", "id",
})
FILLER_TOKENS = frozenset({"uh", "um", "umm", "uhm", "er", "erm", "ah", "hmm", "mm", "huh"})
# Subjects after "do"/"have"/"had", which are also main verbs in imperatives ("do something").
WEAK_AUX_SUBJ = frozenset({"you", "i", "we", "they", "he", "she", "y'all", "ya", "u", "people",
                            "these", "those", "any", "your", "the"})
DEMONSTRATIVE = frozenset({"that", "this", "these", "those"})
DETERMINER = frozenset({"the", "your", "my", "our", "their", "his", "her", "its"})
SUBJECT = PRONOUN_SUBJ | DEMONSTRATIVE | DETERMINER
# Words that start no question but often precede one; skipped at clause starts.
MARKERS = frozenset({
    "uh", "um", "uhm", "umm", "er", "erm", "ah", "oh", "hm", "hmm", "mm", "mhm", "so", "and",
    "but", "or", "well", "okay", "ok", "alright", "now", "then", "also", "like", "yeah", "yes",
    "right", "great", "cool", "good", "nice", "perfect", "awesome", "actually", "anyway",
    "anyways", "basically", "just", "please", "listen", "hey", "hi", "hello",
    "thanks", "first", "second", "next", "finally", "lastly", "again", "quickly", "briefly",
    "honestly", "maybe", "perhaps", "because", "cause", "plus", "though", "otherwise", "sorry",
})
# Two-word markers, checked before single words.
MARKERS2 = frozenset({
    ("i", "mean"), ("you", "know"), ("all", "right"), ("thank", "you"), ("i", "guess"),
    ("and", "then"), ("follow", "up"), ("by", "the"), ("the", "way"), ("let's", "see"),
    ("kind", "of"), ("sort", "of"), ("moving", "on"), ("of", "all"), ("question", "is"), ("question", "was"),
})
# Words after which a lexical clause boundary is assumed even without punctuation.
BOUNDARY_WORDS = MARKERS | {"wondering", "curious", "clarify"}  # "just to clarify, was the outage ..."
HOW_DEGREE = frozenset({
    "long", "often", "far", "much", "many", "big", "old", "well", "soon", "late", "early",
    "fast", "large", "small", "important", "hard", "difficult", "likely", "confident",
    "comfortable", "familiar", "good", "bad", "different", "exactly", "else", "frequently",
    "quickly", "closely", "sure",
})
WH_BARE_OK = frozenset({"not", "about", "come", "so", "else", "if"})
# Verbs that make a subject wh-question without an auxiliary ("what happened", "who built it").
WH_VERBS = frozenset({
    "happened", "happens", "made", "makes", "brought", "brings", "led", "leads", "caused",
    "causes", "motivates", "motivated", "drives", "drove", "drew", "draws", "got", "gets", "interests",
    "interested", "excites", "excited", "went", "goes", "worked", "works", "came", "comes",
    "changed", "changes", "helped", "helps", "matters", "mattered", "surprised", "stands",
    "stood", "keeps", "kept", "inspired", "inspires", "attracted", "attracts", "wrote", "built",
    "decided", "decides", "owns", "owned", "knows", "needs", "needed", "prompted", "else", "kind", "type", "sort", "part", "aspect", "role", "skills", "tools", "steps",
    "challenges", "languages", "technologies", "projects", "one", "ones", "way", "approach",
})
PROMPT_OBJ = frozenset({"me", "us"})
# Imperative interview prompts: verb, then words that must follow (None = anything).
PROMPTS: dict[str, frozenset[str] | None] = {
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
    "say": frozenset({"more", "a"}),  # "say more about that", "say a bit more"
}
# "tell me ...", "walk us through ...": verb + me/us, then words that must follow (None = anything).
PROMPTS_OBJ: dict[str, frozenset[str] | None] = {
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
GIVE_NOT = frozenset({"second", "moment", "minute", "sec", "break", "call", "chance", "hand"})
# Indirect questions / requests: word sequences at a clause start.
INDIRECT = (
    ("i'd", "like", "to", "hear"), ("i'd", "like", "to", "know"), ("i'd", "like", "to", "understand"),
    ("i'd", "love", "to", "hear"), ("i'd", "love", "to", "know"), ("i", "would", "like", "to", "hear"),
    ("i", "would", "like", "to", "know"), ("i", "want", "to", "know"), ("i", "want", "to", "hear"),
    ("i'd", "like", "you", "to"), ("i", "want", "you", "to"), ("i", "would", "like", "you", "to"),
    ("i", "need", "you", "to"), ("we'd", "like", "you", "to"), ("we", "want", "you", "to"), ("we", "need", "you", "to"),
    ("we", "would", "like", "you", "to"), ("we'd", "like", "to", "hear"), ("we'd", "like", "to", "know"),
    ("we'd", "love", "to", "hear"), ("we", "would", "like", "to", "hear"), ("i'm", "curious"), ("i", "am", "curious"), ("i", "was", "curious"),
    ("i'm", "wondering"), ("i", "was", "wondering"), ("i", "am", "wondering"), ("i", "wonder", "if"),
    ("i", "wonder", "whether"), ("i", "wonder", "what"), ("i", "wonder", "how"), ("i", "wonder", "why"),
    ("i'm", "interested", "in", "hearing"), ("i'd", "be", "interested", "to"), ("i", "am", "interested", "in"),
    ("i'm", "interested", "in"), ("i", "would", "be", "interested", "in"), ("i'd", "be", "interested", "in"),
    ("i", "am", "curious"), ("i", "would", "be", "curious"), ("i'm", "asking"), ("i", "am", "asking"),
    ("all", "i'm", "asking"), ("all", "i", "am", "asking"), ("i'm", "just", "asking"),
    ("i'd", "be", "curious", "to"), ("let", "me", "ask", "you"), ("let", "me", "ask"),
    ("if", "you", "can", "tell"), ("if", "you", "could", "tell"), ("if", "you", "could", "explain"),
    ("if", "you", "can", "explain"), ("if", "you", "could", "walk"), ("if", "you", "can", "walk"),
    ("think", "of", "a", "time"), ("think", "about", "a", "time"), ("go", "ahead", "and"),
    ("i", "don't", "know", "if", "you"), ("i", "don't", "know", "if", "you've"),
    ("i", "don't", "know", "whether", "you"), ("not", "sure", "if", "you"), ("say", "you"), ("say", "you're"), ("let's", "say"), ("what", "if"), ("any", "thoughts"),
    # clipped openings: "Curious how you approached the migration", "Any experience with GraphQL?"
    ("curious", "how"), ("curious", "what"), ("curious", "why"), ("curious", "whether"), ("curious", "if"),
    ("curious", "about"), ("any", "experience"), ("any", "exposure"), ("any", "familiarity"),
    ("anything", "you"), ("anything", "you'd"), ("anything", "else", "you"),
    # puzzlement put to the listener: "I am still baffled as to what precedent you relied on"
    ("i'm", "baffled"), ("i", "am", "baffled"), ("i'm", "still", "baffled"), ("i", "am", "still", "baffled"),
    ("i'm", "puzzled"), ("i", "am", "puzzled"), ("i'm", "still", "puzzled"), ("i", "am", "still", "puzzled"),
    ("i", "don't", "understand", "why"), ("i", "don't", "understand", "how"), ("i", "do", "not", "understand", "why"),
    ("i", "don't", "quite", "understand"), ("i'm", "not", "sure", "i", "understand"), ("i", "fail", "to", "see"),
    ("i", "fail", "to", "understand"),
    ("your", "thoughts"), ("thoughts", "on"), ("any", "idea"),
    # Reporters and interviewers announce the question, then ask it (or leave it implied).
    ("i", "wanted", "to", "ask"), ("i", "want", "to", "ask"), ("i", "wanted", "to", "know"),
    ("i", "just", "wanted", "to", "ask"), ("i", "just", "want", "to", "ask"), ("let", "me", "just", "ask"),
    ("i", "have", "a", "question"), ("i", "had", "a", "question"), ("i'd", "like", "to", "ask"),
    ("i", "would", "like", "to", "ask"), ("i", "wanted", "to", "follow", "up"),
    ("any", "update"), ("any", "updates"), ("any", "comment"), ("any", "reaction"), ("any", "response"),
    ("any", "word"), ("any", "plans"), ("any", "sense"), ("any", "thoughts"),
    # "my question is whether ...", "the real question is how ...": the question follows, embedded.
    *((det, *noun, "is", wh) for det in ("my", "the") for noun in (("question",), ("next", "question"),
      ("real", "question"), ("only", "question"), ("question", "to", "you"))
      for wh in ("whether", "if", "how", "what", "why", "when", "where", "who")),
)
INDIRECT_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _seq in INDIRECT:
    INDIRECT_BY_FIRST.setdefault(_seq[0], []).append(_seq)
TAG_RIGHT_NOT = frozenset({
    "that's", "thats", "all", "alright", "is", "was", "it's", "you're", "youre", "exactly", "quite",
    "turn", "the", "go", "just", "not", "right", "were", "be", "are", "am", "i'm", "yeah", "okay",
    "ok", "oh", "uh", "um", "so", "and", "far", "very", "left", "hard", "get", "got", "a", "your",
    "my", "his", "her", "their", "our", "on", "to", "in", "him", "that", "yes", "absolutely", "it",
    "done", "them", "me", "out", "do", "doing", "did", "civil", "human", "voting", "about",
    "movement", "those", "pretty", "seems", "sounds", "looks", "feels",
})
# Tokens a finished question does not end with (the speaker is still going).
OPEN_END = frozenset({
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
BACKCHANNEL = frozenset({
    ("all", "right"), ("alright",), ("got", "it"), ("i", "see"), ("sure",), ("fine",), ("okay", "okay"),
    ("really",), ("oh", "really"), ("is", "that", "right"), ("is", "that", "so"), ("is", "that",
    "true"), ("right",), ("yeah",), ("huh",), ("what",), ("pardon",), ("sorry",), ("i", "beg",
    "your", "pardon"), ("how", "are", "you"), ("how", "are", "you", "doing"), ("how's", "it",
    "going"), ("how", "is", "it", "going"), ("how", "you", "doing"), ("you", "did"), ("no",),
    ("seriously",), ("okay",), ("ok",), ("excuse", "me"), ("say", "again"), ("come", "again"),
    ("how", "are", "you", "today"), ("how's", "your", "day"), ("how", "was", "your", "weekend"),
})
FILLER = frozenset({"uh", "um", "umm", "uhm", "er", "erm", "ah", "oh", "hm", "hmm", "mm", "well",
                     "so", "and", "but", "okay", "ok", "yeah", "like", "now"})


# mark ("karine on his speech yesterday could i follow up"). Subject-auxiliary inversion is rare
# in declaratives, so an auxiliary + subject after a word that can end a clause is a question,
# provided the word before cannot make the auxiliary part of a declarative ("we did it", "not
# only did we", "what I can do you ..."), and subject and auxiliary agree ("the idea is we ..."
# is a copula, not "are we").
AUX_SG = frozenset({"is", "was", "has", "does", "isn't", "wasn't", "hasn't", "doesn't", "isnt", "wasnt",
                     "hasnt", "doesnt"})
AUX_PL = frozenset({"are", "were", "have", "do", "aren't", "weren't", "haven't", "don't", "arent",
                     "werent", "havent", "dont"})
AUX_DO = frozenset({"do", "does", "did", "don't", "doesn't", "didn't", "dont", "doesnt", "didnt"})
AUX_MODAL = frozenset({"can", "could", "will", "would", "should", "can't", "couldn't", "won't",
                        "wouldn't", "shouldn't", "cant", "couldnt", "wont", "wouldnt", "shouldnt"})
INNER_AUX = AUX_SG | AUX_PL | AUX_DO | AUX_MODAL | {"am"}
AUX_HAVE = frozenset({"have", "has", "haven't", "hasn't", "havent", "hasnt"})
SUBJ_SG = frozenset({"it", "he", "she", "there", "that", "this"})
SUBJ_PL = frozenset({"you", "we", "they", "there", "these", "those"})
SUBJ_ANY = SUBJ_SG | SUBJ_PL | {"i", "anyone", "anybody", "someone", "somebody", "everyone"}
# Words before an auxiliary that keep it inside a declarative or an embedded clause.
INNER_NOT_AFTER = (PRONOUN_SUBJ | SUBJ_CONTRACTED | AUX | WH | DEMONSTRATIVE | {
    "if", "whether", "because", "than", "as", "only", "nor", "neither", "never", "not", "to", "who",
    "people", "else", "one", "ones", "what's", "where", "there's", "here's", "it's", "let's",
    "also", "just", "still", "really", "all", "much", "well", "so", "already", "often", "always",
    "ever", "rarely", "seldom", "of", "anything", "everything", "nothing",
})
# Prepositions and verbs after which "you"/"it" is an object, so a clause may end there
# ("a couple of questions for you do you have ...", "thank you can you ...").
OBJECT_BEFORE = frozenset({
    "for", "to", "with", "at", "from", "about", "on", "by", "thank", "thanks", "ask", "asked", "see",
    "tell", "told", "give", "gave",
})
# Bare verbs after "does it" / "did that": do-support, not the main verb "do" ("we did it again").
DO_SUPPORT_VERBS = frozenset({
    "mean", "matter", "make", "help", "change", "affect", "concern", "work", "bother", "surprise",
    "worry", "have", "seem", "feel", "look", "sound", "happen", "come", "go", "hurt", "apply", "count",
})
# Words after "aux + subject" that continue a declarative ("the money is there for ...",
# "what it does is it was ...") rather than a question.
INNER_NOT_BEFORE = ((AUX - {"have", "do", "had"}) | SUBJ_CONTRACTED | PUNCT | {
    "for", "in", "on", "at", "to", "and", "but", "or", "so", "because", "now", "too", "as", "with",
    "by", "from", "when", "if", "right", "yet", "already", "anymore", "today", "again", "you", "we",
    "they", "i", "know", "mean", "see", "guys", "all", "that", "then", "there", "here", "is", "was",
})
# Determiner subjects only after modals: "could the president ..." ("the team did the work" and
# "the question is the timing" are declaratives).
INNER_WH = frozenset({"why", "how", "what", "where", "when"})
INNER_WH_FUSED = frozenset({"what's", "whats", "how's", "where's", "why's", "what're", "how'd", "why'd"})
# Words that take an embedded wh-clause or a complement ("I know what's ...", "here's how
# do ..."), or license "any" in a statement ("we don't have any update on"): no question after.
EMBED_BEFORE = frozenset({
    "know", "knows", "knew", "see", "saw", "tell", "told", "ask", "asked", "understand", "explain",
    "show", "decide", "sure", "wonder", "about", "on", "at", "in", "for", "with", "that's", "matter",
    "care", "remember", "figure", "out", "learn", "hear", "heard", "find", "idea", "clear", "exactly",
    "depends", "no", "mean", "like", "look", "whatever", "regardless", "doing", "have", "has", "had",
    "get", "got", "give", "gave", "share", "provide", "offer", "make", "without", "from", "by", "into", "discuss", "discussed", "said", "say", "says", "is", "was", "are",
    "were", "be", "been", "hardly", "barely", "scarcely", "want", "wanted", "need", "needs",
}) | AUX_NEG
INNER_DET = frozenset({"the", "any", "your", "his", "her", "their", "our"})


# --- prefaces: announce a question without asking it ("let me ask you about ...", "I want to turn to ...")
# A preface arms the detector (what follows is the question) instead of firing it.
PREFACE_HEADS: tuple[tuple[str, ...], ...] = (
    ("let", "me"), ("let's",), ("let", "us"), ("i", "want", "to"), ("i", "wanted", "to"), ("i'd", "like", "to"),
    ("i", "would", "like", "to"), ("i'm", "going", "to"), ("i", "am", "going", "to"), ("we", "want", "to"),
    ("i'll",), ("i", "will"), ("i", "just", "want", "to"), ("i", "just", "wanted", "to"), ("i'd", "now", "like", "to"),
    ("now", "i", "want", "to"), ("now", "let", "me"), ("i", "would", "now", "like", "to"),
)
# Verbs of moving to a topic; the preface is the head, the verb, then one of `PREFACE_LINKS` within 3 words.
PREFACE_VERBS = frozenset({
    "turn", "move", "go", "come", "shift", "talk", "ask", "focus", "switch", "raise", "return", "follow",
    "get", "spend", "touch", "discuss", "explore", "pick", "jump", "look", "dig", "circle", "change",
})
PREFACE_LINKS = frozenset({"to", "about", "on", "back", "into", "at", "upon", "something", "this", "a", "some"})
# After "ask (you)": these words make it an indirect question, not a preface ("let me ask you whether ...").
PREFACE_NOT = frozenset({"whether", "if", "what", "how", "why", "who", "when", "where", "which", "to", "is",
                         "do", "does", "did", "can", "could", "would", "will", "are", "have", "has"})
# "I have a question about ...", "my next question ...", "one more question": announcements.
PREFACE_NOUN_HEADS: tuple[tuple[str, ...], ...] = (
    ("i", "have", "a", "question"), ("i", "have", "a", "few", "questions"), ("i", "have", "some", "questions"),
    ("i", "have", "a", "couple", "of", "questions"), ("i", "have", "one", "more", "question"),
    ("i", "have", "a", "quick", "question"), ("i", "have", "another", "question"), ("my", "next", "question"),
    ("my", "last", "question"), ("my", "final", "question"), ("one", "more", "question"), ("a", "final", "question"),
    ("one", "last", "question"), ("next", "question"), ("another", "question"), ("a", "quick", "question"),
    ("i", "had", "a", "question"), ("i", "have", "a", "follow", "up"), ("a", "follow", "up", "question"),
)
PREFACE_FIRST = frozenset(h[0] for h in PREFACE_HEADS + PREFACE_NOUN_HEADS)
# Markers before which an unpunctuated run may be cut for incremental analysis (a clause starts after them).
CUT_BEFORE = frozenset({"so", "and", "but", "okay", "ok", "well", "now", "then", "also", "alright", "anyway"})

# Frames that propose a reading of the listener's position or record for them to confirm. A statement
# holding one is a declarative question ("as I understand it, you joined in 1963").
_CONFIRM = (
    ("as", "i", "understand", "it"), ("as", "i", "understand"), ("as", "i", "recall"), ("as", "i", "remember"),
    ("if", "i", "understand", "you"), ("if", "i", "understand", "correctly"), ("if", "i", "recall", "correctly"),
    ("if", "i'm", "not", "mistaken"), ("if", "i", "am", "not", "mistaken"), ("correct", "me", "if"),
    ("what", "you're", "saying"), ("what", "you", "are", "saying"), ("what", "you're", "telling", "me"),
    ("what", "you", "are", "telling", "me"), ("so", "you're", "saying"), ("so", "you", "are", "saying"),
    ("you're", "saying"), ("you", "are", "saying"),
    ("in", "other", "words"), ("i", "take", "it"), ("i", "gather"), ("i", "presume"), ("as", "i", "read", "it"),
    ("you", "would", "agree"), ("you'd", "agree"), ("you", "would", "not", "deny"), ("you", "wouldn't", "deny"),
    ("you", "would", "not", "disagree"), ("you", "wouldn't", "disagree"), ("i", "assume", "you"),
    ("am", "i", "to", "understand"), ("if", "i", "heard", "you"), ("i", "would", "assume"), ("i", "assume"),
    ("i'm", "sure"), ("i", "am", "sure"), ("i", "would", "imagine"), ("i", "imagine"), ("it", "seems", "to", "me"),
    ("it", "seemed", "to", "me"),
    ("the", "point", "is"),
    ("your", "position", "is"), ("your", "view", "is"), ("your", "testimony", "is"), ("you're", "telling", "us"),
    ("you", "are", "telling", "us"), ("as", "you", "see", "it"), ("in", "your", "view"), ("in", "your", "opinion"),
)
# "... and that is your view today", "so that's your position": a sentence that ends by naming the listener's
# own position puts it to them for confirmation. The lead-ins before "your" and the nouns of a position:
SUMS_UP_LEAD = frozenset({("that", "is"), ("that's",), ("this", "is"), ("that", "was"), ("that", "remains"),
                          ("that's", "still"), ("that", "is", "still"), ("that", "was", "not"), ("that", "is", "not")})
POSITION_NOUNS = frozenset({"view", "views", "position", "opinion", "belief", "understanding", "testimony",
                            "recollection", "answer", "decision"})
SUMS_UP_AFTER = frozenset({"today", "now", "still", "then", "too", "also", "sir", "judge"})
CONFIRM_FRAMES: dict[str, list[tuple[str, ...]]] = {}
for _frame in _CONFIRM:
    CONFIRM_FRAMES.setdefault(_frame[0], []).append(_frame)
# First words of an elliptical follow-up that continues the previous exchange ("And before you?",
# "Through the Fourteenth Amendment?", "About then?", "All the time?", "The three judges?").
ELLIPSIS_OPENERS = frozenset({
    "and", "or", "but", "so", "through", "about", "with", "without", "for", "from", "by", "in", "on", "at",
    "under", "after", "before", "during", "since", "until", "all", "the", "your", "every", "any", "even",
    "including", "also", "not", "only", "both", "neither", "which", "whose",
    # an interviewer's clipped yes/no question, its "are you" / "have you" dropped: "Ever used GraphQL?"
    "ever", "familiar", "comfortable", "interested", "open", "willing", "available",
})
# Reformulation frames that ask only when the listener is the subject right after them ("in other words,
# you ..."); with a third-person subject they restate the speaker's own point.
# Frames that confirm only as the sentence's opening: "you're saying the cache was cold" ("I see what you're
# saying" acknowledges).
CONFIRM_AT_START = frozenset({("you're", "saying"), ("you", "are", "saying")})
CONFIRM_NEEDS_YOU = frozenset({
    ("in", "other", "words"), ("i", "gather"), ("i", "presume"), ("as", "i", "read", "it"), ("i", "take", "it"),
    ("i", "would", "assume"), ("i", "assume"), ("i'm", "sure"), ("i", "am", "sure"), ("i", "would", "imagine"),
    ("i", "imagine"), ("it", "seems", "to", "me"), ("it", "seemed", "to", "me"), ("the", "point", "is"),
})
# A question that ends by addressing the chair is put to the chair, not to the person being questioned.
CHAIR_VOCATIVES = (("mr", "chairman"), ("madam", "chairman"), ("madam", "chair"), ("mr", "chair"),
                   ("madam", "chairwoman"), ("mr", "president"), ("madam", "president"), ("mr", "speaker"),
                   ("madam", "speaker"))
# Requests in conditional form at a clause end: "educate me, if you would", "... if you don't mind".
REQUEST_ENDS = (("if", "you", "would"), ("if", "you", "could"), ("if", "you", "will"), ("if", "you", "can"),
                ("if", "you", "don't", "mind"), ("if", "you", "wish"), ("if", "you", "would", "please"),
                ("if", "you", "please"))
# "if you could ... I'd appreciate it": a request wrapped in thanks.
APPRECIATE = frozenset({"appreciate", "grateful", "helpful", "thankful"})
YOU_SUBJ = frozenset({"you", "you're", "you've", "you'd", "you'll", "youre", "youve"})
# After "you": words of the generic "you" (habits, advice, fillers) or of a plain statement ("you're right").
YOU_NOT_RECORD = frozenset({
    "know", "see", "mean", "can", "could", "couldn't", "can't", "have", "had", "need", "get", "got", "want",
    "just", "probably", "might", "may", "must", "should", "shouldn't", "will", "would", "wouldn't", "don't",
    "do", "go", "right", "correct", "welcome", "going", "gonna", "kidding", "like", "never", "always", "guys",
    "all", "too", "wonder", "think", "guess", "look", "hear", "pay", "give", "take", "put", "find", "try",
    "gotta", "better", "sure", "say", "said",
})
# Past-tense and stative verbs that, after "so/and/but you", state the listener's own record or state.
RECORD_VERBS = frozenset({
    "were", "are", "led", "ran", "built", "wrote", "made", "took", "chose", "did", "went", "felt", "thought",
    "knew", "saw", "told", "found", "left", "began", "became", "spent", "sent", "met", "won", "lost", "kept",
    "held", "brought", "bought", "taught", "drove", "grew", "rose", "gave", "own", "believe", "agree", "feel",
    "also", "still", "personally", "yourself", "both", "already", "actually", "once", "now", "then",
    "disagree", "accept", "reject", "support", "oppose", "endorse", "maintain", "contend", "recall", "remember",
    "acknowledge", "concede", "prefer",
})
# Words after which "." abbreviates rather than ends a sentence (single letters, as in "U.S.", count too).
ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "prof", "gen", "sen", "rep",
                           "gov", "no", "inc", "co", "corp", "ltd", "approx", "dept", "e.g", "i.e"})
# Words that, after "do you see/know/mean", make it the verb with its object, not a filler.
ANSWER_OBJECTS = frozenset({"a", "an", "the", "any", "that", "this", "what", "how", "why", "if", "whether", "who",
                            "where", "when", "anything", "anyone", "some", "your", "it", "them", "him", "her"})
# "is that correct", "isn't that right": words that ask for confirmation after "is that".
CONFIRM_WORDS = frozenset({"correct", "right", "true", "accurate", "fair", "so", "fine", "okay", "ok"})
# After "you": the filler "you know" and the generic "you" of habits and advice ("you can", "you have to").
GENERIC_YOU_NEXT = frozenset({"know", "see", "mean", "can", "can't", "cant", "could", "have", "get", "got", "need",
                              "gotta", "just", "never", "always", "guys", "all"})
# Words no cut may touch: a cue can start, end or hinge on them (auxiliaries, wh-words, subjects, markers,
# prompt verbs, frame words). A cut between three other words cannot split a cue.
CUT_UNSAFE = (AUX | WH | WH_CONTRACTED | PRONOUN_SUBJ | SUBJ_CONTRACTED | DEMONSTRATIVE | DETERMINER | MARKERS
              | frozenset(PROMPTS) | frozenset(PROMPTS_OBJ) | PROMPT_OBJ | frozenset(INDIRECT_BY_FIRST)
              | PREFACE_FIRST | frozenset(CONFIRM_FRAMES) | BOUNDARY_WORDS | frozenset({
                  "if", "whether", "please", "any", "let", "let's", "not", "never", "right", "correct", "then",
                  "one", "more", "to", "of", "about", "for", "with", "on", "in", "at", "by", "from", "as", "than",
                  "that", "which", "who", "whom", "because", "being", "been", "be", "ever", "even", "still",
                  "mr", "madam", "chairman", "chair", "appreciate", "grateful", "helpful", "thankful", "n't",
              }) | YOU_SUBJ | CONFIRM_WORDS | GENERIC_YOU_NEXT)
MARKERS2_FIRST = frozenset(a for a, _ in MARKERS2)
