"""The requests and httpx auth classes after redirects and with bodies that cannot be
sent twice: the token never reaches another host, a 401 from another host leaves the
token alone, and a streamed body is never resent empty."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator, List, Optional, Tuple

import httpx
import pytest
import requests

from setu_auth import AsyncTokenManager, TokenManager
from setu_auth.httpx import SetuAuth as HttpxAuth
from setu_auth.requests import SetuAuth as RequestsAuth

BODY = b'{"amount": 100}'


@dataclass
class Hit:
    """One request a test server received."""

    host: str
    path: str
    authorization: Optional[str]
    body: bytes = field(default=b"")


def serve(host: str, answer) -> Tuple[ThreadingHTTPServer, List[Hit]]:
    """Starts a server on `host`; `answer(handler, hits)` writes each response."""
    hits: List[Hit] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 5

        def do_GET(self) -> None:
            self.record(b"")

        def do_POST(self) -> None:
            self.record(read_body(self))

        def record(self, body: bytes) -> None:
            authorization = self.headers.get("Authorization")
            hits.append(Hit(host, self.path, authorization, body))
            answer(self, hits)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hits


def read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding") == "chunked":
        body = b""
        while True:
            size = int(handler.rfile.readline().strip(), 16)
            if size == 0:
                handler.rfile.readline()
                return body
            body += handler.rfile.read(size)
            handler.rfile.readline()
    return handler.rfile.read(int(handler.headers.get("Content-Length", "0")))


def respond(handler: BaseHTTPRequestHandler, status: int, **headers: str) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def url_of(server: ThreadingHTTPServer, path: str) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}{path}"


@pytest.fixture
def redirect_to_401() -> Iterator[Tuple[str, Callable[[], List[Hit]]]]:
    """127.0.0.1 redirects to 127.0.0.2, which responds 401 to everything. Yields the
    first URL and a function returning the hits of both servers, origin first."""
    target, target_hits = serve("127.0.0.2", lambda h, _: respond(h, 401))
    location = url_of(target, "/other")
    origin, origin_hits = serve(
        "127.0.0.1", lambda h, _: respond(h, 302, Location=location)
    )
    yield url_of(origin, "/start"), lambda: origin_hits + target_hits
    for server in (origin, target):
        server.shutdown()
        server.server_close()


@pytest.fixture
def first_401() -> Iterator[Tuple[str, List[Hit]]]:
    """Responds 401 to the first request and 200 to the rest, recording bodies."""
    server, hits = serve(
        "127.0.0.1", lambda h, seen: respond(h, 401 if len(seen) == 1 else 200)
    )
    yield url_of(server, "/pay"), hits
    server.shutdown()
    server.server_close()


def stream() -> Iterator[bytes]:
    yield BODY


def test_requests_redirect_target_gets_no_token(
    manager: TokenManager, redirect_to_401
) -> None:
    url, hits = redirect_to_401
    token = manager.token()

    session = requests.Session()
    session.auth = RequestsAuth(manager)
    response = session.get(url, timeout=10)

    assert response.status_code == 401
    seen = hits()
    assert [hit.host for hit in seen] == ["127.0.0.1", "127.0.0.2"]
    assert seen[0].authorization == f"Bearer {token}"
    assert seen[1].authorization is None
    assert manager.cached_token() == token
    assert manager.stats()["invalidations"] == 0


def test_httpx_foreign_401_keeps_token(manager: TokenManager, redirect_to_401) -> None:
    url, hits = redirect_to_401
    token = manager.token()

    with httpx.Client(auth=HttpxAuth(manager), follow_redirects=True) as client:
        response = client.get(url, timeout=10)

    assert response.status_code == 401
    seen = hits()
    assert [hit.host for hit in seen] == ["127.0.0.1", "127.0.0.2"]
    assert seen[1].authorization is None
    assert manager.cached_token() == token
    assert manager.stats()["invalidations"] == 0


async def test_async_httpx_foreign_401_keeps_token(
    async_manager: AsyncTokenManager, redirect_to_401
) -> None:
    url, hits = redirect_to_401
    token = await async_manager.token()

    auth = HttpxAuth(async_manager)
    async with httpx.AsyncClient(auth=auth, follow_redirects=True) as client:
        response = await client.get(url, timeout=10)

    assert response.status_code == 401
    assert [hit.host for hit in hits()] == ["127.0.0.1", "127.0.0.2"]
    assert async_manager.cached_token() == token


def test_requests_returns_the_401_for_a_generator_body(
    manager: TokenManager, first_401
) -> None:
    url, hits = first_401
    token = manager.token()

    response = requests.post(url, data=stream(), auth=RequestsAuth(manager), timeout=10)

    assert response.status_code == 401
    assert [hit.body for hit in hits] == [BODY]
    assert manager.cached_token() == token


def test_requests_rewinds_a_file_body_for_the_retry(
    manager: TokenManager, first_401
) -> None:
    url, hits = first_401
    body = io.BytesIO(BODY)

    response = requests.post(url, data=body, auth=RequestsAuth(manager), timeout=10)

    assert response.status_code == 200
    assert [hit.body for hit in hits] == [BODY, BODY]
    assert hits[0].authorization != hits[1].authorization


def test_httpx_returns_the_401_for_a_streamed_body(
    manager: TokenManager, first_401
) -> None:
    url, hits = first_401
    token = manager.token()

    with httpx.Client(auth=HttpxAuth(manager)) as client:
        response = client.post(url, content=stream(), timeout=10)

    assert response.status_code == 401
    assert [hit.body for hit in hits] == [BODY]
    assert manager.cached_token() == token


def test_httpx_resends_a_bytes_body(manager: TokenManager, first_401) -> None:
    url, hits = first_401

    with httpx.Client(auth=HttpxAuth(manager)) as client:
        response = client.post(url, content=BODY, timeout=10)

    assert response.status_code == 200
    assert [hit.body for hit in hits] == [BODY, BODY]
