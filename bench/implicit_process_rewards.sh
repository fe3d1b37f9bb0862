#!/usr/bin/env bash
# Implicit process rewards and outcome-derived step credit on the chain task (task:chain),
# against outcome-only GRPO from the same SFT model: PRIME's online implicit PRM
# (process_reward=prime, summed credit), OPRL's implicit PRM trained by trajectory-level DPO
# (process_reward=oprl(per=step)), SPA's progress attribution over PRIME's step scores
# (credit=spa) and SALT's trajectory graph (credit=salt; its step ends come from the oprl source,
# whose values it does not read). Every run keeps the outcome reward (task exact match) at full
# weight. For each run it writes the held-out gold exact match (greedy) at every evaluation, the
# run's seconds and the process sources' own figures (prime/accuracy, oprl/pair_accuracy) to
# OUT/table.md.
#   bash bench/implicit_process_rewards.sh BUILD/rlab OUT [SEEDS] [RL_STEPS]
# Defaults: seed 1, 40 RL steps (evaluations every 10). The SFT model (700 steps on a
# demonstrator that misses a step one time in five) is partly right: 28.5% greedy exact match,
# seed 1. Expected time on 2 shared cores: SFT ~2.5 min, then ~1.5 min per GRPO run and ~2.5
# min for a run whose source learns (PRIME, OPRL), three runs at a time; threads are 1 x 1.
set -euo pipefail
rlab=${1:?usage: implicit_process_rewards.sh RLAB OUT [SEEDS] [RL_STEPS]}
out=${2:?usage: implicit_process_rewards.sh RLAB OUT [SEEDS] [RL_STEPS]}
seeds=${3:-1}
rl_steps=${4:-40}
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/bench/chain_rl_run.sh"
mkdir -p "$out"
task=${TASK:-task:chain(steps=3, digits=1, ops=+-, demo_step_error_percent=20)}
threads=(run.threads=1 run.blas_threads=1)

sft_dir="$out/sft"
if [ ! -d "$sft_dir/model" ]; then
  run_dir=$("$rlab" run "$here/examples/sft_arithmetic.yaml" "data.train=$task" \
      optim.steps="${SFT_STEPS:-700}" data.max_length=48 eval_every=0 \
      run.out_dir="$out/sft.runs" "${threads[@]}" 2>"$out/sft.log" | tail -n 1)
  rm -rf "$sft_dir" && mkdir -p "$sft_dir" && cp -r "$run_dir/model" "$sft_dir/model"
fi

# name | process_reward | credit
runs=("grpo||sum" "prime|prime(beta=0.05, lr=1e-4)|sum" "prime_fast|prime(beta=0.5, lr=1e-3)|sum"
      "oprl|oprl(beta=0.05, lr=1e-4, per=step)|sum" "spa|prime(beta=0.05, lr=1e-4, per=step)|spa"
      "salt|oprl(per=step)|salt")
for seed in $seeds; do
  for entry in "${runs[@]}"; do
    IFS='|' read -r name process credit <<<"$entry"
    [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]] && continue
    chain_rl_run "$rlab" "$sft_dir/model" "$task" "$out/$name.seed$seed" \
        "process_reward=$process" "credit=$credit" optim.steps="$rl_steps" eval_every=10 \
        run.seed="$seed"
  done
done
python3 - "$out" > "$out/table.md" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
print("| run | seed | held-out gold EM at each evaluation (step: EM) | final EM | source's last "
      "figure | seconds |")
print("|---|---|---|---|---|---|")
for path in sorted(glob.glob(os.path.join(out, "*.seed*.summary.json"))):
    prefix = path[: -len(".summary.json")]
    name, seed = os.path.basename(prefix).rsplit(".seed", 1)
    evals, figure = [], ""
    with open(prefix + ".metrics.jsonl") as f:
        for line in f:
            row = json.loads(line)
            if "eval_exact_match" in row:
                evals.append(f"{row['step']}: {row['eval_exact_match']:.3f}")
            for key in ("prime/accuracy", "oprl/pair_accuracy"):
                if key in row:
                    figure = f"{key} {row[key]:.2f}"
    summary = json.load(open(path))
    seconds = open(prefix + ".seconds").read().strip()
    print(f"| {name} | {seed} | {', '.join(evals)} | {summary['exact_match']:.3f} | {figure} | "
          f"{seconds} |")
PY
cat "$out/table.md"
