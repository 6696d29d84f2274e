# tests/google_requests.awk -- the time-averaged running request of a Google
# clusterdata-2011 task_events file, computed straight from its rows,
# independently of clustersim's reader and world (test_trace.c compares it
# with an as-recorded replay's utilization).
#
# usage: gzip -dcf FILE | awk -v machines=N -f tests/google_requests.awk
# prints: CPU MEM SECONDS -- the mean over [0, the last row's time] of the
# summed cpu and memory requests of the running tasks, divided by N
# machines of capacity 1 (the trace's normalized units), and that time.
#
# A task runs from its SCHEDULE row (event type 1) to its next EVICT, FAIL,
# FINISH, KILL or LOST row (2-6), or to the last row's time.  While it
# runs it requests what its SCHEDULE row says, then what each of its
# UPDATE_RUNNING rows (8) says from that row's time on; an empty field
# keeps the value before, and an empty SCHEDULE field counts as 0.
BEGIN { FS = "," }
{
	t = $1; key = $3 "," $4; type = $6
	if (type == 1) {
		if (!(key in since)) {
			since[key] = t; cpu[key] = $10 + 0; mem[key] = $11 + 0
		}
	} else if (type == 8) {
		if (key in since) {
			cpu_area += cpu[key] * (t - since[key]); mem_area += mem[key] * (t - since[key])
			since[key] = t
			if ($10 != "") cpu[key] = $10 + 0
			if ($11 != "") mem[key] = $11 + 0
		}
	} else if (type >= 2 && type <= 6) {
		if (key in since) {
			cpu_area += cpu[key] * (t - since[key]); mem_area += mem[key] * (t - since[key])
			delete since[key]
		}
	}
	last = t
}
END {
	for (key in since) {
		cpu_area += cpu[key] * (last - since[key]); mem_area += mem[key] * (last - since[key])
	}
	if (last > 0)
		printf "%.9f %.9f %.6f\n", cpu_area / (machines * last), mem_area / (machines * last), last / 1e6
	else
		print "0 0 0"
}
