/* workloads/dist — see dist.h. */
#include "workloads/dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sim/alloc.h"

static int scalar(const struct cs_cfg *cfg, const json_t *v, const char *path,
		  enum cs_dist_unit unit, double *out)
{
	switch (unit) {
	case CS_UNIT_SECONDS:
		return cs_cfg_value_seconds(cfg, v, path, out);
	case CS_UNIT_MIB:
		return cs_cfg_value_mib(cfg, v, path, out);
	case CS_UNIT_COUNT:
	case CS_UNIT_CORES:
		break;
	}
	if (!json_is_number(v))
		return cs_error_input(cfg->err, cfg->file, path, "expected a number or a distribution object");
	*out = json_number_value(v);
	return 0;
}

/* The largest value of a unit the model represents (sim/units.h). */
static double unit_max(enum cs_dist_unit unit)
{
	switch (unit) {
	case CS_UNIT_SECONDS:
		return CS_MAX_SECONDS;
	case CS_UNIT_MIB:
		return CS_MAX_MIB;
	case CS_UNIT_CORES:
		return CS_MAX_CORES;
	case CS_UNIT_COUNT:
		break;
	}
	return 9007199254740992.0;
}

static const char *unit_name(enum cs_dist_unit unit)
{
	return unit == CS_UNIT_SECONDS ? "s" : unit == CS_UNIT_MIB ? "MiB" : unit == CS_UNIT_CORES ? "cores" : "";
}

/* A value in the unit's range: at most its largest, and a positive
 * value not below the resolution (1 µs, 1e-6 of a core or a MiB). */
static int in_range(const struct cs_cfg *cfg, const char *p, double x, enum cs_dist_unit unit)
{
	if (unit == CS_UNIT_SECONDS)
		return cs_check_seconds(cfg, p, x, 0);
	if (unit == CS_UNIT_MIB || unit == CS_UNIT_CORES)
		return cs_check_qty(cfg, p, x, false, unit == CS_UNIT_MIB ? CS_QTY_MEM : CS_QTY_CPU);
	if (x > unit_max(unit))
		return cs_error_input(cfg->err, cfg->file, p, "beyond the model's range: at most 2^53 (got %.15g)", x);
	return 0;
}

/* A parameter of the distribution object; scaled parameters take units
 * and the unit's range. */
static int param(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		 enum cs_dist_unit unit, bool scaled, unsigned flags, double *out)
{
	char p[512];
	cs_path_key(p, sizeof p, path, key);
	json_t *v = json_object_get(obj, key);
	if (!v)
		return cs_error_input(cfg->err, cfg->file, p, "missing");
	if (scalar(cfg, v, p, scaled ? unit : CS_UNIT_COUNT, out) < 0)
		return -1;
	if (!isfinite(*out))
		return cs_error_input(cfg->err, cfg->file, p, "not a finite number");
	if ((flags & CS_CFG_POSITIVE) && *out <= 0)
		return cs_error_input(cfg->err, cfg->file, p, "must be positive (got %.15g)", *out);
	if ((flags & CS_CFG_NONNEG) && *out < 0)
		return cs_error_input(cfg->err, cfg->file, p, "must not be negative (got %.15g)", *out);
	if (scaled && in_range(cfg, p, fabs(*out), unit) < 0)
		return -1;
	return 0;
}

/* The distribution's mean must be a number the unit can hold (a Weibull
 * shape of 0.005 has a mean of 10^374 times its scale; a lognormal with
 * a large sigma overflows): a pareto's infinite mean (shape <= 1) is
 * allowed, its samples are finite. */
static int check_mean(const struct cs_cfg *cfg, const char *path, enum cs_dist_unit unit, const struct cs_dist *d)
{
	double m = cs_dist_mean(d);
	if (d->kind == CS_DIST_PARETO && d->b <= 1)
		return 0;
	if (isnan(m) || m > unit_max(unit))
		return cs_error_input(cfg->err, cfg->file, path,
				      "the distribution's mean, %.6g %s, is beyond the model's range (at most %g %s): "
				      "its parameters are out of proportion", m, unit_name(unit), unit_max(unit),
				      unit_name(unit));
	return 0;
}

static int parse_object(const struct cs_cfg *cfg, json_t *v, const char *path, enum cs_dist_unit unit,
			int default_sched, struct cs_dist *out);

static const char *const dist_names[] = {"const", "exp", "uniform", "lognormal", "pareto",
					 "weibull", "normal", "empirical", NULL};

