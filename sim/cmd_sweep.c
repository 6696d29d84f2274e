/* sim/cmd_sweep — `clustersim sweep EXPERIMENT.json [-o DIR] [-j N] ...`.
 *
 * Expands the experiment's "sweep" (an object mapping key paths to lists
 * of values, their cartesian product; or a list of such objects, their
 * union) into points; runs each point (the experiment with the point's
 * values set, then variables substituted) into DIR/points/<label>, up to
 * N at a time in child processes; writes DIR/sweep.csv: one row per point
 * with its label, the swept values, its status, then every metric of its
 * summary.json flattened ("jobs.completed", "schedulers.monolithic.busy").
 * A failed point is reported and its row says so; the others still run.
 *
 * Labels: a value that is an object with a "label" key is named by it, a
 * string by itself, anything else by its compact JSON; a point's label
 * joins "key=value" for each swept key, or is the value's label alone when
 * one key is swept.  Characters outside [A-Za-z0-9._=,-] become '_'.
 * Metrics whose flattened name equals a swept key (seed) are not repeated. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/flatten.h"
#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/experiment.h"
#include "sim/run.h"

static const char usage[] =
	"usage: clustersim sweep EXPERIMENT.json [-o DIR] [-j N] [--set KEY.PATH=VALUE]... [-q] [--force]\n"
	"  runs every point of the experiment's \"sweep\" grid into DIR/points/<label>\n"
	"  and writes DIR/sweep.csv; -j N runs N points at a time (default 1)\n";

struct point {
	json_t *values;   /* object: key path -> value */
	char *label;
	int status;       /* exit code of the run */
};

struct sweep {
	struct point *pts;
	size_t n, cap;
	json_t *keys;     /* array of every swept key path, in order */
};

static char *value_label(const json_t *v)
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

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '_' || *s == '=' || *s == '-' || *s == ','))
			*s = '_';
}

static const char *last_component(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : path;
}

