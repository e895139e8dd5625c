#!/usr/bin/env bash
# Runs `swift test` for this package inside a Debian 13 chroot that has the `swiftlang`
# package, because Debian 12 ships no Swift toolchain.
#
# The chroot lives outside the repository (SETU_SWIFT_CHROOT, default
# /var/cache/setu-auth/trixie-swift) and is created on first use with debootstrap. Every
# mount happens inside `unshare --mount --propagation private`, so nothing outlives the
# command. The repository is bind-mounted at /repo; the tests load the cdylib the host
# built in target/debug.
#
# Usage: bindings/swift/scripts/swift-test.sh [--setup-only] [extra `swift test` args]
# Environment: SETU_SWIFT_CHROOT (chroot folder), SETU_SWIFT_MIRROR (Debian mirror URL for
# debootstrap; debootstrap's default when unset), CARGO_TARGET_DIR (where the cdylib is),
# SETU_AUTH_PROFILE (debug or release build of the cdylib, default debug), SETU_BENCH=1
# (run the benchmark test too).
set -euo pipefail

chroot_dir="${SETU_SWIFT_CHROOT:-/var/cache/setu-auth/trixie-swift}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"

fail() {
    echo "swift-test.sh: error: $*" >&2
    exit 1
}

require_root() {
    if [ "$(id -u)" -ne 0 ]; then
        fail "needs root for debootstrap, chroot and mounts; run it with sudo"
    fi
}

install_debootstrap() {
    if command -v debootstrap >/dev/null; then
        return
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}

# Creates the base system with debootstrap, failing loudly when the mirror is unreachable.
create_base() {
    local partial="$chroot_dir.partial"
    rm -rf "$partial"
    mkdir -p "$(dirname "$chroot_dir")"
    echo "swift-test.sh: creating a Debian 13 chroot in $chroot_dir (about two minutes)" >&2
    # debootstrap mounts /proc and /sys in the target; the private namespace drops them.
    if ! unshare --mount --propagation private \
        debootstrap --variant=minbase trixie "$partial" ${SETU_SWIFT_MIRROR:-} \
        >"$chroot_dir.debootstrap.log" 2>&1; then
        tail -n 20 "$chroot_dir.debootstrap.log" >&2
        fail "debootstrap could not build the trixie chroot (is the Debian mirror reachable? \
set SETU_SWIFT_MIRROR to a reachable mirror URL); full log: $chroot_dir.debootstrap.log"
    fi
    mv "$partial" "$chroot_dir"
}

# Runs a command inside the chroot with /proc mounted and the repository bind-mounted.
in_chroot() {
    mkdir -p "$chroot_dir/repo" "$chroot_dir/proc"
    cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
    unshare --mount --propagation private bash -euo pipefail -c '
        root="$1"; repo="$2"; shift 2
        mount -t proc proc "$root/proc"
        mount --bind "$repo" "$root/repo"
        exec chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
            LANG=C.UTF-8 SETU_AUTH_LIB_DIR="${SETU_AUTH_LIB_DIR:-}" SETU_BENCH="${SETU_BENCH:-}" "$@"
    ' in_chroot "$chroot_dir" "$repo" "$@"
}

# swiftlang, plus ca-certificates: the engine's HTTP client loads the system roots when it
# is built, and fails without them.
install_swift() {
    if [ -x "$chroot_dir/usr/bin/swift" ] && [ -f "$chroot_dir/etc/ssl/certs/ca-certificates.crt" ]; then
        return
    fi
    echo "swift-test.sh: installing swiftlang in the chroot" >&2
    if ! in_chroot bash -c 'apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            swiftlang libcurl4-openssl-dev ca-certificates >/dev/null'; then
        fail "apt-get in the chroot could not install swiftlang (is the Debian mirror reachable?)"
    fi
}

main() {
    require_root
    mkdir -p "$(dirname "$chroot_dir")"
    exec 9>"$(dirname "$chroot_dir")/.$(basename "$chroot_dir").lock"
    flock 9

    if [ ! -d "$chroot_dir" ]; then
        install_debootstrap
        create_base
    fi
    install_swift

    if [ "${1:-}" = "--setup-only" ]; then
        return
    fi

    case "$target_dir" in
        "$repo"/*) ;;
        *) fail "CARGO_TARGET_DIR ($target_dir) must be inside the repository to be visible in the chroot" ;;
    esac
    local profile="${SETU_AUTH_PROFILE:-debug}"
    local lib="$target_dir/$profile/libsetu_auth_uniffi.so"
    [ -f "$lib" ] || fail "$lib is missing; run: cargo build -p setu-auth-uniffi"

    export SETU_AUTH_LIB_DIR="/repo/${target_dir#"$repo"/}/$profile"
    in_chroot swift test --package-path /repo/bindings/swift \
        --scratch-path "/var/cache/setu-auth-swift-build-$profile" --disable-swift-testing "$@"
}

main "$@"
