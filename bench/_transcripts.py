"""Real transcripts (../shared/data, read in place, never copied) turned into live caption traffic.

A live captioner re-sends the whole current text of a block as it grows, then marks it final; that is
what a producer replays: each utterance becomes revisions 0..n of one block, a few words more each time,
the last one ``final``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
WORDS_PER_REVISION = 3
NBSP = "\u00a0"
MAX_CHARS = 4000  # under the server's caption_max_chars default (5000)


@dataclass(frozen=True, slots=True)
class Utterance:
    role: str  # interviewer | candidate
    name: str
    text: str


def load_conversations(data_dir: Path = DATA_DIR) -> list[list[Utterance]]:
    """Switchboard conversations (speaker A asks first: interviewer) and press briefings (reporters are the
    interviewers). Raises FileNotFoundError if the shared data is missing."""
    convs = _switchboard(data_dir / "questions-dev.jsonl")
    for path in sorted((data_dir / "wh-briefings").glob("*.md")):
        convs.append(_briefing(path))
    if not convs:
        raise FileNotFoundError(f"no transcripts under {data_dir}")
    return convs


def _switchboard(path: Path) -> list[list[Utterance]]:
    by_conv: dict[str, list[Utterance]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            rec = json.loads(line)
            role = "interviewer" if rec["speaker"] == "A" else "candidate"
            by_conv.setdefault(rec["conversation_id"], []).append(Utterance(role, f"Speaker {rec['speaker']}",
                                                                            rec["text"]))
    return list(by_conv.values())


def _briefing(path: Path) -> list[Utterance]:
    text = path.read_text(encoding="utf-8").split("\n---", 2)[-1]  # drop the YAML front matter
    out = []
    for para in text.split("\n\n"):
        para = " ".join(para.split())
        if not para:
            continue
        if para.startswith(("Q" + NBSP, "Q ")):
            out.append(Utterance("interviewer", "Reporter", para[1:].strip(NBSP + " ")))
        else:
            out.append(Utterance("candidate", "Press secretary", para))
    return out


def caption_updates(conversations: list[list[Utterance]], seed: int, prefix: str = "b") -> Iterator[dict[str, Any]]:
    """Endless caption updates (without ``client_ts``; the producer stamps it at send), starting at a
    seeded random place. Block ids are ``prefix`` + a counter: give each producer of a session its own
    prefix so that concurrent producers never race on one block's revisions."""
    rng = random.Random(seed)
    conv = rng.randrange(len(conversations))
    pos = rng.randrange(len(conversations[conv]))
    block = 0
    while True:
        utt = conversations[conv][pos]
        words = utt.text.split()
        if words:
            block += 1
            steps = list(range(WORDS_PER_REVISION, len(words), WORDS_PER_REVISION)) + [len(words)]
            for rev, n in enumerate(steps):
                yield {"speaker_role": utt.role, "speaker_name": utt.name, "text": " ".join(words[:n])[:MAX_CHARS],
                       "block_id": f"{prefix}{block}", "revision": rev, "final": n == len(words)}
        pos += 1
        if pos >= len(conversations[conv]):
            conv, pos = (conv + 1) % len(conversations), 0
