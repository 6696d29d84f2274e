/* workloads/trace_google — Google clusterdata-2011 (v2) task_events as a
 * workload (docs/model.md, "Google clusterdata-2011 task_events"; the trace's own schema is in
 * traces/google/schema/).
 *
 * Columns: time (µs), missing info, job id, task index, machine id, event
 * type (0 SUBMIT 1 SCHEDULE 2 EVICT 3 FAIL 4 FINISH 5 KILL 6 LOST 7
 * UPDATE_PENDING 8 UPDATE_RUNNING), user, scheduling class, priority,
 * cpu request, memory request, disk request, different-machine
 * constraint.  Empty fields are missing values.
 *
 * Task instances: every SUBMIT of a task (the first, and each
 * resubmission after EVICT, FAIL, KILL or LOST) opens an instance; it runs
 * from its SCHEDULE to the next EVICT/FAIL/FINISH/KILL/LOST of that task.
 *  - reschedule: an instance is a task submitted at its SUBMIT time that
 *    runs for as long as it ran in the trace; the scheduler decides where
 *    and when.  Instances at the same instant of one job with the same
 *    requests over time and priority form one job of the simulation.
 *  - as-recorded: it starts at its SCHEDULE time (grouping also by that).
 *  - rows at time 0 are the cell's initial state: tasks scheduled at 0
 *    are placed before the run starts (prefill), running until their
 *    recorded end, or for the whole run if the file does not show it.
 * Skipped (counted; --strict: an error): instances never scheduled
 * (killed while pending, or still pending at the end of the file).
 * Instances still running at the end of the file end at its last time
 * (counted as "censored").  A missing request counts as 0 ("requests
 * missing").  Requests are normalized to the largest machine: they are
 * multiplied by the modelled cell's largest machine (a cell of "cpu": 1,
 * "mem": 1 machines keeps the trace's units).
 *
 * Requests over time: every row of an instance carries its request as of
 * that row (SUBMIT; UPDATE_PENDING while it waits; SCHEDULE;
 * UPDATE_RUNNING while it runs; an empty field keeps the value before):
 * from a row's time on, its request is in effect (of the rows of one
 * instant, the last one's).  The instance keeps its request at submission
 * and a list of later changes.  A job starts with the request in effect
 * at its submission (rescheduled) or at its start (as recorded: the
 * SCHEDULE row's, after any update while pending) and carries the later
 * changes (job->req_changes), which the world applies at their times
 * (sim/world.h).  At time 0 the SCHEDULE rows often differ from the SUBMIT
 * rows before them (updates, presumably, before the trace began).
 *
 * With "job_events" (workloads/google_jobs.h), a task submission that
 * falls in its job's submission window counts as submitted at the job's
 * SUBMIT time, so a job whose task rows are spread over a few instants is
 * one job of the simulation again; the table is then sorted by submission
 * time, and at one instant by job, priority, requests (and start, when as
 * recorded), with instances that never ran last, keeping the file's order
 * otherwise.
 *
 * Reading: a first streaming pass builds a table of instances (64 bytes
 * each, and 32 per request change, not the file); the source then emits
 * jobs from it one at a time.
 * Errors (exit 2, file and line): fewer than 13 columns, a non-numeric
 * time/id/type, an unknown event type, a negative time, times going
 * backwards, a task index of 2^24 or more. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "workloads/google_jobs.h"
#include "workloads/trace.h"

enum { G_SUBMIT, G_SCHEDULE, G_EVICT, G_FAIL, G_FINISH, G_KILL, G_LOST, G_UPDATE_PENDING, G_UPDATE_RUNNING };

enum { NONE = UINT32_MAX };

struct instance {
	uint64_t job;
	uint32_t task;
	int32_t priority;
	int64_t submit, start, end; /* µs; start/end -1: not (yet) */
	double cpu, mem;            /* requested at submission; -1: missing */
	uint32_t changes, last_change; /* its request changes after submission
					* (in google_source.chg), or NONE */
};