int cs_dist_parse(const struct cs_cfg *cfg, json_t *v, const char *path, enum cs_dist_unit unit,
		  int default_sched, struct cs_dist *out)
{
	memset(out, 0, sizeof *out);
	if (!json_is_object(v)) {
		out->kind = CS_DIST_CONST;
		if (scalar(cfg, v, path, unit, &out->a) < 0)
			return -1;
		if (!isfinite(out->a) || out->a < 0)
			return cs_error_input(cfg->err, cfg->file, path, "must be a finite number >= 0 (got %.15g)", out->a);
		return in_range(cfg, path, out->a, unit);
	}
	if (parse_object(cfg, v, path, unit, default_sched, out) < 0)
		return -1;
	return check_mean(cfg, path, unit, out);
}

static int parse_object(const struct cs_cfg *cfg, json_t *v, const char *path, enum cs_dist_unit unit,
			int default_sched, struct cs_dist *out)
{
	int kind;
	if (cs_cfg_enum(cfg, v, path, "dist", NULL, dist_names, &kind) < 0)
		return -1;
	out->kind = (enum cs_dist_kind)kind;
	static const char *const k_const[] = {"dist", "value", NULL};
	static const char *const k_exp[] = {"dist", "mean", NULL};
	static const char *const k_uni[] = {"dist", "min", "max", NULL};
	static const char *const k_logn[] = {"dist", "mu", "sigma", NULL};
	static const char *const k_shape[] = {"dist", "scale", "shape", NULL};
	static const char *const k_norm[] = {"dist", "mean", "sd", NULL};
	static const char *const k_emp[] = {"dist", "file", "format", "sched", "scale", NULL};
	const unsigned POS = CS_CFG_POSITIVE, NN = CS_CFG_NONNEG;
	switch (out->kind) {
	case CS_DIST_CONST:
		return cs_cfg_keys(cfg, v, path, k_const) < 0 ? -1
			: param(cfg, v, path, "value", unit, true, NN, &out->a);
	case CS_DIST_EXP:
		return cs_cfg_keys(cfg, v, path, k_exp) < 0 ? -1
			: param(cfg, v, path, "mean", unit, true, POS, &out->a);
	case CS_DIST_UNIFORM:
		if (cs_cfg_keys(cfg, v, path, k_uni) < 0 ||
		    param(cfg, v, path, "min", unit, true, NN, &out->a) < 0 ||
		    param(cfg, v, path, "max", unit, true, NN, &out->b) < 0)
			return -1;
		if (out->b < out->a) {
			char p[512];
			return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, "max"),
					      "must be >= min");
		}
		return 0;
	case CS_DIST_LOGNORMAL:
		return cs_cfg_keys(cfg, v, path, k_logn) < 0 ||
		       param(cfg, v, path, "mu", unit, false, 0, &out->a) < 0 ||
		       param(cfg, v, path, "sigma", unit, false, NN, &out->b) < 0 ? -1 : 0;
	case CS_DIST_PARETO:
	case CS_DIST_WEIBULL:
		return cs_cfg_keys(cfg, v, path, k_shape) < 0 ||
		       param(cfg, v, path, "scale", unit, true, POS, &out->a) < 0 ||
		       param(cfg, v, path, "shape", unit, false, POS, &out->b) < 0 ? -1 : 0;
	case CS_DIST_NORMAL:
		return cs_cfg_keys(cfg, v, path, k_norm) < 0 ||
		       param(cfg, v, path, "mean", unit, true, 0, &out->a) < 0 ||
		       param(cfg, v, path, "sd", unit, true, NN, &out->b) < 0 ? -1 : 0;
	case CS_DIST_EMPIRICAL: {
		static const char *const formats[] = {"omega-cmb", "samples", "quantiles", "cdf", NULL};
		static const char *const scheds[] = {"batch", "service", NULL};
		const char *file;
		int format, sched = default_sched;
		double scale;
		if (cs_cfg_keys(cfg, v, path, k_emp) < 0 ||
		    cs_cfg_str(cfg, v, path, "file", NULL, CS_CFG_REQUIRED, &file) < 0)
			return -1;
		const char *def_format = strstr(file, "_cmb") ? "omega-cmb" : "samples";
		if (cs_cfg_enum(cfg, v, path, "format", def_format, formats, &format) < 0 ||
		    cs_cfg_enum(cfg, v, path, "sched", scheds[default_sched ? 1 : 0], scheds, &sched) < 0 ||
		    cs_cfg_num(cfg, v, path, "scale", 1.0, CS_CFG_POSITIVE, &scale) < 0)
			return -1;
		char fp[512];
		char *resolved = cs_cfg_input_file(cfg, cs_path_key(fp, sizeof fp, path, "file"), file);
		if (!resolved)
			return -1;
		out->emp = cs_empirical_load(resolved, file, (enum cs_empirical_format)format, sched,
					     scale, cfg->err);
		free(resolved);
		if (!out->emp)
			return -1;
		if (out->emp->x[0] < 0) {
			char p[512];
			cs_empirical_free(out->emp);
			out->emp = NULL;
			return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, "file"),
					      "%s: negative values", file);
		}
		return 0;
	}
	}
	return 0;
}

