/* analysis/report — `clustersim report DIR... -o report.html [--title T]`:
 * one self-contained HTML page of results, for CI artifacts and sharing
 * (docs/results.md#reports).
 *
 * For each DIR (a run, a run with replications, or a sweep): its figures
 * as inline SVG (the figures `clustersim plot` draws, made by gnuplot's
 * svg terminal in a temporary directory), a table of its metrics (means
 * with the 95% interval and n where there are replications; a sweep's
 * points one row each), and the experiment as it ran (experiment.json;
 * a sweep's first point's).  Then the provenance: clustersim's version
 * and the git commit it was built from, the seeds, each run's version and
 * wall time, and the machine the report was made on (host name, cpus).
 * No script or style is fetched: the page is one file.  A small inline
 * script checks, once the page is laid out, that every figure has a
 * size, and says so in the body's data-figures attribute ("N of M") and
 * any script error in data-errors (the Chromium test reads both).
 * Exit 0; 2 on a DIR that is not results; 3 without gnuplot. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>

#include "analysis/aggregate.h"
#include "analysis/flatten.h"
#include "analysis/gnuplot.h"
#include "analysis/metric_defs.h"
#include "analysis/stats.h"
#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/error.h"
#include "sim/experiment.h"
#include "sim/outdir.h"
#include "sim/version.h"

#ifndef CS_GIT_COMMIT
#define CS_GIT_COMMIT ""
#endif

static const char usage[] = "usage: clustersim report DIR... -o REPORT.html [--title T]\n"
			    "  one self-contained HTML page: each run's or sweep's figures (inline SVG),\n"
			    "  metric tables with 95% intervals, the experiment, and provenance\n";

static void html(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			/* a control character (a name may hold one): not for a page */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputs("&#xFFFD;", f);
			else
				fputc(*s, f);
		}
	}
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	char chunk[8192];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, r, m);
	fclose(f);
	fclose(m);
	if (len)
		*len = n;
	return buf;
}

/* Figure files in the order plot makes them: FILE.svg first, then its
 * variants (FILE-2.svg, FILE-apps.svg, FILE-wait-cdf.svg) by name. */
static int cmp_fig(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	bool vx = strrchr(x, '-') > strrchr(x, '/'), vy = strrchr(y, '-') > strrchr(y, '/');
	return vx != vy ? vx - vy : strcmp(x, y);
}

/* What a figure file shows, from plot's names for its variants. */
static const char *figure_caption(const char *path, bool sweep)
{
	const char *dash = strrchr(path, '-'), *slash = strrchr(path, '/');
	if (!dash || dash < slash)
		return sweep ? "the first metric against the swept key, one line per configuration"
			     : "cpu utilization over time";
	if (strncmp(dash, "-cdf", 4) == 0 || strstr(path, "-wait-cdf"))
		return "wait-time distributions (empirical CDFs)";
	if (strncmp(dash, "-apps", 5) == 0)
		return "apps: instances running, machines down";
	if (strncmp(dash, "-autoscaling", 12) == 0)
		return "autoscaling groups: instances and their cpu utilization";
	return "the next metric against the swept key";
}

/* Draw DIR's figures as prefix*.svg in tmp (clustersim plot, its stdout
 * kept out of the way); the SVG files made, sorted, in *files. */
static int figures(const char *dir, const char *tmp, int k, char ***files, size_t *n, struct cs_error *err)
{
	char *out = cs_xasprintf("%s/fig%d.svg", tmp, k);
	char *argv[] = {(char *)(uintptr_t)dir, (char *)(uintptr_t)"-o", out, NULL};
	fflush(stdout);
	int saved = dup(1), null = open("/dev/null", O_WRONLY);
	if (null >= 0) {
		dup2(null, 1);
		close(null);
	}
	int rc = cs_cmd_plot(3, argv);
	fflush(stdout);
	if (saved >= 0) {
		dup2(saved, 1);
		close(saved);
	}
	free(out);
	if (rc != 0) {
		/* plot has said why, in one line: the report adds none */
		err->code = rc;
		return -2;
	}
	char prefix[32];
	snprintf(prefix, sizeof prefix, "fig%d", k);
	DIR *d = opendir(tmp);
	struct dirent *e;
	*files = NULL;
	*n = 0;
	size_t cap = 0;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name), pl = strlen(prefix);
		if (strncmp(e->d_name, prefix, pl) != 0 || (e->d_name[pl] != '.' && e->d_name[pl] != '-') || len < 4 ||
		    strcmp(e->d_name + len - 4, ".svg") != 0)
			continue;
		CS_GROW(*files, cap, *n + 1);
		(*files)[(*n)++] = cs_xasprintf("%s/%s", tmp, e->d_name);
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(*files, *n, sizeof **files, cmp_fig);
	return 0;
}

