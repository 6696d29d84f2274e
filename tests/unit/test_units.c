/* Units: seconds and MiB strings, rounding to the simulator's integers. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

#include "sim/units.h"

static void test_seconds(void **state)
{
	double s, m_unused;
	assert_true(cs_parse_seconds("90s", &s));
	assert_true(s == 90);
	assert_true(cs_parse_seconds("15m", &s) && s == 900);
	assert_true(cs_parse_seconds("6h", &s) && s == 21600);
	assert_true(cs_parse_seconds("30d", &s) && s == 2592000);
	assert_true(cs_parse_seconds("250ms", &s) && fabs(s - 0.25) < 1e-12);
	assert_true(cs_parse_seconds("1.5", &s) && s == 1.5);
	assert_false(cs_parse_seconds("5 parsecs", &s));
	assert_false(cs_parse_seconds("", &s));
	assert_false(cs_parse_seconds("m", &s));
	assert_false(cs_parse_seconds("1e999", &s));
	/* compound times: units in decreasing order add up */
	assert_true(cs_parse_seconds("3h30m", &s) && s == 12600);
	assert_true(cs_parse_seconds("2m30s", &s) && s == 150);
	assert_true(cs_parse_seconds("1d12h", &s) && s == 129600);
	assert_true(cs_parse_seconds("1m500ms", &s) && s == 60.5);
	assert_true(cs_parse_seconds("1h1min", &s) && s == 3660);
	assert_false(cs_parse_seconds("30m1h", &s));  /* not decreasing */
	assert_false(cs_parse_seconds("1h1h", &s));
	assert_false(cs_parse_seconds("1h-30m", &s));
	assert_false(cs_parse_seconds("1h30", &s));   /* a term without a unit */
	assert_false(cs_parse_seconds("1h 30m", &s));
	/* decimal numbers only */
	assert_false(cs_parse_seconds("0x10s", &s));
	assert_false(cs_parse_seconds("+1h", &s));
	assert_false(cs_parse_seconds("infs", &s));
	assert_false(cs_parse_mib("0x10MiB", &m_unused));
}

static void test_mib(void **state)
{
	double m;
	assert_true(cs_parse_mib("512MiB", &m) && m == 512);
	assert_true(cs_parse_mib("16GiB", &m) && m == 16384);
	assert_true(cs_parse_mib("1TiB", &m) && m == 1048576);
	assert_true(cs_parse_mib("1024KiB", &m) && m == 1);
	assert_true(cs_parse_mib("1GB", &m) && fabs(m - 1e9 / 1048576) < 1e-9);
	assert_false(cs_parse_mib("16 gigs", &m));
}

static void test_rounding(void **state)
{
	assert_int_equal(cs_time_from_seconds(1.0), 1000000);
	assert_int_equal(cs_time_from_seconds(0.0000004), 0);
	assert_int_equal(cs_time_from_seconds(0.0000006), 1);
	assert_true(cs_time_from_seconds(1e300) == CS_TIME_NEVER);
	assert_int_equal(cs_qty_from_double(0.5), 500000);
	assert_int_equal(cs_qty_from_double(0.17000000178813934), 170000);
	/* integer quantities make claim/release exact: 3 x 0.1 then back */
	cs_qty used = 0, tenth = cs_qty_from_double(0.1);
	for (int i = 0; i < 3; i++)
		used += tenth;
	assert_int_equal(used, cs_qty_from_double(0.3));
	for (int i = 0; i < 3; i++)
		used -= tenth;
	assert_int_equal(used, 0);
}

/* The hand-written formatters against printf, at every digit-count edge. */
static void test_formatting(void **state)
{
	uint64_t v[] = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12345, 99999, 100000, 1234567890,
			9999999999999999999u, 10000000000000000000u, UINT64_MAX};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		char got[32], want[32];
		char *end = cs_fmt_u64(got, v[i]);
		*end = '\0';
		snprintf(want, sizeof want, "%" PRIu64, v[i]);
		assert_string_equal(got, want);
	}
	for (uint64_t p = 1; p <= 1000000000000000000u; p *= 10)
		for (int d = -1; d <= 1; d++) {
			char got[32], want[32];
			*cs_fmt_u64(got, p + (uint64_t)d) = '\0';
			snprintf(want, sizeof want, "%" PRIu64, p + (uint64_t)d);
			assert_string_equal(got, want);
		}
	cs_time t[] = {0, 1, 999999, 1000000, 1000001, 12345678901, -1, -1000000, -1234567, INT64_MIN + 1};
	const char *ts[] = {"0.000000", "0.000001", "0.999999", "1.000000", "1.000001", "12345.678901",
			    "-0.000001", "-1.000000", "-1.234567", "-9223372036854.775807"};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		char got[40];
		*cs_fmt_seconds(got, t[i]) = '\0';
		assert_string_equal(got, ts[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_mib),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_formatting),
	};
	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
