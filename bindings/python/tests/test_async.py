"""AsyncTokenManager: awaitable methods, concurrency and the event loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from setu_auth import AsyncTokenManager, ClosedError, InvalidCredentialsError
from setu_auth.testing import ApiKey, Emulator

from conftest import PRODUCT, settings


async def fetch(manager: AsyncTokenManager) -> str:
    return await manager.token()


async def test_token_cached_and_refresh(
    async_manager: AsyncTokenManager, emulator: Emulator
) -> None:
    first = await async_manager.token()
    assert await async_manager.token() == first
    assert async_manager.cached_token() == first
    second = await async_manager.refresh()
    assert second != first
    assert emulator.stats()["token_requests"] == 2
    assert async_manager.stats()["cache_hits"] >= 1


async def test_invalidate_and_headers(async_manager: AsyncTokenManager) -> None:
    token = await async_manager.token()
    assert async_manager.invalidate(token) is True
    headers = await async_manager.auth_headers()
    assert headers["X-Setu-Product-Instance-ID"] == PRODUCT
    assert headers["Authorization"] != f"Bearer {token}"
    assert await async_manager.auth_headers() == headers


async def test_set_credentials(
    async_manager: AsyncTokenManager, emulator: Emulator, key: ApiKey
) -> None:
    old = await async_manager.token()
    new_key = emulator.regenerate_key(key.client_id)
    async_manager.set_credentials(new_key.client_id, new_key.secret)
    assert await async_manager.token() != old


async def test_errors_are_raised(emulator: Emulator, key: ApiKey) -> None:
    manager = AsyncTokenManager(
        **{**settings(emulator, key), "secret": "wrong-secret-value"}
    )
    with pytest.raises(InvalidCredentialsError):
        await manager.token()
    manager.close()


async def test_async_with_closes(emulator: Emulator, key: ApiKey) -> None:
    async with AsyncTokenManager(**settings(emulator, key)) as manager:
        assert await manager.token()
    assert manager.closed
    with pytest.raises(ClosedError):
        await manager.token()


async def test_loop_keeps_running_while_waiting(
    async_manager: AsyncTokenManager, emulator: Emulator
) -> None:
    emulator.push_fault("delay", delay_ms=300)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.ensure_future(ticker())
    await async_manager.token()
    task.cancel()
    assert ticks >= 10


async def test_cancelled_waiter_does_not_break_others(
    async_manager: AsyncTokenManager, emulator: Emulator
) -> None:
    emulator.push_fault("delay", delay_ms=200)
    first = asyncio.ensure_future(async_manager.token())
    second = asyncio.ensure_future(async_manager.token())
    await asyncio.sleep(0.02)
    first.cancel()
    assert await second
    assert emulator.stats()["token_requests"] == 1


def test_awaiting_outside_a_loop_is_refused(async_manager: AsyncTokenManager) -> None:
    with pytest.raises(RuntimeError, match="running asyncio event loop"):
        async_manager.token()


def test_loops_in_threads(async_manager: AsyncTokenManager, emulator: Emulator) -> None:
    results: list = []

    def work() -> None:
        results.append(asyncio.run(fetch(async_manager)))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert len(set(results)) == 1


async def test_methods_return_coroutines_for_create_task(
    async_manager: AsyncTokenManager,
) -> None:
    fetched = await asyncio.create_task(async_manager.token())
    cached = asyncio.create_task(async_manager.token())
    headers = asyncio.create_task(async_manager.auth_headers())
    refreshed = asyncio.create_task(async_manager.refresh())

    assert await cached == fetched
    assert (await headers)["Authorization"] == f"Bearer {fetched}"
    assert await refreshed != fetched


async def test_async_with_does_not_swallow_exceptions(
    emulator: Emulator, key: ApiKey
) -> None:
    with pytest.raises(LookupError):
        async with AsyncTokenManager(**settings(emulator, key)) as manager:
            raise LookupError("raised inside the block")
    assert await manager.__aexit__(None, None, None) is None
