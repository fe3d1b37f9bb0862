#!/usr/bin/env bash
# The reward-theory studies' table (docs/results.md, "Rewards beyond a single scalar"): every
# registered study (`rlab study --list`) over the seeds given, each figure as mean ± std, with
# the property the study checks and its wall time. Each study's JSON summary is kept in
# BUILD_DIR/bench-runs/studies/.
# Usage: bench/study_results.sh BUILD_DIR "SEEDS" [study ...]
#   bench/study_results.sh build "1 2 3"          (every study; about 3 minutes, one thread)
#   bench/study_results.sh build "1 2 3" rover    (one study)
set -euo pipefail
build="${1:-build}"
seeds="${2:-1 2 3}"
shift $(( $# < 2 ? $# : 2 ))
cd "$(dirname "$0")/.."
# One thread, as docs/results.md reports: the studies that train networks (the cube, the GAIL
# discriminator) sum in a different order on more threads, and their figures move.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
out="$build/bench-runs/studies"
mkdir -p "$out"
studies=("$@")
if [ ${#studies[@]} -eq 0 ]; then
  mapfile -t studies < <("$build/rlab" study --list | sed -n 's/^  \([a-z0-9_]\+\) .*/\1/p')
fi
echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(date -u +%F); seeds: $seeds; threads: $OMP_NUM_THREADS"
echo
summaries=()
for study in "${studies[@]}"; do
  "$build/rlab" study "$study" --seeds "${seeds// /,}" --out "$out/$study.json" >/dev/null
  summaries+=("$out/$study.json")
done
/usr/bin/python3 bench/study_table.py "${summaries[@]}"
