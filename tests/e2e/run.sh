#!/usr/bin/env bash
# Runs the client-compatibility tests against the aisafe binary given as $1.
set -euo pipefail
cd "$(dirname "$0")"
export AISAFE_BINARY="$1"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
node --test
