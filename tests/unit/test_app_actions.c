/* tests/unit/test_app_actions — the experiment's scripted app actions
 * (events scale, update, delete) as each system carries them out, with
 * the numbers worked out by hand: a ReplicaSet's slow-start batches and
 * burst limit, scale-down victim order (Kubernetes' ranking, Marathon's
 * killSelection), Deployment rollouts within maxSurge / maxUnavailable,
 * Marathon deployments within minimumHealthCapacity / maximumOverCapacity
 * and its launch backoff, Aurora's update batches and flapping, delete.
 *
 * Unless a test says otherwise the scheduler is monolithic first-fit with
 * no decision time (t_job 0, t_task 0), so a launch runs at once on the
 * first machine with room. */
#include <limits.h>

#include "testutil.h"

#include "controllers/app_track.h"
#include "specs/spec.h"

/* An experiment: machines (a "machines" list), one app file, events,
 * t_job; results kept in *out (caller removes). */
static json_t *run(const char *machines, const char *file, const char *entry_extra, const char *events, double t_job,
		   char **out)
{
	char exp[8192];
	snprintf(exp, sizeof exp,
		 "{\"name\": \"acts\", \"duration\": 1000, \"check_invariants\": true,"
		 " \"cell\": {\"machines\": %s},"
		 " \"scheduler\": {\"type\": \"monolithic\", \"placement\": \"first-fit\","
		 "   \"paths\": [{\"name\": \"all\", \"t_job\": %g, \"t_task\": 0}]},"
		 " \"output\": {\"sample_interval\": 1},"
		 " \"apps\": [{\"file\": \"%s\"%s%s}], \"events\": [%s]}",
		 machines, t_job, file, entry_extra ? ", " : "", entry_extra ? entry_extra : "", events);
	return tu_run_ok(exp, out);
}

static json_t *app_of(json_t *s, const char *name)
{
	json_t *a = json_object_get(json_object_get(s, "apps"), name);
	assert_non_null(a);
	return a;
}

/* The column of timeseries.csv for times [from, to]: min and max. */
static void ts_range(const char *out, const char *col, double from, double to, long *lo, long *hi)
{
	char path[600];
	snprintf(path, sizeof path, "%s/timeseries.csv", out);
	char *text = tu_read_file(path);
	assert_non_null(text);
	char *save = NULL, *line = strtok_r(text, "\n", &save);
	int idx = -1, k = 0;
	for (char *c = line; c; k++) {
		size_t n = strcspn(c, ",");
		if (strlen(col) == n && strncmp(c, col, n) == 0)
			idx = k;
		c = c[n] ? c + n + 1 : NULL;
	}
	assert_true(idx >= 0);
	*lo = LONG_MAX;
	*hi = LONG_MIN;
	while ((line = strtok_r(NULL, "\n", &save))) {
		double t = atof(line);
		const char *c = line;
		for (int i = 0; i < idx; i++)
			c = strchr(c, ',') + 1;
		long v = atol(c);
		if (t >= from && t <= to) {
			*lo = v < *lo ? v : *lo;
			*hi = v > *hi ? v : *hi;
		}
	}
	free(text);
}

/* The app's jobs from jobs.csv in id order: submit times and sizes. */
static size_t jobs_of(const char *out, const char *workload, double *submit, long *tasks, size_t cap)
{
	char path[600];
	snprintf(path, sizeof path, "%s/jobs.csv", out);
	char *text = tu_read_file(path);
	assert_non_null(text);
	long ids[4096];
	size_t n = 0;
	char *save = NULL, *line = strtok_r(text, "\n", &save);
	while ((line = strtok_r(NULL, "\n", &save)) && n < cap && n < 4096) {
		char wl[64];
		long id, nt;
		double sub;
		/* id,workload,submit,first_attempt,scheduled,end,tasks,... */
		if (sscanf(line, "%ld,%63[^,],%lf,%*[^,],%*[^,],%*[^,],%ld", &id, wl, &sub, &nt) != 4 ||
		    strcmp(wl, workload) != 0)
			continue;
		size_t i = n++;
		while (i > 0 && ids[i - 1] > id) {
			ids[i] = ids[i - 1], submit[i] = submit[i - 1], tasks[i] = tasks[i - 1];
			i--;
		}
		ids[i] = id, submit[i] = sub, tasks[i] = nt;
	}
	free(text);
	return n;
}