/* An SVG file inline: from its <svg to the end. */
static void put_svg(FILE *f, const char *path, const char *caption)
{
	char *svg = slurp(path, NULL);
	const char *at = svg ? strstr(svg, "<svg") : NULL;
	fputs("<figure>\n", f);
	if (at)
		fputs(at, f);
	fputs("<figcaption>", f);
	html(f, caption);
	fputs("</figcaption></figure>\n", f);
	free(svg);
}

/* "mean ± half-width (n)" or the number, for a table cell. */
static void put_value(FILE *f, const json_t *v)
{
	struct cs_stats s;
	if (cs_stats_from_json(v, &s)) {
		if (s.n == 0)
			fputs("–", f);
		else if (isfinite(s.ci_lo))
			fprintf(f, "%.6g ± %.3g <small>(n=%zu)</small>", s.mean, (s.ci_hi - s.ci_lo) / 2, s.n);
		else
			fprintf(f, "%.6g <small>(n=%zu)</small>", s.mean, s.n);
	} else if (json_is_number(v)) {
		fprintf(f, "%.6g", json_number_value(v));
	} else if (json_is_null(v)) {
		fputs("–", f);
	} else if (json_is_string(v)) {
		html(f, json_string_value(v));
	} else if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? "true" : "false", f);
	}
}

struct rows {
	FILE *f;
};

static int is_stats(const json_t *v)
{
	struct cs_stats s;
	return cs_stats_from_json(v, &s);
}

static void metric_row(void *ctx, const char *key, const json_t *v)
{
	FILE *f = ((struct rows *)ctx)->f;
	if (strncmp(key, "seeds[", 6) == 0)
		return;
	const struct cs_metric_def *d = cs_metric_def(key);
	fputs("<tr><td><code>", f);
	html(f, key);
	fputs("</code></td><td class=\"n\">", f);
	put_value(f, v);
	fputs("</td><td>", f);
	html(f, d->unit);
	fputs("</td></tr>\n", f);
}

static void metrics_table(FILE *f, const json_t *summary)
{
	fputs("<details open><summary>metrics</summary>\n<table><thead><tr><th>metric</th><th>value</th><th>unit</th></tr>"
	      "</thead><tbody>\n",
	      f);
	struct rows r = {f};
	cs_flatten_leaves(summary, is_stats, metric_row, &r);
	fputs("</tbody></table></details>\n", f);
}

static void experiment_block(FILE *f, const char *path)
{
	char *text = slurp(path, NULL);
	if (!text)
		return;
	fputs("<details><summary>the experiment as it ran (", f);
	html(f, cs_base_name(path));
	fputs(")</summary><pre>", f);
	html(f, text);
	fputs("</pre></details>\n", f);
	free(text);
}

/* A sweep's points: sweep.csv as a table of its status and a few
 * headline metrics (means, with their intervals). */
static void sweep_table(FILE *f, const char *dir)
{
	char *path = cs_xasprintf("%s/sweep.csv", dir);
	char *csv = slurp(path, NULL);
	free(path);
	if (!csv)
		return;
	fputs("<details open><summary>points (sweep.csv)</summary>\n<table><thead>", f);
	/* the whole file: it is the sweep's table; long rows scroll */
	bool head = true;
	for (char *line = strtok(csv, "\n"); line; line = strtok(NULL, "\n")) {
		fputs(head ? "<tr>" : "<tr>", f);
		bool quoted = false;
		char *cell = line;
		for (char *c = line;; c++) {
			if (*c == '"')
				quoted = !quoted;
			if ((*c == ',' && !quoted) || !*c) {
				char save = *c;
				*c = '\0';
				fputs(head ? "<th>" : "<td>", f);
				html(f, cell);
				fputs(head ? "</th>" : "</td>", f);
				if (!save)
					break;
				cell = c + 1;
			}
		}
		fputs("</tr>\n", f);
		if (head)
			fputs("</thead><tbody>\n", f);
		head = false;
	}
	fputs("</tbody></table></details>\n", f);
	free(csv);
}