/* From `at` on, an instance requests cpu and mem (-1: still missing). */
struct change {
	int64_t at;
	double cpu, mem;
	uint32_t next; /* the instance's next change, or NONE */
};
_Static_assert(sizeof(struct instance) == 64 && sizeof(struct change) == 32, "the sizes the comment gives");

/* open instances by (job, task) */
struct open_map {
	uint64_t *keys; /* 0 = empty; key = (job << 24 | task) + 1 */
	uint32_t *vals;
	size_t cap, n;
};

struct google_source {
	struct instance *in;
	size_t n, cap, next;
	struct change *chg;
	size_t nchg, capchg;
	struct cs_skips skips;
	struct cs_res scale;
	struct cs_google_jobs *job_events; /* or NULL */
	bool unsorted;      /* job_events moved a submission before an earlier row's */
	bool as_recorded;
	uint64_t max_jobs, jobs, tasks, events, censored, requests_missing, prefill_tasks, request_updates;
	int64_t last_time;
	char *path;
};

static size_t slot_of(const struct open_map *m, uint64_t key)
{
	uint64_t h = key * 0x9E3779B97F4A7C15ull;
	size_t i = (size_t)(h >> 20) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void map_grow(struct open_map *m)
{
	struct open_map g = {cs_xcalloc(m->cap * 2, sizeof *g.keys), cs_xmalloc(m->cap * 2 * sizeof *g.vals),
			     m->cap * 2, 0};
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i] || m->vals[i] == UINT32_MAX)
			continue;
		size_t j = slot_of(&g, m->keys[i]);
		g.keys[j] = m->keys[i];
		g.vals[j] = m->vals[i];
		g.n++;
	}
	free(m->keys);
	free(m->vals);
	*m = g;
}

/* The open instance of key, or UINT32_MAX.  Closed ones keep their slot
 * with UINT32_MAX (tombstone-free: a task's key is reused when it is
 * resubmitted). */
static uint32_t map_get(const struct open_map *m, uint64_t key)
{
	size_t i = slot_of(m, key);
	return m->keys[i] ? m->vals[i] : UINT32_MAX;
}

static void map_put(struct open_map *m, uint64_t key, uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap)
		map_grow(m);
	size_t i = slot_of(m, key);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->n++;
	}
	m->vals[i] = val;
}

/* A request column: empty = missing (-1). */
static int field_req(const char *s, double *out)
{
	if (!*s) {
		*out = -1;
		return 1;
	}
	double v;
	if (!cs_parse_double(s, &v) || v < 0 || v > 1000)
		return 0; /* normalized: 1 is the largest machine */
	*out = v;
	return 1;
}

/* A row of instance `in` at time t carries its request (cpu, mem; -1: an
 * empty field, which keeps the value before).  Rows at its submission
 * instant make its request at submission; a later value that differs is
 * a change from t on (several rows at one instant: the last one's).
 * Returns -1 past 4 billion changes.  (Out of line: read_events calls it
 * only for a row whose request may differ, see same_request.) */
static __attribute__((noinline)) int note_request(struct google_source *g, struct instance *in, int64_t t, double cpu,
						  double mem)
{
	struct change *last = in->last_change != NONE ? &g->chg[in->last_change] : NULL;
	double c = last ? last->cpu : in->cpu, m = last ? last->mem : in->mem;
	double nc = cpu >= 0 ? cpu : c, nm = mem >= 0 ? mem : m;
	if (nc == c && nm == m)
		return 0;
	if (t <= in->submit) { /* (then it has no change yet: rows are sorted) */
		in->cpu = nc;
		in->mem = nm;
	} else if (last && last->at == t) {
		last->cpu = nc;
		last->mem = nm;
	} else {
		if (g->nchg >= NONE - 1)
			return -1;
		CS_GROW(g->chg, g->capchg, g->nchg + 1); /* (may move `last`) */
		uint32_t k = (uint32_t)g->nchg++;
		g->chg[k] = (struct change){t, nc, nm, NONE};
		if (in->last_change != NONE)
			g->chg[in->last_change].next = k;
		else
			in->changes = k;
		in->last_change = k;
	}
	return 0;
}

