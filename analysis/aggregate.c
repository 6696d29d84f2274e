/* analysis/aggregate — see aggregate.h. */
#include "analysis/aggregate.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "sim/alloc.h"

static json_t *merge(json_t *const *v, size_t n);

static json_t *merge_objects(json_t *const *v, size_t n)
{
	json_t *out = json_object();
	json_t **child = cs_xcalloc(n, sizeof *child);
	for (size_t i = 0; i < n; i++) {
		const char *key;
		json_t *x;
		json_object_foreach(json_is_object(v[i]) ? v[i] : NULL, key, x) {
			if (json_object_get(out, key))
				continue; /* merged when first seen */
			for (size_t j = 0; j < n; j++)
				child[j] = json_is_object(v[j]) ? json_object_get(v[j], key) : NULL;
			json_object_set_new(out, key, merge(child, n));
		}
	}
	free(child);
	return out;
}

static json_t *merge_arrays(json_t *const *v, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		if (json_array_size(v[i]) > len)
			len = json_array_size(v[i]);
	json_t *out = json_array();
	json_t **child = cs_xcalloc(n, sizeof *child);
	for (size_t k = 0; k < len; k++) {
		for (size_t j = 0; j < n; j++)
			child[j] = json_array_get(v[j], k); /* NULL past the end or if not an array */
		json_array_append_new(out, merge(child, n));
	}
	free(child);
	return out;
}

/* v[i] may be NULL (absent in replication i). */
static json_t *merge(json_t *const *v, size_t n)
{
	json_t *first = NULL;
	size_t numbers = 0;
	for (size_t i = 0; i < n; i++) {
		if (!v[i] || json_is_null(v[i]))
			continue;
		if (!first)
			first = v[i];
		numbers += json_is_number(v[i]);
	}
	if (!first)
		return json_null();
	if (json_is_object(first))
		return merge_objects(v, n);
	if (json_is_array(first))
		return merge_arrays(v, n);
	if (!json_is_number(first))
		return json_incref(first);
	double *x = cs_xcalloc(numbers, sizeof *x);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] && json_is_number(v[i]))
			x[m++] = json_number_value(v[i]);
	struct cs_stats s;
	cs_stats_of(x, m, &s);
	free(x);
	return cs_stats_json(&s);
}

json_t *cs_aggregate(json_t *const *docs, size_t n)
{
	return merge(docs, n);
}

int cs_is_aggregate(const json_t *summary)
{
	const json_t *r = json_object_get(summary, "replications");
	return json_is_integer(r) && json_integer_value(r) >= 2;
}

json_t *cs_aggregate_means(const json_t *doc, int ci)
{
	struct cs_stats st;
	if (cs_stats_from_json(doc, &st))
		return json_real(st.mean); /* a statistics object at the top */
	if (json_is_array(doc)) {
		json_t *out = json_array();
		for (size_t i = 0; i < json_array_size(doc); i++)
			json_array_append_new(out, cs_aggregate_means(json_array_get(doc, i), ci));
		return out;
	}
	if (!json_is_object(doc))
		return json_deep_copy(doc);
	json_t *out = json_object();
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)(uintptr_t)doc, key, v) {
		if (ci && strcmp(key, "seeds") == 0)
			continue;
		if (!cs_stats_from_json(v, &st)) {
			json_object_set_new(out, key, cs_aggregate_means(v, ci));
			continue;
		}
		json_object_set_new(out, key, isfinite(st.mean) ? json_real(st.mean) : json_null());
		if (!ci)
			continue;
		char *lo = cs_xasprintf("%s.ci95_lo", key), *hi = cs_xasprintf("%s.ci95_hi", key);
		json_object_set_new(out, lo, isfinite(st.ci_lo) ? json_real(st.ci_lo) : json_null());
		json_object_set_new(out, hi, isfinite(st.ci_hi) ? json_real(st.ci_hi) : json_null());
		free(lo);
		free(hi);
	}
	return out;
}

char *cs_replicated_first(const char *dir)
{
	char *p = cs_xasprintf("%s/summary.json", dir);
	json_t *s = json_load_file(p, 0, NULL);
	free(p);
	char *first = cs_is_aggregate(s) ? cs_xasprintf("%s/replications/1", dir) : NULL;
	json_decref(s);
	return first;
}
