/* Adding a kind is one file plus one registry line: an example scheduler
 * kind, an example Mesos framework kind and an example controller kind
 * (tests/kinds/), each registered by one line in the extra-kinds tables
 * below (a kind of the project's is a line in its layer's registry.c),
 * run in experiments like any built-in kind. */
#include "testutil.h"

#include "../kinds/example_controller.c"
#include "../kinds/example_framework.c"
#include "../kinds/example_scheduler.c"

const struct cs_scheduler_ops *const *cs_scheduler_extra_kinds(void)
{
	static const struct cs_scheduler_ops *const kinds[] = {&example_first_fit_ops, NULL};
	return kinds;
}

const struct cs_framework_ops *const *cs_framework_extra_kinds(void)
{
	static const struct cs_framework_ops *const kinds[] = {&example_framework_ops, NULL};
	return kinds;
}

const struct cs_controller_ops *const *cs_controller_extra_kinds(void)
{
	static const struct cs_controller_ops *const kinds[] = {&example_controller_ops, NULL};
	return kinds;
}

#define CELL "\"cell\":{\"machines\":[{\"count\":4,\"cpu\":2,\"mem\":100}]}"

/* 10 jobs of 3 one-core tasks, one every 10 s, running 15 s: first fit
 * places each at once on the first machines (8 cores hold two jobs). */
static void test_example_scheduler(void **state)
{
	json_t *s = tu_run_ok("{\"duration\":200," CELL ",\"check_invariants\":true,"
			      "\"workloads\":[{\"name\":\"b\",\"arrival\":10,\"max_jobs\":10,\"tasks\":3,"
			      "\"task_duration\":15,\"task_cpu\":1,\"task_mem\":1}],"
			      "\"scheduler\":{\"type\":\"example-first-fit\"}}",
			      NULL);
	assert_true(tu_num(s, "jobs.completed") == 10);
	assert_true(tu_num(s, "wait_scheduled.mean") == 0);
	assert_true(tu_num(s, "schedulers.example.transactions") == 10);
	assert_string_equal(json_string_value(json_object_get(s, "scheduler_type")), "example-first-fit");
	json_decref(s);
}

/* The example framework over the Mesos allocator: status updates for
 * every start, one kill (its task placed again), a suppression and a
 * revival, and offers rescinded by the offer timeout. */
static void test_example_framework(void **state)
{
	memset(&example_fw_stats, 0, sizeof example_fw_stats);
	json_t *s = tu_run_ok("{\"duration\":200," CELL ",\"check_invariants\":true,"
			      "\"workloads\":[{\"name\":\"b\",\"arrival\":10,\"max_jobs\":5,\"tasks\":2,"
			      "\"task_duration\":15,\"task_cpu\":1,\"task_mem\":1}],"
			      "\"scheduler\":{\"type\":\"mesos\",\"offer_timeout\":0.5,"
			      "\"frameworks\":[{\"name\":\"x\",\"kind\":\"example\"}]}}",
			      NULL);
	assert_true(tu_num(s, "jobs.completed") == 5);
	/* 10 tasks, one killed and placed again: 11 starts, 10 finished */
	assert_int_equal(example_fw_stats.statuses, 11);
	assert_int_equal(example_fw_stats.killed, 1);
	assert_int_equal(example_fw_stats.ended[CS_TASK_KILLED], 1);
	assert_int_equal(example_fw_stats.ended[CS_TASK_FINISHED], 10);
	assert_int_equal(example_fw_stats.suppressions, 1);
	assert_int_equal(example_fw_stats.revivals, 1);
	/* what it kept was taken back by the offer timeout, and it heard so */
	assert_true(example_fw_stats.rescinded > 0);
	assert_true(tu_num(s, "scheduler_metrics.rescinded") == example_fw_stats.rescinded);
	json_decref(s);
}

/* The "jobs" kind's offers time out too while it thinks for 5 s (offers
 * arriving meanwhile join what it holds). */
static void test_rescinded_offers(void **state)
{
	json_t *s = tu_run_ok("{\"duration\":100," CELL ","
			      "\"workloads\":[{\"name\":\"b\",\"arrival\":10,\"max_jobs\":3,\"tasks\":1,"
			      "\"task_duration\":5,\"task_cpu\":1,\"task_mem\":1}],"
			      "\"scheduler\":{\"type\":\"mesos\",\"offer_timeout\":0.5,"
			      "\"frameworks\":[{\"name\":\"x\",\"t_job\":5}]}}",
			      NULL);
	assert_true(tu_num(s, "scheduler_metrics.rescinded") > 0);
	json_decref(s);
}

/* The example controller: one job of 8 tasks, no replacements; first
 * fit puts two on machine 0, which fails at 5 s: those are lost, the other
 * six finish at 10 s. */
static void test_example_controller(void **state)
{
	json_t *s = tu_run_ok("{\"duration\":100," CELL ",\"check_invariants\":true,"
			      "\"controllers\":[{\"name\":\"once\",\"kind\":\"example-once\",\"tasks\":8,"
			      "\"task_duration\":10}],"
			      "\"machine_events\":[{\"at\":5,\"action\":\"down\",\"first\":0,\"count\":1}],"
			      "\"scheduler\":{\"type\":\"example-first-fit\"}}",
			      NULL);
	/* first fit fills machine 0 with two tasks: lost, not replaced */
	assert_true(tu_num(s, "controllers.once.lost") == 2);
	assert_true(tu_num(s, "controllers.once.finished") == 6);
	assert_true(tu_num(s, "controllers.once.jobs_ended") == 1);
	assert_true(tu_num(s, "tasks_lost") == 2);
	json_decref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_scheduler),
		cmocka_unit_test(test_example_framework),
		cmocka_unit_test(test_rescinded_offers),
		cmocka_unit_test(test_example_controller),
	};
	return cmocka_run_group_tests_name("kinds", tests, NULL, NULL);
}
