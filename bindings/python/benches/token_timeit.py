"""Cost per call of a cached token(), the floor and a hand-written Python cache, measured
with timeit in one process: best of 7 runs of 500,000 calls each.

Run with the package installed from a release build:
    python benches/token_timeit.py
"""

from __future__ import annotations

import threading
import time
import timeit

from setu_auth import TokenManager, _native
from setu_auth.testing import Emulator

CALLS = 500_000
RUNS = 7


def hand_written_cache(token: str):
    """Returns a function of the kind users write: a lock, a monotonic check, a string."""
    lock = threading.Lock()
    expires = time.monotonic() + 3600

    def cached() -> str:
        with lock:
            if time.monotonic() < expires:
                return token
        raise RuntimeError("expired")

    return cached


def best_ns(call) -> float:
    return min(timeit.repeat(call, number=CALLS, repeat=RUNS)) / CALLS * 1e9


def main() -> None:
    with Emulator() as emulator:
        key = emulator.create_key()
        manager = TokenManager(
            client_id=key.client_id, secret=key.secret, base_url=emulator.url
        )
        token = manager.token()
        manager.token()

        floor = best_ns(_native._FloorForBenchmark(token).value)
        cached = best_ns(manager.token)
        python = best_ns(hand_written_cache(token))
        manager.close()

    print(f"floor (pyo3 method returning a stored str): {floor:6.1f} ns")
    print(
        f"TokenManager.token(), cached:              {cached:6.1f} ns ({cached / floor:.2f}x floor)"
    )
    print(
        f"hand-written Python cache:                 {python:6.1f} ns ({python / cached:.1f}x token())"
    )


if __name__ == "__main__":
    main()
