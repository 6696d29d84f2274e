/* tests/unit/test_app_frameworks — Marathon, Aurora and Kubernetes as
 * Mesos framework kinds (schedulers/fw_marathon.c, fw_aurora.c,
 * fw_kubernetes.c): which framework takes which app, offers that one
 * app's unplaceable instance does not hold up, Aurora's preemption, and
 * Kubernetes-on-Mesos (the kube filters over offers, Mesos' loss
 * detection), with the numbers worked out by hand.  The frameworks decide
 * in no time (t_job 0, t_task 0) unless a test says otherwise. */
#include "testutil.h"

static json_t *run(const char *cell, const char *frameworks, const char *apps, const char *events, char **out)
{
	char exp[8192];
	snprintf(exp, sizeof exp,
		 "{\"name\": \"fw\", \"duration\": 2000, \"check_invariants\": true, \"cell\": {\"machines\": %s},"
		 " \"scheduler\": {\"type\": \"mesos\", \"frameworks\": %s}, \"apps\": %s, \"events\": [%s]}",
		 cell, frameworks, apps, events);
	return tu_run_ok(exp, out);
}

static json_t *app_of(json_t *s, const char *name)
{
	json_t *a = json_object_get(json_object_get(s, "apps"), name);
	assert_non_null(a);
	return a;
}

static const char one_big[] = "[{\"name\": \"m\", \"count\": 1, \"cpu\": 8, \"mem\": 32768}]";

/* Each app goes to the framework of its format, and a batch workload to
 * the framework without a kind; a "framework" in the entry overrides. */
static void test_apps_find_their_frameworks(void **state)
{
	(void)state;
	char *m = tu_file("m.json", "{\"id\": \"m\", \"instances\": 2, \"cpus\": 1, \"mem\": 64}");
	char *k = tu_file("k.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: k}\nspec:\n  containers:\n"
				    "  - {name: c, resources: {requests: {cpu: 1}}}\n");
	char apps[1024], fws[1024];
	snprintf(apps, sizeof apps, "[{\"file\": \"%s\"}, {\"file\": \"%s\"}]", m, k);
	snprintf(fws, sizeof fws,
		 "[{\"name\": \"a-marathon\", \"kind\": \"marathon\", \"t_job\": 0, \"t_task\": 0},"
		 " {\"name\": \"b-k8s\", \"kind\": \"kubernetes\", \"t_job\": 0, \"t_task\": 0},"
		 " {\"name\": \"c-jobs\", \"t_job\": 0, \"t_task\": 0}]");
	json_t *s = run(one_big, fws, apps, "", NULL);
	/* every framework made exactly its own app's one decision */
	assert_true(tu_num(s, "schedulers.a-marathon.transactions") == 1);
	assert_true(tu_num(s, "schedulers.b-k8s.transactions") == 1);
	assert_true(tu_num(s, "schedulers.c-jobs.transactions") == 0);
	json_decref(s);
	/* the entry's framework wins */
	snprintf(apps, sizeof apps, "[{\"file\": \"%s\", \"framework\": \"c-jobs\"}, {\"file\": \"%s\"}]", m, k);
	s = run(one_big, fws, apps, "", NULL);
	assert_true(tu_num(s, "schedulers.a-marathon.transactions") == 0);
	assert_true(tu_num(s, "schedulers.c-jobs.transactions") == 1);
	json_decref(s);
	/* errors: two frameworks take the app; a framework that is not one */
	char exp[4096];
	snprintf(exp, sizeof exp,
		 "{\"name\": \"x\", \"duration\": 10, \"cell\": {\"machines\": %s}, \"scheduler\": {\"type\": \"mesos\","
		 " \"frameworks\": [{\"name\": \"a\", \"kind\": \"marathon\"}, {\"name\": \"b\", \"kind\": \"marathon\"}]},"
		 " \"apps\": [{\"file\": \"%s\"}]}",
		 one_big, m);
	tu_run_fails(exp, "2 frameworks take app m: give its apps entry a \"framework\"", 0);
	snprintf(exp, sizeof exp,
		 "{\"name\": \"x\", \"duration\": 10, \"cell\": {\"machines\": %s}, \"scheduler\": {\"type\": \"mesos\","
		 " \"frameworks\": [{\"name\": \"a\", \"kind\": \"marathon\"}]}, \"apps\": [{\"file\": \"%s\", \"framework\": \"zz\"}]}",
		 one_big, m);
	tu_run_fails(exp, "app m names the framework \"zz\", which is not one of them", 1);
	snprintf(exp, sizeof exp,
		 "{\"name\": \"x\", \"duration\": 10, \"cell\": {\"machines\": %s}, \"scheduler\": {\"type\": \"omega\"},"
		 " \"apps\": [{\"file\": \"%s\", \"framework\": \"a\"}]}",
		 one_big, m);
	tu_run_fails(exp, "apps[0].framework: names a Mesos framework: only with a mesos scheduler", 2);
	snprintf(exp, sizeof exp,
		 "{\"name\": \"x\", \"duration\": 10, \"cell\": {\"machines\": %s}, \"scheduler\": {\"type\": \"mesos\","
		 " \"frameworks\": [{\"name\": \"a\", \"kind\": \"aurora\", \"preemption_interval\": \"1us\"},"
		 " {\"name\": \"b\", \"kind\": \"marathon\"}]}, \"apps\": [{\"file\": \"%s\"}]}",
		 one_big, m);
	tu_run_fails(exp, "scheduler.frameworks[0].preemption_interval: expected at least 1 s", 3);
	snprintf(exp, sizeof exp,
		 "{\"name\": \"x\", \"duration\": 10, \"cell\": {\"machines\": %s}, \"apps\": [{\"file\": \"%s\", \"at\": 20}]}",
		 one_big, m);
	tu_run_fails(exp, "apps[0].at: the app would start after the run's end", 4);
	free(m);
	free(k);
}

