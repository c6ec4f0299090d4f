#!/usr/bin/env bash
# The server under wrk, side by side with nginx answering a fixed 200 to the same POSTs on the
# same machine, in the same run: prints both requests/second, p99 latency and the ratio.
# Usage: [QUICK=1] bench/http/run.sh path/to/aisafe [seconds] [connections]
set -euo pipefail
AISAFE=${1:?path to the aisafe binary}
DURATION=${2:-10}
CONNECTIONS=${3:-64}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/http/lib.sh
. "$HERE/lib.sh"
make_work

NGINX_PORT=$(free_port)
start_nginx "$NGINX_PORT" 2 '{"decision":"allow"}'

AISAFE_PORT=$(free_port)
# Anonymous validation is the baseline; the same server also answers with an API key, to show
# what the key lookup costs.
ADMIN_PASSWORD=bench-admin-password
# Rate limits stay on, set far above what wrk sends, so their cost is in the figures.
DATABASE_URL="sqlite://$WORK/bench.db" LOG_LEVEL=warn ALLOW_ANONYMOUS_VALIDATE=true \
  RATE_LIMIT_PER_MINUTE=1000000000 CHARACTERS_PER_MINUTE=1000000000000 \
  WEBHOOK_ALLOW_HTTP=true WEBHOOK_ALLOW_PRIVATE=true \
  ADMIN_EMAIL=bench@localhost ADMIN_PASSWORD=$ADMIN_PASSWORD SECRET_KEY_FILE="$WORK/secret.key" "$AISAFE" serve --host 127.0.0.1 --port "$AISAFE_PORT" >"$WORK/aisafe.log" 2>&1 &
wait_http "$AISAFE_PORT" /health
TOKEN=$(curl -fs "http://127.0.0.1:$AISAFE_PORT/api/v1/auth/login" \
  -d "{\"email\":\"bench@localhost\",\"password\":\"$ADMIN_PASSWORD\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
BENCH_KEY=$(curl -fs "http://127.0.0.1:$AISAFE_PORT/api/v1/api-keys" -H "Authorization: Bearer $TOKEN" \
  -d '{"name":"bench","scopes":["validate"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')

run_wrk() {  # port -> "rps p99_ms"
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$HERE/validate.lua" "http://127.0.0.1:$1/api/v1/validate")
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "$rps $p99"
}
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us/,"",v); print v/1000 } else if (v ~ /ms$/) { sub(/ms/,"",v); print v } else { sub(/s/,"",v); print v*1000 } }'; }

# Warm-up, then the measured runs back to back.
wrk -t2 -c"$CONNECTIONS" -d2s -s "$HERE/validate.lua" "http://127.0.0.1:$AISAFE_PORT/api/v1/validate" >/dev/null
read -r NGINX_RPS NGINX_P99 < <(run_wrk "$NGINX_PORT")
export AISAFE_KEY=""
read -r AISAFE_RPS AISAFE_P99 < <(run_wrk "$AISAFE_PORT")
export AISAFE_KEY="$BENCH_KEY"
read -r KEY_RPS KEY_P99 < <(run_wrk "$AISAFE_PORT")
RATIO=$(awk -v a="$AISAFE_RPS" -v n="$NGINX_RPS" 'BEGIN { printf "%.2f", a / n }')
printf '\n%-28s %14s %12s\n' "POST /api/v1/validate (1 KB)" "requests/s" "p99 (ms)"
printf '%-28s %14s %12s\n' "nginx, fixed 200 (baseline)" "$NGINX_RPS" "$(to_ms "$NGINX_P99")"
printf '%-28s %14s %12s\n' "aisafe, default policy" "$AISAFE_RPS" "$(to_ms "$AISAFE_P99")"
printf '%-28s %14s %12s\n' "aisafe, with an API key" "$KEY_RPS" "$(to_ms "$KEY_P99")"
printf 'API key cost: %s%% of requests/s\n' "$(awk -v a="$AISAFE_RPS" -v k="$KEY_RPS" 'BEGIN { printf "%.1f", (a - k) * 100 / a }')"
printf 'aisafe / nginx = %s (wrk -t2 -c%s -d%ss, same machine, same run)\n' "$RATIO" "$CONNECTIONS" "$DURATION"
# QUICK=1: only the comparison above (while working on the request path).
[ "${QUICK:-0}" = 1 ] && exit 0

