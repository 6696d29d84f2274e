/* analysis/compare — `clustersim compare BASELINE_DIR RESULT_DIR
 * [--tolerance PCT] [--tolerance KEY=PCT]... [--abs EPS] [--speed PCT]
 * [--allow-different]`: the CI gate (docs/compare.md).
 *
 * Every numeric metric of BASELINE_DIR/summary.json is compared with the
 * same key of RESULT_DIR/summary.json.  A metric regresses when it moved
 * in its bad direction by more than its tolerance (percent of the
 * baseline's magnitude; default 5) and by more than EPS in absolute terms
 * (default 1e-9), or when it had a value and now is null.  Directions
 * (direction_of): utilization, scheduled and completed jobs and the
 * balancer's connect success are better higher; descriptive keys (seed,
 * simulated_seconds, submitted jobs, transactions, prefill, traces, the
 * schedulers' activity counts, the balancer's request counts) only report
 * a change; every other metric (waits, slowdown, busyness, conflicts,
 * abandoned and unscheduled jobs, makespan, lost tasks, locked offers,
 * 404s) is better lower.  --tolerance KEY=PCT sets one metric's tolerance
 * (KEY as flattened, e.g. wait_scheduled.p90; a trailing * matches a
 * prefix).  --speed PCT also compares run.json's events_per_second: slower
 * by more than PCT is a regression.
 *
 * A gate must be able to fail, so these are bad input (exit 2), never a
 * pass: a summary.json that is missing, not JSON or not an object; a
 * metric on one side only; no metric to compare; a --tolerance KEY that
 * matches no metric; results of different experiments (another name or
 * scheduler type; --allow-different compares them anyway, on the metrics
 * both have).
 * Exit 0: no regression; 1: a regression; 2: bad input. */
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
	"                          [--abs EPS] [--speed PCT] [--allow-different]\n"
	"  exit 0: no regression; 1: a metric got worse beyond its tolerance; 2: bad input\n"
	"  (a missing or non-object summary.json, a metric on one side only, nothing to\n"
	"  compare, a --tolerance KEY that matches no metric, different experiments)\n";

enum direction { LOWER_IS_BETTER, HIGHER_IS_BETTER, NEUTRAL };

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static enum direction direction_of(const char *key)
{
	if (starts_with(key, "utilization.") || ends_with(key, "jobs.completed") || ends_with(key, "jobs.scheduled") ||
	    strcmp(key, "balancer.connect_success_per_open") == 0)
		return HIGHER_IS_BETTER;
	static const char *const neutral_suffix[] = {"jobs.submitted", ".transactions", ".offers", ".declines",
						     ".allocation_rounds", ".jobs", NULL};
	static const char *const neutral_prefix[] = {"prefill.", "traces.", "balancer.requests", "balancer.sends",
						     "balancer.polls", "balancer.opens", "balancer.sessions_per_server",
						     "balancer.tls_cpu_seconds", NULL};
	if (strcmp(key, "seed") == 0 || strcmp(key, "simulated_seconds") == 0)
		return NEUTRAL;
	for (const char *const *n = neutral_suffix; *n; n++)
		if (ends_with(key, *n))
			return NEUTRAL;
	for (const char *const *n = neutral_prefix; *n; n++)
		if (starts_with(key, *n))
			return NEUTRAL;
	return LOWER_IS_BETTER;
}

struct tol {
	char *key;
	double pct;
	bool used; /* it matched a metric */
};

struct cmp {
	json_t *result;  /* flattened */
	struct tol *tols;
	size_t ntols;
	double pct, abs_eps;
	int regressions, changes, compared;
};

static bool tol_matches(const struct tol *t, const char *key)
{
	size_t n = strlen(t->key);
	return n && t->key[n - 1] == '*' ? strncmp(key, t->key, n - 1) == 0 : strcmp(key, t->key) == 0;
}

