/* A session balancer attached to a cell (sim/world_balancer.c): its
 * servers are the running tasks of a replicated service placed by the
 * scheduler.  Three replicas of a 2-core task on four 2-core machines
 * (one task per machine); machines 0 and 1 fail at 100 s (one or two of
 * the replicas go with them) and come back at 200 s.  The failed
 * replicas' servers go down with them (their websockets drop, their
 * clients move to the other servers), the controller replaces them, and
 * the replacements come up in the slots the failed ones left, wherever
 * the scheduler put them -- under each of the three scheduler types. */
#include "testutil.h"

static const char *const schedulers[] = {
	"{\"type\":\"monolithic\"}",
	"{\"type\":\"omega\"}",
	"{\"type\":\"mesos\"}",
};

static void service_text(char *text, size_t n, const char *sched, int replicas, int slots, int failing)
{
	snprintf(text, n,
		 "{\"duration\":400,\"seed\":5,\"check_invariants\":true,"
		 "\"cell\":{\"machines\":[{\"count\":4,\"cpu\":2,\"mem\":100}]},"
		 "\"controllers\":[{\"name\":\"web\",\"kind\":\"replicas\",\"replicas\":%d,"
		 "\"task_cpu\":2,\"task_mem\":10}],"
		 "\"machine_events\":[{\"at\":100,\"action\":\"down\",\"first\":0,\"count\":%d},"
		 "{\"at\":200,\"action\":\"up\",\"first\":0,\"count\":%d}],"
		 "\"balancer\":{\"servers\":{\"from\":\"web\",\"slots\":%d}},"
		 "\"clients\":{\"count\":300,\"transport\":\"websocket\"},"
		 "\"output\":{\"sample_interval\":10},"
		 "\"scheduler\":%s}", replicas, failing, failing, slots, sched);
}

/* How many of the row's sessions_sK fields (after the world's columns
 * and connected, ghost_sessions) are 0; the row's connected in *conn. */
static int zero_slots(const char *row, int nslots, int world_cols, long *conn)
{
	const char *p = row;
	int field = 0, zeros = 0;
	while (p) {
		if (field == world_cols)
			*conn = strtol(p, NULL, 10);
		if (field >= world_cols + 2 && field < world_cols + 2 + nslots && strtol(p, NULL, 10) == 0)
			zeros++;
		p = strchr(p, ',');
		if (p)
			p++;
		field++;
	}
	return zeros;
}

static void test_servers_follow_tasks(void **state)
{
	for (size_t i = 0; i < sizeof schedulers / sizeof *schedulers; i++) {
		char text[2048], *dir;
		service_text(text, sizeof text, schedulers[i], 3, 3, 2);
		json_t *s = tu_run_ok(text, &dir);
		double lost = tu_num(s, "tasks_lost");
		if (lost < 1 || lost > 2) {
			print_error("%s: %g replicas lost\n", schedulers[i], lost);
			fail();
		}
		/* the failed servers went down: their sessions moved (freed
		 * with their server: websocket sessions are never ghosts) */
		assert_true(tu_num(s, "balancer.moved_by_failure") >= 1);
		assert_true(tu_num(s, "balancer.ghost_sessions_peak") == 0);
		assert_true(tu_num(s, "controllers.web.replacements") == lost);
		/* every replacement filled a slot a failed replica left */
		assert_true(tu_num(s, "balancer.slots.vacated") == lost);
		assert_true(tu_num(s, "balancer.slots.filled") == 3 + lost);
		assert_true(tu_num(s, "balancer.slots.empty_now") == 0);
		assert_true(tu_num(s, "controllers.web.running") == 3);
		/* before the failure, 100 clients on each server; after it, the
		 * failed (or fresh) servers hold none and the clients are on the
		 * others; at the end, every client is connected */
		int world_cols = 7; /* time .. busy_<one scheduler> */
		long conn = -1;
		char *row = tu_ts_row(dir, "90.000000");
		assert_int_equal(zero_slots(row, 3, world_cols, &conn), 0);
		assert_int_equal(conn, 300);
		free(row);
		row = tu_ts_row(dir, "150.000000");
		assert_int_equal(zero_slots(row, 3, world_cols, &conn), (int)lost);
		assert_int_equal(conn, 300);
		free(row);
		double on_servers = 0;
		for (int k = 1; k <= 3; k++) {
			char key[64];
			snprintf(key, sizeof key, "balancer.sessions_per_server.s%d", k);
			on_servers += tu_num(s, key);
		}
		assert_true(on_servers == 300);
		json_decref(s);
		tu_rm_rf(dir);
		free(dir);
	}
}

