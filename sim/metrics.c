/* sim/metrics — see metrics.h. */
#include "sim/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/sort.h"

void cs_samples_add(struct cs_samples *s, double x)
{
	CS_GROW(s->v, s->cap, s->n + 1);
	s->v[s->n++] = x;
}

void cs_samples_release(struct cs_samples *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* GSL's quantile of sorted data (R-7: linear between the order statistics
 * lo = floor((n - 1) p) and lo + 1), given those two. */
static double quantile_from(size_t n, double p, double at_lo, double at_hi)
{
	double index = p * (double)(n - 1);
	size_t lo = (size_t)index;
	double delta = index - (double)lo;
	return lo == n - 1 ? at_lo : (1 - delta) * at_lo + delta * at_hi;
}

/* A compensated (Neumaier) running sum: within a couple of ulps of the
 * exact sum, whatever n, and deterministic. */
struct ksum {
	double sum, c;
};

static void ksum_add(struct ksum *k, const double *v, size_t n)
{
	double sum = k->sum, c = k->c;
	for (size_t i = 0; i < n; i++) {
		double t = sum + v[i];
		if (fabs(sum) >= fabs(v[i]))
			c += (sum - t) + v[i];
		else
			c += (v[i] - t) + sum;
		sum = t;
	}
	k->sum = sum;
	k->c = c;
}

/* Work out the figures (once): the quantiles from six order statistics
 * selected in O(n), not from a sorted copy (sorting was a tenth of a
 * trace replay); the mean as the compensated sum over the samples in the
 * order they came (part after part), over n. */
static void samples_compute(struct cs_samples *s)
{
	if (s->summarized)
		return;
	const struct cs_samples *self = s;
	const struct cs_samples *const *parts = s->nparts ? s->parts : &self;
	size_t nparts = s->nparts ? s->nparts : 1;
	const double **vs = cs_xmalloc(nparts * sizeof *vs);
	size_t *ns = cs_xmalloc(nparts * sizeof *ns);
	size_t n = 0;
	struct ksum sum = {0, 0};
	for (size_t p = 0; p < nparts; p++) {
		vs[p] = parts[p]->v;
		ns[p] = parts[p]->n;
		n += ns[p];
		ksum_add(&sum, vs[p], ns[p]);
	}
	if (s->nparts)
		s->n = n; /* a plain set's n is left alone: an overall set on
			   * the other thread may be reading it */
	if (n > 0) {
		static const double ps[3] = {0.50, 0.90, 0.99};
		size_t ranks[6];
		for (int q = 0; q < 3; q++) {
			ranks[2 * q] = (size_t)(ps[q] * (double)(n - 1));
			ranks[2 * q + 1] = ranks[2 * q] + 1 < n ? ranks[2 * q] + 1 : ranks[2 * q];
		}
		double at[6];
		cs_select_doubles_parts(vs, ns, nparts, ranks, 6, at);
		s->mean = (sum.sum + sum.c) / (double)n;
		s->p50 = quantile_from(n, ps[0], at[0], at[1]);
		s->p90 = quantile_from(n, ps[1], at[2], at[3]);
		s->p99 = quantile_from(n, ps[2], at[4], at[5]);
	}
	free(vs);
	free(ns);
	s->summarized = true;
}

json_t *cs_samples_summary(struct cs_samples *s)
{
	json_t *o = json_object();
	samples_compute(s);
	if (s->n == 0) {
		json_object_set_new(o, "mean", json_null());
		json_object_set_new(o, "p50", json_null());
		json_object_set_new(o, "p90", json_null());
		json_object_set_new(o, "p99", json_null());
		return o;
	}
	json_object_set_new(o, "mean", json_real(s->mean));
	json_object_set_new(o, "p50", json_real(s->p50));
	json_object_set_new(o, "p90", json_real(s->p90));
	json_object_set_new(o, "p99", json_real(s->p99));
	return o;
}

/* ---- computing every sample set's figures on two threads ---- */

struct compute_set {
	struct cs_samples **s;
	size_t n;
};

static void *compute_all(void *arg)
{
	struct compute_set *c = arg;
	for (size_t i = 0; i < c->n; i++)
		samples_compute(c->s[i]);
	return NULL;
}

/* Below this many samples in all, one thread: selection takes a few ms,
 * less than starting a thread that needs its own stack and malloc arena
 * (fresh pages: a tenth of a short run's page faults). */
enum { SETS_ON_TWO_THREADS = 4000000 };

