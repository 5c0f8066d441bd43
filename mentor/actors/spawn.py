"""Starting a long-lived task from a request handler without tying the request to it.

A trio task inherits a copy of the contextvars of the task that starts it. A session actor (or a remote
stream's pump) started while a request is handled would so keep Quart's request context alive (headers,
body, routing and connection state: ~11 KiB of objects, measured) for as long as it runs. `Detached`
starts tasks in the context captured where their nursery's owner was built, at startup.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable
from typing import Any

import trio

__all__ = ["Detached"]


class Detached:
    """Starts tasks in `nursery` with the contextvars of the task that built this, not of the caller."""

    __slots__ = ("_context", "_nursery")

    def __init__(self, nursery: trio.Nursery) -> None:
        self._nursery = nursery
        self._context = contextvars.copy_context()

    def start_soon(self, fn: Callable[..., Awaitable[Any]], *args: Any, name: str) -> None:
        # Context.run is synchronous and start_soon does not re-enter it: no other caller can be inside.
        self._context.run(self._nursery.start_soon, fn, *args, name=name)