static void done(json_t *s, char *out)
{
	json_decref(s);
	if (out) {
		tu_rm_rf(out);
		free(out);
	}
}

/* replica_set.go's slowStartBatch: 1, 2, 4, ... and the rest. */
static void test_slow_start_batches(void **state)
{
	(void)state;
	uint64_t b[64];
	size_t n = cs_k8s_slow_start_batches(500, b, 64);
	const uint64_t want[] = {1, 2, 4, 8, 16, 32, 64, 128, 245}; /* 255 + 245 = 500 */
	assert_int_equal(n, 9);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(b[i], want[i]);
	assert_int_equal(cs_k8s_slow_start_batches(3, b, 64), 2); /* 1, 2 */
	assert_int_equal(cs_k8s_slow_start_batches(0, b, 64), 0);
	/* 25% of 10: maxSurge rounds up to 3, maxUnavailable down to 2 */
	struct cs_intpct q = {25, true}, three = {3, false};
	assert_int_equal(cs_k8s_resolve_intpct(&q, 10, true), 3);
	assert_int_equal(cs_k8s_resolve_intpct(&q, 10, false), 2);
	assert_int_equal(cs_k8s_resolve_intpct(&three, 10, false), 3);
}

/* 1,000 replicas: the first sync makes 500 in batches 1..128 and 245, the
 * next (once they are seen) the other 500 the same way: 18 jobs. */
static void test_burst_and_batches(void **state)
{
	(void)state;
	char *f = tu_file("big-rc.yaml", "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: big}\n"
				      "spec:\n  replicas: 1000\n  template:\n    metadata: {labels: {app: big}}\n"
				      "    spec:\n      containers:\n      - {name: c, resources: {requests: {cpu: 0.1}}}\n");
	char *out;
	json_t *s = run("[{\"name\": \"m\", \"count\": 20, \"cpu\": 8, \"mem\": 65536}]", f, NULL,
			"{\"at\": 900, \"delete\": \"big\"}", 0, &out);
	json_t *a = app_of(s, "big");
	assert_true(tu_num(a, "stopped") == 1000 && tu_num(a, "availability") == 1);
	/* (jobs.csv lists ended jobs: the delete ends them all) */
	double sub[64];
	long tasks[64];
	size_t n = jobs_of(out, "big", sub, tasks, 64);
	const long want[] = {1, 2, 4, 8, 16, 32, 64, 128, 245};
	assert_int_equal(n, 18);
	for (size_t i = 0; i < n; i++)
		assert_true(sub[i] == 0 && tasks[i] == want[i % 9]);
	done(s, out);
	free(f);
}

/* Victims of a scale-down, 4 -> 2.  Machine m-0 has 3 cores, m-1 one; the
 * app grows 1 -> 4 with a scale at 100, 200 and 300 (one pod each, cpu 1):
 * started at 0, 100, 200 on m-0 and at 300 on m-1.  At 400 it is scaled to
 * 2, and m-1 fails at 500.
 *  - Kubernetes ranks m-0's pods first (3 of the set on their node, 1 on
 *    m-1), and of those the ones ready for less time: 200, then 100.  The
 *    pod on m-1 survives: the failure loses it (losses 1).
 *  - Marathon YOUNGEST_FIRST kills 300 (m-1) and 200: nothing is left on
 *    m-1 to lose (losses 0); OLDEST_FIRST kills 0 and 100, and m-1's pod
 *    is lost (losses 1). */
static const char two_machines[] = "[{\"name\": \"m\", \"count\": 1, \"cpu\": 3, \"mem\": 8192},"
				   " {\"name\": \"n\", \"count\": 1, \"cpu\": 1, \"mem\": 8192}]";
static const char grow_then_shrink[] =
	"{\"at\": 100, \"scale\": \"w\", \"instances\": 2}, {\"at\": 200, \"scale\": \"w\", \"instances\": 3},"
	"{\"at\": 300, \"scale\": \"w\", \"instances\": 4}, {\"at\": 400, \"scale\": \"w\", \"instances\": 2},"
	"{\"at\": 500, \"fail_machine\": 1}";

static void test_victims_kubernetes(void **state)
{
	(void)state;
	char *f = tu_file("w-rs.yaml", "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: w}\nspec:\n  replicas: 1\n"
				    "  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n"
				    "    spec:\n      containers:\n      - {name: c, resources: {requests: {cpu: 1}}}\n");
	json_t *s = run(two_machines, f, NULL, grow_then_shrink, 0, NULL);
	json_t *a = app_of(s, "w");
	assert_true(tu_num(a, "stopped") == 2);
	assert_true(tu_num(a, "losses") == 1);
	done(s, NULL);
	free(f);
}

