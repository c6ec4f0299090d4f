#!/usr/bin/env bash
# Runs the client-compatibility tests against the aisafe binary given as $1: the test files
# named after it, or every *.test.js.
set -euo pipefail
cd "$(dirname "$0")"
export AISAFE_BINARY="$1"
shift
[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
node --test "$@"
