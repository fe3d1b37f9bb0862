#!/usr/bin/env bash
# Every preference-optimisation loss on the transitive keywords task (docs/results.md): each
# loss trains `examples/dpo_synthetic.yaml` from one shared SFT model (also the reference) over
# the seeds given, and one markdown row per loss reports the mean ± std over seeds of the gold
# win rate against the SFT model's samples, the KL to it and the mean gold reward, and the wall
# time of one run. One seed's win rate on the example's 200 held-out prompts has a standard
# error near 3 points (sqrt(p (1 - p) / 200)), so differences below about 5 points between two
# losses are not resolved by three seeds.
# Usage: bench/dpo_losses.sh [BUILD_DIR] [LOSS_SPEC ...]
#   bench/dpo_losses.sh build                            # every loss the registry lists
#   bench/dpo_losses.sh build sigmoid "rpo(alpha=1)" ipo # these specs
#   SEEDS="1 2" SETTINGS="optim.steps=100 data.task_train_pairs=1600" bench/dpo_losses.sh build
# Environment: SEEDS (default "1 2 3"); SETTINGS, further overrides of the example for every
# run (a shortened setting); SFT_MODEL, a finished SFT model directory to start from (default:
# the example's own SFT stage, trained once with seed 1 and reused); OUT, where runs go
# (default BUILD_DIR/bench-runs/dpo-losses). Runs use one libtorch and one OpenBLAS thread.
# At the example's full size one run takes about 2 minutes on the 2-core reference machine
# (DPO only, from the shared SFT model); 100 steps on 1,600 pairs about 30 to 60 s.
set -euo pipefail
build="${1:-build}"
shift $(( $# < 1 ? $# : 1 ))
cd "$(dirname "$0")/.."
rlab="$build/rlab"
seeds="${SEEDS:-1 2 3}"
read -r -a settings <<<"${SETTINGS:-}"
out="${OUT:-$build/bench-runs/dpo-losses}"
mkdir -p "$out"
common=(run.out_dir="$out" run.threads=1 run.blas_threads=1 eval_every=0 "${settings[@]}")

losses=("$@")
if [ ${#losses[@]} -eq 0 ]; then
  # The registry's names, from the message that refuses an unknown one ("valid names: a, b,
  # c (combinable), or one of d, e alone").
  message=$("$rlab" dpo 'loss_type=[no_such_loss]' 2>&1 || true)
  names=$(sed -n 's/.*valid names: //p' <<<"$message" |
          sed -e 's/(combinable)//; s/, or one of / /; s/ alone$//; s/,/ /g')
  [ -n "$names" ] || { echo "cannot read the loss names from: $message" >&2; exit 1; }
  read -r -a losses <<<"$names"
fi

if [ -z "${SFT_MODEL:-}" ]; then
  # The example's SFT stage, trained inside a one-step DPO run on a few pairs and reused.
  stage_run="$out/sft-stage"
  if ! ls -d "$stage_run"/*/sft-*/model >/dev/null 2>&1; then
    "$rlab" run examples/dpo_synthetic.yaml "${common[@]}" run.out_dir="$stage_run" \
      run.seed=1 optim.steps=1 data.task_train_pairs=16 data.task_eval_prompts=0 \
      data.task_eval_pairs=0 run.name=sft-stage 2>"$out/sft-stage.log" >/dev/null
  fi
  SFT_MODEL=$(ls -d "$stage_run"/*/sft-*/model | head -n 1)
fi

echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(date -u +%F)"
echo "command: rlab run examples/dpo_synthetic.yaml ${common[*]} model=$SFT_MODEL sft.steps=0" \
     "loss_type=[SPEC] run.seed=S; seeds $seeds"
echo
echo "| loss | gold win rate vs SFT | KL | gold reward (SFT) | s per run |"
echo "|---|---|---|---|---|"
for loss in "${losses[@]}"; do
  name=$(tr -c 'A-Za-z0-9_=.\n' '_' <<<"$loss")
  summaries=()
  seconds=0
  for seed in $seeds; do
    start=$(date +%s)
    log="$out/$name-s$seed.log"
    if dir=$("$rlab" run examples/dpo_synthetic.yaml "${common[@]}" model="$SFT_MODEL" \
               sft.steps=0 "loss_type=[\"$loss\"]" run.seed="$seed" run.name="$name-s$seed" \
               2>"$log" | tail -n 1) && [ -f "$dir/summary.json" ]; then
      summaries+=("$dir/summary.json")
    else
      echo "| $loss | failed (seed $seed): $(grep -m1 'rlab: error' "$log" || tail -n 1 "$log") | | | |"
      continue 2
    fi
    seconds=$(( seconds + $(date +%s) - start ))
  done
  python3 - "$loss" "$seconds" "${summaries[@]}" <<'PY'
import json, statistics, sys
loss, seconds, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
runs = [json.load(open(p)) for p in paths]
def cell(key, digits):
    values = [r[key] for r in runs]
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.{digits}f} ± {spread:.{digits}f}"
each = ", ".join(f"{r['gold_win_rate']:.3f}" for r in runs)
print(f"| `{loss}` | {cell('gold_win_rate', 3)} ({each}) | {cell('kl', 2)} | "
      f"{cell('gold_reward', 2)} ({cell('gold_reward_reference', 2)}) | "
      f"{seconds / len(runs):.0f} |")
PY
done
