/* analysis/sweep_plot — `clustersim plot SWEEP_DIR [--x KEY] [--metric SPEC]...
 * [--logx|--linx] [--title T] [-o FILE.png]`: sweep curves from sweep.csv.
 *
 * One figure per metric: the metric against the swept key KEY (default:
 * the first swept key whose values are all numbers, else the first swept
 * key), one line per configuration, i.e. per combination of the other
 * swept keys' values (their labels joined by " / ").  A key whose values
 * are not all numbers (policies, scheduler types) is categorical: grouped
 * bars instead of lines (plot_bars).  Failed points are left out.  A
 * figure has a title: --title, else "METRIC by KEY".
 *
 * A metric SPEC names a flattened summary key (sweep.csv's column names);
 * one component may list alternatives separated by '|', '*' matches any
 * component and "name*" any component that starts with name: for each point the value is the largest over the matching
 * non-empty columns.  So "schedulers.service|monolithic.busy" is the
 * service scheduler's busyness whether the configuration calls it
 * "service" or is monolithic, and "schedulers.*.conflict_fraction" the
 * worst scheduler's.  Default metrics: wait_first_attempt.mean and
 * schedulers.*.busy.
 *
 * Output: -o FILE.EXT for the first metric, FILE-2.EXT ... for the next
 * (.png, .svg or .pdf, analysis/gnuplot);
 * otherwise SWEEP_DIR/sweep-<metric>.png.  The x axis is logarithmic when
 * its values are positive and span more than a factor of 20 (--logx and
 * --linx force it); --logy makes the y axis logarithmic, values below
 * 0.001 drawn at 0.001.  A sweep with replications (sweep.csv's
 * KEY.ci95_lo and KEY.ci95_hi columns) gets error bars: the 95%
 * confidence interval of the mean.  The y axis is named from the metric
 * table (analysis/metric_defs: name and unit), a configuration keeps its
 * colour (line type g + 1, in the order the configurations first appear)
 * in every figure of the sweep. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/gnuplot.h"
#include "analysis/metric_defs.h"
#include "analysis/sweep_plot.h"
#include "sim/alloc.h"
#include "sim/csv.h"
#include "sim/outdir.h"
#include "sim/cli.h"

struct table {
	char **head;
	size_t ncols;
	char ***rows; /* rows[r][c] */
	size_t nrows;
	size_t nswept; /* columns 1..nswept are swept keys; then "status" */
};

