#!/usr/bin/env bash
# DPO training throughput for docs/benchmarks.md: steps/s and pairs/s of `bench_lm dpo` for the
# presets, each beside its Python peer (bench/peer/dpo_train.py: the same initial weights,
# batch and loss in eager PyTorch from Debian's python3-torch, the same libtorch) in the same
# session, and the ratio rlab / peer of pairs/s.
# Usage: bench/dpo_bench.sh [BUILD_DIR]   (about 4 minutes on 2 cores)
set -euo pipefail
build="${1:-build}"
cd "$(dirname "$0")/.."
py=/usr/bin/python3
bench="$build/bench/bench_lm"
[ -x "$bench" ] || cmake --build "$build" --target bench_lm  # outside the default build
cores=$(nproc)
echo "== machine: $cores cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, $(date -u +%F)"
if [ -x "$build/rlab" ]; then "$build/rlab" doctor 2>/dev/null | grep -E "GEMM" || true; fi
echo "== DPO: sigmoid loss (beta 0.1), batch 8 pairs, prompt and completion half the sequence each, cached reference, AdamW; libtorch threads 1, OpenBLAS threads $cores"
model_dir="$(mktemp -d)"
trap 'rm -rf "$model_dir"' EXIT
rows=""
for preset in tiny small medium; do
  for seq in 64 128; do
    steps=20
    [ "$preset" = medium ] && steps=5
    ours=$("$bench" --threads 1 --blas "$cores" dpo --preset "$preset" --vocab 259 --seq "$seq" --batch 8 \
      --steps "$steps" --save "$model_dir/$preset")
    peer=$(OPENBLAS_NUM_THREADS="$cores" $py bench/peer/dpo_train.py "$model_dir/$preset" --batch 8 \
      --seq "$seq" --steps "$steps" --threads 1)
    echo "$ours"
    echo "$peer"
    # A row for docs/benchmarks.md: preset, seq, steps/s and pairs/s of each, ratio of pairs/s.
    rows+=$($py - "$preset" "$ours" "$peer" <<'PY'
import json, sys
r, p = json.loads(sys.argv[2]), json.loads(sys.argv[3])
print("| %s | %d | %.2f | %.1f | %.2f | %.1f | %.2f |" % (
    sys.argv[1], r["seq"], r["steps_per_second"], r["pairs_per_second"],
    p["steps_per_second"], p["pairs_per_second"], r["pairs_per_second"] / p["pairs_per_second"]))
PY
)$'\n'
  done
done
echo "== pairs/s, rlab against the peer"
echo "| preset | seq | rlab steps/s | rlab pairs/s | peer steps/s | peer pairs/s | ratio rlab / peer |"
echo "|---|---|---|---|---|---|---|"
printf '%s' "$rows"
