/* tests/unit/test_apps — apps from spec files kept alive by their
 * systems' controllers, with restore times worked out by hand: the
 * detection delay of each system plus the scheduler's decision time when
 * capacity is free.
 *
 * The cell has two 4-core machines; every app asks for 4 cores, so each
 * instance takes a whole machine, and first-fit puts the first on machine
 * 0.  The monolithic scheduler takes 2 s per decision (t_job 2, t_task 0),
 * so the first instance runs from t = 2.  Machine 0 fails at 1003 s. */
#include "testutil.h"

/* Run with one apps entry (extra: more keys of the entry) and return
 * summary.json's apps.NAME (a new reference to the summary in *summary). */
static json_t *run_app(const char *file, const char *extra, const char *name, const char *more_top, json_t **summary)
{
	char exp[4096];
	snprintf(exp, sizeof exp,
		 "{\"name\": \"apps\", \"duration\": 2000, \"check_invariants\": true,"
		 " \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 2, \"cpu\": 4, \"mem\": 8192}]},"
		 " \"scheduler\": {\"type\": \"monolithic\", \"placement\": \"first-fit\","
		 "   \"paths\": [{\"name\": \"all\", \"t_job\": 2, \"t_task\": 0}]},"
		 " \"apps\": [{\"file\": \"%s\"%s%s}],"
		 " \"events\": [{\"at\": 1003, \"fail_machine\": 0}]%s%s}",
		 file, extra ? ", " : "", extra ? extra : "", more_top ? ", " : "", more_top ? more_top : "");
	*summary = tu_run_ok(exp, NULL);
	json_t *app = json_object_get(json_object_get(*summary, "apps"), name);
	assert_non_null(app);
	return app;
}

static const char rc_yaml[] =
	"apiVersion: v1\nkind: ReplicationController\nmetadata: {name: web}\nspec:\n  replicas: 1\n"
	"  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: c\n"
	"        resources: {requests: {cpu: 4, memory: 1Gi}}\n%s";

/* Kubernetes: the kubelet's last status before 1003 is at 1000; the node
 * controller marks the node NotReady at the first 5 s check strictly
 * after 1000 + 40 = 1040, i.e. 1045; the pod tolerates unreachable for
 * 300 s: evicted and replaced at 1345, placed at 1347.  Restore 344 s.
 * Available from 2 to 1003 and from 1347 to 2000: (1001 + 653) / 2000. */
static void test_kubernetes_rc_restore(void **state)
{
	(void)state;
	char text[1024];
	snprintf(text, sizeof text, rc_yaml, "");
	char *f = tu_file("rc.yaml", text);
	json_t *s, *app = run_app(f, NULL, "web", NULL, &s);
	assert_string_equal(json_string_value(json_object_get(app, "kind")), "kubernetes-ReplicationController");
	assert_true(fabs(tu_num(app, "restore_seconds.median") - 344) < 1e-9);
	assert_true(tu_num(app, "restore_seconds.n") == 1);
	assert_true(tu_num(app, "restarts") == 1 && tu_num(app, "losses") == 1);
	assert_true(fabs(tu_num(app, "availability") - (1001 + 653) / 2000.0) < 1e-9);
	assert_true(fabs(tu_num(app, "running_mean") - (1001 + 653) / 2000.0) < 1e-9);
	json_decref(s);
	/* the grace period and the default toleration are the experiment's:
	 * 1000 + 50 -> NotReady at 1055, + 100 -> 1155, placed 1157: 154 s */
	app = run_app(f, "\"kubernetes\": {\"node_monitor_grace_period\": 50, \"default_toleration_seconds\": 100}", "web",
		      NULL, &s);
	assert_true(fabs(tu_num(app, "restore_seconds.median") - 154) < 1e-9);
	json_decref(s);
	free(f);
	/* the pod's own toleration wins: 1045 + 60 + 2 - 1003 = 104 s */
	snprintf(text, sizeof text, rc_yaml,
		 "      tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 60}]\n");
	f = tu_file("rc60.yaml", text);
	app = run_app(f, NULL, "web", NULL, &s);
	assert_true(fabs(tu_num(app, "restore_seconds.median") - 104) < 1e-9);
	json_decref(s);
	free(f);
	/* tolerated for ever: never evicted, never replaced */
	snprintf(text, sizeof text, rc_yaml, "      tolerations: [{operator: Exists}]\n");
	f = tu_file("rcever.yaml", text);
	app = run_app(f, NULL, "web", NULL, &s);
	assert_true(tu_num(app, "restarts") == 0 && tu_num(app, "restore_seconds.n") == 0);
	json_decref(s);
	free(f);
}

