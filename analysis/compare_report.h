/* analysis/compare_report — compare's findings and their four renderings
 * (docs/compare.md#output): text (the default; the lines beyond
 * tolerance and a count), markdown (a table fit for a pull-request
 * comment), junit (JUnit XML, one <testcase> per metric compared, a
 * <failure> per regression) and json (every metric compared).
 * Ownership: the report owns its rows' strings (cs_cmp_report_release). */
#ifndef CS_COMPARE_REPORT_H
#define CS_COMPARE_REPORT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "analysis/metric_defs.h"
#include "analysis/stats.h"

enum cs_cmp_status {
	CS_CMP_SAME,            /* within tolerance */
	CS_CMP_REGRESSION,      /* worse beyond tolerance (and significant, when tested) */
	CS_CMP_NOT_SIGNIFICANT, /* worse beyond tolerance, but not significant */
	CS_CMP_IMPROVED,
	CS_CMP_CHANGED,         /* a neutral metric beyond tolerance, or null <-> value */
	CS_CMP_ONLY_BASE,       /* --allow-different: not in the result */
};

struct cs_cmp_row {
	char *point; /* a sweep point's label, or NULL */
	char *key;
	enum cs_direction direction;
	struct cs_stats base, result; /* n == 0: null; n == 1: one run */
	double pct;                   /* change, percent of |base mean| (±inf from 0) */
	double tolerance;             /* percent */
	double p;                     /* Welch's two-sided p, NaN when not tested */
	enum cs_cmp_status status;
};

struct cs_cmp_report {
	const char *base_dir, *result_dir;
	double alpha;
	struct cs_cmp_row *rows;
	size_t n, cap;
	int regressions, changes;
};

struct cs_cmp_row *cs_cmp_add(struct cs_cmp_report *r, const char *point, const char *key);
const char *cs_cmp_status_name(enum cs_cmp_status s);
/* Render to f (format: text, markdown, junit or json). */
void cs_cmp_render(const struct cs_cmp_report *r, const char *format, FILE *f);
void cs_cmp_report_release(struct cs_cmp_report *r);

#endif
