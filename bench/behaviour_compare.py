#!/usr/bin/env python3
"""Compares two outputs of bench/behaviour_runs.sh line by line.

Every metrics.jsonl line and every summary.json value must be equal, except fields that measure
time or throughput (they differ between any two runs) and paths of the run directory.
Exit status 0 when everything compared matches, 1 otherwise; each difference is printed.
Examples absent from AFTER are skipped (a subset run with ONLY=...) unless --require-all.
    python3 bench/behaviour_compare.py BEFORE AFTER [--require-all]
"""
import json
import pathlib
import re
import sys

# Fields that measure the machine, not the run's behaviour (provenance: the build, command
# line and host that made the run).
VOLATILE = re.compile(r"(^time_|_seconds?$|per_second|_share$|^wall|_dir$|^seconds_per|^provenance$)")


def stable(record):
    if isinstance(record, dict):
        return {k: stable(v) for k, v in record.items() if not VOLATILE.search(k)}
    return record


def compare(before, after, require_all):
    problems = []
    for example in sorted(p.name for p in before.iterdir() if p.is_dir() and not p.name.endswith(".runs")):
        a_dir, b_dir = before / example, after / example
        if not b_dir.is_dir():
            if require_all:
                problems.append(f"{example}: missing in {after}")
            else:
                print(f"{example}: not run in {after}")
            continue
        a_lines = (a_dir / "metrics.jsonl").read_text().splitlines()
        b_lines = (b_dir / "metrics.jsonl").read_text().splitlines()
        if len(a_lines) != len(b_lines):
            problems.append(f"{example}: metrics.jsonl has {len(a_lines)} lines before, {len(b_lines)} after")
        for i, (a, b) in enumerate(zip(a_lines, b_lines), 1):
            ja, jb = stable(json.loads(a)), stable(json.loads(b))
            if ja != jb:
                keys = sorted(k for k in set(ja) | set(jb) if ja.get(k) != jb.get(k))
                problems.append(f"{example}: metrics.jsonl line {i} differs in {keys}: "
                                f"{[ja.get(k) for k in keys]} -> {[jb.get(k) for k in keys]}")
        sa = stable(json.loads((a_dir / "summary.json").read_text()))
        sb = stable(json.loads((b_dir / "summary.json").read_text()))
        if sa != sb:
            keys = sorted(k for k in set(sa) | set(sb) if sa.get(k) != sb.get(k))
            problems.append(f"{example}: summary.json differs in {keys}")
        else:
            print(f"{example}: identical ({len(a_lines)} metric lines)")
    return problems


def main():
    args = [a for a in sys.argv[1:] if a != "--require-all"]
    if len(args) != 2:
        sys.exit(__doc__)
    problems = compare(pathlib.Path(args[0]), pathlib.Path(args[1]), "--require-all" in sys.argv)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