/* Whether a row's request (cpu, mem) is what an instance without
 * changes asks already: most rows (note_request's quick case). */
static inline bool same_request(const struct instance *in, double cpu, double mem)
{
	return in->last_change == NONE && (cpu < 0 || cpu == in->cpu) && (mem < 0 || mem == in->mem);
}

static int read_events(struct google_source *g, const struct cs_trace_spec *spec, struct cs_error *err)
{
	struct cs_lines l;
	if (cs_lines_open(&l, spec->path, err) < 0)
		return -1;
	struct open_map open = {cs_xcalloc(1024, sizeof(uint64_t)), cs_xmalloc(1024 * sizeof(uint32_t)), 1024, 0};
	int rc = -1;
	char *line, *f[16];
	int r;
	while ((r = cs_lines_next(&l, &line, err)) > 0) {
		size_t nf = cs_split_csv(line, f, 16);
		if (nf == 1 && !*f[0])
			continue; /* blank line */
		if (nf < 13) {
			cs_lines_error(&l, err, "expected 13 columns, found %zu", nf);
			goto out;
		}
		int64_t t, job, task, type, prio = 0;
		if (!cs_parse_int64(f[0], &t) || !cs_parse_int64(f[2], &job) || !cs_parse_int64(f[3], &task) ||
		    !cs_parse_int64(f[5], &type)) {
			cs_lines_error(&l, err, "time, job id, task index and event type must be integers");
			goto out;
		}
		if (*f[8] && (!cs_parse_int64(f[8], &prio) || prio < 0 || prio > 11)) {
			cs_lines_error(&l, err, "priority is not a whole number from 0 to 11: \"%.20s\"", f[8]);
			goto out;
		}
		double cpu, mem;
		if (!field_req(f[9], &cpu) || !field_req(f[10], &mem)) {
			cs_lines_error(&l, err, "a request is not a number from 0 to 1000 (normalized: 1 = the largest machine)");
			goto out;
		}
		/* µs: within the clock's range (sim/units.h) */
		if (t > (int64_t)(CS_MAX_SECONDS * 1e6)) {
			cs_lines_error(&l, err, "time beyond the simulator's clock: at most %.0f us, about 317 years "
				       "(got %" PRId64 ")", CS_MAX_SECONDS * 1e6, t);
			goto out;
		}
		if (t < 0 || job < 0 || task < 0) {
			cs_lines_error(&l, err, "negative time, job id or task index");
			goto out;
		}
		if (t < g->last_time) {
			cs_lines_error(&l, err, "time %" PRId64 " is before the previous row's (%" PRId64 "): the file is not sorted",
				       t, g->last_time);
			goto out;
		}
		if (type < G_SUBMIT || type > G_UPDATE_RUNNING) {
			cs_lines_error(&l, err, "unknown event type %" PRId64, type);
			goto out;
		}
		if (task >= (1 << 24) || job >= (INT64_C(1) << 39)) {
			cs_lines_error(&l, err, "job id or task index out of range");
			goto out;
		}
		g->last_time = t;
		g->events++;
		uint64_t key = ((uint64_t)job << 24 | (uint64_t)task) + 1;
		uint32_t cur = map_get(&open, key);
		if (type == G_SUBMIT || (type == G_SCHEDULE && cur == UINT32_MAX)) {
			if (cur != UINT32_MAX && g->in[cur].start < 0)
				g->in[cur].end = -2; /* resubmitted while pending: the old one never ran */
			if (g->n >= UINT32_MAX - 1) {
				cs_lines_error(&l, err, "more than 4 billion task instances");
				goto out;
			}
			CS_GROW(g->in, g->cap, g->n + 1);
			int64_t submit = t;
			if (g->job_events) {
				submit = cs_google_jobs_submit_time(g->job_events, (uint64_t)job, t);
				g->unsorted |= g->n > 0 && submit < g->in[g->n - 1].submit;
			}
			g->in[g->n] = (struct instance){(uint64_t)job, (uint32_t)task, (int32_t)prio, submit, -1, -1,
							cpu, mem, NONE, NONE};
			map_put(&open, key, (uint32_t)g->n);
			cur = (uint32_t)g->n++;
		}
		/* (no pointer past the array for a row of no open instance) */
		struct instance *in = cur != UINT32_MAX ? &g->in[cur] : NULL;
		if ((type == G_SCHEDULE || type == G_UPDATE_PENDING || type == G_UPDATE_RUNNING) && cur != UINT32_MAX &&
		    !same_request(in, cpu, mem) && note_request(g, in, t, cpu, mem) < 0) {
			cs_lines_error(&l, err, "more than 4 billion request changes");
			goto out;
		}
		switch (type) {
		case G_SCHEDULE:
			if (in->start < 0)
				in->start = t;
			if (g->job_events)
				cs_google_jobs_task_scheduled(g->job_events, (uint64_t)job, t);
			break;
		case G_EVICT:
		case G_FAIL:
		case G_FINISH:
		case G_KILL:
		case G_LOST:
			if (cur != UINT32_MAX) {
				in->end = t;
				map_put(&open, key, UINT32_MAX);
			}
			break;
		case G_UPDATE_PENDING:
		case G_UPDATE_RUNNING:
			/* (the request: note_request above) */
			if (cur != UINT32_MAX && *f[8])
				in->priority = (int32_t)prio;
			break;
		}
	}
	if (r == 0)
		rc = 0;
out:
	free(open.keys);
	free(open.vals);
	cs_lines_close(&l);
	return rc;
}

