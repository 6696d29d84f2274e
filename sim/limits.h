/* sim/limits — how large a run may be before it is refused up front.
 *
 * A run whose size is out of proportion -- a century of arrivals every
 * second, a timeseries of billions of rows, a million sweep points --
 * would fill memory or the disk.  Such a run is refused before it starts
 * (or, where the size is only known while it runs, such as a trace replay
 * without a duration, as soon as it passes the limit) with an error that
 * names the limit and how to raise it: the experiment's top-level
 * "limits" object, e.g. "limits": {"jobs": 1e9}.  Keys and defaults:
 *   sweep_points     10,000       points of a sweep
 *   jobs             100,000,000  expected arrivals of the synthetic
 *                                 workloads (duration / mean interarrival)
 *   tasks_per_job    1,000,000    tasks of one job (a sampled count
 *                                 above it is drawn again, as oversized
 *                                 tasks are, then clamped)
 *   timeseries_rows  10,000,000   rows of timeseries.csv
 *   machines         10,000,000   machines of the cell
 *   machine_classes  1,000        entries of cell.machines
 *   replications     1,000        replications of a run or of each
 *                                 sweep point (sim/replicate)
 * The limits are not part of the model: experiment.json records the
 * "limits" object only when the experiment has one. */
#ifndef CS_LIMITS_H
#define CS_LIMITS_H
#include <stdint.h>

#include <jansson.h>

#include "sim/error.h"

struct cs_limits {
	uint64_t sweep_points, jobs, tasks_per_job, timeseries_rows, machines, machine_classes, replications;
};

/* The experiment's limits (the defaults where it gives none). */
int cs_limits_parse(struct cs_limits *l, const json_t *exp, const char *file, struct cs_error *err);

#endif
