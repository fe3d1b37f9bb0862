#!/usr/bin/env bash
# Normalised gold return of PbRL for B-Pref's six simulated teachers, written as the table of
# docs/results.md ("PbRL teachers"), then where each configuration's time goes, the table of
# docs/benchmarks.md ("PbRL run time"). Each cell is the mean ± std over the seeds given.
# Usage: bench/pbrl_results.sh BUILD_DIR "ENV_CONFIGS" "SEEDS" ["TEACHERS"] [KEY=VALUE ...]
#   bench/pbrl_results.sh build "examples/pbrl_cartpole.yaml examples/pbrl_pendulum.yaml" "1 2 3"
#   bench/pbrl_results.sh build examples/pbrl_pendulum.yaml "1 2 3" oracle algo=cpl
# Runs that already finished (same name under BUILD_DIR/bench-runs/pbrl) are read, not rerun,
# so an interrupted grid continues where it stopped. Runs of one configuration go two at a
# time, one thread each (PBRL_JOBS overrides the two).
set -euo pipefail
build="${1:-build}"
configs="${2:-examples/pbrl_cartpole.yaml}"
seeds="${3:-1}"
teachers="${4:-oracle stochastic mistake myopic skip equal}"
shift $(( $# < 4 ? $# : 4 ))
overrides=("$@")
jobs="${PBRL_JOBS:-2}"
cd "$(dirname "$0")/.."
out="$build/bench-runs/pbrl"
mkdir -p "$out"
tag=""
for o in "${overrides[@]}"; do tag="$tag-${o//[^A-Za-z0-9.]/_}"; done

run_one() {  # config teacher seed -> prints the run directory
  local config="$1" teacher="$2" seed="$3"
  local name="pbrl-$(basename "$config" .yaml)-$teacher-$seed$tag"
  local existing
  existing="$(ls -d "$out/$name"-2[0-9][0-9][0-9][0-9][0-9][0-9][0-9]-* 2>/dev/null | tail -n 1 || true)"
  if [[ -n "$existing" && -f "$existing/summary.json" ]]; then
    echo "$existing"
    return
  fi
  "$build/rlab" run "$config" teacher="$teacher" run.seed="$seed" run.out_dir="$out" \
    run.name="$name" run.threads=1 run.blas_threads=1 "${overrides[@]}" 2>>"$out/$name.log" |
    tail -n 1
}

summaries=()
for config in $configs; do
  for teacher in $teachers; do
    pids=()
    dirs_file="$(mktemp)"
    for seed in $seeds; do
      while (( $(jobs -rp | wc -l) >= jobs )); do wait -n; done
      ( echo "$teacher $seed $(run_one "$config" "$teacher" "$seed")" >> "$dirs_file" ) &
    done
    wait
    while read -r _ _ dir; do summaries+=("$config|$teacher|$dir/summary.json"); done < "$dirs_file"
    rm -f "$dirs_file"
  done
done

/usr/bin/python3 - "$seeds" "${overrides[*]:-}" "${summaries[@]}" <<'PY'
import json, platform, statistics, subprocess, sys, datetime
seeds, overrides, entries = sys.argv[1], sys.argv[2], sys.argv[3:]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
print(f"machine: {cores} cores, {cpu}, {datetime.date.today()}; seeds: {seeds}"
      + (f"; overrides: {overrides}" if overrides else ""))
print()
groups = {}
for e in entries:
    config, teacher, path = e.split("|")
    groups.setdefault((config, teacher), []).append(json.load(open(path)))
def cell(s, key, fmt):
    v = [x[key] for x in s if x.get(key) is not None]
    if not v: return "n/a"
    if len(v) == 1: return fmt.format(v[0])
    return (fmt + " ± " + fmt).format(statistics.mean(v), statistics.stdev(v))
print("| config | algo | teacher | normalised return | gold return | labels asked / answered | rm accuracy | reward pearson | wall s |")
print("|---|---|---|---|---|---|---|---|---|")
for (config, teacher), s in groups.items():
    labels = "/".join(str(round(statistics.mean(x[k] for x in s))) for k in ("labels_asked", "labels_answered"))
    print(f"| {config.split('/')[-1]} | {s[0]['algo']} | {teacher} | {cell(s, 'normalized_return', '{:.2f}')} | "
          f"{cell(s, 'gold_return', '{:.1f}')} | {labels} | {cell(s, 'rm_accuracy', '{:.2f}')} | "
          f"{cell(s, 'reward_pearson', '{:.2f}')} | {cell(s, 'wall_seconds', '{:.0f}')} |")
# Where the time goes, per configuration, over all its runs (every teacher and seed).
print()
print("| config | algo | runs | wall s (mean) | env steps | agent updates | state entropy | reward inference | reward learning | reward diagnostics | queries | evaluation and other |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
configs = {}
for (config, _), s in groups.items(): configs.setdefault((config, s[0]["algo"]), []).extend(s)
columns = [("env_steps", "observer"), ("agent_updates",), ("state_entropy",),
           ("reward_inference", "relabelling"), ("reward_learning",), ("reward_diagnostics",), ("queries",)]
for (config, algo), s in configs.items():
    s = [x for x in s if "time_seconds" in x]
    if not s: continue
    wall = sum(x["wall_seconds"] for x in s)
    share = lambda keys: sum(x["time_seconds"].get(k, 0.0) for x in s for k in keys) / wall
    shares = [share(keys) for keys in columns]
    cells = " | ".join(f"{v:.0%}" for v in shares + [1 - sum(shares)])
    print(f"| {config.split('/')[-1]} | {algo} | {len(s)} | {wall / len(s):.0f} | {cells} |")
PY
