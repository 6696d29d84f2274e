/* analysis/compare — `clustersim compare BASE RESULT [--tolerance PCT]
 * [--tolerance GLOB=PCT]... [--tolerances FILE] [--abs EPS] [--alpha A]
 * [--speed PCT] [--allow-different] [--format text|markdown|junit|json]
 * [-o FILE]`: the CI gate (docs/compare.md).
 *
 * BASE and RESULT are results directories (one run, or an aggregate of
 * replications: sim/replicate) or sweep directories (compared point by
 * point, in the baseline's sweep.csv order).  Every numeric metric of the
 * baseline's summary.json is compared with the same key of the result's.
 * A metric regresses when it moved in its bad direction
 * (analysis/metric_defs) by more than its tolerance (percent of the
 * baseline's magnitude) and by more than EPS, and -- when both sides have
 * replications of it (n >= 2) -- the change is significant (Welch's
 * t-test, two-sided, p < alpha, default 0.05); or when it had a value and
 * now is null.  Tolerances: the table's default for each metric, or
 * --tolerance PCT for all; then the rules of --tolerances FILE (lines
 * "GLOB PCT") and of --tolerance GLOB=PCT, in that order, the last
 * matching rule winning.  --speed PCT also compares run.json's
 * events_per_second.
 *
 * A gate must be able to fail, so these are bad input (exit 2), never a
 * pass: a summary.json that is missing, not JSON or not an object; a
 * metric or a sweep point on one side only; no metric to compare; a
 * tolerance rule that matches no metric; results of different
 * experiments (another name or scheduler type; --allow-different compares
 * them anyway, on the metrics both have).
 * Exit 0: no regression; 1: a regression; 2: bad input. */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/compare_report.h"
#include "analysis/flatten.h"
#include "analysis/gnuplot.h"
#include "analysis/metric_defs.h"
#include "analysis/stats.h"
#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/csv.h"
#include "sim/error.h"
#include "sim/outdir.h"

static const char usage[] =
	"usage: clustersim compare BASE RESULT [--tolerance PCT] [--tolerance GLOB=PCT]... [--tolerances FILE]\n"
	"                          [--abs EPS] [--alpha A] [--speed PCT] [--allow-different]\n"
	"                          [--format text|markdown|junit|json] [-o FILE]\n"
	"  BASE, RESULT: results directories (runs, or runs with replications) or sweep directories\n"
	"  exit 0: no regression; 1: a metric got worse beyond its tolerance (and, with\n"
	"  replications on both sides, significantly: Welch's t-test); 2: bad input (a missing\n"
	"  or non-object summary.json, a metric or point on one side only, nothing to compare,\n"
	"  a tolerance rule that matches no metric, different experiments)\n";

struct tol {
	char *glob;
	double pct;
	char *where; /* "--tolerance" or "FILE: line N", for messages */
	bool used;   /* it matched a metric */
};

struct cmp {
	struct tol *tols;
	size_t ntols, cap;
	double pct; /* --tolerance PCT, or < 0: the table's defaults */
	double abs_eps, alpha;
	bool allow_different;
	struct cs_cmp_report rep;
	struct cs_error *err; /* the first metric that cannot be compared */
	const char *rdir;     /* the result directory being compared */
};

static void add_tol(struct cmp *c, const char *glob, size_t len, double pct, const char *where)
{
	CS_GROW(c->tols, c->cap, c->ntols + 1);
	c->tols[c->ntols++] = (struct tol){cs_xasprintf("%.*s", (int)len, glob), pct, cs_xstrdup(where), false};
}

static double tolerance_for(struct cmp *c, const char *key)
{
	double t = c->pct >= 0 ? c->pct : cs_metric_def(key)->tolerance_pct;
	for (size_t i = 0; i < c->ntols; i++) {
		if (fnmatch(c->tols[i].glob, key, 0) == 0) {
			c->tols[i].used = true;
			t = c->tols[i].pct;
		}
	}
	return t;
}

static bool parse_pct(const char *s, double *out)
{
	char *end;
	*out = strtod(s, &end);
	return end != s && *end == '\0' && *out >= 0 && isfinite(*out);
}

/* One line of a tolerance file into buf (without its newline): 1, 0 at
 * the end, -1 for a line longer than the buffer, -2 for a NUL byte (a
 * binary file, /dev/zero: never read without bound). */
