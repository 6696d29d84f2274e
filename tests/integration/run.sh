#!/bin/sh
# tests/integration/run.sh — the session-balancing model against a real
# nginx (issue 5): Debian's nginx on 127.0.0.1 in front of three of the
# project's SockJS backends (sockjs_server.c: xhr-polling and websocket), driven by the
# project's load client (sockjs_client.c); then the same scenario in the
# simulator; the measured and simulated metrics must agree within the
# stated tolerances.  Everything listens on loopback and every process is
# stopped by its PID.  Time is scaled: heartbeat 2.5 s, disconnect_delay
# 0.5 s, Meteor's retry schedule x 0.01, messages every 0.5 s on average,
# fail_timeout 1 s, 30 clients for 6 s per configuration.
#
# usage: tests/integration/run.sh CLUSTERSIM BUILD_DIR
# Prints one line per configuration and metric, and "N passed, N failed".
set -u
bin=$1
build=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/clustersim-itest-XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

cc -O2 -o "$build/sockjs_server" "$here/sockjs_server.c" || exit 1
cc -O2 -o "$build/sockjs_client" "$here/sockjs_client.c" -lm || exit 1
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx is not installed (apt-get install nginx-light)"; exit 1; }

CLIENTS=30 DURATION_MS=6000 FAILURE_MS=9000 MESSAGE_MS=500 RETRY_SCALE=0.01 HEARTBEAT_MS=2500 DISCONNECT_MS=500
BASE=13000 LISTEN=18080
SERVER_OPTS="max_fails=1 fail_timeout=1s" FAIL_TIMEOUT=1 # nginx's defaults are 1 and 10 s
passed=0 failed=0

# nginx.conf for a configuration: the upstream block's method line and
# the location's proxying
write_conf() {
	method=$1 location=$2 maps=$3
	mkdir -p "$work/logs"
	cat > "$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    $maps
    upstream backends {
        $method
        server 127.0.0.1:$((BASE + 1)) $SERVER_OPTS;
        server 127.0.0.1:$((BASE + 2)) $SERVER_OPTS;
        server 127.0.0.1:$((BASE + 3)) $SERVER_OPTS;
    }
    server {
        listen 127.0.0.1:$LISTEN;
        $location
    }
}
EOF
}

start_all() {
	pids=""
	for i in 1 2 3; do
		"$build/sockjs_server" $((BASE + i)) "s$i" $HEARTBEAT_MS $DISCONNECT_MS &
		pids="$pids $!"
	done
	for i in 1 2 3; do
		"$build/sockjs_client" --wait $((BASE + i)) 5000 || return 1
	done
	"$nginx" -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log" || return 1
	"$build/sockjs_client" --wait $LISTEN 5000 || return 1
}