static bool is_initial(const struct instance *in)
{
	return in->submit == 0 && in->start == 0;
}

static bool ran(const struct instance *in)
{
	return in->start >= 0 && in->end != -2;
}

/* The request an instance starts with in this replay, and its first
 * change after that: rescheduled, its request at submission and all its
 * changes; as recorded, the request in effect at its start (its SCHEDULE
 * row's, with the rows before) and the changes after it. */
static uint32_t starting_request(const struct google_source *g, const struct instance *in, double *cpu,
				 double *mem)
{
	*cpu = in->cpu;
	*mem = in->mem;
	uint32_t c = in->changes;
	if (g->as_recorded) {
		for (; c != NONE && g->chg[c].at <= in->start; c = g->chg[c].next) {
			*cpu = g->chg[c].cpu;
			*mem = g->chg[c].mem;
		}
	}
	return c;
}

/* Order of instances by their requests over time (see starting_request):
 * the starting request, then the changes, fewer first. */
static int cmp_requests(const struct google_source *g, const struct instance *a, const struct instance *b)
{
	double ac, am, bc, bm;
	uint32_t x = starting_request(g, a, &ac, &am), y = starting_request(g, b, &bc, &bm);
#define CMP(u, v)                        \
	if ((u) != (v))                  \
		return (u) < (v) ? -1 : 1;
	CMP(ac, bc)
	CMP(am, bm)
	for (; x != NONE && y != NONE; x = g->chg[x].next, y = g->chg[y].next) {
		const struct change *p = &g->chg[x], *q = &g->chg[y];
		CMP(p->at, q->at)
		CMP(p->cpu, q->cpu)
		CMP(p->mem, q->mem)
	}
	CMP(x != NONE, y != NONE)
#undef CMP
	return 0;
}

struct sort_key {
	const struct instance *in;
	const struct google_source *g;
	uint32_t index;   /* in the file's order */
	bool by_start;    /* as recorded: instances group by start too */
};

