/* Trace replay: SWF conventions and queue policies on a hand-checked
 * example, the KTH-SP2 reference numbers, as-recorded replay, strict
 * mode, and priority preemption. */
#include <unistd.h>

#include "testutil.h"

#include "workloads/trace.h"

static char *abspath(const char *rel)
{
	char cwd[1024];
	assert_non_null(getcwd(cwd, sizeof cwd));
	char *p = malloc(2048);
	snprintf(p, 2048, "%s/%s", cwd, rel);
	return p;
}

static json_t *run_swf(const char *rel, const char *queue, const char *extra)
{
	char *path = abspath(rel);
	char text[4096];
	snprintf(text, sizeof text,
		 "{\"workloads\":[{\"name\":\"t\",\"trace\":{\"format\":\"swf\",\"path\":\"%s\"}%s}],"
		 "\"scheduler\":{\"type\":\"monolithic\",\"queue\":\"%s\"}}",
		 path, extra, queue);
	free(path);
	return tu_run_ok(text, NULL);
}

/* tests/traces/easy4.swf, MaxProcs 4 (worked out in the file's jobs):
 *   J1 t=0 3 procs run 100 est 100 -> starts at 0
 *   J2 t=1 4 procs (requested; allocated -1) run 10 -> waits for J1: 100
 *   J3 t=2 1 proc (allocated; requested -1) run 50: EASY backfills it at 2
 *      (ends by the shadow time 100); FCFS starts it at 110
 *   J4 t=3 1 proc run 200 est 150 (< run, so 200) -> 110 under both
 *   J5 run -1, J6 procs 0, J7 8 procs > MaxProcs: skipped, counted. */
static void test_swf_conventions_and_easy(void **state)
{
	json_t *easy = run_swf("tests/traces/easy4.swf", "easy", "");
	assert_true(tu_num(easy, "jobs.submitted") == 4);
	assert_true(tu_num(easy, "traces.t.skipped") == 3);
	assert_true(tu_num(easy, "traces.t.skipped_by_reason.run time < 0") == 1);
	assert_true(tu_num(easy, "traces.t.skipped_by_reason.procs <= 0") == 1);
	assert_true(tu_num(easy, "traces.t.skipped_by_reason.procs > MaxProcs") == 1);
	assert_near(tu_num(easy, "wait_scheduled.mean"), (0 + 99 + 0 + 107) / 4.0, 1e-12);
	assert_near(tu_num(easy, "slowdown_bounded.mean"), (1 + 10.9 + 1 + 307.0 / 200) / 4, 1e-12);
	assert_true(tu_num(easy, "scheduler_metrics.backfilled") == 1);
	assert_near(tu_num(easy, "makespan"), 310, 1e-12);
	json_t *fcfs = run_swf("tests/traces/easy4.swf.gz", "fcfs", "");
	assert_near(tu_num(fcfs, "wait_scheduled.mean"), (0 + 99 + 108 + 107) / 4.0, 1e-12);
	json_t *cons = run_swf("tests/traces/easy4.swf", "conservative", "");
	assert_near(tu_num(cons, "wait_scheduled.mean"), (0 + 99 + 0 + 107) / 4.0, 1e-12);
	/* as recorded: the trace's own wait times (field 3) */
	json_t *rec = run_swf("tests/traces/easy4.swf", "fcfs", ",\"replay\":\"as-recorded\"");
	assert_near(tu_num(rec, "wait_scheduled.mean"), (0 + 99 + 0 + 107) / 4.0, 1e-12);
	assert_true(tu_num(rec, "traces.t.overcommitted_starts") == 0);
	assert_near(tu_num(rec, "traces.t.peak_cpu_demand"), 1.0, 1e-12);
	json_decref(easy);
	json_decref(fcfs);
	json_decref(cons);
	json_decref(rec);
}

/* tests/traces/sjf4.swf, MaxProcs 2, every job on both processors:
 *   J1 t=0 run 100 -> 0; J2 t=1 est 50, J3 t=2 est 10, J4 t=3 est 10 queue.
 *   sjf: by estimate, ties by submission: J3 at 100, J4 at 110, J2 at 120
 *        -> waits 0, 119, 98, 107 (mean 81), makespan 170;
 *   fcfs: J2 at 100, J3 at 150, J4 at 160 -> waits 0, 99, 148, 157. */
