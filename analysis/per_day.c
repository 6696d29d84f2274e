/* analysis/per_day — see per_day.h. */
#include "analysis/per_day.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "sim/alloc.h"
#include "sim/csv.h"

#define DAY 86400.0

/* Per-day accumulators of one metric. */
struct acc {
	char *key;
	double *sum, *weight; /* per day */
};

struct accs {
	struct acc *v;
	size_t n, cap, days;
};

static struct acc *acc_get(struct accs *a, const char *key)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].key, key) == 0)
			return &a->v[i];
	CS_GROW(a->v, a->cap, a->n + 1);
	struct acc *x = &a->v[a->n++];
	x->key = cs_xstrdup(key);
	x->sum = cs_xcalloc(a->days + 1, sizeof *x->sum);
	x->weight = cs_xcalloc(a->days + 1, sizeof *x->weight);
	return x;
}

/* The whole days of a timeseries: its last time / 86,400. */
static int count_days(const char *ts, size_t *days, struct cs_error *err)
{
	FILE *f = fopen(ts, "r");
	if (!f)
		return cs_error_input(err, ts, NULL, "cannot open for the per-day values");
	struct cs_csv_reader r;
	cs_csv_reader_init(&r, f);
	char **fld;
	size_t n;
	double last = 0;
	while (cs_csv_read(&r, &fld, &n) > 0)
		if (r.line > 1 && n > 0)
			last = strtod(fld[0], NULL);
	cs_csv_reader_release(&r);
	fclose(f);
	*days = (size_t)floor(last / DAY + 1e-9);
	return 0;
}

/* timeseries.csv: time-weighted means of the utilization and busy
 * columns, each window (t_prev, t] split at midnights. */
static void read_series(const char *ts, struct accs *a)
{
	FILE *f = fopen(ts, "r");
	if (!f)
		return;
	struct cs_csv_reader r;
	cs_csv_reader_init(&r, f);
	char **fld, **head = NULL;
	size_t n, nh = 0;
	double prev = 0;
	while (cs_csv_read(&r, &fld, &n) > 0) {
		if (r.line == 1) {
			head = cs_xcalloc(n + 1, sizeof *head);
			for (size_t i = 0; i < n; i++) {
				const char *c = fld[i];
				head[i] = strcmp(c, "cpu_util") == 0   ? cs_xstrdup("utilization.cpu")
					  : strcmp(c, "mem_util") == 0 ? cs_xstrdup("utilization.mem")
					  : strncmp(c, "busy_", 5) == 0 ? cs_xasprintf("schedulers.%s.busy", c + 5)
									 : NULL;
			}
			nh = n;
			continue;
		}
		double t = strtod(fld[0], NULL);
		for (double lo = prev; lo < t && lo < (double)a->days * DAY;) {
			size_t d = (size_t)(lo / DAY);
			double hi = fmin(t, (double)(d + 1) * DAY), w = hi - lo;
			for (size_t i = 1; i < n && i < nh; i++) {
				if (!head[i] || !*fld[i])
					continue;
				struct acc *x = acc_get(a, head[i]);
				x->sum[d] += strtod(fld[i], NULL) * w;
				x->weight[d] += w;
			}
			lo = hi;
		}
		prev = t;
	}
	for (size_t i = 0; i < nh; i++)
		free(head[i]);
	free(head);
	cs_csv_reader_release(&r);
	fclose(f);
}

static void add_job(struct accs *a, const char *prefix, size_t d, const char *submit, const char *at, const char *what)
{
	if (!*at)
		return;
	char key[512];
	snprintf(key, sizeof key, "%s%s.mean", prefix, what);
	struct acc *x = acc_get(a, key);
	x->sum[d] += strtod(at, NULL) - strtod(submit, NULL);
	x->weight[d] += 1;
}

/* jobs.csv: jobs submitted per day and their mean waits. */
static void read_jobs(const char *jobs, struct accs *a)
{
	FILE *f = jobs ? fopen(jobs, "r") : NULL;
	if (!f)
		return;
	struct cs_csv_reader r;
	cs_csv_reader_init(&r, f);
	char **fld;
	size_t n, cw = 0, cs = 0, cf = 0, cd = 0;
	while (cs_csv_read(&r, &fld, &n) > 0) {
		if (r.line == 1) {
			for (size_t i = 0; i < n; i++) {
				cw = strcmp(fld[i], "workload") == 0 ? i + 1 : cw;
				cs = strcmp(fld[i], "submit") == 0 ? i + 1 : cs;
				cf = strcmp(fld[i], "first_attempt") == 0 ? i + 1 : cf;
				cd = strcmp(fld[i], "scheduled") == 0 ? i + 1 : cd;
			}
			continue;
		}
		if (!cw || !cs || !cf || !cd || n < cw || n < cs || n < cf || n < cd || !*fld[cs - 1])
			continue;
		double s = strtod(fld[cs - 1], NULL);
		if (s < 0 || s >= (double)a->days * DAY)
			continue;
		size_t d = (size_t)(s / DAY);
		acc_get(a, "jobs.submitted")->sum[d] += 1;
		char prefix[400];
		snprintf(prefix, sizeof prefix, "workloads.%s.", fld[cw - 1]);
		add_job(a, "", d, fld[cs - 1], fld[cf - 1], "wait_first_attempt");
		add_job(a, "", d, fld[cs - 1], fld[cd - 1], "wait_scheduled");
		add_job(a, prefix, d, fld[cs - 1], fld[cf - 1], "wait_first_attempt");
		add_job(a, prefix, d, fld[cs - 1], fld[cd - 1], "wait_scheduled");
	}
	/* a count: a day without jobs has 0, not null */
	struct acc *x = acc_get(a, "jobs.submitted");
	for (size_t k = 0; k < a->days; k++)
		x->weight[k] = 1;
	cs_csv_reader_release(&r);
	fclose(f);
}

static int cmp_key(const void *x, const void *y)
{
	return strcmp(((const struct acc *)x)->key, ((const struct acc *)y)->key);
}

json_t *cs_per_day(const char *ts, const char *jobs, struct cs_error *err)
{
	struct accs a = {0};
	if (count_days(ts, &a.days, err) < 0)
		return NULL;
	if (a.days > 0) {
		read_series(ts, &a);
		read_jobs(jobs, &a);
	}
	if (a.n)
		qsort(a.v, a.n, sizeof *a.v, cmp_key); /* one order whatever the files' */
	json_t *metrics = json_object();
	double *vals = cs_xcalloc(a.days + 1, sizeof *vals);
	for (size_t i = 0; i < a.n; i++) {
		struct acc *x = &a.v[i];
		json_t *list = json_array();
		size_t m = 0;
		for (size_t d = 0; d < a.days; d++) {
			bool has = x->weight[d] > 0;
			double v = has ? x->sum[d] / x->weight[d] : 0;
			json_array_append_new(list, has ? json_real(v) : json_null());
			if (has)
				vals[m++] = v;
		}
		struct cs_stats s;
		cs_stats_of(vals, m, &s);
		json_object_set_new(metrics, x->key,
				    json_pack("{s:o, s:o, s:o}", "values", list, "median",
					      m ? json_real(s.median) : json_null(), "mad", m ? json_real(s.mad) : json_null()));
		free(x->key);
		free(x->sum);
		free(x->weight);
	}
	free(vals);
	free(a.v);
	return json_pack("{s:I, s:o}", "days", (json_int_t)a.days, "metrics", metrics);
}
