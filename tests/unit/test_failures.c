/* tests/unit/test_failures — machines that break: failure processes
 * against renewal theory, correlated failures and scripted events worked
 * out by hand, the down count shared by every source, and bad input. */
#include "testutil.h"

/* a tiny batch workload, so that the experiment has one */
#define BATCH "\"workloads\": [{\"name\": \"b\", \"kind\": \"batch\", \"arrival\": {\"dist\": \"exp\", \"mean\": \"1d\"}, " \
	      "\"tasks\": 1, \"task_duration\": 60, \"task_cpu\": 0.1, \"task_mem\": 1}], " \
	      "\"scheduler\": {\"type\": \"monolithic\"}"

/* Alternating exponential up (mean 10 d) and down (mean 1 d) times: the
 * long-run fraction up is mtbf / (mtbf + mttr) = 10/11.  Over 2000 days
 * on 50 machines the estimate's standard error is about 0.0012
 * (renewal-reward: per machine var = (mu_d^2 s_u^2 + mu_u^2 s_d^2) /
 * ((mu_u + mu_d)^3 T) = 200 / (1331 x 2000) = 0.0087^2, in days), so 0.005
 * is four of them.  The number of failures is about 50 * 2000 / 11. */
static void test_availability_matches_renewal_theory(void **state)
{
	(void)state;
	const char *exp =
		"{\"name\": \"avail\", \"seed\": 3, \"duration\": \"2000d\","
		" \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 50, \"cpu\": 4, \"mem\": \"16GiB\"}]}, " BATCH ","
		" \"failures\": {\"mtbf\": {\"dist\": \"exp\", \"mean\": \"10d\"}, \"mttr\": {\"dist\": \"exp\", \"mean\": \"1d\"}}}";
	json_t *s = tu_run_ok(exp, NULL);
	double avail = tu_num(s, "failures.machine_availability");
	double n = tu_num(s, "failures.failures");
	print_message("  availability %.4f (theory %.4f), %.0f failures (expected about %.0f)\n", avail, 10.0 / 11, n,
		      50 * 2000 / 11.0);
	assert_true(fabs(avail - 10.0 / 11) < 0.005);
	/* Poisson-like count: sd about sqrt(9091) ~ 95; allow 5 sd */
	assert_true(fabs(n - 50 * 2000 / 11.0) < 500);
	assert_true(tu_num(s, "failures.machine_failures") == n); /* one machine per unit */
	json_decref(s);
}

/* Constant times make it exact: a rack fails at 10 h, is back at 11 h,
 * fails at 21 h, back at 22 h; the run ends at 25 h.  Racks: r1 = 3
 * machines (two classes), r2 = 2; the class without a rack never fails.
 * failures = 2 racks x 2 = 4; machine_failures = 2 x (3 + 2) = 10;
 * machine_down_seconds = 10 x 1 h = 36000; availability = 1 - 36000 /
 * (6 machines x 25 h x 3600) = 1 - 36000/540000. */
static void test_correlated_failures_by_hand(void **state)
{
	(void)state;
	const char *exp =
		"{\"name\": \"racks\", \"duration\": \"25h\", \"cell\": {\"machines\": ["
		" {\"name\": \"a\", \"count\": 2, \"cpu\": 4, \"mem\": 4096, \"attributes\": {\"rack\": \"r1\"}},"
		" {\"name\": \"b\", \"count\": 1, \"cpu\": 4, \"mem\": 4096, \"attributes\": {\"rack\": \"r1\"}},"
		" {\"name\": \"c\", \"count\": 2, \"cpu\": 4, \"mem\": 4096, \"attributes\": {\"rack\": \"r2\"}},"
		" {\"name\": \"d\", \"count\": 1, \"cpu\": 4, \"mem\": 4096}]}, " BATCH ","
		" \"failures\": [{\"mtbf\": \"10h\", \"mttr\": \"1h\", \"group_by\": \"rack\"}]}";
	json_t *s = tu_run_ok(exp, NULL);
	assert_true(tu_num(s, "failures.failures") == 4);
	assert_true(tu_num(s, "failures.repairs") == 4);
	assert_true(tu_num(s, "failures.machine_failures") == 10);
	assert_true(fabs(tu_num(s, "failures.machine_down_seconds") - 36000) < 1e-6);
	assert_true(fabs(tu_num(s, "failures.machine_availability") - (1 - 36000.0 / 540000)) < 1e-12);
	json_decref(s);
}

