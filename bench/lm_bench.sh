#!/usr/bin/env bash
# Language-model throughput for docs/benchmarks.md, each figure beside its Python peer
# (Debian's python3-torch, the same libtorch) in the same session.
# Usage: bench/lm_bench.sh [BUILD_DIR]   (about 10 minutes on 2 cores)
set -euo pipefail
build="${1:-build}"
cd "$(dirname "$0")/.."
py=/usr/bin/python3
bench="$build/bench/bench_lm"
[ -x "$bench" ] || cmake --build "$build" --target bench_lm  # outside the default build
cores=$(nproc)
echo "== machine: $cores cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, $(date -u +%F)"
"$build/rlab" doctor 2>/dev/null | grep -E "GEMM"

echo "== training: GPT-2 shape of nanoGPT's character model (6 layers, width 384, 6 heads, vocabulary 65), sequence 256, batch 8, AdamW"
# rlab keeps freed memory in the heap (src/rlab/core/allocator.h); the peer runs as installed and
# once more with the same glibc settings given through GLIBC_TUNABLES.
keep_memory=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824
"$bench" --threads 1 --blas "$cores" gemm-floor --steps 4
for round in 1 2; do
  for t in "1 $cores" "$cores 1" "$cores $cores"; do
    set -- $t
    "$bench" --threads "$1" --blas "$2" train --steps 8
    OPENBLAS_NUM_THREADS="$2" $py bench/peer/lm_train.py --threads "$1" --steps 8 | sed "s/}$/, \"blas_threads\": $2}/"
    GLIBC_TUNABLES=$keep_memory OPENBLAS_NUM_THREADS="$2" $py bench/peer/lm_train.py --threads "$1" --steps 8 |
      sed "s/}$/, \"blas_threads\": $2, \"malloc\": \"kept\"}/"
  done
done

echo "== generation: greedy, prompt 8, 256 new tokens (presets, byte vocabulary)"
model_dir="$(mktemp -d)"
trap 'rm -rf "$model_dir"' EXIT
for preset in tiny medium; do
  for batch in 1 32; do
    "$bench" --threads 1 --blas "$cores" generate --preset "$preset" --vocab 259 --batch "$batch" --cache 1 --save "$model_dir/$preset"
    "$bench" --threads 1 --blas "$cores" generate --preset "$preset" --vocab 259 --batch "$batch" --cache 0 --repeats 1
    OPENBLAS_NUM_THREADS="$cores" $py bench/peer/lm_generate.py "$model_dir/$preset" --batch "$batch" --threads 1
  done
done
