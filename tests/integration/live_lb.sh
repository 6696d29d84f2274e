#!/bin/sh
# tests/integration/live_lb.sh — load balancers kept in step with an app's
# running tasks (docs/live.md, "Load balancers"): a controller on
# 127.0.0.1 with three live.load_balancers — nginx with the sticky
# long-polling setup (the sticky module's cookie, emulated: Debian's nginx
# has no sticky module) on 127.0.0.5, nginx with the websocket setup on
# 127.0.0.7, HAProxy 2.6 in master-worker mode with cookie stickiness on
# 127.0.0.6, each with its check command, and one whose check always
# fails (its file must stay as it was) — and three agents on
# 127.0.0.2-127.0.0.4.  An app (tests/integration/lb/backend.py, answering
# its task id; it dies at once on SIGTERM) with a service port is scaled
# 1 -> 5 -> 2 while clients (lb/client.py: keep-alive, a reset reused
# connection retried once, as HTTP clients do) send requests through
# nginx and HAProxy, with and without cookies.  Checks: no request failed;
# with 5 tasks the cookie-less clients reach all 5 through each balancer
# and each sticky client stays on one task; after the scale-down only the
# 2 remaining tasks answer and the written files name exactly them; the
# balancers' masters are the same processes (reloaded, not restarted),
# told to reload by the controller (clustersim_lb_reloads_total); a
# websocket upgrade passes the websocket setup; nothing is left running.
#
# Ports: the controller's and agents' are the kernel's (port 0); the
# service port is one found free on 127.0.0.5-127.0.0.7 at run time.
# Waits poll with a bound (30 s); no check is on time.
#
# usage: tests/integration/live_lb.sh CLUSTERSIM
# Prints one line per check and "N passed, N failed".
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/clustersim-lb-XXXXXX)
name=live-lb
pattern="$here/lb/backend.py"
. "$here/live_lib.sh"

nginx=$(command -v nginx || echo /usr/sbin/nginx)
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
if [ ! -x "$nginx" ] || [ ! -x "$haproxy" ]; then
	check 1 "nginx and haproxy are installed (make deps)"
	finish
	exit 1
fi

# a port free on the balancer addresses (and HAProxy's own frontend's)
sp=$(python3 -c '
import socket
for _ in range(50):
    s = socket.socket(); s.bind(("127.0.0.5", 0)); p = s.getsockname()[1]; s.close()
    try:
        for a in ("127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.9"):
            t = socket.socket(); t.bind((a, p)); t.close()
        print(p); break
    except OSError:
        pass')

cat > "$work/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    include $work/nginx-longpoll.conf;
    include $work/nginx-websocket.conf;
}
EOF
cat > "$work/haproxy-base.cfg" <<EOF
global
    log stderr format short local0 info
defaults
    mode http
    log global
    option httplog
    option dontlog-normal
    timeout connect 2s
    timeout client 30s
    timeout server 30s
# (HAProxy refuses a configuration without a listener: the operator's own)
frontend status
    bind 127.0.0.9:$sp
    http-request return status 200
EOF
cat > "$work/lb.json" <<EOF
{"name": "lb", "seed": 1,
 "cell": {"machines": [{"name": "agent", "count": 3, "cpu": 2, "mem": "2GiB"}]},
 "scheduler": {"type": "monolithic", "paths": [{"name": "all", "t_job": 0, "t_task": 0}]},
 "live": {"apps": 10, "load_balancers": [
   {"kind": "nginx", "setup": "longpoll-sticky", "bind": "127.0.0.5", "config": "$work/nginx-longpoll.conf",
    "pid_file": "$work/nginx.pid", "min_interval": 0.2,
    "check": ["$nginx", "-t", "-q", "-p", "$work", "-c", "$work/nginx.conf"]},
   {"kind": "nginx", "setup": "websocket", "bind": "127.0.0.7", "config": "$work/nginx-websocket.conf",
    "pid_file": "$work/nginx.pid", "min_interval": 0.2},
   {"kind": "haproxy", "sticky": true, "bind": "127.0.0.6", "config": "$work/haproxy.cfg",
    "pid_file": "$work/haproxy.pid", "min_interval": 0.2,
    "check": ["$haproxy", "-c", "-f", "$work/haproxy-base.cfg", "-f", "$work/haproxy.cfg"]},
   {"kind": "haproxy", "name": "rejected", "bind": "127.0.0.8", "config": "$work/rejected.cfg",
    "pid_file": "$work/no-such.pid", "check": ["false"]}]}}
