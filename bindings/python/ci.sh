#!/usr/bin/env bash
# Builds the Python binding from the checkout, checks its stubs for drift and runs its
# tests, including the shared conformance scenarios. Run from the repository root.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
venv="${SETU_PY_VENV:-target/python-venv}"

# A virtual environment inside target/, which git ignores.
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
venv="$(cd "$venv" && pwd)"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet \
    pytest pytest-asyncio pytest-benchmark requests httpx ruff mypy

# The package itself, through its PEP 517 build (maturin, release profile).
"$venv/bin/python" -m pip install --quiet --force-reinstall --no-deps ./bindings/python

# Rust formatting and lints of the binding crate, when the toolchain has them.
if cargo fmt --version >/dev/null 2>&1; then
    cargo fmt -p setu-auth-python --check
fi
if cargo clippy --version >/dev/null 2>&1; then
    cargo clippy --quiet -p setu-auth-python --no-deps -- -D warnings
fi

cd bindings/python

# Python formatting and lint (pyflakes and pycodestyle rules, the formatter's line width).
"$venv/bin/ruff" format --check --quiet python tests benches
"$venv/bin/ruff" check --quiet --select E,F,W --ignore E501 python tests benches

# Stub drift: the committed _native.pyi must match the built extension.
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests/test_stubs.py

# The stubs under a strict type checker: they match the extension, and a small program
# that uses the package the common ways type-checks.
"$venv/bin/python" -m mypy.stubtest setu_auth._native
"$venv/bin/python" -m mypy --strict tests/typed/usage.py

# The whole suite; benchmarks run once each as plain tests.
"$venv/bin/python" -m pytest -p no:cacheprovider --benchmark-disable tests