static void test_victims_marathon(void **state)
{
	(void)state;
	char *young = tu_file("w.json", "{\"id\": \"w\", \"instances\": 1, \"cpus\": 1, \"mem\": 128}");
	char *old = tu_file("w-old.json", "{\"id\": \"w\", \"instances\": 1, \"cpus\": 1, \"mem\": 128, "
				       "\"killSelection\": \"OLDEST_FIRST\"}");
	json_t *s = run(two_machines, young, NULL, grow_then_shrink, 0, NULL);
	assert_true(tu_num(app_of(s, "w"), "stopped") == 2);
	assert_true(tu_num(app_of(s, "w"), "losses") == 0);
	done(s, NULL);
	s = run(two_machines, old, NULL, grow_then_shrink, 0, NULL);
	assert_true(tu_num(app_of(s, "w"), "losses") == 1);
	done(s, NULL);
	free(young);
	free(old);
}

/* Pending pods go first: 3 replicas of 2 cores on one 4-core machine (one
 * pending), scaled to 2: the pending one is deleted, no running pod
 * stopped, and the app is available from then on. */
static void test_pending_deleted_first(void **state)
{
	(void)state;
	char *f = tu_file("p-rc.yaml", "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: p}\nspec:\n"
				    "  replicas: 3\n  template:\n    metadata: {labels: {app: p}}\n    spec:\n"
				    "      containers:\n      - {name: c, resources: {requests: {cpu: 2}}}\n");
	char *out;
	json_t *s = run("[{\"name\": \"m\", \"count\": 1, \"cpu\": 4, \"mem\": 8192}]", f, NULL,
			"{\"at\": 100, \"scale\": \"p\", \"instances\": 2}", 0, &out);
	json_t *a = app_of(s, "p");
	assert_true(tu_num(a, "stopped") == 1);
	assert_true(tu_num(a, "running") == 2);
	/* available from 100 to 1000 of 1000 s */
	assert_true(fabs(tu_num(a, "availability") - 0.9) < 1e-9);
	long lo, hi;
	ts_range(out, "app.p.running", 100, 1000, &lo, &hi);
	assert_true(lo == 2 && hi == 2);
	done(s, out);
	free(f);
}

static const char ten_machines[] = "[{\"name\": \"m\", \"count\": 10, \"cpu\": 4, \"mem\": 65536}]";

static char *deployment(const char *name, const char *strategy)
{
	char text[1024];
	snprintf(text, sizeof text,
		 "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 10\n"
		 "  selector: {matchLabels: {app: d}}\n  strategy: %s\n  template:\n    metadata: {labels: {app: d}}\n"
		 "    spec:\n      containers:\n      - {name: c, resources: {requests: {cpu: 1}}}\n",
		 strategy);
	return tu_file(name, text);
}

/* A rolling update of 10 replicas at 100 (1 s per scheduling decision, so
 * the rollout takes steps).  The controller stops an old pod at the
 * moment a new one becomes available, so the running count (sampled every
 * second) never shows the surge: it stays at most 10.  Its floor:
 *  - default 25% / 25% (surge 3, unavailable 2): the new set gets 3 pods
 *    and the old one drops to 10 - 2 at once: [8, 10];
 *  - maxSurge 0, maxUnavailable 1: one old pod goes, then each new pod
 *    that runs lets one more go: [9, 10];
 *  - maxSurge 1, maxUnavailable 0: no old pod goes before a new one runs:
 *    [10, 10];
 *  - Recreate: every old pod goes first: [0, 10].
 * Every run ends with 10 new pods, the 10 old ones stopped. */