/* The order of sort_instances: what same_group compares, the instances
 * that never ran after the others (one in the middle would split a job),
 * then the file's order. */
static int by_submission(const void *pa, const void *pb)
{
	const struct sort_key *ka = pa, *kb = pb;
	const struct instance *a = ka->in, *b = kb->in;
#define CMP(x, y)                        \
	if ((x) != (y))                  \
		return (x) < (y) ? -1 : 1;
	CMP(a->submit, b->submit)
	CMP(a->job, b->job)
	CMP(is_initial(b), is_initial(a))
	CMP(a->priority, b->priority)
	int r = cmp_requests(ka->g, a, b);
	if (r)
		return r;
	if (ka->by_start)
		CMP(a->start, b->start)
	CMP(ran(b), ran(a))
	CMP(ka->index, kb->index)
#undef CMP
	return 0;
}

/* Put the table back in submission order after job_events moved some
 * submissions earlier, with each job's instances of an instant together. */
static void sort_instances(struct google_source *g)
{
	struct sort_key *keys = cs_xmalloc(g->n * sizeof *keys);
	for (size_t i = 0; i < g->n; i++)
		keys[i] = (struct sort_key){&g->in[i], g, (uint32_t)i, g->as_recorded};
	qsort(keys, g->n, sizeof *keys, by_submission);
	struct instance *sorted = cs_xmalloc(g->n * sizeof *sorted);
	for (size_t i = 0; i < g->n; i++)
		sorted[i] = *keys[i].in;
	free(keys);
	free(g->in);
	g->in = sorted;
	g->cap = g->n;
}

static bool same_group(const struct google_source *g, const struct instance *a, const struct instance *b)
{
	if (a->job != b->job || a->submit != b->submit || a->priority != b->priority ||
	    (g->as_recorded && a->start != b->start) || is_initial(a) != is_initial(b))
		return false;
	if (a->changes == NONE && b->changes == NONE) /* (most instances) */
		return a->cpu == b->cpu && a->mem == b->mem;
	return cmp_requests(g, a, b) == 0;
}

static cs_qty scaled(double normalized, cs_qty largest)
{
	return (cs_qty)llround((normalized > 0 ? normalized : 0) * (double)largest);
}

/* The job's request from first's starting request and changes (each a
 * change of the scaled request; ntasks tasks carry them). */
static void set_requests(struct google_source *g, struct cs_job *job, const struct instance *first, uint32_t ntasks)
{
	double cpu, mem;
	uint32_t c = starting_request(g, first, &cpu, &mem);
	if (cpu < 0 || mem < 0)
		g->requests_missing += ntasks;
	job->req.cpu = scaled(cpu, g->scale.cpu);
	job->req.mem = scaled(mem, g->scale.mem);
	uint32_t n = 0;
	for (uint32_t k = c; k != NONE; k = g->chg[k].next)
		n++;
	if (!n)
		return;
	job->req_changes = cs_xmalloc(n * sizeof *job->req_changes);
	struct cs_res prev = job->req;
	for (uint32_t k = c; k != NONE; k = g->chg[k].next) {
		struct cs_res r = {scaled(g->chg[k].cpu, g->scale.cpu), scaled(g->chg[k].mem, g->scale.mem), 0};
		if (r.cpu == prev.cpu && r.mem == prev.mem)
			continue; /* nothing the cell would see */
		job->req_changes[job->nreq_changes++] = (struct cs_req_change){g->chg[k].at, r};
		prev = r;
	}
	g->request_updates += (uint64_t)job->nreq_changes * ntasks;
	if (!job->nreq_changes) {
		free(job->req_changes);
		job->req_changes = NULL;
	}
}

/* Whether an instance is kept; counts the ones that are not (each once:
 * only ever asked of the first instance of a job). */
