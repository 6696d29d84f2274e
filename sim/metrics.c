/* sim/metrics — see metrics.h. */
#include "sim/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

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

json_t *cs_samples_summary(struct cs_samples *s)
{
	json_t *o = json_object();
	if (s->n == 0) {
		json_object_set_new(o, "mean", json_null());
		json_object_set_new(o, "p50", json_null());
		json_object_set_new(o, "p90", json_null());
		json_object_set_new(o, "p99", json_null());
		return o;
	}
	cs_sort_doubles(s->v, s->n);
	/* GSL's running mean, taken in sorted order: deterministic, and the
	 * ascending order keeps the rounding error small. */
	json_object_set_new(o, "mean", json_real(gsl_stats_mean(s->v, 1, s->n)));
	json_object_set_new(o, "p50", json_real(gsl_stats_quantile_from_sorted_data(s->v, 1, s->n, 0.50)));
	json_object_set_new(o, "p90", json_real(gsl_stats_quantile_from_sorted_data(s->v, 1, s->n, 0.90)));
	json_object_set_new(o, "p99", json_real(gsl_stats_quantile_from_sorted_data(s->v, 1, s->n, 0.99)));
	return o;
}

void cs_metrics_init(struct cs_metrics *m, uint32_t nworkloads, char **names, FILE *jobs_csv)
{
	memset(m, 0, sizeof *m);
	m->nworkloads = nworkloads;
	m->names = names;
	m->wl = cs_xcalloc(nworkloads, sizeof *m->wl);
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
	memset(m, 0, sizeof *m);
}

/* The counts a job of workload wl goes into: the overall ones and its
 * workload's, or only the overall ones when there is one workload (the
 * two would be equal; a trace replay has hundreds of thousands of
 * samples, and keeping and sorting them twice showed in profiles). */
static unsigned counts_of(struct cs_metrics *m, uint32_t wl, struct cs_job_counts *c[2])
{
	c[0] = &m->all;
	if (m->nworkloads == 1)
		return 1;
	c[1] = &m->wl[wl];
	return 2;
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
	double w = cs_time_to_seconds(job->first_attempt - job->submit);
	struct cs_job_counts *c[2];
	for (unsigned i = 0, n = counts_of(m, job->workload, c); i < n; i++)
		cs_samples_add(&c[i]->wait_first, w);
}

void cs_metrics_scheduled(struct cs_metrics *m, const struct cs_job *job)
{
	double w = cs_time_to_seconds(job->scheduled - job->submit);
	struct cs_job_counts *c[2];
	for (unsigned i = 0, n = counts_of(m, job->workload, c); i < n; i++) {
		c[i]->scheduled++;
		cs_samples_add(&c[i]->wait_sched, w);
	}
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
			for (unsigned i = 0; i < n; i++)
				cs_samples_add(&c[i]->slowdown, sd);
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