/* Cartesian product of one grid, recursively over its keys. */
static void expand(struct sweep *sw, json_t *grid, const char **keys, size_t nkeys, size_t k,
		   json_t *acc)
{
	if (k == nkeys) {
		CS_GROW(sw->pts, sw->cap, sw->n + 1);
		struct point *p = &sw->pts[sw->n++];
		p->values = json_deep_copy(acc);
		p->status = -1;
		char *label;
		if (nkeys == 1) {
			label = value_label(json_object_get(acc, keys[0]));
		} else {
			label = cs_xstrdup("");
			for (size_t i = 0; i < nkeys; i++) {
				char *vl = value_label(json_object_get(acc, keys[i]));
				char *next = cs_xasprintf("%s%s%s=%s", label, i ? "," : "",
							  last_component(keys[i]), vl);
				free(vl);
				free(label);
				label = next;
			}
		}
		sanitize(label);
		/* keep labels unique */
		for (size_t i = 0, dup = 1; i + 1 < sw->n; i++) {
			if (strcmp(sw->pts[i].label, label) == 0) {
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
		expand(sw, grid, keys, nkeys, k + 1, acc);
	}
	json_object_del(acc, keys[k]);
}

static int parse_grid(struct sweep *sw, json_t *grid, const char *path, const char *file,
		      struct cs_error *err)
{
	if (!json_is_object(grid) || json_object_size(grid) == 0)
		return cs_error_input(err, file, path, "expected an object of key paths to lists of values");
	size_t nkeys = json_object_size(grid), i = 0;
	const char **keys = cs_xcalloc(nkeys, sizeof *keys);
	const char *k;
	json_t *v;
	json_object_foreach(grid, k, v) {
		if (!json_is_array(v) || json_array_size(v) == 0) {
			free(keys);
			char p[512];
			snprintf(p, sizeof p, "%s.%s", path, k);
			return cs_error_input(err, file, p, "expected a non-empty list of values");
		}
		keys[i++] = k;
		bool seen = false;
		for (size_t j = 0; j < json_array_size(sw->keys); j++)
			seen |= strcmp(json_string_value(json_array_get(sw->keys, j)), k) == 0;
		if (!seen)
			json_array_append_new(sw->keys, json_string(k));
	}
	json_t *acc = json_object();
	expand(sw, grid, keys, nkeys, 0, acc);
	json_decref(acc);
	free(keys);
	return 0;
}

/* Run one point in this process; returns an exit code. */
static int run_point(const json_t *base, const struct point *p, const char *file, const char *dir,
		     bool force)
{
	struct cs_error err = {0};
	json_t *exp = json_deep_copy(base);
	const char *k;
	json_t *v;
	json_object_foreach(p->values, k, v) {
		char why[200];
		if (cs_json_set_path(exp, k, json_deep_copy(v), why, sizeof why) < 0) {
			cs_error_input(&err, file, k, "sweep: %s", why);
			json_decref(exp);
			fprintf(stderr, "clustersim: point %s: %s\n", p->label, err.msg);
			return CS_EXIT_INPUT;
		}
	}
	int rc = 0;
	if (cs_experiment_resolve_vars(exp, file, &err) < 0) {
		rc = err.code;
	} else {
		char *out = cs_xasprintf("%s/points/%s", dir, p->label);
		struct cs_run_opts opts = {file, out, force, true, p->label};
		if (cs_run_experiment(exp, &opts, &err) < 0)
			rc = err.code ? err.code : CS_EXIT_INTERNAL;
		free(out);
	}
	if (rc)
		fprintf(stderr, "clustersim: point %s: %s\n", p->label, err.msg);
	json_decref(exp);
	return rc;
}

struct csv_row {
	FILE *f;
	json_t *columns; /* metric keys, from the first finished point */
	json_t *values;  /* this point's flattened summary */
	bool collect;
	const json_t *swept; /* keys already in their own columns */
};

static void collect_leaf(void *ctx, const char *key, const json_t *leaf)
{
	struct csv_row *r = ctx;
	if (json_is_string(leaf))
		return;
	for (size_t i = 0; i < json_array_size(r->swept); i++)
		if (strcmp(json_string_value(json_array_get(r->swept, i)), key) == 0)
			return;
	if (r->collect && !json_object_get(r->values, key))
		json_array_append_new(r->columns, json_string(key));
	json_object_set(r->values, key, (json_t *)(uintptr_t)leaf);
}

static void csv_value(FILE *f, const json_t *v)
{
	if (!v || json_is_null(v))
		return;
	if (json_is_integer(v))
		fprintf(f, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		fprintf(f, "%.10g", json_real_value(v));
	else if (json_is_true(v))
		fputs("true", f);
	else if (json_is_false(v))
		fputs("false", f);
	else {
		char *s = value_label(v);
		fputc('"', f);
		for (char *c = s; *c; c++) {
			if (*c == '"')
				fputc('"', f);
			fputc(*c, f);
		}
		fputc('"', f);
		free(s);
	}
}

static int write_csv(const struct sweep *sw, const char *dir, struct cs_error *err)
{
	char *path = cs_xasprintf("%s/sweep.csv", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		free(path);
		return cs_error_set(err, CS_EXIT_INTERNAL, "%s: cannot write", dir);
	}
	json_t *summaries = json_array();
	struct csv_row row = {f, json_array(), NULL, true, sw->keys};
	for (size_t i = 0; i < sw->n; i++) {
		json_t *flat = json_object();
		if (sw->pts[i].status == 0) {
			char *sp = cs_xasprintf("%s/points/%s/summary.json", dir, sw->pts[i].label);
			json_t *s = json_load_file(sp, 0, NULL);
			free(sp);
			if (s) {
				row.values = flat;
				cs_flatten(s, collect_leaf, &row);
				json_decref(s);
			}
		}
		json_array_append_new(summaries, flat);
	}
	fputs("point", f);
	for (size_t k = 0; k < json_array_size(sw->keys); k++)
		fprintf(f, ",%s", json_string_value(json_array_get(sw->keys, k)));
	fputs(",status", f);
	for (size_t c = 0; c < json_array_size(row.columns); c++)
		fprintf(f, ",%s", json_string_value(json_array_get(row.columns, c)));
	fputc('\n', f);
	for (size_t i = 0; i < sw->n; i++) {
		if (strchr(sw->pts[i].label, ','))
			fprintf(f, "\"%s\"", sw->pts[i].label);
		else
			fputs(sw->pts[i].label, f);
		for (size_t k = 0; k < json_array_size(sw->keys); k++) {
			fputc(',', f);
			csv_value(f, json_object_get(sw->pts[i].values,
						     json_string_value(json_array_get(sw->keys, k))));
		}
		fprintf(f, ",%s", sw->pts[i].status == 0 ? "ok" : "failed");
		json_t *flat = json_array_get(summaries, i);
		for (size_t c = 0; c < json_array_size(row.columns); c++) {
			fputc(',', f);
			csv_value(f, json_object_get(flat, json_string_value(json_array_get(row.columns, c))));
		}
		fputc('\n', f);
	}
	json_decref(summaries);
	json_decref(row.columns);
	int bad = fclose(f) != 0;
	free(path);
	return bad ? cs_error_set(err, CS_EXIT_INTERNAL, "%s/sweep.csv: write error", dir) : 0;
}

int cs_cmd_sweep(int argc, char **argv)
{
	const char *file, *outdir;
	char **sets;
	size_t nsets;
	bool quiet, force;
	int jobs = 1;
	int r = cs_parse_run_args(argc, argv, usage, &file, &outdir, &sets, &nsets, &quiet, &force, &jobs);
	if (r != 0) {
		cs_free_run_args(sets, argc);
		return r > 0 ? 0 : 2;
	}
	struct cs_error err = {0};
	json_t *base = cs_experiment_load_raw(file, sets, nsets, &err);
	cs_free_run_args(sets, argc);
	if (!base)
		return cs_report_error(&err);
	json_t *grid = json_incref(json_object_get(base, "sweep"));
	json_object_del(base, "sweep");
	struct sweep sw = {NULL, 0, 0, json_array()};
	int rc = 0;
	char *dflt = NULL;
	if (!grid) {
		cs_error_input(&err, file, "sweep", "missing (clustersim run takes an experiment without one)");
	} else if (json_is_array(grid)) {
		for (size_t i = 0; i < json_array_size(grid) && !err.code; i++) {
			char p[32];
			snprintf(p, sizeof p, "sweep[%zu]", i);
			parse_grid(&sw, json_array_get(grid, i), p, file, &err);
		}
	} else {
		parse_grid(&sw, grid, "sweep", file, &err);
	}
	if (!outdir) {
		json_t *n = json_object_get(base, "name");
		dflt = cs_xasprintf("results/%s", json_is_string(n) ? json_string_value(n) : "sweep");
		outdir = dflt;
	}
	if (!err.code)
		cs_prepare_outdir(outdir, force, &err);
	if (err.code) {
		rc = cs_report_error(&err);
		goto out;
	}
	/* Run the points, up to `jobs` child processes at a time. */
	pid_t *pids = cs_xcalloc(sw.n, sizeof *pids);
	size_t next = 0, running = 0, done = 0;
	fflush(NULL);
	while (done < sw.n) {
		while (running < (size_t)jobs && next < sw.n) {
			if (!quiet)
				fprintf(stderr, "clustersim: point %zu/%zu: %s\n", next + 1, sw.n, sw.pts[next].label);
			pid_t pid = jobs == 1 ? 0 : fork();
			if (pid < 0) {
				fprintf(stderr, "clustersim: fork: %s\n", strerror(errno));
				pid = 0; /* run it here */
				jobs = 1;
			}
			if (pid == 0 && jobs > 1)
				_exit(run_point(base, &sw.pts[next], file, outdir, force));
			if (pid == 0) {
				sw.pts[next].status = run_point(base, &sw.pts[next], file, outdir, force);
				done++;
			} else {
				pids[next] = pid;
				running++;
			}
			next++;
		}
		if (running == 0)
			continue;
		int status;
		pid_t pid = wait(&status);
		if (pid < 0)
			break;
		for (size_t i = 0; i < sw.n; i++) {
			if (pids[i] == pid) {
				sw.pts[i].status = WIFEXITED(status) ? WEXITSTATUS(status) : CS_EXIT_INTERNAL;
				if (!WIFEXITED(status))
					fprintf(stderr, "clustersim: point %s: killed by signal %d\n", sw.pts[i].label,
						WTERMSIG(status));
				pids[i] = 0;
			}
		}
		running--;
		done++;
	}
	free(pids);
	size_t failed = 0;
	for (size_t i = 0; i < sw.n; i++) {
		if (sw.pts[i].status != 0) {
			failed++;
			if (sw.pts[i].status > rc)
				rc = sw.pts[i].status;
		}
	}
	if (write_csv(&sw, outdir, &err) < 0)
		rc = cs_report_error(&err);
	if (!quiet || failed)
		fprintf(stderr, "clustersim: %zu of %zu points ok; %s/sweep.csv\n", sw.n - failed, sw.n, outdir);
out:
	for (size_t i = 0; i < sw.n; i++) {
		json_decref(sw.pts[i].values);
		free(sw.pts[i].label);
	}
	free(sw.pts);
	json_decref(sw.keys);
	json_decref(grid);
	json_decref(base);
	free(dflt);
	return rc;
}
