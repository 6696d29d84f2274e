/* sim/sweep_csv — see sweep_csv.h. */
#include "sim/sweep_csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/aggregate.h"
#include "analysis/flatten.h"
#include "sim/alloc.h"
#include "sim/csv.h"
#include "sim/outdir.h"

const char *cs_unit_status_name(enum cs_unit_status s)
{
	switch (s) {
	case CS_UNIT_OK:
		return "ok";
	case CS_UNIT_FAILED:
		return "failed";
	case CS_UNIT_INTERRUPTED:
		return "interrupted";
	case CS_UNIT_NOT_RUN:
		break;
	}
	return "not run";
}

struct collect {
	json_t *columns;   /* metric names in first-seen order */
	json_t *seen;      /* the same as a set */
	json_t *values;    /* this point's flattened metrics */
	const json_t *swept;
};

static void collect_leaf(void *ctx, const char *key, const json_t *leaf)
{
	struct collect *c = ctx;
	if (!json_is_number(leaf) && !json_is_boolean(leaf) && !json_is_null(leaf))
		return;
	for (size_t i = 0; i < json_array_size(c->swept); i++)
		if (strcmp(json_string_value(json_array_get(c->swept, i)), key) == 0)
			return;
	if (!json_object_get(c->seen, key)) {
		json_object_set_new(c->seen, key, json_true());
		json_array_append_new(c->columns, json_string(key));
	}
	json_object_set(c->values, key, (json_t *)(uintptr_t)leaf);
}

static void put_value(FILE *f, const json_t *v)
{
	if (!v || json_is_null(v))
		return;
	if (json_is_integer(v)) {
		fprintf(f, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		fprintf(f, "%.10g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? "true" : "false", f);
	} else {
		char *s = cs_sweep_value_label(v);
		cs_csv_put(f, s);
		free(s);
	}
}

int cs_sweep_csv_write(const struct cs_sweep_grid *g, const enum cs_unit_status *status, const char *dir,
		       struct cs_error *err)
{
	struct collect c = {json_array(), json_object(), NULL, g->keys};
	json_t *flats = json_array();
	for (size_t i = 0; i < g->n; i++) {
		json_t *flat = json_object();
		if (status[i] == CS_UNIT_OK) {
			char *sp = cs_xasprintf("%s/points/%s/summary.json", dir, g->pts[i].label);
			json_t *s = json_load_file(sp, 0, NULL);
			free(sp);
			if (s) {
				/* an aggregate of replications: the means, with
				 * their confidence intervals beside them */
				json_t *rows = cs_aggregate_means(s, 1);
				c.values = flat;
				cs_flatten(rows, collect_leaf, &c);
				json_decref(rows);
				json_decref(s);
			}
		}
		json_array_append_new(flats, flat);
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fputs("point", f);
	for (size_t k = 0; k < json_array_size(g->keys); k++) {
		fputc(',', f);
		cs_csv_put(f, json_string_value(json_array_get(g->keys, k)));
	}
	fputs(",status", f);
	for (size_t m = 0; m < json_array_size(c.columns); m++) {
		fputc(',', f);
		cs_csv_put(f, json_string_value(json_array_get(c.columns, m)));
	}
	fputc('\n', f);
	for (size_t i = 0; i < g->n; i++) {
		cs_csv_put(f, g->pts[i].label);
		for (size_t k = 0; k < json_array_size(g->keys); k++) {
			fputc(',', f);
			put_value(f, json_object_get(g->pts[i].values, json_string_value(json_array_get(g->keys, k))));
		}
		fputc(',', f);
		fputs(cs_unit_status_name(status[i]), f);
		json_t *flat = json_array_get(flats, i);
		for (size_t m = 0; m < json_array_size(c.columns); m++) {
			fputc(',', f);
			put_value(f, json_object_get(flat, json_string_value(json_array_get(c.columns, m))));
		}
		fputc('\n', f);
	}
	fclose(f);
	json_decref(flats);
	json_decref(c.columns);
	json_decref(c.seen);
	char *path = cs_xasprintf("%s/sweep.csv", dir);
	int rc = cs_write_file_atomic(path, buf, len, err);
	free(path);
	free(buf);
	return rc;
}