/* A bare Pod is not replaced: available from 2 to 1003 only. */
static void test_kubernetes_bare_pod(void **state)
{
	(void)state;
	char *f = tu_file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: solo}\n"
				   "spec: {containers: [{name: c, resources: {requests: {cpu: 4}}}]}\n");
	json_t *s, *app = run_app(f, NULL, "solo", NULL, &s);
	assert_true(tu_num(app, "restarts") == 0 && tu_num(app, "losses") == 1);
	assert_true(fabs(tu_num(app, "availability") - 1001 / 2000.0) < 1e-9);
	json_decref(s);
	free(f);
}

/* Marathon on Mesos: the master pings at multiples of 15 s; the first
 * after 1003 is 1005, and the fifth unanswered times out at 1005 + 75 =
 * 1080; Marathon relaunches then, placed at 1082: 79 s.  With pings every
 * 10 s and 3 timeouts: 1010 + 30 = 1040, placed 1042: 39 s. */
static void test_marathon_restore(void **state)
{
	(void)state;
	char *f = tu_file("web.json", "{\"id\": \"/web\", \"instances\": \"1\", \"cpus\": \"4\", \"mem\": 512}");
	json_t *s, *app = run_app(f, NULL, "web", NULL, &s);
	assert_string_equal(json_string_value(json_object_get(app, "kind")), "marathon");
	assert_true(fabs(tu_num(app, "restore_seconds.median") - 79) < 1e-9);
	json_decref(s);
	app = run_app(f, "\"mesos\": {\"agent_ping_timeout\": 10, \"max_agent_ping_timeouts\": 3}", "web", NULL, &s);
	assert_true(fabs(tu_num(app, "restore_seconds.median") - 39) < 1e-9);
	json_decref(s);
	free(f);
}

/* Aurora: the seed's hello_world with its key; a service restarts
 * finished copies, a job does not. */
static void test_aurora(void **state)
{
	(void)state;
	const char *aurora =
		"import os\np = Process(name = 'hello_world', cmdline = 'echo hello world')\n"
		"t = Task(resources = Resources(cpu = 4, ram = 16 * MB, disk = 16 * MB), processes = [p])\n"
		"jobs = [Job(cluster = 'cluster1', role = os.getenv('USER'), task = t),\n"
		"        Service(cluster = 'cluster1', role = 'www', environment = 'prod', name = 'svc', task = t)]\n";
	char *f = tu_file("hello.aurora", aurora);
	/* the key picks the job (and gives its environment): lost at 1003,
	 * rescheduled when the agent is removed at 1080, placed 1082 */
	json_t *s, *app = run_app(f, "\"key\": \"cluster1/alice/test/hello_world\"", "hello_world", NULL, &s);
	assert_string_equal(json_string_value(json_object_get(app, "kind")), "aurora-job");
	assert_true(fabs(tu_num(app, "restore_seconds.median") - 79) < 1e-9);
	assert_null(json_object_get(json_object_get(s, "apps"), "svc"));
	json_decref(s);
	/* every copy runs 100 s: the job's one finishes at 102 and is done;
	 * the service's is restarted each time, but a copy that ran under
	 * flapping_threshold (300 s) flaps: its restart waits 30 s, then 60,
	 * 120, 240, and 300 s (the cap) for each flap in a row.  Launched at
	 * 0, 132, 294, 516, 858, 1260, 1662 (each placed 2 s later, ending
	 * 100 s after that: 102, 234, 396, 618, 960, 1362, 1764), so 6
	 * restarts and 7 throttled ends; the next would be at 2064.  (The
	 * failure at 1003 finds no copy: it is waiting then.) */
	setenv("USER", "alice", 1);
	app = run_app(f, "\"task_duration\": 100", "hello_world", NULL, &s);
	assert_true(tu_num(app, "restarts") == 0 && tu_num(app, "losses") == 0);
	assert_true(tu_num(app, "desired") == 0);
	json_t *svc = json_object_get(json_object_get(s, "apps"), "svc");
	assert_non_null(svc);
	assert_string_equal(json_string_value(json_object_get(svc, "kind")), "aurora-service");
	assert_true(tu_num(svc, "restarts") == 6);
	assert_true(tu_num(svc, "throttled") == 7);
	json_decref(s);
	free(f);
}