static void test_rolling_update(void **state)
{
	(void)state;
	const struct {
		const char *strategy;
		long lo, hi;
	} cases[] = {
		{"{type: RollingUpdate}", 8, 10},
		{"{type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}", 9, 10},
		{"{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}", 10, 10},
		{"{type: Recreate}", 0, 10},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *f = deployment("d.yaml", cases[i].strategy), *out;
		json_t *s = run(ten_machines, f, NULL, "{\"at\": 100, \"update\": \"d\", \"set\": {\"cpus\": 2}}", 1, &out);
		json_t *a = app_of(s, "d");
		long lo, hi;
		ts_range(out, "app.d.running", 100, 1000, &lo, &hi);
		if (lo != cases[i].lo || hi != cases[i].hi)
			print_error("case %zu: running in [%ld, %ld]\n", i, lo, hi);
		assert_true(lo == cases[i].lo && hi == cases[i].hi);
		assert_true(tu_num(a, "running") == 10 && tu_num(a, "stopped") == 10 && tu_num(a, "versions") == 2);
		/* the update is done: 10 pods of 2 cores */
		ts_range(out, "app.d.running", 900, 1000, &lo, &hi);
		assert_true(lo == 10 && hi == 10);
		done(s, out);
		free(f);
	}
}

/* A Marathon deployment of 4 instances at 100, 1 s per decision (an old
 * copy is killed at the moment a new one runs, so the samples never show
 * the over-capacity):
 *  - minimumHealthCapacity 1, maximumOverCapacity 1 (the defaults): 4 new
 *    launched at once, no old one killed before a new one runs: [4, 4];
 *  - 0.5 and 0: minHealthy 2 = maxCapacity 4, so 2 old copies are killed
 *    at once and 2 new launched: [2, 4];
 *  - 1 and 0: minHealthy = maxCapacity = 4 <= the 4 old copies: one over
 *    capacity is allowed, so a new one starts before an old one goes:
 *    [4, 4]. */
static void test_marathon_deployment(void **state)
{
	(void)state;
	const struct {
		const char *strategy;
		long lo, hi;
	} cases[] = {
		{"", 4, 4},
		{", \"upgradeStrategy\": {\"minimumHealthCapacity\": 0.5, \"maximumOverCapacity\": 0}", 2, 4},
		{", \"upgradeStrategy\": {\"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 0}", 4, 4},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[512];
		snprintf(text, sizeof text, "{\"id\": \"/m\", \"instances\": 4, \"cpus\": 1, \"mem\": 128%s}",
			 cases[i].strategy);
		char *f = tu_file("m.json", text), *out;
		json_t *s = run(ten_machines, f, NULL, "{\"at\": 100, \"update\": \"m\", \"set\": {\"mem\": 256}}", 1, &out);
		long lo, hi;
		ts_range(out, "app.m.running", 100, 1000, &lo, &hi);
		if (lo != cases[i].lo || hi != cases[i].hi)
			print_error("case %zu: running in [%ld, %ld]\n", i, lo, hi);
		assert_true(lo == cases[i].lo && hi == cases[i].hi);
		json_t *a = app_of(s, "m");
		assert_true(tu_num(a, "running") == 4 && tu_num(a, "stopped") == 4);
		done(s, out);
		free(f);
	}
}

/* Marathon's launch backoff: a copy that exits after 10 s is launched
 * again after 1 s, then 2, 4, 5, 5 s (backoffFactor 2, capped at
 * maxLaunchDelaySeconds 5): launched at 0, 11, 23, 37, 52, 67. */
static void test_marathon_backoff(void **state)
{
	(void)state;
	assert_true(fabs(cs_marathon_launch_delay(1, 1.15, 300, 1) - 1) < 1e-12);
	assert_true(fabs(cs_marathon_launch_delay(1, 1.15, 300, 3) - 1.3225) < 1e-12);
	assert_true(fabs(cs_marathon_launch_delay(1, 1.15, 300, 100) - 300) < 1e-12);
	char *f = tu_file("b.json", "{\"id\": \"b\", \"instances\": 1, \"cpus\": 1, \"mem\": 128, \"backoffSeconds\": 1,"
				 " \"backoffFactor\": 2, \"maxLaunchDelaySeconds\": 5}");
	char *out;
	json_t *s = run(ten_machines, f, "\"task_duration\": 10, \"task_exit\": \"failed\"", "", 0, &out);
	double sub[64];
	long tasks[64];
	size_t n = jobs_of(out, "b", sub, tasks, 64);
	const double want[] = {0, 11, 23, 37, 52, 67};
	assert_true(n >= 6);
	for (size_t i = 0; i < 6; i++) {
		if (fabs(sub[i] - want[i]) > 1e-9)
			print_error("launch %zu at %g\n", i, sub[i]);
		assert_true(fabs(sub[i] - want[i]) < 1e-9);
	}
	assert_true(tu_num(app_of(s, "b"), "losses") > 60);
	done(s, out);
	free(f);
}