# Webhooks: an endpoint subscribed to prompt.validated (nginx answers 200 to the deliveries),
# so every validation queues an event; then how many deliveries per second the worker sends.
export AISAFE_KEY=""
curl -fs "http://127.0.0.1:$AISAFE_PORT/api/v1/webhooks" -H "Authorization: Bearer $TOKEN" \
  -d "{\"url\":\"http://127.0.0.1:$NGINX_PORT/hook\",\"events\":[\"prompt.validated\"]}" >/dev/null
sleep 6  # past the 5 s subscription cache
metric() { curl -fs "http://127.0.0.1:$AISAFE_PORT/metrics" | awk -v m="$1" '$1==m {print $2}'; }
DELIVERED_BEFORE=$(metric aisafe_webhook_delivered_total)
read -r HOOK_RPS HOOK_P99 < <(run_wrk "$AISAFE_PORT")
sleep 2
DELIVERED_AFTER=$(metric aisafe_webhook_delivered_total)
HOOK_DROPPED=$(metric aisafe_webhook_events_dropped_total)
DELIVERIES_PER_S=$(awk -v a="$DELIVERED_BEFORE" -v b="$DELIVERED_AFTER" -v d="$DURATION" 'BEGIN { printf "%.0f", (b - a) / (d + 2) }')
printf '%-28s %14s %12s\n' "aisafe, prompt.validated hook" "$HOOK_RPS" "$(to_ms "$HOOK_P99")"
printf 'webhook cost: %s%% of requests/s; deliveries sent: %s/s; events dropped: %s\n' \
  "$(awk -v a="$AISAFE_RPS" -v k="$HOOK_RPS" 'BEGIN { printf "%.1f", (a - k) * 100 / a }')" \
  "$DELIVERIES_PER_S" "${HOOK_DROPPED:-0}"
curl -fs -X DELETE "http://127.0.0.1:$AISAFE_PORT/api/v1/webhooks/$(curl -fs "http://127.0.0.1:$AISAFE_PORT/api/v1/webhooks" -H "Authorization: Bearer $TOKEN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')" -H "Authorization: Bearer $TOKEN"

# 16 KB prompts, distinct and then the same one every time (answered from the verdict cache).
export AISAFE_KEY="" PROMPT_BYTES=16000
read -r BIG_RPS BIG_P99 < <(run_wrk "$AISAFE_PORT")
export SAME_PROMPT=1
read -r SAME_RPS SAME_P99 < <(run_wrk "$AISAFE_PORT")
export SAME_PROMPT=0 PROMPT_BYTES=1000

# A second server sharing state through Redis (rate limits counted there, verdict cache L2 for
# large texts, invalidations): what the shared state costs per request.
REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done
REDIS_AISAFE_PORT=$(free_port)
DATABASE_URL="sqlite://$WORK/bench-redis.db" LOG_LEVEL=warn ALLOW_ANONYMOUS_VALIDATE=true \
  RATE_LIMIT_PER_MINUTE=1000000000 CHARACTERS_PER_MINUTE=1000000000000 \
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT" SECRET_KEY_FILE="$WORK/secret2.key" \
  "$AISAFE" serve --host 127.0.0.1 --port "$REDIS_AISAFE_PORT" >"$WORK/aisafe-redis.log" 2>&1 &
wait_http "$REDIS_AISAFE_PORT" /health
read -r REDIS_RPS REDIS_P99 < <(run_wrk "$REDIS_AISAFE_PORT")
printf '%-28s %14s %12s\n' "aisafe, with Redis (1 KB)" "$REDIS_RPS" "$(to_ms "$REDIS_P99")"
printf '%-28s %14s %12s\n' "aisafe, 16 KB, distinct" "$BIG_RPS" "$(to_ms "$BIG_P99")"
printf '%-28s %14s %12s\n' "aisafe, 16 KB, same (cached)" "$SAME_RPS" "$(to_ms "$SAME_P99")"

