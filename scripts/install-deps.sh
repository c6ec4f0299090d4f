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
  # libphonenumber: the library, and what its headers include (the headers themselves: below)
  libphonenumber8 libprotobuf-dev libabsl-dev
  # servers the tests and benchmarks start for real
  postgresql redis-server nginx-light wrk sqlite3 python3
  # node for the client-compatibility tests in tests/e2e
  nodejs npm
  # style tools
  clang-format clang-tidy
  # fuzzing: clang 14 and its runtime libraries, which hold libFuzzer (docs/decisions/0020)
  clang-14 libclang-rt-14-dev
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

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The packaged services must not keep running on their default ports: tests start their own.
  for svc in redis-server nginx postgresql; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
      $SUDO systemctl stop "$svc" || true
    fi
  done
fi

# libphonenumber's headers (docs/decisions/0016-libphonenumber-without-its-dev-package.md):
# Debian 12's libphonenumber-dev depends on libboost-thread-dev, i.e. Boost 1.74's -dev packages,
# which conflict with Boost 1.81's; the library itself uses no Boost. So the headers of the very
# version libphonenumber8 has are taken from the -dev package without installing it.
phonenumber_headers=/usr/local/include/phonenumbers
if [ ! -f "$phonenumber_headers/phonenumbermatcher.h" ]; then
  version=$(dpkg-query -W -f='${Version}' libphonenumber8)
  echo "install-deps: unpacking the headers of libphonenumber-dev $version into $phonenumber_headers"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # apt downloads as the unprivileged _apt user when it can write the directory.
  if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$tmp"; fi
  if ! (cd "$tmp" && apt-get download -qq "libphonenumber-dev=$version"); then
    $SUDO apt-get update -qq
    (cd "$tmp" && apt-get download -qq "libphonenumber-dev=$version")
  fi
  dpkg-deb -x "$tmp"/libphonenumber-dev_*.deb "$tmp/root"
  $SUDO mkdir -p /usr/local/include
  $SUDO cp -r "$tmp/root/usr/include/phonenumbers" /usr/local/include/
fi
