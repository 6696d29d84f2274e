/* analysis/plot — `clustersim plot DIR... [-o FILE.png]`: gnuplot PNGs.
 *
 * Two figures, each with every DIR overlaid (its legend is the DIR's last
 * path component):
 *  - utilization: cpu_util of timeseries.csv against time in hours;
 *  - wait CDFs: the empirical CDF of wait_first_attempt and of
 *    wait_scheduled (from jobs.csv), x on a log scale (a wait of 0 is
 *    drawn at 1 ms).
 * With one argument that is a sweep's directory (it has sweep.csv), it
 * draws sweep curves instead (analysis/sweep_plot.c); balancing runs get
 * sessions per server over time (analysis/sessions_plot.c, sessions.png).
 * Output: with -o FILE.png, FILE.png and FILE-wait-cdf.png; otherwise
 * utilization.png and wait_cdf.png in DIR (one DIR) or in the first DIR's
 * parent (several).  gnuplot runs as an external program on a generated
 * script; the CDF data go through a temporary directory removed after. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/error.h"
#include "sim/experiment.h"
#include "sim/metrics.h"
#include "sim/sort.h"
#include "analysis/gnuplot.h"
#include "analysis/sessions_plot.h"
#include "analysis/sweep_plot.h"

static const char usage[] =
	"usage: clustersim plot DIR... [-o FILE.png]\n"
	"  writes the utilization over time of every DIR overlaid, and wait-time CDFs\n"
	"       clustersim plot SWEEP_DIR [--x KEY] [--metric SPEC]... [--logx|--linx] [--logy] [--title T] [-o FILE.png]\n"
	"  a sweep's directory (with sweep.csv): one figure per metric against the swept\n"
	"  key, one line per configuration; SPEC is a summary key, one component may be\n"
	"  a|b alternatives, * or prefix*; the largest matching value counts\n"
	"  balancing runs (a \"balancer\" experiment): sessions per server over time,\n"
	"  one panel per DIR (DIR/sessions.png without -o)\n";

static const char *base_name(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	const char *s = dir + n;
	while (s > dir && s[-1] != '/')
		s--;
	return s;
}

/* A label without the trailing slash. */
static char *label_of(const char *dir)
{
	const char *b = base_name(dir);
	char *l = cs_xstrdup(b);
	size_t n = strlen(l);
	while (n > 1 && l[n - 1] == '/')
		l[--n] = '\0';
	return l;
}

/* 1-based index of a column in a CSV header line, 0 if absent. */
static int column_of(const char *header, const char *name)
{
	int col = 1;
	size_t n = strlen(name);
	for (const char *p = header;; col++) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\n' || p[n] == '\0'))
			return col;
		p = strchr(p, ',');
		if (!p)
			return 0;
		p++;
	}
}

/* Write the sorted waits of jobs.csv (column: 4 first_attempt, 5
 * scheduled) as "wait cumulative_fraction" lines. */
static int write_cdf(const char *dir, int col, const char *out, struct cs_error *err)
{
	char *path = cs_xasprintf("%s/jobs.csv", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		cs_error_input(err, path, NULL, "cannot open: %s", strerror(errno));
		free(path);
		return -1;
	}
	struct cs_samples s = {0};
	char line[1024];
	size_t lineno = 0;
	while (fgets(line, sizeof line, f)) {
		if (lineno++ == 0)
			continue;
		char *fld[10];
		int nf = 0;
		/* empty fields matter: split by hand */
		char *p = line;
		fld[nf++] = p;
		while (nf < 10 && (p = strchr(p, ','))) {
			*p++ = '\0';
			fld[nf++] = p;
		}
		if (nf < 9)
			continue;
		if (!*fld[col - 1] || !*fld[2])
			continue;
		double w = strtod(fld[col - 1], NULL) - strtod(fld[2], NULL);
		cs_samples_add(&s, w < 1e-3 ? 1e-3 : w);
	}
	fclose(f);
	free(path);
	FILE *o = fopen(out, "w");
	if (!o) {
		cs_samples_release(&s);
		return cs_error_set(err, CS_EXIT_INTERNAL, "%s: cannot write", out);
	}
	cs_sort_doubles(s.v, s.n); /* the project's radix sort (sim/sort) */
	for (size_t i = 0; i < s.n; i++)
		fprintf(o, "%.6f %.6f\n", s.v[i], (double)(i + 1) / (double)s.n);
	if (s.n == 0)
		fputs("0.001 0\n", o);
	fclose(o);
	cs_samples_release(&s);
	return 0;
}

