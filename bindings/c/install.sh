#!/usr/bin/env bash
# Installs the setu-auth C library, header, pkg-config file and CMake package under PREFIX.
#
#   bindings/c/install.sh PREFIX [debug|release]
#
# Builds with cargo (release by default) unless SETU_AUTH_SKIP_BUILD=1 and the libraries
# are already in target/PROFILE. Run from anywhere inside the repository.
set -euo pipefail

prefix=${1:?usage: install.sh PREFIX [debug|release]}
profile=${2:-release}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

case "$profile" in
    debug) cargo_flags=() ;;
    release) cargo_flags=(--release) ;;
    *) echo "install.sh: invalid profile $profile: use debug or release" >&2; exit 2 ;;
esac

if [[ "${SETU_AUTH_SKIP_BUILD:-0}" != 1 ]]; then
    (cd "$root" && cargo build -q -p setu-auth-c "${cargo_flags[@]}")
fi

version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)
version_minor=$(echo "$version" | cut -d. -f2)
# Output of `cargo rustc -p setu-auth-c --crate-type staticlib -- --print
# native-static-libs` on Linux with glibc.
# NOTE: taken from a Linux glibc build; other platforms need their own list.
native_libs="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/setu-auth"
install -m 644 "$here/include/setu_auth.h" "$prefix/include/"
install -m 755 "$root/target/$profile/libsetu_auth.so" "$prefix/lib/"
install -m 644 "$root/target/$profile/libsetu_auth.a" "$prefix/lib/"

fill() {
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" \
        -e "s|@VERSION_MINOR@|$version_minor|g" -e "s|@NATIVE_LIBS@|$native_libs|g" "$1"
}
fill "$here/packaging/setu-auth.pc.in" > "$prefix/lib/pkgconfig/setu-auth.pc"
fill "$here/packaging/setu-authConfig.cmake.in" > "$prefix/lib/cmake/setu-auth/setu-authConfig.cmake"
fill "$here/packaging/setu-authConfigVersion.cmake.in" \
    > "$prefix/lib/cmake/setu-auth/setu-authConfigVersion.cmake"

echo "installed setu-auth $version ($profile) under $prefix"
