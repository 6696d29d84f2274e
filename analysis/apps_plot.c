/* analysis/apps_plot — see apps_plot.h. */
#include "analysis/apps_plot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/gnuplot.h"
#include "sim/alloc.h"

static bool is_app_column(const char *c)
{
	size_t n = strlen(c);
	return strncmp(c, "app.", 4) == 0 && n > 12 && strcmp(c + n - 8, ".running") == 0;
}

/* One panel; false when dir has no app column. */
static int panel(char **script, const char *dir, const char *dat, bool *has, struct cs_error *err)
{
	char **head;
	size_t n;
	if (cs_timeseries_to_dat(dir, dat, &head, &n, err) < 0)
		return -1;
	*has = false;
	for (size_t c = 0; c < n && !*has; c++)
		*has = is_app_column(head[c]);
	if (!*has) {
		cs_free_strings(head, n);
		return 0;
	}
	size_t down = cs_column_index(head, n, "machines_down");
	struct cs_time_unit u = cs_time_unit_for(cs_dat_max_x(dat));
	const char *label = strrchr(dir, '/');
	char *ql = cs_gnuplot_quote(label && label[1] ? label + 1 : dir), *qd = cs_gnuplot_quote(dat);
	cs_str_append(script, "set title '%s: instances running'\nset key below\nset xlabel 'simulated time (%s)'\n"
			      "set ylabel 'running instances'\n"
			      "set xrange [0:*]\nset yrange [0:*]\nset offsets 0, 0, 0.5, 0\n%s\nplot ",
		      ql, u.name, down ? "set y2label 'machines down'\nset y2tics\nset y2range [0:*]" : "unset y2tics\nunset y2label");
	bool first = true;
	for (size_t c = 0; c < n; c++) {
		if (!is_app_column(head[c]))
			continue;
		char *name = cs_xstrdup(head[c] + 4);
		name[strlen(name) - 8] = '\0';
		char *qn = cs_gnuplot_quote(name);
		cs_str_append(script, "%s'%s' using ($1/%g):%zu with steps lw 2 title '%s'", first ? "" : ", ", qd, u.seconds,
			      c + 1, qn);
		first = false;
		free(qn);
		free(name);
	}
	if (down)
		cs_str_append(script,
			      ", '%s' using ($1/%g):%zu axes x1y2 with fillsteps fs transparent solid 0.15 noborder "
			      "lc 'gray30' title 'machines down'",
			      qd, u.seconds, down);
	cs_str_append(script, "\n");
	free(ql);
	free(qd);
	cs_free_strings(head, n);
	return 0;
}

int cs_apps_script(char **script, const char *const *dirs, size_t n, const char *tmp, const char *out, bool *drawn,
		   struct cs_error *err)
{
	return cs_panels_script(script, dirs, n, tmp, "apps", panel, 330, "set key outside right top box\n", out, drawn, err);
}
