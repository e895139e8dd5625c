"""Process-level behaviour: Ctrl-C during a blocking wait, counters in a forked child,
and weak references to the native classes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import weakref

from setu_auth import AsyncTokenManager, TokenManager
from setu_auth.testing import Emulator

from test_safety import run_in_fork

INTERRUPTED_WAIT = textwrap.dedent(
    """
    import os, signal, socket, threading
    from setu_auth import TokenManager

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    manager = TokenManager(
        client_id="id",
        secret="s",
        base_url=f"http://127.0.0.1:{silent.getsockname()[1]}",
        request_timeout=60,
    )
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        manager.token()
    except KeyboardInterrupt as interrupt:
        print("KeyboardInterrupt", interrupt.__cause__ is None)
    except BaseException as other:
        print("other", type(other).__name__)
    """
)


def test_ctrl_c_interrupts_a_blocking_token_wait() -> None:
    # The silent server never responds, so only the signal can end the wait before the
    # 60 s request timeout; the child's own timeout keeps a regression from hanging.
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_WAIT],
        capture_output=True,
        text=True,
        timeout=50,
    )
    assert done.stdout.split() == ["KeyboardInterrupt", "True"], done.stderr


def test_forked_child_counters_start_from_zero(manager: TokenManager) -> None:
    manager.token()
    manager.token()
    assert manager.stats()["cache_hits"] >= 1

    def child() -> bool:
        stats = manager.stats()
        return all(value == 0 for value in stats.values())

    assert run_in_fork(child) == 0
    assert manager.stats()["token_successes"] == 1


def test_native_classes_support_weak_references(emulator: Emulator) -> None:
    key = emulator.create_key()
    settings = {
        "client_id": key.client_id,
        "secret": key.secret,
        "base_url": emulator.url,
    }
    blocking = TokenManager(**settings)
    asynchronous = AsyncTokenManager(**settings)

    for value in (blocking, asynchronous, emulator._native):
        assert weakref.ref(value)() is value
    blocking.close()
    asynchronous.close()
