#!/bin/sh
# bench/live.sh — live mode's benchmarks (issue 14), printed with their
# targets; nothing here fails on time.
#  1. launches: experiments/bench/live-launches.json under `clustersim
#     live` with four agents on 127.0.0.2-127.0.0.5: 1,000 tasks of
#     `sleep 0.1`; launches per second end to end = 1,000 / (the last
#     task's end - the first task's submission), from the run's jobs.csv
#     (the controller's clock), target >= 500/s; repeated BENCH_REPEAT
#     times (default 5), the best and the median printed;
#  2. API latency: GET /v2/apps with 100 apps under 200 concurrent
#     keep-alive connections (bench/http_load.c: one thread, epoll;
#     40,000 requests, BENCH_REPEAT times), p50 and p99, target p99 <
#     10 ms on the best run.  (A Python
#     asyncio client measured 22-28 ms p99 here, most of it its own
#     queueing: the server answers 60,000-95,000 of these a second.)
# Ports are the kernel's.
# usage: bench/live.sh CLUSTERSIM HTTP_LOAD
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
load=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/clustersim-bench-live-XXXXXX)
# the tests' PID record, watchdog and trap: every process is killed by PID
# on every path, also when this script dies of SIGPIPE or SIGKILL
. "$here/../tests/integration/live_lib.sh"

metric() { curl -s "$url/metrics" | sed -n "s/^$1 //p"; }

# One launch run: a controller and four agents, 1,000 tasks, then the
# controller stopped (it writes jobs.csv); prints the rate to stdout.
launch_run() {
	d=$work/launch$1
	mkdir -p "$d"
	"$bin" live "$here/../experiments/bench/live-launches.json" --state "$d/state" --listen 127.0.0.1:0 \
		-o "$d/results" > "$work/controller$1.log" 2>&1 &
	ctl=$!
	started $ctl
	wait_for '[ -s "$d/state/url" ]' || { echo "live bench: the controller did not start" >&2; return 1; }
	url=$(cat "$d/state/url")
	agents=""
	for i in 2 3 4 5; do
		"$bin" agent --controller "$url" --listen 127.0.0.$i:0 --cpus 16 --mem 8GiB --work-dir "$d/agent$i" \
			> "$work/agent$1-$i.log" 2>&1 &
		agents="$agents $!"
		started $!
	done
	# (polled every second: a curl ten times a second took an eighth of
	# the machine's CPU from the agents)
	wait_max=120 wait_step=1 wait_for '[ "$(metric clustersim_tasks_finished_total)" = 1000 ]' ||
		echo "live bench: only $(metric clustersim_tasks_finished_total) of 1000 tasks finished in 120 s" >&2
	kill -TERM $ctl
	wait $ctl
	for p in $agents; do kill -TERM "$p" 2>/dev/null; done
	for p in $agents; do wait "$p" 2>/dev/null; done
	python3 - "$d/results/jobs.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
done = [r for r in rows if r.get("end") not in (None, "", "-")]
first = min(float(r["submit"]) for r in rows)
last = max(float(r["end"]) for r in done)
waits = sorted(float(r["scheduled"]) - float(r["submit"]) for r in done)
print("%d %.3f %.1f" % (len(done), last - first, 1000 * waits[len(waits) // 2]))
PY
	# (each run's directory stays until the end: on ext4 without a journal,
	# as /tmp is here, new inodes are allocated past recently deleted ones
	# for a minute or more, so deleting 1,000 sandboxes between runs made
	# the next run's launches about half as fast: 300 a second against 627)
}
# Repeated like every timed benchmark here (bench/run.sh): the machine is
# shared, so the best of the runs is the one least disturbed; the median
# is printed beside it.
repeat=${BENCH_REPEAT:-5}
n=1
while [ $n -le "$repeat" ]; do launch_run $n >> "$work/launches" || break; n=$((n + 1)); done
python3 - "$work/launches" "$repeat" <<'PY'
import sys
runs = [l.split() for l in open(sys.argv[1]) if l.strip()]
if not runs:
    print("live launches          no run completed  MISSED"); sys.exit(0)
rates = sorted(int(r[0]) / float(r[1]) for r in runs)
best, median = rates[-1], rates[len(rates) // 2]
tasks = min(int(r[0]) for r in runs)
print("live launches          %d tasks of sleep 0.1 s through 4 agents: %.0f launches/s best, %.0f median of %d "
      "(range %.0f-%.0f; target >= 500)  wait to placement p50 %.1f ms  %s"
      % (tasks, best, median, len(rates), rates[0], rates[-1], float(runs[-1][2]),
         "ok" if best >= 500 and tasks == 1000 else "MISSED"))
PY

# ---- API latency ----
"$bin" live --state "$work/state2" --listen 127.0.0.1:0 > "$work/controller2.log" 2>&1 &
ctl2=$!
started $ctl2
wait_for '[ -s "$work/state2/url" ]'
url=$(cat "$work/state2/url")
i=0
while [ $i -lt 100 ]; do
	curl -s -o /dev/null -X POST -H "Content-Type: application/json" "$url/v2/apps" \
		-d "{\"id\": \"app$i\", \"cmd\": \"sleep 1000\", \"instances\": 0, \"cpus\": 0.1, \"mem\": 16}"
	i=$((i + 1))
done
hostport=${url#http://}
n=1
while [ $n -le "$repeat" ]; do
	"$load" "${hostport%:*}" "${hostport##*:}" /v2/apps 200 40000 "live API latency       GET /v2/apps (100 apps)," \
		>> "$work/latency" || { echo "live API latency: the load client failed"; break; }
	n=$((n + 1))
done
# the last run's line, then p99 over the runs (best and median)
tail -n 1 "$work/latency"
sed -n 's/.* p99 \([0-9.]*\) ms.*/\1/p' "$work/latency" | sort -n | awk '
	{ v[NR] = $1 } END { if (NR) printf "live API latency       p99 %.2f ms best, %.2f ms median of %d runs (target < 10 ms)  %s\n",
		v[1], v[int((NR + 1) / 2)], NR, v[1] < 10 ? "ok" : "MISSED" }' 
kill -TERM $ctl2
wait $ctl2
