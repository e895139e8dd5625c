"""Authentication for the ``requests`` library (install the ``requests`` extra).

::

    import requests
    from setu_auth.requests import SetuAuth

    session = requests.Session()
    session.auth = SetuAuth(manager)
    response = session.get("https://uat.setu.co/api/...")

Each request gets the manager's headers. On a 401 the token is reported with
``invalidate`` and the request is sent once more with a new token.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.auth import AuthBase

from ._native import TokenManager

__all__ = ["SetuAuth"]

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
        request.register_hook("response", self._retry_on_401)
        return request

    def _retry_on_401(
        self, response: requests.Response, **kwargs: Any
    ) -> requests.Response:
        request = response.request
        if response.status_code != 401 or getattr(request, _RETRIED, False):
            return response

        sent = request.headers.get("Authorization", "")
        self._manager.invalidate(sent[len("Bearer ") :])
        retry = request.copy()
        retry.headers.update(self._manager.auth_headers())
        setattr(retry, _RETRIED, True)

        response.content  # read the body so the connection can be reused
        response.close()
        again = response.connection.send(retry, **kwargs)
        again.history.append(response)
        again.request = retry
        return again

    def __repr__(self) -> str:
        return f"SetuAuth({self._manager!r})"
