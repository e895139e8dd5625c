"""Runtime safety: fork, interpreter exit, and blocking calls inside an event loop."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import subprocess
import sys
import textwrap
import time

import pytest

from setu_auth import AsyncTokenManager, BlockingInRuntimeError, TokenManager
from setu_auth.testing import ApiKey, Emulator

from conftest import settings

CHILD_TIMEOUT = 30


async def fetch(manager: AsyncTokenManager) -> str:
    return await manager.token()


def run_in_fork(work) -> int:
    """Runs `work` in a forked child and returns its exit status; never hangs."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            status = 0 if work() else 2
        finally:
            os._exit(status)
    for _ in range(CHILD_TIMEOUT * 20):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        asyncio.run(asyncio.sleep(0.05))
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("the forked child hung")


def test_blocking_manager_after_fork(manager: TokenManager) -> None:
    parent_token = manager.token()

    def child() -> bool:
        return bool(manager.refresh()) and manager.token() != parent_token

    assert run_in_fork(child) == 0
    assert manager.token() == parent_token


def test_async_manager_after_fork(async_manager: AsyncTokenManager) -> None:
    parent_token = asyncio.run(fetch(async_manager))

    def child() -> bool:
        async def fetch() -> str:
            await async_manager.refresh()
            return await async_manager.token()

        return asyncio.run(fetch()) != parent_token

    assert run_in_fork(child) == 0


_POOL_MANAGER: "TokenManager | None" = None


def _pool_work(_: int) -> str:
    assert _POOL_MANAGER is not None
    return _POOL_MANAGER.refresh()


def test_multiprocessing_fork_pool(manager: TokenManager) -> None:
    global _POOL_MANAGER
    manager.token()
    _POOL_MANAGER = manager
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        tokens = pool.map_async(_pool_work, range(4)).get(timeout=CHILD_TIMEOUT)
    _POOL_MANAGER = None
    assert len(tokens) == 4
    assert all(tokens)


def test_exit_without_close(emulator: Emulator, key: ApiKey) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, setu_auth
        manager = setu_auth.TokenManager(
            client_id={key.client_id!r}, secret={key.secret!r}, base_url={emulator.url!r})
        other = setu_auth.AsyncTokenManager(
            client_id={key.client_id!r}, secret={key.secret!r}, base_url={emulator.url!r})
        assert manager.token()
        async def fetch():
            return await other.token()
        assert asyncio.run(fetch())
        print("done")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done"
    assert result.stderr == ""


async def test_blocking_call_inside_event_loop_raises(
    emulator: Emulator, key: ApiKey
) -> None:
    manager = TokenManager(**settings(emulator, key))
    with pytest.raises(BlockingInRuntimeError, match="AsyncTokenManager") as caught:
        manager.token()
    assert caught.value.code == "blocking_in_runtime"
    with pytest.raises(BlockingInRuntimeError):
        manager.refresh()

    token = await asyncio.to_thread(manager.token)
    assert manager.token() == token  # a cached token never blocks, so it is allowed
    manager.close()


def test_exit_while_a_request_waits(emulator: Emulator, key: ApiKey) -> None:
    emulator.push_fault("delay", delay_ms=20_000, times=2)
    script = textwrap.dedent(
        f"""
        import asyncio, threading, time, setu_auth
        manager = setu_auth.TokenManager(
            client_id={key.client_id!r}, secret={key.secret!r}, base_url={emulator.url!r})
        other = setu_auth.AsyncTokenManager(
            client_id={key.client_id!r}, secret={key.secret!r}, base_url={emulator.url!r})
        threading.Thread(target=manager.token, daemon=True).start()

        async def start_and_leave():
            # The call starts the request; closing the coroutine only drops the wait.
            other.token().close()
            await asyncio.sleep(0.2)
        asyncio.run(start_and_leave())
        print("done")
        """
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done"
    assert result.stderr == ""
    assert time.monotonic() - started < 15, "exit waited for the token request"