/* The last --tolerance KEY=PCT that matches key, else the default. */
static double tolerance_for(struct cmp *c, const char *key)
{
	for (size_t i = 0; i < c->ntols; i++)
		if (tol_matches(&c->tols[i], key))
			c->tols[i].used = true;
	for (size_t i = c->ntols; i-- > 0;)
		if (tol_matches(&c->tols[i], key))
			return c->tols[i].pct;
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
	double tol = tolerance_for(c, key);
	if (!r) { /* only with --allow-different */
		printf("  %-44s %14s  only in the baseline\n", key, "");
		return;
	}
	if (json_is_null(b) || json_is_null(r)) {
		if (json_is_null(b) != json_is_null(r)) {
			/* a measurement that went missing is a regression */
			bool lost = json_is_null(r) && direction_of(key) != NEUTRAL;
			printf("  %-44s %14s  %s -> %s  %s\n", key, "", json_is_null(b) ? "null" : "value",
			       json_is_null(r) ? "null" : "value", lost ? "REGRESSION" : "changed");
			c->regressions += lost;
			c->changes += !lost;
		}
		c->compared++;
		return;
	}
	double bv = json_number_value(b), rv = json_number_value(r);
	c->compared++;
	double diff = rv - bv;
	if (fabs(diff) <= c->abs_eps)
		return;
	double pct = bv != 0 ? 100.0 * diff / fabs(bv) : (diff > 0 ? (double)INFINITY : -(double)INFINITY);
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
	json_t *doc = json_load_file(path, JSON_DECODE_ANY, &jerr);
	if (!doc) {
		cs_error_input(err, path, NULL, "cannot read: %s", jerr.text);
		free(path);
		return NULL;
	}
	if (!json_is_object(doc)) {
		cs_error_input(err, path, NULL, "not a results summary (expected a JSON object)");
		json_decref(doc);
		free(path);
		return NULL;
	}
	free(path);
	json_t *flat = json_object();
	cs_flatten(doc, flatten_into, flat);
	json_decref(doc);
	return flat;
}

/* Metrics on one side only, or results of different experiments. */
static int check_same(const char *const dirs[2], json_t *base, json_t *result, bool allow_different,
		      struct cs_error *err)
{
	const char *what[] = {"name", "scheduler_type"};
	for (size_t i = 0; i < 2 && !allow_different; i++) {
		json_t *a = json_object_get(base, what[i]), *b = json_object_get(result, what[i]);
		if (a && b && !json_equal(a, b)) {
			char *sa = json_dumps(a, JSON_ENCODE_ANY), *sb = json_dumps(b, JSON_ENCODE_ANY);
			cs_error_input(err, dirs[1], what[i],
				       "results of a different experiment (%s in %s, %s here); "
				       "--allow-different compares them anyway",
				       sa ? sa : "?", dirs[0], sb ? sb : "?");
			free(sa);
			free(sb);
			return -1;
		}
	}
	for (int side = 0; side < 2 && !allow_different; side++) {
		json_t *from = side ? result : base, *other = side ? base : result;
		const char *key;
		json_t *v;
		size_t n = 0;
		const char *first = NULL;
		json_object_foreach(from, key, v) {
			if (!json_is_string(v) && !json_object_get(other, key)) {
				n++;
				first = first ? first : key;
			}
		}
		if (n)
			return cs_error_input(err, dirs[side], first,
					      "metric missing in %s/summary.json%s (%zu metric%s on one side only)",
					      dirs[!side], "", n, n == 1 ? "" : "s");
	}
	return 0;
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
	bool allow_different = false;
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
		} else if (strcmp(a, "--allow-different") == 0) {
			allow_different = true;
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
	if (check_same(dirs, base, c.result, allow_different, &err) < 0) {
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
	for (size_t i = 0; i < c.ntols; i++) {
		if (c.tols[i].used)
			continue;
		cs_error_input(&err, "--tolerance", c.tols[i].key, "matches no metric of %s/summary.json", dirs[0]);
		rc = cs_report_error(&err);
		goto out;
	}
	if (c.compared == 0) {
		cs_error_input(&err, dirs[0], "summary.json", "no metric to compare: a gate that compares nothing "
			       "cannot pass");
		rc = cs_report_error(&err);
		goto out;
	}
	if (speed >= 0) {
		json_t *rb = load_flat(dirs[0], "run.json", &err), *rr = rb ? load_flat(dirs[1], "run.json", &err) : NULL;
		if (!rb || !rr) {
			json_decref(rb);
			rc = cs_report_error(&err);
			goto out;
		}
		double b = json_number_value(json_object_get(rb, "events_per_second"));
		double r = json_number_value(json_object_get(rr, "events_per_second"));
		if (!(b > 0) || !(r > 0)) {
			json_decref(rb);
			json_decref(rr);
			cs_error_input(&err, !(b > 0) ? dirs[0] : dirs[1], "run.json",
				       "events_per_second: not a positive number, so --speed has nothing to compare");
			rc = cs_report_error(&err);
			goto out;
		}
		double pct = 100.0 * (r - b) / b;
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
