#!/usr/bin/env bash
# Runs the benchmarks and prints their results; docs/benchmarks.md records them with the
# machine, date and command. Usage: bench/run_all.sh [BUILD_DIR]
set -euo pipefail
build="${1:-build}"
cd "$(dirname "$0")/.."
echo "== machine"; nproc; grep -m1 "model name" /proc/cpuinfo; echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
echo "== rlab doctor"; "$build/rlab" doctor --threads 1
echo "== bt-recovery, rlab vs Python peer (1 thread, 5 runs each)"
for i in 1 2 3 4 5; do
  dir="$("$build/rlab" run examples/bt_recovery.yaml run.threads=1 run.out_dir="$build/bench-runs" 2>/dev/null | tail -n 1)"
  python3 -c "import json,sys; s=json.load(open('$dir/summary.json')); print('rlab', round(s['wall_seconds'],3), 'acc', s['heldout_accuracy'], 'pearson', round(s['pearson'],4))"
  /usr/bin/python3 bench/peer/bt_recovery.py --threads 1 | python3 -c "import json,sys; s=json.load(sys.stdin); print('peer', round(s['wall_seconds'],3), 'acc', s['heldout_accuracy'], 'pearson', round(s['pearson'],4))"
done
for b in "$build"/bench/bench_*; do
  # bench_lm takes subcommands; lm_bench.sh and dpo_bench.sh run it beside its Python peers.
  [ "$(basename "$b")" = bench_lm ] && continue
  [ -x "$b" ] && { echo "== $(basename "$b")"; "$b"; }
done
bash bench/lm_bench.sh "$build"
bash bench/dpo_bench.sh "$build"
