/* analysis/plot — `clustersim plot DIR... [-o FILE.png]`: gnuplot PNGs.
 *
 * Two figures, each with every DIR overlaid (its legend is the DIR's last
 * path component):
 *  - utilization: cpu_util of timeseries.csv against time (seconds,
 *    minutes, hours or days: the unit that fits the longest run);
 *  - wait CDFs: the empirical CDF of wait_first_attempt and of
 *    wait_scheduled (from jobs.csv), x on a log scale (a wait of 0 is
 *    drawn at 1 ms).
 * With one argument that is a sweep's directory (it has sweep.csv), it
 * draws sweep curves instead (analysis/sweep_plot.c); balancing runs get
 * sessions per server over time (analysis/sessions_plot.c, sessions.png).
 * Runs with apps get a third, the running instances of each app over time
 * with the machines down (analysis/apps_plot.c); runs with autoscaling
 * groups one of their instances and utilization over time
 * (analysis/autoscaling_plot.c, autoscaling.png or FILE-autoscaling.EXT).
 * Output: with -o FILE.EXT (.png, .svg or .pdf: the format), FILE.EXT,
 * FILE-wait-cdf.EXT and FILE-apps.EXT; otherwise utilization.png,
 * wait_cdf.png and apps.png in DIR (one DIR) or in the first DIR's parent
 * (several).  A DIR without
 * jobs.csv (output.jobs=false) has no wait CDF: it is left out of it, with
 * a note, and its utilization is drawn.  gnuplot runs as an external
 * program on a generated script (analysis/gnuplot); the data go through a
 * temporary directory removed after.  A run with replications is drawn
 * from its first replication ("NAME (replication 1)"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/aggregate.h"
#include "sim/alloc.h"
#include "sim/csv.h"
#include "sim/outdir.h"
#include "sim/cli.h"
#include "sim/error.h"
#include "sim/experiment.h"
#include "sim/metrics.h"
#include "sim/sort.h"
#include "analysis/apps_plot.h"
#include "analysis/autoscaling_plot.h"
#include "analysis/gnuplot.h"
#include "analysis/sessions_plot.h"
#include "analysis/sweep_plot.h"

static const char usage[] =
	"usage: clustersim plot DIR... [-o FILE.png|.svg|.pdf]\n"
	"  writes the utilization over time of every DIR overlaid, and wait-time CDFs\n"
	"       clustersim plot SWEEP_DIR [--x KEY] [--metric SPEC]... [--logx|--linx] [--logy] [--title T] [-o FILE.png]\n"
	"  a sweep's directory (with sweep.csv): one figure per metric against the swept\n"
	"  key, one line per configuration; SPEC is a summary key, one component may be\n"
	"  a|b alternatives, * or prefix*; the largest matching value counts\n"
	"  balancing runs (a \"balancer\" experiment): sessions per server over time,\n"
	"  one panel per DIR (DIR/sessions.png without -o)\n";

/* A label without the trailing slash; a replication's directory
 * (RUN/replications/K) is "RUN (replication K)". */
static char *label_of(const char *dir)
{
	const char *b = cs_base_name(dir);
	char *l = cs_xstrdup(b);
	size_t n = strlen(l);
	while (n > 1 && l[n - 1] == '/')
		l[--n] = '\0';
	const char *mark = "/replications/";
	size_t m = strlen(mark), bl = (size_t)(b - dir);
	if (bl >= m && strncmp(b - m, mark, m) == 0 && bl > m) {
		char *run = cs_xasprintf("%.*s", (int)(bl - m), dir);
		char *full = cs_xasprintf("%s (replication %s)", cs_base_name(run), l);
		free(run);
		free(l);
		return full;
	}
	return l;
}

/* Write the sorted waits of DIR/jobs.csv (the wait from submit to the
 * column `col`: first_attempt or scheduled) as "wait cumulative_fraction"
 * lines.  Returns 1, 0 if DIR has no jobs.csv (output.jobs=false), -1. */
static int write_cdf(const char *dir, const char *col, const char *out, struct cs_error *err)
{
	char *path = cs_xasprintf("%s/jobs.csv", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		free(path);
		if (e == ENOENT)
			return 0;
		return cs_error_input(err, dir, "jobs.csv", "cannot open: %s", strerror(e));
	}
	struct cs_samples s = {0};
	struct cs_csv_reader r;
	cs_csv_reader_init(&r, f);
	char **fld;
	size_t n, at = 0, submit = 0;
	int got, rc = 1;
	while ((got = cs_csv_read(&r, &fld, &n)) > 0) {
		if (r.line == 1) {
			submit = cs_column_index(fld, n, "submit");
			at = cs_column_index(fld, n, col);
			if (!submit || !at) {
				rc = cs_error_input(err, path, "line 1", "not a jobs.csv header (no %s column)", col);
				break;
			}
			continue;
		}
		if (n < at || n < submit || !*fld[at - 1] || !*fld[submit - 1])
			continue;
		double w = strtod(fld[at - 1], NULL) - strtod(fld[submit - 1], NULL);
		cs_samples_add(&s, w < 1e-3 ? 1e-3 : w);
	}
	if (got < 0)
		rc = cs_error_input(err, path, NULL, "line %zu: a quoted field does not end", r.line);
	cs_csv_reader_release(&r);
	fclose(f);
	free(path);
	FILE *o = rc > 0 ? fopen(out, "w") : NULL;
	if (rc > 0 && !o)
		rc = cs_error_set(err, CS_EXIT_INTERNAL, "%s: cannot write", out);
	if (o) {
		cs_sort_doubles(s.v, s.n); /* the project's radix sort (sim/sort) */
		for (size_t i = 0; i < s.n; i++)
			fprintf(o, "%.6f %.6f\n", s.v[i], (double)(i + 1) / (double)s.n);
		if (s.n == 0)
			fputs("0.001 0\n", o);
		fclose(o);
	}
	cs_samples_release(&s);
	return rc;
}

