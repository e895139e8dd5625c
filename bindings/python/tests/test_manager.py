"""TokenManager: every method against the emulator."""

from __future__ import annotations

import threading

import pytest

from setu_auth import (
    ClosedError,
    InvalidConfigError,
    InvalidCredentialsError,
    TokenManager,
)
from setu_auth.testing import ApiKey, Emulator

from conftest import PRODUCT, settings


def test_token_is_cached(manager: TokenManager, emulator: Emulator) -> None:
    first = manager.token()
    assert first.count(".") == 2
    assert manager.token() == first
    assert manager.token() is first
    assert emulator.stats()["token_requests"] == 1
    stats = manager.stats()
    assert stats["token_requests"] == 1
    assert stats["cache_hits"] == 2


def test_cached_token_without_waiting(manager: TokenManager) -> None:
    assert manager.cached_token() is None
    token = manager.token()
    assert manager.cached_token() == token


def test_refresh_forces_new_token(manager: TokenManager, emulator: Emulator) -> None:
    first = manager.token()
    second = manager.refresh()
    assert second != first
    assert manager.token() == second
    assert emulator.stats()["token_requests"] == 2


def test_invalidate_only_current(manager: TokenManager) -> None:
    first = manager.token()
    assert manager.invalidate("not-the-current-token") is False
    assert manager.invalidate(first) is True
    assert manager.invalidate(first) is False
    assert manager.token() != first
    assert manager.stats()["invalidations"] == 1


def test_set_credentials_after_regenerate(
    manager: TokenManager, emulator: Emulator, key: ApiKey
) -> None:
    old = manager.token()
    new_key = emulator.regenerate_key(key.client_id)
    manager.set_credentials(new_key.client_id, new_key.secret)
    assert manager.client_id == new_key.client_id
    assert manager.token() != old


def test_set_credentials_rejects_empty(manager: TokenManager) -> None:
    with pytest.raises(InvalidConfigError, match="secret is empty"):
        manager.set_credentials("client", "")


def test_auth_headers(manager: TokenManager) -> None:
    headers = manager.auth_headers()
    assert headers == {
        "Authorization": f"Bearer {manager.token()}",
        "X-Setu-Product-Instance-ID": PRODUCT,
    }


def test_close_and_context_manager(emulator: Emulator, key: ApiKey) -> None:
    with TokenManager(**settings(emulator, key)) as manager:
        manager.token()
        assert not manager.closed
    assert manager.closed
    with pytest.raises(ClosedError) as caught:
        manager.token()
    assert caught.value.code == "closed"
    manager.close()


def test_wrong_secret(emulator: Emulator, key: ApiKey) -> None:
    manager = TokenManager(**{**settings(emulator, key), "secret": "wrong-secret"})
    with pytest.raises(InvalidCredentialsError) as caught:
        manager.token()
    error = caught.value
    assert error.code == "invalid_credentials"
    assert error.setu_code == "invalid-api-key"
    assert error.status == 400
    assert error.trace_id
    assert error.retryable is False


def test_threads_share_one_request(manager: TokenManager, emulator: Emulator) -> None:
    emulator.push_fault("delay", delay_ms=200)
    results: list = []
    barrier = threading.Barrier(32)

    def work() -> None:
        barrier.wait()
        results.append(manager.token())

    threads = [threading.Thread(target=work) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 32
    assert len(set(results)) == 1
    assert emulator.stats()["token_requests"] == 1


def test_login_flavor(emulator: Emulator, key: ApiKey) -> None:
    with TokenManager(**settings(emulator, key, flavor="login")) as manager:
        assert manager.token()
    assert emulator.stats()["login_requests"] == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"environment": "staging"}, "invalid environment"),
        ({"flavor": "v3"}, "invalid flavor"),
        ({"base_url": "http://example.com"}, "plain http"),
        ({"base_url": "not a url"}, "invalid base_url"),
        ({"refresh_share": 1.5}, "refresh_share"),
        ({"request_timeout": -1.0}, "request_timeout"),
        ({"min_backoff": float("nan")}, "min_backoff"),
        ({"connect_timeout": 0.0}, "connect_timeout is zero"),
        ({"client_id": ""}, "client_id is empty"),
        ({"product_instance_id": "has space"}, "product_instance_id"),
    ],
)
def test_invalid_config(
    emulator: Emulator, key: ApiKey, extra: dict, message: str
) -> None:
    with pytest.raises(InvalidConfigError, match=message) as caught:
        TokenManager(**{**settings(emulator, key), **extra})
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "invalid_config"


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        TokenManager("client", "secret")  # type: ignore[misc]


def test_production_environment_default_url() -> None:
    manager = TokenManager(
        client_id="client", secret="secret", environment="production"
    )
    assert manager.client_id == "client"
    manager.close()
