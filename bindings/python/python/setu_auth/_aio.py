"""Helpers that the extension module calls on the event loop's thread."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, TypeVar

T = TypeVar("T")


def resolve(future: "asyncio.Future[Any]", ok: bool, value: Any) -> None:
    """Completes `future` with a result or an exception, unless it was cancelled."""
    if future.done():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


async def wait(awaitable: Awaitable[T]) -> T:
    """Awaits `awaitable`: the coroutine that AsyncTokenManager's methods return."""
    return await awaitable
