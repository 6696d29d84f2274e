/* analysis/autoscaling_plot — see autoscaling_plot.h. */
#include "analysis/autoscaling_plot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/gnuplot.h"
#include "sim/alloc.h"

/* The group of an autoscaling.NAME.desired column (a new string), or NULL. */
static char *group_of(const char *c)
{
	size_t n = strlen(c);
	if (strncmp(c, "autoscaling.", 12) != 0 || n <= 12 + 8 || strcmp(c + n - 8, ".desired") != 0)
		return NULL;
	char *g = cs_xstrdup(c + 12);
	g[strlen(g) - 8] = '\0';
	return g;
}

/* The lines of one group: desired, in service, booting, and cpu_util on
 * the right-hand axis. */
static void group_lines(char **script, char **head, size_t n, const char *g, const char *qd, double secs, bool *first)
{
	static const struct {
		const char *col, *what, *style;
	} lines[] = {{"desired", "desired", "steps lw 2"},
		     {"in_service", "in service", "steps lw 1"},
		     {"booting", "booting", "steps lw 1 dt 2"},
		     {"cpu_util", "cpu utilization", "lines lw 1 dt 3 axes x1y2"}};
	char *qg = cs_gnuplot_quote(g);
	for (size_t k = 0; k < sizeof lines / sizeof *lines; k++) {
		char *col = cs_xasprintf("autoscaling.%s.%s", g, lines[k].col);
		size_t c = cs_column_index(head, n, col);
		free(col);
		if (!c)
			continue;
		cs_str_append(script, "%s'%s' using ($1/%g):%zu with %s title '%s %s'", *first ? "" : ", ", qd, secs, c,
			      lines[k].style, qg, lines[k].what);
		*first = false;
	}
	free(qg);
}

/* One panel; *has false when dir has no group. */
static int panel(char **script, const char *dir, const char *dat, bool *has, struct cs_error *err)
{
	char **head;
	size_t n;
	if (cs_timeseries_to_dat(dir, dat, &head, &n, err) < 0)
		return -1;
	*has = false;
	for (size_t c = 0; c < n && !*has; c++) {
		char *g = group_of(head[c]);
		*has = g != NULL;
		free(g);
	}
	if (!*has) {
		cs_free_strings(head, n);
		return 0;
	}
	struct cs_time_unit u = cs_time_unit_for(cs_dat_max_x(dat));
	const char *label = strrchr(dir, '/');
	char *ql = cs_gnuplot_quote(label && label[1] ? label + 1 : dir), *qd = cs_gnuplot_quote(dat);
	cs_str_append(script, "set title '%s: autoscaling groups'\nset key below\nset xlabel 'simulated time (%s)'\n"
			      "set ylabel 'instances'\nset y2label 'cpu utilization (fraction of in-service capacity)'\n"
			      "set y2tics\nset y2range [0:1.05]\nset xrange [0:*]\nset yrange [0:*]\nset offsets 0, 0, 0.5, 0\nplot ",
		      ql, u.name);
	bool first = true;
	for (size_t c = 0; c < n; c++) {
		char *g = group_of(head[c]);
		if (g)
			group_lines(script, head, n, g, qd, u.seconds, &first);
		free(g);
	}
	cs_str_append(script, "\n");
	free(ql);
	free(qd);
	cs_free_strings(head, n);
	return 0;
}

int cs_autoscaling_script(char **script, const char *const *dirs, size_t n, const char *tmp, const char *out,
			  bool *drawn, struct cs_error *err)
{
	return cs_panels_script(script, dirs, n, tmp, "autoscaling", panel, 360, "", out, drawn, err);
}
