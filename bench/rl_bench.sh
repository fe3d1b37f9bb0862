#!/usr/bin/env bash
# PPO and SAC timings for docs/benchmarks.md, each beside the Python peer (torch, the same
# algorithm and defaults, numpy environments) in the same session.
# Usage: bench/rl_bench.sh [BUILD_DIR]   (about 10 minutes on 2 cores)
set -euo pipefail
build="${1:-build}"
cd "$(dirname "$0")/.."
out="$build/bench-runs/rl"
mkdir -p "$out"
py=/usr/bin/python3
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, $(date -u +%F)"
"$build/rlab" doctor 2>/dev/null | grep -E "GEMM"

# summary field, eval field of a run directory
report() {
  local label="$1" dir="$2"
  "$build/rlab" eval-policy "$dir" --episodes 20 >/dev/null 2>&1
  $py - "$label" "$dir" <<'PY'
import json, sys
label, d = sys.argv[1], sys.argv[2]
s = json.load(open(d + "/summary.json")); e = json.load(open(d + "/eval.json"))
print(f"{label}: wall {s['wall_seconds']:.2f} s, mean_return_last100 {s['mean_return_last100']:.1f}, "
      f"final policy {e['mean_return']:.1f} over {e['episodes']} episodes")
PY
}

echo "== PPO CartPole-v1, 500k steps, CleanRL ppo.py settings, 2 threads"
for seed in 1 2 3; do
  dir="$("$build/rlab" train-rl --env CartPole-v1 --algo ppo --steps 500000 --seed $seed \
        run.out_dir="$out" run.log_every=50000 2>/dev/null | tail -n 1)"
  report "rlab seed $seed" "$dir"
done
$py bench/peer/ppo_cartpole.py --steps 500000 --seed 1 --threads 2

echo "== SAC Pendulum-v1, 10k steps, RLtools' size (64x64, batch 100, 1000 random steps), 2 threads"
for seed in 1 2 3; do
  dir="$("$build/rlab" run examples/sac_pendulum_small.yaml run.seed=$seed run.out_dir="$out" \
        2>/dev/null | tail -n 1)"
  report "rlab seed $seed" "$dir"
done
$py bench/peer/sac_pendulum.py --steps 10000 --hidden 64,64 --batch-size 100 --learning-starts 1000 --seed 1 --threads 2

echo "== SAC Pendulum-v1, 10k steps, CleanRL's settings (256x256, batch 256, learning from 5000)"
dir="$("$build/rlab" train-rl --env Pendulum-v1 --algo sac --steps 10000 --seed 1 \
      run.out_dir="$out" run.log_every=1000 2>/dev/null | tail -n 1)"
$py - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
rates = [json.loads(l)["steps_per_second"] for l in open(d + "/metrics.jsonl")]
s = json.load(open(d + "/summary.json"))
learning = rates[5:]  # the windows after step 5000: one update per step
ups = sum(learning) / len(learning)
print(f"rlab: wall {s['wall_seconds']:.2f} s, {ups:.1f} updates/s while learning, "
      f"{ups * 0.578:.1f} GFLOP/s (0.578 GFLOP of matrix products per update)")
PY
$py bench/peer/sac_pendulum.py --steps 10000 --seed 1 --threads 2