/* The utilization figure: cpu_util of every DIR's timeseries.csv, the
 * time axis in the unit that fits the longest run, the legend below the
 * plot (never over the data). */
static int utilization_script(char **script, const char *const *dirs, size_t nd, const char *tmp, const char *png,
			      struct cs_error *err)
{
	size_t *cols = cs_xcalloc(nd ? nd : 1, sizeof *cols);
	double span = 0;
	for (size_t i = 0; i < nd; i++) {
		char *dat = cs_xasprintf("%s/ts-%zu.dat", tmp, i);
		char **head;
		size_t ncols;
		int r = cs_timeseries_to_dat(dirs[i], dat, &head, &ncols, err);
		cols[i] = r == 0 ? cs_column_index(head, ncols, "cpu_util") : 0;
		if (r == 0)
			cs_free_strings(head, ncols);
		if (r == 0 && !cols[i])
			r = cs_error_input(err, dirs[i], "timeseries.csv", "no cpu_util column");
		double x = r == 0 ? cs_dat_max_x(dat) : 0;
		span = x > span ? x : span;
		free(dat);
		if (r < 0) {
			free(cols);
			return -1;
		}
	}
	struct cs_time_unit u = cs_time_unit_for(span);
	if (cs_gnuplot_output(script, png, 1100, 650, err) < 0) {
		free(cols);
		return -1;
	}
	cs_str_append(script, "set title 'cpu utilization over time'\nset key below\nset grid\n"
			      "set xlabel 'simulated time (%s)'\nset ylabel 'cpu utilization (fraction of the cell)'\n"
			      "set yrange [0:1.05]\nplot ",
		      u.name);
	for (size_t i = 0; i < nd; i++) {
		char *dat = cs_xasprintf("%s/ts-%zu.dat", tmp, i);
		char *qt = cs_gnuplot_quote(dat), *lab = label_of(dirs[i]), *ql = cs_gnuplot_quote(lab);
		cs_str_append(script, "%s'%s' using ($1/%g):%zu with lines lw 2 lc %zu title '%s'", i ? ", " : "", qt,
			      u.seconds, cols[i], i + 1, ql);
		free(qt);
		free(lab);
		free(ql);
		free(dat);
	}
	cs_str_append(script, "\n");
	free(cols);
	return 0;
}

/* The wait CDFs; *drawn is false when no DIR has jobs.csv. */
static int cdf_script(char **script, const char *const *dirs, size_t nd, const char *tmp, const char *png,
		      bool *drawn, struct cs_error *err)
{
	char *part = NULL;
	const char *cols[2] = {"first_attempt", "scheduled"};
	const char *titles[2] = {"wait to first scheduling attempt (s; 0 drawn at 1 ms)",
				 "wait until fully scheduled (s; 0 drawn at 1 ms)"};
	size_t with_jobs = 0;
	*drawn = false;
	for (int k = 0; k < 2; k++) {
		cs_str_append(&part, "set xlabel '%s'\nplot ", titles[k]);
		size_t plotted = 0;
		for (size_t i = 0; i < nd; i++) {
			char *data = cs_xasprintf("%s/cdf-%d-%zu.dat", tmp, k, i);
			int r = write_cdf(dirs[i], cols[k], data, err);
			if (r < 0) {
				free(data);
				free(part);
				return -1;
			}
			if (r == 0) {
				if (k == 0)
					fprintf(stderr, "clustersim: %s has no jobs.csv (output.jobs=false): no wait CDF for it\n",
						dirs[i]);
				free(data);
				continue;
			}
			with_jobs += k == 0;
			char *lab = label_of(dirs[i]), *ql = cs_gnuplot_quote(lab), *qd = cs_gnuplot_quote(data);
			cs_str_append(&part, "%s'%s' using 1:2 with steps lw 2 lc %zu title '%s'", plotted++ ? ", " : "", qd,
				      i + 1, ql);
			free(lab);
			free(ql);
			free(qd);
			free(data);
		}
		cs_str_append(&part, "\n");
	}
	if (with_jobs > 0) {
		if (cs_gnuplot_output(script, png, 1300, 550, err) < 0) {
			free(part);
			return -1;
		}
		cs_str_append(script, "set multiplot layout 1,2 title 'job wait times (empirical CDFs)'\nset logscale x\n"
				      "set format x '%%g'\nset yrange [0:1]\n"
				      "set ylabel 'fraction of jobs'\nset key inside bottom right\nset grid\n%s"
				      "unset multiplot\n", part);
		*drawn = true;
	}
	free(part);
	return 0;
}

