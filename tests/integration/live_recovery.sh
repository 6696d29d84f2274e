#!/bin/sh
# tests/integration/live_recovery.sh — the live controller's state
# survives SIGKILL (docs/live.md, "State and recovery"): a controller on
# 127.0.0.1 and three agents on 127.0.0.2-127.0.0.4; an app scaled
# 1 -> 50 -> 5 three times over, the controller SIGKILLed at a random
# point after each scale (0 to 1.5 s after the change was acknowledged,
# the delays printed so that a failure can be replayed with
# CS_KILL_DELAYS) and once while a scale request is in flight, and started
# again on its state directory and port each time.  After every restart:
# the acknowledged instance count is back (nothing acknowledged lost), and
# the app converges to exactly that many running tasks and that many task
# processes on the agents (no task duplicated, none orphaned), with the
# tasks that ran before the kill adopted rather than replaced.
#
# Processes: every PID is recorded; a trap and a watchdog kill them; the
# end checks that none is left.  Waits are bounded polls (60 s).
#
# usage: tests/integration/live_recovery.sh CLUSTERSIM
# Prints one line per check and "N passed, N failed".
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d /tmp/clustersim-recovery-XXXXXX)
name=recovery
pattern="sleep 100123"
wait_max=600
. "$(cd "$(dirname "$0")" && pwd)/live_lib.sh"
app_field() { # FIELD of /v2/apps/web, or -1
	curl -s -m 5 "$url/v2/apps/web" > "$work/app" 2>/dev/null
	r=$(json "$work/app" "j['app']['$1']")
	echo "${r:--1}"
}
procs() { pgrep -fx "sleep 100123" | wc -l; }
task_ids() { # the running tasks' ids
	curl -s -m 5 "$url/v2/tasks" > "$work/tasks" &&
		json "$work/tasks" "' '.join(sorted(t['id'] for t in j['tasks'] if t['state'] == 'TASK_RUNNING'))"
}
converged() { # N: N desired, N running, N processes
	[ "$(app_field instances)" = "$1" ] && [ "$(app_field tasksRunning)" = "$1" ] && [ "$(procs)" -eq "$1" ]
}

start_controller() { # PORT
	"$bin" live --state "$work/state" --listen "127.0.0.1:$1" --agent-timeout 3s >> "$work/controller.log" 2>&1 &
	ctl=$!
	started $ctl
}

start_controller 0
wait_for '[ -s "$work/state/url" ]'
url=$(cat "$work/state/url")
port=${url##*:}
start_agents 20 20GiB --kill-grace 1s
wait_for '[ "$(curl -s "$url/metrics" | grep -c "^clustersim_agents_up 3")" = 1 ]'
check $? "a controller and three agents"
s=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Content-Type: application/json" "$url/v2/apps" \
	-d '{"id": "web", "cmd": "exec sleep 100123", "cpus": 0.1, "mem": 16, "instances": 1}')
[ "$s" = 201 ] && wait_for 'converged 1'
check $? "the app runs one instance"

delays=${CS_KILL_DELAYS:-$(awk 'BEGIN { srand(); for (i = 0; i < 6; i++) printf "%.2f ", rand() * 1.5 }')}
echo "recovery: kill delays (CS_KILL_DELAYS): $delays"
round=0
for n in 50 5 50 5 50 5; do
	round=$((round + 1))
	d=$(echo "$delays" | cut -d' ' -f$round)
	s=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X PUT "$url/v2/apps/web?force=true" -d "{\"instances\": $n}")
	[ "$s" = 200 ]
	check $? "round $round: scale to $n acknowledged" "(got $s)"
	sleep "$d"
	kept=$(task_ids)
	kill -KILL $ctl
	wait $ctl 2>/dev/null
	start_controller "$port"
	wait_for '[ "$(app_field instances)" = "$n" ]'
	check $? "round $round: killed ${d}s after it; restarted, the app wants $n again"
	wait_for "converged $n"
	check $? "round $round: $n running, $n task processes (none duplicated, none orphaned)" \
		"(running $(app_field tasksRunning), processes $(procs))"
	# what ran at the kill was adopted, not replaced: of the tasks running
	# then, min(their number, N) run still
	after=$(task_ids)
	adopted=0
	for t in $kept; do
		case " $after " in *" $t "*) adopted=$((adopted + 1)) ;; esac
	done
	had=$(echo "$kept" | wc -w)
	want=$had
	[ "$want" -gt "$n" ] && want=$n
	[ "$adopted" -ge "$want" ]
	check $? "round $round: the tasks running at the kill were adopted" "($adopted of $had, want $want)"
done

# a kill while a scale is in flight: acknowledged or not, never half done
curl -s -m 10 -o "$work/inflight" -w '%{http_code}' -X PUT "$url/v2/apps/web?force=true" -d '{"instances": 12}' \
	> "$work/inflight.code" &
cpid=$!
kill -KILL $ctl
wait $ctl 2>/dev/null
wait $cpid
code=$(cat "$work/inflight.code")
start_controller "$port"
wait_for '[ "$(app_field instances)" != -1 ]'
want=$(app_field instances)
{ [ "$code" = 200 ] && [ "$want" = 12 ]; } || { [ "$code" != 200 ] && { [ "$want" = 12 ] || [ "$want" = 5 ]; }; }
check $? "a kill during a scale: the answer and the state agree" "(answer $code, instances $want)"
wait_for "converged $want"
check $? "and the app converges to $want" "(running $(app_field tasksRunning), processes $(procs))"

s=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$url/v2/apps/web?force=true")
wait_for '[ "$(procs)" -eq 0 ]'
check $? "the app deleted: no task process left" "(answer $s)"
kill -TERM $ctl
wait $ctl
check $? "the controller stops with exit 0"
for i in 2 3 4; do
	eval "p=\$agent$i"
	kill -TERM "$p"
	wait "$p"
done
left=0
for p in $(cat "$work/pids"); do kill -0 "$p" 2>/dev/null && left=$((left + 1)); done
[ $left -eq 0 ] && [ "$(procs)" -eq 0 ]
check $? "nothing left running" "($left processes)"
finish
