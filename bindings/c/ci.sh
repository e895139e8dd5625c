#!/usr/bin/env bash
# CI for the setu-auth C library, run from the repository root on Debian 12.
#
# It installs the Debian packages it needs, builds the library and the emulator CLI, and
# checks the generated header for drift. Then it runs the C tests, every conformance
# scenario included, four times: plain, under valgrind, with AddressSanitizer and with
# ThreadSanitizer. Last, it checks the install files and runs the example against an
# emulator.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/bindings/c"
builds="$root/target/c-tests"
cd "$root"

step() { printf '\n== %s\n' "$*"; }

install_packages() {
    local packages=(valgrind libcjson-dev libcurl4-openssl-dev pkg-config cmake gcc redis-server)
    local missing=()
    for package in "${packages[@]}"; do
        dpkg -s "$package" > /dev/null 2>&1 || missing+=("$package")
    done
    if ((${#missing[@]} == 0)); then
        return
    fi

    local sudo=()
    if [[ $(id -u) != 0 ]]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" > /dev/null
}

check_header() {
    local committed
    committed=$(mktemp)
    cp "$here/include/setu_auth.h" "$committed"
    # Touching the cbindgen configuration makes the build script run and rewrite the header.
    touch "$here/cbindgen.toml"
    cargo build -q -p setu-auth-c
    if ! diff -u "$committed" "$here/include/setu_auth.h"; then
        echo "bindings/c/include/setu_auth.h is out of date: commit the regenerated file" >&2
        rm -f "$committed"
        exit 1
    fi
    rm -f "$committed"
}

# Configures, builds and runs ctest in target/c-tests/NAME with extra CMake arguments.
run_ctest() {
    local name=$1
    shift
    cmake -S "$here" -B "$builds/$name" -DCMAKE_BUILD_TYPE=Debug \
        -DSETU_AUTH_LIB_DIR="$root/target/debug" -DSETU_AUTH_CLI="$root/target/debug/setu-auth" \
        "$@" > /dev/null
    cmake --build "$builds/$name" -j 2 > /dev/null
    ctest --test-dir "$builds/$name" --output-on-failure
}

run_example() {
    local output pid url
    output=$(mktemp)
    "$root/target/debug/setu-auth" emulator --key example-client:example-secret-1 > "$output" &
    pid=$!
    for _ in $(seq 100); do
        url=$(sed -n 's/^listening on //p' "$output")
        [[ -n "$url" ]] && break
        sleep 0.1
    done

    local status=0
    SETU_CLIENT_ID=example-client SETU_SECRET=example-secret-1 SETU_BASE_URL="$url" \
        "$builds/default/sample_call" || status=$?
    kill "$pid"
    wait "$pid" || true
    rm -f "$output"
    return "$status"
}

step "Debian packages"
install_packages

step "build the library and the emulator CLI"
cargo build -q -p setu-auth-c -p setu-auth-cli

step "header drift"
check_header

step "rustfmt, clippy and Rust unit tests"
cargo fmt -p setu-auth-c --check
cargo clippy -q -p setu-auth-c --all-targets -- -D warnings
cargo test -q -p setu-auth-c

step "ctest"
run_ctest default

step "ctest under valgrind"
run_ctest valgrind -DSETU_AUTH_VALGRIND=ON

step "ctest with AddressSanitizer"
run_ctest asan -DSETU_AUTH_SANITIZE=address

step "ctest with ThreadSanitizer"
run_ctest tsan -DSETU_AUTH_SANITIZE=thread

step "example against the emulator"
run_example

echo
echo "bindings/c: all checks passed"
