#!/usr/bin/env python3
"""Writes the table of bench/process_reward_hacking.sh from its OUT folder: per credit scheme
and seed, the gold final exact match on held-out prompts (greedy) at the start and the end,
the gold exact match of the training samples and the share of degenerate completions
(process_degenerate) and steps per completion over training (first and last logged step),
and the run's seconds; then the mean over seeds per scheme."""
import glob
import json
import os
import sys


def read_run(prefix):
    with open(prefix + ".summary.json") as f:
        summary = json.load(f)
    train = []
    with open(prefix + ".metrics.jsonl") as f:
        for line in f:
            row = json.loads(line)
            if "gold_exact_match" in row:
                train.append(row)
    with open(prefix + ".seconds") as f:
        seconds = float(f.read())
    first, last = train[0], train[-1]
    return {
        "em_start": summary["exact_match_start"],
        "em_end": summary["exact_match"],
        "train_em_first": first["gold_exact_match"],
        "train_em_last": last["gold_exact_match"],
        "degenerate_first": first.get("process_degenerate", float("nan")),
        "degenerate_last": last.get("process_degenerate", float("nan")),
        "steps_first": first.get("process_steps", float("nan")),
        "steps_last": last.get("process_steps", float("nan")),
        "proxy_last": last.get("process_reward", float("nan")),
        "seconds": seconds,
    }


def row(name, seed, r):
    return (f"| {name} | {seed} | {r['em_start']:.3f} -> {r['em_end']:.3f} | "
            f"{r['train_em_first']:.3f} -> {r['train_em_last']:.3f} | "
            f"{r['degenerate_first']:.3f} -> {r['degenerate_last']:.3f} | "
            f"{r['steps_first']:.2f} -> {r['steps_last']:.2f} | {r['proxy_last']:.3f} | "
            f"{r['seconds']:.0f} |")


def main(out):
    order = ["sum", "pure", "clip", "delta", "g_ra", "grpo", "pure_outcome"]
    runs = {}
    for path in sorted(glob.glob(os.path.join(out, "*.seed*.summary.json"))):
        prefix = path[: -len(".summary.json")]
        name, seed = os.path.basename(prefix).rsplit(".seed", 1)
        runs.setdefault(name, {})[int(seed)] = read_run(prefix)
    print("| credit | seed | held-out gold EM start -> end | train gold EM first -> last | "
          "degenerate first -> last | steps/completion first -> last | proxy step reward "
          "(last) | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for name in order + sorted(set(runs) - set(order)):
        for seed, r in sorted(runs.get(name, {}).items()):
            print(row(name, seed, r))
    print()
    print("| credit | seeds | held-out gold EM end (mean) | degenerate last (mean) | "
          "steps/completion last (mean) |")
    print("|---|---|---|---|---|")
    for name in order + sorted(set(runs) - set(order)):
        rs = list(runs.get(name, {}).values())
        if not rs:
            continue
        mean = lambda k: sum(r[k] for r in rs) / len(rs)
        print(f"| {name} | {len(rs)} | {mean('em_end'):.3f} | {mean('degenerate_last'):.3f} | "
              f"{mean('steps_last'):.2f} |")


if __name__ == "__main__":
    main(sys.argv[1])