/* The source material's files as they are, beside a batch workload,
 * with the Service reported with what it selects. */
static void test_seed_apps_run(void **state)
{
	(void)state;
	/* (paths relative to the working directory, the project's root) */
	const char *exp =
		"{\"name\": \"seeds\", \"duration\": \"1h\","
		 " \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 4, \"cpu\": 4, \"mem\": \"16GiB\"}]},"
		 " \"workloads\": [{\"name\": \"batch\", \"kind\": \"batch\", \"arrival\": {\"dist\": \"exp\", \"mean\": 60},"
		 "   \"tasks\": 2, \"task_duration\": 300, \"task_cpu\": 1, \"task_mem\": 1024}],"
		 " \"scheduler\": {\"type\": \"monolithic\"},"
		 " \"apps\": [{\"file\": \"experiments/cluster-managers/apps/ubuntu.json\"},"
		 "   {\"file\": \"experiments/cluster-managers/apps/hello_world.aurora\", \"key\": \"cluster1/bob/test/hello_world\"},"
		 "   {\"file\": \"tests/specs/frontend-rc.yaml\", \"at\": \"10m\"}]}";
	unsetenv("USER"); /* the role comes from the key */
	char *out;
	json_t *s = tu_run_ok(exp, &out);
	json_t *apps = json_object_get(s, "apps");
	assert_true(tu_num(apps, "ubuntu.desired") == 1);
	assert_true(tu_num(apps, "hello_world.desired") == 1);
	assert_true(tu_num(apps, "frontend.desired") == 3);
	/* started at 10 min: running_mean over its own 50 minutes, nearly 3 */
	assert_true(tu_num(apps, "frontend.running_mean") > 2.99);
	json_t *sel = json_object_get(json_object_get(apps, "frontend (Service)"), "selects");
	assert_int_equal(json_array_size(sel), 1);
	assert_string_equal(json_string_value(json_array_get(sel, 0)), "frontend");
	char *row = tu_ts_row(out, "3600.000000");
	assert_non_null(strstr(row, ",1,1,3")); /* app.ubuntu, app.hello_world, app.frontend */
	free(row);
	char path[4200];
	snprintf(path, sizeof path, "%s/timeseries.csv", out);
	char *ts = tu_read_file(path);
	assert_non_null(strstr(ts, "app.ubuntu.running,app.hello_world.running,app.frontend.running"));
	free(ts);
	json_decref(s);
	tu_rm_rf(out);
	free(out);
}

/* The kubernetes scheduler's queue takes the higher priority first: one
 * node, 10 s per decision; "first" is decided from 0 to 10 (it came
 * first, alone), then "high" (priority 100) from 10 to 20, then "low"
 * (priority 0, submitted before "high") from 20 to 30: availabilities
 * over 100 s of 0.9, 0.8 and 0.7. */
