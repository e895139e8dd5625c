"""Engine events reach Python's logging under `setu_auth`, only at enabled levels."""

from __future__ import annotations

import logging

import pytest

import setu_auth
from setu_auth import TokenManager
from setu_auth.testing import ApiKey, Emulator

from conftest import settings


@pytest.fixture
def records() -> list:
    captured: list = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            captured.append(record)

    logger = logging.getLogger("setu_auth")
    handler = Collect()
    logger.addHandler(handler)
    yield captured
    logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)
    setu_auth.sync_log_level()


def fetch_once(emulator: Emulator, key: ApiKey) -> str:
    with TokenManager(**settings(emulator, key)) as manager:
        token = manager.token()
        manager.set_credentials(key.client_id, key.secret)
        return token


def test_debug_events_when_enabled(
    emulator: Emulator, key: ApiKey, records: list
) -> None:
    logging.getLogger("setu_auth").setLevel(logging.DEBUG)
    setu_auth.sync_log_level()
    token = fetch_once(emulator, key)

    messages = [record.getMessage() for record in records if record.name == "setu_auth"]
    assert any("requesting a token" in message for message in messages), messages
    assert any(record.levelno == logging.INFO for record in records)
    assert all(
        token not in message and key.secret not in message for message in messages
    )


def test_disabled_levels_are_not_forwarded(
    emulator: Emulator, key: ApiKey, records: list
) -> None:
    logging.getLogger("setu_auth").setLevel(logging.WARNING)
    setu_auth.sync_log_level()
    fetch_once(emulator, key)
    assert [record for record in records if record.levelno < logging.WARNING] == []


def test_warnings_carry_their_level(
    emulator: Emulator, key: ApiKey, records: list
) -> None:
    logging.getLogger("setu_auth").setLevel(logging.WARNING)
    emulator.push_fault("respond", status=503)
    with TokenManager(**settings(emulator, key)) as manager:
        with pytest.raises(setu_auth.ServerError):
            manager.token()
    warnings = [record for record in records if record.levelno == logging.WARNING]
    assert warnings and all(record.name == "setu_auth" for record in warnings)
