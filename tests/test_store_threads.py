"""mentor.store.threads: the store's hop to a worker thread (every commit and read goes through it)."""

from __future__ import annotations

import threading

import pytest
import trio
from trio.testing import wait_all_tasks_blocked

from mentor.store.threads import run_in_thread


async def test_returns_the_result_from_another_thread() -> None:
    with trio.fail_after(10):
        ident = await run_in_thread(threading.get_ident)
    assert ident != threading.get_ident()


async def test_raises_the_exception_of_the_call() -> None:
    def fail() -> None:
        raise LookupError("no such row")

    with trio.fail_after(10), pytest.raises(LookupError, match="no such row"):
        await run_in_thread(fail)


async def test_a_caller_already_cancelled_does_not_start_the_call() -> None:
    calls: list[int] = []
    with trio.CancelScope() as scope:
        scope.cancel()
        await run_in_thread(lambda: calls.append(1))
    assert scope.cancelled_caught and calls == []


async def test_a_cancelled_caller_waits_for_the_call_to_finish() -> None:
    """A commit handed to the thread is never left running unobserved: cancelling its caller takes effect
    at the caller's next checkpoint, after the call has returned."""
    release = threading.Event()
    seen: dict[str, object] = {}
    scopes: list[trio.CancelScope] = []

    def commit() -> str:
        release.wait(10)
        return "committed"

    async def caller() -> None:
        with trio.CancelScope() as scope:
            scopes.append(scope)
            seen["result"] = await run_in_thread(commit)
            await trio.lowlevel.checkpoint()
            seen["went on"] = True  # not reached: the cancellation lands here

    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(caller)
            await wait_all_tasks_blocked()
            scopes[0].cancel()
            await wait_all_tasks_blocked()
            assert seen == {}  # still waiting for the thread, not abandoned
            release.set()
    assert seen == {"result": "committed"}
    assert scopes[0].cancelled_caught
