/* workloads/trace_alibaba — Alibaba cluster-trace-v2017 batch_task.csv
 * as a workload (traces/alibaba/schema/).
 *
 * Columns: create time (s), end time (s), job id, task id, instances,
 * status (Ready|Waiting|Running|Terminated|Failed|Cancelled), cpus per
 * instance x 100, normalized memory per instance.  A header line (a first
 * line whose first column is not a number) is skipped.
 *
 * A task row is one job of `instances` tasks, each asking for cpus/100
 * cores (not normalized) and the normalized memory times the modelled
 * cell's largest machine's memory.  The table has no start times, so a
 * task's run time is end - create (it includes any wait in Alibaba's own
 * scheduler); as-recorded replay starts it at its create time.
 * Skipped (counted; --strict: an error): status other than Terminated or
 * Failed (the task did not finish within the trace), a negative create or
 * end time (the published file has tasks created up to 60 s before its
 * window), a missing cpu or memory request, no instances, end before
 * create.
 *
 * The published file is not sorted by create time, so the reader keeps a
 * table of its rows (48 bytes each, not the file) and emits them in
 * create-time order (ties in file order).  Errors (exit 2, file and
 * line): fewer than 8 columns, non-numeric numbers. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "workloads/trace.h"

struct row {
	int64_t create, end;
	uint64_t seq; /* file order, for ties */
	uint32_t instances;
	double cpu, mem; /* cores, normalized memory */
};

struct alibaba_source {
	struct row *rows;
	size_t n, cap, next;
	struct cs_skips skips;
	struct cs_res scale;
	bool as_recorded;
	uint64_t max_jobs, jobs, tasks, records;
};

static int by_create(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->create != y->create)
		return x->create < y->create ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int read_rows(struct alibaba_source *s, const struct cs_trace_spec *spec, struct cs_error *err)
{
	struct cs_lines l;
	if (cs_lines_open(&l, spec->path, err) < 0)
		return -1;
	char *line, *f[10];
	int r;
	while ((r = cs_lines_next(&l, &line, err)) > 0) {
		size_t nf = cs_split_csv(line, f, 10);
		if (nf == 1 && !*f[0])
			continue;
		int64_t create, end, instances;
		if (l.lineno == 1 && !cs_parse_int64(f[0], &create))
			continue; /* the header line */
		s->records++;
		if (nf < 8) {
			cs_lines_error(&l, err, "expected 8 columns, found %zu", nf);
			cs_lines_close(&l);
			return -1;
		}
		if (!cs_parse_int64(f[0], &create) || !cs_parse_int64(f[1], &end) || !cs_parse_int64(f[4], &instances)) {
			cs_lines_error(&l, err, "create time, end time and instances must be integers");
			cs_lines_close(&l);
			return -1;
		}
		if (create > (int64_t)CS_MAX_SECONDS || end > (int64_t)CS_MAX_SECONDS) {
			cs_lines_error(&l, err, "a time beyond the simulator's clock: at most %.15g s, about 317 years "
				       "(got %" PRId64 ")", CS_MAX_SECONDS, create > end ? create : end);
			cs_lines_close(&l);
			return -1;
		}
		double cpu = -1, mem = -1;
		if ((*f[6] && (!cs_parse_double(f[6], &cpu) || cpu < 0 || cpu > 1e6)) ||
		    (*f[7] && (!cs_parse_double(f[7], &mem) || mem < 0 || mem > 1000))) {
			cs_lines_error(&l, err, "a request is not a number in range (cpus x 100 up to 10^6; memory normalized, up to 1000)");
			cs_lines_close(&l);
			return -1;
		}
		const char *skip = NULL;
		if (create < 0 || end < 0)
			skip = "negative time (before the trace window)";
		else if (strcmp(f[5], "Terminated") != 0 && strcmp(f[5], "Failed") != 0)
			skip = "not finished (status other than Terminated or Failed)";
		else if (cpu < 0 || mem < 0)
			skip = "request missing";
		else if (instances <= 0)
			skip = "no instances";
		else if (instances > 1000000)
			skip = "more than 1,000,000 instances";
		else if (end < create)
			skip = "end before create";
		if (skip) {
			if (cs_skip(&s->skips, &l, err, skip) < 0) {
				cs_lines_close(&l);
				return -1;
			}
			continue;
		}
		CS_GROW(s->rows, s->cap, s->n + 1);
		s->rows[s->n] = (struct row){create, end, s->n, (uint32_t)instances, cpu / 100, mem};
		s->n++;
	}
	cs_lines_close(&l);
	if (r < 0)
		return -1;
	if (s->n > 1)
		qsort(s->rows, s->n, sizeof *s->rows, by_create);
	return 0;
}

static int alibaba_next(void *self, struct cs_job **out, struct cs_error *err)
{
	struct alibaba_source *s = self;
	if (s->next >= s->n || (s->max_jobs && s->jobs >= s->max_jobs))
		return 0;
	const struct row *r = &s->rows[s->next++];
	struct cs_job *job = cs_job_new(r->instances);
	job->kind = CS_JOB_BATCH;
	job->req.cpu = cs_qty_from_double(r->cpu);
	job->req.mem = (cs_qty)llround(r->mem * (double)s->scale.mem);
	job->submit = cs_time_from_seconds((double)r->create);
	job->duration = cs_time_from_seconds((double)(r->end - r->create));
	if (s->as_recorded)
		job->recorded_start = job->submit;
	s->jobs++;
	s->tasks += r->instances;
	*out = job;
	return 1;
}

static json_t *alibaba_report(void *self)
{
	struct alibaba_source *s = self;
	json_t *o = json_pack("{s:s, s:I, s:I, s:I}", "format", "alibaba2017", "records", (json_int_t)s->records,
			      "jobs", (json_int_t)s->jobs, "tasks", (json_int_t)s->tasks);
	cs_skips_report(&s->skips, o);
	return o;
}

static void alibaba_close(void *self)
{
	struct alibaba_source *s = self;
	free(s->rows);
	free(s);
}

static const struct cs_source_ops alibaba_ops = {"alibaba2017", alibaba_next, alibaba_close, alibaba_report};

static int alibaba_open(const struct cs_trace_spec *spec, const struct cs_trace_cell *cell,
			  struct cs_source *out, struct cs_error *err)
{
	struct alibaba_source *s = cs_xcalloc(1, sizeof *s);
	s->skips.strict = spec->strict;
	s->scale = cell->max_machine;
	s->as_recorded = spec->as_recorded;
	s->max_jobs = spec->max_jobs;
	if (read_rows(s, spec, err) < 0) {
		alibaba_close(s);
		return -1;
	}
	out->ops = &alibaba_ops;
	out->self = s;
	return 0;
}

const struct cs_trace_format cs_trace_alibaba2017 = {"alibaba2017", alibaba_open, NULL, false};
