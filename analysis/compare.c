/* analysis/compare — `clustersim compare BASELINE_DIR RESULT_DIR
 * [--tolerance PCT] [--tolerance KEY=PCT]... [--abs EPS] [--speed PCT]`.
 *
 * Every numeric metric of BASELINE_DIR/summary.json is compared with the
 * same key of RESULT_DIR/summary.json.  A metric regresses when it moved
 * in its bad direction by more than its tolerance (percent of the
 * baseline's magnitude; default 5) and by more than EPS in absolute terms
 * (default 1e-9).  Direction: utilization and counts of scheduled and
 * completed jobs are better higher; descriptive keys (seed,
 * simulated_seconds, submitted jobs, transactions, prefill) only report a
 * change; every other metric (waits, slowdown, busyness, conflicts,
 * abandoned and unscheduled jobs, makespan) is better lower.
 * --tolerance KEY=PCT sets one metric's tolerance (KEY as flattened,
 * e.g. wait_scheduled.p90; a trailing * matches a prefix).  --speed PCT
 * also compares run.json's events_per_second: slower by more than PCT
 * is a regression.  Exit 0: none; 1: a regression; 2: bad input. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/flatten.h"
#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/error.h"

static const char usage[] =
	"usage: clustersim compare BASELINE_DIR RESULT_DIR [--tolerance PCT] [--tolerance KEY=PCT]...\n"
	"                          [--abs EPS] [--speed PCT]\n"
	"  exit 0: no regression; 1: a metric got worse beyond its tolerance; 2: bad input\n";

enum direction { LOWER_IS_BETTER, HIGHER_IS_BETTER, NEUTRAL };

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static enum direction direction_of(const char *key)
{
	if (strncmp(key, "utilization.", 12) == 0 || ends_with(key, "jobs.completed") ||
	    ends_with(key, "jobs.scheduled"))
		return HIGHER_IS_BETTER;
	if (strcmp(key, "seed") == 0 || strcmp(key, "simulated_seconds") == 0 ||
	    ends_with(key, "jobs.submitted") || ends_with(key, ".transactions") ||
	    strncmp(key, "prefill.", 8) == 0)
		return NEUTRAL;
	return LOWER_IS_BETTER;
}

struct tol {
	char *key;
	double pct;
};

struct cmp {
	json_t *result;  /* flattened */
	struct tol *tols;
	size_t ntols;
	double pct, abs_eps;
	int regressions, changes, compared;
};

static double tolerance_for(const struct cmp *c, const char *key)
{
	for (size_t i = c->ntols; i-- > 0;) {
		size_t n = strlen(c->tols[i].key);
		if (n && c->tols[i].key[n - 1] == '*' ? strncmp(key, c->tols[i].key, n - 1) == 0
						       : strcmp(key, c->tols[i].key) == 0)
			return c->tols[i].pct;
	}
	return c->pct;
}

static void flatten_into(void *ctx, const char *key, const json_t *leaf)
{
	json_object_set((json_t *)ctx, key, (json_t *)(uintptr_t)leaf);
}

static void check_one(struct cmp *c, const char *key, const json_t *b, const json_t *r)
{
	if (json_is_string(b) || json_is_boolean(b))
		return;
	if (!r) {
		printf("  %-44s %14s  missing in result\n", key, "");
		c->changes++;
		return;
	}
	if (json_is_null(b) || json_is_null(r)) {
		if (json_is_null(b) != json_is_null(r)) {
			printf("  %-44s %14s  %s -> %s\n", key, "", json_is_null(b) ? "null" : "value",
			       json_is_null(r) ? "null" : "value");
			c->changes++;
		}
		return;
	}
	double bv = json_number_value(b), rv = json_number_value(r);
	c->compared++;
	double diff = rv - bv;
	if (fabs(diff) <= c->abs_eps)
		return;
	double pct = bv != 0 ? 100.0 * diff / fabs(bv) : (diff > 0 ? (double)INFINITY : -(double)INFINITY);
	double tol = tolerance_for(c, key);
	enum direction d = direction_of(key);
	bool worse = (d == LOWER_IS_BETTER && diff > 0) || (d == HIGHER_IS_BETTER && diff < 0);
	bool beyond = fabs(pct) > tol;
	const char *status = "";
	if (worse && beyond) {
		status = "REGRESSION";
		c->regressions++;
	} else if (beyond) {
		status = d == NEUTRAL ? "changed" : "improved";
		c->changes++;
	} else {
		return;
	}
	printf("  %-44s %14.6g -> %-14.6g %+8.2f%%  (tolerance %g%%)  %s\n", key, bv, rv, pct, tol, status);
}