/* A month-long replay ends with millions of samples in each set.
 * The sets are independent (an overall set only reads its parts), so each
 * goes to the half (this thread's or a helper's) with fewer samples so
 * far; the figures do not depend on who computes them. */
static void compute_sets(struct cs_samples **sets, size_t n)
{
	struct cs_samples **order = cs_xcalloc(n ? n : 1, sizeof *order);
	struct compute_set a = {order, 0}, b = {order + n, 0}; /* b fills from the end */
	size_t wa = 0, wb = 0;
	for (size_t i = 0; i < n; i++) {
		size_t w = sets[i]->n;
		for (size_t p = 0; p < sets[i]->nparts; p++)
			w += sets[i]->parts[p]->n;
		if (wa <= wb) {
			a.s[a.n++] = sets[i];
			wa += w;
		} else {
			*--b.s = sets[i];
			b.n++;
			wb += w;
		}
	}
	pthread_t helper;
	bool threaded = wa + wb >= SETS_ON_TWO_THREADS && b.n > 0 && pthread_create(&helper, NULL, compute_all, &b) == 0;
	compute_all(&a);
	if (threaded)
		pthread_join(helper, NULL);
	else
		compute_all(&b);
	free(order);
}

void cs_metrics_init(struct cs_metrics *m, uint32_t nworkloads, char **names, FILE *jobs_csv)
{
	memset(m, 0, sizeof *m);
	m->nworkloads = nworkloads;
	m->names = names;
	m->wl = cs_xcalloc(nworkloads, sizeof *m->wl);
	if (nworkloads > 1) {
		m->parts = cs_xcalloc(3 * (size_t)nworkloads, sizeof *m->parts);
		for (uint32_t i = 0; i < nworkloads; i++) {
			m->parts[i] = &m->wl[i].wait_first;
			m->parts[nworkloads + i] = &m->wl[i].wait_sched;
			m->parts[2 * (size_t)nworkloads + i] = &m->wl[i].slowdown;
		}
		m->all.wait_first.parts = m->parts;
		m->all.wait_sched.parts = m->parts + nworkloads;
		m->all.slowdown.parts = m->parts + 2 * (size_t)nworkloads;
		m->all.wait_first.nparts = m->all.wait_sched.nparts = m->all.slowdown.nparts = nworkloads;
	}
	m->first_submit = m->last_end = CS_TIME_NEVER;
	if (jobs_csv)
		m->jobs_csv = cs_jobs_csv_open(jobs_csv, names, nworkloads);
}

static void counts_release(struct cs_job_counts *c)
{
	cs_samples_release(&c->wait_first);
	cs_samples_release(&c->wait_sched);
	cs_samples_release(&c->slowdown);
}

void cs_metrics_release(struct cs_metrics *m)
{
	if (m->jobs_csv)
		cs_jobs_csv_close(m->jobs_csv);
	for (uint32_t i = 0; i < m->nworkloads; i++)
		counts_release(&m->wl[i]);
	counts_release(&m->all);
	free(m->wl);
	free(m->parts);
	memset(m, 0, sizeof *m);
}

/* The counts a job of workload wl goes into: the overall ones and its
 * workload's, or only the overall ones when there is one workload (the
 * two would be equal). */
static unsigned counts_of(struct cs_metrics *m, uint32_t wl, struct cs_job_counts *c[2])
{
	c[0] = &m->all;
	if (m->nworkloads == 1)
		return 1;
	c[1] = &m->wl[wl];
	return 2;
}

/* The samples of a job of workload wl are kept once: in its workload's
 * counts (the overall sets are made of those), or in the overall ones
 * when there is one workload.  (A trace replay has hundreds of thousands
 * of samples: keeping them twice showed in profiles, and the memory they
 * take is a third of a short run's page faults.) */
static struct cs_job_counts *samples_of(struct cs_metrics *m, uint32_t wl)
{
	return m->nworkloads == 1 ? &m->all : &m->wl[wl];
}

void cs_metrics_submitted(struct cs_metrics *m, const struct cs_job *job)
{
	struct cs_job_counts *c[2];
	for (unsigned i = 0, n = counts_of(m, job->workload, c); i < n; i++)
		c[i]->submitted++;
	if (m->first_submit == CS_TIME_NEVER)
		m->first_submit = job->submit;
}

void cs_metrics_first_attempt(struct cs_metrics *m, const struct cs_job *job)
{
	cs_samples_add(&samples_of(m, job->workload)->wait_first,
		       cs_time_to_seconds(job->first_attempt - job->submit));
}

