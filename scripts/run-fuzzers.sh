#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build (the fuzz preset) for SECONDS each, JOBS at a time,
# on its seed corpus (tests/fuzz/corpus/NAME, read only) and a working corpus in the build
# directory that keeps what earlier runs found. Any crash, leak, timeout or sanitizer report
# fails the run; the input that caused it is kept as BUILD/fuzz-artifacts/NAME-crash-... and the
# log as BUILD/fuzz-logs/NAME.log. Usage: run-fuzzers.sh BUILD_DIR [SECONDS] [JOBS] [NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: run-fuzzers.sh BUILD_DIR [SECONDS] [JOBS] [NAME...]}
seconds=${2:-30}
jobs=${3:-2}
shift $(( $# < 3 ? $# : 3 ))

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in tests/fuzz/*_fuzz.cc; do
    n=$(basename "$f" _fuzz.cc)
    names+=("$n")
  done
fi
mkdir -p "$build/fuzz-logs" "$build/fuzz-artifacts"

run_one() {
  local name=$1 build=$2 seconds=$3
  local bin="$build/tests/fuzz/${name}_fuzz"
  local work="$build/fuzz-corpus/$name"
  local log="$build/fuzz-logs/$name.log"
  mkdir -p "$work"
  local args=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1
              -artifact_prefix="$build/fuzz-artifacts/$name-")
  if [ -f "tests/fuzz/$name.dict" ]; then
    args+=(-dict="tests/fuzz/$name.dict")
  fi
  if [ ! -x "$bin" ]; then
    echo "fuzz: $name: no binary at $bin" > "$log"
    echo "FAIL $name (not built)"
    return 1
  fi
  # The first directory receives new inputs; the seed corpus is only read.
  if "$bin" "${args[@]}" "$work" "tests/fuzz/corpus/$name" > "$log" 2>&1; then
    local runs
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "ok   $name ($runs runs in ${seconds}s)"
  else
    echo "FAIL $name: see $log"
    grep -E 'ERROR|==[0-9]+==|SUMMARY|Test unit written' "$log" | head -20 | sed 's/^/    /'
    return 1
  fi
}
export -f run_one
# The pipeline and policy targets compile the shipped rules at start: over a minute of CPU
# under ASan (vectorscan's compiler allocates a lot), milliseconds from the on-disk cache
# (detect/database_cache.h). A cache given by the caller is used as it is: `make test` passes the
# release build's, which its unit tests have just filled with the same databases.
if [ -z "${COMPILED_RULES_CACHE_DIR:-}" ]; then
  case "$build" in
    /*) COMPILED_RULES_CACHE_DIR="$build/compiled-rules-cache" ;;
    *) COMPILED_RULES_CACHE_DIR="$PWD/$build/compiled-rules-cache" ;;
  esac
fi
export COMPILED_RULES_CACHE_DIR

echo "fuzz: ${#names[@]} targets, ${seconds}s each, $jobs at a time"
status=0
printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {} "$build" "$seconds" \
  > "$build/fuzz-logs/summary.txt" || status=$?
sort "$build/fuzz-logs/summary.txt"
passed=$(grep -c '^ok' "$build/fuzz-logs/summary.txt" || true)
failed=$(( ${#names[@]} - passed ))
echo "fuzz: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