/* A Marathon app that fits no machine (16 cores on an 8-core cell) does
 * not hold up one submitted after it: on the marathon kind the second
 * runs; on the jobs kind (the Omega study's framework, which waits on its
 * head job) it never does. */
static void test_no_head_of_line_blocking(void **state)
{
	(void)state;
	char *big = tu_file("big.json", "{\"id\": \"big\", \"instances\": 1, \"cpus\": 16, \"mem\": 64}");
	char *small = tu_file("small.json", "{\"id\": \"small\", \"instances\": 2, \"cpus\": 1, \"mem\": 64}");
	char apps[1024];
	snprintf(apps, sizeof apps, "[{\"file\": \"%s\"}, {\"file\": \"%s\", \"at\": 5}]", big, small);
	json_t *s = run(one_big, "[{\"name\": \"mar\", \"kind\": \"marathon\", \"t_job\": 0, \"t_task\": 0}]", apps, "", NULL);
	assert_true(tu_num(app_of(s, "small"), "running") == 2);
	assert_true(tu_num(app_of(s, "big"), "running") == 0);
	json_decref(s);
	s = run(one_big, "[{\"name\": \"jobs\", \"t_job\": 0, \"t_task\": 0}]", apps, "", NULL);
	assert_true(tu_num(app_of(s, "small"), "running") == 0);
	json_decref(s);
	free(big);
	free(small);
}

/* Aurora's preemptor: 4 copies of a non-production job fill the 8-core
 * machine at 0; a production service of 2 copies (another role) arrives
 * at 10.  The preemptor looks every 60 s from the first submission (60,
 * 120, ...); a task may preempt once pending 180 s, so at 240 the service
 * preempts one copy (one slot per agent per look) and runs at once on the
 * freed cores; at 300 the second.  The job's controller restarts its two
 * preempted copies, which stay pending (nothing may preempt production).
 * The service is available from 300 to 2000 of its 1990 s. */
