#!/usr/bin/env bash
# CI for the Kotlin and Swift bindings, run from the repository root on Debian 12 as root:
# builds the cdylib and uniffi-bindgen, checks the committed generated sources for drift,
# runs the Kotlin suite with Maven and the Swift suite in a Debian 13 chroot.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

echo "== build the cdylib and uniffi-bindgen"
# Two separate builds, so uniffi's cli feature does not reach the binding crate.
cargo build --quiet -p setu-auth-uniffi
cargo build --quiet -p setu-auth-uniffi-bindgen

echo "== check the generated Kotlin and Swift sources"
bindings/uniffi/generate.sh --check

echo "== Kotlin: mvn test"
log="$(mktemp)"
status=0
(cd bindings/kotlin && mvn -B --no-transfer-progress test) >"$log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
    cat "$log"
    exit "$status"
fi
grep -E 'Tests run:|BUILD' "$log"
rm -f "$log"

echo "== Swift: swift test in the Debian 13 chroot"
bindings/swift/scripts/swift-test.sh
