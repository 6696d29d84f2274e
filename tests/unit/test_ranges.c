/* Numbers the model cannot represent, and runs out of proportion, are
 * refused up front (issue 11, item 2): every case below exits 2 with one
 * line "clustersim: FILE: WHERE: what (got X)" -- never exit 0 with a
 * wrong answer, an assertion, GSL's abort or a run that fills the disk.
 * Most cases are tests/cases/base.json (10 machines, one workload, the
 * monolithic scheduler) with one key changed by --set; the rest are files
 * in tests/cases/ (the adversarial probe's reproducers).  Runs the real
 * binary ($CLUSTERSIM). */
#include "testutil.h"

struct range_case {
	const char *args;   /* after `clustersim` */
	const char *expect; /* a substring of stderr */
};

#define BASE "run tests/cases/base.json -o /tmp/cs-ranges-out -q "

static const struct range_case cases[] = {
	/* counts and quantities beyond the fixed-point type, or that round to 0 */
	{BASE "--set 'cell.machines[0].count=1e20'", "cell.machines[0].count: expected a whole number from 1 to 10000000 (got 1e+20)"},
	{"run tests/cases/b01-count-1e308.json -o /tmp/cs-ranges-out -q", "cell.machines[0].count: expected a whole number"},
	{BASE "--set 'cell.machines[0].count=2.5'", "cell.machines[0].count: expected a whole number from 1 to 10000000 (got 2.5)"},
	{"run tests/cases/b01-cpu-1e12-total-overflow.json -o /tmp/cs-ranges-out -q", "cell.machines[0].cpu: beyond the model's range: at most 10000000 cores (got 1000000000000)"},
	{"run tests/cases/b01-cpu-1e-7.json -o /tmp/cs-ranges-out -q", "cell.machines[0].cpu: below the model's resolution of 1e-6 cores: it would be 0 (got 1e-07)"},
	{BASE "--set 'cell.machines[0].mem=1e-9'", "cell.machines[0].mem: below the model's resolution"},
	{"run tests/cases/b01-disk-1e308.json -o /tmp/cs-ranges-out -q", "cell.machines[0].disk: beyond the model's range"},
	{BASE "--set 'cell.machines[0].count=10000000' --set 'cell.machines[0].cpu=1000000'", "the cell's total cpu (cores), 1e+13, is beyond the model's range"},
	{"run tests/cases/b01-prefill-mem-1e308.json -o /tmp/cs-ranges-out -q", "prefill.task_mem: beyond the model's range"},
	{BASE "--set prefill.utilization=0.5 --set prefill.task_cpu=64", "prefill.task_cpu: larger than the largest machine"},
	{BASE "--set prefill.utilization=1.5", "prefill.utilization: must be from 0 to 1 (got 1.5)"},
	{"run tests/cases/b01-omega-init-hugecpu.json -o /tmp/cs-ranges-out -q", "oi_hugecpu.log: line 1: a task of 1e+308 cores"},
	{BASE "--set 'workloads[0].task_cpu=1e-7'", "workloads[0].task_cpu: below the model's resolution"},
	{BASE "--set 'workloads[0].task_mem=1e300'", "workloads[0].task_mem: beyond the model's range"},
	/* times beyond the clock */
	{"run tests/cases/b02-tjob-1e308.json -o /tmp/cs-ranges-out -q", "scheduler.paths[0].t_job: beyond the simulator's clock"},
	{"run tests/cases/b02-ttask-1e11.json -o /tmp/cs-ranges-out -q", "scheduler.paths[0].t_task: beyond the simulator's clock: at most 1e+10 s, about 317 years (got 100000000000 s)"},
	{"run tests/cases/w01-duration-1e308.json -o /tmp/cs-ranges-out -q", "duration: beyond the simulator's clock"},
	{BASE "--set duration=1e-9", "duration: below the clock's resolution of 1 us"},
	{BASE "--set scheduler.retry_interval=1e300", "scheduler.retry_interval: beyond the simulator's clock"},
	{"run tests/cases/b12-mesos-refuse-1e308.json -o /tmp/cs-ranges-out -q", "scheduler.refuse_seconds: beyond the simulator's clock"},
	{BASE "--set 'workloads[0].task_duration={\"dist\":\"exp\",\"mean\":1e300}'", "workloads[0].task_duration.mean: beyond the simulator's clock"},
	{BASE "--set 'machine_events=[{\"at\":1e300,\"action\":\"down\"}]'", "machine_events[0].at: beyond the simulator's clock"},
	{"run tests/cases/b03-swf-huge-submit.json -o /tmp/cs-ranges-out -q", "bigsubmit.swf: line 6: submit time beyond the simulator's clock"},
	/* found by make fuzz (omega_init, once UBSan stopped it): a class too
	 * large for an int */
	{"trace info tests/cases/oi_hugeclass.log", "oi_hugeclass.log: line 1: scheduling class: expected 0, 1, 2 or 3 (got 100000000000)"},
	{"trace info tests/cases/hugesubmit.swf", "hugesubmit.swf: line 6: submit time beyond the simulator's clock"},
	{"trace info tests/cases/b03-google-times-max.csv", "b03-google-times-max.csv: line 1: time beyond the simulator's clock"},
	/* distribution parameters that would make GSL abort or overflow */
	{"run tests/cases/b02-weibull-shape-0.005.json -o /tmp/cs-ranges-out -q", "workloads[0].arrival: the distribution's mean, inf s, is beyond the model's range"},
	{BASE "--set 'workloads[0].task_duration={\"dist\":\"lognormal\",\"mu\":1,\"sigma\":100}'", "workloads[0].task_duration: the distribution's mean"},
	{BASE "--set 'workloads[0].arrival={\"dist\":\"pareto\",\"scale\":1e300,\"shape\":2}'", "workloads[0].arrival.scale: beyond the simulator's clock"},
	{BASE "--set 'workloads[0].arrival={\"dist\":\"exp\",\"mean\":1e-300}'", "workloads[0].arrival.mean: below the clock's resolution"},
	/* seeds are exact (up to 2^63 - 1), never rounded */
	{BASE "--seed 9223372036854775808", "--seed: expected a whole number from 0 to 2^63 - 1"},
	{BASE "--set seed=1e19", "seed: expected a whole number from 0 to 9223372036854775807 (got 1e+19)"},
	/* priorities outside their bands (0-11) */
	{"run tests/cases/b12-priority-1e308.json -o /tmp/cs-ranges-out -q", "workloads[0].priority: must be a whole number from 0 to 11 (got 1e+308)"},
	{BASE "--set 'workloads[0].priority=12'", "workloads[0].priority: must be a whole number from 0 to 11 (got 12)"},
	{BASE "--set 'workloads[0].priority=-1'", "workloads[0].priority: must be a whole number from 0 to 11 (got -1)"},
	/* other counts */
	{"run tests/cases/b12-max-jobs-1e308.json -o /tmp/cs-ranges-out -q", "workloads[0].max_jobs: expected a whole number from 0 to 9007199254740992 (got 1e+308)"},
	{"run tests/cases/w02-me-first-1e308.json -o /tmp/cs-ranges-out -q", "machine_events[0].first: expected a whole number from 0 to 9 (got 1e+308)"},
	{BASE "--set scheduler.max_attempts=1e20", "scheduler.max_attempts: expected a whole number from 0 to 4294967295 (got 1e+20)"},
	{BASE "--set scheduler.type=omega --set 'scheduler.schedulers=[{\"count\":1e20}]'", "scheduler.schedulers[0].count: must be a whole number from 1 to 1024 (got 1e+20)"},
	{BASE "--set scheduler.type=mesos --set 'scheduler.frameworks=[{\"weight\":1e308}]'", "scheduler.frameworks[0].weight: must be from 0 to 1000000 (got 1e+308)"},
	/* runs out of proportion, refused before they start */
	{"run tests/cases/b03-century.json -o /tmp/cs-ranges-out -q", "more than the limit of 10000000 (sample less often, or raise the limit with \"limits\": {\"timeseries_rows\": N})"},
	{"run tests/cases/b03-century.json -o /tmp/cs-ranges-out -q --set output.sample_interval=1d", "jobs to expect (duration / mean interarrival time), more than the limit of 100000000"},
	{"run tests/cases/b03-empirical-zero-arrivals.json -o /tmp/cs-ranges-out -q", "workloads[0].arrival: about 6e+08 jobs to expect"},
	{BASE "--set 'workloads[0].arrival=0'", "workloads[0].arrival: the mean interarrival time must be positive (got 0 s)"},
	{BASE "--set 'workloads[0].tasks={\"dist\":\"exp\",\"mean\":1e9}'", "workloads[0].tasks: a mean of 1e+09 tasks per job, more than the limit of 1000000"},
	{"sweep tests/cases/b03-sweep-1e6-points.json -o /tmp/cs-ranges-out -q", "sweep: 1000000 points, more than the limit of 10000 (raise it with \"limits\": {\"sweep_points\": N})"},
	{"run tests/cases/b03-20000-machine-classes.json -o /tmp/cs-ranges-out -q", "cell.machines: 20000 machine classes, more than the limit of 1000"},
	{BASE "--set limits.jobs=0", "limits.jobs: expected a whole number from 1 to 2^53"},
	{BASE "--set limits.job=5", "limits.job: unknown key (did you mean \"jobs\"?)"},
	{"run experiments/balancing/sticky-vs-rr.json -o /tmp/cs-ranges-out -q --set clients.lifetime=0 --set duration=1", "clients.lifetime: the mean must be positive (got 0 s)"},
	{"run experiments/balancing/sticky-vs-rr.json -o /tmp/cs-ranges-out -q --set 'clients.message_interval={\"dist\":\"exp\",\"mean\":1e-6}'", "client arrivals and messages to expect"},
	{"run experiments/balancing/sticky-vs-rr.json -o /tmp/cs-ranges-out -q --set clients.count=1e9", "clients.count: expected a whole number from 1 to 1000000 (got 1000000000)"},
	{"run experiments/balancing/sticky-vs-rr.json -o /tmp/cs-ranges-out -q --set output.sample_interval=1e-6", "rows of timeseries.csv (duration / sample_interval), more than the limit"},
	/* a trace replay without a duration learns its length as it runs */
	{"run tests/cases/b03-swf-huge-submit.json -o /tmp/cs-ranges-out -q --set 'workloads[0].trace.path=\"../traces/easy4.swf\"' --set output.sample_interval=1e-6", "timeseries.csv passed the limit of 10000000 rows"},
};