static int read_rule_line(FILE *f, char *buf, size_t cap)
{
	size_t n = 0;
	int ch;
	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (ch == '\0')
			return -2;
		if (n + 1 >= cap)
			return -1;
		buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	return ch == EOF && n == 0 ? 0 : 1;
}

/* --tolerances FILE: "GLOB PCT" per line, '#' comments, blank lines. */
static int read_tolerances(struct cmp *c, const char *file, struct cs_error *err)
{
	FILE *f = fopen(file, "r");
	if (!f)
		return cs_error_input(err, file, NULL, "cannot open the tolerance file: %s", strerror(errno));
	char line[4096];
	size_t no = 0;
	int rc = 0, got;
	while (rc == 0 && (got = read_rule_line(f, line, sizeof line)) != 0) {
		no++;
		char where[64];
		snprintf(where, sizeof where, "line %zu", no);
		if (got < 0) {
			rc = cs_error_input(err, file, where, got == -2 ? "a NUL byte: not a text file of GLOB PERCENT rules"
									  : "longer than 4,000 bytes: not a GLOB PERCENT rule");
			break;
		}
		line[strcspn(line, "#\r\n")] = '\0';
		char *g = line + strspn(line, " \t");
		if (!*g)
			continue;
		size_t glen = strcspn(g, " \t");
		char *v = g + glen + strspn(g + glen, " \t");
		char *vend = v + strcspn(v, " \t");
		char saved = *vend;
		*vend = '\0';
		double pct;
		bool extra = saved && vend[1 + strspn(vend + 1, " \t")];
		if (!*v || extra || !parse_pct(v, &pct)) {
			*vend = saved;
			char *shown = cs_escaped(g);
			rc = cs_error_input(err, file, where, "expected GLOB PERCENT, a percentage >= 0 (got \"%s\")", shown);
			free(shown);
			break;
		}
		char *src = cs_xasprintf("%s: %s", file, where);
		add_tol(c, g, glen, pct, src);
		free(src);
	}
	if (rc == 0 && ferror(f))
		rc = cs_error_input(err, file, NULL, "read error");
	fclose(f);
	return rc;
}

static int is_stats(const json_t *v)
{
	struct cs_stats s;
	return cs_stats_from_json(v, &s);
}

static void flatten_into(void *ctx, const char *key, const json_t *leaf)
{
	/* an aggregate's own description is not a metric */
	if (strcmp(key, "replications") == 0 || strncmp(key, "seeds[", 6) == 0)
		return;
	json_object_set((json_t *)ctx, key, (json_t *)(uintptr_t)leaf);
}

/* DIR/NAME flattened (statistics objects kept whole), or NULL. */
static json_t *load_flat(const char *dir, const char *name, struct cs_error *err)
{
	char *path = cs_xasprintf("%s/%s", dir, name);
	json_error_t jerr;
	json_t *doc = json_load_file(path, JSON_DECODE_ANY, &jerr);
	if (!doc || !json_is_object(doc)) {
		if (doc)
			cs_error_input(err, path, NULL, "not a results summary (expected a JSON object)");
		else
			cs_error_input(err, path, NULL, "cannot read: %s", jerr.text);
		json_decref(doc);
		free(path);
		return NULL;
	}
	free(path);
	json_t *flat = json_object();
	cs_flatten_leaves(doc, is_stats, flatten_into, flat);
	json_decref(doc);
	return flat;
}

/* A leaf as a sample summary: a number is n = 1, null n = 0; false for
 * what is not compared (strings, booleans). */
static bool leaf_stats(const json_t *v, struct cs_stats *s)
{
	if (cs_stats_from_json(v, s))
		return true;
	if (!json_is_number(v) && !json_is_null(v))
		return false;
	double x = json_is_number(v) ? json_number_value(v) : (double)NAN;
	cs_stats_of(&x, json_is_number(v) ? 1 : 0, s);
	return true;
}

