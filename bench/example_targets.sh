#!/usr/bin/env bash
# The learning examples at full size, each checked against its documented target
# (docs/results.md). The `slow` tests run the same examples shrunk to the smallest setting that
# still shows the behaviour their names claim; the targets themselves are checked here.
# Expected time on the 2-core reference machine, alone, one libtorch and one OpenBLAS thread
# each: about 50 minutes for all (rm_synthetic ~15, overopt ~14, dpo_synthetic ~7,
# pbrl_pendulum ~5, grpo_arithmetic ~4, sft_arithmetic ~3, pbrl_cartpole ~1).
# Usage: bench/example_targets.sh [BUILD_DIR] [NAME ...]
#   bench/example_targets.sh build                  # every example
#   bench/example_targets.sh build dpo_synthetic    # one
# Prints each run's figures and PASS or FAIL; exits 1 if any target is missed.
set -euo pipefail
build="${1:-build}"
shift $(( $# < 1 ? $# : 1 ))
cd "$(dirname "$0")/.."
out="$build/bench-runs/example-targets"
mkdir -p "$out"

# name | example | target, a Python expression over the summary `s`
targets=(
  "rm_synthetic|rm_synthetic.yaml|s['accuracy'] >= 0.95 and s['ece'] < 0.05"
  "grpo_arithmetic|grpo_arithmetic.yaml|s['exact_match_start'] <= 0.5 and s['exact_match'] >= 0.9"
  "dpo_synthetic|dpo_synthetic.yaml|s['gold_win_rate'] >= 0.70 and s['kl'] < 3.0"
  "sft_arithmetic|sft_arithmetic.yaml|s['exact_match'] >= 0.9 and s['exact_match_start'] <= 0.05"
  "overopt|overopt.yaml|s['gold_peak'] > s['gold_start'] and s['gold_final'] < s['gold_peak']"
  "pbrl_cartpole|pbrl_cartpole.yaml|s['labels_asked'] <= 200 and s['normalized_return'] >= 0.9"
  "pbrl_pendulum|pbrl_pendulum.yaml|s['labels_asked'] <= 200 and s['normalized_return'] >= 0.9"
)

echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(date -u +%F)"
failed=0
for entry in "${targets[@]}"; do
  IFS='|' read -r name example target <<<"$entry"
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  start=$(date +%s)
  dir="$("$build/rlab" run "examples/$example" run.out_dir="$out" run.threads=1 \
         run.blas_threads=1 2>"$out/$name.log" | tail -n 1)" || echo "$name: rlab failed, see $out/$name.log"
  seconds=$(( $(date +%s) - start ))
  if python3 - "$dir/summary.json" "$target" "$name" "$seconds" <<'PY'
import json, os, sys
if not os.path.exists(sys.argv[1]):
    print(f"{sys.argv[3]}: FAIL (no summary.json), {sys.argv[4]} s")
    sys.exit(1)
s = json.load(open(sys.argv[1]))
ok = eval(sys.argv[2], {}, {"s": s})
figures = {k: v for k, v in s.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
print(f"{sys.argv[3]}: {'PASS' if ok else 'FAIL'} ({sys.argv[2]}), {sys.argv[4]} s")
print("  " + json.dumps(figures))
sys.exit(0 if ok else 1)
PY
  then :; else failed=1; fi
done
exit $failed
