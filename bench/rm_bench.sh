#!/usr/bin/env bash
# Reward-model training throughput for docs/benchmarks.md: pairs/s, tokens/s and model-FLOPs
# utilisation against the GEMM rate `rlab doctor` measures, for the presets.
# Usage: bench/rm_bench.sh [BUILD_DIR]   (about 3 minutes on 2 cores)
set -euo pipefail
build="${1:-build}"
cd "$(dirname "$0")/.."
bench="$build/bench/bench_lm"
[ -x "$bench" ] || cmake --build "$build" --target bench_lm  # outside the default build
cores=$(nproc)
echo "== machine: $cores cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, $(date -u +%F)"
"$build/rlab" doctor 2>/dev/null | grep -E "GEMM"
echo "== reward model: Bradley-Terry on random pairs, chosen and rejected in one forward pass, AdamW"
for preset in tiny small medium; do
  for seq in 64 256; do
    steps=20
    [ "$preset" = medium ] && steps=4
    "$bench" --threads 1 --blas "$cores" rm --preset "$preset" --vocab 259 --seq "$seq" --batch 16 --steps "$steps"
  done
done
