"""Runs every shared scenario in tests/conformance/scenarios through the public API:
once with TokenManager and requests, once with AsyncTokenManager and httpx.AsyncClient.

The scenario format is described in tests/conformance/README.md. Each file found at run
time becomes one test.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional

import httpx
import pytest
import requests

from setu_auth import AsyncTokenManager, SetuAuthError, TokenManager
from setu_auth.httpx import SetuAuth as HttpxAuth
from setu_auth.requests import SetuAuth
from setu_auth.testing import Emulator

SCENARIOS = Path(__file__).resolve().parents[3] / "tests" / "conformance" / "scenarios"
FILES = sorted(SCENARIOS.glob("*.json"))

POLICY_FIELDS = {
    "refreshShare": ("refresh_share", 1.0),
    "jitterShare": ("jitter_share", 1.0),
    "minRemainingMs": ("min_remaining", 1000.0),
    "defaultLifetimeMs": ("default_lifetime", 1000.0),
    "minBackoffMs": ("min_backoff", 1000.0),
    "maxBackoffMs": ("max_backoff", 1000.0),
    "negativeTtlMs": ("negative_ttl", 1000.0),
    "maxRetryAfterMs": ("max_retry_after", 1000.0),
    "connectTimeoutMs": ("connect_timeout", 1000.0),
    "requestTimeoutMs": ("request_timeout", 1000.0),
}


def test_scenarios_found() -> None:
    assert len(FILES) >= 10, f"found only {len(FILES)} scenarios in {SCENARIOS}"


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
@pytest.mark.parametrize("mode", ["blocking", "async"])
def test_scenario(path: Path, mode: str) -> None:
    scenario = json.loads(path.read_text())
    runner = Run if mode == "blocking" else AsyncRun
    with runner(scenario) as run:
        for index, step in enumerate(scenario.get("steps", [])):
            try:
                run.step(step)
            except AssertionError as failure:
                pytest.fail(f"step {index} ({step['op']}): {failure}")


class Run:
    """One scenario in progress: its emulator, keys, manager and saved tokens."""

    def __init__(self, scenario: Dict[str, Any]) -> None:
        setup = scenario.get("emulator", {})
        self.emulator = Emulator(
            token_lifetime=setup.get("tokenLifetime"),
            login_token_lifetime=setup.get("loginTokenLifetime"),
        )
        self.keys: Dict[str, Any] = {}
        for spec in setup.get("keys", []):
            self.keys[spec["name"]] = self.emulator.create_key(
                name=spec["name"],
                products=spec.get("products"),
                token_lifetime=spec.get("tokenLifetime"),
            )
        self.saved: Dict[str, str] = {}
        self.manager = self._manager(scenario.get("client", {}))
        self.session = requests.Session()
        if isinstance(self.manager, TokenManager):
            self.session.auth = SetuAuth(self.manager)

    def _manager(self, client: Dict[str, Any]) -> Any:
        return self._create(TokenManager, client)

    def _create(self, cls: Any, client: Dict[str, Any]) -> Any:
        key = self.keys[client["key"]]
        options: Dict[str, Any] = {}
        for name, value in (client.get("policy") or {}).items():
            field, per_unit = POLICY_FIELDS[name]
            options[field] = value / per_unit
        return cls(
            client_id=key.client_id,
            secret=client.get("secret") or key.secret,
            base_url=self.emulator.url,
            flavor=client.get("flavor") or "v2",
            product_instance_id=client.get("productInstanceId"),
            **options,
        )

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.session.close()
        self.manager.close()
        self.emulator.stop()

    def step(self, step: Dict[str, Any]) -> None:
        getattr(self, f"op_{step['op']}")(step)

    def op_token(self, step: Dict[str, Any]) -> None:
        self._fetch(step, self.manager.token)

    def op_refresh(self, step: Dict[str, Any]) -> None:
        self._fetch(step, self.manager.refresh)

    def _fetch(self, step: Dict[str, Any], call: Any) -> None:
        token = self._outcome(step, call)
        if token is None:
            return
        expect = step.get("expect", {})
        if "same_as" in expect:
            assert token == self.saved[expect["same_as"]], "token differs"
        if "differs_from" in expect:
            assert token != self.saved[expect["differs_from"]], "token is the same"
        if "save" in step:
            self.saved[step["save"]] = token

    def _outcome(self, step: Dict[str, Any], call: Any) -> Optional[Any]:
        expected = step.get("expect_error")
        try:
            value = call()
        except SetuAuthError as error:
            assert expected is not None, f"unexpected error: {error!r}"
            check_error(error, expected)
            return None
        assert expected is None, f"expected an error {expected}, got success"
        return value

    def op_concurrent_tokens(self, step: Dict[str, Any]) -> None:
        results: List[Any] = []
        barrier = threading.Barrier(step["count"])

        def work() -> None:
            barrier.wait()
            try:
                results.append(self.manager.token())
            except SetuAuthError as error:
                results.append(error)

        threads = [threading.Thread(target=work) for _ in range(step["count"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        expected = step.get("expect_error")
        if expected is not None:
            for result in results:
                assert isinstance(result, SetuAuthError), (
                    "expected an error, got a token"
                )
                check_error(result, expected)
            return
        assert all(isinstance(result, str) for result in results), f"errors: {results}"
        assert len(set(results)) == 1, "callers got different tokens"
        if "save" in step:
            self.saved[step["save"]] = results[0]

    def op_invalidate(self, step: Dict[str, Any]) -> None:
        discarded = self.manager.invalidate(self.saved[step["token"]])
        assert discarded == step["expect"], f"invalidate returned {discarded}"

    def op_set_credentials(self, step: Dict[str, Any]) -> None:
        key = self.keys[step["key"]]
        self.manager.set_credentials(key.client_id, key.secret)

    def op_auth_headers(self, step: Dict[str, Any]) -> None:
        self._check_headers(self.manager.auth_headers(), step["expect"])

    def _check_headers(
        self, received: Dict[str, str], expected: Dict[str, str]
    ) -> None:
        headers = {name.lower(): value for name, value in received.items()}
        for name, template in expected.items():
            value = template
            for saved, token in self.saved.items():
                value = value.replace("{" + saved + "}", token)
            assert headers.get(name) == value, f"header {name} is {headers.get(name)!r}"

    def op_call_api(self, step: Dict[str, Any]) -> None:
        url = f"{self.emulator.url}/api/v2/sample"
        response = self._outcome(step, lambda: self.session.get(url))
        if response is not None:
            self._check_response(response, step)

    def _check_response(self, response: Any, step: Dict[str, Any]) -> None:
        if "expect_status" in step:
            assert response.status_code == step["expect_status"], (
                f"status {response.status_code}"
            )
        if "expect_setu_code" in step:
            code = response.json()["error"]["code"]
            assert code == step["expect_setu_code"], f"Setu code {code}"

    def op_stats(self, step: Dict[str, Any]) -> None:
        assert_contains(self.manager.stats(), step["expect"])

    def op_emulator_stats(self, step: Dict[str, Any]) -> None:
        assert_contains(self.emulator.stats(), step["expect"])

    def op_wait_for_emulator_stats(self, step: Dict[str, Any]) -> None:
        deadline = time.monotonic() + step.get("timeout_ms", 5000) / 1000
        while True:
            stats = self.emulator.stats()
            if all(stats.get(name) == value for name, value in step["expect"].items()):
                return
            assert time.monotonic() < deadline, f"emulator stats stayed at {stats}"
            time.sleep(0.02)

    def op_fault(self, step: Dict[str, Any]) -> None:
        self.emulator.push_fault_json(step["fault"])

    def op_clear_faults(self, step: Dict[str, Any]) -> None:
        self.emulator.clear_faults()

    def op_key(self, step: Dict[str, Any]) -> None:
        key = self.keys[step["key"]]
        action = step["action"]
        if action == "regenerate":
            self.keys[step["key"]] = self.emulator.regenerate_key(key.client_id)
        else:
            getattr(self.emulator, f"{action}_key")(key.client_id)

    def op_set_token_lifetime(self, step: Dict[str, Any]) -> None:
        self.emulator.set_token_lifetime(step["seconds"])

    def op_set_key_token_lifetime(self, step: Dict[str, Any]) -> None:
        key = self.keys[step["key"]]
        self.emulator.set_key_token_lifetime(key.client_id, step["seconds"])

    def op_set_clock_skew(self, step: Dict[str, Any]) -> None:
        self.emulator.set_clock_skew(step["seconds"])

    def op_sleep(self, step: Dict[str, Any]) -> None:
        time.sleep(step["ms"] / 1000)

    def op_close(self, step: Dict[str, Any]) -> None:
        self.manager.close()


class AsyncRun(Run):
    """The same scenario through AsyncTokenManager and an httpx.AsyncClient."""

    def __init__(self, scenario: Dict[str, Any]) -> None:
        self.loop = asyncio.new_event_loop()
        super().__init__(scenario)
        self.client = httpx.AsyncClient(auth=HttpxAuth(self.manager))

    def _manager(self, client: Dict[str, Any]) -> Any:
        return self._create(AsyncTokenManager, client)

    def __exit__(self, *exc_info: object) -> None:
        self.wait(self.client.aclose)
        super().__exit__(*exc_info)
        self.loop.close()

    def wait(self, method: Callable[[], Awaitable[Any]]) -> Any:
        async def call() -> Any:
            return await method()

        return self.loop.run_until_complete(call())

    def op_token(self, step: Dict[str, Any]) -> None:
        self._fetch(step, lambda: self.wait(self.manager.token))

    def op_refresh(self, step: Dict[str, Any]) -> None:
        self._fetch(step, lambda: self.wait(self.manager.refresh))

    def op_concurrent_tokens(self, step: Dict[str, Any]) -> None:
        async def gather() -> List[Any]:
            calls = [self.manager.token() for _ in range(step["count"])]
            return await asyncio.gather(*calls, return_exceptions=True)

        results = self.loop.run_until_complete(gather())
        expected = step.get("expect_error")
        if expected is not None:
            for result in results:
                assert isinstance(result, SetuAuthError), (
                    "expected an error, got a token"
                )
                check_error(result, expected)
            return
        assert all(isinstance(result, str) for result in results), f"errors: {results}"
        assert len(set(results)) == 1, "callers got different tokens"
        if "save" in step:
            self.saved[step["save"]] = results[0]

    def op_auth_headers(self, step: Dict[str, Any]) -> None:
        headers = self.wait(self.manager.auth_headers)
        self._check_headers(headers, step["expect"])

    def op_call_api(self, step: Dict[str, Any]) -> None:
        url = f"{self.emulator.url}/api/v2/sample"
        response = self._outcome(step, lambda: self.wait(lambda: self.client.get(url)))
        if response is not None:
            self._check_response(response, step)


def check_error(error: SetuAuthError, expected: Dict[str, Any]) -> None:
    actual = {
        "code": error.code,
        "setu_code": error.setu_code,
        "status": error.status,
        "retryable": error.retryable,
    }
    for name, value in expected.items():
        assert actual[name] == value, (
            f"error {name} is {actual[name]!r}, expected {value!r}"
        )


def assert_contains(stats: Dict[str, int], expected: Dict[str, int]) -> None:
    for name, value in expected.items():
        assert stats.get(name) == value, (
            f"{name} is {stats.get(name)}, expected {value}"
        )
