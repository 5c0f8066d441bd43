"""Sleeping actors' wake-ups: one task puts WAKE in each inbox at its time, earliest first."""

from __future__ import annotations

from typing import Any

import trio
import trio.testing

from mentor.actors.alarms import WAKE, Alarms
from mentor.actors.inbox import Inbox


async def test_each_inbox_is_woken_at_its_time_and_an_earlier_alarm_cuts_the_wait_short(
        autojump_clock: trio.testing.MockClock) -> None:
    alarms = Alarms()
    late: Inbox[Any] = Inbox(4)
    early: Inbox[Any] = Inbox(4)
    woken: list[tuple[str, float]] = []

    async def wait(name: str, inbox: Inbox[Any]) -> None:
        assert await inbox.receive() is WAKE
        woken.append((name, trio.current_time()))

    async with trio.open_nursery() as nursery:
        nursery.start_soon(alarms.run)
        start = trio.current_time()
        alarms.wake_at(start + 30, late)
        nursery.start_soon(wait, "late", late)
        await trio.testing.wait_all_tasks_blocked()  # the alarm task sleeps until the 30 s one
        alarms.wake_at(start + 1, early)  # added later, due first
        nursery.start_soon(wait, "early", early)
        await trio.sleep(31)
        assert len(alarms) == 0
        nursery.cancel_scope.cancel()
    assert woken == [("early", start + 1), ("late", start + 30)]


async def test_a_full_or_closed_inbox_is_skipped(autojump_clock: trio.testing.MockClock) -> None:
    alarms = Alarms()
    full: Inbox[Any] = Inbox(1)
    full.send_nowait("busy")
    closed: Inbox[Any] = Inbox(1)
    closed.close()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(alarms.run)
        alarms.wake_at(trio.current_time() + 1, full)
        alarms.wake_at(trio.current_time() + 1, closed)
        await trio.sleep(2)
        assert len(alarms) == 0
        nursery.cancel_scope.cancel()
    assert full.receive_nowait() == "busy" and len(full) == 0  # the busy actor looks at its deadlines itself
