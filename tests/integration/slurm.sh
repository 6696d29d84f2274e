#!/bin/sh
# tests/integration/slurm.sh — `sweep --slurm` against a real single-node
# Slurm (Debian's slurm-wlm 22.05 and munge), started here from a
# slurm.conf generated in a temporary directory and stopped by PID
# (issue 15, item 3).  The checks: --dry-run prints the array script and
# writes nothing; a sweep whose second point fails (its trace file is
# missing) is submitted and waited for, and --collect names the failed
# array tasks with their Slurm state; with the file in place --resume
# submits only that point's tasks, and the merged sweep.csv is byte for
# byte the one a local `sweep -j 2` writes; --emit-commands prints one
# command per run; --runs-per-task packs several runs into one task;
# nothing is left running.
#
# Network: the whole test runs in a network namespace of its own with
# only loopback (slurm_lib.sh says why and how).
# Processes: every PID is recorded (live_lib.sh): a trap and a watchdog
# kill them on every path, also when this script is killed.
# usage: tests/integration/slurm.sh CLUSTERSIM
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
name=slurm
. "$here/slurm_lib.sh"
slurm_enter_netns "$0" "$@"
work=$(mktemp -d /tmp/clustersim-slurm-XXXXXX)
pattern="$work"
. "$here/live_lib.sh"
slurm_start "$work" 2
check $? "munged, slurmctld and slurmd start; node1 is idle" "$(sinfo 2>&1 | tail -2)"

# ---- the sweep: two points of two replications, the second one's trace missing ----
mkdir -p "$work/exp"
cd "$work/exp"
printf '; MaxProcs: 4\n1 0 0 10 1 -1 -1 1 20 -1 1 1 1 -1 1 -1 -1 -1\n2 5 0 30 2 -1 -1 2 40 -1 1 1 1 -1 1 -1 -1 -1\n3 6 0 20 4 -1 -1 4 40 -1 1 1 1 -1 1 -1 -1 -1\n' > a.swf
cat > exp.json <<'EOF'
{"name": "slurm-test", "vars": {"tf": "a.swf"}, "replications": 2,
 "workloads": [{"name": "t", "trace": {"format": "swf", "path": "$tf"}}],
 "scheduler": {"type": "monolithic", "queue": "easy"},
 "sweep": {"vars.tf": ["a.swf", "b.swf"]}}
EOF

"$bin" sweep exp.json -o "$work/D" --slurm --dry-run --partition debug --time 5 --throttle 2 > "$work/dry.txt" 2>&1
rc=$?
grep -q '^#SBATCH --array=0-3%2$' "$work/dry.txt" && grep -q '^#SBATCH --partition=debug$' "$work/dry.txt" &&
	grep -q '^#SBATCH --time=5$' "$work/dry.txt" && grep -q '^runs="$SLURM_ARRAY_TASK_ID"$' "$work/dry.txt" && grep -q -- '--unit "$runs"$' "$work/dry.txt" &&
	[ $rc -eq 0 ] && [ ! -e "$work/D" ]
check $? "--dry-run prints the array script (4 tasks, throttle, partition, time) and writes nothing" "$(cat "$work/dry.txt")"

"$bin" sweep exp.json -o "$work/S" --slurm --wait -q 2> "$work/submit1.err"
rc=$?
[ $rc -eq 2 ] && grep -q 'point b.swf replication 1/2: Slurm array task [0-9]*_2 FAILED' "$work/submit1.err" &&
	grep -q '^a.swf,a.swf,ok,' "$work/S/sweep.csv" && grep -q '^b.swf,b.swf,failed,' "$work/S/sweep.csv"
check $? "a failing point: exit 2, its array tasks named with their Slurm state, sweep.csv says which" \
	"exit $rc; $(cat "$work/submit1.err")"
ls "$work/S/slurm/"*_2.out > /dev/null 2>&1 && grep -q 'cannot open "b.swf"' "$work/S/slurm/"*_2.out
check $? "the failed task's log has the run's error"

cp a.swf b.swf
"$bin" sweep exp.json -o "$work/S" --slurm --wait --resume -q 2> "$work/submit2.err"
rc=$?
units=$(python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(len(j["jobs"]), sorted(j["jobs"][-1]["tasks"]))' \
	"$work/S/slurm/jobs.json" 2>&1)
[ $rc -eq 0 ] && [ "$units" = "2 ['2', '3']" ]
check $? "--resume submits only the failed point's two tasks, and they complete" "exit $rc, jobs: $units; $(cat "$work/submit2.err")"

"$bin" sweep exp.json -o "$work/L" -j 2 -q
cmp -s "$work/L/sweep.csv" "$work/S/sweep.csv"
check $? "sweep.csv from the array is byte for byte the one of a local -j 2 sweep"
cmp -s "$work/L/points/b.swf/summary.json" "$work/S/points/b.swf/summary.json"
check $? "and so are the points' aggregates"

"$bin" sweep exp.json -o "$work/R" --slurm --wait --runs-per-task 3 -q 2> "$work/submit3.err"
rc=$?
tasks=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["jobs"][0]["tasks"])' "$work/R/slurm/jobs.json" 2>&1)
[ $rc -eq 0 ] && [ "$tasks" = "{'0': [0, 2], '1': [1, 3]}" ] && grep -q '^0) runs=0,2 ;;$' "$work/R/slurm/sweep.sbatch" &&
	cmp -s "$work/L/sweep.csv" "$work/R/sweep.csv"
check $? "--runs-per-task 3: the four runs in two array tasks, taken in turn; the same sweep.csv" "exit $rc, tasks $tasks; $(cat "$work/submit3.err")"

"$bin" sweep --collect "$work/S" -q
rc=$?
[ $rc -eq 0 ] && cmp -s "$work/L/sweep.csv" "$work/S/sweep.csv"
check $? "--collect again: exit 0, the same sweep.csv"

n=$("$bin" sweep exp.json -o "$work/E" --emit-commands -q | grep -c -- '--unit [0-9]*$')
[ "$n" = 4 ]
check $? "--emit-commands prints one command per run" "got $n"

"$bin" sweep exp.json -o "$work/X" --slurm --time 'ten minutes' 2> "$work/bad.err"
rc=$?
[ $rc -eq 2 ] && grep -q -- '--time: expected a Slurm time limit' "$work/bad.err"
check $? "a bad --time is a usage error" "exit $rc"

# ---- stop: every daemon by PID, then nothing of ours may run ----
for p in $(cat "$work/pids"); do kill -TERM "$p" 2>/dev/null; done
i=0
while [ $i -lt 100 ] && pgrep -f "$work" > /dev/null; do sleep 0.1; i=$((i + 1)); done
left=$(pgrep -af "$work" | grep -v "pgrep" || :)
[ -z "$left" ]
check $? "nothing left running" "$left"
cd /
finish
