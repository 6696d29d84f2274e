/* workloads/trace_omega — an Omega init-cluster-state file as a trace
 * workload ("format": "omega-init"): every entry is part of the cell's
 * initial state, placed before the run like "prefill": {"omega_init"}
 * (random first fit on its own stream, counted in summary.json prefill),
 * running until its end or for the whole run.  The file is small and read
 * whole by the Omega reader (workloads/omega_init.c). */
#include <stdlib.h>

#include "sim/alloc.h"
#include "workloads/omega_init.h"
#include "workloads/trace.h"

struct omega_source {
	struct cs_omega_init_job *jobs;
	size_t n, next;
	uint64_t max_jobs, tasks;
};

static int omega_next(void *self, struct cs_job **out, struct cs_error *err)
{
	struct omega_source *s = self;
	if (s->next >= s->n || (s->max_jobs && s->next >= s->max_jobs))
		return 0;
	struct cs_job *job = cs_omega_init_job_new(&s->jobs[s->next++]);
	job->submit = 0;
	job->prefill = true;
	s->tasks += job->ntasks;
	*out = job;
	return 1;
}

static json_t *omega_report(void *self)
{
	struct omega_source *s = self;
	json_t *o = json_pack("{s:s, s:I, s:I, s:I}", "format", "omega-init", "records", (json_int_t)s->n,
			      "initial_jobs", (json_int_t)s->next, "initial_tasks", (json_int_t)s->tasks);
	struct cs_skips none = {0};
	cs_skips_report(&none, o);
	return o;
}

static void omega_close(void *self)
{
	struct omega_source *s = self;
	free(s->jobs);
	free(s);
}

static const struct cs_source_ops omega_ops = {"omega-init", omega_next, omega_close, omega_report};

static int omega_open(const struct cs_trace_spec *spec, const struct cs_trace_cell *cell, struct cs_source *out,
			struct cs_error *err)
{
	struct omega_source *s = cs_xcalloc(1, sizeof *s);
	if (cs_omega_init_read(spec->path, spec->path, &s->jobs, &s->n, err) < 0) {
		free(s);
		return -1;
	}
	s->max_jobs = spec->max_jobs;
	out->ops = &omega_ops;
	out->self = s;
	return 0;
}

const struct cs_trace_format cs_trace_omega_init = {"omega-init", omega_open, NULL, false};
