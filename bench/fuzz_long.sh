#!/usr/bin/env bash
# The parser fuzzers with 100 times their unit-test budget (about 25 minutes on 2 cores,
# against about 15 s in `make test`): the same deterministic mutants, more of them
# (RLAB_FUZZ_SCALE multiplies each fuzzer's count; see tests/fuzz_support.h).
#   bash bench/fuzz_long.sh [BUILD] [SCALE]      # defaults: build, 100
# A failing input is saved under BUILD/test-scratch/fuzz-failures/ and named in the output.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
scale=${2:-100}
status=0
for bundle in core text models feedback; do
  exe="$build/tests/test_${bundle}_unit"
  [[ -x $exe ]] || { echo "missing $exe: build it first" >&2; exit 2; }
  echo "== $bundle (RLAB_FUZZ_SCALE=$scale)"
  start=$(date +%s)
  RLAB_FUZZ_SCALE=$scale "$exe" --gtest_filter='*Fuzz*' --gtest_brief=1 || status=1
  echo "   $(( $(date +%s) - start )) s"
done
exit $status
