# Sourced by the chain-task benchmarks (process_reward_hacking.sh, implicit_process_rewards.sh):
# one `rlab run` of examples/grpo_arithmetic.yaml on the chain task from a given SFT model, its
# time and its metrics and summary copied beside DEST.
#   chain_rl_run RLAB SFT_MODEL TASK DEST OVERRIDE...
# writes DEST.log, DEST.seconds, DEST.metrics.jsonl, DEST.summary.json (runs under DEST.runs).
chain_rl_run() {
  local rlab=$1 model=$2 task=$3 dest=$4
  shift 4
  local here start run_dir
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  rm -rf "$dest.runs"
  start=$(date +%s)
  run_dir=$("$rlab" run "$here/examples/grpo_arithmetic.yaml" model="$model" "data=$task" \
      sft.steps=0 optim.batch_size=16 group_size=8 eval_prompts=200 run.log_every=5 \
      run.checkpoint_every=1000 run.threads=1 run.blas_threads=1 run.out_dir="$dest.runs" \
      "$@" 2>"$dest.log" | tail -n 1)
  echo $(( $(date +%s) - start )) > "$dest.seconds"
  cp "$run_dir/metrics.jsonl" "$dest.metrics.jsonl"
  cp "$run_dir/summary.json" "$dest.summary.json"
  echo "$(basename "$dest"): $(cat "$dest.seconds") s"
}
