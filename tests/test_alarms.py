"""Sleeping actors' wake-ups: one task puts WAKE in each inbox at the time its actor last asked for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import trio
import trio.testing

from mentor.actors.alarms import RESOLUTION_S, WAKE, Alarms
from mentor.actors.inbox import Inbox


@asynccontextmanager
async def running() -> AsyncIterator[tuple[Alarms, trio.Nursery]]:
    """An alarm task running in a nursery (for the test's own tasks too), cancelled at the end."""
    alarms = Alarms()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(alarms.run)
        yield alarms, nursery
        nursery.cancel_scope.cancel()


async def woken_at(inbox: Inbox[Any], log: list[tuple[int, float]], name: int) -> None:
    assert await inbox.receive() is WAKE
    log.append((name, trio.current_time()))


async def test_each_inbox_is_woken_at_its_time_and_an_earlier_alarm_cuts_the_wait_short(
        autojump_clock: trio.testing.MockClock) -> None:
    late: Inbox[Any] = Inbox(4)
    early: Inbox[Any] = Inbox(4)
    woken: list[tuple[int, float]] = []
    async with running() as (alarms, nursery):
        start = trio.current_time()
        alarms.wake_at(start + 30, late)
        nursery.start_soon(woken_at, late, woken, 2)
        await trio.testing.wait_all_tasks_blocked()  # the alarm task sleeps until the 30 s one
        alarms.wake_at(start + 1, early)  # added later, due first
        nursery.start_soon(woken_at, early, woken, 1)
        await trio.sleep(31)
        assert len(alarms) == 0
    assert woken == [(1, start + 1), (2, start + 30)]


async def test_a_deadline_moved_later_is_refiled_not_woken_early_and_one_moved_earlier_replaces_it(
        autojump_clock: trio.testing.MockClock) -> None:
    inbox: Inbox[Any] = Inbox(4)
    woken: list[tuple[int, float]] = []
    async with running() as (alarms, nursery):
        start = trio.current_time()
        alarms.wake_at(start + 1, inbox)
        alarms.wake_at(start + 5, inbox)  # a caption pushed the pause on: no second entry
        assert len(alarms) == 1
        nursery.start_soon(woken_at, inbox, woken, 1)
        await trio.sleep(3)
        assert woken == [] and len(alarms) == 1  # the 1 s entry came due and was re-filed at 5 s
        alarms.wake_at(start + 4, inbox)  # earlier again: a new entry; the 5 s one is dropped when due
        await trio.sleep(10)
        assert len(alarms) == 0
    assert len(woken) == 1 and start + 4 <= woken[0][1] <= start + 4 + RESOLUTION_S


async def test_a_full_or_closed_inbox_is_skipped(autojump_clock: trio.testing.MockClock) -> None:
    full: Inbox[Any] = Inbox(1)
    full.send_nowait("busy")
    closed: Inbox[Any] = Inbox(1)
    async with running() as (alarms, _):
        alarms.wake_at(trio.current_time() + 1, full)
        alarms.wake_at(trio.current_time() + 1, closed)
        closed.close()
        await trio.sleep(2)
        assert len(alarms) == 0
    assert full.receive_nowait() == "busy" and len(full) == 0  # the busy actor asks again at its next wait
    assert full.alarm_at == full.wake_at == float("inf")  # so that its next wait files a new entry