EOF
echo "# the operator's own" > "$work/rejected.cfg"

# ---- the controller, the balancers, the agents ----
"$bin" live "$work/lb.json" --state "$work/state" --listen 127.0.0.1:0 --agent-timeout 3s \
	> "$work/controller.log" 2>&1 &
ctl=$!
started $ctl
wait_for '[ -s "$work/state/url" ] && [ -f "$work/nginx-longpoll.conf" ] && [ -f "$work/haproxy.cfg" ]'
check $? "the controller listens and writes the balancers' files"
url=$(cat "$work/state/url" 2>/dev/null)
"$nginx" -p "$work" -c "$work/nginx.conf" > "$work/nginx.log" 2>&1 &
ngx=$!
started $ngx
"$haproxy" -W -db -p "$work/haproxy.pid" -f "$work/haproxy-base.cfg" -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
hap=$!
started $hap
wait_for '[ -s "$work/nginx.pid" ] && [ -s "$work/haproxy.pid" ]'
check $? "nginx and HAProxy start on the files (their pid files written)"
start_agents 2 2GiB --kill-grace 1s
wait_for '[ "$(curl -s "$url/metrics" | grep -c "^clustersim_agents_up 3")" = 1 ]'
check $? "three agents registered"

running() { # the app's tasksRunning, or -1
	r=$(curl -s "$url/v2/apps/web" | python3 -c 'import json,sys; print(json.load(sys.stdin)["app"]["tasksRunning"])' 2>/dev/null)
	echo "${r:--1}"
}
servers() { grep -c '^    server ' "$1" 2>/dev/null; } # server lines of a written file
answers() { curl -s -o /dev/null -w '%{http_code}' "http://$1:$sp/"; }
scale() {
	s=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Content-Type: application/json" "$url/v2/apps/web" -d "{\"instances\": $1}")
	[ "$s" = 200 ] && wait_for "[ \"\$(running)\" = $1 ] && [ \"\$(servers $work/haproxy.cfg)\" = $1 ] && [ \"\$(servers $work/nginx-websocket.conf)\" = $1 ]"
}

s=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Content-Type: application/json" "$url/v2/apps" \
	-d "{\"id\": \"web\", \"cmd\": \"exec python3 $here/lb/backend.py\", \"instances\": 1, \"cpus\": 0.1, \"mem\": 64, \"ports\": [$sp]}")
[ "$s" = 201 ] && wait_for '[ "$(running)" = 1 ] && [ "$(answers 127.0.0.5)" = 200 ] && [ "$(answers 127.0.0.6)" = 200 ]'
check $? "an app with service port $sp: one task, answering through nginx and HAProxy" "(POST: $s)"
master_ngx=$(cat "$work/nginx.pid") master_hap=$(cat "$work/haproxy.pid")

# ---- clients through both balancers while the app scales ----
for c in "127.0.0.5 plain ngx-plain" "127.0.0.5 sticky ngx-sticky" "127.0.0.6 plain hap-plain" "127.0.0.6 sticky hap-sticky"; do
	set -- $c
	python3 "$here/lb/client.py" "$1" "$sp" "$2" 2 "$work/stop" "$work/$3" 2> "$work/$3.log" &
	started $!
	eval "client_$(echo "$3" | tr - _)=$!"
done
sleep 1
scale 5
check $? "scale to 5: five tasks running, five servers in the written files"
sleep 2; t1=$(date +%s.%N); sleep 3; t2=$(date +%s.%N)
scale 2
check $? "scale to 2: two tasks running, two servers in the written files"
sleep 2; t3=$(date +%s.%N); sleep 3; t4=$(date +%s.%N)
: > "$work/stop"
for v in client_ngx_plain client_ngx_sticky client_hap_plain client_hap_sticky; do
	eval "wait \$$v"
done
curl -s "$url/v2/apps/web/tasks" > "$work/tasks.json"

