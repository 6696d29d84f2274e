# tests/integration/live_lib.sh — what the live-mode integration scripts
# share (sourced, after they set `name` and `work`): the PID record and
# its watchdog and trap (every process started is killed by PID on every
# path, also when the script itself is SIGKILLed), check lines, bounded
# waits, and JSON reading with python3.  The scripts' `pattern` (a task
# command line, for pkill -f) is killed too.  KEEP=1 keeps $work.
: > "$work/pids"
(
	trap '' INT TERM HUP
	while kill -0 $$ 2>/dev/null; do sleep 1; done
	for p in $(cat "$work/pids" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	[ -n "${pattern:-}" ] && pkill -KILL -f "$pattern" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$work"
) &
watchdog=$!
cleanup() {
	for p in $(cat "$work/pids" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	kill "$watchdog" 2>/dev/null
	if [ -n "${KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

passed=0 failed=0
check() { # RESULT NAME [DETAIL]
	if [ "$1" -eq 0 ]; then passed=$((passed + 1)); echo "$name: ok      $2"; else
		failed=$((failed + 1)); echo "$name: FAILED  $2 ${3:-}"; fi
}
started() { echo "$1" >> "$work/pids"; }
# start_agents CPUS MEM [OPTION...]: three agents, on 127.0.0.2-127.0.0.4
# (ports the kernel's), for the controller at $url; their PIDs in
# $agent2..$agent4 (recorded), logs in $work/agentN.log
start_agents() {
	a_cpus=$1 a_mem=$2
	shift 2
	for i in 2 3 4; do
		"$bin" agent --controller "$url" --listen 127.0.0.$i:0 --cpus "$a_cpus" --mem "$a_mem" \
			--work-dir "$work/agent$i" "$@" > "$work/agent$i.log" 2>&1 &
		eval "agent$i=$!"
		started $!
	done
}
# wait for a shell condition, polling every ${wait_step:-0.1} s, at most
# ${wait_max:-300} times
wait_for() {
	i=0
	while [ $i -lt "${wait_max:-300}" ]; do
		if eval "$1"; then return 0; fi
		sleep "${wait_step:-0.1}"
		i=$((i + 1))
	done
	return 1
}
json() { # FILE EXPRESSION over the JSON value j
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null
}
# the end: every recorded process gone; the logs when a check failed
finish() {
	if [ $failed -ne 0 ]; then
		for f in "$work"/*.log; do echo "--- $f"; tail -30 "$f"; done
	fi
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
