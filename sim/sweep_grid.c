/* sim/sweep_grid — see sweep_grid.h. */
#include "sim/sweep_grid.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/experiment.h"

enum { LABEL_MAX = 200 };

char *cs_sweep_value_label(const json_t *v)
{
	if (json_is_object(v) && json_is_string(json_object_get(v, "label")))
		return cs_xstrdup(json_string_value(json_object_get(v, "label")));
	if (json_is_string(v))
		return cs_xstrdup(json_string_value(v));
	if (json_is_real(v))
		return cs_xasprintf("%.10g", json_real_value(v)); /* 0.1, not 0.10000000000000001 */
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	char *r = cs_xstrdup(s ? s : "?");
	free(s);
	return r;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* A label made safe as one directory name (the rules in the header). */
static char *safe_label(char *label)
{
	uint32_t hash = fnv1a(label);
	for (char *s = label; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '_' || *s == '=' || *s == '-' || *s == ','))
			*s = '_';
	for (char *s = label; *s == '.'; s++)
		*s = '_';
	if (!*label) {
		free(label);
		return cs_xstrdup("_");
	}
	if (strlen(label) > LABEL_MAX) {
		char *cut = cs_xasprintf("%.*s~%08x", LABEL_MAX, label, hash);
		free(label);
		return cut;
	}
	return label;
}

static const char *last_component(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : path;
}

static char *point_label(const json_t *acc, const char **keys, size_t nkeys)
{
	if (nkeys == 1)
		return cs_sweep_value_label(json_object_get(acc, keys[0]));
	char *label = cs_xstrdup("");
	for (size_t i = 0; i < nkeys; i++) {
		char *vl = cs_sweep_value_label(json_object_get(acc, keys[i]));
		char *next = cs_xasprintf("%s%s%s=%s", label, i ? "," : "", last_component(keys[i]), vl);
		free(vl);
		free(label);
		label = next;
	}
	return label;
}

/* Cartesian product of one grid, recursively over its keys. */
static void expand(struct cs_sweep_grid *g, json_t *grid, const char **keys, size_t nkeys, size_t k,
		   json_t *acc)
{
	if (k == nkeys) {
		CS_GROW(g->pts, g->cap, g->n + 1);
		struct cs_sweep_point *p = &g->pts[g->n++];
		p->values = json_deep_copy(acc);
		char *label = safe_label(point_label(acc, keys, nkeys));
		/* keep labels unique */
		for (size_t i = 0, dup = 1; i + 1 < g->n; i++) {
			if (strcmp(g->pts[i].label, label) == 0) {
				char *next = cs_xasprintf("%s-%zu", label, ++dup);
				free(label);
				label = next;
				i = (size_t)-1;
			}
		}
		p->label = label;
		return;
	}
	json_t *vals = json_object_get(grid, keys[k]);
	for (size_t i = 0; i < json_array_size(vals); i++) {
		json_object_set(acc, keys[k], json_array_get(vals, i));
		expand(g, grid, keys, nkeys, k + 1, acc);
	}
	json_object_del(acc, keys[k]);
}

static int parse_one(struct cs_sweep_grid *g, json_t *grid, const char *path, const char *file, size_t max_points,
		     struct cs_error *err)
{
	if (!json_is_object(grid) || json_object_size(grid) == 0)
		return cs_error_input(err, file, path, "expected an object of key paths to lists of values");
	/* the size first: a grid of a million points is refused before it
	 * is built */
	size_t points = 1;
	const char *k;
	json_t *v;
	json_object_foreach(grid, k, v) {
		char p[512];
		snprintf(p, sizeof p, "%s.%s", path, k);
		if (!json_is_array(v) || json_array_size(v) == 0)
			return cs_error_input(err, file, p, "expected a non-empty list of values");
		size_t n = json_array_size(v);
		points = points > SIZE_MAX / n ? SIZE_MAX : points * n;
	}
	if (points > max_points - g->n)
		return cs_error_input(err, file, path,
				      "%s%zu points, more than the limit of %zu (raise it with \"limits\": "
				      "{\"sweep_points\": N})", points == SIZE_MAX ? "over " : "",
				      points == SIZE_MAX ? SIZE_MAX : g->n + points, max_points);
	size_t nkeys = json_object_size(grid), i = 0;
	const char **keys = cs_xcalloc(nkeys, sizeof *keys);
	json_object_foreach(grid, k, v) {
		keys[i++] = k;
		bool seen = false;
		for (size_t j = 0; j < json_array_size(g->keys); j++)
			seen |= strcmp(json_string_value(json_array_get(g->keys, j)), k) == 0;
		if (!seen)
			json_array_append_new(g->keys, json_string(k));
	}
	json_t *acc = json_object();
	expand(g, grid, keys, nkeys, 0, acc);
	json_decref(acc);
	free(keys);
	return 0;
}

int cs_sweep_grid_parse(struct cs_sweep_grid *g, json_t *sweep, const char *file, size_t max_points,
			struct cs_error *err)
{
	memset(g, 0, sizeof *g);
	g->keys = json_array();
	if (!json_is_array(sweep))
		return parse_one(g, sweep, "sweep", file, max_points, err);
	if (json_array_size(sweep) == 0)
		return cs_error_input(err, file, "sweep", "expected a grid or a non-empty list of grids");
	for (size_t i = 0; i < json_array_size(sweep); i++) {
		char p[32];
		snprintf(p, sizeof p, "sweep[%zu]", i);
		if (parse_one(g, json_array_get(sweep, i), p, file, max_points, err) < 0)
			return -1;
	}
	return 0;
}

void cs_sweep_grid_release(struct cs_sweep_grid *g)
{
	for (size_t i = 0; i < g->n; i++) {
		json_decref(g->pts[i].values);
		free(g->pts[i].label);
	}
	free(g->pts);
	json_decref(g->keys);
	memset(g, 0, sizeof *g);
}

json_t *cs_sweep_point_experiment(const json_t *base, const struct cs_sweep_point *p, const char *file,
				  struct cs_error *err)
{
	json_t *exp = json_deep_copy(base);
	const char *k;
	json_t *v;
	json_object_foreach(p->values, k, v) {
		char why[200];
		if (cs_json_set_path(exp, k, json_deep_copy(v), why, sizeof why) < 0) {
			cs_error_input(err, file, k, "sweep: %s", why);
			json_decref(exp);
			return NULL;
		}
	}
	if (cs_experiment_resolve_vars(exp, file, err) < 0) {
		json_decref(exp);
		return NULL;
	}
	return exp;
}
