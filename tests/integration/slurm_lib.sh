# tests/integration/slurm_lib.sh — a single-node Slurm for a test or a
# benchmark (sourced, after live_lib.sh for started and wait_for):
# Debian's slurm-wlm 22.05 and munge, started from a slurm.conf generated
# in the caller's work directory.
#
# slurm_enter_netns SCRIPT ARGS...: re-runs the calling script in a
# network namespace of its own (unshare -n; root) that has only loopback,
# since the daemons listen on every address of their namespace: nothing
# can reach them, and they reach nothing else.  A missing package or
# namespace is a failed check ("0 passed, 1 failed").  Call it before
# anything is started.
#
# slurm_start WORK CPUS: brings up loopback (and 127.0.0.2 on it: glibc's
# getaddrinfo with AI_ADDRCONFIG, which Slurm uses, finds no IPv4 address
# in a namespace whose only one is 127.0.0.1), then munged, slurmctld and
# slurmd (node1 with CPUS cpus, partition "debug"), each recorded with
# `started` (killed by PID on every path); exports SLURM_CONF; returns 0
# once node1 is idle.  Scheduling: the main and backfill schedulers every
# second (22.05's floor: a finished task's cpu is given to the next task
# at the next tick, so short tasks cost about a second a wave),
# DefMemPerCPU so that tasks share the node's memory (with CR_Core_Memory
# a task without --mem takes all of it and runs alone), no accounting.
slurm_enter_netns() {
	[ -n "${CS_SLURM_NETNS:-}" ] && return 0
	for c in slurmctld slurmd sbatch squeue sinfo munged unshare ip; do
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
	script=$1
	shift
	exec unshare -n env CS_SLURM_NETNS=1 sh "$script" "$@"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

slurm_start() {
	sw=$1
	[ -n "$sw" ] && [ -d "$sw" ] || return 1
	if ! ip link set lo up || ! ip addr add 127.0.0.2/8 dev lo; then
		echo "slurm: cannot bring up loopback in the namespace" >&2
		return 1
	fi
	mkdir -p "$sw/state" "$sw/spool" "$sw/munge"
	chmod 700 "$sw/munge"
	dd if=/dev/urandom of="$sw/munge/munge.key" bs=1024 count=1 2>/dev/null
	chmod 400 "$sw/munge/munge.key"
	munged -F --force --key-file="$sw/munge/munge.key" --socket="$sw/munge/socket" --pid-file="$sw/munge/pid" \
		--log-file="$sw/munge/log" --seed-file="$sw/munge/seed" > "$sw/munged.log" 2>&1 &
	started $!
	{
		echo "ClusterName=clustersim-test"
		echo "SlurmctldHost=localhost(127.0.0.1)"
		echo "SlurmctldPort=$(free_port)"
		echo "SlurmdPort=$(free_port)"
		echo "AuthType=auth/munge"
		echo "AuthInfo=socket=$sw/munge/socket"
		echo "CredType=cred/munge"
		echo "SlurmUser=root"
		echo "SlurmdUser=root"
		echo "StateSaveLocation=$sw/state"
		echo "SlurmdSpoolDir=$sw/spool"
		echo "SlurmctldPidFile=$sw/slurmctld.pid"
		echo "SlurmdPidFile=$sw/slurmd.pid"
		echo "SlurmctldLogFile=$sw/slurmctld.log"
		echo "SlurmdLogFile=$sw/slurmd.log"
		echo "ProctrackType=proctrack/linuxproc"
		echo "TaskPlugin=task/none"
		echo "SelectType=select/cons_tres"
		echo "SelectTypeParameters=CR_Core_Memory"
		echo "DefMemPerCPU=256"
		echo "SchedulerType=sched/backfill"
		echo "SchedulerParameters=batch_sched_delay=0,sched_interval=1,bf_interval=1"
		echo "AccountingStorageType=accounting_storage/none"
		echo "JobAcctGatherType=jobacct_gather/none"
		echo "JobCompType=jobcomp/none"
		echo "MpiDefault=none"
		echo "ReturnToService=2"
		echo "MinJobAge=600"
		echo "NodeName=node1 NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=$2 RealMemory=$((256 * $2 + 256)) State=UNKNOWN"
		echo "PartitionName=debug Nodes=node1 Default=YES MaxTime=INFINITE State=UP"
	} > "$sw/slurm.conf"
	export SLURM_CONF="$sw/slurm.conf"
	wait_for '[ -S "$sw/munge/socket" ]' || return 1
	slurmctld -D -c -f "$SLURM_CONF" > "$sw/slurmctld.out" 2>&1 &
	started $!
	slurmd -D -N node1 -f "$SLURM_CONF" > "$sw/slurmd.out" 2>&1 &
	started $!
	wait_for '[ "$(sinfo -h -o %T 2>/dev/null)" = idle ]'
}
