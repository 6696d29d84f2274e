/* analysis/sessions_plot — see sessions_plot.h. */
#include "analysis/sessions_plot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/gnuplot.h"
#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/csv.h"
#include "sim/error.h"
#include "sim/outdir.h"

static const char balancing_header[] = "time,connected,ghost_sessions";

bool cs_is_balancing_dir(const char *dir)
{
	char *ts = cs_xasprintf("%s/timeseries.csv", dir);
	FILE *f = fopen(ts, "r");
	free(ts);
	if (!f)
		return false;
	char header[sizeof balancing_header];
	bool ok = fgets(header, sizeof header, f) && strcmp(header, balancing_header) == 0;
	fclose(f);
	return ok;
}

/* One panel: every sessions_<server> column, and the ghosts dashed. */
static int panel(char **script, const char *dir, const char *dat, struct cs_error *err)
{
	char **head;
	size_t n;
	if (cs_timeseries_to_dat(dir, dat, &head, &n, err) < 0)
		return -1;
	if (n < 3 || cs_column_index(head, n, "ghost_sessions") != 3) {
		cs_free_strings(head, n);
		return cs_error_input(err, dir, "timeseries.csv", "not a balancing run's results");
	}
	const char *label = strrchr(dir, '/');
	char *ql = cs_gnuplot_quote(label && label[1] ? label + 1 : dir), *qd = cs_gnuplot_quote(dat);
	cs_str_append(script, "set title '%s'\nset xlabel 'time (minutes)'\nset ylabel 'sessions'\nplot ", ql);
	for (size_t c = 0; c < n; c++) {
		if (strncmp(head[c], "sessions_", 9) != 0)
			continue;
		char *qn = cs_gnuplot_quote(head[c] + 9);
		cs_str_append(script, "'%s' using ($1/60):%zu with steps lw 2 title '%s', ", qd, c + 1, qn);
		free(qn);
	}
	cs_str_append(script, "'%s' using ($1/60):3 with steps lw 1 dt 2 title 'ghost sessions'\n", qd);
	free(ql);
	free(qd);
	cs_free_strings(head, n);
	return 0;
}

int cs_plot_sessions(const char *const *dirs, size_t n, const char *png)
{
	struct cs_error err = {0};
	char *script = NULL;
	char tmpl[] = "/tmp/clustersim-sessions-XXXXXX";
	if (!mkdtemp(tmpl)) {
		cs_error_set(&err, CS_EXIT_INTERNAL, "cannot make a temporary directory: %s", strerror(errno));
		return cs_report_error(&err);
	}
	int rc = cs_gnuplot_output(&script, png, 1100, (int)(350 * n + 50), &err);
	if (rc == 0)
		cs_str_append(&script, "set key outside right top box\nset grid\nset multiplot layout %zu,1\n", n);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *dat = cs_xasprintf("%s/%zu.dat", tmpl, i);
		rc = panel(&script, dirs[i], dat, &err);
		free(dat);
	}
	if (rc == 0) {
		cs_str_append(&script, "unset multiplot\n");
		rc = cs_gnuplot_run(script, &err);
	}
	if (rc == 0)
		printf("%s\n", png);
	cs_rm_rf(tmpl);
	free(script);
	return rc < 0 ? cs_report_error(&err) : 0;
}