static void free_fields(char **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

static void table_free(struct table *t)
{
	free_fields(t->head, t->ncols);
	for (size_t r = 0; r < t->nrows; r++)
		free_fields(t->rows[r], t->ncols);
	free(t->rows);
}

static char **copy_fields(char **f, size_t n)
{
	char **c = cs_xcalloc(n ? n : 1, sizeof *c);
	for (size_t i = 0; i < n; i++)
		c[i] = cs_xstrdup(f[i]);
	return c;
}

static int table_load(const char *path, struct table *t, struct cs_error *err)
{
	memset(t, 0, sizeof *t);
	FILE *f = fopen(path, "r");
	if (!f)
		return cs_error_input(err, path, NULL, "cannot open: %s", strerror(errno));
	struct cs_csv_reader rd;
	cs_csv_reader_init(&rd, f);
	size_t rcap = 0, n;
	char **fields;
	int rc = 0, got;
	while ((got = cs_csv_read(&rd, &fields, &n)) > 0) {
		char where[32];
		snprintf(where, sizeof where, "line %zu", rd.line);
		if (!t->head) {
			t->head = copy_fields(fields, n);
			t->ncols = n;
			for (size_t c = 1; c < n && strcmp(fields[c], "status") != 0; c++)
				t->nswept++;
			if (n < 2 || strcmp(fields[0], "point") != 0 || t->nswept + 1 >= n) {
				rc = cs_error_input(err, path, where, "not a sweep.csv header");
				break;
			}
			continue;
		}
		if (n != t->ncols) {
			rc = cs_error_input(err, path, where, "%zu fields, the header has %zu", n, t->ncols);
			break;
		}
		CS_GROW(t->rows, rcap, t->nrows + 1);
		t->rows[t->nrows++] = copy_fields(fields, n);
	}
	if (got < 0 && !rc)
		rc = cs_error_input(err, path, NULL, "line %zu: a quoted field does not end", rd.line);
	cs_csv_reader_release(&rd);
	fclose(f);
	if (!rc && !t->head)
		rc = cs_error_input(err, path, NULL, "empty");
	return rc;
}

static bool is_number(const char *s, double *out)
{
	char *end;
	if (!*s)
		return false;
	*out = strtod(s, &end);
	return *end == '\0' && isfinite(*out);
}

/* Does column name `col` match spec (components split by '.', '|'
 * alternatives within one, '*' any)? */
static bool spec_match(const char *spec, const char *col)
{
	while (*spec && *col) {
		size_t sl = strcspn(spec, "."), cl = strcspn(col, ".");
		bool ok = false;
		if (sl == 1 && spec[0] == '*') {
			ok = true;
		} else {
			for (const char *a = spec; a < spec + sl && !ok;) {
				size_t al = strcspn(a, "|.");
				if (al > sl - (size_t)(a - spec))
					al = sl - (size_t)(a - spec);
				if (al > 0 && a[al - 1] == '*') /* a prefix: batch* */
					ok = cl >= al - 1 && strncmp(a, col, al - 1) == 0;
				else
					ok = al == cl && strncmp(a, col, cl) == 0;
				a += al + 1;
			}
		}
		if (!ok)
			return false;
		spec += sl;
		col += cl;
		if (*spec == '.')
			spec++;
		if (*col == '.')
			col++;
		if (!*spec != !*col)
			return false;
	}
	return !*spec && !*col;
}

/* The column named name + suffix, or 0. */
static size_t column_named(const struct table *t, const char *name, const char *suffix)
{
	size_t n = strlen(name);
	for (size_t c = t->nswept + 2; c < t->ncols; c++)
		if (strncmp(t->head[c], name, n) == 0 && strcmp(t->head[c] + n, suffix) == 0)
			return c;
	return 0;
}

struct pt {
	double x, y, lo, hi; /* lo, hi: the 95% interval (replications), or NaN */
};

/* Row r's value of spec (the largest matching column) and, when the
 * sweep has replications, that column's confidence interval. */
static bool metric_value(const struct table *t, size_t r, const char *spec, struct pt *out)
{
	bool any = false;
	size_t at = 0;
	for (size_t c = t->nswept + 2; c < t->ncols; c++) {
		double v;
		if (spec_match(spec, t->head[c]) && is_number(t->rows[r][c], &v)) {
			if (!any || v > out->y) {
				out->y = v;
				at = c;
			}
			any = true;
		}
	}
	out->lo = out->hi = (double)NAN;
	size_t lo = any ? column_named(t, t->head[at], ".ci95_lo") : 0, hi = any ? column_named(t, t->head[at], ".ci95_hi") : 0;
	double l, h;
	if (lo && hi && is_number(t->rows[r][lo], &l) && is_number(t->rows[r][hi], &h)) {
		out->lo = l;
		out->hi = h;
	}
	return any;
}

static int cmp_pt(const void *a, const void *b)
{
	double x = ((const struct pt *)a)->x, y = ((const struct pt *)b)->x;
	return (x > y) - (x < y);
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-' && *s != '_')
			*s = '_';
}

/* Row r's configuration: the values of the swept keys but xcol, joined
 * by " / " (a new string; "" with one swept key). */
static char *config_label(const struct table *t, size_t r, size_t xcol)
{
	char *label = cs_xstrdup("");
	for (size_t c = 1; c <= t->nswept; c++) {
		if (c == xcol)
			continue;
		char *next = cs_xasprintf("%s%s%s", label, *label ? " / " : "", t->rows[r][c]);
		free(label);
		label = next;
	}
	return label;
}

static int plot_metric(const struct table *t, size_t xcol, const char *spec, const char *png,
		       int logx, bool logy, const char *title, const char *tmpdir, int fig, struct cs_error *err)
{
	/* group rows by the other swept keys */
	char **groups = cs_xcalloc(t->nrows + 1, sizeof *groups);
	size_t ngroups = 0;
	char **group_of = cs_xcalloc(t->nrows + 1, sizeof *group_of);
	double xmin = (double)INFINITY, xmax = -(double)INFINITY;
	for (size_t r = 0; r < t->nrows; r++) {
		char *label = config_label(t, r, xcol);
		if (!*label) {
			free(label);
			label = cs_xstrdup(spec);
		}
		size_t g = 0;
		while (g < ngroups && strcmp(groups[g], label) != 0)
			g++;
		if (g == ngroups)
			groups[ngroups++] = cs_xstrdup(label);
		group_of[r] = groups[g];
		free(label);
		double x;
		if (is_number(t->rows[r][xcol], &x)) {
			xmin = fmin(xmin, x);
			xmax = fmax(xmax, x);
		}
	}
	if (logx < 0)
		logx = xmin > 0 && xmax / xmin > 20;
	char *ylabel = cs_metric_axis_label(spec);
	char *script = NULL, *qy = cs_gnuplot_quote(ylabel);
	free(ylabel);
	char *qx = cs_gnuplot_quote(t->head[xcol]);
	if (cs_gnuplot_output(&script, png, 1000, 600, err) < 0) {
		free(qy);
		free(qx);
		free(script);
		for (size_t g = 0; g < ngroups; g++)
			free(groups[g]);
		free(groups);
		free(group_of);
		return -1;
	}
	cs_str_append(&script, "set grid\nset key outside right\nset xlabel '%s'\nset ylabel '%s'\n%s", qx, qy,
		      logx ? "set logscale x\n" : "");
	if (logy) /* values <= 0 cannot be drawn: they sit at the bottom edge */
		cs_str_append(&script, "set logscale y\nset format y '%%g'\n");
	{
		/* a title: the caller's, or what the figure shows */
		char *name = cs_metric_axis_label(spec);
		char *tt = title ? cs_xstrdup(title) : cs_xasprintf("%s by %s", name, t->head[xcol]);
		char *qt = cs_gnuplot_quote(tt);
		cs_str_append(&script, "set title '%s'\n", qt);
		free(qt);
		free(tt);
		free(name);
	}
	cs_str_append(&script, "plot ");
	int rc = 0, plotted = 0;
	size_t bars = 0;
	struct pt *pts = cs_xcalloc(t->nrows + 1, sizeof *pts);
	for (size_t g = 0; g < ngroups && !rc; g++) {
		size_t n = 0;
		for (size_t r = 0; r < t->nrows; r++) {
			struct pt v = {0};
			if (group_of[r] != groups[g] || strcmp(t->rows[r][t->nswept + 1], "ok") != 0 ||
			    !is_number(t->rows[r][xcol], &v.x) || !metric_value(t, r, spec, &v))
				continue;
			if (logy) {
				v.y = fmax(v.y, 1e-3);
				v.lo = fmax(v.lo, 1e-3);
				v.hi = fmax(v.hi, 1e-3);
			}
			bars += isfinite(v.lo);
			pts[n++] = v;
		}
		if (n == 0)
			continue;
		qsort(pts, n, sizeof *pts, cmp_pt);
		char *data = cs_xasprintf("%s/fig%d-%zu.dat", tmpdir, fig, g);
		FILE *f = fopen(data, "w");
		if (!f) {
			rc = cs_error_set(err, CS_EXIT_INTERNAL, "%s: cannot write", data);
			free(data);
			break;
		}
		/* error bars: the replications' 95% interval of the mean (a
		 * point without one gets a bar of no length) */
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%.10g %.10g %.10g %.10g\n", pts[i].x, pts[i].y, isfinite(pts[i].lo) ? pts[i].lo : pts[i].y,
				isfinite(pts[i].hi) ? pts[i].hi : pts[i].y);
		fclose(f);
		char *ql = cs_gnuplot_quote(groups[g]);
		cs_str_append(&script, "%s'%s' using 1:2%s lw 2 pt 7 lc %d title '%s'", plotted ? ", " : "", data,
			      bars ? ":3:4 with yerrorlines" : " with linespoints", (int)g + 1, ql);
		bars = 0;
		plotted++;
		free(ql);
		free(data);
	}
	if (!rc && !plotted)
		rc = cs_error_input(err, "sweep.csv", spec, "no point has a value for this metric");
	cs_str_append(&script, "\n");
	if (!rc)
		rc = cs_gnuplot_run(script, err);
	if (!rc)
		printf("%s\n", png);
	free(pts);
	free(script);
	free(qy);
	free(qx);
	for (size_t g = 0; g < ngroups; g++)
		free(groups[g]);
	free(groups);
	free(group_of);
	return rc;
}

