/* analysis/apps_plot — `clustersim plot` of runs with apps: the running
 * instances of each app over time (timeseries.csv's app.NAME.running
 * columns), one panel per results directory, stacked, with the machines
 * down (machines_down, when the run had failures) on the right-hand axis,
 * so that each system's losses and restores line up with the failures
 * that caused them. */
#ifndef CS_APPS_PLOT_H
#define CS_APPS_PLOT_H
#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

/* Append the figure for dirs[0..n) to *script, written to out, its data
 * files in tmp; *drawn false (and nothing appended) when no dir has app
 * columns.  -1 with err set on a bad timeseries.csv. */
int cs_apps_script(char **script, const char *const *dirs, size_t n, const char *tmp, const char *out, bool *drawn,
		   struct cs_error *err);

#endif
