#!/bin/sh
# tests/integration/live_vs_sim.sh — one experiment, simulated and live
# (docs/live.md, "Live and simulated side by side"):
# experiments/live/sim-vs-live.json run by `clustersim run`, and by
# `clustersim live` with three agents of 2 cpus on 127.0.0.2-127.0.0.4
# (it ends by itself at its 60 s duration).  Checks, with their
# tolerances and why:
#  - completed batch jobs: equal (the last job arrives about 30 s before
#    the end);
#  - cpu utilization: within 0.03 absolute (a live task holds its cpu from
#    its claim until its exit is reported, its 2 s plus the launch and
#    report latency, a few ms idle, up to ~100 ms on a loaded machine: 5%
#    of 0.42 at most; the machines count from their agents' registration);
#  - mean wait until placed: within 0.5 s + 25% of the simulated (about
#    1 s): each task's extra latency delays the next queued job, and the
#    delays add up in a queue.
# Prints both runs' figures side by side, one line per check and
# "N passed, N failed".  Processes: as the other live tests (live_lib.sh).
# usage: tests/integration/live_vs_sim.sh CLUSTERSIM
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
exp=$here/../../experiments/live/sim-vs-live.json
work=$(mktemp -d /tmp/clustersim-vs-XXXXXX)
name=live-vs-sim
wait_max=1200
. "$here/live_lib.sh"

"$bin" run "$exp" -o "$work/sim" -q --force > "$work/sim.log" 2>&1
check $? "the simulated run"
"$bin" live "$exp" --state "$work/state" --listen 127.0.0.1:0 -o "$work/live" > "$work/controller.log" 2>&1 &
ctl=$!
started $ctl
wait_for '[ -s "$work/state/url" ]'
url=$(cat "$work/state/url")
start_agents 2 2GiB
# the run ends at its duration (60 s of the controller's clock)
wait_for '! kill -0 $ctl 2>/dev/null'
wait $ctl
check $? "the live run ends at its duration with exit 0"
for i in 2 3 4; do
	eval "p=\$agent$i"
	kill -TERM "$p"
	wait "$p"
done
python3 - "$work/sim/summary.json" "$work/live/summary.json" > "$work/compare" 2>&1 <<'PY'
import json, sys
s, l = (json.load(open(f)) for f in sys.argv[1:3])
def fig(x):
    w = x["workloads"]["batch"]
    return x["utilization"]["cpu"], w["wait_scheduled"]["mean"], w["jobs"]["completed"]
(su, sw, sc), (lu, lw, lc) = fig(s), fig(l)
print("%-24s %10s %10s" % ("", "simulated", "live"))
print("%-24s %10.3f %10.3f" % ("cpu utilization", su, lu))
print("%-24s %10.3f %10.3f" % ("mean wait (s)", sw, lw))
print("%-24s %10d %10d" % ("completed batch jobs", sc, lc))
print("CHECK completed %d" % (0 if sc == lc else 1))
print("CHECK utilization %d" % (0 if abs(su - lu) <= 0.03 else 1))
print("CHECK wait %d" % (0 if abs(sw - lw) <= 0.5 + 0.25 * sw else 1))
PY
sed -n '/^CHECK/!p' "$work/compare"
for c in completed utilization wait; do
	r=$(sed -n "s/^CHECK $c //p" "$work/compare")
	[ "${r:-1}" = 0 ]
	check $? "$c agrees within its tolerance"
done
left=0
for p in $(cat "$work/pids"); do kill -0 "$p" 2>/dev/null && left=$((left + 1)); done
[ $left -eq 0 ]
check $? "nothing left running" "($left processes)"
finish
