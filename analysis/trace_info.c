/* analysis/trace_info — `clustersim trace info FILE`: what a trace holds.
 *
 * This version reads the Omega simulator's formats: init-cluster-state
 * files and *_cmb.log sample files.  Other formats (SWF, Google 2011,
 * Alibaba 2017) are named and refused with exit 2 until their readers
 * exist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli.h"
#include "sim/error.h"
#include "workloads/empirical.h"
#include "workloads/omega_init.h"

static const char usage[] = "usage: clustersim trace info FILE\n";

static bool has(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

int cs_cmd_trace(int argc, char **argv)
{
	if (argc >= 1 && cs_is_help(argv[0])) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc != 2 || strcmp(argv[0], "info") != 0)
		return cs_usage_error(usage, "expected: trace info FILE");
	const char *file = argv[1];
	struct cs_error err = {0};
	if (has(file, ".swf") || has(file, "task_events") || has(file, "job_events") ||
	    has(file, "batch_task")) {
		cs_error_input(&err, file, NULL, "this version cannot read this trace format yet");
		return cs_report_error(&err);
	}
	if (has(file, "_cmb")) {
		for (int sched = 0; sched < 2; sched++) {
			struct cs_error e2 = {0};
			struct cs_empirical *e = cs_empirical_load(file, file, CS_EMP_OMEGA_CMB, sched, 1, &e2);
			if (!e) {
				if (strstr(e2.msg, "no samples"))
					continue;
				return cs_report_error(&e2);
			}
			printf("%s: omega-cmb samples, sched %d (%s): %zu values, min %g, max %g, mean %g\n",
			       file, sched, sched ? "service" : "batch", e->n, e->x[0], e->x[e->n - 1],
			       cs_empirical_mean(e));
			cs_empirical_free(e);
		}
		return 0;
	}
	struct cs_omega_init_job *jobs;
	size_t n;
	if (cs_omega_init_read(file, file, &jobs, &n, &err) < 0)
		return cs_report_error(&err);
	double tasks = 0, cpu = 0, mem = 0, last_end = 0;
	size_t ending = 0, service = 0;
	for (size_t i = 0; i < n; i++) {
		tasks += jobs[i].ntasks;
		cpu += jobs[i].cpu_total;
		mem += jobs[i].mem_total_bytes;
		service += jobs[i].service;
		if (jobs[i].end >= 0) {
			ending++;
			if (jobs[i].end > last_end)
				last_end = jobs[i].end;
		}
	}
	printf("%s: omega-init cluster state\n  jobs %zu (service by CMB_PBB %zu, batch %zu)\n"
	       "  tasks %.0f\n  cpu %.1f cores, memory %.1f GiB\n  jobs that end %zu (last at %.1f s)\n",
	       file, n, service, n - service, tasks, cpu, mem / 1073741824.0, ending, last_end);
	free(jobs);
	return 0;
}