/* More tasks than slots: the extra one waits, and takes the first slot
 * that empties.  Four replicas fill the four machines; machine 0 fails:
 * if its replica had a slot, the waiting one takes it at once. */
static void test_waiting_task_takes_a_slot(void **state)
{
	for (size_t i = 0; i < sizeof schedulers / sizeof *schedulers; i++) {
		char text[2048];
		service_text(text, sizeof text, schedulers[i], 4, 3, 1);
		json_t *s = tu_run_ok(text, NULL);
		assert_true(tu_num(s, "balancer.slots.waiting_peak") >= 1);
		double vacated = tu_num(s, "balancer.slots.vacated");
		assert_true(tu_num(s, "balancer.slots.filled") == 3 + vacated);
		assert_true(tu_num(s, "balancer.slots.empty_now") == 0);
		/* a slot emptied by the failure was taken at once: only the
		 * first placement (seconds, under Mesos' offer rounds) left
		 * slots empty, not the 100 s the machine was down */
		assert_true(tu_num(s, "balancer.slots.empty_slot_seconds") < 10);
		json_decref(s);
	}
}

/* The servers can be a workload's tasks too: a service job of three
 * tasks, whose lost task its job places again (no controller). */
static void test_workload_servers(void **state)
{
	for (size_t i = 0; i < sizeof schedulers / sizeof *schedulers; i++) {
		char text[2048];
		snprintf(text, sizeof text,
			 "{\"duration\":400,\"seed\":5,\"check_invariants\":true,"
			 "\"cell\":{\"machines\":[{\"count\":4,\"cpu\":2,\"mem\":100}]},"
			 "\"workloads\":[{\"name\":\"web\",\"kind\":\"service\",\"arrival\":1,\"max_jobs\":1,"
			 "\"tasks\":3,\"task_cpu\":2,\"task_mem\":10}],"
			 "\"machine_events\":[{\"at\":100,\"action\":\"down\",\"first\":0,\"count\":2},"
			 "{\"at\":200,\"action\":\"up\",\"first\":0,\"count\":2}],"
			 "\"balancer\":{\"servers\":{\"from\":\"web\",\"slots\":3}},"
			 "\"clients\":{\"count\":300,\"transport\":\"websocket\"},\"scheduler\":%s}",
			 schedulers[i]);
		json_t *s = tu_run_ok(text, NULL);
		double lost = tu_num(s, "tasks_lost");
		assert_true(lost >= 1 && lost <= 2);
		assert_true(tu_num(s, "balancer.moved_by_failure") >= 1);
		assert_true(tu_num(s, "balancer.slots.vacated") == lost);
		assert_true(tu_num(s, "balancer.slots.filled") == 3 + lost);
		assert_true(tu_num(s, "balancer.slots.empty_now") == 0);
		json_decref(s);
	}
}

/* A trace's initial state (tasks already running at 0) is its
 * workload's running tasks: they are servers from the start.  The
 * google2011 file has two such tasks, running throughout, and a third
 * task from 700 s to 800 s. */
