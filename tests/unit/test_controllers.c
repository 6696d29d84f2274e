/* Controllers compose on top of any scheduler (controllers/controller.h):
 * the "replicas" kind keeps 6 copies of a 1-core task running on a cell
 * of 4 two-core machines.  Machines 0 and 1 fail at 50 s (at least 2
 * copies were there: the other two machines hold 4 at most) and come back
 * at 100 s: the controller replaces every lost copy at once, and the
 * scheduler places the replacements when there is room again.  Under the
 * monolithic scheduler (fifo and a batch queue), Omega and Mesos alike:
 * 6 running at the end, as many replacements as copies lost. */
#include "testutil.h"

static const char *const schedulers[] = {
	"{\"type\":\"monolithic\"}",
	"{\"type\":\"monolithic\",\"queue\":\"fcfs\"}",
	"{\"type\":\"omega\"}",
	"{\"type\":\"mesos\"}",
};

static void test_replicas_restore_after_failure(void **state)
{
	for (size_t i = 0; i < sizeof schedulers / sizeof *schedulers; i++) {
		char text[2048];
		snprintf(text, sizeof text,
			 "{\"duration\":200,\"check_invariants\":true,"
			 "\"cell\":{\"machines\":[{\"count\":4,\"cpu\":2,\"mem\":100}]},"
			 "\"controllers\":[{\"name\":\"web\",\"kind\":\"replicas\",\"replicas\":6,"
			 "\"task_cpu\":1,\"task_mem\":10}],"
			 "\"machine_events\":[{\"at\":50,\"action\":\"down\",\"first\":0,\"count\":2},"
			 "{\"at\":100,\"action\":\"up\",\"first\":0,\"count\":2}],"
			 "\"scheduler\":%s}", schedulers[i]);
		json_t *s = tu_run_ok(text, NULL);
		double lost = tu_num(s, "tasks_lost");
		if (tu_num(s, "controllers.web.running") != 6 || tu_num(s, "controllers.web.replacements") != lost ||
		    lost < 2) {
			print_error("%s: running %g, replacements %g, lost %g\n", schedulers[i],
				    tu_num(s, "controllers.web.running"), tu_num(s, "controllers.web.replacements"), lost);
			fail();
		}
		assert_true(tu_num(s, "controllers.web.desired") == 6);
		/* the replacements are jobs of the controller's workload */
		assert_true(tu_num(s, "workloads.web.jobs.submitted") == 1 + lost);
		json_decref(s);
	}
}

/* A controller beside a workload: the scheduler maps it by its name. */
static void test_controller_is_a_workload(void **state)
{
	json_t *s = tu_run_ok("{\"duration\":100,\"cell\":{\"machines\":[{\"count\":4,\"cpu\":4,\"mem\":100}]},"
			      "\"workloads\":[{\"name\":\"b\",\"arrival\":10,\"task_duration\":5,\"task_cpu\":1,\"task_mem\":1}],"
			      "\"controllers\":[{\"name\":\"svc\",\"kind\":\"replicas\",\"replicas\":3,\"at\":20,"
			      "\"task_cpu\":1,\"task_mem\":1}],"
			      "\"scheduler\":{\"type\":\"monolithic\",\"paths\":[{\"name\":\"batch\",\"workloads\":[\"b\"]},"
			      "{\"name\":\"service\",\"workloads\":[\"svc\"],\"t_job\":5}]}}",
			      NULL);
	assert_true(tu_num(s, "controllers.svc.running") == 3);
	assert_true(tu_num(s, "controllers.svc.replacements") == 0);
	/* submitted at its "at" (20 s), placed after the service path's 5 s */
	assert_true(tu_num(s, "workloads.svc.wait_scheduled.mean") >= 5);
	json_decref(s);
}

/* Bad controller entries get the usual one-line errors. */
static void test_bad_controllers(void **state)
{
	const char *bad[][2] = {
		{"[{\"name\":\"x\",\"kind\":\"replica\",\"task_cpu\":1,\"task_mem\":1}]", "controllers[0].kind: unknown controller kind \"replica\" (did you mean \"replicas\"?)"},
		{"[{\"name\":\"x\",\"kind\":\"replicas\",\"task_cpu\":1,\"task_mem\":1,\"replics\":2}]", "controllers[0].replics: unknown key (did you mean \"replicas\"?)"},
		{"[{\"name\":\"x\",\"kind\":\"replicas\",\"task_mem\":1}]", "controllers[0].task_cpu: missing"},
		{"[{\"name\":\"b\",\"kind\":\"replicas\",\"task_cpu\":1,\"task_mem\":1}]", "controllers[0].name: \"b\" names a workload, controller or app already"},
		{"{}", "controllers: expected a list"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[1024];
		snprintf(text, sizeof text,
			 "{\"duration\":10,\"cell\":{\"machines\":[{\"count\":1,\"cpu\":1,\"mem\":10}]},"
			 "\"workloads\":[{\"name\":\"b\",\"arrival\":1,\"task_duration\":1,\"task_cpu\":1,\"task_mem\":1}],"
			 "\"controllers\":%s,\"scheduler\":{\"type\":\"monolithic\"}}", bad[i][0]);
		tu_run_fails(text, bad[i][1], i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replicas_restore_after_failure),
		cmocka_unit_test(test_controller_is_a_workload),
		cmocka_unit_test(test_bad_controllers),
	};
	return cmocka_run_group_tests_name("controllers", tests, NULL, NULL);
}