static void test_sjf(void **state)
{
	json_t *sjf = run_swf("tests/traces/sjf4.swf", "sjf", "");
	assert_near(tu_num(sjf, "wait_scheduled.mean"), (0 + 119 + 98 + 107) / 4.0, 1e-12);
	assert_near(tu_num(sjf, "wait_scheduled.p99"), 118.64, 1e-9); /* R-7 between 107 and 119 */
	assert_near(tu_num(sjf, "makespan"), 170, 1e-12);
	json_t *fcfs = run_swf("tests/traces/sjf4.swf", "fcfs", "");
	assert_near(tu_num(fcfs, "wait_scheduled.mean"), (0 + 99 + 148 + 157) / 4.0, 1e-12);
	json_decref(sjf);
	json_decref(fcfs);
}

static void test_strict(void **state)
{
	char *path = abspath("tests/traces/easy4.swf");
	char text[4096], *dir = tu_tmpdir();
	snprintf(text, sizeof text,
		 "{\"strict\":true,\"workloads\":[{\"name\":\"t\",\"trace\":{\"format\":\"swf\",\"path\":\"%s\"}}],"
		 "\"scheduler\":{\"type\":\"monolithic\",\"queue\":\"fcfs\"}}", path);
	struct cs_error err = {0};
	assert_null(tu_run_json(text, dir, &err));
	assert_int_equal(err.code, CS_EXIT_INPUT);
	assert_non_null(strstr(err.msg, "easy4.swf: line 10: run time < 0"));
	tu_rm_rf(dir);
	free(dir);
	free(path);
}

/* A run of one trace workload; trace_keys: more keys of the trace object
 * (",\"k\":v"). */
static json_t *run_trace_keys(const char *format, const char *rel, const char *trace_keys, const char *replay,
			      const char *cell)
{
	char *path = abspath(rel);
	char text[4096];
	snprintf(text, sizeof text,
		 "{\"check_invariants\":true,\"cell\":{\"machines\":[%s]},\"workloads\":[{\"name\":\"t\",\"trace\":{\"format\":\"%s\",\"path\":\"%s\"%s},"
		 "\"replay\":\"%s\"}],\"scheduler\":{\"type\":\"monolithic\",\"queue\":\"fcfs\"}}",
		 cell, format, path, trace_keys, replay);
	free(path);
	return tu_run_ok(text, NULL);
}

static json_t *run_trace(const char *format, const char *rel, const char *replay, const char *cell)
{
	return run_trace_keys(format, rel, "", replay, cell);
}

/* tests/traces/google-small.csv, by hand:
 *  job 1: two tasks running at time 0 (the initial state): task 0 never
 *    ends in the file (runs all along), task 1 finishes at 600 s;
 *  job 2: two tasks submitted at 600; task 0 scheduled at 601, evicted at
 *    700, resubmitted at 700, scheduled at 710, finished at 800 (two
 *    instances: 99 s and 90 s); task 1 scheduled at 602, finished at 900
 *    (298 s);
 *  job 3: killed while pending (skipped); job 4: requests missing, runs
 *    from 1000 to the end of the file (1210: censored, 210 s); job 5:
 *    scheduled at the file's last instant (censored, 0 s). */
static void test_google_instances(void **state)
{
	const char *cell = "{\"count\":10,\"cpu\":1,\"mem\":1}";
	json_t *s = run_trace("google2011", "tests/traces/google-small.csv", "reschedule", cell);
	assert_true(tu_num(s, "jobs.submitted") == 4); /* job 2 (2 tasks), its resubmission, jobs 4 and 5 */
	assert_true(tu_num(s, "traces.t.initial_tasks") == 2);
	assert_true(tu_num(s, "prefill.tasks") == 2);
	assert_near(tu_num(s, "prefill.cpu"), 1.0, 1e-12);
	assert_true(tu_num(s, "traces.t.skipped_by_reason.never scheduled") == 1);
	assert_true(tu_num(s, "traces.t.censored") == 3);
	assert_true(tu_num(s, "traces.t.requests_missing") == 1);
	assert_near(tu_num(s, "wait_scheduled.mean"), 0, 1e-12);
	/* the last to end is job 4, at 1000 + 210 */
	assert_near(tu_num(s, "makespan"), 1210 - 600, 1e-12);
	json_decref(s);
	/* as recorded: starts at the SCHEDULE times, so the two tasks of job 2
	 * are two jobs (601 and 602); waits 1, 2, 10 (resubmission), 0, 10 */
	s = run_trace("google2011", "tests/traces/google-small.csv", "as-recorded", cell);
	assert_true(tu_num(s, "jobs.submitted") == 5);
	assert_near(tu_num(s, "wait_scheduled.mean"), (1 + 2 + 10 + 0 + 10) / 5.0, 1e-12);
	json_decref(s);
}

