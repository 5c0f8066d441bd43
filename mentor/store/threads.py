"""One call in a worker thread, for the store's hot paths (every commit, every read).

``trio.to_thread.run_sync`` pays per call for a capacity limiter, a copy of the caller's context, a thread
name and its bookkeeping of active threads: ~30 µs of CPU per round trip on top of the thread hop itself
(107 -> 78 µs measured back to back). The store needs none of them: the writer is a single task, and the
reader bounds its threads with its own limiter. So it hands the call to trio's thread cache directly and
is woken with the outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import outcome
import trio
from trio.lowlevel import (
    Abort,
    checkpoint_if_cancelled,
    current_task,
    current_trio_token,
    reschedule,
    start_thread_soon,
    wait_task_rescheduled,
)

T = TypeVar("T")


async def run_in_thread(fn: Callable[[], T]) -> T:
    """``fn()`` in a worker thread; returns its result or raises its exception. As ``to_thread.run_sync`` by
    default: a caller already cancelled does not start it, and once started it is not abandoned on
    cancellation, so a commit or read handed over is never left running unobserved."""
    await checkpoint_if_cancelled()
    task = current_task()
    token = current_trio_token()

    def deliver(result: outcome.Outcome[T]) -> None:  # in the worker thread
        token.run_sync_soon(reschedule, task, result)

    start_thread_soon(fn, deliver)
    result: T = await wait_task_rescheduled(_cannot_abort)
    return result


def _cannot_abort(_raise_cancel: Callable[[], trio.Cancelled]) -> Abort:
    return Abort.FAILED
