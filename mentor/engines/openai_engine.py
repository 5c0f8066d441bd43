"""The LLM engine: streaming chat completions from any OpenAI-compatible server.

Works with OpenAI, Azure-style gateways, vLLM, Ollama and llama.cpp servers through the official `openai`
client (which speaks `httpx2`). Retries are ours, not the client's, because they are only safe before the
first token: once text has reached the candidate, a retry would repeat or contradict it. All timeouts are
trio cancel scopes around single awaits, never around a `yield`, so a consumer is never cancelled by a
deadline that belongs to us.
"""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field

import httpx2
import openai
import trio
from openai import AsyncStream
from openai.types.chat import (
    ChatCompletionChunk,
    ChatCompletionMessageParam,
    ChatCompletionStreamOptionsParam,
)
from openai.types.completion_usage import CompletionUsage

from mentor.ai.prompt import Prompt, PromptBudget, build_prompt, estimate_tokens, needs_model
from mentor.ai.types import AnswerDelta, AnswerDone, AnswerEvent, AnswerRequest
from mentor.engines.base import AnswerError, EngineContext
from mentor.engines.offline import OfflineEngine

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OpenAIEngineSettings:
    """Bounds and knobs of `OpenAIEngine`; every timeout is in seconds.

    connect_timeout: TCP/TLS connect, and the write of the request (default 5).
    first_token_timeout: from sending a request to its first text chunk, per attempt (default 15): covers a
        slow queue at the server and a stream that opens but stays silent.
    stall_timeout: longest gap between chunks once text flows (default 10); a longer silence fails the
        answer (no retry: text was already shown).
    max_attempts: requests per answer, counting the first (default 3). Retried: 408/409/429/5xx, connection
        errors and first-token timeouts, and only while no text has been yielded.
    backoff_initial, backoff_max: exponential backoff between attempts, 0.5 s doubling up to 4 s, each delay
        drawn uniformly from its upper half (jitter) so that clients rate-limited together spread out.
    retry_after_max: a server's Retry-After is honoured up to this many seconds (default 8).
    close_timeout: how long closing an abandoned stream may take, shielded from cancellation (default 1).
    temperature: sampling temperature sent with each request (default 0.3).
    max_tokens: ceiling on the completion tokens of any answer (default 700); each question kind has its own
        lower cap (`mentor.ai.prompt.ANSWER_SHAPES`), and the smaller of the two is sent.
    request_usage: ask for token usage in the stream (`stream_options.include_usage`; default True). Turn
        off for servers that reject the option; usage is then estimated.
    prompt_budget: the context budget for `build_prompt`.

    Worst case before an answer starts or fails: max_attempts * first_token_timeout plus backoff
    (about 45 + 6 s with the defaults).
    """

    connect_timeout: float = 5.0
    first_token_timeout: float = 15.0
    stall_timeout: float = 10.0
    max_attempts: int = 3
    backoff_initial: float = 0.5
    backoff_max: float = 4.0
    retry_after_max: float = 8.0
    close_timeout: float = 1.0
    temperature: float = 0.3
    max_tokens: int = 700
    request_usage: bool = True
    prompt_budget: PromptBudget = field(default_factory=PromptBudget)


class _Stalled(Exception):
    def __init__(self, seconds: float, *, started: bool) -> None:
        where = "between chunks" if started else "before the first token"
        super().__init__(f"no data from the model for {seconds:g} s {where}")


def _classify(exc: Exception) -> tuple[str, bool, float | None]:
    """(reason, retryable, server's Retry-After in seconds) for an exception raised by one attempt."""
    if isinstance(exc, _Stalled):
        return str(exc), True, None
    if isinstance(exc, trio.TooSlowError):
        return "the model did not start answering in time", True, None
    if isinstance(exc, openai.APITimeoutError):
        return "the model server timed out", True, None
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc
        return f"cannot reach the model server ({type(cause).__name__}: {cause})", True, None
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        retry_after: float | None = None
        try:
            retry_after = float(exc.response.headers.get("retry-after", ""))
        except ValueError:
            pass
        retryable = status in (408, 409, 429) or status >= 500
        return f"the model server answered HTTP {status}: {exc.message}", retryable, retry_after
    if isinstance(exc, openai.APIError):
        return f"the model server reported an error: {exc.message}", False, None
    # JSON errors, missing fields: whatever came over the wire was not a chat-completions chunk.
    return f"malformed response from the model server ({type(exc).__name__}: {exc})", False, None


