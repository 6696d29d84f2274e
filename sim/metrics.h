/* sim/metrics — the one place that turns job life-cycle events into
 * results: per-workload and overall wait times, slowdown, outcomes, and
 * the rows of jobs.csv.
 *
 * Definitions (docs/results.md; the Omega paper's where it has one):
 *  - wait_first_attempt = first_attempt - submit, for every job whose first
 *    scheduling attempt began before the run ended;
 *  - wait_scheduled = scheduled - submit (scheduled = the moment its last
 *    task was placed), for jobs fully placed before the run ended;
 *  - slowdown_bounded = max(1, (end - submit) / max(run, 10 s)), for batch
 *    jobs that completed, run = the longest task duration;
 *  - percentiles are GSL's (linear interpolation between order
 *    statistics, R-7); an empty set gives null.
 * Jobs of the prefill are not workload jobs and never reach metrics. */
#ifndef CS_METRICS_H
#define CS_METRICS_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "sim/job.h"
#include "sim/jobs_csv.h"

struct cs_samples {
	double *v;
	size_t n, cap;
	/* or, with nparts > 0, the union of other sets (v unused; n their
	 * total once summarized): the overall figures of several workloads
	 * are computed from the workloads' samples, not from a copy */
	const struct cs_samples *const *parts;
	size_t nparts;
	bool summarized;               /* the figures below set */
	double mean, p50, p90, p99;
};
void cs_samples_add(struct cs_samples *s, double x);
/* {mean, p50, p90, p99} (nulls when empty). */
json_t *cs_samples_summary(struct cs_samples *s);
void cs_samples_release(struct cs_samples *s);

struct cs_job_counts {
	uint64_t submitted, scheduled, completed, abandoned;
	struct cs_samples wait_first, wait_sched, slowdown;
};

struct cs_metrics {
	uint32_t nworkloads;
	char **names;              /* workload names (borrowed) */
	struct cs_job_counts *wl;  /* per workload */
	struct cs_job_counts all;  /* counts; its samples are the workloads'
				    * (parts) when there are several */
	const struct cs_samples **parts; /* all's parts: 3 x nworkloads */
	cs_time first_submit, last_end;
	struct cs_jobs_csv *jobs_csv; /* NULL: no jobs.csv */
};

void cs_metrics_init(struct cs_metrics *m, uint32_t nworkloads, char **names, FILE *jobs_csv);
/* Writes the rest of jobs.csv (a write error shows as ferror on its
 * FILE), then frees. */
void cs_metrics_release(struct cs_metrics *m);
void cs_metrics_submitted(struct cs_metrics *m, const struct cs_job *job);
void cs_metrics_first_attempt(struct cs_metrics *m, const struct cs_job *job);
void cs_metrics_scheduled(struct cs_metrics *m, const struct cs_job *job);
/* The job ended (completed or abandoned): count it and write its row. */
void cs_metrics_finished(struct cs_metrics *m, const struct cs_job *job);
/* The run ended with the job still pending or running: write its row. */
void cs_metrics_unfinished(struct cs_metrics *m, const struct cs_job *job);
/* summary.json's job keys: jobs, wait_first_attempt, wait_scheduled,
 * slowdown_bounded, makespan, workloads — added to obj. */
void cs_metrics_summarize(struct cs_metrics *m, json_t *obj);

#endif
