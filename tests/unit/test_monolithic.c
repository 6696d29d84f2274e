/* The monolithic scheduler's rules, each on a run whose outcome can be
 * worked out by hand. */
#include <math.h>

#include "testutil.h"

/* Decision time = t_job + t_task x tasks: 10 jobs of 4 tasks every 100 s,
 * t_job 2, t_task 0.5 -> 4 s each; busy = 40 / 1000. */
static void test_decision_time(void **state)
{
	json_t *s = tu_run_ok("{\"duration\":1000,\"cell\":{\"machines\":[{\"count\":10,\"cpu\":4,\"mem\":100}]},"
			"\"workloads\":[{\"name\":\"b\",\"arrival\":100,\"tasks\":4,\"task_duration\":10,"
			"\"task_cpu\":1,\"task_mem\":1}],"
			"\"scheduler\":{\"type\":\"monolithic\",\"paths\":[{\"t_job\":2,\"t_task\":0.5}]}}",
			NULL);
	assert_true(tu_num(s, "jobs.submitted") == 10);
	/* the job at t=1000 is still deciding at the end */
	assert_true(tu_num(s, "jobs.scheduled") == 9);
	assert_true(fabs(tu_num(s, "schedulers.monolithic.busy") - 36.0 / 1000) < 1e-12);
	assert_true(tu_num(s, "wait_first_attempt.mean") == 0);
	assert_true(tu_num(s, "wait_scheduled.mean") == 4);
	assert_true(tu_num(s, "schedulers.monolithic.busy_wasted") == 0);
	json_decref(s);
}

/* One decision at a time: a 100 s service decision blocks the batch job
 * that arrives during it, in single-path and in multi-path alike. */
static void test_head_of_line_blocking(void **state)
{
#define FMT_HOL \
		"{\"duration\":300,\"cell\":{\"machines\":[{\"count\":10,\"cpu\":4,\"mem\":100}]}," \
		"\"workloads\":[{\"name\":\"svc\",\"kind\":\"service\",\"arrival\":1,\"max_jobs\":1,\"task_cpu\":1,\"task_mem\":1}," \
		"{\"name\":\"b\",\"arrival\":10,\"max_jobs\":1,\"task_duration\":5,\"task_cpu\":1,\"task_mem\":1}]," \
		"\"scheduler\":{\"type\":\"monolithic\",\"paths\":%s}}"
	const char *paths[2] = {
		"[{\"t_job\":100,\"t_task\":0}]",
		"[{\"workloads\":[\"svc\"],\"t_job\":100,\"t_task\":0},{\"workloads\":[\"b\"],\"t_job\":0.1,\"t_task\":0}]",
	};
	double want_sched[2] = {101 + 100 - 10, 101 + 0.1 - 10};
	for (int i = 0; i < 2; i++) {
		char text[2048];
		snprintf(text, sizeof text, FMT_HOL, paths[i]);
		json_t *s = tu_run_ok(text, NULL);
		/* the batch job (arrived at 10) waits for the decision that ends at 101 */
		assert_true(fabs(tu_num(s, "workloads.b.wait_first_attempt.mean") - 91) < 1e-9);
		assert_true(fabs(tu_num(s, "workloads.b.wait_scheduled.mean") - want_sched[i]) < 1e-9);
		json_decref(s);
	}
}

/* A full cell: every attempt fails; after max_attempts the job is
 * abandoned; every attempt's time is wasted. */
