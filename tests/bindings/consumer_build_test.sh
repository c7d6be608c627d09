#!/usr/bin/env bash
# Installs the hsesync component of the build into a scratch prefix, checks the
# library exports only hse_* symbols, then builds and runs tests/bindings/consumer
# against it twice: with find_package(hsesync) and with pkg-config.
#   consumer_build_test.sh BUILD_DIR CONSUMER_SRC C_COMPILER [EXTRA_C_FLAGS]
set -euo pipefail
build=$1 src=$2 cc=$3 flags=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" --component hsesync >/dev/null
lib=$(find "$prefix" -name 'libhsesync.so.*.*.*' | head -1)
pc_dir=$(dirname "$(find "$prefix" -name hsesync.pc | head -1)")
test -f "$prefix/include/hsesync.h"
test -n "$lib"
readelf -d "$lib" | grep -q 'SONAME.*libhsesync.so.0'
others=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBRVW]/ && $3 !~ /^hse_/ && $3 !~ /^HSESYNC_/ {print $3}')
if [ -n "$others" ]; then
  echo "exported beyond hse_*:" $others >&2
  exit 1
fi
echo "exports: $(nm -D --defined-only "$lib" | grep -c ' hse_') hse_* symbols, nothing else"

echo "== find_package(hsesync)"
cmake -S "$src" -B "$tmp/cmake-build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$tmp/cmake-build" >/dev/null
"$tmp/cmake-build/consumer" "$tmp/cmake.db"

echo "== pkg-config hsesync"
# shellcheck disable=SC2046,SC2086
"$cc" -std=c11 -Wall -Werror $flags "$src/consumer.c" -o "$tmp/consumer-pc" \
  $(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs hsesync)
LD_LIBRARY_PATH="$(dirname "$lib")" "$tmp/consumer-pc" "$tmp/pc.db"