/* The first point directory of a sweep named in sweep.csv with status ok. */
static char *first_point(const char *dir)
{
	char *path = cs_xasprintf("%s/sweep.csv", dir), *csv = slurp(path, NULL), *p = NULL;
	free(path);
	char *line = csv ? strchr(csv, '\n') : NULL;
	if (line && line[1]) {
		char *label = line + 1;
		label[strcspn(label, ",\n")] = '\0';
		p = cs_xasprintf("%s/points/%s", dir, label);
	}
	free(csv);
	return p;
}

static int one_dir(FILE *f, const char *dir, const char *tmp, int k, json_t *prov, struct cs_error *err)
{
	char *sum = cs_xasprintf("%s/summary.json", dir), *csv = cs_xasprintf("%s/sweep.csv", dir);
	bool sweep = access(sum, F_OK) != 0 && access(csv, R_OK) == 0;
	json_t *s = sweep ? NULL : json_load_file(sum, 0, NULL);
	int rc = 0;
	if (!sweep && !json_is_object(s)) {
		rc = cs_error_input(err, dir, NULL, "not a results directory (no readable summary.json or sweep.csv)");
		goto out;
	}
	char **files = NULL;
	size_t nf = 0;
	if ((rc = figures(dir, tmp, k, &files, &nf, err)) < 0)
		goto out;
	fprintf(f, "<section id=\"r%d\">\n<h2>", k);
	html(f, cs_base_name(dir));
	fputs(sweep ? " <small>sweep</small>" : cs_is_aggregate(s) ? " <small>replications</small>" : " <small>run</small>",
	      f);
	fputs("</h2>\n<p class=\"path\">", f);
	html(f, dir);
	fputs("</p>\n", f);
	for (size_t i = 0; i < nf; i++) {
		char caption[512];
		snprintf(caption, sizeof caption, "Figure %d.%zu: %s — %s", k + 1, i + 1, cs_base_name(dir),
			 figure_caption(files[i], sweep));
		put_svg(f, files[i], caption);
		free(files[i]);
	}
	free(files);
	json_t *p = json_object();
	json_object_set_new(p, "dir", json_string(dir));
	if (sweep) {
		sweep_table(f, dir);
		char *pt = first_point(dir);
		char *ep = pt ? cs_xasprintf("%s/experiment.json", pt) : NULL;
		if (ep)
			experiment_block(f, ep);
		free(ep);
		free(pt);
		json_object_set_new(p, "kind", json_string("sweep"));
	} else {
		metrics_table(f, s);
		char *ep = cs_xasprintf("%s/experiment.json", dir), *rp = cs_xasprintf("%s/run.json", dir);
		experiment_block(f, ep);
		json_t *run = json_load_file(rp, 0, NULL);
		json_object_set(p, "seeds", json_object_get(s, "seeds") ? json_object_get(s, "seeds") : json_object_get(s, "seed"));
		json_object_set(p, "version", json_object_get(run, "version"));
		json_object_set(p, "wall_seconds", json_object_get(run, "wall_seconds"));
		json_object_set_new(p, "kind", json_string(cs_is_aggregate(s) ? "replications" : "run"));
		json_decref(run);
		free(ep);
		free(rp);
	}
	json_array_append_new(prov, p);
	fputs("</section>\n", f);
out:
	json_decref(s);
	free(sum);
	free(csv);
	return rc;
}

