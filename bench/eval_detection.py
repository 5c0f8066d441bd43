"""Evaluate question detection on labelled utterances and press-briefing transcripts.

Usage:
    python bench/eval_detection.py FILE.jsonl [--strip-punct] [--stream] [--errors PATH]
        [--briefings DIR] [--seed N] [--long-only N [--opcodes]]

FILE.jsonl holds utterances like ../shared/data/questions-dev.jsonl (fields id, text,
is_question, label, conversation_id, speaker). Printed: precision / recall / F1 on the
utterance label as written and with punctuation stripped and text lowercased, recall per
original label, and the error cases written to --errors (for the --strip-punct variant
when given). --stream replays every conversation as a live caption stream through
QuestionTracker (each utterance as growing interim revisions with speech-like timing, ASR
flicker of "?" and wrong words) and reports latency after the final revision, duplicate
fires, fires on non-questions and CPU per caption update. The press-briefing part feeds
every turn of ../shared/data/wh-briefings/*.md as interviewer speech.

--long-only N replays only the 400-word Meet blocks (as written and stripped) N times and prints their
CPU per update; nothing else runs. It is the repeatable cost measure: run it under callgrind with N = 1
and N = 0 (loading and building the updates only) and divide the difference in instructions by the
updates printed:
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/eval_detection.py FILE --long-only 1
With --opcodes it prints Python bytecodes executed per update instead of µs: percentiles that do not
move with the machine's load (tracing makes the run ~50x slower). With N > 1 it also prints the
percentiles of each update's least CPU over the N runs (the replay is deterministic and noise only adds):
µs that repeat between invocations on a noisy machine.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mentor.ai.detection import CaptionUpdate, DetectedQuestion, QuestionTracker, analyse, kinds
from mentor.ai.detection import tracker as tracker_module
from mentor.ai.detection.clauses_en import normalise
from mentor.runtime import settle_collector
from mentor.settings import Settings

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
_PUNCT_RE = re.compile(r"[^\w\s'’-]|(?<!\w)-|-(?!\w)")


def strip_punct(text: str) -> str:
    """Lowercase, punctuation removed (apostrophes and inner hyphens kept)."""
    return " ".join(_PUNCT_RE.sub(" ", text).lower().split())


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def evaluate_static(rows: list[dict[str, object]], stripped: bool) -> tuple[Scores, dict[str, list[int]], list[str]]:
    tp = fp = fn = 0
    per_label: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors: list[str] = []
    for r in rows:
        text = str(r["text"])
        if stripped:
            text = strip_punct(text)
        got = analyse(text).is_question
        gold = bool(r["is_question"])
        if gold:
            per_label[str(r["label"])][0] += 1
            per_label[str(r["label"])][1] += got
        tp += got and gold
        fp += got and not gold
        fn += gold and not got
        if got != gold:
            errors.append(f"{'FP' if got else 'FN'}\t{r['id']}\t{r['label']}\t{text}")
    return Scores(tp, fp, fn), per_label, errors


# --- stream replay ---------------------------------------------------------------------------


def _interims(text: str, rng: random.Random, stripped: bool) -> list[tuple[float, str]]:
    """(offset seconds, text) revisions of one utterance: growing prefixes, then the final text."""
    words = text.split()
    out: list[tuple[float, str]] = []
    t = 0.0
    k = 0
    while k < len(words):
        step = min(len(words) - k, rng.choice((1, 1, 2)))
        k += step
        t += step * rng.uniform(0.2, 0.35)  # ~3-5 words per second, an update per word or two
        prefix = " ".join(words[:k])
        if k < len(words):
            prefix = prefix.rstrip(",.?!")
            if rng.random() < 0.1:
                prefix = prefix.rsplit(" ", 1)[0] + " " + rng.choice(("the", "that", "you", "is", "to"))
            if not stripped and rng.random() < 0.15:
                prefix += "?"  # in-flight ASR punctuation on a mid-sentence word
        out.append((t, prefix))
    final_at = t + rng.uniform(0.2, 0.5)
    out.append((final_at, text))
    return out


_BUCKETS = ((0, 50), (50, 150), (150, 300), (300, 10**9))


def _bucket(words: int) -> str:
    for lo, hi in _BUCKETS:
        if lo <= words < hi:
            return f"{lo}-{hi - 1}" if hi < 10**9 else f"{lo}+"
    return "?"


@dataclass
class StreamReport:
    updates: int
    cpu_us_per_update: float
    questions: int
    detected: int
    latencies: list[float]
    early: int
    duplicates: int
    nonquestion_ids: int
    question_ids: int
    supersedes: int
    cpu_by_bucket: dict[str, list[float]]


def replay(rows: list[dict[str, object]], stripped: bool, seed: int) -> StreamReport:
    rng = random.Random(seed)
    by_conv: dict[str, list[dict[str, object]]] = defaultdict(list)
    for r in rows:
        by_conv[str(r["conversation_id"])].append(r)
    updates = 0
    cpu_ns = 0
    gold: dict[int, bool] = {}
    final_at: dict[int, float] = {}
    fires: list[DetectedQuestion] = []
    caption_id = 0
    cpu_by_bucket: dict[str, list[float]] = defaultdict(list)
    for conv, utts in by_conv.items():
        tracker = QuestionTracker(id_prefix=f"{conv}-")
        now = 0.0
        prev_speaker = ""
        for r in utts:
            caption_id += 1
            text = str(r["text"])
            if stripped:
                text = strip_punct(text)
            if not text:
                continue
            gold[caption_id] = bool(r["is_question"])
            speaker = str(r["speaker"])
            now += rng.uniform(0.15, 1.2) if speaker != prev_speaker else rng.uniform(0.1, 0.9)
            prev_speaker = speaker
            revs = _interims(text, rng, stripped)
            for i, (dt, rev_text) in enumerate(revs):
                at = now + dt
                final = i == len(revs) - 1
                upd = CaptionUpdate(caption_id, str(r["id"]), i, final, "interviewer", speaker, rev_text, at)
                t0 = time.process_time_ns()
                deadline = tracker.next_deadline()
                got: list[DetectedQuestion] = []
                if deadline is not None and deadline <= at:
                    got += tracker.tick(deadline)
                got += tracker.feed(upd)
                spent = time.process_time_ns() - t0
                cpu_ns += spent
                cpu_by_bucket[_bucket(rev_text.count(" ") + 1)].append(spent / 1000)
                updates += 1
                fires += got
            final_at[caption_id] = now + revs[-1][0]
            now += revs[-1][0]
        deadline = tracker.next_deadline()
        if deadline is not None:
            fires += tracker.tick(deadline)
    # Attribute fires to utterances.
    first_fire: dict[int, float] = {}
    ids_per_question: dict[int, set[str]] = defaultdict(set)
    ids_cover: dict[str, set[int]] = defaultdict(set)
    seen: Counter[tuple[str, tuple[str, ...]]] = Counter()
    for f in fires:
        seen[(f.question_id, f.parts)] += 1
        ids_cover[f.question_id].update(f.caption_ids)
        for c in f.caption_ids:
            if gold.get(c):
                first_fire.setdefault(c, f.at)
                ids_per_question[c].add(f.question_id)
    questions = [c for c, g in gold.items() if g]
    latencies = [first_fire[c] - final_at[c] for c in questions if c in first_fire]
    duplicates = sum(n - 1 for n in seen.values()) + sum(len(s) - 1 for s in ids_per_question.values())
    nonq = sum(1 for cover in ids_cover.values() if not any(gold.get(c) for c in cover))
    return StreamReport(
        updates, cpu_ns / 1000 / max(1, updates), len(questions), len(latencies), latencies,
        sum(1 for x in latencies if x < 0), duplicates, nonq, len(ids_cover),
        sum(1 for f in fires if f.revision > 0), cpu_by_bucket,
    )


def long_turn_updates(rows: list[dict[str, object]], stripped: bool, seed: int,
                      words: int = 400) -> list[list[tuple[str, CaptionUpdate]]]:
    """(words bucket, caption update) of 12 `words`-word Meet blocks: consecutive utterances of a
    conversation are joined into one block that grows a word or two per update."""
    rng = random.Random(seed)
    texts: list[str] = []
    cur: list[str] = []
    for r in rows:
        t = strip_punct(str(r["text"])) if stripped else str(r["text"])
        cur.extend(t.split())
        if len(cur) >= words:
            texts.append(" ".join(cur[:words]))
            cur = []
    return [[(_bucket(rev_text.count(" ") + 1), CaptionUpdate(n, f"long{n}", i, False, "interviewer", "x", rev_text, dt))
             for i, (dt, rev_text) in enumerate(_interims(text, rng, stripped))]
            for n, text in enumerate(texts[:12])]


class _OpcodeCounter:
    """Counts the Python bytecodes executed while it is installed (sys.settrace with opcode events): a cost
    measure that does not depend on the machine's load, for percentiles per update (slow: ~50x)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, frame: Any, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        if event == "opcode":
            self.count += 1
        return self


