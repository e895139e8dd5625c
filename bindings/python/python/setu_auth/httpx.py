"""Authentication for ``httpx`` (install the ``httpx`` extra), for ``httpx.Client`` and
``httpx.AsyncClient``.

::

    import httpx
    from setu_auth.httpx import SetuAuth

    async with httpx.AsyncClient(auth=SetuAuth(async_manager)) as client:
        response = await client.get("https://uat.setu.co/api/...")

Each request gets the manager's headers. On a 401 from the request's own host the token
is reported with ``invalidate`` and the request is sent once more with a new token. A 401
from another host (after a redirect) is returned as it is, and so is a 401 for a
streamed body, which cannot be sent twice.

A ``TokenManager`` serves both client kinds: in an ``AsyncClient`` a token that is not
cached is fetched in a worker thread, so the event loop never blocks. An
``AsyncTokenManager`` serves only ``AsyncClient``.
"""

from __future__ import annotations

import asyncio
from typing import AsyncGenerator, Dict, Generator, Optional, Tuple, Union

import httpx

from ._native import AsyncTokenManager, TokenManager

__all__ = ["SetuAuth"]

Manager = Union[TokenManager, AsyncTokenManager]


class SetuAuth(httpx.Auth):
    """Adds Setu's auth headers to every request and retries once after a 401."""

    def __init__(self, manager: Manager) -> None:
        if not isinstance(manager, (TokenManager, AsyncTokenManager)):
            raise TypeError(
                "SetuAuth needs a setu_auth.TokenManager or AsyncTokenManager "
                f"(got {type(manager).__name__})"
            )
        self._manager = manager

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        manager = self._manager
        if not isinstance(manager, TokenManager):
            raise TypeError(
                "httpx.Client is synchronous: give SetuAuth a TokenManager, or use "
                "httpx.AsyncClient with an AsyncTokenManager"
            )

        request.headers.update(manager.auth_headers())
        response = yield request
        if not _should_retry(request, response):
            return

        manager.invalidate(_sent_token(request))
        request.headers.update(manager.auth_headers())
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers.update(await self._headers())
        response = yield request
        if not _should_retry(request, response):
            return

        self._manager.invalidate(_sent_token(request))
        request.headers.update(await self._headers())
        yield request

    async def _headers(self) -> Dict[str, str]:
        manager = self._manager
        if isinstance(manager, AsyncTokenManager):
            return await manager.auth_headers()
        if manager.cached_token() is not None:
            return manager.auth_headers()
        return await asyncio.get_running_loop().run_in_executor(
            None, manager.auth_headers
        )

    def __repr__(self) -> str:
        return f"SetuAuth({self._manager!r})"


def _should_retry(request: httpx.Request, response: httpx.Response) -> bool:
    """Returns whether a 401 rejected our token on `request`, and `request` can be resent.

    After redirects `response` may come from another origin, whose 401 is not about our
    token. A streamed body was consumed by the first attempt.
    """
    if response.status_code != 401:
        return False
    if _origin(response.request.url) != _origin(request.url):
        return False
    return isinstance(request.stream, httpx.ByteStream) or hasattr(request, "_content")


def _origin(url: httpx.URL) -> Tuple[str, str, Optional[int]]:
    return (url.scheme, url.host, url.port)


def _sent_token(request: httpx.Request) -> str:
    return request.headers.get("Authorization", "")[len("Bearer ") :]
