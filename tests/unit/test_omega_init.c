/* The Omega init-cluster-state reader: the shipped files parse; every kind
 * of malformed line is an error naming the file and line (one of them
 * found by the fuzzer: a line with fewer than three fields). */
#include <math.h>

#include "testutil.h"

#include "workloads/omega_init.h"

static int parse_text(const char *text, struct cs_omega_init_job **jobs, size_t *n, struct cs_error *err)
{
	char path[] = "/tmp/cs-oi-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	int r = cs_omega_init_read(path, "init.log", jobs, n, err);
	unlink(path);
	return r;
}

static void test_example_file(void **state)
{
	struct cs_error err = {0};
	struct cs_omega_init_job *jobs;
	size_t n;
	assert_int_equal(cs_omega_init_read("traces/omega/example-init-cluster-state.log", "x", &jobs, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(jobs[2].id, "856292140335049805");
	assert_int_equal(jobs[2].ntasks, 1000);
	assert_true(fabs(jobs[2].end - 8.921186) < 1e-9);
	assert_true(jobs[0].end < 0); /* no 12 line: runs on */
	assert_true(jobs[0].prod && jobs[0].sched_class == 3 && jobs[0].service); /* CMB_PBB */
	assert_false(jobs[1].service);
	free(jobs);
	assert_int_equal(cs_omega_init_read("traces/omega/google-c/init-cluster-state.log", "x", &jobs, &n, &err), 0);
	assert_int_equal(n, 3979);
	free(jobs);
}

static void test_malformed(void **state)
{
	const char *bad[][2] = {
		{"11 0\n", "line 1: expected `11 0 JOBID"},
		{"11 0 7 1 3 2 0.5\n", "line 1: a 11 line has 8 fields"},
		{"11 0 7 1 3 0 0.5 100\n", "line 1: expected a positive task count"},
		{"11 0 7 1 3 2 0.5 100\n11 0 7 1 3 2 0.5 100\n", "line 2: job 7 appears twice"},
		{"12 5 9 0 0 1\n", "line 1: end of job 9, which no 11 line started"},
		{"11 0 7 1 3 2 0.5 lots\n", "line 1: field 8 is not a number"},
		{"13 0 7 1 3 2 0.5 100\n", "line 1: unknown record type \"13\""},
		{"11 0 7 1 3 2 0.5 100\n12 -1 7 0 0 1\n", "line 2: negative end time"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct cs_error err = {0};
		struct cs_omega_init_job *jobs;
		size_t n;
		assert_int_equal(parse_text(bad[i][0], &jobs, &n, &err), -1);
		assert_int_equal(err.code, CS_EXIT_INPUT);
		char want[256];
		snprintf(want, sizeof want, "init.log: %s", bad[i][1]);
		if (!strstr(err.msg, want)) {
			print_error("case %zu: got \"%s\", wanted \"%s\"\n", i, err.msg, want);
			fail();
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests_name("omega_init", tests, NULL, NULL);
}