def collect_like_the_service() -> None:
    """The server's collector settings (`mentor.runtime.settle_collector`). With CPython's defaults a
    collection over the loaded data can land inside an update and set the p99 of the CPU figures instead of
    the tracker (seen: 1.2 ms for a 13-word analysis); with these, no collection runs inside the timed
    updates."""
    settle_collector(Settings())


def replay_updates(blocks: list[list[tuple[str, CaptionUpdate]]], opcodes: bool = False,
                   fired: dict[str, list[bool]] | None = None) -> dict[str, list[float]]:
    """CPU µs per caption update (tracker work only) by words in the block, one tracker per block; with
    `opcodes`, Python bytecodes executed per update instead (repeatable on a loaded machine). `fired`, when
    given, gets for each update (in the same order) whether it emitted a question."""
    out: dict[str, list[float]] = defaultdict(list)
    counter = _OpcodeCounter()
    for n, updates in enumerate(blocks):
        tracker = QuestionTracker(id_prefix=f"long{n}-")
        for bucket, upd in updates:
            counter.count = 0
            if opcodes:
                sys.settrace(counter)
            t0 = time.process_time_ns()
            deadline = tracker.next_deadline()
            got = tracker.tick(deadline) if deadline is not None and deadline <= upd.at else []
            got += tracker.feed(upd)
            spent = (time.process_time_ns() - t0) / 1000
            if opcodes:
                sys.settrace(None)
            out[bucket].append(counter.count if opcodes else spent)
            if fired is not None:
                fired.setdefault(bucket, []).append(bool(got))
    return out


