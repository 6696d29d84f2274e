/* tests/unit/test_constraints — each Marathon constraint operator kept by
 * every scheduler kind, on a cell where capacity alone would allow more:
 * how many of an app's instances can run says what the rule allowed.
 *
 * The cell: racks r1, r2, r3 of two 8-core machines each (os ubuntu on r1
 * and r2, centos on r3); every instance asks 1 core, so capacity alone
 * would run 48. */
#include "testutil.h"

static const char *const schedulers[] = {
	"{\"type\": \"monolithic\"}", "{\"type\": \"omega\"}", "{\"type\": \"mesos\"}", "{\"type\": \"kubernetes\"}",
	"{\"type\": \"monolithic\", \"placement\": \"best-fit\"}",
};

/* instances running at the end of an app with these constraints */
static double running(const char *constraints, int instances, const char *sched, const char *cell)
{
	char path[512], app[1024], exp[4096];
	snprintf(path, sizeof path, "%s/app.json", tu_dir());
	snprintf(app, sizeof app, "{\"id\": \"app\", \"instances\": %d, \"cpus\": 1, \"mem\": 16, \"constraints\": %s}",
		 instances, constraints);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(app, f);
	fclose(f);
	snprintf(exp, sizeof exp,
		 "{\"name\": \"c\", \"duration\": 600, \"check_invariants\": true, \"cell\": {\"machines\": %s},"
		 " \"scheduler\": %s, \"apps\": [{\"file\": \"%s\"}]}",
		 cell ? cell
		      : "[{\"name\": \"r1\", \"count\": 2, \"cpu\": 8, \"mem\": 8192, \"attributes\": {\"rack\": \"r1\", \"os\": \"ubuntu\"}},"
			" {\"name\": \"r2\", \"count\": 2, \"cpu\": 8, \"mem\": 8192, \"attributes\": {\"rack\": \"r2\", \"os\": \"ubuntu\"}},"
			" {\"name\": \"r3\", \"count\": 2, \"cpu\": 8, \"mem\": 8192, \"attributes\": {\"rack\": \"r3\", \"os\": \"centos\"}}]",
		 sched, path);
	json_t *s = tu_run_ok(exp, NULL);
	double n = tu_num(s, "apps.app.running");
	assert_true(tu_num(s, "apps.app.constraint_violations") == 0);
	json_decref(s);
	return n;
}

static void expect(const char *constraints, int instances, double want)
{
	for (size_t i = 0; i < sizeof schedulers / sizeof *schedulers; i++) {
		double got = running(constraints, instances, schedulers[i], NULL);
		if (got != want)
			fail_msg("%s with %d instances under %s: %g running, expected %g", constraints, instances, schedulers[i],
				 got, want);
	}
}

/* UNIQUE never co-locates: one per machine (6), one per rack (3). */
static void test_unique(void **state)
{
	(void)state;
	expect("[[\"hostname\", \"UNIQUE\"]]", 10, 6);
	expect("[[\"rack\", \"UNIQUE\"]]", 10, 3);
}

/* CLUSTER pins: rack r2's two machines hold 16; without a value, all go
 * where the first went (one rack: 16). */
static void test_cluster(void **state)
{
	(void)state;
	expect("[[\"rack\", \"CLUSTER\", \"r2\"]]", 40, 16);
	expect("[[\"rack\", \"CLUSTER\"]]", 40, 16);
}

/* MAX_PER caps: 2 per rack (6); 5 per machine (30). */
static void test_max_per(void **state)
{
	(void)state;
	expect("[[\"rack\", \"MAX_PER\", \"2\"]]", 40, 6);
	expect("[[\"hostname\", \"MAX_PER\", \"5\"]]", 40, 30);
}

/* IS, LIKE, UNLIKE select machines: os centos (r3: 16); rack r1 or r2
 * (32); not r1 or r2 (16); an attribute no machine has: none; UNLIKE of
 * it: all (48). */
static void test_is_like_unlike(void **state)
{
	(void)state;
	expect("[[\"os\", \"IS\", \"centos\"]]", 60, 16);
	expect("[[\"rack\", \"LIKE\", \"r[12]\"]]", 60, 32);
	expect("[[\"rack\", \"UNLIKE\", \"r[12]\"]]", 60, 16);
	expect("[[\"gpu\", \"LIKE\", \".*\"]]", 60, 0);
	expect("[[\"gpu\", \"UNLIKE\", \"yes\"]]", 60, 48);
	/* LIKE matches the whole value: "r" alone matches no rack */
	expect("[[\"rack\", \"LIKE\", \"r\"]]", 60, 0);
}

/* GROUP_BY spreads evenly: an instance goes only to a rack with the fewest.
 * Racks a and b have room for 10 each, c for 1: each gets 1; a gets a
 * second (all had 1), then b (a 2, b 1, c 1: b or c, c is full); now c (1)
 * is the fewest and full: 5 run. */
static void test_group_by(void **state)
{
	(void)state;
	const char *cell = "[{\"name\": \"a\", \"count\": 1, \"cpu\": 10, \"mem\": 8192, \"attributes\": {\"rack\": \"a\"}},"
			   " {\"name\": \"b\", \"count\": 1, \"cpu\": 10, \"mem\": 8192, \"attributes\": {\"rack\": \"b\"}},"
			   " {\"name\": \"c\", \"count\": 1, \"cpu\": 1, \"mem\": 8192, \"attributes\": {\"rack\": \"c\"}}]";
	for (size_t i = 0; i < sizeof schedulers / sizeof *schedulers; i++) {
		double got = running("[[\"rack\", \"GROUP_BY\"]]", 10, schedulers[i], cell);
		if (got != 5)
			fail_msg("GROUP_BY under %s: %g running, expected 5", schedulers[i], got);
	}
	/* with room everywhere, 9 instances over the 3 racks of the default
	 * cell all run (3 each) */
	expect("[[\"rack\", \"GROUP_BY\", \"3\"]]", 9, 9);
}

/* Several constraints hold together: UNIQUE host and rack r1 or r3: 4. */
static void test_together(void **state)
{
	(void)state;
	expect("[[\"hostname\", \"UNIQUE\"], [\"rack\", \"LIKE\", \"r1|r3\"]]", 10, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_cluster),
		cmocka_unit_test(test_max_per),
		cmocka_unit_test(test_is_like_unlike),
		cmocka_unit_test(test_group_by),
		cmocka_unit_test(test_together),
	};
	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