/* The running request of a Google task_events file, time-averaged over
 * `machines` machines of capacity 1, as tests/google_requests.awk computes
 * it from the raw rows (independently of the reader and the world). */
static void independent_requests(const char *rel, int machines, double *cpu, double *mem)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "gzip -dcf '%s' | awk -v machines=%d -f tests/google_requests.awk", rel, machines);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	double secs;
	assert_int_equal(fscanf(p, "%lf %lf %lf", cpu, mem, &secs), 3);
	assert_int_equal(pclose(p), 0);
}

/* tests/traces/google-requests.csv, one machine of 1 cpu, by hand (cpu;
 * memory is 0.1 throughout):
 *  job 1, the initial state: SUBMIT row 0.25, SCHEDULE row 0.5 (the
 *    request in effect), runs from 0 to 1200;
 *  job 2: submitted at 600 asking 0.75, UPDATE_PENDING 0.5 at 610,
 *    SCHEDULE (0.5) at 620, UPDATE_RUNNING 0.25 at 700, ends at 800;
 *  job 5: submitted at 650 (0.25), scheduled at 700, ends at 760;
 *  job 3: submitted and scheduled at 900 (0.25), UPDATE_RUNNING 0.75 at
 *    950, ends at 1000;
 *  job 4: two tasks submitted and scheduled at 1400 (0.1); task 0 is
 *    updated to 0.2 at 1450: two jobs, not one; both end at 1500.
 * As recorded: 0.5 x 1200 + (0.5 x 80 + 0.25 x 100) + 0.25 x 60 + (0.25 x
 * 50 + 0.75 x 50) + (0.1 x 50 + 0.2 x 50 + 0.1 x 100) = 755 core-seconds
 * in 1500 s; at 950 the cell holds 1.25 (over-committed in place).
 * Rescheduled (fcfs): job 2 waits (0.5 is free) until its update to 0.5
 * at 610 and runs its 180 s to 790, shrunk at 700; job 5 waits from 650
 * (the cell is full) until that shrink, and runs 700-760; job 3 starts at
 * 900, no longer fits its machine at 950 (0.5 + 0.75 > 1): stopped, back
 * in the queue asking 0.75, placed when job 1 ends at 1200, runs its 100 s
 * again; job 4 as recorded: 600 + (0.5 x 90 + 0.25 x 90) + 15 + (0.25 x
 * 50 + 0.75 x 100) + 25 = 795; waits 10 and 50. */
#define FMT_REQUESTS \
	"{\"check_invariants\":true,\"cell\":{\"machines\":[{\"count\":1,\"cpu\":1,\"mem\":1}]}," \
	"\"workloads\":[{\"name\":\"t\",\"trace\":{\"format\":\"google2011\",\"path\":\"%s\"}}],\"scheduler\":%s}"

