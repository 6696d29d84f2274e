/* workloads/google_jobs — see google_jobs.h. */
#include "workloads/google_jobs.h"

#include <inttypes.h>
#include <stdlib.h>

#include "sim/alloc.h"
#include "workloads/lines.h"

enum { J_SUBMIT = 0, J_UPDATE_PENDING = 7, J_LAST_TYPE = 8 };

struct row {
	uint64_t job;
	int64_t t;
	uint32_t index; /* in the file: with t, the order of the job's events */
	uint8_t type;
};

struct window {
	uint64_t job;
	int64_t open, close; /* close INT64_MAX: never */
	bool seen;           /* on the job's first window: it has task rows */
};

struct cs_google_jobs {
	struct window *w;
	size_t n;
	uint64_t rows, jobs, joined, without_job;
};

static int by_job_then_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->job != y->job)
		return x->job < y->job ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/* Read every row (time, job, type); checks as in the header. */
static int read_rows(struct cs_google_jobs *j, const char *path, struct row **out, size_t *nout,
		     struct cs_error *err)
{
	struct cs_lines l;
	if (cs_lines_open(&l, path, err) < 0)
		return -1;
	struct row *rows = NULL;
	size_t n = 0, cap = 0;
	int64_t last = 0;
	char *line, *f[10];
	int r;
	while ((r = cs_lines_next(&l, &line, err)) > 0) {
		size_t nf = cs_split_csv(line, f, 10);
		if (nf == 1 && !*f[0])
			continue; /* blank line */
		int64_t t, job, type;
		if (nf != 8) {
			r = cs_lines_error(&l, err, "expected 8 columns (job_events), found %zu%s", nf,
					   nf == 13 ? ": is this task_events?" : "");
			break;
		}
		if (!cs_parse_int64(f[0], &t) || !cs_parse_int64(f[2], &job) || !cs_parse_int64(f[3], &type)) {
			r = cs_lines_error(&l, err, "time, job id and event type must be integers");
			break;
		}
		if (t < 0 || job < 0) {
			r = cs_lines_error(&l, err, "negative time or job id");
			break;
		}
		if (type < 0 || type > J_LAST_TYPE) {
			r = cs_lines_error(&l, err, "unknown event type %" PRId64, type);
			break;
		}
		if (t < last) {
			r = cs_lines_error(&l, err,
					   "time %" PRId64 " is before the previous row's (%" PRId64 "): the file is not sorted",
					   t, last);
			break;
		}
		if (n >= UINT32_MAX) {
			r = cs_lines_error(&l, err, "more than 4 billion rows");
			break;
		}
		last = t;
		CS_GROW(rows, cap, n + 1);
		rows[n] = (struct row){(uint64_t)job, t, (uint32_t)n, (uint8_t)type};
		n++;
	}
	cs_lines_close(&l);
	if (r < 0) {
		free(rows);
		return -1;
	}
	j->rows = n;
	*out = rows;
	*nout = n;
	return 0;
}

struct cs_google_jobs *cs_google_jobs_read(const char *path, struct cs_error *err)
{
	struct cs_google_jobs *j = cs_xcalloc(1, sizeof *j);
	struct row *rows;
	size_t n;
	if (read_rows(j, path, &rows, &n, err) < 0) {
		cs_google_jobs_free(j);
		return NULL;
	}
	/* each job's events in file order, jobs in id order: the windows come
	 * out sorted by (job, open) for the lookups */
	if (n > 1)
		qsort(rows, n, sizeof *rows, by_job_then_row);
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		bool new_job = i == 0 || rows[i - 1].job != r->job;
		/* the job's open window, if any, is the last one made */
		struct window *open = !new_job && j->n > 0 && j->w[j->n - 1].job == r->job &&
						      j->w[j->n - 1].close == INT64_MAX
					      ? &j->w[j->n - 1]
					      : NULL;
		if (r->type == J_SUBMIT) {
			if (open)
				open->close = r->t;
			bool first = j->n == 0 || j->w[j->n - 1].job != r->job;
			j->jobs += first;
			CS_GROW(j->w, cap, j->n + 1);
			j->w[j->n++] = (struct window){r->job, r->t, INT64_MAX, false};
		} else if (r->type != J_UPDATE_PENDING && open) {
			open->close = r->t;
		}
	}
	free(rows);
	return j;
}

/* The index of the job's first window, or j->n if it has none. */
static size_t first_window(const struct cs_google_jobs *j, uint64_t job)
{
	size_t lo = 0, hi = j->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (j->w[mid].job < job)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < j->n && j->w[lo].job == job ? lo : j->n;
}

void cs_google_jobs_task_scheduled(struct cs_google_jobs *j, uint64_t job, int64_t t)
{
	for (size_t k = first_window(j, job); k < j->n && j->w[k].job == job && j->w[k].open <= t; k++)
		if (t < j->w[k].close)
			j->w[k].close = t;
}

int64_t cs_google_jobs_submit_time(struct cs_google_jobs *j, uint64_t job, int64_t t)
{
	size_t lo = first_window(j, job);
	if (lo == j->n) {
		j->without_job++;
		return t;
	}
	j->w[lo].seen = true;
	for (size_t k = lo; k < j->n && j->w[k].job == job && j->w[k].open <= t; k++) {
		if (t <= j->w[k].close) {
			j->joined += t != j->w[k].open;
			return j->w[k].open;
		}
	}
	return t;
}

json_t *cs_google_jobs_report(const struct cs_google_jobs *j)
{
	uint64_t without_tasks = 0;
	for (size_t k = 0; k < j->n; k++)
		without_tasks += (k == 0 || j->w[k - 1].job != j->w[k].job) && !j->w[k].seen;
	return json_pack("{s:I, s:I, s:I, s:I, s:I}", "rows", (json_int_t)j->rows, "jobs",
			 (json_int_t)j->jobs, "jobs_without_tasks", (json_int_t)without_tasks, "instances_joined",
			 (json_int_t)j->joined, "instances_without_job", (json_int_t)j->without_job);
}

void cs_google_jobs_free(struct cs_google_jobs *j)
{
	if (!j)
		return;
	free(j->w);
	free(j);
}
