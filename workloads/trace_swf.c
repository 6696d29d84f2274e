/* workloads/trace_swf — SWF jobs as workload jobs, with the batch replay
 * conventions of docs/model.md ("SWF (Parallel Workloads Archive)"):
 *  - procs = requested procs (field 8) if > 0, else allocated (field 5);
 *  - run time = field 4; estimate = requested time (field 9), or the run
 *    time where that is missing or smaller;
 *  - skipped (counted; an error with --strict): run time < 0, procs <= 0,
 *    procs > MaxProcs (the header's, else MaxNodes, else the cell's
 *    cores); as-recorded also skips jobs without a wait time (field 3);
 *  - on a one-machine cell (the default cell, MaxProcs cores) a job is one
 *    task of procs cores; on any other cell it is procs tasks of one core.
 * SWF says nothing about memory: tasks ask for none. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "workloads/swf.h"
#include "workloads/trace.h"

struct swf_source {
	struct cs_swf swf;
	struct cs_skips skips;
	double max_procs;
	bool pool, as_recorded;
	uint64_t max_jobs, jobs, records;
};

static int swf_next(void *self, struct cs_job **out, struct cs_error *err)
{
	struct swf_source *s = self;
	const double *f = s->swf.f;
	for (;;) {
		if (s->max_jobs && s->jobs >= s->max_jobs)
			return 0;
		int r = cs_swf_next(&s->swf, err);
		if (r <= 0)
			return r;
		s->records++;
		double procs = cs_swf_procs(f), run = f[SWF_RUN];
		if (procs != floor(procs))
			return cs_lines_error(&s->swf.lines, err, "a fractional processor count %g", procs);
		const char *skip = NULL;
		if (run < 0)
			skip = "run time < 0";
		else if (procs <= 0)
			skip = "procs <= 0";
		else if (procs > s->max_procs)
			skip = "procs > MaxProcs";
		else if (s->as_recorded && f[SWF_WAIT] < 0)
			skip = "no wait time (as-recorded)";
		if (skip) {
			if (cs_skip(&s->skips, &s->swf.lines, err, skip) < 0)
				return -1;
			continue;
		}
		uint32_t ntasks = s->pool ? 1 : (uint32_t)procs;
		struct cs_job *job = cs_job_new(ntasks);
		job->kind = CS_JOB_BATCH;
		job->req.cpu = cs_qty_from_double(s->pool ? procs : 1);
		job->submit = cs_time_from_seconds(f[SWF_SUBMIT]);
		job->duration = cs_time_from_seconds(run);
		job->estimate = cs_time_from_seconds(cs_swf_estimate(f));
		if (s->as_recorded)
			job->recorded_start = job->submit + cs_time_from_seconds(f[SWF_WAIT]);
		s->jobs++;
		*out = job;
		return 1;
	}
}

static json_t *swf_report(void *self)
{
	struct swf_source *s = self;
	json_t *o = json_pack("{s:s, s:I, s:I, s:f}", "format", "swf", "records", (json_int_t)s->records, "jobs",
			      (json_int_t)s->jobs, "max_procs", s->max_procs);
	cs_skips_report(&s->skips, o);
	return o;
}

static void swf_close(void *self)
{
	struct swf_source *s = self;
	cs_swf_close(&s->swf);
	free(s);
}

static const struct cs_source_ops swf_ops = {"swf", swf_next, swf_close, swf_report};

static int swf_open(const struct cs_trace_spec *spec, const struct cs_trace_cell *cell, struct cs_source *out,
		      struct cs_error *err)
{
	struct swf_source *s = cs_xcalloc(1, sizeof *s);
	if (cs_swf_open(&s->swf, spec->path, err) < 0) {
		free(s);
		return -1;
	}
	s->skips.strict = spec->strict;
	s->max_procs = s->swf.header.max_procs > 0 ? s->swf.header.max_procs
		     : s->swf.header.max_nodes > 0 ? s->swf.header.max_nodes : cell->cpus;
	if (s->max_procs > cell->cpus)
		s->max_procs = cell->cpus; /* a smaller cell than the trace's: wider jobs cannot run */
	s->pool = cell->pool;
	s->as_recorded = spec->as_recorded;
	s->max_jobs = spec->max_jobs;
	out->ops = &swf_ops;
	out->self = s;
	return 0;
}

/* The cell of an SWF log: MaxProcs (else MaxNodes) interchangeable
 * single-core slots, as one machine of that many cores -- the same thing,
 * and one claim per job. */
static json_t *swf_default_cell(const struct cs_cfg *cfg, const char *path, const struct cs_trace_spec *spec)
{
	struct cs_error *err = cfg->err;
	struct cs_swf swf;
	if (cs_swf_open(&swf, spec->path, err) < 0)
		return NULL;
	double procs = swf.header.max_procs > 0 ? swf.header.max_procs : swf.header.max_nodes;
	cs_swf_close(&swf);
	if (!(procs > 0) || procs > 1e7 || procs != floor(procs)) {
		cs_error_input(err, spec->path, "header",
			       "no usable MaxProcs or MaxNodes line: give the experiment a \"cell\"");
		return NULL;
	}
	return json_pack("{s:[{s:s, s:i, s:f, s:f}]}", "machines", "name", "swf-pool", "count", 1, "cpu", procs,
			 "mem", procs);
}

const struct cs_trace_format cs_trace_swf = {"swf", swf_open, swf_default_cell, false};
