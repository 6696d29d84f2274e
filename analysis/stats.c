/* analysis/stats — see stats.h. */
#include "analysis/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "sim/alloc.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The median of sorted v[0..n-1]. */
static double median_sorted(const double *v, size_t n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void cs_stats_of(const double *x, size_t n, struct cs_stats *s)
{
	s->n = n;
	s->mean = s->sd = s->ci_lo = s->ci_hi = s->median = s->mad = (double)NAN;
	if (n == 0)
		return;
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	s->mean = sum / (double)n;
	if (n >= 2) {
		double ss = 0;
		for (size_t i = 0; i < n; i++)
			ss += (x[i] - s->mean) * (x[i] - s->mean);
		s->sd = sqrt(ss / (double)(n - 1));
		double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * s->sd / sqrt((double)n);
		s->ci_lo = s->mean - half;
		s->ci_hi = s->mean + half;
	}
	double *v = cs_xcalloc(n, sizeof *v);
	memcpy(v, x, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_double);
	s->median = median_sorted(v, n);
	for (size_t i = 0; i < n; i++)
		v[i] = fabs(v[i] - s->median);
	qsort(v, n, sizeof *v, cmp_double);
	s->mad = median_sorted(v, n);
	free(v);
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *cs_stats_json(const struct cs_stats *s)
{
	json_t *ci = isfinite(s->ci_lo) ? json_pack("[o, o]", num(s->ci_lo), num(s->ci_hi)) : json_null();
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:I}", "mean", num(s->mean), "sd", num(s->sd), "ci95", ci,
			 "median", num(s->median), "mad", num(s->mad), "n", (json_int_t)s->n);
}

static double get(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : (double)NAN;
}

/* A number, or null where allowed. */
static bool num_or_null(const json_t *v, bool null_ok)
{
	return json_is_number(v) ? isfinite(json_number_value(v)) : null_ok && json_is_null(v);
}

bool cs_stats_from_json(const json_t *v, struct cs_stats *s)
{
	static const char *const keys[] = {"mean", "sd", "ci95", "median", "mad", "n"};
	if (!json_is_object(v) || json_object_size(v) != 6)
		return false;
	for (size_t i = 0; i < 6; i++)
		if (!json_object_get(v, keys[i]))
			return false;
	const json_t *n = json_object_get(v, "n"), *ci = json_object_get(v, "ci95");
	if (!json_is_integer(n) || json_integer_value(n) < 0)
		return false;
	/* with values (n > 0) the mean and median are numbers; sd, mad and
	 * the interval may be null (n = 1) */
	bool empty = json_integer_value(n) == 0;
	if (!num_or_null(json_object_get(v, "mean"), empty) || !num_or_null(json_object_get(v, "median"), empty) ||
	    !num_or_null(json_object_get(v, "sd"), true) || !num_or_null(json_object_get(v, "mad"), true) ||
	    !(json_is_null(ci) || (json_array_size(ci) == 2 && num_or_null(json_array_get(ci, 0), false) &&
				   num_or_null(json_array_get(ci, 1), false))))
		return false;
	s->mean = get(v, "mean");
	s->sd = get(v, "sd");
	s->median = get(v, "median");
	s->mad = get(v, "mad");
	s->ci_lo = json_is_array(ci) ? json_number_value(json_array_get(ci, 0)) : (double)NAN;
	s->ci_hi = json_is_array(ci) ? json_number_value(json_array_get(ci, 1)) : (double)NAN;
	s->n = (size_t)json_integer_value(n);
	return true;
}

double cs_welch_p(const struct cs_stats *a, const struct cs_stats *b)
{
	double va = a->sd * a->sd / (double)a->n, vb = b->sd * b->sd / (double)b->n;
	double diff = b->mean - a->mean;
	if (!(va + vb > 0))
		return diff == 0 ? 1.0 : 0.0;
	double t = diff / sqrt(va + vb);
	double df = (va + vb) * (va + vb) /
		    (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
	return 2 * gsl_cdf_tdist_Q(fabs(t), df);
}
