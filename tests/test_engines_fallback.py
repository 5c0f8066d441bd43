"""FallbackEngine: the model first, then the offline engine's answer after one AnswerFailure."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest
import trio

from mentor.ai.types import AnswerDelta, AnswerDone, AnswerEvent, AnswerFailure
from mentor.engines import make_engine
from mentor.engines.fallback import FallbackEngine
from mentor.engines.offline import OfflineEngine
from mentor.engines.openai_engine import OpenAIEngine, OpenAIEngineSettings
from tests.openai_stub import OpenAIStub, Reply, refused_url
from tests.test_engines_openai import make_request

SETTINGS = OpenAIEngineSettings(
    first_token_timeout=1.0, stall_timeout=0.3, backoff_initial=0.02, backoff_max=0.05, max_attempts=2
)


def fallback(url: str) -> FallbackEngine:
    primary = OpenAIEngine(model="m", api_key="k", base_url=url, settings=SETTINGS, rng=random.Random(0))
    return FallbackEngine(primary, OfflineEngine())


async def collect(events: AsyncIterator[AnswerEvent]) -> list[AnswerEvent]:
    return [event async for event in events]


@pytest.fixture
async def stub_url(nursery: trio.Nursery) -> tuple[OpenAIStub, str]:
    stub = OpenAIStub()
    return stub, await nursery.start(stub.serve)


def assert_offline_answer_after_failure(events: list[AnswerEvent], reason_part: str) -> AnswerDone:
    failures = [i for i, e in enumerate(events) if isinstance(e, AnswerFailure)]
    assert len(failures) == 1
    failure = events[failures[0]]
    assert isinstance(failure, AnswerFailure) and reason_part in failure.reason
    done = events[-1]
    assert isinstance(done, AnswerDone) and done.engine == "offline"
    after = "".join(e.text for e in events[failures[0] :] if isinstance(e, AnswerDelta))
    assert after == done.text and "Delivery Hero" in done.text
    return done


async def test_model_answer_passes_through(stub_url: tuple[OpenAIStub, str]) -> None:
    stub, url = stub_url
    stub.script(Reply(chunks=("All", " good.")))
    with trio.fail_after(10):
        events = await collect(fallback(url).stream(make_request()))
    assert not any(isinstance(e, AnswerFailure) for e in events)
    assert isinstance(events[-1], AnswerDone) and events[-1].engine == "openai"


async def test_connection_refused_falls_back() -> None:
    url = await refused_url()
    with trio.fail_after(30):
        events = await collect(fallback(url).stream(make_request()))
    assert_offline_answer_after_failure(events, "cannot reach the model server")


async def test_mid_stream_cut_falls_back(stub_url: tuple[OpenAIStub, str]) -> None:
    stub, url = stub_url
    stub.script(Reply(chunks=("Partial", " answer", " lost"), cut_after=2))
    with trio.fail_after(10):
        events = await collect(fallback(url).stream(make_request()))
    assert [e.text for e in events[:2] if isinstance(e, AnswerDelta)] == ["Partial", " answer"]
    assert_offline_answer_after_failure(events, "after part of the answer")


async def test_malformed_chunk_falls_back(stub_url: tuple[OpenAIStub, str]) -> None:
    stub, url = stub_url
    stub.script(Reply(malformed_after=0))
    with trio.fail_after(10):
        events = await collect(fallback(url).stream(make_request()))
    assert_offline_answer_after_failure(events, "malformed")


async def test_stalled_stream_falls_back(
    stub_url: tuple[OpenAIStub, str],
) -> None:
    stub, url = stub_url
    stub.script(Reply(chunks=("Thinking", " about", " it"), stall_after=1))
    with trio.fail_after(30):
        events = await collect(fallback(url).stream(make_request()))
    assert_offline_answer_after_failure(events, "no data from the model")
    with trio.fail_after(5):
        await stub.wait_idle()


async def test_rate_limited_past_retries_falls_back(
    stub_url: tuple[OpenAIStub, str],
) -> None:
    stub, url = stub_url
    stub.script(Reply.error(429), Reply.error(429))
    with trio.fail_after(30):
        events = await collect(fallback(url).stream(make_request()))
    failure = next(e for e in events if isinstance(e, AnswerFailure))
    assert "429" in failure.reason and failure.retryable
    assert len(stub.requests) == SETTINGS.max_attempts


def test_make_engine_defaults_to_offline_without_a_model() -> None:
    assert isinstance(make_engine(model=None), OfflineEngine)
    assert isinstance(make_engine(model="gpt-x", base_url="http://127.0.0.1:9/v1"), FallbackEngine)