static void test_google_requests(void **state)
{
	const char *trace = "tests/traces/google-requests.csv";
	json_t *s = run_trace("google2011", trace, "as-recorded", "{\"count\":1,\"cpu\":1,\"mem\":1}");
	assert_true(tu_num(s, "jobs.submitted") == 5);
	assert_near(tu_num(s, "utilization.cpu"), 755 / 1500.0, 1e-9);
	assert_near(tu_num(s, "utilization.mem"), 0.1 * (1200 + 180 + 60 + 100 + 200) / 1500.0, 1e-9);
	assert_near(tu_num(s, "traces.t.peak_cpu_demand"), 1.25, 1e-12);
	assert_true(tu_num(s, "traces.t.request_updates") == 3);
	assert_true(tu_num(s, "traces.t.tasks_resized") == 3);
	assert_true(tu_num(s, "traces.t.tasks_stopped_to_resize") == 0);
	assert_near(tu_num(s, "wait_scheduled.mean"), (20 + 50) / 5.0, 1e-12); /* jobs 2 and 5 */
	double cpu, mem;
	independent_requests(trace, 1, &cpu, &mem);
	assert_near(tu_num(s, "utilization.cpu"), cpu, 1e-8);
	assert_near(tu_num(s, "utilization.mem"), mem, 1e-8);
	json_decref(s);

	/* rescheduled, by schedulers that decide at once and wait for freed
	 * resources (a shrink frees them) */
	static const char *const at_once[] = {
		"{\"type\":\"monolithic\",\"queue\":\"fcfs\"}",
		"{\"type\":\"monolithic\",\"retry\":\"event\",\"paths\":[{\"name\":\"p\",\"t_job\":0,\"t_task\":0}]}",
		"{\"type\":\"omega\",\"retry\":\"event\",\"schedulers\":[{\"name\":\"s\",\"t_job\":0,\"t_task\":0}]}",
	};
	char *path = abspath(trace);
	char text[4096];
	for (size_t i = 0; i < sizeof at_once / sizeof *at_once; i++) {
		snprintf(text, sizeof text, FMT_REQUESTS, path, at_once[i]);
		s = tu_run_ok(text, NULL);
		assert_true(tu_num(s, "jobs.completed") == 5);
		assert_near(tu_num(s, "utilization.cpu"), 795 / 1500.0, 1e-9);
		assert_near(tu_num(s, "utilization.mem"), 0.1 * (1200 + 180 + 60 + 150 + 200) / 1500.0, 1e-9);
		assert_near(tu_num(s, "wait_scheduled.mean"), (10 + 50) / 5.0, 1e-12);
		assert_near(tu_num(s, "makespan"), 1500 - 600, 1e-12);
		assert_true(tu_num(s, "traces.t.request_updates") == 4); /* 610, 700, 950, 1450 */
		assert_true(tu_num(s, "traces.t.tasks_resized") == 2);
		assert_true(tu_num(s, "traces.t.tasks_stopped_to_resize") == 1);
		json_decref(s);
	}

	/* every scheduler type keeps the cell consistent through the changes
	 * (invariants checked after every decision) and replays it all */
	static const char *const scheds[] = {
		"{\"type\":\"monolithic\",\"queue\":\"fifo\"}",
		"{\"type\":\"monolithic\",\"queue\":\"easy\"}",
		"{\"type\":\"monolithic\",\"queue\":\"priority\"}",
		"{\"type\":\"omega\",\"conflict\":\"sequence-numbers\",\"schedulers\":[{\"name\":\"s\",\"count\":2}]}",
		"{\"type\":\"mesos\"}",
	};
	for (size_t i = 0; i < sizeof scheds / sizeof *scheds; i++) {
		snprintf(text, sizeof text, FMT_REQUESTS, path, scheds[i]);
		s = tu_run_ok(text, NULL);
		assert_true(tu_num(s, "jobs.completed") == 5);
		assert_true(tu_num(s, "traces.t.tasks_stopped_to_resize") == 1);
		json_decref(s);
	}
	free(path);
}

/* tests/traces/google-requests-initial.csv, one machine of 1 cpu: the
 * initial state is two tasks of 0.5 (running on and on), both updated to
 * 0.9 at 600; job 2 asks 0.25 from 700 to 800.  Rescheduled, neither task
 * fits its machine any more: both are stopped and, being the initial
 * state's, not replaced (the job they made is gone); job 2 runs at once:
 * 1 x 600 + 0.25 x 100 = 625 core-seconds in 800 s.  As recorded, both
 * grow in place: 1 x 600 + 1.8 x 200 + 25 = 985, peak 2.05. */
static void test_google_requests_initial(void **state)
{
	const char *trace = "tests/traces/google-requests-initial.csv", *cell = "{\"count\":1,\"cpu\":1,\"mem\":1}";
	json_t *s = run_trace("google2011", trace, "reschedule", cell);
	assert_true(tu_num(s, "traces.t.tasks_stopped_to_resize") == 2);
	assert_true(tu_num(s, "traces.t.tasks_resized") == 0);
	assert_true(tu_num(s, "jobs.completed") == 1);
	assert_near(tu_num(s, "wait_scheduled.mean"), 0, 1e-12);
	assert_near(tu_num(s, "utilization.cpu"), 625 / 800.0, 1e-9);
	json_decref(s);
	s = run_trace("google2011", trace, "as-recorded", cell);
	assert_true(tu_num(s, "traces.t.tasks_resized") == 2);
	assert_near(tu_num(s, "utilization.cpu"), 985 / 800.0, 1e-9);
	assert_near(tu_num(s, "traces.t.peak_cpu_demand"), 2.05, 1e-12);
	json_decref(s);
}

