/* Units: seconds and MiB strings, rounding to the simulator's integers. */
#include <math.h>

#include "testutil.h"

#include "sim/units.h"

static void test_seconds(void **state)
{
	double s;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_mib),
		cmocka_unit_test(test_rounding),
	};
	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
