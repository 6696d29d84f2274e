#!/bin/sh
# make bench: print the benchmark figures with their targets.  Nothing
# here fails the build on time: these machines are shared and noisy.
# usage: bench/run.sh CLUSTERSIM BENCH_BUILD_DIR
#
# Timed runs are repeated (BENCH_REPEAT, default 5, as Python's timeit
# does) and the best and the median wall time printed; the target is
# judged on the best, the run least disturbed by other work on the machine
# (the hold model does the same within one process).  Each repetition
# writes its results afresh.
bin=$1
dir=$2
out=${BENCH_OUT:-bench/out}
repeat=${BENCH_REPEAT:-5}
mkdir -p "$out"

echo "== engine hold model (issue 2: engine >= 0.8x a bare array heap) =="
"$dir/hold" || echo "(below target at some size)"
echo

now() { date +%s.%N; }

scale() {
	exp=$1 target_s=$2 target_mb=$3
	name=$(basename "$exp" .json)
	walls=""
	i=0
	while [ "$i" -lt "$repeat" ]; do
		rm -rf "$out/$name"
		t0=$(now)
		"$bin" run "$exp" -o "$out/$name" -q --force 2>/dev/null || { echo "$name: run failed"; return; }
		t1=$(now)
		walls="$walls $t0:$t1"
		i=$((i + 1))
	done
	python3 - "$out/$name" "$target_s" "$target_mb" $walls <<'PY' 2>/dev/null || cat "$out/$name/run.json"
import json, statistics, sys
d, ts, tm = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
walls = sorted(float(b) - float(a) for a, b in (w.split(":") for w in sys.argv[4:]))  # the whole process
r = json.load(open(d + "/run.json")); s = json.load(open(d + "/summary.json"))
ok = walls[0] < ts and r["peak_rss_mib"] < tm
print("%-22s %6.2f s best, %6.2f s median of %d (target < %g s)  %6.1f MiB peak (target < %g)  %5.2fM events/s  %d jobs  %s"
      % (s["name"], walls[0], statistics.median(walls), len(walls), ts, r["peak_rss_mib"], tm,
         r["events_per_second"] / 1e6, s["jobs"]["submitted"], "ok" if ok else "MISSED"))
PY
}

echo "== scale runs, one process each (whole process: reading, running, writing) =="
scale experiments/bench/monolithic-10k-day.json 5 300
scale experiments/default.json 5 300

echo
echo "== elastic cells and partitioned resources (issue 16) =="
scale experiments/autoscaling/diurnal.json 2 300
scale experiments/bench/helix-large.json 2 300

echo
echo "== trace replay and month scale (issue 4) =="
scale experiments/traces/lanl-easy.json 0.15 4096
scale experiments/traces/google-part0-priority.json 1 4096
scale experiments/traces/google-part0-jobs.json 1 4096
scale experiments/traces/kth-easy.json 1 4096
scale experiments/bench/google-month.json 120 4096

echo
echo "== the Omega-paper sweep, 28 simulations (issue 3: under 3 s wall with -j 2, 200 MB per process) =="
# As shipped (summaries, curves, no per-job rows: the paper's simulator
# writes none), then with jobs.csv for reference (28 x 3.6 MB more to format
# and write; about a tenth more CPU).
sweep() {
	label=$1
	shift
	walls=""
	i=0
	while [ "$i" -lt "$repeat" ]; do
		rm -rf "$out/omega-sweep"
		start=$(now)
		"$bin" sweep experiments/bench/omega-sweep.json -o "$out/omega-sweep" -j 2 -q --force "$@"
		end=$(now)
		walls="$walls $start:$end"
		i=$((i + 1))
	done
	python3 - "$out/omega-sweep" "$label" $walls <<'PY'
import json, os, statistics, sys
d, label = sys.argv[1], sys.argv[2]
walls = sorted(float(b) - float(a) for a, b in (w.split(":") for w in sys.argv[3:]))
pts = sorted(os.listdir(d + "/points"))
runs = [json.load(open("%s/points/%s/run.json" % (d, p))) for p in pts]
peak = max(r["peak_rss_mib"] for r in runs)
cpu = sum(r["wall_seconds"] for r in runs)
ok = walls[0] < 3 and peak < 200
print("%d simulations%s: %.2f s best, %.2f s median of %d, wall with -j 2 (target < 3 s); %.1f s of simulation "
      "in the last; largest peak %.1f MiB (target < 200)  %s"
      % (len(runs), label, walls[0], statistics.median(walls), len(walls), cpu, peak, "ok" if ok else "MISSED"))
slow = sorted(zip((r["wall_seconds"] for r in runs), pts), reverse=True)[:3]
print("  slowest points: " + ", ".join("%s %.2f s" % (p, w) for w, p in slow))
PY
}
sweep ""
sweep " with jobs.csv" --set output.jobs=true

