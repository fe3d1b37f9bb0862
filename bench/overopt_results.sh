#!/usr/bin/env bash
# The overoptimisation lab's results table (docs/results.md, "Overoptimisation lab"): gold
# reward at its peak and at the end of optimisation against the proxy, and the KL to the SFT
# policy at each, for every defence, as mean ± std over the seeds given; then best-of-N with
# each proxy, and the fitted coefficients of Gao et al.'s forms (bench/overopt_table.py). The
# plots of the last seed (gold and proxy against sqrt KL) are copied to docs/overopt/.
# Usage: bench/overopt_results.sh BUILD_DIR "SEEDS" [section.key=value ...]
#   bench/overopt_results.sh build "1 2 3"
# (one seed with every defence takes about 40 minutes on 2 cores).
set -euo pipefail
build="${1:-build}"
seeds="${2:-1}"
shift $(( $# < 2 ? $# : 2 ))
cd "$(dirname "$0")/.."
out="$build/bench-runs/overopt"
mkdir -p "$out"
defences="single,mean,wco,uwo,par,log_sigmoid,kl,dpo,rpo"
echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(date -u +%F); seeds: $seeds"
echo "command: rlab overopt examples/overopt.yaml --defences \"$defences\" --seed S $*"
echo
results=()
for seed in $seeds; do
  dir="$("$build/rlab" overopt examples/overopt.yaml --defences "$defences" --seed "$seed" \
        run.out_dir="$out" run.name="overopt-$seed" "$@" 2>/dev/null | tail -n 1)"
  results+=("$dir/summary.json")
done
mkdir -p docs/overopt
last="$(dirname "${results[-1]}")"
cp "$last/gold_vs_kl.svg" "$last/proxy_vs_kl.svg" docs/overopt/
/usr/bin/python3 bench/overopt_table.py "${results[@]}"
