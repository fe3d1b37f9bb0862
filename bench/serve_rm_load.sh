#!/usr/bin/env bash
# rlab serve-rm under a bounded load on loopback, for docs/benchmarks.md: requests/s, items/s
# and p50/p99 latency against the server's --max-batch and the clients' concurrency (one text
# per request), for random tiny and small reward models; and the server's overhead against
# scoring in-process at batch 32 (one client posting 32 texts per request, so that every
# batch holds 32, against bench_serve_rm_load inprocess --batch 32). One libtorch thread on
# each side. Every measurement lasts SECONDS (default 2); the whole run about 30 * SECONDS s.
# Usage: bench/serve_rm_load.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
build="$(realpath "${1:-build}")"
seconds="${2:-2}"
cd "$(dirname "$0")/.."
gen="$build/bench/bench_serve_rm_load"
[ -x "$gen" ] || cmake --build "$build" --target bench_serve_rm_load  # outside the default build
work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" || true
  rm -rf "$work"
}
trap cleanup EXIT

# Starts the server on a free port; sets server_pid and port.
start_server() {
  "$build/rlab" serve-rm --model "$1" --max-batch "$2" --max-wait-ms 5 --threads 1 \
    >"$work/out" 2>"$work/err" &
  server_pid=$!
  port=""
  for _ in $(seq 300); do  # at most 30 s
    port="$(sed -n 's|^rlab serve-rm: listening on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$work/out")"
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  cat "$work/err" >&2
  return 1
}

# The line of JSON lines $1 with the most items per second.
best() {
  python3 -c 'import json, sys; print(max(sys.argv[1].split(), key=lambda l: json.loads(l)["items_per_s"]))' "$1"
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid"  # exits 0 after answering what is in flight
  server_pid=""
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(date -u +%F), ${seconds} s per row"
for preset in tiny small; do
  "$gen" make-model --preset "$preset" --out "$work/$preset" >/dev/null
  for max_batch in 1 8 32; do
    start_server "$work/$preset" "$max_batch"
    for concurrency in 1 8 32; do
      echo "$preset max-batch $max_batch: $("$gen" --seconds "$seconds" load --port "$port" --concurrency "$concurrency" --items 1)"
    done
    if [ "$max_batch" = 32 ]; then
      # Three alternations of in-process and served, each side's best kept: others' work on a
      # shared machine slows a side at random, never speeds it.
      inprocess=""; served=""
      for _ in 1 2 3; do
        inprocess="$inprocess$("$gen" --seconds "$seconds" inprocess --model "$work/$preset" --batch 32)"$'\n'
        served="$served$("$gen" --seconds "$seconds" load --port "$port" --concurrency 1 --items 32)"$'\n'
      done
      inprocess="$(best "$inprocess")"; served="$(best "$served")"
      echo "$preset in-process (best of 3): $inprocess"
      echo "$preset max-batch 32, 32 texts per request (best of 3): $served"
      python3 - "$inprocess" "$served" "$preset" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1])["items_per_s"], json.loads(sys.argv[2])["items_per_s"]
print(f"{sys.argv[3]} overhead at batch 32: served {b:.0f} items/s, in-process {a:.0f} items/s: "
      f"{100 * (1 - b / a):.1f}% fewer")
PY
    fi
    stop_server
  done
done
