"""A program that `mypy --strict` checks against the package's type stubs."""

from __future__ import annotations

import asyncio
from typing import Dict

from setu_auth import AsyncTokenManager, TokenManager


def blocking_token(client_id: str, secret: str) -> str:
    """`with` returns from inside the block: `__exit__` does not swallow exceptions."""
    with TokenManager(client_id=client_id, secret=secret) as manager:
        return manager.token()


async def async_headers(client_id: str, secret: str) -> Dict[str, str]:
    """`create_task` takes the coroutines that the async methods return."""
    async with AsyncTokenManager(client_id=client_id, secret=secret) as manager:
        token = asyncio.create_task(manager.token())
        headers = await asyncio.create_task(manager.auth_headers())
        assert headers["Authorization"] == f"Bearer {await token}"
        return headers