/* Many updates of one task (the reader's list of changes grows past its
 * first block while it is being appended to): job 7 runs from 600 to
 * 1010 on one machine, updated every 10 s from 610 to 1000, alternately
 * to 0.4 and 0.2 of a core (0.2 at first).  Rescheduled it starts at
 * once, so both replays give 0.2 x 10 + 20 x 0.4 x 10 + 20 x 0.2 x 10 =
 * 122 core-seconds in 1010 s, as the raw rows do. */
static void test_google_many_updates(void **state)
{
	char *dir = tu_tmpdir(), path[600];
	snprintf(path, sizeof path, "%s/updates.csv", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "600000000,,7,0,,0,u,0,0,0.2,0.1,0,0\n600000000,,7,0,1,1,u,0,0,0.2,0.1,0,0\n");
	for (int k = 1; k <= 40; k++)
		fprintf(f, "%d0000000,,7,0,1,8,u,0,0,%s,0.1,0,0\n", 60 + k, k % 2 ? "0.4" : "0.2");
	fprintf(f, "1010000000,,7,0,1,4,u,0,0,0.2,0.1,0,0\n");
	fclose(f);
	double cpu, mem;
	independent_requests(path, 1, &cpu, &mem);
	assert_near(cpu, 122 / 1010.0, 1e-7); /* (the script prints 9 decimals) */
	char text[4096];
	for (int as_recorded = 0; as_recorded < 2; as_recorded++) {
		snprintf(text, sizeof text,
			 "{\"check_invariants\":%s,\"cell\":{\"machines\":[{\"count\":1,\"cpu\":1,\"mem\":1}]},"
			 "\"workloads\":[{\"name\":\"t\",\"trace\":{\"format\":\"google2011\",\"path\":\"%s\"},"
			 "\"replay\":\"%s\"}],\"scheduler\":{\"type\":\"monolithic\",\"queue\":\"fcfs\"}}",
			 as_recorded ? "false" : "true", path, as_recorded ? "as-recorded" : "reschedule");
		json_t *s = tu_run_ok(text, NULL);
		assert_true(tu_num(s, "traces.t.request_updates") == 40);
		assert_true(tu_num(s, "traces.t.tasks_resized") == 40);
		assert_near(tu_num(s, "utilization.cpu"), 122 / 1010.0, 1e-9);
		json_decref(s);
	}
	tu_rm_rf(dir);
	free(dir);
}

/* The shipped part 0 as recorded against tests/google_requests.awk on
 * the raw file (12,500 machines of capacity 1): the time-0 state takes
 * its SCHEDULE rows' requests, not its SUBMIT rows' (which the replay
 * took before, 9.2% below: cpu 0.5442 against 0.5994). */
static void test_google_part0_requests(void **state)
{
	const char *trace = "traces/google/clusterdata2011_task_events_part-00000-of-00500.csv.gz";
	json_t *s = run_trace("google2011", trace, "as-recorded", "{\"count\":12500,\"cpu\":1,\"mem\":1}");
	double cpu, mem;
	independent_requests(trace, 12500, &cpu, &mem);
	printf("  part 0 as recorded: cpu %.7f (independently %.7f), mem %.7f (%.7f)\n", tu_num(s, "utilization.cpu"),
	       cpu, tu_num(s, "utilization.mem"), mem);
	assert_near(tu_num(s, "utilization.cpu"), cpu, 1e-6);
	assert_near(tu_num(s, "utilization.mem"), mem, 1e-6);
	json_decref(s);
}

static json_t *run_google_jobs(const char *replay, const char *job_events)
{
	char *jobs = abspath(job_events);
	char keys[2200];
	snprintf(keys, sizeof keys, ",\"job_events\":\"%s\"", jobs);
	free(jobs);
	return run_trace_keys("google2011", "tests/traces/google-split.csv", keys, replay,
			      "{\"count\":10,\"cpu\":1,\"mem\":1}");
}

