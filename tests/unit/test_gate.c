/* compare as a CI gate that can fail, and plot's output (issue 11,
 * items 5 and 7).  Runs the real binary ($CLUSTERSIM).
 *  - compare: a summary.json that is {} or [1,2] on either side, a metric
 *    on one side only, a --tolerance key that matches nothing, a
 *    monolithic run against a Mesos run: exit 2 with a message, never 0;
 *    a measurement that became null is a regression (exit 1);
 *  - plot: without gnuplot on PATH it says so (exit 3), for single runs
 *    and sweeps alike, never dying of SIGPIPE; -o t.svg writes SVG and
 *    -o t.pdf PDF, an unknown extension is refused; a run written with
 *    output.jobs=false is drawn (utilization) without its wait CDF. */
#include <sys/stat.h>

#include "testutil.h"

static char *dir;

static int setup(void **state)
{
	dir = tu_tmpdir();
	/* two runs of one experiment, a third of the same with Mesos, and a
	 * sweep */
	if (tu_sh("%s run tests/cases/good.json -o %s/A -q && %s run tests/cases/good.json -o %s/B -q --seed 2 && "
		  "%s run tests/cases/good.json -o %s/M -q --set scheduler.type=mesos && "
		  "%s run tests/cases/good.json -o %s/NJ -q --set output.jobs=false && "
		  "%s sweep tests/cases/b04-csv-names-sweep.json -o %s/S -q",
		  tu_binary(), dir, tu_binary(), dir, tu_binary(), dir, tu_binary(), dir, tu_binary(), dir) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	tu_rm_rf(dir);
	free(dir);
	return 0;
}

static void expect(const char *args, int code, const char *msg)
{
	char *err;
	int rc = tu_cli(args, &err);
	if (rc != code || (msg && !strstr(err, msg))) {
		print_error("clustersim %s: exit %d (expected %d), stderr:\n%s\n(expected \"%s\")\n", args, rc, code, err,
			    msg ? msg : "");
		free(err);
		fail();
	}
	free(err);
}

static void write_file(const char *name, const char *text)
{
	char p[700];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_compare_must_be_able_to_fail(void **state)
{
	char a[2048];
	snprintf(a, sizeof a, "compare %s/A %s/A", dir, dir);
	expect(a, 0, NULL);
	/* another seed of the same experiment is compared (its waits may
	 * differ beyond 5%: exit 0 or 1, never 2) */
	snprintf(a, sizeof a, "compare %s/A %s/B --tolerance 1000", dir, dir);
	expect(a, 0, NULL);
	const char *bad[][2] = {{"{}", "metric missing"}, {"[1,2]", "not a results summary"},
				{"3", "not a results summary"}, {"{\"seed\": 1}", "metric missing"}};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char sub[64];
		snprintf(sub, sizeof sub, "E%zu", i);
		snprintf(a, sizeof a, "mkdir -p %s/%s", dir, sub);
		assert_int_equal(tu_sh("%s", a), 0);
		char f[80];
		snprintf(f, sizeof f, "%s/summary.json", sub);
		write_file(f, bad[i][0]);
		/* either side */
		snprintf(a, sizeof a, "compare %s/A %s/%s", dir, dir, sub);
		expect(a, 2, bad[i][1]);
		snprintf(a, sizeof a, "compare %s/%s %s/A", dir, sub, dir);
		expect(a, 2, bad[i][1]);
	}
	/* both empty: nothing to compare is not a pass */
	snprintf(a, sizeof a, "compare %s/E0 %s/E0", dir, dir);
	expect(a, 2, "no metric to compare");
	snprintf(a, sizeof a, "compare %s/A %s/A --tolerance wait_schedule.p90=5", dir, dir);
	expect(a, 2, "--tolerance: wait_schedule.p90: matches no metric");
	snprintf(a, sizeof a, "compare %s/A %s/M", dir, dir);
	expect(a, 2, "scheduler_type: results of a different experiment");
	/* compared anyway, on what both have: Mesos adds to every wait (from
	 * 0: a regression whatever the tolerance) */
	snprintf(a, sizeof a, "compare %s/A %s/M --allow-different --tolerance 1e9", dir, dir);
	expect(a, 1, NULL);
	/* a measurement that went missing is a regression */
	assert_int_equal(tu_sh("mkdir -p %s/N && sed 's/\"cpu\": [0-9.e-]*/\"cpu\": null/' %s/A/summary.json "
			       "> %s/N/summary.json", dir, dir, dir), 0);
	snprintf(a, sizeof a, "compare %s/A %s/N", dir, dir);
	expect(a, 1, NULL);
	snprintf(a, sizeof a, "compare %s/A %s/A --speed 10", dir, dir);
	expect(a, 0, NULL);
}

static bool starts_with_bytes(const char *path, const char *magic)
{
	char *s = tu_read_file(path);
	bool ok = s && strncmp(s, magic, strlen(magic)) == 0;
	free(s);
	return ok;
}

static void test_plot_outputs(void **state)
{
	char a[2048];
	/* no gnuplot on PATH: a message and exit 3, not SIGPIPE (141) */
	snprintf(a, sizeof a, "plot %s/S -o %s/x.png", dir, dir);
	char cmd[2200];
	snprintf(cmd, sizeof cmd, "PATH=/nonexistent %s %s 2>%s/err", tu_binary(), a, dir);
	assert_int_equal(tu_sh("%s", cmd), 3);
	snprintf(cmd, sizeof cmd, "PATH=/nonexistent %s plot %s/A -o %s/x.png 2>>%s/err", tu_binary(), dir, dir, dir);
	assert_int_equal(tu_sh("%s", cmd), 3);
	char ep[700];
	snprintf(ep, sizeof ep, "%s/err", dir);
	char *err = tu_read_file(ep);
	assert_non_null(strstr(err, "gnuplot not found"));
	free(err);
	/* the format follows the extension */
	snprintf(a, sizeof a, "plot %s/A %s/B -o %s/t.svg", dir, dir, dir);
	expect(a, 0, NULL);
	char p[700];
	snprintf(p, sizeof p, "%s/t.svg", dir);
	assert_true(starts_with_bytes(p, "<?xml"));
	snprintf(p, sizeof p, "%s/t-wait-cdf.svg", dir);
	assert_true(starts_with_bytes(p, "<?xml"));
	snprintf(a, sizeof a, "plot %s/A -o %s/t.pdf", dir, dir);
	expect(a, 0, NULL);
	snprintf(p, sizeof p, "%s/t.pdf", dir);
	assert_true(starts_with_bytes(p, "%PDF"));
	snprintf(a, sizeof a, "plot %s/S -o %s/s.svg", dir, dir);
	expect(a, 0, NULL);
	snprintf(p, sizeof p, "%s/s.svg", dir);
	assert_true(starts_with_bytes(p, "<?xml"));
	snprintf(a, sizeof a, "plot %s/A -o %s/t.jpg", dir, dir);
	expect(a, 2, "a figure is .png, .svg or .pdf");
	snprintf(a, sizeof a, "plot %s/S -o %s/t", dir, dir);
	expect(a, 2, "a figure is .png, .svg or .pdf");
	/* output.jobs=false: utilization drawn, no CDF, a note */
	snprintf(a, sizeof a, "plot %s/NJ -o %s/nj.png", dir, dir);
	expect(a, 0, "no jobs.csv (output.jobs=false)");
	struct stat st;
	snprintf(p, sizeof p, "%s/nj.png", dir);
	assert_true(starts_with_bytes(p, "\x89PNG"));
	snprintf(p, sizeof p, "%s/nj-wait-cdf.png", dir);
	assert_true(stat(p, &st) < 0);
	/* with one run that has jobs.csv, the CDF has that one */
	snprintf(a, sizeof a, "plot %s/NJ %s/A -o %s/mix.png", dir, dir, dir);
	expect(a, 0, NULL);
	snprintf(p, sizeof p, "%s/mix-wait-cdf.png", dir);
	assert_true(starts_with_bytes(p, "\x89PNG"));
}

static double metric(const char *point, const char *key)
{
	char p[800];
	snprintf(p, sizeof p, "%s/def/points/%s/summary.json", dir, point);
	json_t *s = json_load_file(p, 0, NULL);
	assert_non_null(s);
	double v = tu_num(s, key);
	json_decref(s);
	return v;
}

/* make run's experiment is the core comparison, on a load where the
 * architectures differ, and `table` shows it. */
static void test_default_and_table(void **state)
{
	assert_int_equal(tu_sh("%s sweep experiments/default.json -o %s/def -q -j 2", tu_binary(), dir), 0);
	double single = metric("monolithic-single-path", "workloads.batch.wait_scheduled.mean");
	double multi = metric("monolithic-multi-path", "workloads.batch.wait_scheduled.mean");
	double mesos = metric("mesos", "workloads.batch.wait_scheduled.mean");
	double omega = metric("omega", "workloads.batch.wait_scheduled.mean");
	/* head-of-line blocking: single-path saturates, multi-path still
	 * blocks batch behind service, Mesos' offers sit with the slow
	 * framework, Omega's batch scheduler is unaffected */
	assert_true(single > 100 * multi);
	assert_true(multi > 5 * omega && mesos > 5 * omega);
	assert_true(metric("monolithic-single-path", "schedulers.monolithic.busy") > 0.99);
	assert_true(metric("omega", "schedulers.service.conflict_fraction") > 0);
	char out[700];
	snprintf(out, sizeof out, "%s/table.txt", dir);
	assert_int_equal(tu_sh("%s table %s/def %s/A > %s", tu_binary(), dir, dir, out), 0);
	char *t = tu_read_file(out);
	assert_non_null(strstr(t, "cpu util"));
	assert_non_null(strstr(t, "\nmonolithic-single-path "));
	assert_non_null(strstr(t, "\nmesos "));
	assert_non_null(strstr(t, "\nomega "));
	assert_non_null(strstr(t, "\nA "));
	free(t);
	char a[800];
	snprintf(a, sizeof a, "table %s/E0", dir);
	expect(a, 2, "metric");
	snprintf(a, sizeof a, "table %s/nonexistent", dir);
	expect(a, 2, "cannot read a results summary");
	expect("table", 2, "expected at least one results directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_must_be_able_to_fail),
		cmocka_unit_test(test_plot_outputs),
		cmocka_unit_test(test_default_and_table),
	};
	return cmocka_run_group_tests_name("gate", tests, setup, teardown);
}