static void test_kubernetes_priority_order(void **state)
{
	(void)state;
	char text[512], *files[3];
	const char *names[3] = {"first", "low", "high"};
	int prios[3] = {0, 0, 100};
	for (int i = 0; i < 3; i++) {
		char fname[32];
		snprintf(text, sizeof text,
			 "apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec:\n  priority: %d\n"
			 "  containers: [{name: c, resources: {requests: {cpu: 1}}}]\n", names[i], prios[i]);
		snprintf(fname, sizeof fname, "%s.yaml", names[i]);
		files[i] = tu_file(fname, text);
	}
	char exp[4096];
	snprintf(exp, sizeof exp,
		 "{\"name\": \"prio\", \"duration\": 100, \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 1, \"cpu\": 4, \"mem\": 8192}]},"
		 " \"scheduler\": {\"type\": \"kubernetes\", \"t_job\": 10, \"t_task\": 0},"
		 " \"apps\": [{\"file\": \"%s\"}, {\"file\": \"%s\"}, {\"file\": \"%s\"}]}", files[0], files[1], files[2]);
	json_t *s = tu_run_ok(exp, NULL);
	assert_true(fabs(tu_num(s, "apps.first.availability") - 0.9) < 1e-9);
	assert_true(fabs(tu_num(s, "apps.high.availability") - 0.8) < 1e-9);
	assert_true(fabs(tu_num(s, "apps.low.availability") - 0.7) < 1e-9);
	json_decref(s);
	for (int i = 0; i < 3; i++)
		free(files[i]);
}

static void test_bad_apps(void **state)
{
	(void)state;
	char *rc = tu_file("ok.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n");
	char *bad = tu_file("bad.json", "{\"id\": \"Bad\"}");
	char *aur = tu_file("a.aurora", "p = Process(name = 'x', cmdline = 'y')\nt = Task(processes = [p], "
				     "resources = Resources(cpu = 1, ram = MB, disk = MB))\njobs = [Job(task = t)]\n");
	struct { char text[1024]; const char *expect; } cases[9];
	size_t n = 0;
#define CASE(expect_, ...) (snprintf(cases[n].text, sizeof cases[n].text, __VA_ARGS__), cases[n++].expect = (expect_))
	CASE("apps[0].file: missing", "\"apps\": [{}]");
	CASE("apps[0].fil: unknown key (did you mean \"file\"?)", "\"apps\": [{\"fil\": \"x\"}]");
	CASE("apps[0].file: cannot open", "\"apps\": [{\"file\": \"%s/none.json\"}]", tu_dir());
	CASE("bad.json: id: not a Marathon app id", "\"apps\": [{\"file\": \"%s\"}]", bad);
	CASE("apps[0].key: a job key is for an Aurora config", "\"apps\": [{\"file\": \"%s\", \"key\": \"a/b/c/d\"}]", rc);
	CASE("apps[0].key: no job of", "\"apps\": [{\"file\": \"%s\", \"key\": \"a/b/c/d\"}]", aur);
	CASE("apps[0].key: expected an Aurora job key", "\"apps\": [{\"file\": \"%s\", \"key\": \"a/b\"}]", aur);
	CASE("apps[1]: \"p\" names a workload, controller or app already", "\"apps\": [{\"file\": \"%s\"}, {\"file\": \"%s\"}]", rc, rc);
	CASE("the marathon kind keeps apps of spec files", "\"controllers\": [{\"name\": \"x\", \"kind\": \"marathon\"}]");
#undef CASE
	for (size_t i = 0; i < n; i++) {
		char exp[12288];
		snprintf(exp, sizeof exp,
			 "{\"name\": \"bad\", \"duration\": 100, \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 2, \"cpu\": 4, \"mem\": 4096}]},"
			 " \"scheduler\": {\"type\": \"monolithic\"}, %s}", cases[i].text);
		tu_run_fails(exp, cases[i].expect, i);
	}
	char exp[1024];
	snprintf(exp, sizeof exp, "{\"name\": \"bad\", \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 2, \"cpu\": 4, \"mem\": 4096}]},"
		 " \"scheduler\": {\"type\": \"monolithic\"}, \"apps\": [{\"file\": \"%s\"}]}", rc);
	tu_run_fails(exp, "duration: missing (apps keep work running", 99);
	free(rc);
	free(bad);
	free(aur);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kubernetes_rc_restore),
		cmocka_unit_test(test_kubernetes_bare_pod),
		cmocka_unit_test(test_marathon_restore),
		cmocka_unit_test(test_aurora),
		cmocka_unit_test(test_seed_apps_run),
		cmocka_unit_test(test_kubernetes_priority_order),
		cmocka_unit_test(test_bad_apps),
	};
	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
