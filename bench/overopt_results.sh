#!/usr/bin/env bash
# The overoptimisation lab's results table (docs/results.md, "Overoptimisation lab"): gold
# reward at its peak and at the end of optimisation against the proxy, and the KL to the SFT
# policy at each, for every defence, as mean ± std over the seeds given; then best-of-N with
# each proxy, and the fitted coefficients of Gao et al.'s forms. The plots of the first seed
# (gold and proxy against KL) are copied to docs/overopt/.
# Usage: bench/overopt_results.sh BUILD_DIR "SEEDS" [section.key=value ...]
#   bench/overopt_results.sh build "1 2 3"
# (one seed with every defence takes about 40 minutes on 2 cores).
set -euo pipefail
build="${1:-build}"
seeds="${2:-1}"
shift 2 || true
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
first="$(dirname "${results[0]}")"
cp "$first/gold_vs_kl.svg" "$first/proxy_vs_kl.svg" docs/overopt/
/usr/bin/python3 - "${results[@]}" <<'PY'
import json, statistics, sys
runs = [json.load(open(f)) for f in sys.argv[1:]]
def cell(values, fmt="{:.2f}"):
    v = [x for x in values if x is not None]
    if not v: return "n/a"
    if len(v) == 1: return fmt.format(v[0])
    return (fmt + " ± " + fmt).format(statistics.mean(v), statistics.stdev(v))
def rows(section, names, label):
    for name in names:
        got = [r[section][name] for r in runs if name in r[section]]
        col = lambda key, fmt="{:.2f}": cell([g.get(key) for g in got], fmt)
        print(f"| {label(name, got[0])} | {col('gold_start')} | {col('gold_peak')} | "
              f"{col('kl_at_peak', '{:.1f}')} | {col('gold_final')} | {col('kl_final', '{:.1f}')} | "
              f"{col('gold_drop')} | {col('proxy_start')} → {col('proxy_final')} | "
              f"{col('fit_alpha')} / {col('fit_beta')} |")
print(f"Proxy ensemble held-out accuracy (gold labels): "
      f"{cell([r['proxy_accuracy'] for r in runs], '{:.3f}')}; members "
      + ", ".join(cell([r['proxy_member_accuracy'][k] for r in runs], '{:.3f}')
                  for k in range(len(runs[0]['proxy_member_accuracy']))))
print()
print("| defence | gold at start | gold at peak | KL at peak | gold at end | KL at end | drop (peak − end) | proxy start → end | fit α / β |")
print("|---|---|---|---|---|---|---|---|---|")
rows("defences", list(runs[0]["defences"]), lambda n, g: f"{g['defence']} ({g['method']})")
rows("best_of_n", list(runs[0]["best_of_n"]), lambda n, g: f"best-of-N, proxy {n}")
PY