/* Whether every point's value of column c is a number. */
static bool all_numeric(const struct table *t, size_t c)
{
	for (size_t r = 0; r < t->nrows; r++) {
		double v;
		if (!is_number(t->rows[r][c], &v))
			return false;
	}
	return true;
}

/* The figure of a categorical swept key (policies, scheduler types):
 * grouped bars, one cluster per value of the key in the order the points
 * have them, one bar per configuration (the other keys' values) in its
 * colour; a single configuration gets a bar per value, each in the
 * colour that value has in line figures.  Error bars: the replications'
 * 95% interval.  A missing value leaves its bar out. */
static int plot_bars(const struct table *t, size_t xcol, const char *spec, const char *png, bool logy,
		     const char *title, const char *tmpdir, int fig, struct cs_error *err)
{
	char **cats = cs_xcalloc(t->nrows + 1, sizeof *cats), **groups = cs_xcalloc(t->nrows + 1, sizeof *groups);
	size_t ncats = 0, ngroups = 0;
	size_t *cat_of = cs_xcalloc(t->nrows + 1, sizeof *cat_of), *group_of = cs_xcalloc(t->nrows + 1, sizeof *group_of);
	for (size_t r = 0; r < t->nrows; r++) {
		char *label = config_label(t, r, xcol);
		size_t g = 0, k = 0;
		while (g < ngroups && strcmp(groups[g], label) != 0)
			g++;
		if (g == ngroups)
			groups[ngroups++] = label;
		else
			free(label);
		while (k < ncats && strcmp(cats[k], t->rows[r][xcol]) != 0)
			k++;
		if (k == ncats)
			cats[ncats++] = cs_xstrdup(t->rows[r][xcol]);
		group_of[r] = g;
		cat_of[r] = k;
	}
	/* the data: a row per value of the key, y lo hi per configuration */
	struct pt *v = cs_xcalloc(ncats * ngroups + 1, sizeof *v);
	bool *has = cs_xcalloc(ncats * ngroups + 1, sizeof *has), bars = false, any = false;
	for (size_t r = 0; r < t->nrows; r++) {
		struct pt p = {0};
		if (strcmp(t->rows[r][t->nswept + 1], "ok") != 0 || !metric_value(t, r, spec, &p))
			continue;
		size_t i = cat_of[r] * ngroups + group_of[r];
		v[i] = p;
		has[i] = any = true;
		bars |= isfinite(p.lo);
	}
	int rc = 0;
	char *data = cs_xasprintf("%s/fig%d-bars.dat", tmpdir, fig);
	FILE *f = any ? fopen(data, "w") : NULL;
	if (!any)
		rc = cs_error_input(err, "sweep.csv", spec, "no point has a value for this metric");
	else if (!f)
		rc = cs_error_set(err, CS_EXIT_INTERNAL, "%s: cannot write", data);
	for (size_t k = 0; f && k < ncats; k++) {
		fputc('"', f);
		for (const char *c = cats[k]; *c; c++)
			fputc(*c == '"' ? '\'' : *c, f);
		fputc('"', f);
		for (size_t g = 0; g < ngroups; g++) {
			const struct pt *p = &v[k * ngroups + g];
			if (!has[k * ngroups + g])
				fputs(" NaN NaN NaN", f);
			else
				fprintf(f, " %.10g %.10g %.10g", p->y, isfinite(p->lo) ? p->lo : p->y, isfinite(p->hi) ? p->hi : p->y);
		}
		fputc('\n', f);
	}
	if (f)
		fclose(f);
	char *script = NULL, *ylabel = cs_metric_axis_label(spec), *qy = cs_gnuplot_quote(ylabel), *qx = cs_gnuplot_quote(t->head[xcol]);
	char *qd = cs_gnuplot_quote(data);
	if (rc == 0 && cs_gnuplot_output(&script, png, 1000, 600, err) < 0)
		rc = -1;
	if (rc == 0) {
		char *tt = title ? cs_xstrdup(title) : cs_xasprintf("%s by %s", ylabel, t->head[xcol]);
		char *qt = cs_gnuplot_quote(tt);
		cs_str_append(&script, "set title '%s'\nset grid ytics\nset key outside right\nset xlabel '%s'\nset ylabel '%s'\n"
				       "set style fill solid 0.8 border -1\nset xtics rotate by -20\n%s",
			      qt, qx, qy, logy ? "set logscale y\nset format y '%g'\n" : "set yrange [0:*]\n");
		free(qt);
		free(tt);
		if (ngroups == 1) {
			/* one configuration: a bar per value, in that value's colour */
			cs_str_append(&script, "set boxwidth 0.7\nset xrange [-0.6:%zu.6]\nplot '%s' using 0:2:($0 + 1):xtic(1) "
					       "with boxes lc variable notitle%s\n",
				      ncats - 1, qd, bars ? ", '' using 0:2:3:4 with yerrorbars lc 'black' pt 0 notitle" : "");
		} else {
			cs_str_append(&script, "set style data histograms\nset style histogram %s gap 1\nplot ",
				      bars ? "errorbars lw 1" : "clustered");
			for (size_t g = 0; g < ngroups; g++) {
				char *ql = cs_gnuplot_quote(*groups[g] ? groups[g] : spec);
				if (bars)
					cs_str_append(&script, "%s'%s' using %zu:%zu:%zu%s lc %zu title '%s'", g ? ", " : "", qd, 2 + 3 * g,
						      3 + 3 * g, 4 + 3 * g, g ? "" : ":xtic(1)", g + 1, ql);
				else
					cs_str_append(&script, "%s'%s' using %zu%s lc %zu title '%s'", g ? ", " : "", qd, 2 + 3 * g,
						      g ? "" : ":xtic(1)", g + 1, ql);
				free(ql);
			}
			cs_str_append(&script, "\n");
		}
		rc = cs_gnuplot_run(script, err);
	}
	if (rc == 0)
		printf("%s\n", png);
	free(script);
	free(ylabel);
	free(qy);
	free(qx);
	free(qd);
	free(data);
	for (size_t i = 0; i < ncats; i++)
		free(cats[i]);
	for (size_t i = 0; i < ngroups; i++)
		free(groups[i]);
	free(cats);
	free(groups);
	free(cat_of);
	free(group_of);
	free(v);
	free(has);
	return rc;
}

