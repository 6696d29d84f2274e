/* sim/replicate — replications: one experiment run with N seeds (seed,
 * seed+1, ...) and the runs' results aggregated (docs/results.md#replications).
 *
 * An experiment's top-level "replications" (1 ... limits.replications,
 * default 1; `--replications N` sets it) is taken out of the experiment
 * before it runs: each replication is the experiment with its seed
 * replaced.  Replication k (0-based) of a point is run into the point's
 * staging directory, STAGING/<k+1> (a hidden directory beside the
 * point's own: ".NAME.replications"), as a complete results directory
 * of its own (sim/run, atomic).  Once all N are there, they are
 * assembled: moved into a new results directory that replaces the point
 * atomically (sim/outdir) as
 *   replications/<k+1>/   each replication's results, as a run writes them
 *   summary.json          the aggregate (analysis/aggregate), with
 *                         "replications": N and "seeds": [...]
 *   run.json              the aggregate of the replications' run.json
 *   experiment.json       the first replication's, with "replications": N
 *   point.json            a sweep point's experiment as given (if any)
 * A replication whose staging directory holds a complete result of the
 * same replication experiment (point.json) is not run again (sweep
 * --resume, Slurm array tasks). */
#ifndef CS_REPLICATE_H
#define CS_REPLICATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/error.h"

/* exp's "replications" (default 1), removed from it; max: the limit. */
int cs_replications_take(json_t *exp, const char *file, uint64_t max, size_t *n, struct cs_error *err);
/* Replication k of a point's experiment (as given): a copy with the seed
 * of replication k (seed + k; replication 0 is the point itself). */
json_t *cs_replication_experiment(const json_t *exp, size_t k, const char *file, struct cs_error *err);
/* The staging directory of a point's results directory (a new string). */
char *cs_replication_staging(const char *target);
/* Whether replication k in staging is complete for rep_exp. */
bool cs_replication_complete(const char *staging, size_t k, const json_t *rep_exp);
/* Run replication k (rep_exp: as given, from cs_replication_experiment)
 * into its staging directory, replacing what is there. */
int cs_replication_run(const json_t *rep_exp, const char *file, const char *staging, size_t k, const char *label,
		       struct cs_error *err);
/* Assemble n complete replications into target (see above); point may
 * be NULL.  The staging directory is removed afterwards. */
int cs_replications_assemble(const char *target, const char *staging, size_t n, const json_t *point, bool force,
			     struct cs_error *err);

#endif
