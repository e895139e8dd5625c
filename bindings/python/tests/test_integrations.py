"""The requests and httpx auth classes: headers, and one retry after a 401."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List, Tuple

import httpx
import pytest
import requests

from setu_auth import AsyncTokenManager, TokenManager
from setu_auth.httpx import SetuAuth as HttpxAuth
from setu_auth.requests import SetuAuth as RequestsAuth
from setu_auth.testing import Emulator


@pytest.fixture
def always_401() -> Iterator[Tuple[str, List[str]]]:
    """A server on 127.0.0.1 that rejects every request with 401 and records its header."""
    hits: List[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.headers.get("Authorization", ""))
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", hits
    server.shutdown()
    server.server_close()


def sample(emulator: Emulator) -> str:
    return f"{emulator.url}/api/v2/sample"


def expire_tokens(emulator: Emulator) -> None:
    """Moves the emulator's clock so every token issued so far is rejected with 401."""
    emulator.set_clock_skew(7200)


def test_requests_adds_headers(manager: TokenManager, emulator: Emulator) -> None:
    response = requests.get(sample(emulator), auth=RequestsAuth(manager))
    assert response.status_code == 200
    assert response.json()["data"]["productInstanceID"] == "product-a"


def test_requests_retries_once_on_401(
    manager: TokenManager, emulator: Emulator
) -> None:
    manager.token()
    expire_tokens(emulator)
    with requests.Session() as session:
        session.auth = RequestsAuth(manager)
        response = session.get(sample(emulator))
    assert response.status_code == 200
    assert [old.status_code for old in response.history] == [401]
    assert emulator.stats()["api_requests"] == 2
    assert manager.stats()["invalidations"] == 1


def test_requests_gives_up_after_one_retry(
    manager: TokenManager, emulator: Emulator, always_401: list
) -> None:
    url, hits = always_401
    response = requests.get(url, auth=RequestsAuth(manager))
    assert response.status_code == 401
    assert len(hits) == 2
    assert hits[0] != hits[1]
    assert emulator.stats()["token_requests"] == 2


def test_httpx_gives_up_after_one_retry(
    manager: TokenManager, emulator: Emulator, always_401: list
) -> None:
    url, hits = always_401
    with httpx.Client(auth=HttpxAuth(manager)) as client:
        assert client.get(url).status_code == 401
    assert len(hits) == 2
    assert hits[0] != hits[1]
    assert emulator.stats()["token_requests"] == 2


def test_requests_rejects_async_manager(async_manager: AsyncTokenManager) -> None:
    with pytest.raises(TypeError, match="TokenManager"):
        RequestsAuth(async_manager)  # type: ignore[arg-type]


def test_httpx_client_retries_once(manager: TokenManager, emulator: Emulator) -> None:
    manager.token()
    expire_tokens(emulator)
    with httpx.Client(auth=HttpxAuth(manager)) as client:
        response = client.get(sample(emulator))
    assert response.status_code == 200
    assert emulator.stats()["api_requests"] == 2
    assert manager.stats()["invalidations"] == 1


def test_httpx_403_is_not_retried(emulator: Emulator) -> None:
    key = emulator.create_key(products=["other"])
    manager = TokenManager(
        client_id=key.client_id,
        secret=key.secret,
        base_url=emulator.url,
        product_instance_id="product-a",
    )
    with httpx.Client(auth=HttpxAuth(manager)) as client:
        assert client.get(sample(emulator)).status_code == 403
    assert emulator.stats()["api_requests"] == 1
    assert manager.stats()["invalidations"] == 0
    manager.close()


async def test_httpx_async_client_retries_once(
    async_manager: AsyncTokenManager, emulator: Emulator
) -> None:
    await async_manager.token()
    expire_tokens(emulator)
    async with httpx.AsyncClient(auth=HttpxAuth(async_manager)) as client:
        response = await client.get(sample(emulator))
    assert response.status_code == 200
    assert emulator.stats()["api_requests"] == 2
    assert async_manager.stats()["invalidations"] == 1


async def test_httpx_async_client_with_blocking_manager(
    manager: TokenManager, emulator: Emulator
) -> None:
    async with httpx.AsyncClient(auth=HttpxAuth(manager)) as client:
        response = await client.get(sample(emulator))
    assert response.status_code == 200


def test_httpx_sync_client_rejects_async_manager(
    async_manager: AsyncTokenManager, emulator: Emulator
) -> None:
    with httpx.Client(auth=HttpxAuth(async_manager)) as client:
        with pytest.raises(TypeError, match="synchronous"):
            client.get(sample(emulator))
