"""Type stubs of the extension module setu_auth._native."""

from typing import Any, Awaitable, Coroutine, Dict, Generator, List, Optional

from typing_extensions import Self, final

__all__ = [
    "ERROR_CODES",
    "EMULATOR_MAX_CLOCK_SKEW",
    "EMULATOR_MAX_TOKEN_LIFETIME",
    "AsyncTokenManager",
    "Emulator",
    "Ready",
    "TokenManager",
    "interpreter_exiting",
    "sync_log_level",
    "_FloorForBenchmark",
    "__version__",
]

ERROR_CODES: List[str]
EMULATOR_MAX_CLOCK_SKEW: int
EMULATOR_MAX_TOKEN_LIFETIME: int
__version__: str

def sync_log_level() -> None:
    """Copies the effective level of the ``setu_auth`` logger into the engine's bridge."""

def interpreter_exiting() -> None:
    """Stops forwarding log events; called at interpreter exit."""

@final
class TokenManager:
    """Fetches, caches and renews Setu bearer tokens, with blocking methods."""

    def __new__(
        cls,
        *,
        client_id: str,
        secret: str,
        environment: Optional[str] = None,
        base_url: Optional[str] = None,
        flavor: Optional[str] = None,
        product_instance_id: Optional[str] = None,
        refresh_share: Optional[float] = None,
        jitter_share: Optional[float] = None,
        min_remaining: Optional[float] = None,
        default_lifetime: Optional[float] = None,
        min_backoff: Optional[float] = None,
        max_backoff: Optional[float] = None,
        negative_ttl: Optional[float] = None,
        max_retry_after: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        request_timeout: Optional[float] = None,
        store: Optional[str] = None,
        store_dir: Optional[str] = None,
        redis_url: Optional[str] = None,
        redis_timeout: Optional[float] = None,
    ) -> Self: ...
    def token(self) -> str: ...
    def cached_token(self) -> Optional[str]: ...
    def refresh(self) -> str: ...
    def invalidate(self, token: str) -> bool: ...
    def set_credentials(self, client_id: str, secret: str) -> None: ...
    def auth_headers(self) -> Dict[str, str]: ...
    def stats(self) -> Dict[str, int]: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    @property
    def client_id(self) -> str: ...
    @property
    def product_instance_id(self) -> Optional[str]: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *_args: Any) -> None: ...

@final
class AsyncTokenManager:
    """Fetches, caches and renews Setu bearer tokens, with awaitable methods.

    ``token``, ``refresh`` and ``auth_headers`` return coroutines: await them, or pass
    them to ``asyncio.create_task``.
    """

    def __new__(
        cls,
        *,
        client_id: str,
        secret: str,
        environment: Optional[str] = None,
        base_url: Optional[str] = None,
        flavor: Optional[str] = None,
        product_instance_id: Optional[str] = None,
        refresh_share: Optional[float] = None,
        jitter_share: Optional[float] = None,
        min_remaining: Optional[float] = None,
        default_lifetime: Optional[float] = None,
        min_backoff: Optional[float] = None,
        max_backoff: Optional[float] = None,
        negative_ttl: Optional[float] = None,
        max_retry_after: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        request_timeout: Optional[float] = None,
        store: Optional[str] = None,
        store_dir: Optional[str] = None,
        redis_url: Optional[str] = None,
        redis_timeout: Optional[float] = None,
    ) -> Self: ...
    def token(self) -> Coroutine[Any, Any, str]: ...
    def cached_token(self) -> Optional[str]: ...
    def refresh(self) -> Coroutine[Any, Any, str]: ...
    def invalidate(self, token: str) -> bool: ...
    def set_credentials(self, client_id: str, secret: str) -> None: ...
    def auth_headers(self) -> Coroutine[Any, Any, Dict[str, str]]: ...
    def stats(self) -> Dict[str, int]: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    @property
    def client_id(self) -> str: ...
    @property
    def product_instance_id(self) -> Optional[str]: ...
    def __aenter__(self) -> Awaitable[Self]: ...
    def __aexit__(self, *_args: Any) -> Awaitable[None]: ...

@final
class Ready:
    """An awaitable whose result is already known."""

    def __await__(self) -> Generator[Any, None, Any]: ...
    def __iter__(self) -> Self: ...
    def __next__(self) -> Any: ...

@final
class Emulator:
    """A running emulator on a free port of 127.0.0.1."""

    def __new__(
        cls,
        *,
        token_lifetime: Optional[int] = None,
        login_token_lifetime: Optional[int] = None,
        environment: Optional[str] = None,
    ) -> Self: ...
    @property
    def url(self) -> str: ...
    @property
    def stopped(self) -> bool: ...
    def create_key(
        self,
        *,
        name: Optional[str] = None,
        products: Optional[List[str]] = None,
        client_id: Optional[str] = None,
        secret: Optional[str] = None,
        token_lifetime: Optional[int] = None,
        environment: Optional[str] = None,
    ) -> str: ...
    def list_keys(self) -> str: ...
    def disable_key(self, client_id: str) -> None: ...
    def enable_key(self, client_id: str) -> None: ...
    def regenerate_key(self, client_id: str) -> str: ...
    def delete_key(self, client_id: str) -> None: ...
    def set_token_lifetime(self, seconds: int) -> None: ...
    def set_login_token_lifetime(self, seconds: int) -> None: ...
    def set_key_token_lifetime(
        self, client_id: str, seconds: Optional[int]
    ) -> None: ...
    def set_clock_skew(self, seconds: int) -> None: ...
    def push_fault(self, fault_json: str) -> None: ...
    def clear_faults(self) -> None: ...
    def stats(self) -> str: ...
    def reset_stats(self) -> None: ...
    def stop(self) -> None: ...

@final
class _FloorForBenchmark:
    """Returns a stored string: the floor of the token() benchmark. Private."""

    def __new__(cls, value: str) -> Self: ...
    def value(self) -> str: ...