/* Aurora's updater: 4 instances, batch_size 2, watch_secs 30, 1 s per
 * decision.  At 100 the first 2 old copies are killed and 2 new launched
 * (running at 101); watched until 131, then the next 2 (running at 132):
 * the new version's jobs are submitted at 100 and 131. */
static void test_aurora_update(void **state)
{
	(void)state;
	char *f = tu_file("u.aurora", "t = Task(resources = Resources(cpu = 1, ram = 64 * MB, disk = 16 * MB),"
				   " processes = [Process(name = 'p', cmdline = 'x')])\n"
				   "jobs = [Service(cluster = 'c', role = 'r', environment = 'prod', name = 'u', task = t,"
				   " instances = 4, update_config = UpdateConfig(batch_size = 2, watch_secs = 30))]\n");
	char *out;
	json_t *s = run(ten_machines, f, NULL,
			"{\"at\": 100, \"update\": \"u\", \"set\": {\"cpus\": 2}}, {\"at\": 500, \"delete\": \"u\"}", 1, &out);
	double sub[16];
	long tasks[16];
	size_t n = jobs_of(out, "u", sub, tasks, 16);
	/* (jobs.csv has the ended ones: all, after the delete) */
	assert_int_equal(n, 3);
	assert_true(sub[0] == 0 && tasks[0] == 4);
	assert_true(sub[1] == 100 && tasks[1] == 2);
	assert_true(fabs(sub[2] - 131) < 1e-9 && tasks[2] == 2);
	long lo, hi;
	ts_range(out, "app.u.running", 100, 499, &lo, &hi);
	assert_true(lo == 2 && hi == 4);
	json_t *a = app_of(s, "u");
	/* deleted at 500: running 0; stopped: 4 old copies by the update,
	 * 4 new ones by the delete */
	assert_true(tu_num(a, "running") == 0 && tu_num(a, "deleted_at") == 500);
	assert_true(tu_num(a, "stopped") == 8);
	done(s, out);
	free(f);
}

/* clustersim plot of a run with apps and failures draws a third figure:
 * the running instances per app, and the machines down (timeseries.csv's
 * machines_down, 1 from 500 s to 800 s here). */
static void test_apps_plot(void **state)
{
	(void)state;
	char *f = tu_file("pl.json", "{\"id\": \"pl\", \"instances\": 2, \"cpus\": 1, \"mem\": 64}");
	char *out;
	json_t *s = run(ten_machines, f, NULL, "{\"at\": 500, \"fail_machine\": 0}, {\"at\": 800, \"recover_machine\": 0}", 0,
			&out);
	char *row = tu_ts_row(out, "600.000000");
	assert_true(strlen(row) > 2 && strcmp(row + strlen(row) - 2, ",1") == 0); /* machines_down, the last column */
	free(row);
	char args[1400], *err;
	snprintf(args, sizeof args, "plot %s -o %s/fig.svg", out, out);
	assert_int_equal(tu_cli(args, &err), 0);
	free(err);
	char p[700];
	snprintf(p, sizeof p, "%s/fig-apps.svg", out);
	char *svg = tu_read_file(p);
	assert_non_null(svg);
	assert_non_null(strstr(svg, ">pl<"));
	assert_non_null(strstr(svg, "machines down"));
	free(svg);
	done(s, out);
	free(f);
}

static char *deploy_with(const char *name, int replicas, int priority, double cpu)
{
	char text[1024], file[64];
	snprintf(text, sizeof text,
		 "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %s}\nspec:\n  replicas: %d\n"
		 "  selector: {matchLabels: {app: %s}}\n  template:\n    metadata: {labels: {app: %s}}\n"
		 "    spec:\n      priority: %d\n      containers:\n      - {name: c, resources: {requests: {cpu: %g}}}\n",
		 name, replicas, name, name, priority, cpu);
	snprintf(file, sizeof file, "%s.yaml", name);
	return tu_file(file, text);
}

/* The kube-scheduler's preemption (PostFilter), on one 4-core node full at
 * 0 with b (priority 5, 1 core), a (priority 0, 1 core) and c (priority
 * 0, 2 cores), bound in that order.  At 100 s a pod of priority 10 asking
 * 2 cores arrives: all three are candidates (4 cores free without them).
 * Reprieved in order of importance (priority, then age) while the pod
 * still fits: keeping b leaves 3 free, keeping a then 2, keeping c would
 * leave 0: c alone is the victim.  Its replacement finds no room (its
 * priority 0 preempts nothing).  With preemption off the pod waits. */
