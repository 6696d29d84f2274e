/* The task life cycle (sim/task.h) with a backend that starts tasks
 * asynchronously: a test backend in front of the simulation's that takes
 * 2 s to start a task (STAGING meanwhile), fails to start some, and makes
 * some exit with a status or get lost once running.  The scheduler hears
 * every end with its reason; failed and lost tasks of a workload job are
 * placed again; every job completes.  Worked out by hand: one job of 4
 * one-core tasks arrives at t = 1 on 4 machines of 1 core. */
#include "sim/world_internal.h"
#include "testutil.h"

struct test_backend {
	struct cs_world *w;
	int starts, failures_left, exits_left, losses_left;
};

static struct test_backend tb;
static int ended[CS_TASK_LOST + 1];
static void (*real_task_ended)(void *self, struct cs_task *task, enum cs_task_state why);
static struct cs_scheduler_ops wrapped;

static void recording_task_ended(void *self, struct cs_task *task, enum cs_task_state why)
{
	assert_int_equal(task->state, why); /* the task is in its end state when told */
	ended[why]++;
	real_task_ended(self, task, why);
}

/* A running task's fate, 1 s after it started. */
static void fate_fire(void *ctx, cs_time now)
{
	struct cs_task *task = ctx;
	if (task->state != CS_TASK_RUNNING)
		return;
	if (tb.exits_left > 0) {
		tb.exits_left--;
		cs_task_exited(task, 3); /* failed: placed again */
	} else if (tb.losses_left > 0) {
		tb.losses_left--;
		cs_task_lost(task);
	}
}

static void start_fire(void *ctx, cs_time now)
{
	struct cs_task *task = ctx;
	assert_int_equal(task->state, CS_TASK_STAGING); /* 2 s of staging */
	if (tb.failures_left > 0) {
		tb.failures_left--;
		cs_task_start_failed(task, 1);
		return;
	}
	/* started: the simulation's backend schedules its end (10 s) */
	cs_world_sim_backend.start(tb.w, task);
	assert_int_equal(task->state, CS_TASK_RUNNING);
	cs_engine_after(&tb.w->engine, 1 * CS_SEC, fate_fire, task);
}

static void slow_start(void *backend, struct cs_task *task)
{
	tb.starts++;
	task->job->owner = tb.w;
	cs_engine_after(&tb.w->engine, 2 * CS_SEC, start_fire, task);
}

static void slow_kill(void *backend, struct cs_task *task)
{
	cs_world_sim_backend.kill(tb.w, task);
}

static const struct cs_cell_backend_ops slow_backend = {.start = slow_start, .kill = slow_kill};

static void test_async_backend(void **state)
{
	const char *text = "{\"duration\":200,\"cell\":{\"machines\":[{\"count\":4,\"cpu\":1,\"mem\":10}]},"
			   "\"workloads\":[{\"name\":\"b\",\"arrival\":1,\"max_jobs\":1,\"tasks\":4,\"task_duration\":10,"
			   "\"task_cpu\":1,\"task_mem\":1}],"
			   "\"scheduler\":{\"type\":\"monolithic\",\"paths\":[{\"t_job\":0,\"t_task\":0}],"
			   "\"retry\":\"event\"}}";
	json_t *exp = json_loads(text, 0, NULL);
	struct cs_error err = {0};
	struct cs_cfg cfg = {"test.json", ".", &err};
	struct cs_world w;
	int r = cs_world_init(&w, exp, &cfg, NULL, NULL);
	if (r < 0)
		print_error("%s\n", err.msg);
	assert_int_equal(r, 0);
	tb = (struct test_backend){&w, 0, 1, 1, 1};
	cs_cell_set_backend(&w.cell, &slow_backend, &tb);
	wrapped = *w.sched_ops;
	real_task_ended = wrapped.task_ended;
	wrapped.task_ended = recording_task_ended;
	w.sched_ops = &wrapped;
	memset(ended, 0, sizeof ended);
	assert_int_equal(cs_world_run(&w, &err), 0);
	/* 4 placements, then one failed start, one exit 3 and one loss, each
	 * placed again: 7 starts; 4 tasks finish */
	assert_int_equal(tb.starts, 7);
	assert_int_equal(ended[CS_TASK_FAILED], 2);
	assert_int_equal(ended[CS_TASK_LOST], 1);
	assert_int_equal(ended[CS_TASK_FINISHED], 4);
	assert_int_equal(ended[CS_TASK_KILLED], 0);
	json_t *s = cs_world_summary(&w);
	assert_true(tu_num(s, "jobs.completed") == 1);
	assert_true(tu_num(s, "tasks_lost") == 1);
	json_decref(s);
	cs_world_release(&w);
	json_decref(exp);
}

/* The state names, and which states hold a machine. */
static void test_states(void **state)
{
	const char *names[] = {"pending", "staging", "running", "finished", "failed", "killed", "lost"};
	for (int s = CS_TASK_PENDING; s <= CS_TASK_LOST; s++) {
		assert_string_equal(cs_task_state_name((enum cs_task_state)s), names[s]);
		struct cs_task t = {.state = (enum cs_task_state)s};
		assert_int_equal(cs_task_on_machine(&t), s == CS_TASK_STAGING || s == CS_TASK_RUNNING);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_async_backend),
		cmocka_unit_test(test_states),
	};
	return cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL);
}