/* Scripted failures share the down count: machine 1 fails alone at 1 h,
 * its rack r1 (machines 0-2) at 2 h; recovering machine 1 at 3 h leaves
 * it down (the rack's failure still holds it), the rack's recovery at 4 h
 * brings all three back; a recovery of machine 4 that never failed does
 * nothing.  Down: machine 1 from 1 h to 4 h (3 h), machines 0 and 2 from
 * 2 h to 4 h (2 h each): 7 h = 25200 s.  machine_failures counts machines
 * taken down: 1 at 1 h, then 0 and 2 at 2 h (1 already was) = 3.  Rack
 * 2 (given as a number, matched as "2") and class r2 fail from 4 h 40 m
 * to 4 h 50 m: 3 more machines, 3 x 600 s more. */
static void test_scripted_events_by_hand(void **state)
{
	(void)state;
	const char *exp =
		"{\"name\": \"events\", \"duration\": \"5h\", \"cell\": {\"machines\": ["
		" {\"name\": \"r1\", \"count\": 3, \"cpu\": 4, \"mem\": 4096, \"attributes\": {\"rack\": \"r1\"}},"
		" {\"name\": \"r2\", \"count\": 3, \"cpu\": 4, \"mem\": 4096, \"attributes\": {\"rack\": 2}}]}, " BATCH ","
		" \"events\": [{\"at\": \"1h\", \"fail_machine\": 1}, {\"at\": \"2h\", \"fail_attribute\": {\"rack\": \"r1\"}},"
		"  {\"at\": \"3h\", \"recover_machine\": 1}, {\"at\": \"4h\", \"recover_attribute\": {\"rack\": \"r1\"}},"
		"  {\"at\": 16200, \"recover_machine\": 4}, {\"at\": 16800, \"fail_attribute\": {\"rack\": 2, \"class\": \"nope\"}}]}";
	/* the last event matches nothing: an error */
	tu_run_fails(exp, "events[5].fail_attribute: no machine of the cell has these attributes", 0);
	const char *ok =
		"{\"name\": \"events\", \"duration\": \"5h\", \"cell\": {\"machines\": ["
		" {\"name\": \"r1\", \"count\": 3, \"cpu\": 4, \"mem\": 4096, \"attributes\": {\"rack\": \"r1\"}},"
		" {\"name\": \"r2\", \"count\": 3, \"cpu\": 4, \"mem\": 4096, \"attributes\": {\"rack\": 2}}]}, " BATCH ","
		" \"events\": [{\"at\": \"1h\", \"fail_machine\": 1}, {\"at\": \"2h\", \"fail_attribute\": {\"rack\": \"r1\"}},"
		"  {\"at\": \"3h\", \"recover_machine\": 1}, {\"at\": \"4h\", \"recover_attribute\": {\"rack\": \"r1\"}},"
		"  {\"at\": 16200, \"recover_machine\": 4}, {\"at\": 16800, \"fail_attribute\": {\"rack\": \"2\", \"class\": \"r2\"}},"
		"  {\"at\": 17400, \"recover_attribute\": {\"rack\": 2}}]}";
	json_t *s = tu_run_ok(ok, NULL);
	assert_true(fabs(tu_num(s, "failures.machine_down_seconds") - (25200 + 1800)) < 1e-6);
	assert_true(tu_num(s, "failures.machine_failures") == 3 + 3);
	assert_true(tu_num(s, "failures.failures") == 3);
	assert_true(tu_num(s, "failures.repairs") == 4);
	json_decref(s);
}

/* machine_events go through the same count (and their results are as
 * before when they do not overlap). */