/* tests/traces/google-split.csv with google-split-jobs.csv, by hand:
 *  job 10: SUBMIT at 100, SCHEDULE at 102; tasks 0, 1, 2 submitted at
 *    100, 100.5, 101 (in the window: one job at 100), scheduled at 102,
 *    102, 103; task 3 submitted at 200, after the job's SCHEDULE (an
 *    addition: its own job, started at 201);
 *  job 11: SUBMIT at 100.2, its task rows interleaved with job 10's:
 *    tasks at 100.2 and 100.7, one job, both started at 104;
 *  job 12: job_events only (no task rows); job 13: task rows only;
 *  job 14: SUBMIT at 400 and no SCHEDULE row (as when one is missing):
 *    task 1 submitted at 400.5 joins it; the first task SCHEDULE, at 401,
 *    closes the window, so task 0's resubmission at 402 (evicted at 402
 *    after running from 401) stays a job of its own, started at 403;
 *  job 15: tasks 0 and 1 submitted at 500, task 2 at 500.1 (joins); task 1
 *    is killed while pending (skipped): tasks 0 and 2 are one job, run
 *    from 501 to 510.
 * Without job_events every distinct submission instant is a job, and the
 * skipped task 1 splits job 15's instant: 12. */
static void test_google_job_events(void **state)
{
	const char *cell = "{\"count\":10,\"cpu\":1,\"mem\":1}";
	json_t *plain = run_trace("google2011", "tests/traces/google-split.csv", "reschedule", cell);
	assert_true(tu_num(plain, "jobs.submitted") == 12);
	assert_null(json_object_get(json_object_get(json_object_get(plain, "traces"), "t"), "job_events"));
	json_decref(plain);
	json_t *s = run_google_jobs("reschedule", "tests/traces/google-split-jobs.csv");
	/* 10 and its addition, 11, 13, 14 and its resubmission, 15 */
	assert_true(tu_num(s, "jobs.submitted") == 7);
	assert_true(tu_num(s, "traces.t.tasks") == 12);
	assert_true(tu_num(s, "traces.t.skipped_by_reason.never scheduled") == 1);
	assert_true(tu_num(s, "traces.t.job_events.rows") == 9);
	assert_true(tu_num(s, "traces.t.job_events.jobs") == 5);
	assert_true(tu_num(s, "traces.t.job_events.jobs_without_tasks") == 1);
	assert_true(tu_num(s, "traces.t.job_events.instances_joined") == 5);
	assert_true(tu_num(s, "traces.t.job_events.instances_without_job") == 1);
	/* rescheduled at once; the last to end: job 15, at 500 + 9 */
	assert_near(tu_num(s, "wait_scheduled.mean"), 0, 1e-12);
	assert_near(tu_num(s, "makespan"), 509 - 100, 1e-12);
	json_decref(s);
	/* as recorded, waits count from the job's SUBMIT: job 10's tasks
	 * started at 102 (2) and 103 (3), job 11's at 104 (3.8), the later
	 * task 3 at 201 (1), job 13 at once, job 14 at 401 (1), the
	 * resubmission at 403 (1), job 15 at 501 (1) */
	s = run_google_jobs("as-recorded", "tests/traces/google-split-jobs.csv");
	assert_true(tu_num(s, "jobs.submitted") == 8);
	assert_near(tu_num(s, "wait_scheduled.mean"), (2 + 3 + 3.8 + 1 + 0 + 1 + 1 + 1) / 8.0, 1e-9);
	json_decref(s);
	plain = run_trace("google2011", "tests/traces/google-split.csv", "as-recorded", cell);
	assert_true(tu_num(plain, "jobs.submitted") == 12);
	assert_near(tu_num(plain, "wait_scheduled.mean"),
		    (2 + 3.8 + 1.5 + 3.3 + 2 + 1 + 0 + 1 + 0.5 + 1 + 1 + 0.9) / 12.0, 1e-9);
	json_decref(plain);
}

/* The shipped part 0 with its job_events, read as a rescheduling run
 * reads it (docs/validation.md's figures): 56,859 submission instants become 11,434
 * jobs; 46,527 task submissions join their job's SUBMIT; 5 of the 4,900
 * jobs have no task rows; every task row has its job. */