static void test_aurora_preemption(void **state)
{
	(void)state;
	char *low = tu_file("low.aurora", "t = Task(resources = Resources(cpu = 2, ram = 64 * MB, disk = 16 * MB),"
					  " processes = [Process(name = 'p', cmdline = 'x')])\n"
					  "jobs = [Job(cluster = 'c', role = 'r', environment = 'devel', name = 'low',"
					  " task = t, instances = 4)]\n");
	char *prod = tu_file("prod.aurora", "t = Task(resources = Resources(cpu = 2, ram = 64 * MB, disk = 16 * MB),"
					    " processes = [Process(name = 'p', cmdline = 'x')])\n"
					    "jobs = [Service(cluster = 'c', role = 'other', environment = 'prod', name = 'prod',"
					    " task = t, instances = 2, production = True)]\n");
	char apps[1024];
	snprintf(apps, sizeof apps, "[{\"file\": \"%s\"}, {\"file\": \"%s\", \"at\": 10}]", low, prod);
	const char *fw = "[{\"name\": \"aurora\", \"kind\": \"aurora\", \"t_job\": 0, \"t_task\": 0}]";
	char *out;
	json_t *s = run(one_big, fw, apps, "", &out);
	json_t *l = app_of(s, "low"), *p = app_of(s, "prod");
	assert_true(tu_num(l, "preemptions") == 2 && tu_num(l, "running") == 2 && tu_num(l, "restarts") == 2);
	assert_true(tu_num(p, "running") == 2 && tu_num(p, "preemptions") == 0);
	assert_true(fabs(tu_num(p, "availability") - 1700.0 / 1990) < 1e-9);
	char path[600];
	snprintf(path, sizeof path, "%s/jobs.csv", out);
	char *jobs = tu_read_file(path);
	assert_non_null(strstr(jobs, "\n2,prod,10.000000,240.000000,300.000000,,2,2,running\n"));
	free(jobs);
	json_decref(s);
	tu_rm_rf(out);
	free(out);
	/* without preemption the service never runs */
	s = run(one_big, "[{\"name\": \"aurora\", \"kind\": \"aurora\", \"preemption\": false}]", apps, "", NULL);
	assert_true(tu_num(app_of(s, "prod"), "running") == 0);
	json_decref(s);
	free(low);
	free(prod);
}

/* Kubernetes-on-Mesos: an RC of 3 pods with required anti-affinity on
 * the hostname over 2 machines.  The kubernetes framework filters offers
 * as the kube-scheduler would: 2 pods run, one per machine; the jobs
 * framework does not know the rule: all 3 run.  When machine 0 fails at
 * 1003 the pod there is deleted when Mesos removes the agent (pings at
 * multiples of 15 s: 1005 + 5 x 15 = 1080), not at the node controller's
 * eviction (1345): restore 1080 - 1003 = 77 s, and the replacement waits
 * for a node -- machine 1 has one, and anti-affinity: none until 0 is
 * back. */
static void test_kubernetes_on_mesos(void **state)
{
	(void)state;
	char *rc = tu_file("rc.yaml", "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: web}\nspec:\n"
				      "  replicas: 3\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
				      "      affinity:\n        podAntiAffinity:\n"
				      "          requiredDuringSchedulingIgnoredDuringExecution:\n"
				      "          - labelSelector: {matchLabels: {app: web}}\n"
				      "            topologyKey: kubernetes.io/hostname\n"
				      "      containers:\n      - {name: c, resources: {requests: {cpu: 1}}}\n");
	const char *two = "[{\"name\": \"m\", \"count\": 2, \"cpu\": 8, \"mem\": 32768}]";
	char apps[1024];
	snprintf(apps, sizeof apps, "[{\"file\": \"%s\"}]", rc);
	json_t *s = run(two, "[{\"name\": \"k8sm\", \"kind\": \"kubernetes\", \"t_job\": 0, \"t_task\": 0}]", apps, "", NULL);
	assert_true(tu_num(app_of(s, "web"), "running") == 2 && tu_num(app_of(s, "web"), "constraint_violations") == 0);
	json_decref(s);
	s = run(two, "[{\"name\": \"jobs\", \"t_job\": 0, \"t_task\": 0}]", apps, "", NULL);
	assert_true(tu_num(app_of(s, "web"), "running") == 3);
	json_decref(s);
	/* the failure: 4 machines, so the replacement has a node */
	const char *four = "[{\"name\": \"m\", \"count\": 4, \"cpu\": 8, \"mem\": 32768}]";
	s = run(four, "[{\"name\": \"k8sm\", \"kind\": \"kubernetes\", \"t_job\": 0, \"t_task\": 0}]", apps,
		"{\"at\": 1003, \"fail_machine\": 0}", NULL);
	json_t *a = app_of(s, "web");
	assert_true(tu_num(a, "losses") == 1 && tu_num(a, "running") == 3);
	assert_true(fabs(tu_num(a, "restore_seconds.median") - 77) < 1e-9);
	json_decref(s);
	free(rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apps_find_their_frameworks),
		cmocka_unit_test(test_no_head_of_line_blocking),
		cmocka_unit_test(test_aurora_preemption),
		cmocka_unit_test(test_kubernetes_on_mesos),
	};
	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
