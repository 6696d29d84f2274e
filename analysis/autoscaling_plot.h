/* analysis/autoscaling_plot — `clustersim plot` of runs with autoscaling
 * groups: each group's instances over time (timeseries.csv's
 * autoscaling.NAME.desired, .in_service and .booting, as steps) with its
 * cpu utilization (autoscaling.NAME.cpu_util: allocated over in-service
 * capacity) on the right-hand axis, one panel per results directory,
 * stacked: the capacity a policy bought and how full it kept it. */
#ifndef CS_AUTOSCALING_PLOT_H
#define CS_AUTOSCALING_PLOT_H
#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

/* Append the figure for dirs[0..n) to *script, written to out, its data
 * files in tmp; *drawn false (and nothing appended) when no dir has a
 * group.  -1 with err set on a bad timeseries.csv. */
int cs_autoscaling_script(char **script, const char *const *dirs, size_t n, const char *tmp, const char *out,
			  bool *drawn, struct cs_error *err);

#endif
