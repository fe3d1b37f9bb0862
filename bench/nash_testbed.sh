#!/usr/bin/env bash
# The intransitive testbed (task:cyclic, text/cyclic_task.h): one SFT model on the task's
# uniform demonstrations, then DPO (sigmoid, on pairs the cyclic judge labelled) and the online
# Nash and self-play methods of `rlab online-po` (judge: the task's gold preference; gpo: a
# General Preference Model trained on the same kind of pairs), each over the seeds, all from
# that SFT model. Prints the table of exploitability (mean ± half the range over seeds), type
# shares, KL and gold win rate against the SFT model, and the cross win rates between the
# methods' final policies (bench_nash_table).
#
#   bench/nash_testbed.sh build/rlab /tmp/nash-testbed
#   SEEDS="1" METHODS="sppo nash_md" STEPS=40 bench/nash_testbed.sh build/rlab /tmp/nash
#
# Every run uses one thread (THREADS) and runs after the other; about 20 s a run on the 2-core
# EPYC with the defaults.
set -euo pipefail
RLAB=$(realpath "${1:?usage: nash_testbed.sh RLAB OUT_DIR}")
OUT=${2:?usage: nash_testbed.sh RLAB OUT_DIR}
TABLE=${TABLE:-$(dirname "$0")/../build/bench/bench_nash_table}
[ -x "$TABLE" ] || cmake --build "$(dirname "$TABLE")/.." --target bench_nash_table  # outside the default build
TASK=${TASK:-cyclic}
SEEDS=${SEEDS:-1 2 3}
METHODS=${METHODS:-dpo online_dpo sppo spo inpo dno nash_md gpo}
SFT_STEPS=${SFT_STEPS:-400}
STEPS=${STEPS:-60}             # optimiser steps of every method
LR=${LR:-2e-4}                 # their learning rate
DPO_BETA=${DPO_BETA:-0.1}
DPO_PAIRS=${DPO_PAIRS:-2000}
EVAL_PROMPTS=${EVAL_PROMPTS:-400}
THREADS=${THREADS:-1}
mkdir -p "$OUT"
common=(--threads "$THREADS" "run.out_dir=$OUT" run.log_every=20 run.checkpoint_every=0)

latest() { ls -d "$OUT/$1"-2* | tail -1; }

if ! ls -d "$OUT"/sft-2* > /dev/null 2>&1; then
  "$RLAB" sft "${common[@]}" "data.train=task:$TASK" "optim.steps=$SFT_STEPS" \
    data.task_train_examples=$((SFT_STEPS * 32)) data.max_length=32 eval_every=0 run.name=sft
fi
SFT=$(latest sft)/model

if [[ " $METHODS " == *" gpo "* ]] && ! ls -d "$OUT"/gpm-2* > /dev/null 2>&1; then
  "$RLAB" train-rm "${common[@]}" "model=$SFT" "data.train=task:$TASK" objective=gpm \
    data.task_train_pairs=4000 data.task_eval_pairs=500 data.max_length=32 optim.steps=300 \
    run.name=gpm
fi

declare -A runs
for method in $METHODS; do
  for seed in $SEEDS; do
    name="$method-s$seed"
    if ! ls -d "$OUT/$name"-2*/summary.json > /dev/null 2>&1; then
      # A method this build cannot run (an error line says why) is left out of the tables.
      if [[ $method == dpo ]]; then
        "$RLAB" dpo "${common[@]}" --model "$SFT" --data "task:$TASK" --steps "$STEPS" \
          --seed "$seed" "beta=$DPO_BETA" "data.task_train_pairs=$DPO_PAIRS" \
          data.task_eval_pairs=0 "data.task_eval_prompts=$EVAL_PROMPTS" data.max_length=32 \
          optim.batch_size=16 "optim.learning_rate=$LR" eval_every=0 "run.name=$name" || true
      else
        judge=gold
        [[ $method == gpo ]] && judge="model(path=$(latest gpm)/reward_model)"
        "$RLAB" online-po "${common[@]}" --model "$SFT" --data "task:$TASK" \
          --objective "$method" --judge "$judge" --steps "$STEPS" --seed "$seed" \
          group_size=4 prompts_per_step=8 "optim.learning_rate=$LR" \
          "eval_prompts=$EVAL_PROMPTS" eval_every=0 "run.name=$name" || true
      fi
    fi
    done_run=$(ls -d "$OUT/$name"-2*/summary.json 2> /dev/null | tail -1 || true)
    [[ -n $done_run ]] && runs[$method]+="${runs[$method]:+,}$(dirname "$done_run")"
  done
done

args=()
for method in $METHODS; do
  [[ -n ${runs[$method]:-} ]] && args+=("$method=${runs[$method]}")
done
"$TABLE" "$TASK" "${args[@]}" | tee "$OUT/table.md"
