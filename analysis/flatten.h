/* analysis/flatten — a JSON document as a flat list of "a.b.c" = leaf
 * pairs, in document order: the tidy rows of sweep.csv and the metrics
 * that compare checks. */
#ifndef CS_FLATTEN_H
#define CS_FLATTEN_H
#include <jansson.h>

typedef void cs_flatten_fn(void *ctx, const char *key, const json_t *leaf);
void cs_flatten(const json_t *doc, cs_flatten_fn *fn, void *ctx);
/* The same, but an object for which is_leaf returns nonzero is handed to
 * fn whole (the statistics objects of an aggregate). */
void cs_flatten_leaves(const json_t *doc, int (*is_leaf)(const json_t *), cs_flatten_fn *fn, void *ctx);

#endif
