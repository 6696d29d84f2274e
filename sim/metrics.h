/* sim/metrics — the one writer of results.  It turns job life-cycle
 * events into results (per-workload and overall wait times, slowdown,
 * outcomes, the rows of jobs.csv: metrics.c), writes timeseries.csv for
 * the sources of columns a run registers (the world's cell and queues,
 * its schedulers' busy time, the session balancer's sessions:
 * metrics_series.c), and starts every summary.json with the same keys
 * (cs_summary_new).  The world and the balancer hand it figures; neither
 * formats a result file itself.
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

/* ---- summary.json ---- */

/* A new summary with the keys every run's summary starts with: name,
 * seed, scheduler_type, simulated_seconds. */
json_t *cs_summary_new(const char *name, uint64_t seed, const char *scheduler_type, cs_time simulated);
/* x, or null when !ok (a figure of nothing: a rate with no events). */
json_t *cs_summary_real(bool ok, double x);

/* ---- timeseries.csv ----
 *
 * One row per sample: a time column (seconds, 6 decimals), then each
 * source's columns in the order the sources were added.  A source names
 * its columns once (columns: one cs_series_column each) and puts its
 * cells of every row (row: one cs_series_real/count/blank per column).
 * The writer counts the rows against limits.timeseries_rows. */
struct cs_series;
struct cs_series_source {
	void (*columns)(void *ctx, struct cs_series *s);
	void (*row)(void *ctx, struct cs_series *s, cs_time now);
	void *ctx;
};
enum { CS_SERIES_SOURCES = 6 };
struct cs_series {
	FILE *f;                 /* NULL: no timeseries.csv */
	uint64_t rows, limit;    /* rows written (the header not counted) */
	cs_time last;            /* the time of the last row; CS_TIME_NEVER: none yet */
	struct cs_series_source src[CS_SERIES_SOURCES];
	uint32_t nsrc;
};

void cs_series_init(struct cs_series *s, FILE *f, uint64_t limit);
void cs_series_add(struct cs_series *s, const struct cs_series_source *src);
/* The header line: "time" and the sources' columns. */
void cs_series_header(struct cs_series *s);
/* The row at now, from every source; -1 (and nothing written) if it
 * would pass the limit.  Without a file: nothing, 0. */
int cs_series_row(struct cs_series *s, cs_time now);
/* A source's parts of the header and of a row. */
void cs_series_column(struct cs_series *s, const char *name); /* CSV-quoted as needed */
void cs_series_real(struct cs_series *s, double x);          /* 6 decimals */
void cs_series_count(struct cs_series *s, uint64_t n);
void cs_series_blank(struct cs_series *s);                   /* no value (an empty field) */

#endif