void cs_metrics_scheduled(struct cs_metrics *m, const struct cs_job *job)
{
	struct cs_job_counts *c[2];
	for (unsigned i = 0, n = counts_of(m, job->workload, c); i < n; i++)
		c[i]->scheduled++;
	cs_samples_add(&samples_of(m, job->workload)->wait_sched, cs_time_to_seconds(job->scheduled - job->submit));
}

/* The job's row of jobs.csv (formatted and written on another thread). */
static void write_row(struct cs_metrics *m, const struct cs_job *job)
{
	if (m->jobs_csv)
		cs_jobs_csv_add(m->jobs_csv, job);
}

void cs_metrics_finished(struct cs_metrics *m, const struct cs_job *job)
{
	struct cs_job_counts *c[2];
	unsigned n = counts_of(m, job->workload, c);
	if (job->outcome == CS_JOB_ABANDONED) {
		for (unsigned i = 0; i < n; i++)
			c[i]->abandoned++;
	} else {
		for (unsigned i = 0; i < n; i++)
			c[i]->completed++;
		if (m->last_end == CS_TIME_NEVER || job->end > m->last_end)
			m->last_end = job->end;
		cs_time run = cs_job_run_time(job);
		if (job->kind == CS_JOB_BATCH && run != CS_TIME_NEVER) {
			double r = cs_time_to_seconds(run);
			double sd = cs_time_to_seconds(job->end - job->submit) / (r > 10 ? r : 10);
			if (sd < 1)
				sd = 1;
			cs_samples_add(&samples_of(m, job->workload)->slowdown, sd);
		}
	}
	write_row(m, job);
}

void cs_metrics_unfinished(struct cs_metrics *m, const struct cs_job *job)
{
	write_row(m, job);
}

static json_t *counts_json(const struct cs_job_counts *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "submitted", json_integer((json_int_t)c->submitted));
	json_object_set_new(o, "scheduled", json_integer((json_int_t)c->scheduled));
	json_object_set_new(o, "completed", json_integer((json_int_t)c->completed));
	json_object_set_new(o, "abandoned", json_integer((json_int_t)c->abandoned));
	json_object_set_new(o, "unscheduled",
			    json_integer((json_int_t)(c->submitted - c->scheduled - c->abandoned)));
	return o;
}

/* jobs, wait_first_attempt, wait_scheduled, slowdown_bounded of c */
static void counts_summarize(struct cs_job_counts *c, json_t *obj)
{
	json_object_set_new(obj, "jobs", counts_json(c));
	json_object_set_new(obj, "wait_first_attempt", cs_samples_summary(&c->wait_first));
	json_object_set_new(obj, "wait_scheduled", cs_samples_summary(&c->wait_sched));
	json_object_set_new(obj, "slowdown_bounded", cs_samples_summary(&c->slowdown));
}

void cs_metrics_summarize(struct cs_metrics *m, json_t *obj)
{
	uint32_t ncounts = m->nworkloads > 1 ? m->nworkloads + 1 : 1;
	struct cs_samples **sets = cs_xcalloc(3 * (size_t)ncounts, sizeof *sets);
	for (uint32_t i = 0; i < ncounts; i++) {
		struct cs_job_counts *c = i == 0 ? &m->all : &m->wl[i - 1];
		sets[3 * i] = &c->wait_first;
		sets[3 * i + 1] = &c->wait_sched;
		sets[3 * i + 2] = &c->slowdown;
	}
	compute_sets(sets, 3 * (size_t)ncounts);
	free(sets);
	counts_summarize(&m->all, obj);
	if (m->last_end != CS_TIME_NEVER && m->first_submit != CS_TIME_NEVER)
		json_object_set_new(obj, "makespan",
				    json_real(cs_time_to_seconds(m->last_end - m->first_submit)));
	else
		json_object_set_new(obj, "makespan", json_null());
	json_t *wls = json_object();
	for (uint32_t i = 0; i < m->nworkloads; i++) {
		json_t *w = json_object();
		if (m->nworkloads == 1) { /* the overall figures are this workload's */
			static const char *const keys[] = {"jobs", "wait_first_attempt", "wait_scheduled",
							   "slowdown_bounded"};
			for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
				json_object_set_new(w, keys[k], json_deep_copy(json_object_get(obj, keys[k])));
		} else {
			counts_summarize(&m->wl[i], w);
		}
		json_object_set_new(wls, m->names[i], w);
	}
	json_object_set_new(obj, "workloads", wls);
}
