#!/bin/sh
# bench/slurm.sh — sweeps through Slurm (issue 15, item 6), printed with
# their targets; nothing here fails on time.
#  1. the Omega-paper sweep (experiments/bench/omega-sweep.json, 28
#     points) with 10 replications, 280 runs: wall time with a local
#     `sweep -j 2`, and through a single-node Slurm of 2 cpus started here
#     (tests/integration/slurm_lib.sh, in a network namespace of its own)
#     with `--slurm --wait --runs-per-task auto`, submission to
#     sweep.csv; target: Slurm within 1.3x of local.  The two sweep.csv
#     must be the same bytes.
#  2. compare of the two sweeps (28 aggregates of 10 replications each,
#     280 results): its wall time, target under 1 s.
# usage: bench/slurm.sh CLUSTERSIM
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
name=slurm-bench
. "$here/../tests/integration/slurm_lib.sh"
slurm_enter_netns "$0" "$@"
work=$(mktemp -d /tmp/clustersim-bench-slurm-XXXXXX)
pattern="$work"
. "$here/../tests/integration/live_lib.sh"
exp=$here/../experiments/bench/omega-sweep.json
now() { date +%s.%N; }
if ! slurm_start "$work" 2; then
	echo "slurm sweep            the single-node Slurm did not start  MISSED"
	exit 0
fi
t0=$(now)
"$bin" sweep "$exp" -o "$work/local" -j 2 -q --replications 10
t1=$(now)
"$bin" sweep "$exp" -o "$work/slurm" --slurm --wait --runs-per-task auto --replications 10 -q
t2=$(now)
same=different
cmp -s "$work/local/sweep.csv" "$work/slurm/sweep.csv" && same=identical
t3=$(now)
"$bin" compare "$work/local" "$work/slurm" > "$work/compare.txt"
rc=$?
t4=$(now)
python3 - "$t0" "$t1" "$t2" "$t3" "$t4" "$same" "$rc" "$work/compare.txt" <<'PY'
import sys
t0, t1, t2, t3, t4 = map(float, sys.argv[1:6])
same, rc, cmp = sys.argv[6], int(sys.argv[7]), open(sys.argv[8]).read().strip().splitlines()
local, slurm, comp = t1 - t0, t2 - t1, t4 - t3
print("slurm sweep            280 runs (28 points x 10 replications): local -j 2 %.2f s, Slurm (2 cpus, auto: 2 tasks) "
      "%.2f s = %.2fx (target <= 1.3x); sweep.csv %s  %s"
      % (local, slurm, slurm / local, same, "ok" if slurm <= 1.3 * local and same == "identical" else "MISSED"))
print("slurm compare          the two sweeps, 280 results: %.3f s, exit %d (%s) (target < 1 s)  %s"
      % (comp, rc, cmp[-1] if cmp else "", "ok" if comp < 1 and rc == 0 else "MISSED"))
PY
