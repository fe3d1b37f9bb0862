#!/usr/bin/env bash
# Runs the reference examples with their seeds and writes each run's metrics.jsonl and
# summary.json under OUT/<example>/, so that two builds can be compared with
# bench/behaviour_compare.py (a refactoring must leave every line byte-identical, throughput
# fields aside).
#   bash bench/behaviour_runs.sh BUILD/rlab OUT [--full]
#   ONLY="sft_arithmetic dpo_synthetic" bash bench/behaviour_runs.sh ...   # a subset
# By default the learning runs are shortened (fewer steps, same code paths, same seeds: about
# 6 minutes on 2 cores); --full runs the examples as written (about 25 minutes). Threads are
# fixed at 2 x 1 so that the figures do not depend on the machine's core count.
set -euo pipefail
rlab=${1:?usage: behaviour_runs.sh RLAB OUT [--full]}
out=${2:?usage: behaviour_runs.sh RLAB OUT [--full]}
full=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"

# name | example | overrides for the shortened run
runs=(
  "bt_recovery|bt_recovery.yaml|"
  "ppo_cartpole|ppo_cartpole.yaml|steps=60000"
  "sac_pendulum_small|sac_pendulum_small.yaml|steps=2500"
  "pbrl_cartpole|pbrl_cartpole.yaml|steps=30000 feedback.budget=60"
  "sft_arithmetic|sft_arithmetic.yaml|optim.steps=200"
  "rm_synthetic|rm_synthetic.yaml|optim.steps=60 data.task_train_pairs=20000"
  "dpo_synthetic|dpo_synthetic.yaml|sft.steps=100 optim.steps=40 eval_every=20 data.task_train_pairs=2000 data.task_eval_prompts=64"
  "grpo_arithmetic|grpo_arithmetic.yaml|sft.steps=200 optim.steps=12 eval_every=6 eval_prompts=64 run.checkpoint_every=6"
)

for entry in "${runs[@]}"; do
  IFS='|' read -r name example short <<<"$entry"
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then continue; fi
  overrides=()
  [ "$full" = "--full" ] || read -r -a overrides <<<"$short"
  scratch="$out/$name.runs"
  rm -rf "$scratch" "$out/$name"
  start=$(date +%s)
  run_dir=$("$rlab" run "$here/examples/$example" "${overrides[@]}" run.out_dir="$scratch" \
            run.threads=2 run.blas_threads=1 2>"$out/$name.log" | tail -n 1)
  mkdir -p "$out/$name"
  cp "$run_dir/metrics.jsonl" "$run_dir/summary.json" "$out/$name/"
  echo "$name: $(( $(date +%s) - start )) s"
done
