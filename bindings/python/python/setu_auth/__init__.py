"""Setu bearer tokens for Python: cached, renewed in the background, with typed errors.

``TokenManager`` has blocking methods that release the GIL while they wait;
``AsyncTokenManager`` has awaitable methods for asyncio. Both take the same keyword
arguments::

    from setu_auth import TokenManager

    with TokenManager(client_id="...", secret="...", environment="sandbox") as manager:
        headers = manager.auth_headers()

Log records go to the ``setu_auth`` logger. After changing its level, call
``sync_log_level()`` so the engine starts or stops sending the matching events; creating
a manager does the same.
"""

from __future__ import annotations

import atexit
import logging

from . import _native
from ._native import AsyncTokenManager, TokenManager, sync_log_level
from .errors import (
    ERROR_CLASSES,
    AccessDeniedError,
    BlockingInRuntimeError,
    ClosedError,
    ConnectionFailedError,
    InternalError,
    InvalidArgumentError,
    InvalidConfigError,
    InvalidCredentialsError,
    InvalidResponseError,
    InvalidTokenLifetimeError,
    RateLimitedError,
    RequestRejectedError,
    RequestTimeoutError,
    ServerError,
    SetuAuthError,
)

__version__: str = _native.__version__

__all__ = [
    "TokenManager",
    "AsyncTokenManager",
    "sync_log_level",
    "SetuAuthError",
    "InvalidConfigError",
    "InvalidArgumentError",
    "InvalidCredentialsError",
    "AccessDeniedError",
    "RateLimitedError",
    "ServerError",
    "RequestTimeoutError",
    "ConnectionFailedError",
    "InvalidResponseError",
    "InvalidTokenLifetimeError",
    "RequestRejectedError",
    "ClosedError",
    "BlockingInRuntimeError",
    "InternalError",
    "ERROR_CLASSES",
]

logging.getLogger("setu_auth").addHandler(logging.NullHandler())
atexit.register(_native.interpreter_exiting)
