#!/usr/bin/env bash
# Installs the debug build into a temporary prefix, then builds and runs a small program
# through pkg-config and through CMake find_package (shared and static).
#
#   bindings/c/tests/install/check_install.sh [debug|release]
set -euo pipefail

profile=${1:-debug}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

SETU_AUTH_SKIP_BUILD=1 "$here/../../install.sh" "$work/prefix" "$profile"

echo "pkg-config: $(PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" pkg-config --modversion setu-auth)"
# shellcheck disable=SC2046
cc -o "$work/hello_pkgconfig" "$here/hello.c" \
    $(PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" pkg-config --cflags --libs setu-auth) \
    -Wl,-rpath,"$work/prefix/lib"
"$work/hello_pkgconfig"

cmake -S "$here/cmake" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$work/prefix" \
    -DCMAKE_BUILD_RPATH="$work/prefix/lib" > /dev/null
cmake --build "$work/cmake-build" > /dev/null
"$work/cmake-build/hello_shared"
"$work/cmake-build/hello_static"
if ldd "$work/cmake-build/hello_static" | grep -q libsetu_auth; then
    echo "hello_static links libsetu_auth.so, expected the static library" >&2
    exit 1
fi
echo "install check passed: pkg-config, CMake shared, CMake static"
