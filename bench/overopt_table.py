"""The overoptimisation lab's results table from the summary.json of several lab runs (one per
seed): every cell is the mean ± std over the runs. Rows follow the order of the defences in the
lab's configuration, then best-of-N with each proxy.
Usage: python3 bench/overopt_table.py RUN/summary.json [RUN/summary.json ...]
"""
import json
import statistics
import sys

ORDER = ["single", "mean", "wco", "uwo", "par", "log_sigmoid", "kl", "constrained", "dpo", "rpo"]


def cell(values, fmt="{:.2f}"):
    v = [x for x in values if x is not None]
    if not v:
        return "n/a"
    if len(v) == 1:
        return fmt.format(v[0])
    return (fmt + " ± " + fmt).format(statistics.mean(v), statistics.stdev(v))


def rows(runs, section, names, label):
    for name in names:
        got = [r[section][name] for r in runs if name in r[section]]
        col = lambda key, fmt="{:.2f}": cell([g.get(key) for g in got], fmt)
        proxy = "n/a" if "proxy_start" not in got[0] else f"{col('proxy_start')} → {col('proxy_final')}"
        print(f"| {label(name, got[0])} | {col('gold_start')} | {col('gold_peak')} | "
              f"{col('kl_at_peak', '{:.1f}')} | {col('gold_final')} | {col('kl_final', '{:.1f}')} | "
              f"{col('gold_drop')} | {proxy} | {col('fit_alpha')} / {col('fit_beta')} |")


def main(files):
    runs = [json.load(open(f)) for f in files]
    members = len(runs[0]["proxy_member_accuracy"])
    print("Proxy ensemble held-out accuracy (gold labels): "
          f"{cell([r['proxy_accuracy'] for r in runs], '{:.3f}')}; members "
          + ", ".join(cell([r["proxy_member_accuracy"][k] for r in runs], "{:.3f}")
                      for k in range(members)))
    print()
    print("| defence | gold at start | gold at peak | KL at peak | gold at end | KL at end "
          "| drop (peak − end) | proxy start → end | fit α / β |")
    print("|---|---|---|---|---|---|---|---|---|")
    defences = sorted(runs[0]["defences"], key=lambda n: ORDER.index(n) if n in ORDER else 99)
    rows(runs, "defences", defences, lambda n, g: f"{g['defence']} ({g['method']})")
    rows(runs, "best_of_n", list(runs[0]["best_of_n"]), lambda n, g: f"best-of-N, proxy {n}")


if __name__ == "__main__":
    main(sys.argv[1:])
