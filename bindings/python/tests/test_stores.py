"""Shared token stores selected through the manager's keyword arguments."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from setu_auth import AsyncTokenManager, InvalidConfigError, TokenManager
from setu_auth.testing import ApiKey, Emulator

from conftest import settings


def test_file_store_shared_between_managers(
    emulator: Emulator, key: ApiKey, tmp_path: Path
) -> None:
    store = {"store": "file", "store_dir": str(tmp_path)}
    with TokenManager(**settings(emulator, key, **store)) as first:
        token = first.token()
    with TokenManager(**settings(emulator, key, **store)) as second:
        assert second.token() == token

    assert emulator.stats()["token_requests"] == 1
    stored = "".join(path.read_text() for path in tmp_path.glob("*.token"))
    assert key.secret not in stored


async def test_async_manager_uses_file_store(
    emulator: Emulator, key: ApiKey, tmp_path: Path
) -> None:
    store = {"store": "file", "store_dir": str(tmp_path)}
    first = AsyncTokenManager(**settings(emulator, key, **store))
    second = AsyncTokenManager(**settings(emulator, key, **store))

    token = await first.token()

    assert await second.token() == token
    assert emulator.stats()["token_requests"] == 1
    first.close()
    second.close()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"store": "disk"}, "invalid store"),
        ({"store_dir": "/tmp"}, "store_dir is set"),
        ({"redis_url": "redis://127.0.0.1:1"}, "redis_url or redis_timeout"),
        ({"store": "redis"}, "needs redis_url"),
        ({"store": "file", "store_dir": "relative/dir"}, "relative"),
        (
            {
                "store": "redis",
                "redis_url": "redis://127.0.0.1:1",
                "redis_timeout": -1.0,
            },
            "redis_timeout",
        ),
    ],
)
def test_invalid_store_rejected(
    emulator: Emulator, key: ApiKey, extra: dict, expected: str
) -> None:
    with pytest.raises(InvalidConfigError) as raised:
        TokenManager(**settings(emulator, key, **extra))

    assert expected in str(raised.value)


def test_redis_password_never_shown(emulator: Emulator, key: ApiKey) -> None:
    url = "ftp://:hunter2pw@127.0.0.1:6379"

    with pytest.raises(InvalidConfigError) as raised:
        TokenManager(**settings(emulator, key, store="redis", redis_url=url))

    assert "hunter2pw" not in str(raised.value)
    assert "hunter2pw" not in repr(raised.value)


@pytest.fixture
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed: apt-get install redis-server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_redis_store_shared_between_managers(
    emulator: Emulator, key: ApiKey, redis_url: str
) -> None:
    store = {"store": "redis", "redis_url": redis_url}
    with TokenManager(**settings(emulator, key, **store)) as first:
        token = first.token()
    with TokenManager(**settings(emulator, key, **store)) as second:
        assert second.token() == token

    assert emulator.stats()["token_requests"] == 1
