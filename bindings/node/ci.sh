#!/usr/bin/env bash
# CI for the Node binding: installs the dev dependencies, builds the addon from this
# checkout, fails on drift of the generated index.d.ts and native.js, and runs the tests
# (including every shared conformance scenario). Run from the repository root.
set -euo pipefail

cd "$(dirname "$0")"

echo "== Debian packages (redis-server for the store tests)"
if ! command -v redis-server > /dev/null; then
  sudo=()
  if [[ $(id -u) != 0 ]]; then sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq redis-server > /dev/null
fi

echo "== rustfmt and clippy (setu-auth-node)"
cargo fmt -p setu-auth-node --check
cargo clippy -q -p setu-auth-node --all-targets -- -D warnings

echo "== npm ci (dev dependencies; the install script builds the addon with cargo)"
npm ci --no-audit --no-fund --loglevel=error

echo "== napi build and drift check of the generated files"
expected="$(mktemp -d)"
trap 'rm -rf "$expected"' EXIT
cp index.d.ts native.js "$expected/"
npx napi build --platform --release --js native.js --dts index.d.ts
for file in index.d.ts native.js; do
  if ! diff -u "$expected/$file" "$file"; then
    echo "$file differs from the generated one: run the napi build above and commit the result" >&2
    exit 1
  fi
done

echo "== node --test"
node --test tests/
