"""Evaluate what the model sees: replay scripted interviews and check every request Mentor sends.

Usage:
    python bench/eval_prompts.py [FIXTURE.json ...] [--show N] [--json PATH]

Each fixture in bench/fixtures/prompts/ (by default all of them) is one interview: a resume, a job
description, company notes and the turns as they were spoken, interviewer and candidate. The replay goes
through the code an answer really takes, except the live caption path: the resume is parsed
(`parse_resume_text`), the notes are chunked and stored in a temporary SQLite database, the knowledge base
is searched for `retrieval_query`'s query in the session language (`search_kb`), the request carries the
conversation so far with the candidate's own words, and the engine (`OpenAIEngine` wrapped in
`FallbackEngine`) sends it to the recording OpenAI-compatible stub (tests/openai_stub.py).

Checked per question, as the fixture's `expect` lists:
    kind       the fixture's kind is the one used (--detected-kinds: the detection classifier's, given the
               session language and the previous question); the classifier's kind is printed beside it
    model      whether a request was sent (greetings and small talk must not send one)
    present    resume or company lines that must be in the prompt (the expected material)
    conversation  turns that must be in the prompt (e.g. the candidate's previous answer)
    prompt / system  other text that must be in the user / system message
    absent     noise that must not be anywhere in the request (vacation days, contact data, ...)
    shape      the system message carries the kind's shape and length, `max_tokens` is the kind's cap
    tokens     the prompt's estimated size is within --max-tokens
Printed: one line per question, then totals per check and the prompt sizes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from mentor.ai.detection import question_kind
from mentor.ai.prompt import answer_shape, build_prompt, estimate_tokens
from mentor.ai.resume import parse_resume_text
from mentor.ai.retrieval import retrieval_query
from mentor.ai.types import AnswerDone, AnswerRequest
from mentor.engines import FallbackEngine
from mentor.engines.openai_engine import OpenAIEngine, OpenAIEngineSettings
from mentor.store import knowledge
from mentor.store.database import create_engine, migrate
from mentor.store.schema import users
from tests.openai_stub import OpenAIStub, Reply

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "prompts"
SETTINGS = OpenAIEngineSettings(connect_timeout=5.0, first_token_timeout=10.0, stall_timeout=5.0, max_attempts=1)


@dataclass
class Result:
    interview: str
    index: int
    question: str
    kind: str
    rules_kind: str
    checks: dict[str, bool] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    prompt_tokens: int = 0
    max_tokens: int | None = None
    sources: tuple[str, ...] = ()
    build_ms: float = 0.0

    def check(self, name: str, ok: bool, detail: str) -> None:
        self.checks[name] = self.checks.get(name, True) and ok
        if not ok:
            self.failures.append(f"{name}: {detail}")


def load_store(tmp: Path, fixture: dict[str, Any]) -> tuple[sa.Engine, str]:
    engine = create_engine(f"sqlite:///{tmp / 'eval.db'}")
    migrate(engine)
    uid = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(sa.insert(users), {"id": uid, "email": f"{uid}@eval", "password_hash": "x", "created_at": 0.0})
        for doc in fixture.get("knowledge", []):
            row = {"id": str(uuid.uuid4()), "user_id": uid, "company": fixture["company"], "title": doc["title"],
                   "created_at": time.time()}
            for op in knowledge.insert_kb_document(row, knowledge.chunk_text(doc["text"])):
                conn.execute(op.statement, op.params)
    return engine, uid


async def replay(fixture: dict[str, Any], stub: OpenAIStub, base_url: str, max_prompt: int,
                 use_detected: bool = False) -> list[Result]:
    language = fixture.get("language", "en")
    resume = parse_resume_text(fixture["resume"])
    results: list[Result] = []
    primary = OpenAIEngine(model="eval-model", api_key="sk-eval", base_url=base_url, settings=SETTINGS)
    engine = FallbackEngine(primary)
    with tempfile.TemporaryDirectory() as tmp:
        db, uid = load_store(Path(tmp), fixture)
        conversation: list[tuple[str, str]] = []
        history: list[tuple[str, str]] = []
        previous: str | None = None
        try:
            for index, turn in enumerate(fixture["turns"]):
                conversation.append((turn["speaker"], turn["text"]))
                expect = turn.get("expect")
                if expect is None:
                    continue
                question, kind = turn["text"], expect["kind"]
                rules_kind = str(question_kind(question, language, previous=previous))
                previous = question
                if use_detected:
                    kind = rules_kind
                parts = tuple(turn.get("parts", ()))
                query = retrieval_query(question, kind, parts=parts, conversation=conversation, language=language)
                with db.connect() as conn:
                    kb = tuple(knowledge.search_kb(conn, uid, fixture["company"], query, 4, language))
                request = AnswerRequest(
                    question=question, kind=kind, parts=parts, language=language, company=fixture["company"],
                    role=fixture.get("role"), job_description=fixture.get("job_description"), resume=resume,
                    kb_passages=kb, history=tuple(history), conversation=tuple(conversation),
                    candidate_name=fixture.get("candidate_name"), interviewer_name=fixture.get("interviewer_name"),
                )
                started = time.perf_counter()
                build_prompt(request)  # timed alone: the engine builds it again below
                build_ms = (time.perf_counter() - started) * 1000
                sent_before = len(stub.requests)
                with trio.fail_after(30):
                    events = [event async for event in engine.stream(request)]
                done = events[-1]
                assert isinstance(done, AnswerDone)
                history.append((question, done.text))
                result = Result(fixture["name"], index, question, expect["kind"], rules_kind, build_ms=build_ms)
                results.append(result)
                check(result, expect, stub, sent_before, done, max_prompt)
        finally:
            await primary.aclose()
            db.dispose()
    return results


def check(result: Result, expect: dict[str, Any], stub: OpenAIStub, sent_before: int, done: AnswerDone,
          max_prompt: int) -> None:
    sent = stub.requests[sent_before:]
    wants_model = expect.get("model_call", True)
    result.check("model", len(sent) == (1 if wants_model else 0),
                 f"{len(sent)} requests, expected {1 if wants_model else 0}")
    result.sources = done.sources
    if not sent:
        return
    body = sent[-1].body
    system, user = body["messages"][0]["content"], body["messages"][1]["content"]
    everything = f"{system}\n{user}"
    result.prompt_tokens = estimate_tokens(everything)
    result.max_tokens = body.get("max_tokens")
    own = user.split("=== THE COMPANY AND THE JOB")[0].split("=== EARLIER INTERVIEWS")[0]
    own = own.split("=== THE CONVERSATION SO FAR")[0]
    conversation = user.split("=== THE CONVERSATION SO FAR", 1)[1] if "=== THE CONVERSATION SO FAR" in user else ""
    for line in expect.get("present", []):
        result.check("present", line in user, f"missing {line!r}")
    for line in expect.get("conversation", []):
        result.check("conversation", line in conversation, f"missing turn {line!r}")
    for line in expect.get("prompt", []):
        result.check("prompt", line in user, f"missing {line!r}")
    for line in expect.get("system", []):
        result.check("prompt", line in system, f"system lacks {line!r}")
    for line in expect.get("absent", []):
        where = "material" if line in own else "prompt"
        result.check("absent", line not in everything, f"noise {line!r} in the {where}")
    shape = answer_shape(result.kind)
    result.check("shape", shape.guidance in system and shape.length in system, "kind's shape not in the system message")
    result.check("shape", result.max_tokens == min(shape.max_tokens, SETTINGS.max_tokens),
                 f"max_tokens {result.max_tokens}, expected {shape.max_tokens}")
    result.check("tokens", result.prompt_tokens <= max_prompt, f"{result.prompt_tokens} > {max_prompt} tokens")


async def run(paths: list[Path], max_prompt: int, use_detected: bool) -> list[Result]:
    stub = OpenAIStub(default=Reply.text("A spoken answer of a few words."))
    results: list[Result] = []
    async with trio.open_nursery() as nursery:
        base_url = await nursery.start(stub.serve)
        for path in paths:
            fixture = json.loads(path.read_text(encoding="utf-8"))
            results += await replay(fixture, stub, base_url, max_prompt, use_detected)
        nursery.cancel_scope.cancel()
    return results


def report(results: list[Result], show: int) -> dict[str, Any]:
    print(f"{'interview':<12} {'#':>2} {'kind':<13} {'rules':<11} {'tokens':>6} {'max':>4}  checks")
    for r in results:
        marks = " ".join(f"{name}{'✓' if ok else '✗'}" for name, ok in r.checks.items())
        rules = r.rules_kind if r.rules_kind != r.kind else "="
        print(f"{r.interview:<12} {r.index:>2} {r.kind:<13} {rules:<11} {r.prompt_tokens:>6} "
              f"{r.max_tokens if r.max_tokens is not None else '-':>4}  {marks}")
        for failure in r.failures[:show]:
            print(f"{'':<18}! {failure}")
    names = sorted({name for r in results for name in r.checks})
    totals = {name: [r.checks[name] for r in results if name in r.checks] for name in names}
    sizes = [r.prompt_tokens for r in results if r.prompt_tokens]
    questions_ok = sum(all(r.checks.values()) for r in results)
    summary: dict[str, Any] = {
        "questions": len(results),
        "questions_all_checks_pass": questions_ok,
        "checks": {name: f"{sum(v)}/{len(v)}" for name, v in totals.items()},
        "model_calls": len(sizes),
        "model_calls_avoided": sum(1 for r in results if not r.prompt_tokens),
        "prompt_tokens_mean": round(statistics.mean(sizes)) if sizes else 0,
        "prompt_tokens_max": max(sizes, default=0),
        "rules_kind_agrees": f"{sum(r.rules_kind == r.kind for r in results)}/{len(results)}",
        "build_prompt_ms_p50": round(statistics.median(r.build_ms for r in results), 2) if results else 0,
        "build_prompt_ms_max": round(max((r.build_ms for r in results), default=0), 2),
    }
    print()
    print(f"questions passing every check: {questions_ok}/{len(results)}")
    for name, value in summary["checks"].items():
        print(f"  {name:<13} {value}")
    print(f"model calls {summary['model_calls']}, avoided {summary['model_calls_avoided']} (small talk); "
          f"prompt tokens mean {summary['prompt_tokens_mean']}, max {summary['prompt_tokens_max']}")
    print(f"kind from the rules classifier agrees with the fixture: {summary['rules_kind_agrees']}")
    print(f"build_prompt: p50 {summary['build_prompt_ms_p50']} ms, max {summary['build_prompt_ms_max']} ms "
          "(the first includes cold stem caches)")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fixtures", nargs="*", type=Path, help="interview fixtures (default: all)")
    parser.add_argument("--max-tokens", type=int, default=3000, help="largest acceptable prompt (estimated)")
    parser.add_argument("--show", type=int, default=5, help="failures printed per question")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON here")
    parser.add_argument("--detected-kinds", action="store_true",
                        help="answer with the detection classifier's kind instead of the fixture's (end to end)")
    args = parser.parse_args(argv)
    paths = args.fixtures or sorted(FIXTURES.glob("*.json"))
    results = trio.run(run, paths, args.max_tokens, args.detected_kinds)
    summary = report(results, args.show)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 0 if summary["questions_all_checks_pass"] == summary["questions"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