static void test_machine_events_share_the_count(void **state)
{
	(void)state;
	const char *exp =
		"{\"name\": \"mix\", \"duration\": \"4h\", \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 2, \"cpu\": 4, \"mem\": 4096}]}, " BATCH ","
		" \"machine_events\": [{\"at\": \"1h\", \"action\": \"down\", \"first\": 0}, {\"at\": \"3h\", \"action\": \"up\", \"first\": 0}],"
		" \"events\": [{\"at\": \"2h\", \"fail_machine\": 0}]}";
	/* machine 0: down at 1 h (machine_events), again at 2 h (events);
	 * the up at 3 h releases one: down until the end, 3 h */
	json_t *s = tu_run_ok(exp, NULL);
	assert_true(fabs(tu_num(s, "failures.machine_down_seconds") - 3 * 3600) < 1e-6);
	assert_true(tu_num(s, "failures.machine_failures") == 1);
	json_decref(s);
}

static void test_bad_failures(void **state)
{
	(void)state;
	static const struct { const char *keys, *expect; } cases[] = {
		{"\"failures\": {\"mtbf\": 10}", "failures.mttr: missing"},
		{"\"failures\": {\"mtbf\": 10, \"mttr\": 1, \"clas\": \"m\"}", "failures.clas: unknown key (did you mean \"class\"?)"},
		{"\"failures\": {\"mtbf\": 10, \"mttr\": 1, \"class\": \"x\"}", "failures.class: no machine class of that name"},
		{"\"failures\": {\"mtbf\": 10, \"mttr\": 1, \"group_by\": \"rack\"}", "failures.group_by: no machine of the cell is in this failure process"},
		{"\"failures\": [{\"mtbf\": {\"dist\": \"exp\", \"mean\": -1}, \"mttr\": 1}]", "failures[0].mtbf"},
		{"\"failures\": 3", "failures: expected a failure process"},
		{"\"failures\": {\"mtbf\": 1e-6, \"mttr\": 1e-6}", "more than the model's 1e+08"},
		{"\"events\": {}", "events: expected a list"},
		{"\"events\": [{\"at\": 1}]", "events[0]: an event needs an action"},
		{"\"events\": [{\"at\": 1, \"fail_machine\": 0, \"recover_machine\": 0}]", "events[0]: one action per event"},
		{"\"events\": [{\"at\": 1, \"fail_machine\": 2}]", "events[0].fail_machine: expected a machine's index, 0 to 1 (got 2)"},
		{"\"events\": [{\"at\": 1, \"fail_machine\": \"m\"}]", "events[0].fail_machine: expected a machine's index"},
		{"\"events\": [{\"fail_machine\": 0}]", "events[0].at: missing"},
		{"\"events\": [{\"at\": 1, \"fail_attribute\": {}}]", "events[0].fail_attribute: expected an object of attribute values"},
		{"\"events\": [{\"at\": 1, \"kill\": 0}]", "events[0]: kill and restart are for a balancer's listed servers"},
		{"\"events\": [{\"at\": 1, \"fail_machin\": 0}]", "events[0].fail_machin: unknown key (did you mean \"fail_machine\"?)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char exp[2048];
		snprintf(exp, sizeof exp,
			 "{\"name\": \"bad\", \"duration\": 1000, \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 2, \"cpu\": 4, \"mem\": 4096}]}, "
			 BATCH ", %s}", cases[i].keys);
		tu_run_fails(exp, cases[i].expect, i);
	}
	/* a trace replay without a duration would never end */
	tu_run_fails("{\"name\": \"bad\", \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 2, \"cpu\": 4, \"mem\": 4096}]}, "
		     "\"workloads\": [{\"name\": \"t\", \"trace\": {\"format\": \"swf\", \"path\": \"tests/traces/easy4.swf\"}}], "
		     "\"scheduler\": {\"type\": \"monolithic\"}, \"failures\": {\"mtbf\": 10, \"mttr\": 1}}",
		     "duration: missing (failure processes go on for ever", 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_availability_matches_renewal_theory),
		cmocka_unit_test(test_correlated_failures_by_hand),
		cmocka_unit_test(test_scripted_events_by_hand),
		cmocka_unit_test(test_machine_events_share_the_count),
		cmocka_unit_test(test_bad_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
