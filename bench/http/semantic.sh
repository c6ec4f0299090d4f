#!/usr/bin/env bash
# What the remote semantic detector costs: POST /api/v1/validate requests/second on a server
# without SEMANTIC_DETECTOR_URL, and on one with it: with the default policy (which does not name
# it: this should cost nothing), with a policy naming `semantic` and a distinct prompt per request
# (one guard round trip each on the outbound lane, on kept-alive connections), and with the same
# prompt every time (the guard's verdict from this process's cache, no hop). nginx
# plays the guard, answering a fixed Llama Guard "safe", so the figures are aisafe's own cost,
# not a model's. Best of two runs in alternating order, as in tracing.sh.
# Usage: bench/http/semantic.sh path/to/aisafe [seconds] [connections]
set -euo pipefail
AISAFE=${1:?path to the aisafe binary}
DURATION=${2:-10}
CONNECTIONS=${3:-64}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/http/lib.sh
. "$HERE/lib.sh"
make_work

GUARD_PORT=$(free_port)
start_nginx "$GUARD_PORT" 1 '{"choices":[{"index":0,"message":{"role":"assistant","content":"safe"},"finish_reason":"stop"}]}'

rps() {  # port [policy id] [same prompt]
  POLICY_ID=${2:-} SAME_PROMPT=${3:-0} wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$HERE/validate.lua" \
    "http://127.0.0.1:$1/api/v1/validate" | awk '/Requests\/sec/ {print $2}'
}

OFF=$(start_server off)
ON=$(start_server on ADMIN_EMAIL=bench@localhost ADMIN_PASSWORD=bench-admin-password \
  SEMANTIC_DETECTOR_URL="http://127.0.0.1:$GUARD_PORT/v1/chat/completions")
TOKEN=$(curl -fs "http://127.0.0.1:$ON/api/v1/auth/login" \
  -d '{"email":"bench@localhost","password":"bench-admin-password"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
POLICY=$(curl -fs "http://127.0.0.1:$ON/api/v1/policies" -H "Authorization: Bearer $TOKEN" \
  -d '{"name":"guarded","detectors":["prompt_injection","injection_classifier","pii","secrets","invisible_text","custom","semantic"]}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for port in "$OFF" "$ON"; do  # warm-up
  wrk -t2 -c"$CONNECTIONS" -d2s -s "$HERE/validate.lua" "http://127.0.0.1:$port/api/v1/validate" >/dev/null
done
OFF_1=$(rps "$OFF"); LANE_1=$(rps "$ON"); CALL_1=$(rps "$ON" "$POLICY"); CACHED_1=$(rps "$ON" "$POLICY" 1)
CACHED_2=$(rps "$ON" "$POLICY" 1); CALL_2=$(rps "$ON" "$POLICY"); LANE_2=$(rps "$ON"); OFF_2=$(rps "$OFF")
OFF_RPS=$(best "$OFF_1" "$OFF_2"); LANE_RPS=$(best "$LANE_1" "$LANE_2")
CALL_RPS=$(best "$CALL_1" "$CALL_2"); CACHED_RPS=$(best "$CACHED_1" "$CACHED_2")
calls=$(curl -fs "http://127.0.0.1:$ON/metrics" | awk '$1 ~ /^aisafe_remote_detector_calls_total/ {print $1"="$2}' | paste -sd' ')
cost() { awk -v o="$OFF_RPS" -v t="$1" 'BEGIN { printf "%.1f%%", (o - t) * 100 / o }'; }
printf '\n%-44s %14s %10s %s\n' "POST /api/v1/validate (1 KB), semantic" "requests/s" "cost" "(runs)"
printf '%-44s %14s %10s (%s, %s)\n' "no SEMANTIC_DETECTOR_URL" "$OFF_RPS" "-" "$OFF_1" "$OFF_2"
printf '%-44s %14s %10s (%s, %s)\n' "URL set, policy without semantic" "$LANE_RPS" "$(cost "$LANE_RPS")" "$LANE_1" "$LANE_2"
printf '%-44s %14s %10s (%s, %s)\n' "policy with semantic, a call per request" "$CALL_RPS" "$(cost "$CALL_RPS")" "$CALL_1" "$CALL_2"
printf '%-44s %14s %10s (%s, %s)\n' "policy with semantic, same prompt (cached)" "$CACHED_RPS" "$(cost "$CACHED_RPS")" "$CACHED_1" "$CACHED_2"
printf 'guard calls: %s\n' "$calls"
printf '(wrk -t2 -c%s -d%ss, best of two runs each, nginx as the guard, same machine)\n' "$CONNECTIONS" "$DURATION"