def replay_long_turns(rows: list[dict[str, object]], stripped: bool, seed: int, words: int = 400) -> dict[str, list[float]]:
    """CPU µs per caption update when one speaker's text grows into `words`-word Meet blocks."""
    return replay_updates(long_turn_updates(rows, stripped, seed, words))


def _cpu_line(by_bucket: dict[str, list[float]]) -> str:
    return "; ".join(f"{k} words: n {len(v)}, p50 {_pct(v, 50):.1f}, p99 {_pct(v, 99):.1f} µs"
                     for k, v in sorted(by_bucket.items(), key=lambda kv: int(kv[0].split("-")[0].rstrip("+"))))


# --- press briefings -------------------------------------------------------------------------

_Q_RE = re.compile(r"^Q[\u00a0 ]")
_SPEAKER_RE = re.compile(r"^[A-Z][A-Z.\-’' ]+:")


def briefing_turns(path: Path) -> list[tuple[str, str]]:
    """(who, text) turns: who is "Q" for reporters, "A" for officials."""
    body = path.read_text(encoding="utf-8").split("---", 2)[-1]
    turns: list[list[str]] = []
    for para in re.split(r"\n\s*\n", body):
        p = " ".join(para.split())
        if not p:
            continue
        if _Q_RE.match(para.strip()):
            turns.append(["Q", p[1:].strip()])
        elif _SPEAKER_RE.match(p):
            turns.append(["A", p.split(":", 1)[1].strip()])
        elif turns:
            turns[-1][1] += " " + p
    return [(w, t) for w, t in turns]