int cs_plot_sweep(const char *dir, int argc, char **argv, const char *usage)
{
	const char *xkey = NULL, *out = NULL, *title = NULL;
	const char **metrics = cs_xcalloc((size_t)argc + 3, sizeof *metrics);
	size_t nm = 0;
	int logx = -1;
	bool logy = false;
	struct cs_error err = {0};
	int rc = CS_EXIT_INPUT;
	for (int i = 0; i < argc; i++) {
		bool next = i + 1 < argc;
		if (strcmp(argv[i], "--x") == 0 && next)
			xkey = argv[++i];
		else if (strcmp(argv[i], "--metric") == 0 && next)
			metrics[nm++] = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && next)
			out = argv[++i];
		else if (strcmp(argv[i], "--title") == 0 && next)
			title = argv[++i];
		else if (strcmp(argv[i], "--logx") == 0)
			logx = 1;
		else if (strcmp(argv[i], "--linx") == 0)
			logx = 0;
		else if (strcmp(argv[i], "--logy") == 0)
			logy = true;
		else if (argv[i][0] == '-') {
			cs_usage_error(usage, "unknown option or missing value: %s", argv[i]);
			free(metrics);
			return CS_EXIT_INPUT;
		}
	}
	if (nm == 0) {
		metrics[nm++] = "wait_first_attempt.mean";
		metrics[nm++] = "schedulers.*.busy";
	}
	struct table t = {0};
	if (out && cs_figure_format_check(out, &err) < 0) {
		free(metrics);
		return cs_report_error(&err);
	}
	char *path = cs_xasprintf("%s/sweep.csv", dir);
	if (table_load(path, &t, &err) < 0) {
		free(path);
		free(metrics);
		table_free(&t);
		return cs_report_error(&err);
	}
	size_t xcol = 0;
	for (size_t c = 1; c <= t.nswept && !xcol; c++) {
		if (xkey) {
			if (strcmp(t.head[c], xkey) == 0)
				xcol = c;
			continue;
		}
		bool numeric = t.nrows > 0;
		for (size_t r = 0; r < t.nrows && numeric; r++) {
			double v;
			numeric = is_number(t.rows[r][c], &v);
		}
		if (numeric)
			xcol = c;
	}
	char tmpl[] = "/tmp/clustersim-sweep-XXXXXX";
	/* no numeric key: the first swept key, as categories */
	if (!xcol && !xkey && t.nswept > 0)
		xcol = 1;
	bool categorical = xcol > 0 && !all_numeric(&t, xcol);
	if (!xcol) {
		cs_error_input(&err, path, xkey, "not a swept key of this sweep");
		rc = cs_report_error(&err);
	} else if (!mkdtemp(tmpl)) {
		cs_error_set(&err, CS_EXIT_INTERNAL, "cannot make a temporary directory");
		rc = cs_report_error(&err);
	} else {
		rc = 0;
		for (size_t k = 0; k < nm && !rc; k++) {
			char *png;
			if (out && k == 0) {
				png = cs_xstrdup(out);
			} else if (out) {
				char suffix[32];
				snprintf(suffix, sizeof suffix, "-%zu", k + 1);
				png = cs_figure_variant(out, suffix);
			} else {
				char *m = cs_xstrdup(metrics[k]);
				sanitize(m);
				png = cs_xasprintf("%s/sweep-%s.png", dir, m);
				free(m);
			}
			if ((categorical ? plot_bars(&t, xcol, metrics[k], png, logy, title, tmpl, (int)k, &err)
					 : plot_metric(&t, xcol, metrics[k], png, logx, logy, title, tmpl, (int)k, &err)) < 0)
				rc = cs_report_error(&err);
			free(png);
		}
		cs_rm_rf(tmpl);
	}
	table_free(&t);
	free(path);
	free(metrics);
	return rc;
}
