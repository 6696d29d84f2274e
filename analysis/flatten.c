/* analysis/flatten — see flatten.h. */
#include "analysis/flatten.h"

#include <stdint.h>
#include <stdio.h>

struct walker {
	int (*is_leaf)(const json_t *);
	cs_flatten_fn *fn;
	void *ctx;
};

static void walk(const json_t *v, char *key, size_t len, size_t cap, const struct walker *w)
{
	if (json_is_object(v) && !(w->is_leaf && w->is_leaf(v))) {
		const char *k;
		json_t *child;
		json_object_foreach((json_t *)(uintptr_t)v, k, child) {
			int n = snprintf(key + len, cap - len, "%s%s", len ? "." : "", k);
			if (n < 0 || (size_t)n >= cap - len)
				continue;
			walk(child, key, len + (size_t)n, cap, w);
			key[len] = '\0';
		}
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			int n = snprintf(key + len, cap - len, "[%zu]", i);
			if (n < 0 || (size_t)n >= cap - len)
				continue;
			walk(json_array_get(v, i), key, len + (size_t)n, cap, w);
			key[len] = '\0';
		}
	} else {
		w->fn(w->ctx, key, v);
	}
}

void cs_flatten_leaves(const json_t *doc, int (*is_leaf)(const json_t *), cs_flatten_fn *fn, void *ctx)
{
	char key[1024] = "";
	struct walker w = {is_leaf, fn, ctx};
	walk(doc, key, 0, sizeof key, &w);
}

void cs_flatten(const json_t *doc, cs_flatten_fn *fn, void *ctx)
{
	cs_flatten_leaves(doc, NULL, fn, ctx);
}