int cs_cmd_plot(int argc, char **argv)
{
	const char *out = NULL;
	const char **dirs = cs_xcalloc((size_t)argc + 1, sizeof *dirs);
	size_t nd = 0;
	int rc = CS_EXIT_INPUT;
	char *script = NULL, *util_png = NULL, *cdf_png = NULL, *tmp = NULL;
	struct cs_error err = {0};
	/* a sweep directory: sweep curves */
	if (argc >= 1 && argv[0][0] != '-') {
		char *csv = cs_xasprintf("%s/sweep.csv", argv[0]);
		bool sweep = access(csv, F_OK) == 0;
		free(csv);
		if (sweep) {
			free(dirs);
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
		size_t n = strlen(out);
		cdf_png = n > 4 && strcmp(out + n - 4, ".png") == 0
			? cs_xasprintf("%.*s-wait-cdf.png", (int)(n - 4), out)
			: cs_xasprintf("%s-wait-cdf.png", out);
	} else {
		char *where = nd == 1 ? cs_xstrdup(dirs[0]) : cs_dirname(dirs[0]);
		util_png = cs_xasprintf("%s/utilization.png", where);
		cdf_png = cs_xasprintf("%s/wait_cdf.png", where);
		free(where);
	}
	char tmpl[] = "/tmp/clustersim-plot-XXXXXX";
	if (!mkdtemp(tmpl)) {
		cs_error_set(&err, CS_EXIT_INTERNAL, "cannot make a temporary directory: %s", strerror(errno));
		rc = cs_report_error(&err);
		goto out;
	}
	tmp = cs_xstrdup(tmpl);

	char *q = cs_gnuplot_quote(util_png);
	cs_str_append(&script, "set terminal pngcairo size 1100,600 noenhanced\nset output '%s'\n", q);
	free(q);
	cs_str_append(&script, "set datafile separator ','\nset key top right box opaque\nset grid\n"
			"set xlabel 'simulated time (hours)'\nset ylabel 'cpu utilization (fraction of cell)'\n"
			"set yrange [0:1.05]\nplot ");
	for (size_t i = 0; i < nd; i++) {
		char *ts = cs_xasprintf("%s/timeseries.csv", dirs[i]);
		FILE *f = fopen(ts, "r");
		char header[4096] = "";
		if (!f || !fgets(header, sizeof header, f)) {
			cs_error_input(&err, ts, NULL, "cannot read a header: %s", f ? "empty file" : strerror(errno));
			if (f)
				fclose(f);
			free(ts);
			rc = cs_report_error(&err);
			goto out;
		}
		fclose(f);
		int col = column_of(header, "cpu_util");
		if (!col) {
			cs_error_input(&err, ts, "line 1", "no cpu_util column");
			free(ts);
			rc = cs_report_error(&err);
			goto out;
		}
		char *qt = cs_gnuplot_quote(ts), *lab = label_of(dirs[i]), *ql = cs_gnuplot_quote(lab);
		cs_str_append(&script, "%s'%s' every ::1 using ($1/3600):%d with lines lw 2 title '%s'", i ? ", " : "",
		       qt, col, ql);
		free(qt);
		free(lab);
		free(ql);
		free(ts);
	}
	cs_str_append(&script, "\n");

	q = cs_gnuplot_quote(cdf_png);
	cs_str_append(&script, "set terminal pngcairo size 1300,550 noenhanced\nset output '%s'\n", q);
	free(q);
	cs_str_append(&script, "set datafile separator whitespace\nset multiplot layout 1,2\nset logscale x\n"
			"set format x '%%g'\nset yrange [0:1]\nset ylabel 'fraction of jobs'\nset key inside bottom right\nset grid\n");
	const char *titles[2] = {"wait to first scheduling attempt (s; 0 drawn at 1 ms)", "wait until fully scheduled (s; 0 drawn at 1 ms)"};
	for (int k = 0; k < 2; k++) {
		cs_str_append(&script, "set xlabel '%s'\nplot ", titles[k]);
		for (size_t i = 0; i < nd; i++) {
			char *data = cs_xasprintf("%s/cdf-%d-%zu.dat", tmp, k, i);
			if (write_cdf(dirs[i], k == 0 ? 4 : 5, data, &err) < 0) {
				free(data);
				rc = cs_report_error(&err);
				goto out;
			}
			char *lab = label_of(dirs[i]), *ql = cs_gnuplot_quote(lab);
			cs_str_append(&script, "%s'%s' using 1:2 with steps lw 2 title '%s'", i ? ", " : "", data, ql);
			free(lab);
			free(ql);
			free(data);
		}
		cs_str_append(&script, "\n");
	}
	cs_str_append(&script, "unset multiplot\n");
	if (cs_gnuplot_run(script, &err) < 0) {
		rc = cs_report_error(&err);
		goto out;
	}
	printf("%s\n%s\n", util_png, cdf_png);
	rc = 0;
out:
	if (tmp) {
		for (int k = 0; k < 2; k++)
			for (size_t i = 0; i < nd; i++) {
				char *data = cs_xasprintf("%s/cdf-%d-%zu.dat", tmp, k, i);
				unlink(data);
				free(data);
			}
		rmdir(tmp);
		free(tmp);
	}
	free(script);
	free(util_png);
	free(cdf_png);
	free(dirs);
	return rc;
}