class OpenAIEngine(EngineContext):
    """Streams answers from an OpenAI-compatible chat-completions endpoint.

    `api_key`, `base_url` and `model` come from the caller (the service reads OPENAI_API_KEY,
    OPENAI_BASE_URL and MENTOR_MODEL); a missing key is sent as a placeholder, which local servers ignore.
    One connection pool serves all answers: the runtime closes it at shutdown (`async with` / `aclose`).
    """

    name = "openai"

    def __init__(
        self,
        *,
        model: str,
        api_key: str | None = None,
        base_url: str | None = None,
        settings: OpenAIEngineSettings = OpenAIEngineSettings(),
        rng: random.Random | None = None,
    ) -> None:
        self.model = model
        self.settings = settings
        self._rng = rng or random.Random()
        backstop = max(settings.first_token_timeout, settings.stall_timeout) + 5.0
        self._client = openai.AsyncOpenAI(
            api_key=api_key or "not-needed",
            base_url=base_url,
            # Our own retry loop knows whether text was already shown; the client's would not.
            max_retries=0,
            # The trio deadlines below are the real bounds; these stop a dead socket from outliving them.
            timeout=httpx2.Timeout(
                connect=settings.connect_timeout,
                read=backstop,
                write=settings.connect_timeout,
                pool=settings.connect_timeout,
            ),
        )

    async def aclose(self) -> None:
        """Close the connection pool. Answers still streaming fail with connection errors."""
        await self._client.close()

    async def stream(self, request: AnswerRequest) -> AsyncGenerator[AnswerEvent, None]:
        """Stream an answer: `AnswerDelta`s, then one `AnswerDone`.

        Raises `AnswerError` when every attempt failed before the first token, when a non-retryable error
        (4xx, malformed chunk) occurs, or when the stream fails after text was yielded. Cancellable at any
        point; the HTTP response is closed (shielded, bounded by `close_timeout`) on every exit.

        Greetings and small talk (`needs_model` is False for their kind) are answered by the offline engine
        without any request: a model call there costs money and a second of latency for one friendly line.
        """
        if not needs_model(request.kind):
            async with aclosing(OfflineEngine().stream(request)) as events:
                async for event in events:
                    yield event
            return
        settings = self.settings
        prompt = build_prompt(request, settings.prompt_budget)
        parts: list[str] = []
        usage: CompletionUsage | None = None
        model = self.model
        attempt = 0
        while True:
            attempt += 1
            deadline = trio.current_time() + settings.first_token_timeout
            response: AsyncStream[ChatCompletionChunk] | None = None
            try:
                with trio.fail_after(settings.first_token_timeout):
                    response = await self._open(prompt)
                while True:
                    wait = settings.stall_timeout if parts else deadline - trio.current_time()
                    chunk = await _next_chunk(response, wait, started=bool(parts))
                    if chunk is None:
                        break
                    usage = chunk.usage or usage
                    model = chunk.model or model
                    for choice in chunk.choices:
                        text = choice.delta.content if choice.delta is not None else None
                        if text:
                            parts.append(text)
                            yield AnswerDelta(text)
            except Exception as exc:
                reason, retryable, retry_after = _classify(exc)
                if parts:
                    raise AnswerError(f"{reason}, after part of the answer", retryable=retryable) from exc
                if not retryable or attempt >= settings.max_attempts:
                    raise AnswerError(reason, retryable=retryable) from exc
                log.info("model attempt %d failed, retrying: %s", attempt, reason)
            else:
                break
            finally:
                if response is not None:
                    await _close_quietly(response, settings.close_timeout)
            await trio.sleep(self._backoff(attempt, retry_after))

        text = "".join(parts)
        if not text.strip():
            raise AnswerError("the model returned an empty answer", retryable=True)
        yield AnswerDone(
            text=text,
            engine="openai",
            model=model,
            sources=prompt.sources,
            prompt_tokens=usage.prompt_tokens if usage else prompt.estimated_tokens,
            completion_tokens=usage.completion_tokens if usage else estimate_tokens(text),
            usage_estimated=usage is None,
        )

    async def _open(self, prompt: Prompt) -> AsyncStream[ChatCompletionChunk]:
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": prompt.system},
            {"role": "user", "content": prompt.user},
        ]
        stream_options: ChatCompletionStreamOptionsParam | openai.Omit = (
            {"include_usage": True} if self.settings.request_usage else openai.omit
        )
        return await self._client.chat.completions.create(
            model=self.model,
            messages=messages,
            stream=True,
            stream_options=stream_options,
            temperature=self.settings.temperature,
            max_tokens=min(prompt.max_tokens, self.settings.max_tokens),
        )

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        settings = self.settings
        ceiling = min(settings.backoff_max, settings.backoff_initial * 2 ** (attempt - 1))
        delay = self._rng.uniform(ceiling / 2, ceiling)
        if retry_after is not None:
            delay = max(delay, min(retry_after, settings.retry_after_max))
        return delay


async def _next_chunk(
    response: AsyncStream[ChatCompletionChunk], timeout: float, *, started: bool
) -> ChatCompletionChunk | None:
    """The next chunk, None at the end of the stream; raises `_Stalled` after `timeout` seconds of silence."""
    with trio.move_on_after(max(timeout, 0.0)):
        try:
            return await response.__anext__()
        except StopAsyncIteration:
            return None
    raise _Stalled(timeout, started=started)


async def _close_quietly(response: AsyncStream[ChatCompletionChunk], timeout: float) -> None:
    # Shielded so a cancelled answer still releases its connection; bounded so a dead peer cannot hold
    # up the cancellation for long.
    with trio.CancelScope(shield=True):
        with trio.move_on_after(timeout):
            try:
                await response.close()
            except (httpx2.HTTPError, OSError, trio.BrokenResourceError) as exc:  # closed either way
                log.debug("closing the model stream failed: %r", exc)
