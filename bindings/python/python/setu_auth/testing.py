"""The Setu emulator in-process, for your own tests.

::

    from setu_auth import TokenManager
    from setu_auth.testing import Emulator

    with Emulator() as emulator:
        key = emulator.create_key(products=["my-product-instance"])
        manager = TokenManager(
            client_id=key.client_id, secret=key.secret, base_url=emulator.url
        )
        assert manager.token()
        assert emulator.stats()["token_requests"] == 1

The emulator listens on a free port of 127.0.0.1 and serves from its own thread. Besides
the token endpoints it serves ``GET {url}/api/v2/sample``, a stand-in for any Setu API
that checks the bearer token.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence

from . import _native

__all__ = ["Emulator", "ApiKey", "KeyInfo"]


@dataclass(frozen=True)
class KeyInfo:
    """An emulator API key without its secret."""

    client_id: str
    name: str
    environment: str
    products: List[str]
    enabled: bool
    token_lifetime: Optional[int]


@dataclass(frozen=True)
class ApiKey:
    """An emulator API key with its secret; ``repr`` hides the secret."""

    client_id: str
    secret: str = field(repr=False)
    name: str
    environment: str
    products: List[str]
    enabled: bool
    token_lifetime: Optional[int]


class Emulator:
    """A running emulator; use it as a context manager, or call ``stop()``.

    Lifetimes are in seconds; ``environment`` is ``sandbox`` (default) or ``production``.
    """

    def __init__(
        self,
        *,
        token_lifetime: Optional[int] = None,
        login_token_lifetime: Optional[int] = None,
        environment: Optional[str] = None,
    ) -> None:
        self._native = _native.Emulator(
            token_lifetime=_lifetime("token_lifetime", token_lifetime),
            login_token_lifetime=_lifetime(
                "login_token_lifetime", login_token_lifetime
            ),
            environment=environment,
        )

    @property
    def url(self) -> str:
        """The base URL, such as ``http://127.0.0.1:41234``."""
        return self._native.url

    @property
    def stopped(self) -> bool:
        """Whether ``stop()`` was called."""
        return self._native.stopped

    def create_key(
        self,
        *,
        name: Optional[str] = None,
        products: Optional[Sequence[str]] = None,
        client_id: Optional[str] = None,
        secret: Optional[str] = None,
        token_lifetime: Optional[int] = None,
        environment: Optional[str] = None,
    ) -> ApiKey:
        """Creates an API key; unset fields get a random clientID and secret."""
        text = self._native.create_key(
            name=name,
            products=list(products) if products is not None else None,
            client_id=client_id,
            secret=secret,
            token_lifetime=_lifetime("token_lifetime", token_lifetime),
            environment=environment,
        )
        return _api_key(json.loads(text))

    def list_keys(self) -> List[KeyInfo]:
        """Returns every key, without secrets."""
        return [_key_info(item) for item in json.loads(self._native.list_keys())]

    def disable_key(self, client_id: str) -> None:
        """Makes token requests with the key fail with ``invalid-api-key``."""
        self._native.disable_key(client_id)

    def enable_key(self, client_id: str) -> None:
        """Lets token requests with the key succeed again."""
        self._native.enable_key(client_id)

    def regenerate_key(self, client_id: str) -> ApiKey:
        """Replaces the key's clientID and secret; tokens of the old pair stop working."""
        return _api_key(json.loads(self._native.regenerate_key(client_id)))

    def delete_key(self, client_id: str) -> None:
        """Deletes the key."""
        self._native.delete_key(client_id)

    def set_token_lifetime(self, seconds: int) -> None:
        """Sets the lifetime of new v2 tokens."""
        self._native.set_token_lifetime(_lifetime("seconds", seconds))

    def set_login_token_lifetime(self, seconds: int) -> None:
        """Sets the lifetime of new login-flavour tokens."""
        self._native.set_login_token_lifetime(_lifetime("seconds", seconds))

    def set_key_token_lifetime(self, client_id: str, seconds: Optional[int]) -> None:
        """Sets, or with ``None`` clears, one key's lifetime for both flavours."""
        self._native.set_key_token_lifetime(client_id, _lifetime("seconds", seconds))

    def set_clock_skew(self, seconds: int) -> None:
        """Moves the emulator's wall clock, which dates tokens and checks their expiry."""
        limit = _native.EMULATOR_MAX_CLOCK_SKEW
        self._native.set_clock_skew(_integer("seconds", seconds, -limit, limit))

    def push_fault(
        self,
        action: str,
        *,
        times: int = 1,
        target: str = "any",
        status: Optional[int] = None,
        headers: Optional[Mapping[str, str]] = None,
        body: Optional[str] = None,
        delay_ms: int = 0,
    ) -> None:
        """Queues a fault for the next token requests.

        ``action`` is ``respond`` (with ``status``, ``headers`` and ``body``), ``delay``,
        ``drop`` (close the connection) or ``truncate`` (cut the body short); ``target``
        is ``any``, ``v2`` or ``login``.
        """
        fault: Dict[str, Any] = {
            "action": action,
            "times": _integer("times", times, 0, _U32_MAX),
            "target": target,
            "delayMs": _integer("delay_ms", delay_ms, 0, _MAX_DELAY_MS),
        }
        if status is not None:
            fault["status"] = _integer("status", status, 100, 999)
        if headers is not None:
            fault["headers"] = dict(headers)
        if body is not None:
            fault["body"] = body
        self.push_fault_json(fault)

    def push_fault_json(self, fault: Mapping[str, Any]) -> None:
        """Queues a fault given in the emulator's JSON form (camelCase keys)."""
        self._native.push_fault(json.dumps(dict(fault)))

    def clear_faults(self) -> None:
        """Drops every queued fault."""
        self._native.clear_faults()

    def stats(self) -> Dict[str, int]:
        """Returns the request counters, such as ``token_requests`` and ``api_rejected``."""
        return json.loads(self._native.stats())

    def reset_stats(self) -> None:
        """Sets every counter to zero."""
        self._native.reset_stats()

    def stop(self) -> None:
        """Stops the server; calling it again does nothing."""
        self._native.stop()

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return repr(self._native)


_U32_MAX = 2**32 - 1

# A day: longer than any test waits, far below the emulator's 64-bit limit.
_MAX_DELAY_MS = 24 * 60 * 60 * 1000


def _integer(name: str, value: int, low: int, high: int) -> int:
    """Returns `value` if it is an int from `low` to `high`, or raises naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(
            f"invalid {name} {value}: pass an integer from {low} to {high}"
        )
    return value


def _lifetime(name: str, seconds: Optional[int]) -> Optional[int]:
    """Checks an optional token lifetime in seconds."""
    if seconds is None:
        return None
    return _integer(name, seconds, 1, _native.EMULATOR_MAX_TOKEN_LIFETIME)


def _key_info(item: Mapping[str, Any]) -> KeyInfo:
    return KeyInfo(
        client_id=item["clientID"],
        name=item["name"],
        environment=item["environment"],
        products=list(item["products"]),
        enabled=item["enabled"],
        token_lifetime=item.get("tokenLifetime"),
    )


def _api_key(item: Mapping[str, Any]) -> ApiKey:
    info = _key_info(item)
    return ApiKey(
        client_id=info.client_id,
        secret=item["secret"],
        name=info.name,
        environment=info.environment,
        products=info.products,
        enabled=info.enabled,
        token_lifetime=info.token_lifetime,
    )
