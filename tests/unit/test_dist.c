/* Distributions: every kind's sample mean and variance against theory,
 * and the empirical quantile interpolation (without the Omega simulator's
 * bug). */
#include <math.h>

#include "testutil.h"

#include "sim/rng.h"
#include "workloads/dist.h"

static struct cs_error err;
static const struct cs_cfg cfg = {"test.json", ".", &err};

static struct cs_dist parse(const char *text, enum cs_dist_unit unit)
{
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
	assert_non_null(v);
	struct cs_dist d;
	memset(&err, 0, sizeof err);
	int r = cs_dist_parse(&cfg, v, "x", unit, 0, &d);
	if (r < 0)
		print_error("%s\n", err.msg);
	assert_int_equal(r, 0);
	json_decref(v);
	return d;
}

/* Sample n values; compare mean and variance with theory.  Tolerances
 * are several standard errors for these n. */
static void check_moments(const char *text, double mean_tol, double var_tol)
{
	enum { N = 400000 };
	struct cs_dist d = parse(text, CS_UNIT_COUNT);
	gsl_rng *rng = cs_rng_stream(42, text);
	double sum = 0, sum2 = 0;
	for (int i = 0; i < N; i++) {
		double x = cs_dist_sample(&d, rng);
		assert_true(x >= 0 || d.kind == CS_DIST_NORMAL);
		sum += x;
		sum2 += x * x;
	}
	double mean = sum / N, var = sum2 / N - mean * mean;
	double tm = cs_dist_mean(&d), tv = cs_dist_variance(&d);
	if (fabs(mean - tm) > mean_tol * fabs(tm) || fabs(var - tv) > var_tol * fabs(tv)) {
		print_error("%s: mean %g (theory %g), variance %g (theory %g)\n", text, mean, tm, var, tv);
		fail();
	}
	gsl_rng_free(rng);
	cs_dist_release(&d);
}

static void test_exp(void **s) { check_moments("{\"dist\":\"exp\",\"mean\":120}", 0.01, 0.03); }
static void test_uniform(void **s) { check_moments("{\"dist\":\"uniform\",\"min\":2,\"max\":8}", 0.005, 0.01); }
static void test_lognormal(void **s) { check_moments("{\"dist\":\"lognormal\",\"mu\":1,\"sigma\":0.5}", 0.01, 0.03); }
static void test_pareto(void **s) { check_moments("{\"dist\":\"pareto\",\"scale\":2,\"shape\":6}", 0.01, 0.08); }
static void test_weibull(void **s) { check_moments("{\"dist\":\"weibull\",\"scale\":10,\"shape\":1.5}", 0.01, 0.03); }
static void test_normal(void **s) { check_moments("{\"dist\":\"normal\",\"mean\":100,\"sd\":10}", 0.01, 0.03); }
static void test_const(void **s)
{
	struct cs_dist d = parse("7.5", CS_UNIT_COUNT);
	gsl_rng *rng = cs_rng_stream(1, "c");
	assert_true(cs_dist_sample(&d, rng) == 7.5);
	assert_true(cs_dist_variance(&d) == 0);
	gsl_rng_free(rng);
}

static void test_units_in_params(void **s)
{
	struct cs_dist d = parse("{\"dist\":\"exp\",\"mean\":\"2GiB\"}", CS_UNIT_MIB);
	assert_true(d.a == 2048);
	d = parse("\"15m\"", CS_UNIT_SECONDS);
	assert_true(d.a == 900);
}

static void test_bad(void **s)
{
	const char *bad[] = {
		"{\"dist\":\"exp\"}", "{\"dist\":\"exp\",\"mean\":-1}", "{\"dist\":\"gamma\",\"k\":1}",
		"{\"dist\":\"uniform\",\"min\":5,\"max\":1}", "{\"dist\":\"exp\",\"mean\":1,\"extra\":2}",
		"\"fast\"", "-3", "{\"dist\":\"empirical\",\"file\":\"no/such/file\"}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *v = json_loads(bad[i], JSON_DECODE_ANY, NULL);
		struct cs_dist d;
		memset(&err, 0, sizeof err);
		assert_int_equal(cs_dist_parse(&cfg, v, "x", CS_UNIT_COUNT, 0, &d), -1);
		assert_int_equal(err.code, CS_EXIT_INPUT);
		assert_non_null(strstr(err.msg, "test.json: x"));
		json_decref(v);
	}
}

