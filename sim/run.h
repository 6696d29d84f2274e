/* sim/run — one experiment run into one results directory.
 *
 * Writes DIR/experiment.json (the resolved experiment with version and
 * seed), DIR/summary.json, DIR/run.json, DIR/timeseries.csv, DIR/jobs.csv
 * (docs/results.md), through sim/outdir: the directory appears complete
 * or not at all.  One that exists and is not empty is refused unless
 * force, and then replaced only once the new results are complete.  A
 * failed or interrupted run (sim/interrupt) leaves the earlier results
 * as they were. */
#ifndef CS_RUN_H
#define CS_RUN_H
#include <stdbool.h>

#include <jansson.h>

#include "sim/error.h"

struct cs_run_opts {
	const char *file;   /* the experiment file, for messages and paths */
	const char *outdir;
	bool force, quiet;
	const char *label;  /* shown in the progress line, may be NULL */
	const json_t *point; /* a sweep point's experiment as given: written
			      * as point.json (sweep --resume reads it); or NULL */
	/* Live mode (live/controller.c), or NULL: attach is called once the
	 * world is built and experiment.json written, before the run (it
	 * installs the real-time clock, the live backend and the API),
	 * detach after it; a signal (SIGINT, SIGTERM) then ends the run and
	 * its results are written, as at the end of its duration. */
	const struct cs_run_live *live;
};

struct cs_world;
struct cs_run_live {
	int (*attach)(struct cs_world *w, void *ctx, struct cs_error *err);
	void (*detach)(struct cs_world *w, void *ctx);
	void *ctx;
};

/* Run the loaded experiment tree (modified: defaults filled in). */
int cs_run_experiment(json_t *exp, const struct cs_run_opts *opts, struct cs_error *err);
/* Peak resident set size of this process, MiB. */
double cs_peak_rss_mib(void);

#endif