int cs_cmd_plot(int argc, char **argv)
{
	const char *out = NULL;
	const char **dirs = cs_xcalloc((size_t)argc + 1, sizeof *dirs);
	char **owned = cs_xcalloc((size_t)argc + 1, sizeof *owned);
	size_t nd = 0, nowned = 0;
	int rc = CS_EXIT_INPUT;
	char *script = NULL, *util_png = NULL, *cdf_png = NULL, *apps_png = NULL, *as_png = NULL, *tmp = NULL;
	struct cs_error err = {0};
	/* a sweep directory: sweep curves */
	if (argc >= 1 && argv[0][0] != '-') {
		char *csv = cs_xasprintf("%s/sweep.csv", argv[0]);
		bool sweep = access(csv, F_OK) == 0;
		free(csv);
		if (sweep) {
			free(dirs);
			free(owned);
			return cs_plot_sweep(argv[0], argc - 1, argv + 1, usage);
		}
	}
	for (int i = 0; i < argc; i++) {
		if (cs_is_help(argv[i])) {
			fputs(usage, stdout);
			rc = 0;
			goto out;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (argv[i][0] == '-') {
			cs_usage_error(usage, "unknown option or missing value: %s", argv[i]);
			goto out;
		} else {
			dirs[nd++] = argv[i];
		}
	}
	if (nd == 0) {
		cs_usage_error(usage, "expected at least one results directory");
		goto out;
	}
	/* a run with replications: its first replication's series and waits
	 * (the aggregate has no time series; sweep plots carry the intervals) */
	for (size_t i = 0; i < nd; i++) {
		char *first = cs_replicated_first(dirs[i]);
		if (first)
			dirs[i] = owned[nowned++] = first;
	}
	if (out && cs_figure_format_check(out, &err) < 0) {
		rc = cs_report_error(&err);
		goto out;
	}
	if (cs_is_balancing_dir(dirs[0])) {
		/* balancing runs: sessions per server over time */
		char *where = nd == 1 ? cs_xstrdup(dirs[0]) : cs_dirname(dirs[0]);
		char *png = out ? cs_xstrdup(out) : cs_xasprintf("%s/sessions.png", where);
		rc = cs_plot_sessions(dirs, nd, png);
		free(where);
		free(png);
		goto out;
	}
	if (out) {
		util_png = cs_xstrdup(out);
		cdf_png = cs_figure_variant(out, "-wait-cdf");
		apps_png = cs_figure_variant(out, "-apps");
		as_png = cs_figure_variant(out, "-autoscaling");
	} else {
		char *where = nd == 1 ? cs_xstrdup(dirs[0]) : cs_dirname(dirs[0]);
		util_png = cs_xasprintf("%s/utilization.png", where);
		cdf_png = cs_xasprintf("%s/wait_cdf.png", where);
		apps_png = cs_xasprintf("%s/apps.png", where);
		as_png = cs_xasprintf("%s/autoscaling.png", where);
		free(where);
	}
	char tmpl[] = "/tmp/clustersim-plot-XXXXXX";
	if (!mkdtemp(tmpl)) {
		cs_error_set(&err, CS_EXIT_INTERNAL, "cannot make a temporary directory: %s", strerror(errno));
		rc = cs_report_error(&err);
		goto out;
	}
	tmp = cs_xstrdup(tmpl);
	bool cdf = false, apps = false, groups = false;
	if (utilization_script(&script, dirs, nd, tmp, util_png, &err) < 0 ||
	    cdf_script(&script, dirs, nd, tmp, cdf_png, &cdf, &err) < 0 ||
	    cs_apps_script(&script, dirs, nd, tmp, apps_png, &apps, &err) < 0 ||
	    cs_autoscaling_script(&script, dirs, nd, tmp, as_png, &groups, &err) < 0 || cs_gnuplot_run(script, &err) < 0) {
		rc = cs_report_error(&err);
		goto out;
	}
	printf("%s\n", util_png);
	if (cdf)
		printf("%s\n", cdf_png);
	if (apps)
		printf("%s\n", apps_png);
	if (groups)
		printf("%s\n", as_png);
	rc = 0;
out:
	if (tmp) {
		cs_rm_rf(tmp);
		free(tmp);
	}
	free(script);
	free(util_png);
	free(cdf_png);
	free(apps_png);
	free(as_png);
	free(dirs);
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	return rc;
}