/* Compare one metric and add its row. */
static void check_one(struct cmp *c, const char *point, const char *key, const json_t *b, const json_t *r,
		      double tol_override, enum cs_direction dir_override)
{
	struct cs_stats bs, rs;
	if (!leaf_stats(b, &bs))
		return;
	double tol = tol_override >= 0 ? tol_override : tolerance_for(c, key);
	struct cs_cmp_row *w = cs_cmp_add(&c->rep, point, key);
	w->direction = tol_override >= 0 ? dir_override : cs_metric_def(key)->direction;
	w->tolerance = tol;
	w->base = bs;
	if (r && !leaf_stats(r, &rs) && !c->allow_different) {
		/* a number in the baseline, a string or a broken statistics
		 * object in the result: nothing a gate can pass on */
		char *got = json_dumps(r, JSON_ENCODE_ANY | JSON_COMPACT);
		cs_error_input(c->err, c->rdir, key, "not a number or a statistics object as in the baseline (got %.80s)",
			       got ? got : "?");
		free(got);
		w->status = CS_CMP_ONLY_BASE;
		return;
	}
	if (!r || !leaf_stats(r, &rs)) {
		w->status = CS_CMP_ONLY_BASE; /* only with --allow-different */
		return;
	}
	w->result = rs;
	if (bs.n == 0 || rs.n == 0) {
		if ((bs.n == 0) != (rs.n == 0)) {
			/* a measurement that went missing is a regression */
			bool lost = rs.n == 0 && w->direction != CS_NEUTRAL;
			w->status = lost ? CS_CMP_REGRESSION : CS_CMP_CHANGED;
			c->rep.regressions += lost;
			c->rep.changes += !lost;
		}
		return;
	}
	double diff = rs.mean - bs.mean;
	if (bs.n >= 2 && rs.n >= 2)
		w->p = cs_welch_p(&bs, &rs);
	if (fabs(diff) <= c->abs_eps)
		return;
	w->pct = bs.mean != 0 ? 100.0 * diff / fabs(bs.mean) : (diff > 0 ? (double)INFINITY : -(double)INFINITY);
	bool worse = (w->direction == CS_LOWER_IS_BETTER && diff > 0) || (w->direction == CS_HIGHER_IS_BETTER && diff < 0);
	bool significant = !isfinite(w->p) || w->p < c->alpha;
	if (fabs(w->pct) <= tol)
		return;
	if (worse && significant) {
		w->status = CS_CMP_REGRESSION;
		c->rep.regressions++;
		return;
	}
	w->status = worse ? CS_CMP_NOT_SIGNIFICANT : w->direction == CS_NEUTRAL ? CS_CMP_CHANGED : CS_CMP_IMPROVED;
	c->rep.changes++;
}