static json_t *load_flat(const char *dir, const char *name, struct cs_error *err)
{
	char *path = cs_xasprintf("%s/%s", dir, name);
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);
	if (!doc) {
		cs_error_input(err, path, NULL, "cannot read: %s", jerr.text);
		free(path);
		return NULL;
	}
	free(path);
	json_t *flat = json_object();
	cs_flatten(doc, flatten_into, flat);
	json_decref(doc);
	return flat;
}

static bool parse_pct(const char *s, double *out)
{
	char *end;
	*out = strtod(s, &end);
	return end != s && *end == '\0' && *out >= 0 && isfinite(*out);
}

int cs_cmd_compare(int argc, char **argv)
{
	const char *dirs[2] = {NULL, NULL};
	struct cmp c = {0};
	c.pct = 5;
	c.abs_eps = 1e-9;
	double speed = -1;
	c.tols = cs_xcalloc((size_t)argc + 1, sizeof *c.tols);
	int rc = CS_EXIT_INPUT;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool has_next = i + 1 < argc;
		if (cs_is_help(a)) {
			fputs(usage, stdout);
			rc = 0;
			goto out;
		} else if (strcmp(a, "--tolerance") == 0 && has_next) {
			const char *v = argv[++i], *eq = strchr(v, '=');
			double pct;
			if (!parse_pct(eq ? eq + 1 : v, &pct)) {
				cs_usage_error(usage, "--tolerance: expected PCT or KEY=PCT, got \"%s\"", v);
				goto out;
			}
			if (eq) {
				c.tols[c.ntols].key = cs_xstrdup(v);
				c.tols[c.ntols].key[eq - v] = '\0';
				c.tols[c.ntols++].pct = pct;
			} else {
				c.pct = pct;
			}
		} else if (strcmp(a, "--abs") == 0 && has_next) {
			if (!parse_pct(argv[++i], &c.abs_eps)) {
				cs_usage_error(usage, "--abs: expected a non-negative number");
				goto out;
			}
		} else if (strcmp(a, "--speed") == 0 && has_next) {
			if (!parse_pct(argv[++i], &speed)) {
				cs_usage_error(usage, "--speed: expected a percentage");
				goto out;
			}
		} else if (a[0] == '-') {
			cs_usage_error(usage, "unknown option or missing value: %s", a);
			goto out;
		} else if (!dirs[0]) {
			dirs[0] = a;
		} else if (!dirs[1]) {
			dirs[1] = a;
		} else {
			cs_usage_error(usage, "unexpected argument: %s", a);
			goto out;
		}
	}
	if (!dirs[1]) {
		cs_usage_error(usage, "expected BASELINE_DIR and RESULT_DIR");
		goto out;
	}
	struct cs_error err = {0};
	json_t *base = load_flat(dirs[0], "summary.json", &err);
	c.result = base ? load_flat(dirs[1], "summary.json", &err) : NULL;
	if (!base || !c.result) {
		json_decref(base);
		rc = cs_report_error(&err);
		goto out;
	}
	printf("compare %s -> %s\n", dirs[0], dirs[1]);
	const char *key;
	json_t *v;
	json_object_foreach(base, key, v)
		check_one(&c, key, v, json_object_get(c.result, key));
	json_decref(base);
	if (speed >= 0) {
		json_t *rb = load_flat(dirs[0], "run.json", &err), *rr = rb ? load_flat(dirs[1], "run.json", &err) : NULL;
		if (!rb || !rr) {
			json_decref(rb);
			rc = cs_report_error(&err);
			goto out;
		}
		double b = json_number_value(json_object_get(rb, "events_per_second"));
		double r = json_number_value(json_object_get(rr, "events_per_second"));
		double pct = b > 0 ? 100.0 * (r - b) / b : 0;
		bool slow = pct < -speed;
		printf("  %-44s %14.6g -> %-14.6g %+8.2f%%  (tolerance %g%%)  %s\n", "run.events_per_second", b, r,
		       pct, speed, slow ? "REGRESSION" : "");
		c.regressions += slow;
		json_decref(rb);
		json_decref(rr);
	}
	printf("%d metrics compared, %d regressions, %d other changes beyond tolerance\n", c.compared,
	       c.regressions, c.changes);
	rc = c.regressions ? CS_EXIT_REGRESSION : 0;
out:
	json_decref(c.result);
	for (size_t i = 0; i < c.ntols; i++)
		free(c.tols[i].key);
	free(c.tols);
	return rc;
}
