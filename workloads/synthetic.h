/* workloads/synthetic — jobs sampled from distributions.
 *
 * Keys of a synthetic workload (docs/experiments.md): name, kind (batch|service),
 * arrival (interarrival time), tasks (count; a sample is rounded up, at
 * least 1, as the Omega simulator does), task_duration (required for
 * batch; a service without it runs until the end), task_cpu, task_mem,
 * task_disk, priority, max_jobs, start (time of the earliest arrival
 * window), end (no arrivals after it).
 *
 * Each workload samples from its own GSL stream seeded from (experiment
 * seed, workload name), so adding a workload does not change the others.
 * Per-task sizes larger than the largest machine are resampled (as the
 * Omega simulator does), up to 100 times, then clamped; so are task
 * counts above tasks_per_job (sim/limits).  A sampled duration is at
 * most CS_MAX_SECONDS.  priority is a whole number from 0 to 11
 * (Google's bands: free 0-1, batch 2-8, production 9-10, monitoring 11). */
#ifndef CS_SYNTHETIC_H
#define CS_SYNTHETIC_H
#include <jansson.h>

#include "sim/config.h"
#include "workloads/source.h"

struct cs_synthetic_limits {
	cs_time end;           /* no arrivals after this (the run's duration) */
	struct cs_res max_req; /* the largest machine */
	uint64_t tasks_per_job; /* sim/limits */
	double expected_jobs;  /* out: the arrivals to expect, duration /
				* mean interarrival (or max_jobs) */
};

/* Parse the workload object w (at path) and open its generator. */
int cs_synthetic_open(const struct cs_cfg *cfg, json_t *w, const char *path, uint64_t seed,
		      struct cs_synthetic_limits *lim, struct cs_source *out);

/* Keys a synthetic workload accepts (for the caller's key check). */
extern const char *const cs_synthetic_keys[];

#endif
