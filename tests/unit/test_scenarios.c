/* Scenario tests: determinism and golden results.
 *
 * Every tests/scenarios/NAME.json runs twice with its seed: summary.json,
 * timeseries.csv and jobs.csv must be byte-identical, and summary.json must
 * equal tests/scenarios/NAME.summary.json (the golden file; regenerate with
 * `tests/scenarios/update.sh` after an intended model change, and say why
 * in the commit).  A different seed must change the results. */
#include <dirent.h>
#include <math.h>

#include "testutil.h"

static json_t *run_file(const char *file, const char *outdir, const char *set)
{
	struct cs_error err = {0};
	char *sets[1] = {(char *)(uintptr_t)set};
	json_t *exp = cs_experiment_load(file, sets, set ? 1 : 0, &err);
	if (!exp)
		print_error("%s\n", err.msg);
	assert_non_null(exp);
	struct cs_run_opts opts = {file, outdir, true, true, NULL, NULL, NULL};
	int r = cs_run_experiment(exp, &opts, &err);
	if (r < 0)
		print_error("%s\n", err.msg);
	assert_int_equal(r, 0);
	json_decref(exp);
	char path[600];
	snprintf(path, sizeof path, "%s/summary.json", outdir);
	return json_load_file(path, 0, NULL);
}

static void same_file(const char *a_dir, const char *b_dir, const char *name)
{
	char a[600], b[600];
	snprintf(a, sizeof a, "%s/%s", a_dir, name);
	snprintf(b, sizeof b, "%s/%s", b_dir, name);
	char *x = tu_read_file(a), *y = tu_read_file(b);
	assert_non_null(x);
	assert_non_null(y);
	if (strcmp(x, y) != 0) {
		print_error("%s differs between two runs with the same seed\n", name);
		fail();
	}
	free(x);
	free(y);
}

static void check_scenario(const char *name)
{
	char file[256], golden[256];
	snprintf(file, sizeof file, "tests/scenarios/%s.json", name);
	snprintf(golden, sizeof golden, "tests/scenarios/%s.summary.json", name);
	char *d1 = tu_tmpdir(), *d2 = tu_tmpdir(), *d3 = tu_tmpdir();
	json_t *s1 = run_file(file, d1, NULL);
	json_t *s2 = run_file(file, d2, NULL);
	assert_non_null(s1);
	assert_non_null(s2);
	same_file(d1, d2, "summary.json");
	same_file(d1, d2, "timeseries.csv");
	same_file(d1, d2, "jobs.csv");
	same_file(d1, d2, "experiment.json");

	/* a different seed gives different results */
	json_t *s3 = run_file(file, d3, "seed=999");
	assert_false(json_equal(s1, s3));

	/* the golden summary */
	char path[600];
	snprintf(path, sizeof path, "%s/summary.json", d1);
	char *got = tu_read_file(path), *want = tu_read_file(golden);
	if (!want) {
		print_error("%s missing: run tests/scenarios/update.sh\n", golden);
		fail();
	}
	if (strcmp(got, want) != 0) {
		print_error("%s: summary differs from %s (diff %s %s)\n", name, golden, golden, path);
		fail();
	}
	free(got);
	free(want);
	json_decref(s1);
	json_decref(s2);
	json_decref(s3);
	tu_rm_rf(d1);
	tu_rm_rf(d2);
	tu_rm_rf(d3);
	free(d1);
	free(d2);
	free(d3);
}

static void test_small_multipath(void **state)
{
	check_scenario("small-multipath");
}

static void test_omega_init_firstfit(void **state)
{
	check_scenario("omega-init-firstfit");
}

static void test_small_omega(void **state)
{
	check_scenario("small-omega");
}

static void test_small_mesos(void **state)
{
	check_scenario("small-mesos");
}

static void test_small_bestfit_event(void **state)
{
	check_scenario("small-bestfit-event");
}

/* Invariants of a scenario's results that hold whatever the numbers. */
static void test_result_consistency(void **state)
{
	char *d = tu_tmpdir();
	json_t *s = run_file("tests/scenarios/small-multipath.json", d, NULL);
	double sub = tu_num(s, "jobs.submitted"), sch = tu_num(s, "jobs.scheduled");
	double ab = tu_num(s, "jobs.abandoned"), un = tu_num(s, "jobs.unscheduled");
	assert_true(sub == sch + ab + un);
	assert_true(tu_num(s, "jobs.completed") <= sch);
	assert_true(tu_num(s, "wait_first_attempt.p50") <= tu_num(s, "wait_first_attempt.p90"));
	assert_true(tu_num(s, "wait_first_attempt.p90") <= tu_num(s, "wait_first_attempt.p99"));
	assert_true(tu_num(s, "wait_first_attempt.mean") <= tu_num(s, "wait_scheduled.mean"));
	assert_true(tu_num(s, "utilization.cpu") > 0 && tu_num(s, "utilization.cpu") <= 1);
	assert_true(tu_num(s, "tasks_lost") > 0); /* 20 machines failed at 1h */
	double wl = tu_num(s, "workloads.batch.jobs.submitted") + tu_num(s, "workloads.service.jobs.submitted");
	assert_true(wl == sub);
	/* every summary key of docs/results.md is present */
	const char *keys[] = {"name", "seed", "scheduler_type", "simulated_seconds", "jobs",
			      "wait_first_attempt", "wait_scheduled", "slowdown_bounded", "makespan",
			      "utilization", "workloads", "schedulers"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		assert_non_null(json_object_get(s, keys[i]));
	const char *skeys[] = {"busy", "busy_wasted", "transactions", "conflicts", "conflict_fraction",
			       "jobs_abandoned"};
	json_t *m = cs_json_get_path(s, "schedulers.monolithic");
	for (size_t i = 0; i < sizeof skeys / sizeof *skeys; i++)
		assert_non_null(json_object_get(m, skeys[i]));
	/* jobs.csv has a row per submitted job */
	char path[600];
	snprintf(path, sizeof path, "%s/jobs.csv", d);
	char *csv = tu_read_file(path);
	long rows = -1;
	for (char *p = csv; *p; p++)
		rows += *p == '\n';
	assert_int_equal(rows, (long)sub);
	free(csv);
	json_decref(s);
	tu_rm_rf(d);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_multipath),
		cmocka_unit_test(test_omega_init_firstfit),
		cmocka_unit_test(test_small_bestfit_event),
		cmocka_unit_test(test_small_omega),
		cmocka_unit_test(test_small_mesos),
		cmocka_unit_test(test_result_consistency),
	};
	return cmocka_run_group_tests_name("scenarios", tests, NULL, NULL);
}