static void test_kube_preemption(void **state)
{
	(void)state;
	char *a = deploy_with("a", 1, 0, 1), *b = deploy_with("b", 1, 5, 1), *c = deploy_with("c", 1, 0, 2),
	     *hi = deploy_with("hi", 1, 10, 2);
	for (int on = 1; on >= 0; on--) {
		char exp[4096];
		snprintf(exp, sizeof exp,
			 "{\"name\": \"pre\", \"duration\": 1000, \"check_invariants\": true,"
			 " \"cell\": {\"machines\": [{\"name\": \"n\", \"count\": 1, \"cpu\": 4, \"mem\": 65536}]},"
			 " \"scheduler\": {\"type\": \"kubernetes\", \"t_job\": 0, \"t_task\": 0, \"profile\": {\"preemption\": %s}},"
			 " \"apps\": [{\"file\": \"%s\"}, {\"file\": \"%s\"}, {\"file\": \"%s\"}, {\"file\": \"%s\", \"at\": 100}]}",
			 on ? "true" : "false", b, a, c, hi);
		json_t *s = tu_run_ok(exp, NULL);
		if (on) {
			assert_true(tu_num(app_of(s, "hi"), "running") == 1);
			assert_true(tu_num(app_of(s, "c"), "preemptions") == 1 && tu_num(app_of(s, "c"), "running") == 0);
			assert_true(tu_num(app_of(s, "a"), "preemptions") == 0 && tu_num(app_of(s, "a"), "running") == 1);
			assert_true(tu_num(app_of(s, "b"), "preemptions") == 0 && tu_num(app_of(s, "b"), "running") == 1);
			assert_true(tu_num(s, "scheduler_metrics.pods_preempted") == 1);
			assert_true(tu_num(s, "scheduler_metrics.preemptors") == 1);
		} else {
			assert_true(tu_num(app_of(s, "hi"), "running") == 0);
			assert_true(tu_num(s, "scheduler_metrics.pods_preempted") == 0);
		}
		json_decref(s);
	}
	free(a);
	free(b);
	free(c);
	free(hi);
}

/* An instance whose job the scheduler gives up on (max_attempts) is
 * launched again: the real controllers never give up.  The only machine
 * is down from 0 to 100 s, the monolithic scheduler abandons a job after
 * 2 attempts 1 s apart: the app's jobs are abandoned until the machine is
 * back, then its instance runs. */
static void test_abandoned_instances_relaunched(void **state)
{
	(void)state;
	char *f = tu_file("ab.json", "{\"id\": \"ab\", \"instances\": 1, \"cpus\": 1, \"mem\": 64}");
	char exp[2048];
	snprintf(exp, sizeof exp,
		 "{\"name\": \"ab\", \"duration\": 300, \"check_invariants\": true,"
		 " \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 1, \"cpu\": 4, \"mem\": 8192}]},"
		 " \"scheduler\": {\"type\": \"monolithic\", \"max_attempts\": 2, \"retry_interval\": 1,"
		 "   \"paths\": [{\"name\": \"all\", \"t_job\": 0.5, \"t_task\": 0}]},"
		 " \"apps\": [{\"file\": \"%s\"}],"
		 " \"events\": [{\"at\": 0, \"fail_machine\": 0}, {\"at\": 100, \"recover_machine\": 0}]}",
		 f);
	json_t *s = tu_run_ok(exp, NULL);
	assert_true(tu_num(app_of(s, "ab"), "running") == 1);
	assert_true(tu_num(s, "jobs.abandoned") > 10);
	json_decref(s);
	free(f);
}

/* Regressions from an adversarial probe: three updates at one instant
 * stop pending instances whose jobs were never attempted (no task array
 * yet: this crashed); a scale during a Marathon deployment replans it (it
 * stayed at the update's count). */