/* Metrics on one side only, or results of different experiments. */
static int check_same(const char *const dirs[2], json_t *base, json_t *result, bool allow_different,
		      struct cs_error *err)
{
	if (allow_different)
		return 0;
	const char *what[] = {"name", "scheduler_type"};
	for (size_t i = 0; i < 2; i++) {
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
	for (int side = 0; side < 2; side++) {
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
			return cs_error_input(err, dirs[side], first, "metric missing in %s/summary.json (%zu metric%s on one side only)",
					      dirs[!side], n, n == 1 ? "" : "s");
	}
	return 0;
}

/* Compare two results directories (one point of a sweep: point). */
static int compare_dirs(struct cmp *c, const char *point, const char *bdir, const char *rdir, double speed,
			struct cs_error *err)
{
	const char *dirs[2] = {bdir, rdir};
	json_t *base = load_flat(bdir, "summary.json", err);
	json_t *result = base ? load_flat(rdir, "summary.json", err) : NULL;
	int rc = base && result ? check_same(dirs, base, result, c->allow_different, err) : -1;
	if (rc == 0) {
		const char *key;
		json_t *v;
		c->err = err;
		c->rdir = rdir;
		json_object_foreach(base, key, v)
			check_one(c, point, key, v, json_object_get(result, key), -1, CS_NEUTRAL);
		rc = err->code ? -1 : 0;
	}
	json_decref(base);
	json_decref(result);
	if (rc < 0 || speed < 0)
		return rc;
	/* the simulator's own speed, with its own tolerance */
	json_t *rb = load_flat(bdir, "run.json", err), *rr = rb ? load_flat(rdir, "run.json", err) : NULL;
	struct cs_stats sb, sr;
	json_t *vb = json_object_get(rb, "events_per_second"), *vr = json_object_get(rr, "events_per_second");
	if (rb && rr && !(leaf_stats(vb, &sb) && sb.n > 0 && sb.mean > 0 && leaf_stats(vr, &sr) && sr.n > 0 && sr.mean > 0))
		rc = cs_error_input(err, !(sb.n > 0 && sb.mean > 0) ? bdir : rdir, "run.json",
				    "events_per_second: not a positive number, so --speed has nothing to compare");
	else if (!rb || !rr)
		rc = -1;
	else {
		c->err = err;
		c->rdir = rdir;
		check_one(c, point, "run.events_per_second", vb, vr, speed, CS_HIGHER_IS_BETTER);
		rc = err->code ? -1 : 0;
	}
	json_decref(rb);
	json_decref(rr);
	return rc;
}

/* A sweep's directory: it has sweep.csv and no summary.json of its own. */
static bool is_sweep(const char *dir)
{
	char *csv = cs_xasprintf("%s/sweep.csv", dir), *sum = cs_xasprintf("%s/summary.json", dir);
	bool yes = access(csv, R_OK) == 0 && access(sum, F_OK) != 0;
	free(csv);
	free(sum);
	return yes;
}

/* The points of DIR/sweep.csv (labels in order) and whether each is ok. */
static int sweep_points(const char *dir, json_t **labels, json_t **ok, struct cs_error *err)
{
	char *path = cs_xasprintf("%s/sweep.csv", dir);
	FILE *f = fopen(path, "r");
	*labels = json_array();
	*ok = json_object();
	int rc = f ? 0 : cs_error_input(err, path, NULL, "cannot open: %s", strerror(errno));
	struct cs_csv_reader r;
	size_t status = 0;
	if (f) {
		cs_csv_reader_init(&r, f);
		char **fld;
		size_t n;
		int got;
		while (rc == 0 && (got = cs_csv_read(&r, &fld, &n)) > 0) {
			if (r.line == 1) {
				status = cs_column_index(fld, n, "status");
				if (!status || strcmp(fld[0], "point") != 0)
					rc = cs_error_input(err, path, "line 1", "not a sweep.csv header");
				continue;
			}
			json_array_append_new(*labels, json_string(fld[0]));
			json_object_set_new(*ok, fld[0], json_boolean(n >= status && strcmp(fld[status - 1], "ok") == 0));
		}
		if (rc == 0 && got < 0)
			rc = cs_error_input(err, path, NULL, "line %zu: a quoted field does not end", r.line);
		cs_csv_reader_release(&r);
		fclose(f);
	}
	free(path);
	return rc;
}

static int compare_sweeps(struct cmp *c, const char *bdir, const char *rdir, double speed, struct cs_error *err)
{
	json_t *bl, *bok, *rl, *rok;
	int rc = sweep_points(bdir, &bl, &bok, err);
	if (rc == 0)
		rc = sweep_points(rdir, &rl, &rok, err);
	else
		rl = rok = NULL;
	for (size_t i = 0; rc == 0 && i < json_array_size(bl); i++) {
		const char *label = json_string_value(json_array_get(bl, i));
		const json_t *r = json_object_get(rok, label);
		if (!json_is_true(json_object_get(bok, label)) || !json_is_true(r)) {
			const char *d = !json_is_true(json_object_get(bok, label)) ? bdir : rdir;
			rc = cs_error_input(err, d, "sweep.csv", "point %s has no complete result%s", label,
					    r ? "" : " (it is not a point of this sweep)");
			break;
		}
		char *pb = cs_xasprintf("%s/points/%s", bdir, label), *pr = cs_xasprintf("%s/points/%s", rdir, label);
		rc = compare_dirs(c, label, pb, pr, speed, err);
		free(pb);
		free(pr);
	}
	const char *label;
	json_t *v;
	json_object_foreach(rc == 0 ? rok : NULL, label, v) {
		if (!json_object_get(bok, label)) {
			rc = cs_error_input(err, rdir, "sweep.csv", "point %s is not a point of %s", label, bdir);
			break;
		}
	}
	json_decref(bl);
	json_decref(bok);
	json_decref(rl);
	json_decref(rok);
	return rc;
}

/* The report, to -o FILE (atomically) or stdout. */
static int emit(const struct cmp *c, const char *format, const char *out, struct cs_error *err)
{
	if (!out) {
		cs_cmp_render(&c->rep, format, stdout);
		return fflush(stdout) == 0 ? 0 : cs_error_input(err, "stdout", NULL, "write error");
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	cs_cmp_render(&c->rep, format, m);
	fclose(m);
	int rc = cs_write_output_file(out, buf, len, err);
	free(buf);
	return rc;
}

int cs_cmd_compare(int argc, char **argv)
{
	const char *dirs[2] = {NULL, NULL}, *format = "text", *out = NULL;
	struct cmp c = {0};
	c.pct = -1;
	c.abs_eps = 1e-9;
	c.alpha = 0.05;
	double speed = -1;
	int rc = CS_EXIT_INPUT;
	struct cs_error err = {0};
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool has_next = i + 1 < argc;
		if (cs_is_help(a)) {
			fputs(usage, stdout);
			rc = 0;
			goto out;
		} else if (strcmp(a, "--tolerance") == 0 && has_next) {
			const char *v = argv[++i], *eq = strrchr(v, '=');
			double pct;
			if (!parse_pct(eq ? eq + 1 : v, &pct) || eq == v) {
				cs_usage_error(usage, "--tolerance: expected PCT or GLOB=PCT, got \"%s\"", v);
				goto out;
			}
			if (eq)
				add_tol(&c, v, (size_t)(eq - v), pct, "--tolerance");
			else
				c.pct = pct;
		} else if (strcmp(a, "--tolerances") == 0 && has_next) {
			if (read_tolerances(&c, argv[++i], &err) < 0) {
				rc = cs_report_error(&err);
				goto out;
			}
		} else if (strcmp(a, "--abs") == 0 && has_next) {
			if (!parse_pct(argv[++i], &c.abs_eps)) {
				cs_usage_error(usage, "--abs: expected a non-negative number");
				goto out;
			}
		} else if (strcmp(a, "--alpha") == 0 && has_next) {
			if (!parse_pct(argv[++i], &c.alpha) || !(c.alpha > 0 && c.alpha < 1)) {
				cs_usage_error(usage, "--alpha: expected a significance level between 0 and 1, got \"%s\"", argv[i]);
				goto out;
			}
		} else if (strcmp(a, "--speed") == 0 && has_next) {
			if (!parse_pct(argv[++i], &speed)) {
				cs_usage_error(usage, "--speed: expected a percentage");
				goto out;
			}
		} else if (strcmp(a, "--format") == 0 && has_next) {
			format = argv[++i];
			if (strcmp(format, "text") && strcmp(format, "markdown") && strcmp(format, "junit") &&
			    strcmp(format, "json")) {
				cs_usage_error(usage, "--format: expected text, markdown, junit or json, got \"%s\"", format);
				goto out;
			}
		} else if (strcmp(a, "-o") == 0 && has_next) {
			out = argv[++i];
		} else if (strcmp(a, "--allow-different") == 0) {
			c.allow_different = true;
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
		cs_usage_error(usage, "expected BASE and RESULT directories");
		goto out;
	}
	c.rep.base_dir = dirs[0];
	c.rep.result_dir = dirs[1];
	c.rep.alpha = c.alpha;
	bool sb = is_sweep(dirs[0]), sr = is_sweep(dirs[1]);
	int r = 0;
	if (sb != sr)
		r = cs_error_input(&err, dirs[sb ? 1 : 0], NULL, "not a sweep's directory, but %s is one: compare two runs or two sweeps",
				   dirs[sb ? 0 : 1]);
	else if (sb)
		r = compare_sweeps(&c, dirs[0], dirs[1], speed, &err);
	else
		r = compare_dirs(&c, NULL, dirs[0], dirs[1], speed, &err);
	for (size_t i = 0; r == 0 && i < c.ntols; i++)
		if (!c.tols[i].used)
			r = cs_error_input(&err, c.tols[i].where, c.tols[i].glob, "matches no metric of %s", dirs[0]);
	size_t compared = 0;
	for (size_t i = 0; i < c.rep.n; i++)
		compared += c.rep.rows[i].status != CS_CMP_ONLY_BASE;
	if (r == 0 && compared == 0)
		r = cs_error_input(&err, dirs[0], "summary.json", "no metric to compare: a gate that compares nothing cannot pass");
	if (r == 0)
		r = emit(&c, format, out, &err);
	rc = r < 0 ? cs_report_error(&err) : c.rep.regressions ? CS_EXIT_REGRESSION : 0;
out:
	cs_cmp_report_release(&c.rep);
	for (size_t i = 0; i < c.ntols; i++) {
		free(c.tols[i].glob);
		free(c.tols[i].where);
	}
	free(c.tols);
	return rc;
}
