#!/usr/bin/env bash
# What traces cost: POST /api/v1/validate requests/second with tracing off, on at sampling 1.0
# and on at 0.1, each on its own aisafe process, with nginx answering 200 as the OTLP
# collector (so the figures include encoding and sending every batch). The servers run one
# after the other, twice in alternating order, and the best of the two runs counts: the
# machine is shared with wrk, and the order must not favour one setting.
# Usage: bench/http/tracing.sh path/to/aisafe [seconds] [connections]
set -euo pipefail
AISAFE=${1:?path to the aisafe binary}
DURATION=${2:-10}
CONNECTIONS=${3:-64}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/http/lib.sh
. "$HERE/lib.sh"
make_work

COLLECTOR_PORT=$(free_port)
start_nginx "$COLLECTOR_PORT" 1 '{}'

rps() {
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$HERE/validate.lua" "http://127.0.0.1:$1/api/v1/validate" |
    awk '/Requests\/sec/ {print $2}'
}
metric() { curl -fs "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1==m {print $2}'; }

COLLECTOR="OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$COLLECTOR_PORT"
OFF=$(start_server off "$COLLECTOR" ENABLE_TRACING=false)
FULL=$(start_server full "$COLLECTOR" ENABLE_TRACING=true OTEL_TRACES_SAMPLER_ARG=1.0)
TENTH=$(start_server tenth "$COLLECTOR" ENABLE_TRACING=true OTEL_TRACES_SAMPLER_ARG=0.1)
for port in "$OFF" "$FULL" "$TENTH"; do  # warm-up
  wrk -t2 -c"$CONNECTIONS" -d2s -s "$HERE/validate.lua" "http://127.0.0.1:$port/api/v1/validate" >/dev/null
done
OFF_1=$(rps "$OFF"); FULL_1=$(rps "$FULL"); TENTH_1=$(rps "$TENTH")
TENTH_2=$(rps "$TENTH"); FULL_2=$(rps "$FULL"); OFF_2=$(rps "$OFF")
OFF_RPS=$(best "$OFF_1" "$OFF_2"); FULL_RPS=$(best "$FULL_1" "$FULL_2"); TENTH_RPS=$(best "$TENTH_1" "$TENTH_2")
sleep 2  # the last batches reach the collector
cost() { awk -v o="$OFF_RPS" -v t="$1" 'BEGIN { printf "%.1f%%", (o - t) * 100 / o }'; }
printf '\n%-36s %14s %10s %s\n' "POST /api/v1/validate (1 KB), traces" "requests/s" "cost" "(runs)"
printf '%-36s %14s %10s (%s, %s)\n' "tracing off" "$OFF_RPS" "-" "$OFF_1" "$OFF_2"
printf '%-36s %14s %10s (%s, %s)\n' "tracing on, sampling 1.0" "$FULL_RPS" "$(cost "$FULL_RPS")" "$FULL_1" "$FULL_2"
printf '%-36s %14s %10s (%s, %s)\n' "tracing on, sampling 0.1" "$TENTH_RPS" "$(cost "$TENTH_RPS")" "$TENTH_1" "$TENTH_2"
printf 'spans at 1.0: exported %s, dropped %s, failed %s; at 0.1: exported %s, dropped %s\n' \
  "$(metric "$FULL" aisafe_trace_spans_exported_total)" "$(metric "$FULL" aisafe_trace_spans_dropped_total)" \
  "$(metric "$FULL" aisafe_trace_spans_failed_total)" \
  "$(metric "$TENTH" aisafe_trace_spans_exported_total)" "$(metric "$TENTH" aisafe_trace_spans_dropped_total)"
printf '(wrk -t2 -c%s -d%ss, best of two runs each, nginx as the collector, same machine)\n' "$CONNECTIONS" "$DURATION"
