#!/usr/bin/env bash
# Normalised gold return of PbRL for B-Pref's six simulated teachers, written as the table of
# docs/results.md ("PbRL teachers"). Each cell is the mean ± std over the seeds given.
# Usage: bench/pbrl_results.sh BUILD_DIR "ENV_CONFIGS" "SEEDS"
#   bench/pbrl_results.sh build "examples/pbrl_cartpole.yaml examples/pbrl_pendulum.yaml" "1 2 3"
# (the full grid takes hours on 2 cores; a CartPole run takes about a minute).
set -euo pipefail
build="${1:-build}"
configs="${2:-examples/pbrl_cartpole.yaml}"
seeds="${3:-1}"
cd "$(dirname "$0")/.."
out="$build/bench-runs/pbrl"
mkdir -p "$out"
echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(date -u +%F); seeds: $seeds"
echo
echo "| config | teacher | normalised return | gold return | labels asked / answered | rm accuracy | wall s |"
echo "|---|---|---|---|---|---|---|"
for config in $configs; do
  for teacher in oracle stochastic mistake myopic skip equal; do
    results=()
    for seed in $seeds; do
      dir="$("$build/rlab" run "$config" teacher="$teacher" run.seed="$seed" run.out_dir="$out" \
            run.name="pbrl-$teacher-$seed" 2>/dev/null | tail -n 1)"
      results+=("$dir/summary.json")
    done
    /usr/bin/python3 - "$config" "$teacher" "${results[@]}" <<'PY'
import json, statistics, sys
config, teacher, files = sys.argv[1], sys.argv[2], sys.argv[3:]
s = [json.load(open(f)) for f in files]
def cell(key, fmt):
    v = [x[key] for x in s if x.get(key) is not None]
    if not v: return "n/a"
    if len(v) == 1: return fmt.format(v[0])
    return (fmt + " ± " + fmt).format(statistics.mean(v), statistics.stdev(v))
labels = "/".join(str(round(statistics.mean(x[k] for x in s))) for k in ("labels_asked", "labels_answered"))
print(f"| {config.split('/')[-1]} | {teacher} | {cell('normalized_return', '{:.2f}')} | "
      f"{cell('gold_return', '{:.1f}')} | {labels} | {cell('rm_accuracy', '{:.2f}')} | "
      f"{cell('wall_seconds', '{:.0f}')} |")
PY
  done
done
