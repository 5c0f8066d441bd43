"""Trend points of ended interviews, kept in memory: ``/users/me/insights`` recomputes only the rest.

An ended session's report never changes (it takes no more captions), so its trend point is computed once;
a running session's is computed on every request. Keys are (session id, ended_at): ids are unique, and the
ownership and existence of every session are checked against the store before the cache is consulted, so
a deleted session is never served from here (its entry just ages out). Bounded by
``insights_cache_sessions`` entries, least recently used first out. Thread-safe: the insights read runs in
a store worker thread.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

Key = tuple[str, float]


class TrendCache:
    def __init__(self, size: int) -> None:
        self._size = size
        self._points: OrderedDict[Key, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> dict[str, Any] | None:
        with self._lock:
            point = self._points.get(key)
            if point is None:
                self.misses += 1
                return None
            self._points.move_to_end(key)
            self.hits += 1
            return point

    def put(self, key: Key, point: dict[str, Any]) -> None:
        if self._size <= 0:
            return
        with self._lock:
            self._points[key] = point
            self._points.move_to_end(key)
            while len(self._points) > self._size:
                self._points.popitem(last=False)
