#!/bin/sh
# tests/integration/run.sh — the session-balancing model against the real
# SockJS stack (issues 5 and 11): Debian's nginx on 127.0.0.1 in front of
# three stock sockjs 0.3.24 servers (js/server.js: the SockJS server of
# Meteor's ddp-server, with a minimal DDP), loaded by stock sockjs-client
# 1.6.1 clients in Node that behave like Meteor's (js/client.js: Meteor's
# transports, DDP connect, heartbeat and reconnect schedule; a cookie jar,
# a source address and an emulated network latency per client); then the
# same scenario in the simulator.  Measured and simulated metrics must
# agree within the tolerances below.  The npm packages are installed here
# with `npm ci` from the committed package-lock.json.
#
# Scenario, time scaled: heartbeat 2.5 s, disconnect_delay 0.5 s (Meteor:
# 45 s and 60 s; the model's defaults 25 s and 5 s), Meteor's retry
# schedule x 0.01 after the two 10 ms retries, a DDP method every 0.5 s
# on average, DDP heartbeat 1.75 s (Meteor 17.5 s), fail_timeout 1 s;
# every request and answer takes an exponential network latency of mean
# LATENCY_MS (5 ms) each way, in the client and in the model
# (clients.latency).  Round-robin at 1, 10 and 40 clients (12, 6 and 6 s),
# the other policies with 30 clients for 6 s, and three failure runs (s2
# SIGKILLed at 2 s and restarted at 4 s, 9 s in all).
#
# Checks, and how their margins were chosen.  The model's figures are the
# mean of MODEL_SEEDS (8) runs, so the margin is for the real run's own
# sampling noise and for what the model leaves out:
#  - rates (connect_success_per_open, send_404_rate, lost_session_rate):
#    within 3 binomial standard errors of the measured count, sqrt(p(1-p)/n)
#    with p the model's rate and n the measured opens, sends or polls, plus
#    RATE_SLACK (0.04 absolute: one extra open of 30 in the sticky runs, a
#    transport timeout under load, and the event-loop delays on top of the
#    emulated latency).  A run of 1,000 opens thus gets about 0.07 at
#    p = 0.45 and 0.04 at p = 0 or 1; a missing value always fails.
#  - the clients' view: client_sessions_mean / clients within 0.15 (the
#    event loops' delays lengthen the time from a client's "o" to its
#    close: one client measured +0.04 idle, +0.085 under load);
#  - the servers' view (sessions held, ghosts included), per open:
#    server_sessions_mean x seconds / opens (the session-seconds each open
#    leaves on the servers; independent of how many opens a loaded machine
#    manages) within 35% of the model's (the real servers hold 18-23%
#    fewer session-seconds per failed open than the model, loaded or not:
#    a gap not yet explained, stated in docs/validation.md);
#  - failure runs: moved, broken on recovery, sessions on s2 at the end
#    within 3 sessions; the slowest re-home within 0.5 s (the model's is
#    about 0.065 s; real ones measured 0.05-0.11 s idle and up to 0.2 s
#    with four CPU-bound processes beside the test).
# Timing: no check is on wall-clock time; what timing there is was chosen
# for a 2-core machine with four CPU-bound processes beside the test (load
# about 6): there the event loops' delays were measured at a few ms and
# rarely above 50 ms, so every protocol timer (disconnect_delay 0.5 s is
# the shortest that ends a session) is ten times that; the readiness waits
# poll up to 30 s; kill and restart are 2 s apart, and the run goes on 5 s
# after the restart, as long as nginx's fail_timeout (1 s) takes after the
# last refused request plus the re-homing.
#
# Processes: everything listens on 127.0.0.1 on ports the kernel picks
# (backends bind port 0 and report it; nginx's port is probed and retried
# if taken).  Every PID started is recorded; a trap on EXIT, INT, TERM and
# HUP stops them all (nginx by its pid file), and a watchdog stops them if
# this script is killed outright; the node processes also leave by
# themselves when this script is gone.  At the end the script checks that
# none of them is left (a failed check if one is).
#
# usage: tests/integration/run.sh CLUSTERSIM BUILD_DIR
# Prints one line per configuration and metric, and "N passed, N failed".
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
js=$here/js
work=$(mktemp -d /tmp/clustersim-itest-XXXXXX)
: > "$work/pids"
: > "$work/allpids"
# If this script is killed outright (SIGKILL: no trap runs), the watchdog
# stops what it recorded and removes the work directory.  It starts
# before CS_ITEST_PARENT is exported: its sleeps do not carry the mark.
(
	trap '' INT TERM HUP
	while kill -0 $$ 2>/dev/null; do sleep 1; done
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
	for p in $(cat "$work/pids" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$work"
) </dev/null >/dev/null 2>&1 &
watchdog=$!
export CS_ITEST_PARENT=$$
passed=0 failed=0

# ---- processes ----
record() { echo "$1" >> "$work/pids"; echo "$1" >> "$work/allpids"; }
alive() { kill -0 "$1" 2>/dev/null; }
# every PID whose parent is $1 (nginx's workers), from /proc
children() {
	for f in /proc/[0-9]*/stat; do
		st=$(cat "$f" 2>/dev/null) || continue
		# after the command's closing parenthesis: state, ppid, ...
		set -- "$1" ${st##*) }
		[ "${3:-}" = "$1" ] && { p=${f#/proc/}; echo "${p%/stat}"; }
	done
}
stop_pids() { # TERM everything recorded, then KILL what is still there
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
	for p in $(cat "$work/pids" 2>/dev/null); do kill "$p" 2>/dev/null; done
	n=0
	while [ $n -lt 50 ]; do
		left=""
		for p in $(cat "$work/pids" 2>/dev/null); do alive "$p" && left="$left $p"; done
		[ -z "$left" ] && break
		sleep 0.1
		n=$((n + 1))
	done
	for p in $left; do kill -KILL "$p" 2>/dev/null; done
	# reap them (not a bare `wait`: that would wait for the watchdog too)
	for p in $(cat "$work/pids" 2>/dev/null); do wait "$p" 2>/dev/null; done
}
cleanup() {
	trap - EXIT INT TERM HUP
	stop_pids
	if [ -n "${watchdog:-}" ]; then # and its sleep
		kids=$(children "$watchdog")
		kill "$watchdog" $kids 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup; exit 129' HUP

# ---- set-up: nginx, node and the npm packages (pinned by the lockfile) ----
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx is not installed (make deps: apt-get install nginx-light)"; echo "0 passed, 1 failed"; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null ||
	{ echo "node and npm are not installed (make deps: apt-get install nodejs npm)"; echo "0 passed, 1 failed"; exit 1; }
if [ ! -f "$js/node_modules/.package-lock.json" ] || [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; then
	(cd "$js" && npm ci --no-audit --no-fund --loglevel=error) > "$work/npm.log" 2>&1 ||
		{ cat "$work/npm.log"; echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

LATENCY_MS=5 MESSAGE_MS=500 RETRY_SCALE=0.01 HEARTBEAT_MS=2500 DISCONNECT_MS=500 DDP_HEARTBEAT_MS=1750
FAIL_TIMEOUT=1 SERVER_OPTS="max_fails=1 fail_timeout=1s" # nginx's defaults are 1 and 10 s
MODEL_SEEDS=8 RATE_SLACK=0.04
sec() { awk -v v="$1" 'BEGIN { print v / 1000 }'; }

# wait_file FILE: until it exists (30 s at most)
wait_file() {
	n=0
	while [ ! -s "$1" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
	[ -s "$1" ]
}

# start_server I WEBSOCKET [PORT]: backend sI; its port in $work/portI
start_server() {
	rm -f "$work/port$1"
	node "$js/server.js" "s$1" $HEARTBEAT_MS $DISCONNECT_MS "$2" "$work/port$1" ${3:-} 2>>"$work/servers.log" &
	eval "spid$1=$!"
	record $!
	wait_file "$work/port$1"
}

free_port() {
	node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# write_conf METHOD LOCATION MAPS: nginx.conf for the upstream method and
# the location's proxying; every answer names its upstream (X-Upstream)
write_conf() {
	mkdir -p "$work/logs"
	cat > "$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    $3
    upstream backends {
        $1
        server 127.0.0.1:$P1 $SERVER_OPTS;
        server 127.0.0.1:$P2 $SERVER_OPTS;
        server 127.0.0.1:$P3 $SERVER_OPTS;
    }
    server {
        listen 127.0.0.1:$LISTEN;
        add_header X-Upstream \$upstream_addr always;
        $2
    }
}
EOF
}

# the text of a configuration fragment with $P1..$P3 filled in (\$ and \"
# stay $ and ")
expand() { eval "printf '%s' \"$1\""; }

# start_all WEBSOCKET METHOD LOCATION MAPS (each may name $P1..$P3)
start_all() {
	: > "$work/servers.log"
	for i in 1 2 3; do start_server $i "$1" || return 1; done
	P1=$(cat "$work/port1") P2=$(cat "$work/port2") P3=$(cat "$work/port3")
	tries=0
	while [ $tries -lt 5 ]; do
		LISTEN=$(free_port)
		write_conf "$(expand "$2")" "$(expand "$3")" "$(expand "$4")"
		rm -f "$work/nginx.pid"
		if "$nginx" -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log" 2>>"$work/logs/start.log"; then
			wait_file "$work/nginx.pid" || return 1
			master=$(cat "$work/nginx.pid")
			record "$master"
			for w in $(children "$master"); do record "$w"; done
			return 0
		fi
		tries=$((tries + 1)) # the probed port was taken meanwhile: another
	done
	cat "$work/logs/start.log"
	return 1
}

stop_all() {
	stop_pids
	: > "$work/pids"
}

# ---- checks ----
verdict() { # CONDITION-EXIT-STATUS NAME METRIC MEASURED MODEL MARGIN
	if [ "$1" -eq 0 ]; then passed=$((passed + 1)); v=ok; else failed=$((failed + 1)); v=FAILED; fi
	printf '%-16s %-30s real %-10s model %-10s (within %s) %s\n' "$2" "$3" "${4:-missing}" "${5:-missing}" "$6" "$v"
}
# numbers only: a missing or null value fails the check
isnum() { echo "$1" | grep -Eq '^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$'; }
within() { # NAME METRIC MEASURED MODEL MARGIN
	ok=1
	isnum "$3" && isnum "$4" && isnum "$5" &&
		awk -v a="$3" -v b="$4" -v t="$5" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t + 1e-9) }' && ok=0
	verdict $ok "$1" "$2" "$3" "$4" "$5"
}
rate() { # NAME METRIC MEASURED MODEL COUNT: 3 binomial SEs + RATE_SLACK
	mg=""
	isnum "$4" && isnum "$5" &&
		mg=$(awk -v p="$4" -v n="$5" -v s=$RATE_SLACK 'BEGIN { if (n < 1) n = 1; if (p < 0) p = 0; if (p > 1) p = 1;
			printf "%.3f", 3 * sqrt(p * (1 - p) / n) + s }')
	within "$1" "$2" "$3" "$4" "$mg"
}
relative() { # NAME METRIC MEASURED MODEL FRACTION
	mg=""
	isnum "$4" && mg=$(awk -v b="$4" -v f="$5" 'BEGIN { printf "%.3f", (b < 0 ? -b : b) * f }')
	within "$1" "$2" "$3" "$4" "$mg"
}

# a number from JSON text: KEY (a dotted path) of FILE, via node
get() {
	node -e 'const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
let v = o; for (const k of process.argv[2].split(".")) v = v == null ? v : v[k];
if (typeof v === "number") console.log(v);' "$1" "$2" 2>/dev/null
}

# model NAME TRANSPORT POLICY KEY CLIENTS DURATION_MS ADDRESSES [EVENTS]:
# the experiment for MODEL_SEEDS seeds; their mean summary in $work/model.json
model() {
	name=$1 transport=$2 policy=$3 key=$4 clients=$5 dur=$6 addresses=$7 events=${8:-}
	s=1
	while [ $s -le $MODEL_SEEDS ]; do
		cat > "$work/exp.json" <<EOF
{"name": "$name", "seed": $s, "duration": $(sec "$dur"),
 "balancer": {"policy": "$policy", "hash_key": "$key", "fail_timeout": $FAIL_TIMEOUT, "recovery_window": 5,
   "servers": [{"name": "s1", "address": "127.0.0.1:$P1"},
               {"name": "s2", "address": "127.0.0.1:$P2"},
               {"name": "s3", "address": "127.0.0.1:$P3"}]},
 "clients": {"count": $clients, "transport": "$transport", "addresses": "$addresses",
   "latency": {"dist": "exp", "mean": $(sec $LATENCY_MS)},
   "message_interval": {"dist": "exp", "mean": $(sec $MESSAGE_MS)}, "retry": {"base": $RETRY_SCALE}},
 "sockjs": {"heartbeat": $(sec $HEARTBEAT_MS), "disconnect_delay": $(sec $DISCONNECT_MS)}$events}
EOF
		"$bin" run "$work/exp.json" -o "$work/sim-$s" -q --force >>"$work/model.log" 2>&1 || return 1
		s=$((s + 1))
	done
	# the mean of every number over the seeds ("balancer" only)
	node -e 'const fs = require("fs"); const [dir, n] = [process.argv[1], Number(process.argv[2])];
const add = (a, b) => { for (const k in b) { if (typeof b[k] === "number") a[k] = (a[k] || 0) + b[k] / n;
  else if (b[k] && typeof b[k] === "object") add(a[k] = a[k] || {}, b[k]); else if (b[k] === null) a[k] = a[k] || null; } return a; };
let m = {}; for (let s = 1; s <= n; s++) add(m, JSON.parse(fs.readFileSync(`${dir}/sim-${s}/summary.json`, "utf8")).balancer);
fs.writeFileSync(`${dir}/model.json`, JSON.stringify(m));' "$work" $MODEL_SEEDS
}

# drive CLIENTS DURATION_MS DISTINCT TRANSPORT [WATCHED]: the load client in
# the background; its JSON goes to $work/real.json
drive() {
	node "$js/client.js" --port "$LISTEN" --clients "$1" --duration "$2" --message $MESSAGE_MS \
		--retry-scale $RETRY_SCALE --heartbeat $DDP_HEARTBEAT_MS --distinct "$3" --seed 7 \
		--latency $LATENCY_MS --backends "s1=$P1,s2=$P2,s3=$P3" ${5:+--watch $5 --recovery 5000} \
		> "$work/real.json" 2>"$work/client.log" &
	client=$!
	record $client
}

# wait (at most N tenths of a second) for the client to write LINE to its log
client_says() { # LINE N
	i=0
	while [ $i -lt "$2" ] && ! grep -qx "$1" "$work/client.log" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
}

# the five checks of a run without failures
compare_run() { # NAME CLIENTS DURATION_MS
	r=$work/real.json m=$work/model.json
	for k in connect_success_per_open:opens send_404_rate:sends lost_session_rate:polls; do
		rate "$1" "${k%%:*}" "$(get $r ${k%%:*})" "$(get $m ${k%%:*})" "$(get $r ${k#*:})"
	done
	per_client() { isnum "${1:-}" && awk -v v="$1" -v n="$2" 'BEGIN { printf "%.4f", v / n }'; }
	within "$1" client_sessions_per_client "$(per_client "$(get $r client_sessions_mean)" "$2")" \
		"$(per_client "$(get $m client_sessions_mean)" "$2")" 0.15
	per_open() { isnum "${1:-}" && isnum "${2:-}" && awk -v v="$1" -v o="$2" -v d="$3" 'BEGIN { if (o > 0) printf "%.4f", v * d / 1000 / o }'; }
	relative "$1" server_session_seconds_per_open "$(per_open "$(get $r server_sessions_mean)" "$(get $r opens)" "$3")" \
		"$(per_open "$(get $m server_sessions_mean)" "$(get $m opens)" "$3")" 0.35
}

run_case() { # NAME POLICY KEY METHOD LOCATION MAPS CLIENTS DURATION_MS DISTINCT
	start_all 0 "$4" "$5" "$6" || { verdict 1 "$1" "nginx and the servers start" "" "" ""; stop_all; return; }
	drive "$7" "$8" "$9" xhr-polling
	wait "$client"
	stop_all
	addresses=loopback
	[ "$9" = 0 ] && addresses=single
	model "$1" xhr-polling "$2" "$3" "$7" "$8" $addresses || { verdict 1 "$1" "the model runs" "" "" ""; return; }
	compare_run "$1" "$7" "$8"
}

# The same with s2 SIGKILLed (by PID) at 2 s and restarted on its port at
# 4 s, 9 s in all; the client is told by SIGUSR1/SIGUSR2 so that it counts
# what moved and what broke on recovery as the model does.
run_failure_case() { # NAME POLICY KEY METHOD LOCATION MAPS TRANSPORT
	ws=0
	[ "$7" = websocket ] && ws=1
	start_all $ws "$4" "$5" "$6" || { verdict 1 "$1" "nginx and the servers start" "" "" ""; stop_all; return; }
	drive 30 9000 1 "$7" s2
	# 2 s of the client's own time (from its "started", after node has
	# loaded: on a busy machine that alone can take a second), and every
	# client connected once, as in the model, before s2 is killed
	client_says started 300
	sleep 2
	client_says "all connected" 100
	kill -KILL "$spid2"
	kill -USR1 "$client"
	sleep 2
	start_server 2 $ws "$P2" || verdict 1 "$1" "s2 restarts" "" "" ""
	kill -USR2 "$client"
	wait "$client"
	stop_all
	model "$1" "$7" "$2" "$3" 30 9000 loopback \
		', "events": [{"at": 2, "kill": "s2"}, {"at": 4, "restart": "s2"}]' ||
		{ verdict 1 "$1" "the model runs" "" "" ""; return; }
	r=$work/real.json m=$work/model.json
	rate "$1" connect_success_per_open "$(get $r connect_success_per_open)" "$(get $m connect_success_per_open)" \
		"$(get $r opens)"
	for k in moved_by_failure broken_on_recovery; do
		within "$1" $k "$(get $r $k)" "$(get $m $k)" 3
	done
	within "$1" sessions_on_s2_at_end "$(get $r sessions_per_server.s2)" "$(get $m sessions_per_server.s2)" 3
	within "$1" rehome_seconds_max "$(get $r rehome_seconds_max)" "$(get $m rehome_seconds.max)" 0.5
}

plain='location / { proxy_pass http://backends; }'
# the sticky module's cookie, emulated: nginx sets route=<server> on every
# answer (from the upstream that gave it) and proxies by it; a dead
# server's 502 falls back to round-robin
sticky_maps='map \$cookie_route \$sticky { s1 127.0.0.1:$P1; s2 127.0.0.1:$P2; s3 127.0.0.1:$P3; default backends; }
    map \$upstream_addr \$route { \"~127\\.0\\.0\\.1:$P1\$\" s1; \"~127\\.0\\.0\\.1:$P2\$\" s2; \"~127\\.0\\.0\\.1:$P3\$\" s3; default \"\"; }'
sticky_loc='add_header Set-Cookie \"route=\$route; Path=/\" always;
        location / { proxy_pass http://\$sticky; error_page 502 = @rr; }
        location @rr { proxy_pass http://backends; }'
sid_map='map \$uri \$sockjs_sid { \"~^/sockjs/(?<sid>[0-9]+)/\" \$sid; default \"\"; }'

run_case round-robin-1 round-robin client-address "" "$plain" "" 1 12000 1
run_case round-robin-10 round-robin client-address "" "$plain" "" 10 6000 1
run_case round-robin-40 round-robin client-address "" "$plain" "" 40 6000 1
run_case random random client-address "random;" "$plain" "" 30 6000 1
run_case ip-hash ip-hash client-address "ip_hash;" "$plain" "" 30 6000 1
run_case hash-server-id hash-consistent sockjs-server-id 'hash \$sockjs_sid consistent;' "$plain" "$sid_map" 30 6000 1
run_case sticky-map sticky-cookie client-address "" "$sticky_loc" "$sticky_maps" 30 6000 1

run_failure_case sticky-map-kill sticky-cookie client-address "" "$sticky_loc" "$sticky_maps" xhr-polling
run_failure_case ip-hash-kill ip-hash client-address "ip_hash;" "$plain" "" xhr-polling
# the websocket proxying of the nginx configuration the project started
# from (docs/model.md, "The nginx configurations modelled"): round-robin,
# no stickiness
ws_loc='location / { proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \"upgrade\"; proxy_read_timeout 60s; }'
run_failure_case websocket-kill round-robin client-address "" "$ws_loc" "" websocket

# nothing this test started may be left running: no PID it recorded, and
# no process that carries its mark (CS_ITEST_PARENT=$$ in its environment)
stop_all
left=""
for p in $(cat "$work/allpids"); do alive "$p" && left="$left $p"; done
for f in /proc/[0-9]*/environ; do
	p=${f#/proc/}
	p=${p%/environ}
	[ "$p" = $$ ] && continue
	{ tr '\0' '\n' < "$f"; } 2>/dev/null | grep -qx "CS_ITEST_PARENT=$$" && left="$left $p"
done
if [ -n "$left" ]; then
	for p in $left; do echo "left running: $p $(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null)"; done
	verdict 1 cleanup "processes left running" "$(echo $left | wc -w)" 0 0
else
	verdict 0 cleanup "processes left running" 0 0 0
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
