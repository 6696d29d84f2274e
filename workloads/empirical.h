/* workloads/empirical — empirical distributions read from files.
 *
 * Formats:
 *  - "omega-cmb": the Omega simulator's *_cmb.log sample files, lines
 *    `cluster policy sched value`, sched 0 = batch, 1 = service; the
 *    samples of one sched value form the distribution;
 *  - "samples": one value per line (the first number of the line);
 *  - "quantiles": lines `p value`, p rising from 0 to 1;
 *  - "cdf": lines `value p`, the cumulative probability rising to 1.
 * Lines starting with '#' and blank lines are skipped.
 *
 * Sampling draws u ~ U[0,1) and interpolates the quantile function
 * linearly: for n sorted samples v_0..v_{n-1}, x = v_i + f (v_{i+1} - v_i)
 * with u (n-1) = i + f.  (The Omega simulator computes v_i + f (v_i +
 * v_{i+1}), a bug that inflates samples; docs/model.md.)  A quantile table
 * is interpolated the same way between its points.
 *
 * Ownership: cs_empirical_load returns a table the caller frees with
 * cs_empirical_free. */
#ifndef CS_EMPIRICAL_H
#define CS_EMPIRICAL_H
#include <stddef.h>

#include "sim/error.h"

enum cs_empirical_format {
	CS_EMP_OMEGA_CMB,
	CS_EMP_SAMPLES,
	CS_EMP_QUANTILES,
	CS_EMP_CDF,
};

struct cs_empirical {
	size_t n;
	double *p; /* cumulative probabilities, p[0] = 0, p[n-1] = 1, rising */
	double *x; /* values at those probabilities, non-decreasing */
};

/* Load `path` (shown as `shown` in messages) in `format`; for omega-cmb,
 * keep the lines whose sched field equals `sched` (0 batch, 1 service).
 * Values are multiplied by scale. */
struct cs_empirical *cs_empirical_load(const char *path, const char *shown,
				       enum cs_empirical_format format, int sched,
				       double scale, struct cs_error *err);
void cs_empirical_free(struct cs_empirical *e);
/* The quantile function at u in [0,1]. */
double cs_empirical_quantile(const struct cs_empirical *e, double u);
/* Exact mean and variance of the piecewise-linear quantile function. */
double cs_empirical_mean(const struct cs_empirical *e);
double cs_empirical_variance(const struct cs_empirical *e);

#endif
