/* analysis/flatten — see flatten.h. */
#include "analysis/flatten.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/alloc.h"

struct walker {
	int (*is_leaf)(const json_t *);
	cs_flatten_fn *fn;
	void *ctx;
};

/* key: the path so far (a new string per level: no length limit, so a
 * workload with a very long name keeps its metrics) */
static void walk(const json_t *v, const char *key, const struct walker *w)
{
	if (json_is_object(v) && !(w->is_leaf && w->is_leaf(v))) {
		const char *k;
		json_t *child;
		json_object_foreach((json_t *)(uintptr_t)v, k, child) {
			char *sub = cs_xasprintf("%s%s%s", key, *key ? "." : "", k);
			walk(child, sub, w);
			free(sub);
		}
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			char *sub = cs_xasprintf("%s[%zu]", key, i);
			walk(json_array_get(v, i), sub, w);
			free(sub);
		}
	} else {
		w->fn(w->ctx, key, v);
	}
}

void cs_flatten_leaves(const json_t *doc, int (*is_leaf)(const json_t *), cs_flatten_fn *fn, void *ctx)
{
	struct walker w = {is_leaf, fn, ctx};
	walk(doc, "", &w);
}

void cs_flatten(const json_t *doc, cs_flatten_fn *fn, void *ctx)
{
	cs_flatten_leaves(doc, NULL, fn, ctx);
}
