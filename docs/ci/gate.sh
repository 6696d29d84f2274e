#!/bin/sh
# docs/ci/gate.sh — the CI gate: run the committed baseline experiment
# (experiments/ci/baseline.json, ten replications) with the base branch's
# build and with the change's, and compare them.
# usage: docs/ci/gate.sh BASE_CLUSTERSIM NEW_CLUSTERSIM [OUT_DIR]
# OUT_DIR (default ci-gate) gets base/ and new/ (the results), compare.md
# (a pull-request comment), compare.xml (JUnit, one testcase per metric)
# and compare.json.  The exit status is compare's: 0 no regression, 1 a
# regression, 2 bad input.  The base build's compare judges, so a change
# cannot loosen the gate that judges it.
set -eu
base=$1 new=$2 out=${3:-ci-gate}
here=$(cd "$(dirname "$0")/../.." && pwd)
exp=$here/experiments/ci/baseline.json
tol=$here/docs/ci/tolerances.txt
mkdir -p "$out"
rm -rf "$out/base" "$out/new"
"$base" run "$exp" -o "$out/base" -q -j 2
"$new" run "$exp" -o "$out/new" -q -j 2
rc=0
"$base" compare "$out/base" "$out/new" --tolerances "$tol" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
"$base" compare "$out/base" "$out/new" --tolerances "$tol" --format markdown -o "$out/compare.md" || :
"$base" compare "$out/base" "$out/new" --tolerances "$tol" --format junit -o "$out/compare.xml" || :
"$base" compare "$out/base" "$out/new" --tolerances "$tol" --format json -o "$out/compare.json" || :
exit "$rc"
