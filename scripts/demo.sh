#!/usr/bin/env bash
# Runs the quickstart pipeline and says where its results are.
set -euo pipefail
build_dir="${1:-build}"
"$build_dir/rlab" doctor --threads 1 | sed -n '1,6p'
echo
run_dir="$("$build_dir/rlab" run examples/quickstart.yaml | tail -n 1)"
echo
echo "quickstart finished. Results are in: $run_dir"
echo "  summary:  $run_dir/summary.json"
echo "  metrics:  $run_dir/metrics.jsonl"
[ -f "$run_dir/report.html" ] && echo "  report:   $run_dir/report.html"
echo
cat "$run_dir/summary.json"
echo
/usr/bin/env python3 - "$run_dir/summary.json" <<'PY' 2>/dev/null || true
import json, sys
s = json.load(open(sys.argv[1]))
print(f"normalised gold return: {s['normalized_return']:.2f} "
      f"(gold return {s['gold_return']:.1f} from {s['labels_asked']} labels)")
PY
