#!/bin/sh
# make bench: print the benchmark figures with their targets.  Nothing
# here fails the build on time: these machines are shared and noisy.
# usage: bench/run.sh CLUSTERSIM BENCH_BUILD_DIR
bin=$1
dir=$2
out=${BENCH_OUT:-bench/out}
mkdir -p "$out"

echo "== engine hold model (issue 2: engine >= 0.8x a bare array heap) =="
"$dir/hold" || echo "(below target at some size)"
echo

scale() {
	exp=$1 target_s=$2 target_mb=$3
	name=$(basename "$exp" .json)
	rm -rf "$out/$name"
	t0=$(date +%s.%N)
	"$bin" run "$exp" -o "$out/$name" -q --force || { echo "$name: run failed"; return; }
	t1=$(date +%s.%N)
	python3 - "$out/$name" "$target_s" "$target_mb" "$t0" "$t1" <<'PY' 2>/dev/null || cat "$out/$name/run.json"
import json, sys
d, ts, tm = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
wall = float(sys.argv[5]) - float(sys.argv[4])  # the whole process: reading, running, writing
r = json.load(open(d + "/run.json")); s = json.load(open(d + "/summary.json"))
ok = wall < ts and r["peak_rss_mib"] < tm
print("%-24s %7.2f s wall (target < %g s; %.2f s in the event loop)  %7.1f MiB peak (target < %g)  %5.2fM events/s  %d jobs  %s"
      % (s["name"], wall, ts, r["wall_seconds"], r["peak_rss_mib"], tm, r["events_per_second"] / 1e6,
         s["jobs"]["submitted"], "ok" if ok else "MISSED"))
PY
}

echo "== scale runs, one core each =="
scale experiments/bench/monolithic-10k-day.json 5 300
scale experiments/default.json 5 300

echo
echo "== trace replay and month scale, one core each (issue 4) =="
scale experiments/traces/lanl-easy.json 0.15 4096
scale experiments/traces/google-part0-priority.json 1 4096
scale experiments/traces/kth-easy.json 1 4096
scale experiments/bench/google-month.json 120 4096

echo
echo "== the Omega-paper sweep, 28 simulations (issue 3: under 3 s wall with -j 2, 200 MB per process) =="
rm -rf "$out/omega-sweep"
start=$(date +%s.%N)
"$bin" sweep experiments/bench/omega-sweep.json -o "$out/omega-sweep" -j 2 -q --force
end=$(date +%s.%N)
python3 - "$out/omega-sweep" "$start" "$end" <<'PY'
import json, os, sys
d, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
pts = sorted(os.listdir(d + "/points"))
runs = [json.load(open("%s/points/%s/run.json" % (d, p))) for p in pts]
wall = t1 - t0
peak = max(r["peak_rss_mib"] for r in runs)
cpu = sum(r["wall_seconds"] for r in runs)
print("%d simulations: %.2f s wall with -j 2 (target < 3 s), %.1f s of simulation in all, "
      "largest peak %.1f MiB (target < 200)  %s" % (len(runs), wall, cpu, peak,
      "ok" if wall < 3 and peak < 200 else "MISSED"))
slow = sorted(zip((r["wall_seconds"] for r in runs), pts), reverse=True)[:3]
print("slowest points: " + ", ".join("%s %.2f s" % (p, w) for w, p in slow))
PY

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