static void test_empirical_interpolation(void **s)
{
	char path[] = "/tmp/cs-emp-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	/* batch (0) samples 3 1 2; a service (1) line that must be ignored */
	fputs("c cmb-new 0 3\nc cmb-new 1 100\nc cmb-new 0 1\nc cmb-new 0 2\n", f);
	fclose(f);
	struct cs_empirical *e = cs_empirical_load(path, path, CS_EMP_OMEGA_CMB, 0, 1, &err);
	assert_non_null(e);
	assert_int_equal(e->n, 3);
	assert_true(cs_empirical_quantile(e, 0) == 1);
	assert_true(cs_empirical_quantile(e, 0.5) == 2);
	assert_true(cs_empirical_quantile(e, 1) == 3);
	/* below + f (above - below): 1 + 0.5 (2 - 1); the Omega bug gives 2.5 */
	assert_true(fabs(cs_empirical_quantile(e, 0.25) - 1.5) < 1e-12);
	assert_true(fabs(cs_empirical_quantile(e, 0.75) - 2.5) < 1e-12);
	assert_true(fabs(cs_empirical_mean(e) - 2) < 1e-12);
	cs_empirical_free(e);
	e = cs_empirical_load(path, path, CS_EMP_OMEGA_CMB, 1, 1, &err);
	assert_non_null(e);
	assert_true(cs_empirical_quantile(e, 0.3) == 100);
	cs_empirical_free(e);
	unlink(path);
}

static void test_empirical_quantile_table(void **s)
{
	char path[] = "/tmp/cs-q-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs("# p value\n0 0\n0.5 10\n1 100\n", f);
	fclose(f);
	struct cs_empirical *e = cs_empirical_load(path, path, CS_EMP_QUANTILES, 0, 1, &err);
	assert_non_null(e);
	assert_true(fabs(cs_empirical_quantile(e, 0.25) - 5) < 1e-12);
	assert_true(fabs(cs_empirical_quantile(e, 0.75) - 55) < 1e-12);
	/* mean of the piecewise-linear quantile function: 0.5*5 + 0.5*55 */
	assert_true(fabs(cs_empirical_mean(e) - 30) < 1e-12);
	cs_empirical_free(e);
	unlink(path);
}

/* The shipped Omega example files: sampling matches the exact mean. */
static void test_empirical_omega_file(void **s)
{
	check_moments("{\"dist\":\"empirical\",\"file\":\"traces/omega/job-distribution-traces/example_runtimes_cmb.log\"}",
		      0.01, 0.03);
}

static void test_empirical_malformed(void **s)
{
	char path[] = "/tmp/cs-bad-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs("c cmb-new 0 3\nc cmb-new zero 1\n", f);
	fclose(f);
	memset(&err, 0, sizeof err);
	assert_null(cs_empirical_load(path, "x_cmb.log", CS_EMP_OMEGA_CMB, 0, 1, &err));
	assert_non_null(strstr(err.msg, "x_cmb.log: line 2:"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exp),
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_lognormal),
		cmocka_unit_test(test_pareto),
		cmocka_unit_test(test_weibull),
		cmocka_unit_test(test_normal),
		cmocka_unit_test(test_const),
		cmocka_unit_test(test_units_in_params),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_empirical_interpolation),
		cmocka_unit_test(test_empirical_quantile_table),
		cmocka_unit_test(test_empirical_omega_file),
		cmocka_unit_test(test_empirical_malformed),
	};
	return cmocka_run_group_tests_name("dist", tests, NULL, NULL);
}
