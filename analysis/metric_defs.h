/* analysis/metric_defs — the one table of what the metrics mean to the
 * tools that read them: for each metric (a flattened summary key, such as
 * "wait_scheduled.p90" or "schedulers.batch.busy"), whether higher is
 * better, worse or neither (compare's direction), compare's default
 * tolerance, and the unit and name shown on a figure's axis.
 * Rows are glob patterns (fnmatch, '*' also matching '.'), the first
 * matching row wins, and the last row matches everything.
 * docs/compare.md lists the table; keep the two in step. */
#ifndef CS_METRIC_DEFS_H
#define CS_METRIC_DEFS_H

enum cs_direction { CS_LOWER_IS_BETTER, CS_HIGHER_IS_BETTER, CS_NEUTRAL };

struct cs_metric_def {
	const char *pattern;
	enum cs_direction direction;
	double tolerance_pct; /* compare's default */
	const char *unit;     /* "s", "fraction of time", ... or "" */
	const char *name;     /* for an axis: "wait until fully placed" */
};

const struct cs_metric_def *cs_metric_def(const char *key);
const char *cs_direction_name(enum cs_direction d);
/* An axis label for key: "NAME (UNIT)" from the table (the key itself
 * where the table has no name), a new string. */
char *cs_metric_axis_label(const char *key);

#endif