_NO_Q_KINDS = ("short", "inaudible", "cut off", "statement")


def no_question_kind(text: str) -> str:
    """Why a reporter turn without "?" is (mostly) not a question, by a stated rule:
    "cut off" ends in a dash (interrupted), "inaudible" is only "(Inaudible.)", "short" has at
    most 4 words ("Thank you.", "Yes.", "Good afternoon."), "statement" is everything else
    (a few of these are indirect questions: "if you can tell us whether ...")."""
    if text.rstrip().endswith(("—", "–", "-")):
        return "cut off"
    if re.fullmatch(r"\W*\(?inaudible\.?\)?\W*", text, re.IGNORECASE):
        return "inaudible"
    if len(re.findall(r"[A-Za-z0-9’']+", text)) <= 4:
        return "short"
    return "statement"


def evaluate_briefings(folder: Path, stripped: bool) -> dict[str, tuple[int, int]]:
    """Counts (turns, turns with a detection) for Q, A, Q-turns containing '?' ("Q?") and
    Q-turns without '?' by no_question_kind ("Q-short", "Q-inaudible", ...)."""
    out: dict[str, list[int]] = {"Q": [0, 0], "A": [0, 0], "Q?": [0, 0]}
    out.update({f"Q-{k}": [0, 0] for k in _NO_Q_KINDS})
    for path in sorted(folder.glob("*.md")):
        tracker = QuestionTracker()
        at = 0.0
        for i, (who, text) in enumerate(briefing_turns(path)):
            shown = strip_punct(text) if stripped else text
            at += 5.0
            got = tracker.feed(CaptionUpdate(2 * i, f"b{i}", 0, True, "interviewer", who, shown, at))
            got += tracker.feed(CaptionUpdate(2 * i + 1, f"c{i}", 0, True, "candidate", "x", "okay", at + 0.3))
            hit = any(g.revision == 0 for g in got)
            keys: tuple[str, ...] = (who,)
            if who == "Q":
                keys = (who, "Q?") if "?" in text else (who, f"Q-{no_question_kind(text)}")
            for key in keys:
                out[key][0] += 1
                out[key][1] += hit
    return {k: (v[0], v[1]) for k, v in out.items()}


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    return statistics.quantiles(xs, n=100, method="inclusive")[int(q) - 1] if len(xs) > 1 else xs[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", type=Path)
    ap.add_argument("--strip-punct", action="store_true", help="errors file and stream use stripped text")
    ap.add_argument("--stream", action="store_true", help="replay as live caption streams")
    ap.add_argument("--errors", type=Path, default=Path(tempfile.gettempdir()) / "detection-errors.tsv")
    ap.add_argument("--briefings", type=Path, default=DATA / "wh-briefings")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--long-only", type=int, default=None, metavar="N",
                    help="only replay the 400-word blocks N times (for callgrind; 0 = load only)")
    ap.add_argument("--opcodes", action="store_true",
                    help="with --long-only: Python bytecodes per update instead of CPU µs (repeatable)")
    args = ap.parse_args(argv)
    rows = load(args.file)
    # CPU figures depend on it (setup.py compiles detection with mypyc; --opcodes needs the pure build)
    print("detection build: " + ("pure Python" if str(tracker_module.__file__).endswith(".py") else "compiled (mypyc)"))
    if args.long_only is not None:
        blocks = {stripped: long_turn_updates(rows, stripped, args.seed) for stripped in (False, True)}
        collect_like_the_service()
        runs: dict[bool, list[dict[str, list[float]]]] = {False: [], True: []}
        fired: dict[bool, dict[str, list[bool]]] = {False: {}, True: {}}  # the same in every run
        for _ in range(args.long_only):  # the updates are built first: N = 0 measures all but the replay
            for stripped, updates in blocks.items():
                normalise.cache_clear()  # every run starts as cold as the first
                kinds._norm_part.cache_clear()
                cpu = replay_updates(updates, args.opcodes, fired[stripped] if not runs[stripped] else None)
                runs[stripped].append(cpu)
                line = _cpu_line(cpu).replace(" µs", " bytecodes") if args.opcodes else _cpu_line(cpu)
                print(f"[long {'stripped' if stripped else 'as written'}] {sum(map(len, cpu.values()))} updates; "
                      + line)
        if args.long_only > 1 and not args.opcodes:
            # The replay is deterministic: the same update in every run. The machine's noise only adds, so each
            # update's cheapest run is its own cost; the percentiles of those repeat between invocations.
            for stripped, cpus in runs.items():
                least = {b: [min(xs) for xs in zip(*(c[b] for c in cpus))] for b in cpus[0]}
                name = "stripped" if stripped else "as written"
                print(f"[long {name}] each update's least of {args.long_only} runs; " + _cpu_line(least))
                # What sets the p99: the updates that emit a question (a fire costs its kind and excerpt too)
                # and the analyses of the others.
                fires = [x for b, xs in least.items() for x, f in zip(xs, fired[stripped][b]) if f]
                rest = {b: [x for x, f in zip(xs, fired[stripped][b]) if not f] for b, xs in least.items()}
                if fires:
                    print(f"[long {name}]   {len(fires)} updates that emitted a question: p50 {_pct(fires, 50):.1f},"
                          f" max {max(fires):.1f} µs; the others: " + _cpu_line(rest))
        return 0
    print(f"{len(rows)} utterances, {sum(1 for r in rows if r['is_question'])} questions")
    for stripped in (False, True):
        s, per_label, errors = evaluate_static(rows, stripped)
        name = "stripped+lowercased" if stripped else "as written"
        print(f"[{name:>20}] P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  (tp {s.tp} fp {s.fp} fn {s.fn})")
        print("    recall per label: " + ", ".join(
            f"{lab} {hit}/{n}" for lab, (n, hit) in sorted(per_label.items(), key=lambda kv: -kv[1][0])))
        if stripped == args.strip_punct:
            args.errors.write_text("\n".join(errors) + "\n", encoding="utf-8")
            print(f"    {len(errors)} error cases -> {args.errors}")
    if args.stream:
        collect_like_the_service()
        for stripped in (False, True):
            rep = replay(rows, stripped, args.seed)
            name = "stripped+lowercased" if stripped else "as written"
            print(f"[stream {name}] {rep.updates} updates, CPU {rep.cpu_us_per_update:.1f} µs/update")
            print(f"    questions detected {rep.detected}/{rep.questions}; latency after final revision "
                  f"p50 {_pct(rep.latencies, 50):.2f} s, p95 {_pct(rep.latencies, 95):.2f} s "
                  f"({rep.early} fired before the final revision)")
            print(f"    question ids {rep.question_ids}, on non-questions {rep.nonquestion_ids}, "
                  f"duplicates {rep.duplicates}, superseding updates {rep.supersedes}")
            print("    CPU per update by words in the block: " + _cpu_line(rep.cpu_by_bucket))
            print("    CPU per update, 400-word Meet blocks: " + _cpu_line(replay_long_turns(rows, stripped, args.seed)))
    if args.briefings.is_dir():
        for stripped in (False, True):
            res = evaluate_briefings(args.briefings, stripped)
            name = "stripped+lowercased" if stripped else "as written"
            (qn, qh), (an, ah), (qqn, qqh) = res["Q"], res["A"], res["Q?"]
            print(f"[briefings {name}] reporter turns with a detection {qh}/{qn} = {qh / qn:.1%} "
                  f"(turns containing '?': {qqh}/{qqn} = {qqh / qqn:.1%}); "
                  f"official turns {ah}/{an} = {ah / an:.1%}")
            print("    reporter turns without '?' (detected/turns): " + ", ".join(
                f"{k} {res['Q-' + k][1]}/{res['Q-' + k][0]}" for k in _NO_Q_KINDS)
                  + f"; best raw share if every '?' turn were found: "
                  f"{(qqn + qh - qqh) / qn:.1%}")
    else:
        print(f"briefings folder {args.briefings} not found: skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