static void test_abandonment(void **state)
{
	json_t *s = tu_run_ok("{\"duration\":100,\"cell\":{\"machines\":[{\"count\":4,\"cpu\":1,\"mem\":1}]},"
			"\"prefill\":{\"utilization\":1,\"task_cpu\":1,\"task_mem\":1},"
			"\"workloads\":[{\"name\":\"b\",\"arrival\":10,\"max_jobs\":3,\"task_duration\":5,\"task_cpu\":1,\"task_mem\":1}],"
			"\"scheduler\":{\"type\":\"monolithic\",\"paths\":[{\"t_job\":0.5,\"t_task\":0}],"
			"\"retry\":\"interval\",\"retry_interval\":2,\"max_attempts\":4}}",
			NULL);
	assert_true(tu_num(s, "jobs.submitted") == 3);
	assert_true(tu_num(s, "jobs.abandoned") == 3);
	assert_true(tu_num(s, "schedulers.monolithic.jobs_abandoned") == 3);
	assert_true(tu_num(s, "schedulers.monolithic.transactions") == 12);
	assert_true(fabs(tu_num(s, "schedulers.monolithic.busy") - 6.0 / 100) < 1e-12);
	assert_true(tu_num(s, "schedulers.monolithic.busy_wasted") == tu_num(s, "schedulers.monolithic.busy"));
	assert_true(tu_num(s, "utilization.cpu") == 1);
	json_decref(s);
}

/* Retry modes: the cell is full until t=100 (prefill tasks of 100 s); a
 * job arriving at 10.3 is placed the moment resources are freed with
 * "event", at the next retry after 100 with "interval" (attempts at
 * 10.3, 11.3, ... each taking 0 s: the one at 100.3). */
static void test_retry_modes(void **state)
{
#define FMT_RETRY \
		"{\"duration\":200,\"cell\":{\"machines\":[{\"count\":2,\"cpu\":1,\"mem\":1}]}," \
		"\"prefill\":{\"utilization\":1,\"task_cpu\":1,\"task_mem\":1,\"task_duration\":100}," \
		"\"workloads\":[{\"name\":\"b\",\"arrival\":10.3,\"max_jobs\":1,\"task_duration\":5,\"task_cpu\":1,\"task_mem\":1}]," \
		"\"scheduler\":{\"type\":\"monolithic\",\"paths\":[{\"t_job\":0,\"t_task\":0}],\"retry\":\"%s\",\"max_attempts\":0}}"
	char text[2048];
	snprintf(text, sizeof text, FMT_RETRY, "event");
	json_t *s = tu_run_ok(text, NULL);
	assert_true(fabs(tu_num(s, "wait_scheduled.mean") - (100 - 10.3)) < 1e-9);
	assert_true(tu_num(s, "schedulers.monolithic.transactions") == 2);
	json_decref(s);
	snprintf(text, sizeof text, FMT_RETRY, "interval");
	s = tu_run_ok(text, NULL);
	assert_true(fabs(tu_num(s, "wait_scheduled.mean") - 90) < 1e-9);
	assert_true(tu_num(s, "schedulers.monolithic.transactions") == 91);
	json_decref(s);
}

/* A failed machine's tasks are lost and placed again on the others. */
static void test_machine_failure(void **state)
{
	char *dir;
	json_t *s = tu_run_ok("{\"duration\":1000,\"cell\":{\"machines\":[{\"count\":4,\"cpu\":2,\"mem\":2}]},"
			"\"workloads\":[{\"name\":\"svc\",\"kind\":\"service\",\"arrival\":1,\"max_jobs\":1,\"tasks\":4,"
			"\"task_cpu\":1,\"task_mem\":1}],"
			"\"scheduler\":{\"type\":\"monolithic\",\"placement\":\"first-fit\",\"paths\":[{\"t_job\":1,\"t_task\":0}]},"
			"\"machine_events\":[{\"at\":100,\"action\":\"down\",\"first\":0,\"count\":1}],"
			"\"check_invariants\":true}",
			&dir);
	/* first fit put two tasks on each of machines 0 and 1; both on 0 are lost */
	assert_true(tu_num(s, "tasks_lost") == 2);
	assert_true(tu_num(s, "schedulers.monolithic.transactions") == 2);
	assert_true(tu_num(s, "jobs.scheduled") == 1);
	/* at 120 s: 4 tasks running again, no job pending */
	char *row = tu_ts_row(dir, "120.000000");
	assert_non_null(strstr(row, ",4,0,1,"));
	free(row);
	json_decref(s);
	tu_rm_rf(dir);
	free(dir);
}

