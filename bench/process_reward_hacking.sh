#!/usr/bin/env bash
# The hacking experiment of process rewards: RL on the chain task (task:chain) against a process
# reward model that can be gamed (`gameable`: it pays well-formed but wrong steps, padding and
# repeats included, above zero), with no outcome reward (reward_weights=[0]: the proxy alone),
# under each credit scheme: summed credit (sum), PURE's min form (pure), Clip and Delta. A
# last run adds the gated form (g_ra), which needs the outcome reward, with the outcome at full
# weight. For each run it writes the gold final exact match on held-out prompts (greedy; start
# and end) and, over training, the share of degenerate completions (a repeated step, or more
# steps than the task's solution: process_degenerate) and the mean steps per completion, to
# OUT/table.md. One SFT model (the partly right chain demonstrator) is trained first and every
# RL run starts from it.
#   bash bench/process_reward_hacking.sh BUILD/rlab OUT [SEEDS] [RL_STEPS]
# Defaults: seeds "1 2 3", 40 RL steps, learning rate 3e-4 (LR); ONLY="sum pure" runs a subset;
# PROXY sets the process reward source; SFT_DIR reuses an SFT model (its parent folder). Expected time on 2 shared cores: SFT ~3 min, then
# ~30-60 s per RL run (21 runs: ~15-20 minutes); threads are fixed at 1 x 1.
set -euo pipefail
rlab=${1:?usage: process_reward_hacking.sh RLAB OUT [SEEDS] [RL_STEPS]}
out=${2:?usage: process_reward_hacking.sh RLAB OUT [SEEDS] [RL_STEPS]}
seeds=${3:-1 2 3}
rl_steps=${4:-40}
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/bench/chain_rl_run.sh"
mkdir -p "$out"
proxy=${PROXY:-gameable(wrong_step_reward=0.3)}
task=${TASK:-task:chain(steps=3, digits=1, ops=+-)}
sft_steps=${SFT_STEPS:-1500}
threads=(run.threads=1 run.blas_threads=1)

# One SFT model for every run: the demonstrator gets a step wrong now and then, so that the
# model is partly right and RL has room.
sft_dir=${SFT_DIR:-$out/sft}  # an SFT model directory's parent, to reuse one
if [ ! -d "$sft_dir/model" ]; then
  start=$(date +%s)
  run_dir=$("$rlab" run "$here/examples/sft_arithmetic.yaml" \
      "data.train=${SFT_DATA:-task:chain(steps=3, digits=1, ops=+-, demo_step_error_percent=30)}" \
      optim.steps="$sft_steps" data.max_length=48 eval_every=0 run.out_dir="$out/sft.runs" \
      "${threads[@]}" 2>"$out/sft.log" | tail -n 1)
  rm -rf "$sft_dir" && mkdir -p "$sft_dir" && cp -r "$run_dir/model" "$sft_dir/model"
  echo "sft: $(( $(date +%s) - start )) s" | tee "$out/sft.time"
fi

# name | credit (none: no process reward) | reward weight of the outcome. The last two compare
# outcome-only GRPO with PURE on the proxy plus the outcome reward (the paper's mix).
runs=("sum|sum|0" "pure|pure|0" "clip|clip(eta=0.5)|0" "delta|delta|0" "g_ra|g_ra(threshold=0.5)|1"
      "grpo|none|1" "pure_outcome|pure|1")
for seed in $seeds; do
  for entry in "${runs[@]}"; do
    IFS='|' read -r name credit weight <<<"$entry"
    [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]] && continue
    dest="$out/$name.seed$seed"
    process=("process_reward=$proxy" "credit=$credit")
    [ "$credit" = none ] && process=()
    chain_rl_run "$rlab" "$sft_dir/model" "$task" "$dest" "${process[@]}" \
        "reward_weights=[$weight]" optim.steps="$rl_steps" optim.learning_rate="${LR:-3e-4}" \
        eval_every="$rl_steps" run.seed="$seed"
  done
done
python3 "$here/bench/process_reward_hacking_table.py" "$out" > "$out/table.md"
cat "$out/table.md"
