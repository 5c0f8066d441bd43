"""The actor's inbox: bounded, many senders, one receiver; the channel semantics the supervisor relies on."""

from __future__ import annotations

import pytest
import trio
import trio.testing

from mentor.actors.inbox import Inbox


async def test_messages_arrive_in_order_and_a_full_inbox_refuses_without_waiting() -> None:
    inbox: Inbox[int] = Inbox(2)
    inbox.send_nowait(1)
    inbox.send_nowait(2)
    with pytest.raises(trio.WouldBlock):
        inbox.send_nowait(3)
    assert len(inbox) == 2
    assert [inbox.receive_nowait(), await inbox.receive()] == [1, 2]
    with pytest.raises(trio.WouldBlock):
        inbox.receive_nowait()


async def test_a_waiting_receiver_gets_the_message_handed_over() -> None:
    inbox: Inbox[str] = Inbox(1)
    got: list[str] = []
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: _receive_into(inbox, got))
        await trio.testing.wait_all_tasks_blocked()
        inbox.send_nowait("hello")
        assert len(inbox) == 0  # handed straight over, not queued
    assert got == ["hello"]


async def _receive_into(inbox: Inbox[str], got: list[str]) -> None:
    got.append(await inbox.receive())


async def test_a_sender_waits_for_room_and_keeps_its_place_behind_what_was_queued() -> None:
    inbox: Inbox[int] = Inbox(1)
    inbox.send_nowait(1)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(inbox.send, 2)
        await trio.testing.wait_all_tasks_blocked()
        assert len(inbox) == 1
        assert inbox.receive_nowait() == 1
        await trio.testing.wait_all_tasks_blocked()
    assert inbox.receive_nowait() == 2


async def test_a_cancelled_receive_leaves_the_inbox_usable() -> None:
    inbox: Inbox[int] = Inbox(4)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(inbox.receive)
        await trio.testing.wait_all_tasks_blocked()
        nursery.cancel_scope.cancel()
    inbox.send_nowait(7)  # no receiver is left registered: it is queued, not handed to a dead wait
    assert inbox.receive_nowait() == 7


async def test_close_wakes_the_receiver_and_every_waiting_sender_and_refuses_what_follows() -> None:
    inbox: Inbox[int] = Inbox(1)
    errors: list[type[BaseException]] = []

    async def receive() -> None:
        try:
            await inbox.receive()
        except trio.ClosedResourceError as exc:
            errors.append(type(exc))

    async def send() -> None:
        try:
            await inbox.send(9)
        except trio.BrokenResourceError as exc:
            errors.append(type(exc))

    async with trio.open_nursery() as nursery:
        nursery.start_soon(receive)
        await trio.testing.wait_all_tasks_blocked()
        inbox.close()
    assert errors == [trio.ClosedResourceError]
    other: Inbox[int] = Inbox(1)
    other.send_nowait(1)
    inbox = other
    async with trio.open_nursery() as nursery:
        nursery.start_soon(send)
        nursery.start_soon(send)
        await trio.testing.wait_all_tasks_blocked()
        inbox.close()
    assert errors == [trio.ClosedResourceError, trio.BrokenResourceError, trio.BrokenResourceError]
    with pytest.raises(trio.BrokenResourceError):
        inbox.send_nowait(1)
    with pytest.raises(trio.ClosedResourceError):
        inbox.receive_nowait()


async def test_only_one_task_receives() -> None:
    inbox: Inbox[int] = Inbox(1)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(inbox.receive)
        await trio.testing.wait_all_tasks_blocked()
        with pytest.raises(trio.BusyResourceError):
            await inbox.receive()
        inbox.send_nowait(1)


def test_an_inbox_holds_at_least_one_message() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Inbox(0)
