"""Cold managers under load: one token request, however many callers ask at once."""

from __future__ import annotations

import asyncio
import threading

from setu_auth import AsyncTokenManager, TokenManager
from setu_auth.testing import ApiKey, Emulator

from conftest import settings


def test_thousand_threads_one_request(emulator: Emulator, key: ApiKey) -> None:
    emulator.push_fault("delay", delay_ms=300)
    manager = TokenManager(**settings(emulator, key))
    barrier = threading.Barrier(1000)
    results: list = []

    def work() -> None:
        barrier.wait()
        results.append(manager.token())

    threads = [threading.Thread(target=work) for _ in range(1000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 1000
    assert len(set(results)) == 1
    assert emulator.stats()["token_requests"] == 1
    manager.close()


async def test_ten_thousand_tasks_one_request(emulator: Emulator, key: ApiKey) -> None:
    emulator.push_fault("delay", delay_ms=300)
    manager = AsyncTokenManager(**settings(emulator, key))

    async def fetch() -> str:
        return await manager.token()

    results = await asyncio.gather(*(fetch() for _ in range(10_000)))
    assert len(set(results)) == 1
    assert emulator.stats()["token_requests"] == 1
    manager.close()