static void test_out_of_range(void **state)
{
	size_t n = sizeof cases / sizeof *cases, bad = 0;
	for (size_t i = 0; i < n; i++) {
		tu_sh("rm -rf /tmp/cs-ranges-out");
		char *err;
		int rc = tu_cli(cases[i].args, &err);
		/* one line, exit 2, the expected text */
		const char *nl = err ? strchr(err, '\n') : NULL;
		bool one_line = nl && nl[1] == '\0';
		if (rc != 2 || !err || !strstr(err, cases[i].expect) || strncmp(err, "clustersim: ", 12) != 0 ||
		    !one_line) {
			print_error("clustersim %s\n  exit %d (expected 2); stderr:\n%s  expected: \"%s\"\n", cases[i].args,
				    rc, err ? err : "", cases[i].expect);
			bad++;
		}
		free(err);
		/* and nothing was left behind */
		if (tu_sh("test -e /tmp/cs-ranges-out") == 0 && tu_sh("ls -A /tmp/cs-ranges-out | grep -q .") == 0) {
			print_error("clustersim %s left results behind\n", cases[i].args);
			bad++;
		}
	}
	tu_sh("rm -rf /tmp/cs-ranges-out");
	printf("  %zu out-of-range and out-of-proportion inputs refused\n", n);
	assert_int_equal(bad, 0);
}

/* Seeds are exact: 2^53 and 2^53 + 1 are different runs. */
static void test_big_seeds(void **state)
{
	char *dir = tu_tmpdir();
	assert_int_equal(tu_sh("%s run tests/cases/base.json -o %s/a -q --seed 9007199254740992 && "
			       "%s run tests/cases/base.json -o %s/b -q --seed 9007199254740993",
			       tu_binary(), dir, tu_binary(), dir), 0);
	assert_int_not_equal(tu_sh("cmp -s %s/a/summary.json %s/b/summary.json", dir, dir), 0);
	char p[600];
	snprintf(p, sizeof p, "%s/b/summary.json", dir);
	char *s = tu_read_file(p);
	assert_non_null(strstr(s, "\"seed\": 9007199254740993,"));
	free(s);
	tu_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_big_seeds),
	};
	return cmocka_run_group_tests_name("ranges", tests, NULL, NULL);
}
