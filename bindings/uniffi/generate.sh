#!/usr/bin/env bash
# Generates the Kotlin and Swift sources of setu-auth-uniffi from the built debug library
# (uniffi library mode) and places them in the Kotlin and Swift packages.
#
# Usage, from the repository root:
#   bindings/uniffi/generate.sh          # write the generated files
#   bindings/uniffi/generate.sh --check  # fail if the committed files differ
# Expects `cargo build -p setu-auth-uniffi -p setu-auth-uniffi-bindgen` to have run.
set -euo pipefail

target_dir="${CARGO_TARGET_DIR:-target}"
library="$target_dir/debug/libsetu_auth_uniffi.so"
bindgen="$target_dir/debug/uniffi-bindgen"
kotlin_dest="bindings/kotlin/src/main/kotlin/co/setu/auth/ffi"
swift_dest="bindings/swift/Sources"

for file in "$library" "$bindgen"; do
    if [ ! -f "$file" ]; then
        echo "generate.sh: $file is missing; run: cargo build -p setu-auth-uniffi -p setu-auth-uniffi-bindgen" >&2
        exit 1
    fi
done

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Writes the generated files into $1 with the layout of the repository.
generate_into() {
    local root="$1" raw="$out/raw"
    rm -rf "$raw"
    "$bindgen" generate --library "$library" --language kotlin --out-dir "$raw/kotlin" \
        --no-format 2>/dev/null
    "$bindgen" generate --library "$library" --language swift --out-dir "$raw/swift" \
        --no-format 2>/dev/null

    mkdir -p "$root/$kotlin_dest" "$root/$swift_dest/SetuAuthFFI" "$root/$swift_dest/setu_auth_uniffiFFI"
    cp "$raw/kotlin/co/setu/auth/ffi/"*.kt "$root/$kotlin_dest/"
    cp "$raw/swift/SetuAuthFFI.swift" "$root/$swift_dest/SetuAuthFFI/"
    cp "$raw/swift/setu_auth_uniffiFFI.h" "$root/$swift_dest/setu_auth_uniffiFFI/"
    # SwiftPM only finds a system library's module map under this exact name.
    cp "$raw/swift/setu_auth_uniffiFFI.modulemap" \
        "$root/$swift_dest/setu_auth_uniffiFFI/module.modulemap"
}

if [ "${1:-}" = "--check" ]; then
    generate_into "$out/fresh"
    status=0
    diff -ru "$out/fresh/$kotlin_dest" "$kotlin_dest" || status=1
    for dir in SetuAuthFFI setu_auth_uniffiFFI; do
        diff -ru "$out/fresh/$swift_dest/$dir" "$swift_dest/$dir" || status=1
    done
    if [ "$status" -ne 0 ]; then
        echo "generate.sh: the committed generated sources are stale; run bindings/uniffi/generate.sh" >&2
        exit 1
    fi
    echo "generate.sh: generated sources are up to date"
else
    generate_into "$out/fresh"
    rm -rf "$kotlin_dest" "$swift_dest/SetuAuthFFI" "$swift_dest/setu_auth_uniffiFFI"
    mkdir -p "$kotlin_dest"
    cp -r "$out/fresh/$kotlin_dest/." "$kotlin_dest/"
    cp -r "$out/fresh/$swift_dest/SetuAuthFFI" "$out/fresh/$swift_dest/setu_auth_uniffiFFI" "$swift_dest/"
    echo "generate.sh: wrote $kotlin_dest and $swift_dest/{SetuAuthFFI,setu_auth_uniffiFFI}"
fi
