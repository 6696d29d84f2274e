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
# command per run; nothing is left running.
#
# Network: the daemons listen on every address of their namespace, so the
# whole test runs in a network namespace of its own (unshare -n, root)
# that has only loopback: nothing can reach them and they can reach
# nothing else.  127.0.0.2 is added to lo because glibc's getaddrinfo with
# AI_ADDRCONFIG (which Slurm uses) finds no IPv4 address in a namespace
# whose only address is 127.0.0.1.
# Processes: every PID is recorded (live_lib.sh): a trap and a watchdog
# kill them on every path, also when this script is killed.
# usage: tests/integration/slurm.sh CLUSTERSIM
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
name=slurm
if [ -z "${CS_SLURM_NETNS:-}" ]; then
	for c in slurmctld slurmd sbatch squeue munged unshare ip; do
		if ! command -v $c >/dev/null 2>&1; then
			echo "slurm: FAILED  $c is not installed (make deps installs slurm-wlm, munge and iproute2)"
			echo "0 passed, 1 failed"
			exit 1
		fi
	done
	if ! unshare -n true 2>/dev/null; then
		echo "slurm: FAILED  cannot make a network namespace for the daemons (unshare -n needs root)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	exec unshare -n env CS_SLURM_NETNS=1 sh "$0" "$@"
fi
ip link set lo up && ip addr add 127.0.0.2/8 dev lo || { echo "slurm: FAILED  loopback"; echo "0 passed, 1 failed"; exit 1; }
work=$(mktemp -d /tmp/clustersim-slurm-XXXXXX)
pattern="$work"
. "$here/live_lib.sh"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---- the cluster: munged, slurmctld, slurmd (node1, 2 cpus) ----
mkdir -p "$work/state" "$work/spool" "$work/munge" "$work/exp"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$work/munge/munge.key"
munged -F --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" --pid-file="$work/munge/pid" \
	--log-file="$work/munge/log" --seed-file="$work/munge/seed" > "$work/munged.log" 2>&1 &
started $!
cat > "$work/slurm.conf" <<EOF
ClusterName=clustersim-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_interval=1,bf_interval=1
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=node1 NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=2 RealMemory=2048 State=UNKNOWN
PartitionName=debug Nodes=node1 Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
wait_for '[ -S "$work/munge/socket" ]'
slurmctld -D -c -f "$SLURM_CONF" > "$work/slurmctld.out" 2>&1 &
started $!
slurmd -D -N node1 -f "$SLURM_CONF" > "$work/slurmd.out" 2>&1 &
started $!
wait_for '[ "$(sinfo -h -o %T 2>/dev/null)" = idle ]'
check $? "munged, slurmctld and slurmd start; node1 is idle" "$(sinfo 2>&1 | tail -2)"

# ---- the sweep: two points of two replications, the second one's trace missing ----
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
	grep -q '^#SBATCH --time=5$' "$work/dry.txt" && grep -q -- '--unit "$SLURM_ARRAY_TASK_ID"$' "$work/dry.txt" &&
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
units=$(python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(len(j["jobs"]), j["jobs"][-1]["units"])' \
	"$work/S/slurm/jobs.json" 2>&1)
[ $rc -eq 0 ] && [ "$units" = "2 [2, 3]" ]
check $? "--resume submits only the failed point's two tasks, and they complete" "exit $rc, jobs: $units; $(cat "$work/submit2.err")"

"$bin" sweep exp.json -o "$work/L" -j 2 -q
cmp -s "$work/L/sweep.csv" "$work/S/sweep.csv"
check $? "sweep.csv from the array is byte for byte the one of a local -j 2 sweep"
cmp -s "$work/L/points/b.swf/summary.json" "$work/S/points/b.swf/summary.json"
check $? "and so are the points' aggregates"

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
