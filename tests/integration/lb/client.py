"""tests/integration/lb/client.py — a client of live_lb.sh's load
balancers: THREADS threads each send GET / over one keep-alive connection
until STOP exists, every 20 ms.  A "sticky" client keeps the cookies it
is given and sends them back (a browser's behaviour).  A request sent on
a reused connection that the server side reset or closed before
answering is sent again once on a new connection, as HTTP clients do for
idempotent requests (RFC 9110, 9.2.2; nginx and HAProxy close idle
keep-alive connections when they reload); any other error, or a status
other than 200, is a failed request.

usage: client.py HOST PORT plain|sticky THREADS STOP OUT
OUT gets one line per answer, "TIME THREAD TASK", and OUT.json the totals
{"ok", "failed", "retried", "failures": [the first reasons]}."""
import http.client
import json
import os
import sys
import threading
import time

host, port, mode, nthreads, stop, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
lock = threading.Lock()
totals = {"ok": 0, "failed": 0, "retried": 0, "failures": []}
lines = []
RESET = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.BadStatusLine)


def one(conn, cookies):
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join("%s=%s" % kv for kv in sorted(cookies.items()))
    conn.request("GET", "/", headers=headers)
    r = conn.getresponse()
    body = r.read().decode(errors="replace")
    if mode == "sticky":
        for name, value in r.getheaders():
            if name.lower() == "set-cookie":
                kv = value.split(";", 1)[0].split("=", 1)
                if len(kv) == 2 and kv[1]:
                    cookies[kv[0].strip()] = kv[1].strip()
    return r.status, body


def worker(k):
    cookies = {}
    conn, used = None, False
    mine = []
    while not os.path.exists(stop):
        if conn is None:
            conn, used = http.client.HTTPConnection(host, port, timeout=15), False
        try:
            try:
                status, body = one(conn, cookies)
            except RESET:
                if not used:
                    raise
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=15)
                with lock:
                    totals["retried"] += 1
                status, body = one(conn, cookies)
            used = True
            if status == 200:
                mine.append("%.3f %d %s" % (time.time(), k, body))
                with lock:
                    totals["ok"] += 1
            else:
                with lock:
                    totals["failed"] += 1
                    if len(totals["failures"]) < 5:
                        totals["failures"].append("status %d: %s" % (status, body[:80]))
        except Exception as e:
            conn.close()
            conn = None
            with lock:
                totals["failed"] += 1
                if len(totals["failures"]) < 5:
                    totals["failures"].append("%s: %s" % (type(e).__name__, e))
        time.sleep(0.02)
    with lock:
        lines.extend(mine)


threads = [threading.Thread(target=worker, args=(k,)) for k in range(nthreads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open(out, "w") as f:
    f.write("\n".join(sorted(lines, key=lambda s: float(s.split()[0]))) + "\n")
with open(out + ".json", "w") as f:
    json.dump(totals, f)
