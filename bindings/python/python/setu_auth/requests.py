"""Authentication for the ``requests`` library (install the ``requests`` extra).

::

    import requests
    from setu_auth.requests import SetuAuth

    session = requests.Session()
    session.auth = SetuAuth(manager)
    response = session.get("https://uat.setu.co/api/...")

Each request gets the manager's headers. On a 401 from that request the token is
reported with ``invalidate`` and the request is sent once more with a new token. A 401
after a redirect is returned as it is, because the retry would send the token to the
redirect's target (requests itself drops the header when a redirect leaves the host). A
401 for a body stream that cannot be rewound is also returned as it is.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.auth import AuthBase

from ._native import TokenManager

__all__ = ["SetuAuth"]

_APPLIED = "_setu_auth_header"
_RETRIED = "_setu_auth_retried"


class SetuAuth(AuthBase):
    """Adds Setu's auth headers to every request and retries once after a 401."""

    def __init__(self, manager: TokenManager) -> None:
        if not isinstance(manager, TokenManager):
            raise TypeError(
                "SetuAuth needs a setu_auth.TokenManager; requests is synchronous, so an "
                f"AsyncTokenManager cannot serve it (got {type(manager).__name__})"
            )
        self._manager = manager

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.update(self._manager.auth_headers())
        setattr(request, _APPLIED, request.headers["Authorization"])
        request.register_hook("response", self._retry_on_401)
        return request

    def _retry_on_401(
        self, response: requests.Response, **kwargs: Any
    ) -> requests.Response:
        request = response.request
        if response.status_code != 401 or not _carries_our_token(request):
            return response
        if getattr(request, _RETRIED, False) or not _rewind_body(request):
            return response

        sent = request.headers.get("Authorization", "")
        self._manager.invalidate(sent[len("Bearer ") :])
        retry = request.copy()
        retry.headers.update(self._manager.auth_headers())
        setattr(retry, _APPLIED, retry.headers["Authorization"])
        setattr(retry, _RETRIED, True)

        response.content  # read the body so the connection can be reused
        response.close()
        again = response.connection.send(retry, **kwargs)
        again.history.append(response)
        again.request = retry
        return again

    def __repr__(self) -> str:
        return f"SetuAuth({self._manager!r})"


def _carries_our_token(request: requests.PreparedRequest) -> bool:
    """Returns whether `request` is the one this auth prepared, with the header it set.

    requests copies hooks into the requests it sends for redirects, but not this
    marker, so a 401 after a redirect (possibly from another host) is left alone.
    """
    applied = getattr(request, _APPLIED, None)
    return applied is not None and request.headers.get("Authorization") == applied


def _rewind_body(request: requests.PreparedRequest) -> bool:
    """Makes the body ready to send again; False when it cannot be replayed."""
    body = request.body
    if body is None or isinstance(body, (bytes, str)):
        return True

    position = getattr(request, "_body_position", None)
    if not isinstance(position, int) or not hasattr(body, "seek"):
        return False
    try:
        body.seek(position)
    except (OSError, ValueError):
        return False
    return True
