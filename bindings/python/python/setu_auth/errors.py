"""The exceptions of setu-auth: one base class and one subclass per error code."""

from __future__ import annotations

from typing import Dict, Optional, Type

__all__ = [
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


class SetuAuthError(Exception):
    """Base class of every setu-auth error.

    Attributes:
        code: the stable snake_case code, such as ``invalid_credentials``.
        setu_code: Setu's own error code, such as ``invalid-api-key``, when Setu sent one.
        status: the HTTP status of the failed response, if there was one.
        trace_id: Setu's ``traceID`` of the failed request, to quote to Setu's support.
        retryable: whether trying again later may succeed without any change.
        retry_after: seconds Setu asked the caller to wait, if it did.
    """

    code: str = "internal"

    def __init__(
        self,
        message: str,
        *,
        setu_code: Optional[str] = None,
        status: Optional[int] = None,
        trace_id: Optional[str] = None,
        retryable: bool = False,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.setu_code = setu_code
        self.status = status
        self.trace_id = trace_id
        self.retryable = retryable
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={str(self)!r}, "
            f"setu_code={self.setu_code!r}, status={self.status!r}, "
            f"trace_id={self.trace_id!r}, retryable={self.retryable!r})"
        )


class InvalidConfigError(SetuAuthError, ValueError):
    """A setting is invalid; the message names it and the fix."""

    code = "invalid_config"


class InvalidArgumentError(SetuAuthError, ValueError):
    """A method argument is invalid."""

    code = "invalid_argument"


class InvalidCredentialsError(SetuAuthError):
    """Setu rejected the clientID or secret."""

    code = "invalid_credentials"


class AccessDeniedError(SetuAuthError):
    """Setu responded with 403: the key may not use this API or product instance."""

    code = "access_denied"


class RateLimitedError(SetuAuthError):
    """Setu responded with 429."""

    code = "rate_limited"


class ServerError(SetuAuthError):
    """Setu responded with a 5xx status."""

    code = "server_error"


class RequestTimeoutError(SetuAuthError, TimeoutError):
    """The token request timed out."""

    code = "timeout"


class ConnectionFailedError(SetuAuthError, ConnectionError):
    """No connection could be made, or it broke before a full response arrived."""

    code = "connection_failed"


class InvalidResponseError(SetuAuthError):
    """The response was not a well-formed Setu response."""

    code = "invalid_response"


class InvalidTokenLifetimeError(SetuAuthError):
    """The token's lifetime is zero, negative, already over or absurdly long."""

    code = "invalid_token_lifetime"


class RequestRejectedError(SetuAuthError):
    """Setu rejected the token request with another 4xx status."""

    code = "request_rejected"


class ClosedError(SetuAuthError):
    """The manager was closed."""

    code = "closed"


class BlockingInRuntimeError(SetuAuthError, RuntimeError):
    """A blocking call was made where it would freeze an event loop or runtime."""

    code = "blocking_in_runtime"


class InternalError(SetuAuthError):
    """A bug in setu-auth; the message has the details."""

    code = "internal"


ERROR_CLASSES: Dict[str, Type[SetuAuthError]] = {
    cls.code: cls
    for cls in (
        InvalidConfigError,
        InvalidArgumentError,
        InvalidCredentialsError,
        AccessDeniedError,
        RateLimitedError,
        ServerError,
        RequestTimeoutError,
        ConnectionFailedError,
        InvalidResponseError,
        InvalidTokenLifetimeError,
        RequestRejectedError,
        ClosedError,
        BlockingInRuntimeError,
        InternalError,
    )
}
"""Maps each stable error code to its exception class."""


def _from_engine(
    code: str,
    message: str,
    setu_code: Optional[str],
    status: Optional[int],
    trace_id: Optional[str],
    retryable: bool,
    retry_after: Optional[float],
) -> SetuAuthError:
    """Builds the exception for an engine error; called by the extension module."""
    cls = ERROR_CLASSES.get(code, InternalError)
    return cls(
        message,
        setu_code=setu_code,
        status=status,
        trace_id=trace_id,
        retryable=retryable,
        retry_after=retry_after,
    )
