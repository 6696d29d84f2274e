/* analysis/stats — the statistics of replications: a sample's summary
 * (mean, sample standard deviation, Student-t 95% confidence interval of
 * the mean, median, median absolute deviation) and Welch's t-test of two
 * samples' means.  Conventions (docs/results.md#replications):
 *  - sd divides by n - 1; with n < 2 it is undefined (NaN here, null in
 *    JSON), and so is the interval;
 *  - ci95 = mean -/+ t(0.975, n - 1) * sd / sqrt(n) (GSL's t quantile);
 *  - median of an even count: the mean of the two middle values;
 *  - mad = median of |x - median|, unscaled (multiply by 1.4826 for a
 *    normal sd estimate);
 *  - values are summed in the order given, so the same replications give
 *    the same bits.
 * Welch: t = (m2 - m1) / sqrt(s1^2/n1 + s2^2/n2), degrees of freedom by
 * Welch-Satterthwaite, two-sided p.  Both variances 0: p = 0 if the means
 * differ, 1 if not. */
#ifndef CS_STATS_H
#define CS_STATS_H
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct cs_stats {
	double mean, sd, ci_lo, ci_hi, median, mad; /* NaN where undefined */
	size_t n;
};

/* The summary of x[0..n-1] (n >= 1); x is not modified. */
void cs_stats_of(const double *x, size_t n, struct cs_stats *s);
/* {"mean", "sd", "ci95": [lo, hi], "median", "mad", "n"}: NaN as null. */
json_t *cs_stats_json(const struct cs_stats *s);
/* Whether v is such an object (its exact key set); fills s if so. */
bool cs_stats_from_json(const json_t *v, struct cs_stats *s);
/* Welch's two-sided p-value for a difference of the means; both n >= 2. */
double cs_welch_p(const struct cs_stats *a, const struct cs_stats *b);

#endif
