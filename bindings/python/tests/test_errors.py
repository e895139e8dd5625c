"""Exceptions: one per code, with Setu's details, and no secret or token in any text."""

from __future__ import annotations

import logging

import pytest

import setu_auth
from setu_auth import (
    ERROR_CLASSES,
    AsyncTokenManager,
    RateLimitedError,
    ServerError,
    SetuAuthError,
    TokenManager,
    _native,
)
from setu_auth.httpx import SetuAuth as HttpxAuth
from setu_auth.requests import SetuAuth as RequestsAuth
from setu_auth.testing import ApiKey, Emulator

from conftest import settings


def test_one_class_per_engine_code() -> None:
    assert list(ERROR_CLASSES) == list(_native.ERROR_CODES)
    for code, cls in ERROR_CLASSES.items():
        assert issubclass(cls, SetuAuthError)
        assert cls.code == code
        assert getattr(setu_auth, cls.__name__) is cls


def test_rate_limited(emulator: Emulator, key: ApiKey) -> None:
    emulator.push_fault("respond", status=429, headers={"Retry-After": "3"}, times=10)
    manager = TokenManager(**settings(emulator, key, min_backoff=5.0, max_backoff=5.0))
    with pytest.raises(RateLimitedError) as caught:
        manager.token()
    error = caught.value
    assert (error.code, error.status, error.retryable) == ("rate_limited", 429, True)
    assert error.retry_after == 3.0
    manager.close()


def test_server_error(emulator: Emulator, key: ApiKey) -> None:
    emulator.push_fault("respond", status=503)
    manager = TokenManager(**settings(emulator, key))
    with pytest.raises(ServerError) as caught:
        manager.token()
    assert caught.value.status == 503
    assert caught.value.retryable
    assert manager.token()
    manager.close()


def test_no_secret_or_token_in_text(
    emulator: Emulator, key: ApiKey, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="setu_auth")
    manager = TokenManager(**settings(emulator, key))
    setu_auth.sync_log_level()
    token = manager.token()
    manager.invalidate(token)
    manager.refresh()
    bad = TokenManager(**{**settings(emulator, key), "secret": "S3cret-not-to-leak"})
    with pytest.raises(SetuAuthError) as caught:
        bad.token()

    async_manager = AsyncTokenManager(**settings(emulator, key))
    texts = [
        repr(manager),
        repr(async_manager),
        repr(RequestsAuth(manager)),
        repr(HttpxAuth(manager)),
        str(manager),
        repr(bad),
        repr(caught.value),
        str(caught.value),
        repr(key),
        repr(emulator),
        repr(manager.stats()),
        caplog.text,
    ]
    for text in texts:
        assert key.secret not in text
        assert "S3cret-not-to-leak" not in text
        assert token not in text
    assert any(record.name == "setu_auth" for record in caplog.records)
    manager.close()
    bad.close()
    async_manager.close()