echo
echo "== Omega sync cost against cell size (issue 3: a snapshot must not cost O(cell)) =="
omega='{"type":"omega","schedulers":[{"name":"batch","workloads":["batch"],"t_job":0.1,"t_task":0.005},{"name":"service","workloads":["service"],"t_job":1,"t_task":0.005}]}'
for n in 1000 10000; do
	rm -rf "$out/omega-$n"
	"$bin" run experiments/bench/monolithic-10k-day.json -o "$out/omega-$n" -q --force \
		--set "cell.machines[0].count=$n" --set "scheduler=$omega" --set duration=6h \
		--set "workloads[0].arrival.mean=$(python3 -c "print(1.44 * 10000 / $n)")" || continue
	python3 - "$out/omega-$n" "$n" <<'PY'
import json, sys
d, n = sys.argv[1], sys.argv[2]
r = json.load(open(d + "/run.json")); s = json.load(open(d + "/summary.json"))
tx = sum(v["transactions"] for v in s["schedulers"].values())
tasks = s["jobs"]["submitted"]
print("%6s machines: %7d transactions, %.2f s, %.2f us per transaction (the same load per machine)"
      % (n, tx, r["wall_seconds"], 1e6 * r["wall_seconds"] / max(tx, 1)))
PY
done

echo
echo "== the Kubernetes scalability envelope (issue 13: under 20 s and 1 GiB on one core) =="
# experiments/bench/k8s-envelope.json: 5,000 nodes, 150,000 pods in 1,000
# Deployments, a rolling update of every Deployment and 1% of the nodes
# failing over 6 simulated hours, under the kubernetes scheduler kind.
walls=""
i=0
while [ "$i" -lt "$repeat" ]; do
	rm -rf "$out/k8s-envelope"
	t0=$(now)
	"$bin" run experiments/bench/k8s-envelope.json -o "$out/k8s-envelope" -q --force 2>/dev/null || { echo "k8s-envelope: run failed"; break; }
	t1=$(now)
	walls="$walls $t0:$t1"
	i=$((i + 1))
done
python3 - "$out/k8s-envelope" $walls <<'PY'
import json, statistics, sys
d = sys.argv[1]
walls = sorted(float(b) - float(a) for a, b in (w.split(":") for w in sys.argv[2:]))
r = json.load(open(d + "/run.json")); s = json.load(open(d + "/summary.json"))
pods = s["scheduler_metrics"]["pods_placed"]
ok = walls[0] < 20 and r["peak_rss_mib"] < 1024
print("k8s-envelope           %6.2f s best, %6.2f s median of %d (target < 20 s)  %6.1f MiB peak (target < 1024)  "
      "%.0f events/s  %d pods placed, %.0f pods/s  %s"
      % (walls[0], statistics.median(walls), len(walls), r["peak_rss_mib"], r["events"] / walls[0], pods,
         pods / walls[0], "ok" if ok else "MISSED"))
PY

echo
echo "== live mode (issue 14: >= 500 launches/s end to end; GET /v2/apps p99 < 10 ms under 200 clients) =="
sh bench/live.sh "$bin" "$dir/http_load"

echo
echo "== sweeps through Slurm (issue 15: the Omega-paper sweep x 10 replications within 1.3x of local -j 2; compare of 280 results under 1 s) =="
sh bench/slurm.sh "$bin"
