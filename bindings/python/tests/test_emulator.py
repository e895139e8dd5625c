"""setu_auth.testing.Emulator: key lifecycle, lifetimes, skew, faults, counters, stop."""

from __future__ import annotations

import time

import pytest

from setu_auth import InvalidCredentialsError, TokenManager
from setu_auth.testing import Emulator

from conftest import settings


def test_key_lifecycle(emulator: Emulator) -> None:
    key = emulator.create_key(
        name="k", products=["p"], client_id="fixed-id", secret="fixed-secret-value-42"
    )
    assert (key.client_id, key.secret, key.products) == (
        "fixed-id",
        "fixed-secret-value-42",
        ["p"],
    )
    assert "fixed-secret-value-42" not in repr(key)
    assert [info.client_id for info in emulator.list_keys()] == ["fixed-id"]

    manager = TokenManager(**settings(emulator, key, negative_ttl=0.0))
    emulator.disable_key(key.client_id)
    assert emulator.list_keys()[0].enabled is False
    with pytest.raises(InvalidCredentialsError):
        manager.token()
    emulator.enable_key(key.client_id)
    assert manager.token()

    new_key = emulator.regenerate_key(key.client_id)
    assert new_key.client_id != key.client_id
    emulator.delete_key(new_key.client_id)
    assert emulator.list_keys() == []
    with pytest.raises(ValueError, match="unknown clientID"):
        emulator.delete_key(new_key.client_id)
    manager.close()


def test_lifetimes(emulator: Emulator) -> None:
    key = emulator.create_key()
    emulator.set_token_lifetime(60)
    emulator.set_login_token_lifetime(30)
    emulator.set_key_token_lifetime(key.client_id, 45)
    assert emulator.list_keys()[0].token_lifetime == 45
    emulator.set_key_token_lifetime(key.client_id, None)
    assert emulator.list_keys()[0].token_lifetime is None
    with pytest.raises(ValueError, match="invalid seconds 0"):
        emulator.set_token_lifetime(0)


def test_token_lifetime_is_used(emulator: Emulator) -> None:
    key = emulator.create_key(token_lifetime=2)
    manager = TokenManager(**settings(emulator, key, min_remaining=0.1))
    first = manager.token()
    time.sleep(2.2)
    assert manager.token() != first
    manager.close()


def test_faults_and_counters(emulator: Emulator) -> None:
    key = emulator.create_key()
    emulator.push_fault("respond", status=500, times=2)
    emulator.clear_faults()
    emulator.push_fault_json({"action": "respond", "status": 503})
    manager = TokenManager(**settings(emulator, key))
    with pytest.raises(Exception):
        manager.token()
    assert emulator.stats()["faults_applied"] == 1
    emulator.reset_stats()
    assert emulator.stats()["token_requests"] == 0
    with pytest.raises(ValueError, match="invalid fault"):
        emulator.push_fault("explode")
    manager.close()


def test_clock_skew_range(emulator: Emulator) -> None:
    emulator.set_clock_skew(-60)
    with pytest.raises(ValueError, match="invalid seconds 1000000000000"):
        emulator.set_clock_skew(10**12)


def test_stop() -> None:
    emulator = Emulator(token_lifetime=100, environment="production")
    assert emulator.url.startswith("http://127.0.0.1:")
    emulator.stop()
    assert emulator.stopped
    emulator.stop()
    with pytest.raises(RuntimeError, match="stopped"):
        emulator.stats()


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda em: em.set_token_lifetime(-1), "seconds"),
        (lambda em: em.set_login_token_lifetime(2**70), "seconds"),
        (lambda em: em.set_key_token_lifetime("x", -5), "seconds"),
        (lambda em: em.create_key(token_lifetime=-1), "token_lifetime"),
        (lambda em: em.set_clock_skew(10**20), "seconds"),
        (lambda em: em.set_clock_skew(-(10**20)), "seconds"),
        (lambda em: em.push_fault("delay", delay_ms=2**64), "delay_ms"),
        (lambda em: em.push_fault("delay", delay_ms=-1), "delay_ms"),
        (lambda em: em.push_fault("respond", status=-500), "status"),
        (lambda em: em.push_fault("drop", times=-1), "times"),
    ],
)
def test_out_of_range_arguments_name_the_argument(
    emulator: Emulator, call, argument: str
) -> None:
    with pytest.raises(ValueError, match=f"invalid {argument} "):
        call(emulator)


def test_out_of_range_lifetime_at_start() -> None:
    with pytest.raises(ValueError, match="invalid login_token_lifetime -1"):
        Emulator(login_token_lifetime=-1)