void cs_dist_release(struct cs_dist *d)
{
	cs_empirical_free(d->emp);
	d->emp = NULL;
}

double cs_dist_sample(const struct cs_dist *d, gsl_rng *rng)
{
	switch (d->kind) {
	case CS_DIST_CONST:
		return d->a;
	case CS_DIST_EXP:
		return gsl_ran_exponential(rng, d->a);
	case CS_DIST_UNIFORM:
		return d->a == d->b ? d->a : gsl_ran_flat(rng, d->a, d->b);
	case CS_DIST_LOGNORMAL:
		return gsl_ran_lognormal(rng, d->a, d->b);
	case CS_DIST_PARETO:
		return gsl_ran_pareto(rng, d->b, d->a);
	case CS_DIST_WEIBULL:
		return gsl_ran_weibull(rng, d->a, d->b);
	case CS_DIST_NORMAL:
		for (int i = 0; i < 1000; i++) {
			double x = d->a + gsl_ran_gaussian_ziggurat(rng, d->b);
			if (x >= 0)
				return x;
		}
		return 0;
	case CS_DIST_EMPIRICAL:
		return cs_empirical_quantile(d->emp, gsl_rng_uniform(rng));
	}
	return 0;
}

cs_time cs_dist_sample_time(const struct cs_dist *d, gsl_rng *rng)
{
	double x = cs_dist_sample(d, rng);
	if (!(x <= CS_MAX_SECONDS)) /* NaN too */
		x = CS_MAX_SECONDS;
	cs_time t = cs_time_from_seconds(x);
	return t > 0 ? t : 1;
}

double cs_dist_mean(const struct cs_dist *d)
{
	switch (d->kind) {
	case CS_DIST_CONST: return d->a;
	case CS_DIST_EXP: return d->a;
	case CS_DIST_UNIFORM: return (d->a + d->b) / 2;
	case CS_DIST_LOGNORMAL: return exp(d->a + d->b * d->b / 2);
	case CS_DIST_PARETO: return d->b > 1 ? d->b * d->a / (d->b - 1) : (double)INFINITY;
	/* lgamma, not GSL's gamma: an overflow is infinity, never GSL's
	 * abort handler */
	case CS_DIST_WEIBULL: return d->a * exp(lgamma(1 + 1 / d->b));
	case CS_DIST_NORMAL: return d->a; /* ignoring the truncation at 0 */
	case CS_DIST_EMPIRICAL: return cs_empirical_mean(d->emp);
	}
	return (double)NAN;
}

double cs_dist_variance(const struct cs_dist *d)
{
	switch (d->kind) {
	case CS_DIST_CONST: return 0;
	case CS_DIST_EXP: return d->a * d->a;
	case CS_DIST_UNIFORM: return (d->b - d->a) * (d->b - d->a) / 12;
	case CS_DIST_LOGNORMAL:
		return (exp(d->b * d->b) - 1) * exp(2 * d->a + d->b * d->b);
	case CS_DIST_PARETO:
		return d->b > 2 ? d->a * d->a * d->b / ((d->b - 1) * (d->b - 1) * (d->b - 2)) : (double)INFINITY;
	case CS_DIST_WEIBULL: {
		double g1 = exp(lgamma(1 + 1 / d->b)), g2 = exp(lgamma(1 + 2 / d->b));
		return d->a * d->a * (g2 - g1 * g1);
	}
	case CS_DIST_NORMAL: return d->b * d->b;
	case CS_DIST_EMPIRICAL: return cs_empirical_variance(d->emp);
	}
	return (double)NAN;
}