static void test_trace_initial_state_servers(void **state)
{
	const char *text = "{\"duration\":1800,\"seed\":1,"
			   "\"cell\":{\"machines\":[{\"count\":4,\"cpu\":1,\"mem\":1}]},"
			   "\"workloads\":[{\"name\":\"g\",\"kind\":\"service\",\"trace\":{\"format\":\"google2011\","
			   "\"path\":\"tests/traces/google-requests-initial.csv\"}}],"
			   "\"balancer\":{\"servers\":{\"from\":\"g\",\"slots\":4}},"
			   "\"clients\":{\"count\":100,\"transport\":\"websocket\"},\"scheduler\":{\"type\":\"omega\"}}";
	json_t *s = tu_run_ok(text, NULL);
	assert_true(tu_num(s, "traces.g.initial_tasks") == 2);
	assert_true(tu_num(s, "balancer.slots.filled") == 3);
	assert_true(tu_num(s, "balancer.slots.vacated") == 1);
	assert_true(tu_num(s, "balancer.slots.empty_now") == 2);
	/* two slots empty throughout, a third but for 100 s */
	assert_true(tu_num(s, "balancer.slots.empty_slot_seconds") == 2 * 1800 - 100);
	/* up from 0: every client's first open connects */
	assert_true(tu_num(s, "balancer.connect_success_per_open") == 1);
	assert_true(tu_num(s, "balancer.sessions_per_server.s1") + tu_num(s, "balancer.sessions_per_server.s2") == 100);
	json_decref(s);
}

static void test_deterministic(void **state)
{
	char text[2048];
	service_text(text, sizeof text, schedulers[0], 3, 3, 2);
	json_t *a = tu_run_ok(text, NULL), *b = tu_run_ok(text, NULL);
	char *ja = json_dumps(a, JSON_SORT_KEYS), *jb = json_dumps(b, JSON_SORT_KEYS);
	assert_string_equal(ja, jb);
	free(ja);
	free(jb);
	json_decref(a);
	json_decref(b);
}