static void test_google_part0_job_events(void **state)
{
	char tasks_path[] = "traces/google/clusterdata2011_task_events_part-00000-of-00500.csv.gz";
	char jobs_file[] = "traces/google/clusterdata2011_job_events_part-00000-of-00500.csv.gz";
	struct cs_trace_spec spec = {&cs_trace_google2011, tasks_path, false, false, 0, jobs_file};
	struct cs_trace_cell cell = {{1000000, 1000000, 1000000}, 1e9, false};
	for (int with_jobs = 0; with_jobs < 2; with_jobs++) {
		char *jobs_path = spec.job_events;
		if (!with_jobs)
			spec.job_events = NULL;
		struct cs_error err = {0};
		struct cs_source src;
		assert_int_equal(cs_trace_open(&spec, &cell, &src, &err), 0);
		spec.job_events = jobs_path;
		struct cs_job *job;
		uint64_t jobs = 0, tasks = 0;
		cs_time last = 0;
		int r;
		while ((r = src.ops->next(src.self, &job, &err)) > 0) {
			assert_true(job->submit >= last);
			last = job->submit;
			if (!job->prefill) {
				jobs++;
				tasks += job->ntasks;
			}
			cs_job_free(job);
		}
		assert_int_equal(r, 0);
		json_t *rep = src.ops->report(src.self);
		assert_int_equal(jobs, with_jobs ? 11434 : 56859);
		assert_int_equal(tasks, 189994 - 132982);
		assert_int_equal(json_integer_value(json_object_get(rep, "skipped")), 11497);
		json_t *je = json_object_get(rep, "job_events");
		if (with_jobs) {
			assert_int_equal(json_integer_value(json_object_get(je, "jobs")), 4900);
			assert_int_equal(json_integer_value(json_object_get(je, "jobs_without_tasks")), 5);
			assert_int_equal(json_integer_value(json_object_get(je, "instances_joined")), 46527);
			assert_int_equal(json_integer_value(json_object_get(je, "instances_without_job")), 0);
		} else {
			assert_null(je);
		}
		json_decref(rep);
		src.ops->close(src.self);
	}
}

/* tests/traces/alibaba-small.csv: sorted by create time on reading; the
 * negative-time and unfinished rows are skipped. */
static void test_alibaba(void **state)
{
	json_t *s = run_trace("alibaba2017", "tests/traces/alibaba-small.csv", "reschedule",
			      "{\"count\":1,\"cpu\":2,\"mem\":1}");
	assert_true(tu_num(s, "jobs.submitted") == 2);
	assert_true(tu_num(s, "traces.t.skipped") == 2);
	/* 1 core x 30 s from 50, then 2 x 0.5 cores x 100 s from 100 */
	assert_near(tu_num(s, "makespan"), 150, 1e-12);
	assert_near(tu_num(s, "wait_scheduled.mean"), 0, 1e-12);
	json_decref(s);
}

/* Any scheduler type replays a trace: the Google part under Omega and
 * Mesos completes every job, as under the batch queues. */
static void test_any_scheduler(void **state)
{
	static const char *const scheds[] = {
		"{\"type\":\"omega\",\"schedulers\":[{\"name\":\"s\",\"count\":2}]}",
		"{\"type\":\"mesos\"}",
		"{\"type\":\"monolithic\",\"queue\":\"fifo\"}",
	};
	char *path = abspath("tests/traces/google-small.csv");
	for (size_t i = 0; i < sizeof scheds / sizeof *scheds; i++) {
		char text[4096];
		snprintf(text, sizeof text,
			 "{\"cell\":{\"machines\":[{\"count\":10,\"cpu\":1,\"mem\":1}]},"
			 "\"workloads\":[{\"name\":\"t\",\"trace\":{\"format\":\"google2011\",\"path\":\"%s\"}}],"
			 "\"scheduler\":%s}", path, scheds[i]);
		json_t *s = tu_run_ok(text, NULL);
		assert_true(tu_num(s, "jobs.submitted") == 4);
		assert_true(tu_num(s, "jobs.completed") == 4);
		json_decref(s);
	}
	free(path);
}

/* An Omega init-cluster-state file as a trace workload ("omega-init") is
 * the same initial state as "prefill": {"omega_init": ...}. */