# Logins at the configured bcrypt cost (default 12). First a steady load that fits the hash pool,
# then a flood of logins beside validation traffic, to show the pool keeps logins from starving
# validation: excess logins get a quick 503 busy instead of queueing on the I/O threads.
export BENCH_EMAIL=bench@localhost BENCH_PASSWORD=$ADMIN_PASSWORD
wrk_ok_rps() {  # wrk output -> "successful requests/s p99"
  awk -v d="$DURATION" '/requests in/ {n=$1} /Non-2xx/ {bad=$5} $1=="99%" {p=$2}
    END { printf "%.1f %s\n", (n - bad) / d, p }' <<<"$1"
}
LOGIN_OUT=$(wrk -t1 -c4 -d"${DURATION}s" --timeout 10s --latency -s "$HERE/login.lua" "http://127.0.0.1:$AISAFE_PORT/api/v1/auth/login")
read -r LOGIN_RPS LOGIN_P99 < <(wrk_ok_rps "$LOGIN_OUT")
export AISAFE_KEY=""
FLOOD_OUT="$WORK/flood.txt"
wrk -t1 -c64 -d"${DURATION}s" --timeout 10s --latency -s "$HERE/login.lua" "http://127.0.0.1:$AISAFE_PORT/api/v1/auth/login" >"$FLOOD_OUT" &
FLOOD_PID=$!
wrk -t1 -c32 -d"${DURATION}s" --latency -s "$HERE/validate.lua" "http://127.0.0.1:$AISAFE_PORT/api/v1/validate" >"$WORK/beside.txt" &
BESIDE_PID=$!
# A database route (GET /api/v1/auth/me) in the middle of the flood: it must not wait behind it.
sleep $((DURATION / 2))
ME_MS=$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$AISAFE_PORT/api/v1/auth/me" \
  -H "Authorization: Bearer $TOKEN" | awk '{ printf "%.1f", $1 * 1000 }')
wait "$FLOOD_PID" "$BESIDE_PID"
BESIDE_OUT=$(cat "$WORK/beside.txt")
read -r FLOOD_OK FLOOD_P99 < <(wrk_ok_rps "$(cat "$FLOOD_OUT")")
FLOOD_ALL=$(awk -v d="$DURATION" '/requests in/ { printf "%.0f", $1 / d }' "$FLOOD_OUT")
read -r BESIDE_RPS BESIDE_P99 < <(wrk_ok_rps "$BESIDE_OUT")
ALONE_OUT=$(wrk -t1 -c32 -d"${DURATION}s" --latency -s "$HERE/validate.lua" "http://127.0.0.1:$AISAFE_PORT/api/v1/validate")
read -r ALONE_RPS ALONE_P99 < <(wrk_ok_rps "$ALONE_OUT")
printf '\n%-44s %14s %12s\n' "Logins (bcrypt cost ${BCRYPT_COST:-12})" "per second" "p99 (ms)"
printf '%-44s %14s %12s\n' "login, 4 connections" "$LOGIN_RPS" "$(to_ms "$LOGIN_P99")"
printf '%-44s %14s %12s\n' "login flood, 64 connections: logged in" "$FLOOD_OK" "$(to_ms "$FLOOD_P99")"
printf '%-44s %14s\n' "  all answers (the rest: 503 busy)" "$FLOOD_ALL"
printf '%-44s %14s\n' "  GET /api/v1/auth/me during the flood (ms)" "$ME_MS"
printf '%-44s %14s %12s\n' "validate, 32 connections, alone" "$ALONE_RPS" "$(to_ms "$ALONE_P99")"
printf '%-44s %14s %12s\n' "validate, 32 connections, beside the flood" "$BESIDE_RPS" "$(to_ms "$BESIDE_P99")"

# Traces: tracing off vs on at sampling 1.0 and 0.1, with nginx as the OTLP collector.
bash "$HERE/tracing.sh" "$AISAFE" "$DURATION" "$CONNECTIONS"

# The remote semantic detector: the outbound lane and a guard round trip, with nginx as the guard.
bash "$HERE/semantic.sh" "$AISAFE" "$DURATION" "$CONNECTIONS"
