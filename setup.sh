#!/usr/bin/env bash
# ./setup.sh            installs every Debian package the build, tests and benchmarks need
# ./setup.sh test       ... then builds (preset default) and runs every test
# ./setup.sh demo       ... then builds and runs the main job (see README.md)
# Idempotent; run as root (or with sudo) on Debian 12.
set -euo pipefail
cd "$(dirname "$0")"
action=${1:-install}
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates openssl
  libsqlite3-dev sqlite3 libsqlitecpp-dev
  libboost1.81-dev libssl-dev zlib1g-dev nlohmann-json3-dev
  librapidcheck-dev googletest libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-pytest python3-venv procps
  default-jdk-headless junit5
  clang libclang-rt-14-dev libboost-url1.81-dev
  libcli11-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "setup: all packages present" >&2

# build [TARGET...]: the default preset (all targets when none is named). The tests
# build with -Werror (HSE_WERROR): CI fails on a warning in our own code.
build() {
  cmake --preset default -DHSE_WERROR="${HSE_WERROR:-OFF}" >/dev/null
  if [ $# -gt 0 ]; then
    cmake --build --preset default -j"$(nproc)" --target "$@"
  else
    cmake --build --preset default -j"$(nproc)"
  fi
}

case "$action" in
  install) ;;
  test)
    # Line tables only (-g1), as the sanitizer presets: enough for a failure's stack
    # trace, and a smaller, quicker build than full debug information.
    cmake --preset default -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
    HSE_WERROR=ON build
    ctest --preset default
    ;;
  demo)
    # Only what the walk-through runs: not the tests and benchmarks.
    build hse-sync hse-emulator
    exec ./bindings/cli/demo.sh build/bin
    ;;
  *)
    echo "usage: ./setup.sh [install|test|demo]" >&2
    exit 2
    ;;
esac