/* Bad attachments get the usual one-line errors. */
static void test_bad_attachments(void **state)
{
	static const char *const base = "\"cell\":{\"machines\":[{\"count\":1,\"cpu\":1,\"mem\":10}]},"
					"\"workloads\":[{\"name\":\"b\",\"arrival\":1,\"task_duration\":1,\"task_cpu\":1,"
					"\"task_mem\":1}]";
	const char *bad[][2] = {
		{"\"duration\":10,\"clients\":{\"count\":3}", "clients: only with a \"balancer\""},
		{"\"duration\":10,\"sockjs\":{}", "sockjs: only with a \"balancer\""},
		{"\"duration\":10,\"balancer\":{\"servers\":{\"from\":\"c\",\"slots\":2}}",
		 "balancer.servers.from: no workload, controller or Kubernetes Service is named \"c\""},
		{"\"duration\":10,\"balancer\":{\"servers\":{\"from\":\"b\",\"slots\":0}}",
		 "balancer.servers.slots: expected a whole number from 1 to 256 (got 0)"},
		{"\"duration\":10,\"balancer\":{\"servers\":{\"from\":\"b\"}}", "balancer.servers.slots: missing"},
		{"\"duration\":10,\"balancer\":{\"servers\":{\"from\":\"b\",\"slots\":2,\"x\":1}}",
		 "balancer.servers.x: unknown key"},
		{"\"duration\":10,\"balancer\":{\"servers\":3}",
		 "balancer.servers: a balancer beside a cell takes its servers from a workload"},
		{"\"duration\":10,\"events\":[{\"at\":1,\"kill\":\"s0\"}],\"balancer\":{\"servers\":{\"from\":\"b\",\"slots\":2}}",
		 "events[0]: kill and restart are for a balancer's listed servers"},
		{"\"duration\":10,\"balancer\":{\"polcy\":1,\"servers\":{\"from\":\"b\",\"slots\":2}}",
		 "balancer.polcy: unknown key"},
		{"\"balancer\":{\"servers\":{\"from\":\"b\",\"slots\":2}}", "duration: missing"},
		{"\"duration\":10,\"balancer\":{\"session_affinity_timeout\":5,\"servers\":{\"from\":\"b\",\"slots\":2}}",
		 "balancer.session_affinity_timeout: only with \"session_affinity\": \"ClientIP\""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[2048];
		snprintf(text, sizeof text, "{%s,%s}", base, bad[i][0]);
		tu_run_fails(text, bad[i][1], i);
	}
}

/* A reconnect storm (non-sticky round-robin with xhr-polling: every open
 * is followed by a poll on another server, a new session, a retry 10 ms
 * later) stops with an error once it passes limits.jobs requests, in a
 * standalone run and in one attached to a cell, instead of growing until
 * memory runs out; nothing is written. */
static void test_reconnect_storm_is_bounded(void **state)
{
	(void)state;
	tu_run_fails("{\"duration\":\"10m\",\"balancer\":{\"servers\":3},\"clients\":{\"count\":100},"
		     "\"limits\":{\"jobs\":200000}}",
		     "clients: more requests than the limit of 200000", 0);
	tu_run_fails("{\"duration\":\"10m\",\"cell\":{\"machines\":[{\"count\":4,\"cpu\":2,\"mem\":4096}]},"
		     "\"controllers\":[{\"name\":\"web\",\"kind\":\"replicas\",\"replicas\":3,\"task_cpu\":2,\"task_mem\":1024}],"
		     "\"scheduler\":{\"type\":\"omega\"},\"balancer\":{\"servers\":{\"from\":\"web\",\"slots\":3}},"
		     "\"clients\":{\"count\":100},\"limits\":{\"jobs\":200000}}",
		     "clients: more requests than the limit of 200000", 1);
}

/* A Kubernetes Service as the balancer's source: its endpoints are the
 * running pods of the apps its selector selects, and its sessionAffinity
 * (ClientIP, default timeout 10800 s) becomes the balancer's. */
static void test_service_endpoints(void **state)
{
	(void)state;
	char *f = tu_file("svc.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n"
				      "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
				      "    spec: {containers: [{name: c, resources: {requests: {cpu: 1}}}]}\n---\n"
				      "apiVersion: v1\nkind: Service\nmetadata: {name: web-svc}\nspec:\n  selector: {app: web}\n"
				      "  sessionAffinity: ClientIP\n---\n"
				      "apiVersion: v1\nkind: Service\nmetadata: {name: nothing}\nspec:\n  selector: {app: none}\n");
	char text[2048], *dir;
#define SERVICE_EXP "{\"duration\":300,\"seed\":5,\"cell\":{\"machines\":[{\"count\":4,\"cpu\":2,\"mem\":4096}]}," \
			  "\"scheduler\":{\"type\":\"kubernetes\"},\"apps\":[{\"file\":\"%s\"}]," \
			  "\"balancer\":{\"policy\":\"kube-proxy-ipvs-rr\",\"servers\":{\"from\":\"%s\",\"slots\":4}}," \
			  "\"clients\":{\"count\":60,\"transport\":\"websocket\"}}"
	snprintf(text, sizeof text, SERVICE_EXP, f, "web-svc");
	json_t *s = tu_run_ok(text, &dir);
	assert_string_equal(json_string_value(cs_json_get_path(s, "balancer.slots.from")), "web-svc");
	assert_true(tu_num(s, "balancer.slots.filled") == 3);
	assert_true(tu_num(s, "balancer.server_sessions_peak") == 60);
	char p[600];
	snprintf(p, sizeof p, "%s/experiment.json", dir);
	json_t *e = json_load_file(p, 0, NULL);
	assert_string_equal(json_string_value(cs_json_get_path(e, "balancer.session_affinity")), "ClientIP");
	assert_true(json_number_value(cs_json_get_path(e, "balancer.session_affinity_timeout")) == 10800);
	json_decref(e);
	json_decref(s);
	tu_rm_rf(dir);
	free(dir);
	snprintf(text, sizeof text, SERVICE_EXP, f, "nothing");
	tu_run_fails(text, "balancer.servers.from: the Service nothing selects none of the apps", 0);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_servers_follow_tasks),
		cmocka_unit_test(test_waiting_task_takes_a_slot),
		cmocka_unit_test(test_workload_servers),
		cmocka_unit_test(test_trace_initial_state_servers),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_bad_attachments),
		cmocka_unit_test(test_reconnect_storm_is_bounded),
		cmocka_unit_test(test_service_endpoints),
	};
	return cmocka_run_group_tests_name("world_balancer", tests, tu_setup_dir, tu_teardown_dir);
}
