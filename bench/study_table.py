"""Markdown rows for docs/results.md from `rlab study --out` summaries: one row per study with
its property and every figure as mean ± std over its seeds, and its wall time.

Usage: study_table.py SUMMARY.json...
"""
import json
import sys


def figure_text(name, figure):
    if len(figure["values"]) > 1:
        return f"{name} {figure['mean']:.4g} ± {figure['std']:.2g}"
    return f"{name} {figure['mean']:.4g}"


def cell(text):
    """A table cell: a pipe in the text (|Q - Q*|) would end the cell."""
    return text.replace("|", "\\|")


def main(paths):
    print("| study | property checked | figures (mean ± std over seeds) | seeds | wall |")
    print("|---|---|---|---|---|")
    for path in paths:
        with open(path) as f:
            s = json.load(f)
        figures = "; ".join(figure_text(n, s["figures"][n]) for n in s["order"])
        seeds = ",".join(str(x) for x in s["seeds"])
        print(f"| `{s['study']}` | {cell(s['property'])} | {cell(figures)} | {seeds} "
              f"| {s['seconds']:.0f} s |")


if __name__ == "__main__":
    main(sys.argv[1:])
