"""Cost of a cached token() against the floor (a pyo3 method returning a stored str) and
against the thread-safe pure-Python cache users write by hand. Run with
``pytest tests/test_benchmark.py --benchmark-only`` on a release build; CI passes
``--benchmark-disable`` and only checks that each variant returns the token."""

from __future__ import annotations

import threading
import time
from typing import Callable, Iterator, Tuple

import pytest

from setu_auth import TokenManager, _native
from setu_auth.testing import ApiKey, Emulator

from conftest import settings


class HandWrittenCache:
    """A lock, a monotonic deadline and a stored string."""

    def __init__(self, token: str) -> None:
        self._lock = threading.Lock()
        self._token = token
        self._expires = time.monotonic() + 3600

    def token(self) -> str:
        with self._lock:
            if time.monotonic() < self._expires:
                return self._token
        raise RuntimeError("expired")


@pytest.fixture
def warm(emulator: Emulator, key: ApiKey) -> Iterator[Tuple[TokenManager, str]]:
    manager = TokenManager(**settings(emulator, key))
    token = manager.token()
    manager.token()
    yield manager, token
    manager.close()


def variants(manager: TokenManager, token: str) -> dict:
    return {
        "token": manager.token,
        "floor": _native._FloorForBenchmark(token).value,
        "python_cache": HandWrittenCache(token).token,
    }


@pytest.mark.parametrize("variant", ["token", "floor", "python_cache"])
def test_cached_token_cost(
    benchmark, warm: Tuple[TokenManager, str], variant: str
) -> None:
    manager, token = warm
    call: Callable[[], str] = variants(manager, token)[variant]
    assert benchmark(call) == token
