"""Bench-only wake-up counter: how many times each kind of trio task runs, to count wake-ups per caption.

Off unless ``MENTOR_BENCH_WAKEUPS`` names a file when the server starts (read once): then a trio Instrument
counts every task step by the task's kind and the server writes the counts there as JSON when it stops
(``python -m bench.wakeups`` does all of that). When off nothing is installed, so it costs nothing.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import trio

ENV = "MENTOR_BENCH_WAKEUPS"
_ID = re.compile(r"[:\[(].*$")  # "session:<uuid>" -> "session"


class WakeupCounter(trio.abc.Instrument):
    """Task steps (each is one wake-up of that task) by task kind, and thread-hop completions."""

    def __init__(self) -> None:
        self.steps: Counter[str] = Counter()
        self._kinds: dict[int, str] = {}

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        kind = self._kinds.get(id(task))
        if kind is None:
            kind = self._kinds[id(task)] = _ID.sub("", task.name)
        self.steps[kind] += 1

    def task_exited(self, task: trio.lowlevel.Task) -> None:
        self._kinds.pop(id(task), None)


def install() -> WakeupCounter | None:
    """Install the counter when ``MENTOR_BENCH_WAKEUPS`` is set (inside trio.run); else None."""
    if not os.environ.get(ENV):
        return None
    counter = WakeupCounter()
    trio.lowlevel.add_instrument(counter)
    return counter


def dump(counter: WakeupCounter | None, extra: dict[str, int]) -> None:
    if counter is None:
        return
    path = Path(os.environ[ENV])
    path.write_text(json.dumps({"steps": dict(counter.steps.most_common()), **extra}, indent=1))
