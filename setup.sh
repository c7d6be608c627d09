#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the benchmarks need.
# Idempotent; run as root (or with sudo) on Debian 12.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates openssl
  libsqlite3-dev sqlite3 libsqlitecpp-dev
  libboost1.81-dev libssl-dev zlib1g-dev nlohmann-json3-dev
  librapidcheck-dev googletest libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-pytest procps
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
echo "setup: all packages present"
