"""OpenAIEngine with the real `openai` client against the scripted stub server (tests/openai_stub.py).

Rules: servers bind 127.0.0.1 port 0 and start with `nursery.start`; every test runs under a `fail_after`
deadline. Timeouts are real but short (FAST): trio's autojump clock is not usable here, because the openai
client computes its platform headers in a worker thread on each client's first request
(`asyncify(get_platform)` in openai/_base_client.py), and the mock clock races ahead while that thread runs.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import aclosing

import pytest
import trio

from mentor.ai.resume import parse_resume_text
from mentor.ai.types import AnswerDelta, AnswerDone, AnswerEvent, AnswerRequest, Passage
from mentor.engines import AnswerError
from mentor.engines.openai_engine import OpenAIEngine, OpenAIEngineSettings
from tests.openai_stub import SAMPLE_RESUME_MD, OpenAIStub, Reply, refused_url

FAST = OpenAIEngineSettings(
    connect_timeout=2.0, first_token_timeout=1.0, stall_timeout=0.3, backoff_initial=0.02, backoff_max=0.05
)


def make_request(**changes: object) -> AnswerRequest:
    base: dict[str, object] = {
        "question": "Tell me about a time you reduced costs.",
        "kind": "behavioral",
        "language": "en",
        "company": "N26",
        "role": "Staff Backend Engineer",
        "resume": parse_resume_text(SAMPLE_RESUME_MD),
    }
    base.update(changes)
    return AnswerRequest(**base)  # type: ignore[arg-type]


async def collect(events: AsyncIterator[AnswerEvent]) -> list[AnswerEvent]:
    return [event async for event in events]


@pytest.fixture
async def stub_url(nursery: trio.Nursery) -> AsyncIterator[tuple[OpenAIStub, str]]:
    stub = OpenAIStub()
    url = await nursery.start(stub.serve)
    yield stub, url


def engine_for(url: str, settings: OpenAIEngineSettings = FAST) -> OpenAIEngine:
    return OpenAIEngine(
        model="test-model", api_key="sk-test", base_url=url, settings=settings, rng=random.Random(1)
    )


async def test_streams_deltas_in_order_then_done_with_usage(stub_url: tuple[OpenAIStub, str]) -> None:
    stub, url = stub_url
    stub.script(Reply(chunks=("Kafka", " keeps", " order", " per partition.")))
    engine = engine_for(url)
    with trio.fail_after(10):
        events = await collect(engine.stream(make_request()))
    await engine.aclose()
    deltas = [e.text for e in events if isinstance(e, AnswerDelta)]
    assert deltas == ["Kafka", " keeps", " order", " per partition."]
    done = events[-1]
    assert isinstance(done, AnswerDone) and sum(isinstance(e, AnswerDone) for e in events) == 1
    assert done.text == "Kafka keeps order per partition."
    assert (done.engine, done.model) == ("openai", "stub-model")
    assert (done.prompt_tokens, done.completion_tokens, done.usage_estimated) == (42, 7, False)
    assert "resume:experience:1" in done.sources
    body = stub.requests[0].body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["model"] == "test-model"
    assert stub.requests[0].headers["authorization"] == "Bearer sk-test"


async def test_usage_is_estimated_when_the_server_sends_none(stub_url: tuple[OpenAIStub, str]) -> None:
    stub, url = stub_url
    stub.script(Reply(chunks=("An answer of a few words.",), usage=None))
    with trio.fail_after(10):
        events = await collect(engine_for(url).stream(make_request()))
    done = events[-1]
    assert isinstance(done, AnswerDone) and done.usage_estimated
    assert done.completion_tokens > 0 and done.prompt_tokens > 100


async def test_prompt_carries_resume_facts_and_language_instruction(stub_url: tuple[OpenAIStub, str]) -> None:
    stub, url = stub_url
    kb = (Passage("kb", "kb:9:0", "Cost notes", "Spot instances cut batch costs; plan for interruptions."),)
    request = make_request(language="de", kb_passages=kb, history=(("Why N26?", "Because of the product."),))
    with trio.fail_after(10):
        await collect(engine_for(url).stream(request))
    sent = stub.requests[0]
    system, user = sent.messages[0]["content"], sent.messages[1]["content"]
    assert "Answer in German" in system and "STAR" in system
    for fact in (
        "Delivery Hero",
        "$180k per year",
        "Zalando SE",
        "Staff Backend Engineer at N26",
        "Spot instances",
    ):
        assert fact in user
    assert "Why N26?" in user
    assert "maria.schneider@example.com" not in sent.prompt_text and "1234 5678" not in sent.prompt_text


async def test_retries_429_and_500_before_the_first_token(
    stub_url: tuple[OpenAIStub, str],
) -> None:
    stub, url = stub_url
    stub.script(Reply.error(429, retry_after=0.1), Reply.error(500), Reply(chunks=("Third", " time.")))
    with trio.fail_after(30):
        events = await collect(engine_for(url).stream(make_request()))
    assert len(stub.requests) == 3
    assert isinstance(events[-1], AnswerDone) and events[-1].text == "Third time."


async def test_gives_up_after_max_attempts(
    stub_url: tuple[OpenAIStub, str],
) -> None:
    stub, url = stub_url
    stub.script(*[Reply.error(503)] * 5)
    with trio.fail_after(30), pytest.raises(AnswerError) as caught:
        await collect(engine_for(url).stream(make_request()))
    assert len(stub.requests) == FAST.max_attempts
    assert caught.value.retryable and "503" in caught.value.reason


async def test_client_errors_are_not_retried(stub_url: tuple[OpenAIStub, str]) -> None:
    stub, url = stub_url
    stub.script(Reply.error(401))
    with trio.fail_after(10), pytest.raises(AnswerError) as caught:
        await collect(engine_for(url).stream(make_request()))
    assert len(stub.requests) == 1 and not caught.value.retryable


async def test_no_retry_after_the_first_token(stub_url: tuple[OpenAIStub, str]) -> None:
    stub, url = stub_url
    stub.script(Reply(chunks=("One", " two", " three"), cut_after=2), Reply(chunks=("Should not be asked",)))
    events: list[AnswerEvent] = []
    with trio.fail_after(10), pytest.raises(AnswerError) as caught:
        async for event in engine_for(url).stream(make_request()):
            events.append(event)
    assert [e.text for e in events if isinstance(e, AnswerDelta)] == ["One", " two"]
    assert len(stub.requests) == 1
    assert "after part of the answer" in caught.value.reason


async def test_cut_before_first_token_is_retried(stub_url: tuple[OpenAIStub, str]) -> None:
    stub, url = stub_url
    stub.script(Reply(cut_after=0), Reply(chunks=("Recovered.",)))
    with trio.fail_after(10):
        events = await collect(engine_for(url).stream(make_request()))
    assert len(stub.requests) == 2 and isinstance(events[-1], AnswerDone) and events[-1].text == "Recovered."


async def test_malformed_chunk_fails_without_retry(stub_url: tuple[OpenAIStub, str]) -> None:
    stub, url = stub_url
    stub.script(Reply(chunks=("Fine", " then broken"), malformed_after=1))
    with trio.fail_after(10), pytest.raises(AnswerError) as caught:
        await collect(engine_for(url).stream(make_request()))
    assert "malformed" in caught.value.reason and len(stub.requests) == 1
    with trio.fail_after(10):
        await stub.wait_idle()


async def test_stalled_stream_fails_after_the_stall_timeout(
    stub_url: tuple[OpenAIStub, str],
) -> None:
    stub, url = stub_url
    stub.script(Reply(chunks=("Start", " and", " then", " nothing"), stall_after=2))
    started = trio.current_time()
    with trio.fail_after(30), pytest.raises(AnswerError) as caught:
        await collect(engine_for(url).stream(make_request()))
    assert "no data from the model for 0.3 s between chunks" in caught.value.reason
    assert FAST.stall_timeout <= trio.current_time() - started < FAST.stall_timeout + 0.5
    with trio.fail_after(10):
        await stub.wait_idle()  # the engine closed its connection, so the stalled server handler ended


async def test_slow_first_token_times_out_then_retries(
    stub_url: tuple[OpenAIStub, str],
) -> None:
    stub, url = stub_url
    stub.script(Reply(first_token_delay=30), Reply(first_token_delay=0.2, chunks=("In time.",)))
    with trio.fail_after(60):
        events = await collect(engine_for(url).stream(make_request()))
    assert len(stub.requests) == 2 and isinstance(events[-1], AnswerDone)


async def test_connection_refused_raises_retryable_error() -> None:
    url = await refused_url()
    with trio.fail_after(30), pytest.raises(AnswerError) as caught:
        await collect(engine_for(url).stream(make_request()))
    assert caught.value.retryable and "cannot reach the model server" in caught.value.reason


async def test_cancellation_mid_stream_closes_the_connection(
    stub_url: tuple[OpenAIStub, str],
) -> None:
    stub, url = stub_url
    stub.script(Reply(chunks=tuple(f" w{i}" for i in range(100)), chunk_delay=0.05))
    engine = engine_for(url)
    received: list[str] = []
    with trio.fail_after(30):
        with trio.move_on_after(0.3) as scope:
            async with aclosing(engine.stream(make_request())) as events:
                async for event in events:
                    if isinstance(event, AnswerDelta):
                        received.append(event.text)
        assert scope.cancelled_caught and 2 <= len(received) < 100
        await stub.wait_idle()  # the server saw the client leave: no connection left streaming
    await engine.aclose()
