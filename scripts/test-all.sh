#!/usr/bin/env bash
# Runs every check and test of the repository: formatting, lints, docs, the Rust tests, the
# schemathesis run against Setu's OpenAPI files, and each binding's suite. Stops at the
# first failure. Installs what it needs; apt-get installs need root.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

core=(-p setu-auth -p setu-auth-emulator -p setu-auth-cli)

step "toolchain components and Debian packages"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
# The store tests start their own redis-server on a loopback port.
if ! command -v redis-server >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo doc -D warnings"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps "${core[@]}"

step "cargo test (engine, emulator, CLI, conformance scenarios)"
cargo test "${core[@]}"

step "schemathesis against the emulator"
./scripts/schemathesis.sh

for binding in c python node uniffi; do
  step "bindings/$binding"
  bash "bindings/$binding/ci.sh"
done

step "all checks passed"
