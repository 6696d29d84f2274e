/* sim/run — one experiment run into one results directory.
 *
 * Writes DIR/experiment.json (the resolved experiment with version and
 * seed), DIR/summary.json, DIR/run.json, DIR/timeseries.csv, DIR/jobs.csv
 * (INTERFACE.md).  A directory that exists and is not empty is refused
 * unless force.  On bad input nothing is left behind. */
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
};

/* Run the loaded experiment tree (modified: defaults filled in). */
int cs_run_experiment(json_t *exp, const struct cs_run_opts *opts, struct cs_error *err);
/* Create dir and its parents; refuse a non-empty existing dir unless force. */
int cs_prepare_outdir(const char *dir, bool force, struct cs_error *err);
/* Write a JSON document to path, deterministic formatting. */
int cs_write_json(const char *path, const json_t *doc, struct cs_error *err);
/* Peak resident set size of this process, MiB. */
double cs_peak_rss_mib(void);

#endif
