#!/bin/sh
# tests/integration/live.sh — live mode end to end (docs/live.md): a
# controller on 127.0.0.1 and three agents on 127.0.0.2-127.0.0.4, every
# port chosen by the kernel (the controller's read from STATE/url); the
# source material's app posted with its own curl line (ubuntu.json,
# verbatim, from experiments/cluster-managers/apps/); scaled 1 -> 5 -> 2;
# bad requests (400 with the field, 404, 405, 409, 413); an agent killed
# with SIGKILL (its task dies with it, the app is back to 2 running on the
# others once the agent timeout has passed); tokens (401 without, a
# non-loopback address refused without a token file); the app deleted
# (no task process left); the controller stopped with SIGTERM (exit 0,
# results that `clustersim table` reads), the agents stopped the same way.
#
# Processes: every PID started is recorded; a trap on EXIT, INT, TERM and
# HUP kills them, and a watchdog does if this script is killed outright.
# At the end the script checks that none is left, nor any task process,
# nor any task cgroup.  Waits poll with a bound (30 s; the agent timeout
# is 2 s), so the test passes on a busy machine; no check is on time.
#
# usage: tests/integration/live.sh CLUSTERSIM
# Prints one line per check and "N passed, N failed".
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
seed=$here/../../experiments/cluster-managers/apps/ubuntu.json
aurora=$here/../../experiments/cluster-managers/apps/hello_world.aurora
work=$(mktemp -d /tmp/clustersim-live-XXXXXX)
name=live
. "$here/live_lib.sh"
code() { # METHOD URL [BODY]: the HTTP status, the body in $work/body
	if [ $# -ge 3 ]; then
		curl -s -o "$work/body" -w '%{http_code}' -X "$1" -H "Content-Type: application/json" "$2" -d "$3"
	else
		curl -s -o "$work/body" -w '%{http_code}' -X "$1" "$2"
	fi
}
running() { # the app's tasksRunning, or -1
	curl -s "$url/v2/apps/ubuntu" > "$work/app" 2>/dev/null
	r=$(json "$work/app" "j['app']['tasksRunning']")
	echo "${r:--1}"
}
task_procs() { pgrep -f 'while sleep 10; do date' | wc -l; }

# ---- the cluster ----
"$bin" live --state "$work/state" --listen 127.0.0.1:0 --agent-timeout 2s --body-limit 4096 \
	> "$work/controller.log" 2>&1 &
ctl=$!
started $ctl
wait_for '[ -s "$work/state/url" ]'
check $? "the controller listens and writes its URL"
url=$(cat "$work/state/url" 2>/dev/null)
hostport=${url#http://}
start_agents 2 2GiB --kill-grace 1s
wait_for '[ "$(curl -s "$url/metrics" | grep -c "^clustersim_agents_up 3")" = 1 ]'
check $? "three agents registered (clustersim_agents_up 3)"

# ---- the seed app, with the source material's own command ----
cd "$work" && cp "$seed" ubuntu.json
curl -s -o "$work/created" -w '%{http_code}' -X POST -H "Content-Type: application/json" \
	$hostport/v2/apps -d@ubuntu.json > "$work/status"
[ "$(cat "$work/status")" = 201 ]
check $? "POST the seed app: 201" "(got $(cat "$work/status"))"
[ "$(json "$work/created" "j['clustersim']['container'].startswith('recorded, not run')")" = True ]
check $? "the response says the container is not run"
wait_for '[ "$(running)" = 1 ]'
check $? "one instance running"
curl -s "$url/v2/tasks" > "$work/tasks"
[ "$(json "$work/tasks" "all(t['host'] in ('127.0.0.2','127.0.0.3','127.0.0.4') and 31000 <= t['ports'][0] <= 32000 for t in j['tasks'])")" = True ]
check $? "its task runs on an agent with a port from 31000-32000"

code PUT "$url/v2/apps/ubuntu" '{"instances": 5}' > "$work/status"
[ "$(cat "$work/status")" = 200 ]
check $? "scale to 5: 200"
# the deployment is listed while it runs (it may already be done)
curl -s "$url/v2/deployments" > "$work/deps"
[ "$(json "$work/deps" "isinstance(j, list) and all(d['affectedApps'] == ['/ubuntu'] and d['id'] for d in j)")" = True ]
check $? "GET /v2/deployments during the scale: a list naming the app" "$(cat "$work/deps")"
wait_for '[ "$(running)" = 5 ] && [ "$(task_procs)" -eq 5 ]'
check $? "five instances running, five task processes"
wait_for '[ "$(curl -s "$url/v2/deployments")" = "[]" ]'
check $? "the deployment is gone once the app has its instances"
[ "$(curl -s "$url/ping")" = pong ] && curl -s "$url/v2/info" > "$work/info" &&
	[ "$(json "$work/info" "isinstance(j, dict) and len(j) > 0")" = True ]
check $? "GET /ping answers pong, /v2/info an object" "$(cat "$work/info")"
code PUT "$url/v2/apps/ubuntu" '{"instances": 2}' > "$work/status"
wait_for '[ "$(running)" = 2 ] && [ "$(task_procs)" -eq 2 ]'
check $? "scale to 2: two running, the other processes gone"

# ---- a hostname constraint: the agent's host is the machine's hostname ----
s=$(code POST "$url/v2/apps" '{"id": "pinned", "cmd": "exec sleep 1000", "cpus": 0.1, "mem": 16, "constraints": [["hostname", "CLUSTER", "127.0.0.3"]]}')
wait_for 'curl -s "$url/v2/apps/pinned/tasks" > "$work/pinned" && [ "$(json "$work/pinned" "[t[\"host\"] for t in j[\"tasks\"] if t[\"state\"] == \"TASK_RUNNING\"]")" = "['"'"'127.0.0.3'"'"']" ]'
check $? "a hostname CLUSTER constraint puts the task on that agent" "(got $s $(cat "$work/pinned"))"
s=$(code DELETE "$url/v2/apps/pinned?force=true")
wait_for '[ "$(pgrep -fx "sleep 1000" | wc -l)" -eq 0 ]'
check $? "deleted, its process is gone" "(got $s)"

# ---- bad requests ----
s=$(code POST "$url/v2/apps" '{"id": "broken", ')
[ "$s" = 400 ] && grep -q '"Invalid JSON"' "$work/body"
check $? "bad JSON: 400 Invalid JSON" "(got $s)"
s=$(code POST "$url/v2/apps" '{"id": "web", "cmd": "true", "cpus": "lots"}')
[ "$s" = 400 ] && [ "$(json "$work/body" "j['details'][0]['path']")" = /cpus ]
check $? "a bad field: 400 with its path /cpus" "(got $s $(cat "$work/body"))"
s=$(code POST "$url/v2/apps" '{"id": "nothing", "instances": 1}')
[ "$s" = 400 ] && [ "$(json "$work/body" "j['details'][0]['path']")" = /cmd ]
check $? "an app with nothing to run: 400 at /cmd" "(got $s)"
s=$(code POST "$url/v2/apps" '{"id": "web", "cmd": "true", "env": {"A": 1}}')
[ "$s" = 400 ] && [ "$(json "$work/body" "j['details'][0]['path']")" = /env ]
check $? "an env value that is not a string: 400 at /env" "(got $s)"
s=$(code GET "$url/v2/apps/nonesuch")
[ "$s" = 404 ] && grep -q "does not exist" "$work/body"
check $? "an unknown app: 404" "(got $s)"
s=$(code POST "$url/v2/apps" "$(cat "$seed")")
[ "$s" = 409 ]
check $? "the same app again: 409" "(got $s)"
big=$(python3 -c "print('{\"id\": \"big\", \"cmd\": \"' + 'x' * 5000 + '\"}')")
s=$(code POST "$url/v2/apps" "$big")
[ "$s" = 413 ]
check $? "a body over --body-limit: 413" "(got $s)"
s=$(code DELETE "$url/v2/tasks")
[ "$s" = 405 ] || [ "$s" = 404 ]
s2=$(code POST "$url/v2/info")
[ "$s2" = 404 ] || [ "$s2" = 405 ]
check $? "wrong methods are refused" "(got $s, $s2)"

# ---- an agent dies ----
curl -s "$url/v2/tasks" > "$work/tasks"
victim=$(json "$work/tasks" "j['tasks'][0]['host'].split('.')[3]")
eval "vpid=\$agent$victim"
kill -KILL "$vpid"
wait_for '[ "$(curl -s "$url/metrics" | grep -c "^clustersim_agents_lost_total 1")" = 1 ]'
check $? "the killed agent is declared lost"
wait_for '[ "$(running)" = 2 ] && [ "$(task_procs)" -eq 2 ]'
check $? "its task died with it and was replaced: two running"
curl -s "$url/v2/tasks" > "$work/tasks"
[ "$(json "$work/tasks" "all(t['host'] != '127.0.0.$victim' for t in j['tasks'])")" = True ]
check $? "no task on the lost agent"

# the agent comes back on its address and work directory: it reports the
# task it had as lost (its record says so) and cleans up its cgroup
vaddr=$(sed -n 's/^clustersim agent \(127[.0-9]*:[0-9]*\): listening.*/\1/p' "$work/agent$victim.log" | head -n 1)
"$bin" agent --controller "$url" --listen "$vaddr" --cpus 2 --mem 2GiB --kill-grace 1s \
	--work-dir "$work/agent$victim" > "$work/agent$victim-again.log" 2>&1 &
eval "agent$victim=$!"
started $!
wait_for '[ "$(curl -s "$url/metrics" | grep -c "^clustersim_agents_up 3")" = 1 ]'
check $? "the restarted agent takes its machine again"
wait_for '[ -z "$(ls "$work/agent$victim"/tasks/*/task.json 2>/dev/null)" ]'
check $? "it reported its dead task lost and was told to forget it"

# ---- the seed's Aurora job, with its own command ----
cp "$aurora" hello_world.aurora
USER=${USER:-$(id -un)}
export USER
"$bin" aurora create cluster1/$USER/test/hello_world hello_world.aurora --controller "$url" > "$work/aurora.out" 2>&1
[ $? -eq 0 ] && grep -q "Job create succeeded" "$work/aurora.out"
check $? "aurora create cluster1/\$USER/test/hello_world hello_world.aurora" "($(cat "$work/aurora.out"))"
wait_for 'cat "$work"/agent*/tasks/hello_world.*/stdout 2>/dev/null | grep -q "^hello world$"'
check $? "the hello world job ran on an agent and printed hello world"
"$bin" aurora create cluster1/$USER/test/nonesuch hello_world.aurora --controller "$url" > "$work/aurora2.out" 2>&1
[ $? -eq 2 ] && grep -q "no job has the key" "$work/aurora2.out"
check $? "aurora create with a key no job has: exit 2"

# ---- tokens ----
"$bin" live --state "$work/open" --listen 0.0.0.0:0 > "$work/open.log" 2>&1
[ $? -eq 2 ] && grep -q "token-file" "$work/open.log"
check $? "a non-loopback controller without --token-file: exit 2"
printf 's3cret-token\n' > "$work/token" && chmod 600 "$work/token"
"$bin" live --state "$work/tok" --listen 127.0.0.5:0 --token-file "$work/token" > "$work/tok.log" 2>&1 &
tok=$!
started $tok
wait_for '[ -s "$work/tok/url" ]'
turl=$(cat "$work/tok/url" 2>/dev/null)
s=$(code GET "$turl/v2/apps")
s2=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer s3cret-token" "$turl/v2/apps")
[ "$s" = 401 ] && [ "$s2" = 200 ]
check $? "with a token: 401 without it, 200 with it" "(got $s, $s2)"
kill -TERM $tok
wait $tok
check $? "the token controller stops with exit 0"

# ---- the end ----
s=$(code DELETE "$url/v2/apps/ubuntu")
wait_for '[ "$(task_procs)" -eq 0 ]'
[ "$s" = 200 ]
check $? "delete the app: 200 and no task process left" "(got $s)"
kill -TERM $ctl
wait $ctl
check $? "the controller stops on SIGTERM with exit 0"
[ "$(json "$work/state/results/summary.json" "j['apps']['ubuntu']['losses']")" -ge 1 ] 2>/dev/null
check $? "its results: summary.json has the app and its loss"
"$bin" table "$work/state/results" > "$work/table" 2>&1
check $? "clustersim table reads the live results"
for i in 2 3 4; do
	eval "p=\$agent$i"
	kill -TERM "$p"
	wait "$p"
	check $? "agent 127.0.0.$i stops on SIGTERM with exit 0"
done
left=0
for p in $(cat "$work/pids"); do kill -0 "$p" 2>/dev/null && left=$((left + 1)); done
[ $left -eq 0 ] && [ "$(task_procs)" -eq 0 ]
check $? "nothing left running" "($left processes)"
n=0
for a in $(sed -n 's/^clustersim agent \(127[.0-9]*\):\([0-9]*\): listening.*/\1-\2/p' "$work"/agent*.log | sort -u); do
	n=$((n + $(find /sys/fs/cgroup -maxdepth 6 -type d -name "clustersim-agent-$a" 2>/dev/null | wc -l)))
done
[ "$n" -eq 0 ]
check $? "no task cgroup left" "($n)"
finish