static void test_omega_init_trace(void **state)
{
	json_t *s = run_trace("omega-init", "traces/omega/google-c/init-cluster-state.log", "reschedule",
			      "{\"count\":4000,\"cpu\":32,\"mem\":\"128GiB\"}");
	/* the figures of tests/scenarios/omega-init-firstfit.summary.json */
	assert_true(tu_num(s, "prefill.tasks") == 151576);
	assert_true(tu_num(s, "prefill.tasks_skipped") == 0);
	assert_near(tu_num(s, "prefill.cpu"), 77790.92965, 1e-9);
	assert_true(tu_num(s, "jobs.submitted") == 0);
	assert_true(tu_num(s, "traces.t.initial_tasks") == 151576);
	json_decref(s);
}

/* The reference: an independent implementation of these
 * conventions on KTH-SP2 (28,475 jobs kept).  Within 1%. */
static void test_kth_reference(void **state)
{
	const char *kth = "traces/swf/KTH-SP2-1996-2.1-cln.swf.gz";
	json_t *fcfs = run_swf(kth, "fcfs", "");
	json_t *easy = run_swf(kth, "easy", "");
	double fw = tu_num(fcfs, "wait_scheduled.mean"), fs = tu_num(fcfs, "slowdown_bounded.mean");
	double ew = tu_num(easy, "wait_scheduled.mean"), es = tu_num(easy, "slowdown_bounded.mean");
	printf("  KTH-SP2 FCFS: wait %.1f s (ref 389,852), bsld %.2f (ref 7,518.7)\n", fw, fs);
	printf("  KTH-SP2 EASY: wait %.1f s (ref 6,844), bsld %.2f (ref 90.62)\n", ew, es);
	assert_true(tu_num(fcfs, "jobs.submitted") == 28475);
	assert_true(tu_num(fcfs, "jobs.completed") == 28475);
	assert_near(fw, 389852, 0.01);
	assert_near(fs, 7518.7, 0.01);
	assert_near(ew, 6844, 0.01);
	assert_near(es, 90.62, 0.01);
	json_decref(fcfs);
	json_decref(easy);
}

/* Borg's bands: a production job (priority 9) arriving at a cell full of
 * free-band tasks (priority 0) preempts them and starts at once; the
 * victims go back to the queue and run after it.  Production does not
 * preempt production. */
#define FMT_PRIO \
	"{\"duration\":1000,\"cell\":{\"machines\":[{\"count\":2,\"cpu\":2,\"mem\":4}]}," \
	"\"workloads\":[{\"name\":\"low\",\"arrival\":1,\"max_jobs\":4,\"priority\":%d,\"task_duration\":100,\"task_cpu\":1,\"task_mem\":1}," \
	"{\"name\":\"prod\",\"arrival\":10,\"max_jobs\":1,\"tasks\":2,\"priority\":9,\"task_duration\":50,\"task_cpu\":2,\"task_mem\":1}]," \
	"\"scheduler\":{\"type\":\"monolithic\",\"queue\":\"priority\"}}"

static void test_priority_preemption(void **state)
{
	char text[2048];
	snprintf(text, sizeof text, FMT_PRIO, 0);
	json_t *s = tu_run_ok(text, NULL);
	assert_true(tu_num(s, "tasks_preempted") == 4);
	assert_near(tu_num(s, "workloads.prod.wait_scheduled.mean"), 0, 1e-12);
	assert_true(tu_num(s, "workloads.low.jobs.completed") == 4);
	json_decref(s);
	snprintf(text, sizeof text, FMT_PRIO, 10);
	s = tu_run_ok(text, NULL);
	assert_true(tu_num(s, "tasks_preempted") == 0);
	assert_true(tu_num(s, "workloads.prod.wait_scheduled.mean") > 80);
	json_decref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swf_conventions_and_easy),
		cmocka_unit_test(test_sjf),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_priority_preemption),
		cmocka_unit_test(test_google_instances),
		cmocka_unit_test(test_google_job_events),
		cmocka_unit_test(test_google_part0_job_events),
		cmocka_unit_test(test_google_requests),
		cmocka_unit_test(test_google_requests_initial),
		cmocka_unit_test(test_google_many_updates),
		cmocka_unit_test(test_google_part0_requests),
		cmocka_unit_test(test_alibaba),
		cmocka_unit_test(test_any_scheduler),
		cmocka_unit_test(test_omega_init_trace),
		cmocka_unit_test(test_kth_reference),
	};
	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
