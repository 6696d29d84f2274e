/* workloads/dist — probability distributions of the experiment format.
 *
 * A distribution is a bare number or a unit string (a constant) or an
 * object {"dist": NAME, ...}:
 *   exp {mean}, uniform {min, max}, lognormal {mu, sigma}, pareto {scale,
 *   shape}, weibull {scale, shape}, normal {mean, sd} (truncated at 0 by
 *   resampling), empirical {file, format, sched, scale}.
 *
 * The quantity a distribution describes has a unit (seconds, MiB, count);
 * constants and scale-type parameters (mean, min, max, scale) may be unit
 * strings of that unit ("2GiB", "90s").  lognormal's mu is the mean of
 * ln(X) with X in the base unit.  Sampling uses GSL on the caller's RNG
 * stream.  Ownership: a dist owns its empirical table; cs_dist_release. */
#ifndef CS_DIST_H
#define CS_DIST_H
#include <gsl/gsl_rng.h>
#include <jansson.h>

#include "sim/config.h"
#include "workloads/empirical.h"

enum cs_dist_kind {
	CS_DIST_CONST,
	CS_DIST_EXP,
	CS_DIST_UNIFORM,
	CS_DIST_LOGNORMAL,
	CS_DIST_PARETO,
	CS_DIST_WEIBULL,
	CS_DIST_NORMAL,
	CS_DIST_EMPIRICAL,
};

enum cs_dist_unit { CS_UNIT_SECONDS, CS_UNIT_MIB, CS_UNIT_COUNT, CS_UNIT_CORES };

struct cs_dist {
	enum cs_dist_kind kind;
	double a, b;                 /* parameters, by kind */
	struct cs_empirical *emp;
};

/* Parse v (found at path) as a distribution of the given unit.
 * default_sched is the omega-cmb sched used when "sched" is absent. */
int cs_dist_parse(const struct cs_cfg *cfg, json_t *v, const char *path, enum cs_dist_unit unit,
		  int default_sched, struct cs_dist *out);
void cs_dist_release(struct cs_dist *d);
double cs_dist_sample(const struct cs_dist *d, gsl_rng *rng);
/* A sample of a distribution of seconds as a time: at least 1 µs and
 * at most CS_MAX_SECONDS (a heavy tail's rare huge draw is clamped, not
 * turned into "forever"). */
cs_time cs_dist_sample_time(const struct cs_dist *d, gsl_rng *rng);
/* Theoretical mean and variance (INFINITY where they do not exist). */
double cs_dist_mean(const struct cs_dist *d);
double cs_dist_variance(const struct cs_dist *d);
static inline struct cs_dist cs_dist_const(double x)
{
	struct cs_dist d = {CS_DIST_CONST, x, 0, NULL};
	return d;
}

#endif
