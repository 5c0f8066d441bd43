"""Issue 10, auth findings: the login throttle under concurrency (item 2)."""

from __future__ import annotations

import httpx
import trio

from tests.conftest import User


async def test_parallel_wrong_passwords_are_throttled_at_the_limit(client: httpx.AsyncClient, user: User) -> None:
    """150 concurrent wrong passwords were all verified and none got 429: each was counted only after
    argon2 had run. Now each attempt is counted before verifying, so at most the limit get through."""
    statuses: list[int] = []

    async def guess(n: int) -> None:
        r = await client.post("/auth/login", json={"email": user.email, "password": f"wrong guess {n}"})
        statuses.append(r.status_code)

    with trio.fail_after(60):
        async with trio.open_nursery() as nursery:
            for n in range(40):
                nursery.start_soon(guess, n)
    assert sorted(set(statuses)) == [401, 429]
    assert statuses.count(401) == 10  # login_max_failures
    right = await client.post("/auth/login", json={"email": user.email, "password": "correct horse"})
    assert right.status_code == 429  # the account stays locked for the window, even for the right password
