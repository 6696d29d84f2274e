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
};

/* Run the loaded experiment tree (modified: defaults filled in). */
int cs_run_experiment(json_t *exp, const struct cs_run_opts *opts, struct cs_error *err);
/* Peak resident set size of this process, MiB. */
double cs_peak_rss_mib(void);

#endif
