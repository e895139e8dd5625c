"""Shared fixtures: an emulator per test and managers pointed at it."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from setu_auth import AsyncTokenManager, TokenManager
from setu_auth.testing import ApiKey, Emulator

PRODUCT = "product-a"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as running:
        yield running


@pytest.fixture
def key(emulator: Emulator) -> ApiKey:
    return emulator.create_key(name="main", products=[PRODUCT])


def settings(emulator: Emulator, key: ApiKey, **extra: Any) -> dict:
    """Keyword arguments for a manager using `key` on `emulator`."""
    return {
        "client_id": key.client_id,
        "secret": key.secret,
        "base_url": emulator.url,
        **extra,
    }


@pytest.fixture
def manager(emulator: Emulator, key: ApiKey) -> Iterator[TokenManager]:
    with TokenManager(
        **settings(emulator, key, product_instance_id=PRODUCT)
    ) as created:
        yield created


@pytest.fixture
def async_manager(emulator: Emulator, key: ApiKey) -> Iterator[AsyncTokenManager]:
    created = AsyncTokenManager(**settings(emulator, key, product_instance_id=PRODUCT))
    yield created
    created.close()
