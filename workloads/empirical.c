/* workloads/empirical — see empirical.h. */
#include "workloads/empirical.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "workloads/lines.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Parse up to max whitespace-separated numbers (or words, for cmb's
 * first two fields) of a line. */
static int split(char *line, char **fields, int max)
{
	int n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(line, " \t\r\n", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		fields[n++] = tok;
	return n;
}

static bool number(const char *s, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(s, &end);
	return end != s && *end == '\0' && errno == 0 && isfinite(*out);
}

struct cs_empirical *cs_empirical_load(const char *path, const char *shown,
				       enum cs_empirical_format format, int sched,
				       double scale, struct cs_error *err)
{
	/* the project's line reader: a NUL byte, an over-long line or a
	 * truncated gzip stream is an error naming the line, never a line
	 * cut short in silence */
	struct cs_lines lines;
	if (cs_lines_open(&lines, path, err) < 0)
		return NULL;
	struct cs_lines *f = &lines;
	double *a = NULL, *b = NULL;
	size_t n = 0, cap = 0, capb = 0;
	char *line;
	int got;
	while ((got = cs_lines_next(f, &line, err)) > 0) {
		char where[32];
		snprintf(where, sizeof where, "line %llu", (unsigned long long)f->lineno);
		char *fields[8];
		int nf = split(line, fields, 8);
		if (nf == 0 || fields[0][0] == '#')
			continue;
		double v = 0, w = 0;
		switch (format) {
		case CS_EMP_OMEGA_CMB: {
			double s;
			if (nf != 4 || !number(fields[2], &s) || !number(fields[3], &v)) {
				cs_error_input(err, shown, where,
					       "expected `cluster policy sched value` (4 fields, numbers last)");
				goto fail;
			}
			if (s != sched)
				continue;
			break;
		}
		case CS_EMP_SAMPLES:
			if (!number(fields[0], &v)) {
				cs_error_input(err, shown, where, "not a number: \"%s\"", fields[0]);
				goto fail;
			}
			break;
		case CS_EMP_QUANTILES:
		case CS_EMP_CDF:
			if (nf < 2 || !number(fields[0], &v) || !number(fields[1], &w)) {
				cs_error_input(err, shown, where, "expected two numbers");
				goto fail;
			}
			if (format == CS_EMP_QUANTILES) {
				double t = v;
				v = w;
				w = t;
			}
			/* now v = value, w = cumulative probability */
			if (w < 0 || w > 1 || (n > 0 && (w < b[n - 1] || v < a[n - 1]))) {
				cs_error_input(err, shown, where,
					       "probabilities must rise from 0 to 1 with non-decreasing values");
				goto fail;
			}
			CS_GROW(b, capb, n + 1);
			b[n] = w;
			break;
		}
		if (!(fabs(v * scale) <= 1e15)) {
			cs_error_input(err, shown, where, "a value beyond the model's range (at most 1e15; got %.15g)",
				       v * scale);
			goto fail;
		}
		CS_GROW(a, cap, n + 1);
		a[n++] = v * scale;
	}
	if (got < 0)
		goto fail;
	cs_lines_close(f);
	f = NULL;
	if (n == 0) {
		if (format == CS_EMP_OMEGA_CMB)
			cs_error_input(err, shown, NULL, "no samples for sched %d (%s)", sched,
				       sched ? "service" : "batch");
		else
			cs_error_input(err, shown, NULL, "no values");
		goto fail;
	}
	struct cs_empirical *e = cs_xcalloc(1, sizeof *e);
	e->x = a;
	if (format == CS_EMP_OMEGA_CMB || format == CS_EMP_SAMPLES) {
		qsort(a, n, sizeof *a, cmp_double);
		e->p = cs_xmalloc(n * sizeof *e->p);
		for (size_t i = 0; i < n; i++)
			e->p[i] = n == 1 ? 1.0 : (double)i / (double)(n - 1);
		free(b);
	} else {
		if (b[0] != 0 || b[n - 1] != 1) {
			cs_error_input(err, shown, NULL,
				       "the table must start at probability 0 and end at 1");
			free(e);
			goto fail;
		}
		e->p = b;
	}
	e->n = n;
	return e;
fail:
	if (f)
		cs_lines_close(f);
	free(a);
	free(b);
	return NULL;
}

void cs_empirical_free(struct cs_empirical *e)
{
	if (!e)
		return;
	free(e->p);
	free(e->x);
	free(e);
}

double cs_empirical_quantile(const struct cs_empirical *e, double u)
{
	if (e->n == 1 || u <= 0)
		return e->x[0];
	if (u >= 1)
		return e->x[e->n - 1];
	/* first index with p > u; the segment is [i-1, i] */
	size_t lo = 0, hi = e->n - 1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->p[mid] <= u)
			lo = mid;
		else
			hi = mid;
	}
	double dp = e->p[hi] - e->p[lo];
	if (dp <= 0)
		return e->x[hi];
	double f = (u - e->p[lo]) / dp;
	return e->x[lo] + f * (e->x[hi] - e->x[lo]);
}

/* On each segment the quantile function is linear from a to b over a
 * probability width w: its contribution to E[X] is w (a+b)/2 and to E[X^2]
 * w (a^2 + ab + b^2)/3. */
double cs_empirical_mean(const struct cs_empirical *e)
{
	if (e->n == 1)
		return e->x[0];
	double m = 0;
	for (size_t i = 1; i < e->n; i++)
		m += (e->p[i] - e->p[i - 1]) * (e->x[i - 1] + e->x[i]) / 2;
	return m;
}

double cs_empirical_variance(const struct cs_empirical *e)
{
	if (e->n == 1)
		return 0;
	double m2 = 0;
	for (size_t i = 1; i < e->n; i++) {
		double a = e->x[i - 1], b = e->x[i];
		m2 += (e->p[i] - e->p[i - 1]) * (a * a + a * b + b * b) / 3;
	}
	double m = cs_empirical_mean(e);
	return m2 - m * m;
}