static void provenance(FILE *f, const json_t *prov)
{
	struct utsname u;
	const char *host = uname(&u) == 0 ? u.nodename : "?";
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	fputs("<section id=\"provenance\"><h2>Provenance</h2><table><tbody>\n", f);
	fprintf(f, "<tr><th>clustersim</th><td>%s</td></tr>\n<tr><th>git commit</th><td><code>", CS_VERSION);
	html(f, *CS_GIT_COMMIT ? CS_GIT_COMMIT : "unknown (not built from a git checkout)");
	fputs("</code></td></tr>\n<tr><th>machine</th><td>", f);
	html(f, host);
	fprintf(f, ", %ld cpus</td></tr>\n", cpus);
	for (size_t i = 0; i < json_array_size(prov); i++) {
		const json_t *p = json_array_get(prov, i);
		fputs("<tr><th>", f);
		html(f, json_string_value(json_object_get(p, "dir")));
		fputs("</th><td>", f);
		html(f, json_string_value(json_object_get(p, "kind")));
		const json_t *seeds = json_object_get(p, "seeds");
		if (seeds) {
			char *t = json_dumps(seeds, JSON_ENCODE_ANY | JSON_COMPACT);
			fputs("; seeds ", f);
			html(f, t);
			free(t);
		}
		if (json_is_string(json_object_get(p, "version"))) {
			fputs("; run by clustersim ", f);
			html(f, json_string_value(json_object_get(p, "version")));
		}
		if (json_is_number(json_object_get(p, "wall_seconds")))
			fprintf(f, "; %.3g s of simulation", json_number_value(json_object_get(p, "wall_seconds")));
		else if (is_stats(json_object_get(p, "wall_seconds"))) {
			struct cs_stats st;
			cs_stats_from_json(json_object_get(p, "wall_seconds"), &st);
			fprintf(f, "; %.3g s of simulation per replication (mean)", st.mean);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></section>\n", f);
}

static const char style[] =
	"body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}"
	"h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em}h2 small{color:#777;font-weight:normal}"
	"figure{margin:1em 0}figure svg{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555;font-size:.9em}"
	"table{border-collapse:collapse;font-size:.85em;display:block;overflow-x:auto}td,th{border:1px solid #ddd;"
	"padding:.2em .5em;text-align:left;white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:.8em}.path{color:#777;font-family:monospace}"
	"details{margin:1em 0}summary{cursor:pointer;font-weight:bold}";

/* Sets data-figures ("N of M": figures laid out with a size) and
 * data-errors on <body> once the page has loaded. */
static const char check_script[] =
	"<script>\n(function () {\n  var errors = [];\n"
	"  window.addEventListener('error', function (e) { errors.push(String(e.message)); });\n"
	"  window.addEventListener('load', function () {\n"
	"    var figs = document.querySelectorAll('figure > svg'), ok = 0;\n"
	"    for (var i = 0; i < figs.length; i++) { var r = figs[i].getBoundingClientRect();\n"
	"      if (r.width > 0 && r.height > 0 && figs[i].getBBox().width > 0) ok++; }\n"
	"    document.body.setAttribute('data-figures', ok + ' of ' + figs.length);\n"
	"    document.body.setAttribute('data-errors', String(errors.length));\n  });\n})();\n</script>\n";

int cs_cmd_report(int argc, char **argv)
{
	const char *out = NULL, *title = "clustersim report";
	const char **dirs = cs_xcalloc((size_t)argc + 1, sizeof *dirs);
	size_t nd = 0;
	int rc = CS_EXIT_INPUT;
	for (int i = 0; i < argc; i++) {
		if (cs_is_help(argv[i])) {
			fputs(usage, stdout);
			free(dirs);
			return 0;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--title") == 0 && i + 1 < argc) {
			title = argv[++i];
		} else if (argv[i][0] == '-') {
			cs_usage_error(usage, "unknown option or missing value: %s", argv[i]);
			free(dirs);
			return CS_EXIT_INPUT;
		} else {
			dirs[nd++] = argv[i];
		}
	}
	if (nd == 0 || !out) {
		cs_usage_error(usage, nd ? "missing -o REPORT.html" : "expected at least one results directory");
		free(dirs);
		return CS_EXIT_INPUT;
	}
	struct cs_error err = {0};
	char tmpl[] = "/tmp/clustersim-report-XXXXXX";
	if (!mkdtemp(tmpl)) {
		cs_error_set(&err, CS_EXIT_INTERNAL, "cannot make a temporary directory: %s", strerror(errno));
		free(dirs);
		return cs_report_error(&err);
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
	html(f, title);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
	html(f, title);
	fputs("</h1>\n<nav><ul>\n", f);
	for (size_t i = 0; i < nd; i++) {
		fprintf(f, "<li><a href=\"#r%zu\">", i);
		html(f, cs_base_name(dirs[i]));
		fputs("</a></li>\n", f);
	}
	fputs("<li><a href=\"#provenance\">provenance</a></li>\n</ul></nav>\n", f);
	json_t *prov = json_array();
	int r = 0;
	for (size_t i = 0; i < nd && r == 0; i++)
		r = one_dir(f, dirs[i], tmpl, (int)i, prov, &err);
	provenance(f, prov);
	fputs(check_script, f);
	fputs("</body>\n</html>\n", f);
	fclose(f);
	if (r == 0 && cs_write_output_file(out, buf, len, &err) == 0) {
		printf("%s\n", out);
		rc = 0;
	} else if (r == -2) {
		rc = err.code; /* said by plot */
	} else {
		rc = cs_report_error(&err);
	}
	json_decref(prov);
	free(buf);
	cs_rm_rf(tmpl);
	free(dirs);
	return rc;
}