static void test_events_at_one_instant(void **state)
{
	(void)state;
	char *f = tu_file("u1.json", "{\"id\": \"u1\", \"instances\": 1, \"cpus\": 0.5, \"mem\": 64}");
	json_t *s = run(ten_machines, f, NULL,
			"{\"at\": 600, \"update\": \"u1\", \"set\": {\"image\": \"a\"}},"
			"{\"at\": 600, \"update\": \"u1\", \"set\": {\"image\": \"b\"}},"
			"{\"at\": 600, \"update\": \"u1\", \"set\": {\"image\": \"c\"}}",
			1, NULL);
	json_t *a = app_of(s, "u1");
	assert_true(tu_num(a, "running") == 1 && tu_num(a, "versions") == 4);
	json_decref(s);
	s = run(ten_machines, f, NULL,
		"{\"at\": 600, \"update\": \"u1\", \"set\": {\"cpus\": 1}}, {\"at\": 600.05, \"scale\": \"u1\", \"instances\": 4}", 1,
		NULL);
	a = app_of(s, "u1");
	assert_true(tu_num(a, "running") == 4 && tu_num(a, "desired") == 4);
	json_decref(s);
	s = run(ten_machines, f, NULL,
		"{\"at\": 600, \"update\": \"u1\", \"set\": {\"cpus\": 5}}, {\"at\": 660, \"scale\": \"u1\", \"instances\": 0}", 1,
		NULL);
	assert_true(tu_num(app_of(s, "u1"), "running") == 0);
	json_decref(s);
	free(f);
}

/* Bad app events: one line naming the event and what is wrong. */
static void test_bad_app_events(void **state)
{
	(void)state;
	char *pod = tu_file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: pod}\nspec:\n  containers:\n"
				     "  - {name: c, resources: {requests: {cpu: 1}}}\n");
	char *m = tu_file("mm.json", "{\"id\": \"mm\", \"cpus\": 1}");
	const struct {
		const char *file, *events, *expect;
	} cases[] = {
		{m, "{\"at\": 10, \"scale\": \"nope\", \"instances\": 2}", "events[0].scale: expected the name of one of"},
		{m, "{\"at\": 10, \"scale\": \"mm\"}", "events[0].instances: missing"},
		{m, "{\"at\": 10, \"scale\": \"mm\", \"instances\": -1}", "events[0].instances"},
		{m, "{\"at\": 10, \"update\": \"mm\", \"set\": {\"color\": 1}}", "events[0].set.color: unknown key"},
		{m, "{\"at\": 10, \"update\": \"mm\", \"set\": {\"cpus\": -1}}", "events[0].set.cpus"},
		{m, "{\"at\": 10, \"delete\": \"mm\", \"instances\": 2}", "delete takes no instances"},
		{m, "{\"at\": 20, \"scale\": \"mm\", \"instances\": 2}, {\"at\": 10, \"scale\": \"mm\", \"instances\": 3}",
		 "events[1].at: events of one app are listed in time order"},
		{m, "{\"at\": 10, \"delete\": \"mm\"}, {\"at\": 20, \"scale\": \"mm\", \"instances\": 3}",
		 "events[1]: mm is deleted by an earlier event"},
		{m, "{\"at\": 10, \"scale\": \"mm\", \"update\": \"mm\", \"instances\": 3}", "one action per event"},
		{m, "{\"at\": 10, \"scale\": \"mm\", \"instances\": 3, \"set\": {}}", "set is for update"},
		{pod, "{\"at\": 10, \"scale\": \"pod\", \"instances\": 3}", "is a bare Pod"},
		{m, "{\"at\": 200, \"scale\": \"mm\", \"instances\": 3}", "events[0].at: after the run's end (got 200s, duration 100s)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char exp[2048];
		snprintf(exp, sizeof exp,
			 "{\"name\": \"b\", \"duration\": 100, \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 1, "
			 "\"cpu\": 4, \"mem\": 8192}]}, \"apps\": [{\"file\": \"%s\"}], \"events\": [%s]}",
			 cases[i].file, cases[i].events);
		tu_run_fails(exp, cases[i].expect, i);
	}
	free(pod);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slow_start_batches),
		cmocka_unit_test(test_burst_and_batches),
		cmocka_unit_test(test_victims_kubernetes),
		cmocka_unit_test(test_victims_marathon),
		cmocka_unit_test(test_pending_deleted_first),
		cmocka_unit_test(test_rolling_update),
		cmocka_unit_test(test_marathon_deployment),
		cmocka_unit_test(test_marathon_backoff),
		cmocka_unit_test(test_aurora_update),
		cmocka_unit_test(test_apps_plot),
		cmocka_unit_test(test_kube_preemption),
		cmocka_unit_test(test_abandoned_instances_relaunched),
		cmocka_unit_test(test_events_at_one_instant),
		cmocka_unit_test(test_bad_app_events),
	};
	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