stop_all() {
	kill "$(cat "$work/nginx.pid")" 2>/dev/null
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	pids=""
	# nginx is gone when its pid file is (it removes it on exit)
	n=0
	while [ -f "$work/nginx.pid" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
}

# compare NAME METRIC MEASURED SIMULATED TOLERANCE (absolute)
compare() {
	if awk -v a="$3" -v b="$4" -v t="$5" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; then
		passed=$((passed + 1)); verdict=ok
	else
		failed=$((failed + 1)); verdict=FAILED
	fi
	printf '%-16s %-26s nginx %-9s model %-9s (within %s) %s\n' "$1" "$2" "$3" "$4" "$5" "$verdict"
}

field() { # a number from a flat JSON object
	tr ',{}' '\n\n\n' | grep "\"$1\"" | head -1 | sed 's/.*: *//'
}

run_case() {
	name=$1 policy=$2 distinct=$3 key=$4 method=$5 location=$6 maps=$7
	write_conf "$method" "$location" "$maps"
	start_all || { echo "$name: nginx did not start"; failed=$((failed + 1)); return; }
	measured=$("$build/sockjs_client" $LISTEN $CLIENTS $DURATION_MS $MESSAGE_MS $RETRY_SCALE "$distinct" 7)
	stop_all
	addresses=loopback
	[ "$distinct" = 0 ] && addresses=single
	cat > "$work/exp.json" <<EOF
{"name": "$name", "seed": 7, "duration": $(awk -v d=$DURATION_MS 'BEGIN{print d/1000}'),
 "balancer": {"policy": "$policy", "hash_key": "$key", "fail_timeout": $FAIL_TIMEOUT,
   "servers": [{"name": "s1", "address": "127.0.0.1:$((BASE + 1))"},
               {"name": "s2", "address": "127.0.0.1:$((BASE + 2))"},
               {"name": "s3", "address": "127.0.0.1:$((BASE + 3))"}]},
 "clients": {"count": $CLIENTS, "transport": "xhr-polling", "addresses": "$addresses",
   "message_interval": {"dist": "exp", "mean": $(awk -v m=$MESSAGE_MS 'BEGIN{print m/1000}')},
   "retry": {"base": $RETRY_SCALE}},
 "sockjs": {"heartbeat": $(awk -v h=$HEARTBEAT_MS 'BEGIN{print h/1000}'),
            "disconnect_delay": $(awk -v d=$DISCONNECT_MS 'BEGIN{print d/1000}')}}
EOF
	"$bin" run "$work/exp.json" -o "$work/sim-$name" -q --force || { failed=$((failed + 1)); return; }
	sim=$(tr -d '\n ' < "$work/sim-$name/summary.json" | sed 's/.*"balancer"://')
	for m in connect_success_per_open send_404_rate lost_session_rate; do
		compare "$name" "$m" "$(echo "$measured" | field $m)" "$(echo "$sim" | field $m)" 0.15
	done
}

# The same with s2 killed at 2 s and restarted at 4 s, 9 s in all (SIGKILL by PID; the
# client is told by SIGUSR1/SIGUSR2 so that it can count what moved and
# what broke on recovery, as the model does).
run_failure_case() {
	name=$1 policy=$2 key=$3 method=$4 location=$5 maps=$6 transport=${7:-xhr-polling}
	write_conf "$method" "$location" "$maps"
	start_all || { echo "$name: nginx did not start"; failed=$((failed + 1)); return; }
	# 9 s: the last requests to the dead server reset its fail_timeout, so
	# it may take the balancer up to fail_timeout after the restart to send
	# anything there; the recovery window covers the rest of the run
	CS_TRANSPORT=$transport "$build/sockjs_client" $LISTEN $CLIENTS $FAILURE_MS $MESSAGE_MS $RETRY_SCALE 1 7 s2 5000 \
		> "$work/client.out" &
	client=$!
	sleep 2
	s1=$(echo $pids | cut -d' ' -f1) s2=$(echo $pids | cut -d' ' -f2) s3=$(echo $pids | cut -d' ' -f3)
	kill -KILL "$s2"
	kill -USR1 "$client"
	sleep 2
	"$build/sockjs_server" $((BASE + 2)) s2 $HEARTBEAT_MS $DISCONNECT_MS &
	pids="$s1 $! $s3"
	"$build/sockjs_client" --wait $((BASE + 2)) 5000
	kill -USR2 "$client"
	wait "$client"
	measured=$(cat "$work/client.out")
	stop_all
	sec() { awk -v v="$1" 'BEGIN{print v/1000}'; }
	printf '%s\n' "{\"name\": \"$name\", \"seed\": 7, \"duration\": $(sec $FAILURE_MS)," \
		" \"balancer\": {\"policy\": \"$policy\", \"hash_key\": \"$key\", \"recovery_window\": 5, \"fail_timeout\": $FAIL_TIMEOUT," \
		"   \"servers\": [{\"name\": \"s1\", \"address\": \"127.0.0.1:$((BASE + 1))\"}," \
		"               {\"name\": \"s2\", \"address\": \"127.0.0.1:$((BASE + 2))\"}," \
		"               {\"name\": \"s3\", \"address\": \"127.0.0.1:$((BASE + 3))\"}]}," \
		" \"clients\": {\"count\": $CLIENTS, \"transport\": \"$transport\", \"addresses\": \"loopback\"," \
		"   \"message_interval\": {\"dist\": \"exp\", \"mean\": $(sec $MESSAGE_MS)}, \"retry\": {\"base\": $RETRY_SCALE}}," \
		" \"sockjs\": {\"heartbeat\": $(sec $HEARTBEAT_MS), \"disconnect_delay\": $(sec $DISCONNECT_MS)}," \
		" \"events\": [{\"at\": 2, \"kill\": \"s2\"}, {\"at\": 4, \"restart\": \"s2\"}]}" > "$work/exp.json"
	"$bin" run "$work/exp.json" -o "$work/sim-$name" -q --force || { failed=$((failed + 1)); return; }
	sim=$(tr -d '\n ' < "$work/sim-$name/summary.json" | sed 's/.*"balancer"://')
	compare "$name" connect_success_per_open "$(echo "$measured" | field connect_success_per_open)" \
		"$(echo "$sim" | field connect_success_per_open)" 0.15
	for m in moved_by_failure broken_on_recovery; do
		compare "$name" "$m" "$(echo "$measured" | field $m)" "$(echo "$sim" | field $m)" 3
	done
	compare "$name" "rehome_seconds_max" "$(echo "$measured" | field rehome_max)" "$(echo "$sim" | field max)" 0.25
	m2=$(echo "$measured" | field s2)
	compare "$name" "sessions_on_s2_at_end" "${m2:-0}" "$(echo "$sim" | field s2)" 3
}

plain='location / { proxy_pass http://backends; }'
run_case round-robin round-robin 1 client-address "" "$plain" ""
run_case random random 1 client-address "random;" "$plain" ""
run_case ip-hash ip-hash 1 client-address "ip_hash;" "$plain" ""
run_case hash-server-id hash-consistent 1 sockjs-server-id 'hash $sockjs_sid consistent;' "$plain" \
	'map $uri $sockjs_sid { "~^/sockjs/(?<sid>[0-9]+)/" $sid; default ""; }'
run_case sticky-map sticky-cookie 1 client-address "" \
	'location / { proxy_pass http://$sticky; error_page 502 = @rr; } location @rr { proxy_pass http://backends; }' \
	"map \$cookie_route \$sticky { s1 127.0.0.1:$((BASE + 1)); s2 127.0.0.1:$((BASE + 2)); s3 127.0.0.1:$((BASE + 3)); default backends; }"

sticky_loc='location / { proxy_pass http://$sticky; error_page 502 = @rr; } location @rr { proxy_pass http://backends; }'
sticky_map="map \$cookie_route \$sticky { s1 127.0.0.1:$((BASE + 1)); s2 127.0.0.1:$((BASE + 2)); s3 127.0.0.1:$((BASE + 3)); default backends; }"
run_failure_case sticky-map-kill sticky-cookie client-address "" "$sticky_loc" "$sticky_map"
run_failure_case ip-hash-kill ip-hash client-address "ip_hash;" "$plain" ""
# seed-examples/nginx-websocket.conf's proxying (round-robin, no stickiness)
ws_loc='location / { proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; proxy_read_timeout 60s; }'
run_failure_case websocket-kill round-robin client-address "" "$ws_loc" "" websocket

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
