#!/usr/bin/env bash
# The one list of system packages aisafe needs to build, test and benchmark (Debian 12).
# Idempotent: installs only what is missing, so `make run` / `make test` can call it every time.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config make git ca-certificates curl
  # libraries (see README "Libraries"; not libboost-all-dev, which drags in MPI)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libvectorscan-dev
  libsoci-dev libsqlite3-dev libpq-dev
  libhiredis-dev
  libssl-dev libcrypt-dev
  libspdlog-dev libfmt-dev
  libcli11-dev
  libjemalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # servers the tests and benchmarks start for real
  postgresql redis-server nginx-light wrk sqlite3 python3
  # node for the client-compatibility tests in tests/e2e
  nodejs npm
  # style tools
  clang-format clang-tidy
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    # node/npm may come from elsewhere (nodesource, nvm): a working binary is enough.
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The packaged services must not keep running on their default ports: tests start their own.
for svc in redis-server nginx postgresql; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    $SUDO systemctl stop "$svc" || true
  fi
done