# python over the clients' answer lines: FILE T0 T1 EXPR, with the
# answers between T0 and T1 as a list a of (thread, task)
between() {
	python3 -c '
import json, sys
a = [(int(l.split()[1]), l.split()[2]) for l in open(sys.argv[1]) if l.strip() and float(sys.argv[2]) <= float(l.split()[0]) <= float(sys.argv[3])]
run = set(t["id"] for t in json.load(open(sys.argv[5]))["tasks"])
print(eval(sys.argv[4]))' "$work/$1" "$2" "$3" "$4" "$work/tasks.json" 2>&1
}
for lb in ngx hap; do
	label=nginx; [ $lb = hap ] && label=HAProxy
	r=$(python3 -c 'import json,sys; t=[json.load(open(f + ".json")) for f in sys.argv[1:]]; print(sum(x["ok"] for x in t), sum(x["failed"] for x in t), sum(x["retried"] for x in t), [x["failures"] for x in t])' "$work/$lb-plain" "$work/$lb-sticky")
	set -- $r
	[ "$1" -ge 100 ] && [ "$2" -eq 0 ]
	check $? "$label: no request lost across the reloads and the scaling" "($1 answered, $2 failed, $3 retried on a reset reused connection: $r)"
	n=$(between $lb-plain "$t1" "$t2" 'len(set(t for _, t in a))')
	[ "$n" = 5 ]
	check $? "$label: with 5 tasks, the clients without cookies reach all 5" "(got $n)"
	n=$(between $lb-sticky "$t1" "$t2" 'max(len(set(t for k, t in a if k == j)) for j in (0, 1)) if a else 0')
	[ "$n" = 1 ]
	check $? "$label: each sticky client stays on one task" "(at most $n tasks per client)"
	n=$(between $lb-plain "$t3" "$t4" 'len(a) > 0 and set(t for _, t in a) <= run and len(set(t for _, t in a))')
	[ "$n" = 2 ]
	check $? "$label: after the scale-down, only the 2 running tasks answer" "(got $n)"
done
want=$(python3 -c 'import json,sys; print(" ".join(sorted("%s:%d" % (t["host"], t["ports"][0]) for t in json.load(open(sys.argv[1]))["tasks"])))' "$work/tasks.json")
got=$(sed -n 's/^    server \([0-9.]*:[0-9]*\).*/\1/p' "$work/nginx-websocket.conf" | sort | tr '\n' ' ' | sed 's/ $//')
got_hap=$(sed -n 's/^    server [^ ]* \([0-9.]*:[0-9]*\).*/\1/p' "$work/haproxy.cfg" | sort | tr '\n' ' ' | sed 's/ $//')
[ -n "$want" ] && [ "$got" = "$want" ] && [ "$got_hap" = "$want" ]
check $? "the written files name exactly the running tasks' HOST:PORT" "(tasks: $want; nginx: $got; haproxy: $got_hap)"
[ "$(cat "$work/nginx.pid")" = "$master_ngx" ] && [ "$(cat "$work/haproxy.pid")" = "$master_hap" ] &&
	kill -0 "$master_ngx" && kill -0 "$master_hap"
check $? "the balancers' masters were reloaded, not restarted"
reloads=$(curl -s "$url/metrics" | sed -n 's/^clustersim_lb_reloads_total //p')
[ "${reloads:-0}" -ge 6 ] 2>/dev/null
check $? "the controller told them to reload (clustersim_lb_reloads_total)" "(got $reloads)"
[ "$(cat "$work/rejected.cfg")" = "# the operator's own" ] &&
	[ "$(curl -s "$url/metrics" | sed -n 's/^clustersim_lb_check_failures_total //p')" -ge 1 ] 2>/dev/null
check $? "a configuration its check rejects is undone (the file as it was; clustersim_lb_check_failures_total)"
ws=$(python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.7", int(sys.argv[1])), timeout=10)
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
head = b""
while b"\r\n\r\n" not in head:
    head += s.recv(1)
s.sendall(b"ping")
print(head.split(b" ")[1].decode(), s.recv(4).decode())' "$sp" 2>&1)
[ "$ws" = "101 ping" ]
check $? "the websocket setup passes an upgrade (101, echoed bytes)" "(got $ws)"

# ---- the end ----
s=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$url/v2/apps/web")
wait_for '! pgrep -f "$pattern" >/dev/null && [ "$(answers 127.0.0.6)" = 503 ]'
check $? "the app deleted: no task left, HAProxy answers 503" "(DELETE: $s)"
kill -TERM $ctl
wait $ctl
check $? "the controller stops on SIGTERM with exit 0"
for p in $agent2 $agent3 $agent4 $ngx $hap; do kill -TERM "$p"; wait "$p"; done
left=0
for p in $(cat "$work/pids"); do kill -0 "$p" 2>/dev/null && left=$((left + 1)); done
pgrep -f "$pattern" >/dev/null && left=$((left + 1))
pgrep -f "$work/nginx.conf|$work/haproxy" >/dev/null && left=$((left + 1))
[ $left -eq 0 ]
check $? "nothing left running" "($left)"
finish