/* EASY with a job that loses tasks twice, the second time while it is
 * still queued (its need grows from 1 task to 2 in the queue).  Worked
 * out: a (4 tasks, 1000 s) fills the 4 machines at 1 s; b (1 task, 10 s)
 * queues at 2 s.  Machine 0 fails at 100 s and machine 1 at 200 s: a needs
 * 2 again.  At 300 s machine 0 is back: a cannot start (needs 2), its
 * shadow is 1001 s, and b ends by then: b is backfilled at 300 s, ends at
 * 310 s.  At 400 s machine 1 is back: a's 2 tasks start, end at 1400 s. */
static void test_easy_requeue_after_failures(void **state)
{
	char *dir;
	json_t *s = tu_run_ok("{\"duration\":3000,\"cell\":{\"machines\":[{\"count\":4,\"cpu\":1,\"mem\":1}]},"
			      "\"workloads\":[{\"name\":\"a\",\"arrival\":{\"dist\":\"const\",\"value\":1},\"max_jobs\":1,"
			      "\"tasks\":4,\"task_duration\":1000,\"task_cpu\":1,\"task_mem\":1},"
			      "{\"name\":\"b\",\"arrival\":{\"dist\":\"const\",\"value\":2},\"max_jobs\":1,\"tasks\":1,"
			      "\"task_duration\":10,\"task_cpu\":1,\"task_mem\":1}],"
			      "\"scheduler\":{\"type\":\"monolithic\",\"queue\":\"easy\",\"placement\":\"first-fit\"},"
			      "\"machine_events\":[{\"at\":100,\"action\":\"down\",\"first\":0,\"count\":1},"
			      "{\"at\":200,\"action\":\"down\",\"first\":1,\"count\":1},"
			      "{\"at\":300,\"action\":\"up\",\"first\":0,\"count\":1},"
			      "{\"at\":400,\"action\":\"up\",\"first\":1,\"count\":1}],"
			      "\"check_invariants\":true}",
			      &dir);
	assert_true(tu_num(s, "tasks_lost") == 2);
	assert_true(tu_num(s, "scheduler_metrics.backfilled") == 1);
	assert_true(tu_num(s, "jobs.completed") == 2);
	char path[512];
	snprintf(path, sizeof path, "%s/jobs.csv", dir);
	char *csv = tu_read_file(path);
	assert_non_null(strstr(csv, "\n2,b,2.000000,300.000000,300.000000,310.000000,1,1,completed\n"));
	assert_non_null(strstr(csv, "\n1,a,1.000000,1.000000,1.000000,1400.000000,4,2,completed\n"));
	free(csv);
	json_decref(s);
	tu_rm_rf(dir);
	free(dir);
}

/* Prefill jobs are no workload's: when they end, the count of running
 * jobs does not change (it once went down by one). */
static void test_prefill_end_keeps_counts(void **state)
{
	char *dir;
	json_t *s = tu_run_ok("{\"duration\":30,\"output\":{\"sample_interval\":20},"
			      "\"cell\":{\"machines\":[{\"count\":2,\"cpu\":2,\"mem\":2}]},"
			      "\"prefill\":{\"utilization\":0.5,\"task_cpu\":1,\"task_mem\":1,\"task_duration\":10},"
			      "\"workloads\":[{\"name\":\"s\",\"kind\":\"service\",\"arrival\":1,\"max_jobs\":1,"
			      "\"task_cpu\":1,\"task_mem\":1}],"
			      "\"scheduler\":{\"type\":\"monolithic\",\"paths\":[{\"t_job\":0,\"t_task\":0}]}}",
			      &dir);
	/* at 20 s: 1 task running, 0 jobs pending, 1 job running */
	char *row = tu_ts_row(dir, "20.000000");
	assert_non_null(strstr(row, ",1,0,1,"));
	free(row);
	json_decref(s);
	tu_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decision_time),
		cmocka_unit_test(test_head_of_line_blocking),
		cmocka_unit_test(test_abandonment),
		cmocka_unit_test(test_retry_modes),
		cmocka_unit_test(test_machine_failure),
		cmocka_unit_test(test_easy_requeue_after_failures),
		cmocka_unit_test(test_prefill_end_keeps_counts),
	};
	return cmocka_run_group_tests_name("monolithic", tests, NULL, NULL);
}