static int keep(struct google_source *g, const struct instance *in, struct cs_error *err)
{
	if (ran(in))
		return 1;
	char where[96];
	snprintf(where, sizeof where, "job %" PRIu64 " task %u", in->job, in->task);
	return cs_skip_at(&g->skips, err, g->path, where, "never scheduled") < 0 ? -1 : 0;
}

static int google_next(void *self, struct cs_job **out, struct cs_error *err)
{
	struct google_source *g = self;
	for (;;) {
		if (g->next >= g->n || (g->max_jobs && g->jobs >= g->max_jobs))
			return 0;
		struct instance *first = &g->in[g->next];
		int k = keep(g, first, err);
		if (k < 0)
			return -1;
		if (!k) {
			g->next++;
			continue;
		}
		size_t end = g->next + 1;
		/* an instance that never ran ends the group (and is counted as
		 * the next call's first) */
		while (end < g->n && same_group(g, first, &g->in[end]) && ran(&g->in[end]) &&
		       end - g->next < UINT32_MAX)
			end++;
		uint32_t ntasks = (uint32_t)(end - g->next);
		struct cs_job *job = cs_job_new(ntasks);
		job->kind = CS_JOB_BATCH;
		job->priority = first->priority;
		set_requests(g, job, first, ntasks);
		job->submit = first->submit;
		job->prefill = is_initial(first);
		job->task_durations = cs_xmalloc(ntasks * sizeof *job->task_durations);
		cs_time longest = 0;
		for (uint32_t i = 0; i < ntasks; i++) {
			struct instance *in = &g->in[g->next + i];
			cs_time d;
			if (in->end >= 0) {
				d = in->end - in->start;
			} else {
				g->censored++;
				d = job->prefill ? CS_TIME_NEVER : g->last_time - in->start;
			}
			job->task_durations[i] = d;
			if (d > longest)
				longest = d;
		}
		job->duration = longest;
		if (g->as_recorded)
			job->recorded_start = first->start;
		if (job->prefill)
			g->prefill_tasks += ntasks;
		else
			g->jobs++;
		g->tasks += ntasks;
		g->next = end;
		*out = job;
		return 1;
	}
}

static json_t *google_report(void *self)
{
	struct google_source *g = self;
	json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f}", "format", "google2011", "events",
			      (json_int_t)g->events, "jobs", (json_int_t)g->jobs, "tasks", (json_int_t)g->tasks,
			      "initial_tasks", (json_int_t)g->prefill_tasks, "censored", (json_int_t)g->censored,
			      "requests_missing", (json_int_t)g->requests_missing, "request_updates",
			      (json_int_t)g->request_updates, "last_time", cs_time_to_seconds(g->last_time));
	cs_skips_report(&g->skips, o);
	if (g->job_events)
		json_object_set_new(o, "job_events", cs_google_jobs_report(g->job_events));
	return o;
}

static void google_close(void *self)
{
	struct google_source *g = self;
	free(g->in);
	free(g->chg);
	free(g->path);
	cs_google_jobs_free(g->job_events);
	free(g);
}

static const struct cs_source_ops google_ops = {"google2011", google_next, google_close, google_report};

static int google_open(const struct cs_trace_spec *spec, const struct cs_trace_cell *cell,
			 struct cs_source *out, struct cs_error *err)
{
	struct google_source *g = cs_xcalloc(1, sizeof *g);
	g->skips.strict = spec->strict;
	g->scale = cell->max_machine;
	g->as_recorded = spec->as_recorded;
	g->max_jobs = spec->max_jobs;
	g->path = cs_xstrdup(spec->path);
	if (spec->job_events && !(g->job_events = cs_google_jobs_read(spec->job_events, err))) {
		google_close(g);
		return -1;
	}
	if (read_events(g, spec, err) < 0) {
		google_close(g);
		return -1;
	}
	if (g->unsorted)
		sort_instances(g);
	out->ops = &google_ops;
	out->self = g;
	return 0;
}

const struct cs_trace_format cs_trace_google2011 = {"google2011", google_open, NULL, true};
