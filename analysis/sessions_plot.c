/* analysis/sessions_plot — see sessions_plot.h. */
#include "analysis/sessions_plot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/gnuplot.h"
#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/error.h"

static bool read_header(const char *dir, char *header, size_t size)
{
	char *ts = cs_xasprintf("%s/timeseries.csv", dir);
	FILE *f = fopen(ts, "r");
	free(ts);
	if (!f)
		return false;
	bool ok = fgets(header, (int)size, f) != NULL;
	fclose(f);
	return ok;
}

bool cs_is_balancing_dir(const char *dir)
{
	char header[4096];
	return read_header(dir, header, sizeof header) && strncmp(header, "time,connected,ghost_sessions", 29) == 0;
}

int cs_plot_sessions(const char *const *dirs, size_t n, const char *png)
{
	struct cs_error err = {0};
	char *script = NULL, *q = cs_gnuplot_quote(png);
	cs_str_append(&script,
		      "set terminal pngcairo size 1100,%zu noenhanced\nset output '%s'\nset datafile separator ','\n"
		      "set key outside right top box\nset grid\nset multiplot layout %zu,1\n",
		      (size_t)350 * n + 50, q, n);
	free(q);
	for (size_t i = 0; i < n; i++) {
		char header[4096];
		if (!read_header(dirs[i], header, sizeof header) || strncmp(header, "time,connected,ghost_sessions", 29) != 0) {
			cs_error_input(&err, dirs[i], "timeseries.csv", "not a balancing run's results");
			free(script);
			return cs_report_error(&err);
		}
		char *ts = cs_xasprintf("%s/timeseries.csv", dirs[i]), *qt = cs_gnuplot_quote(ts);
		const char *label = strrchr(dirs[i], '/');
		char *ql = cs_gnuplot_quote(label && label[1] ? label + 1 : dirs[i]);
		cs_str_append(&script, "set title '%s'\nset xlabel 'time (minutes)'\nset ylabel 'sessions'\nplot ", ql);
		/* columns 4.. are sessions_<server> */
		int col = 1;
		char *h = header, *tok;
		bool first = true;
		while ((tok = strsep(&h, ",\n")) != NULL) {
			if (strncmp(tok, "sessions_", 9) == 0) {
				char *qn = cs_gnuplot_quote(tok + 9);
				cs_str_append(&script, "%s'%s' every ::1 using ($1/60):%d with steps lw 2 title '%s'",
					      first ? "" : ", ", qt, col, qn);
				free(qn);
				first = false;
			}
			col++;
		}
		cs_str_append(&script, "%s'%s' every ::1 using ($1/60):3 with steps lw 1 dt 2 title 'ghost sessions'\n",
			      first ? "" : ", ", qt);
		free(ts);
		free(qt);
		free(ql);
	}
	cs_str_append(&script, "unset multiplot\n");
	int rc = cs_gnuplot_run(script, &err);
	free(script);
	return rc < 0 ? cs_report_error(&err) : 0;
}
