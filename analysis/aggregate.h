/* analysis/aggregate — N replications' result documents (summary.json or
 * run.json of the same experiment with seeds seed, seed+1, ...) as one.
 *
 * The structure is the union of the documents' (keys in order of first
 * appearance, arrays element by element).  Every numeric leaf becomes the
 * statistics of its non-null values over the replications
 * (analysis/stats: {"mean", "sd", "ci95", "median", "mad", "n"}); a leaf
 * null in every replication stays null; strings and booleans are taken
 * from the first replication that has them.  The same documents give the
 * same aggregate, bit for bit.  Ownership: the result is the caller's. */
#ifndef CS_AGGREGATE_H
#define CS_AGGREGATE_H
#include <stddef.h>

#include <jansson.h>

json_t *cs_aggregate(json_t *const *docs, size_t n);
/* A copy of doc with every statistics object replaced by its mean; with
 * ci, each such key K also gets the siblings "K.ci95_lo" and "K.ci95_hi"
 * (empty, i.e. null, where the interval is undefined), and "seeds" is
 * left out: the rows of sweep.csv and of `table`.  A document without
 * statistics comes back as a plain copy. */
json_t *cs_aggregate_means(const json_t *doc, int ci);
/* Whether a summary is an aggregate of replications (its top-level
 * "replications" is a count >= 2). */
int cs_is_aggregate(const json_t *summary);

/* DIR/replications/1 if DIR's summary.json is an aggregate (a new
 * string), else NULL. */
char *cs_replicated_first(const char *dir);

#endif
