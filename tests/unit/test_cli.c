/* The command line on bad input: every case exits 2 with
 * "clustersim: FILE: WHERE: what is wrong" on stderr, and never crashes.
 * Runs the real binary ($CLUSTERSIM, set by tests/run.sh). */
#include <sys/wait.h>

#include "testutil.h"

/* Run `clustersim ARGS`: its exit code (never a signal), its stderr. */
static int run_cli(const char *args, char **err_out)
{
	int rc = tu_cli(args, err_out);
	assert_true(rc < 128);
	return rc;
}

static char *write_tmp(const char *text)
{
	char path[] = "/tmp/cs-exp-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return strdup(path);
}

#define BASE_CELL "\"cell\":{\"machines\":[{\"count\":10,\"cpu\":4,\"mem\":\"16GiB\"}]}"
#define BASE_WL "\"workloads\":[{\"name\":\"b\",\"arrival\":1,\"task_duration\":10,\"task_cpu\":1,\"task_mem\":100}]"
#define BASE_SCHED "\"scheduler\":{\"type\":\"monolithic\"}"

struct bad_case {
	const char *experiment; /* JSON text, or NULL to use args alone */
	const char *extra_args;
	const char *expect;     /* a substring of stderr, after the file name */
};

static const struct bad_case cases[] = {
	{"{\"duration\": 10, ", "", ": line 1 column"}, /* truncated JSON */
	{"[1,2]", "", ": an experiment is a JSON object"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED ",\"sed\":1}", "", ": sed: unknown key (did you mean \"seed\"?)"},
	{"{\"duration\":\"ten\"," BASE_CELL "," BASE_WL "," BASE_SCHED "}", "", ": duration: expected seconds"},
	{"{\"duration\":10,\"cell\":{\"machines\":[{\"count\":-3,\"cpu\":4,\"mem\":1}]}," BASE_WL "," BASE_SCHED "}", "", ": cell.machines[0].count: expected a whole number from 1 to 10000000 (got -3)"},
	{"{\"duration\":10,\"cell\":{\"machines\":[{\"count\":2.5,\"cpu\":4,\"mem\":1}]}," BASE_WL "," BASE_SCHED "}", "", ": cell.machines[0].count: expected a whole number from 1 to 10000000 (got 2.5)"},
	{"{\"duration\":10,\"cell\":{\"machines\":[{\"count\":2,\"cpu\":\"four\",\"mem\":1}]}," BASE_WL "," BASE_SCHED "}", "", ": cell.machines[0].cpu: expected a number"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL ",\"scheduler\":{\"type\":\"monolitic\"}}", "", ": scheduler.type: unknown scheduler \"monolitic\" (did you mean \"monolithic\"?)"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL ",\"scheduler\":{\"type\":\"borg9000\"}}", "", ": scheduler.type: unknown scheduler \"borg9000\" (known: monolithic"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL ",\"scheduler\":{\"type\":\"monolithic\",\"placement\":\"bestfit\"}}", "", ": scheduler.placement: unknown value \"bestfit\" (did you mean \"best-fit\"?)"},
	/* found by the experiment fuzzer: a bad second entry crashed the
	 * teardown of the schedulers made so far */
	{"{\"duration\":10," BASE_CELL "," BASE_WL ",\"scheduler\":{\"type\":\"omega\",\"schedulers\":[{\"name\":\"a\",\"count\":2},{\"name\":\"b\",\"tWjob\":5}]}}", "", ": scheduler.schedulers[1].tWjob: unknown key (did you mean \"t_job\"?)"},
	{"{\"duration\":10," BASE_CELL ",\"workloads\":[{\"name\":\"b\",\"arrival\":{\"dist\":\"exp\",\"mean\":-2},\"task_duration\":10,\"task_cpu\":1,\"task_mem\":1}]," BASE_SCHED "}", "", ": workloads[0].arrival.mean: must be positive"},
	{"{\"duration\":10," BASE_CELL ",\"workloads\":[{\"name\":\"b\",\"arrival\":{\"dist\":\"empirical\",\"file\":\"no/such_cmb.log\"},\"task_duration\":10,\"task_cpu\":1,\"task_mem\":1}]," BASE_SCHED "}", "", ": workloads[0].arrival.file: cannot open \"no/such_cmb.log\""},
	{"{\"duration\":10," BASE_CELL ",\"workloads\":[{\"name\":\"b\",\"arrival\":1,\"task_cpu\":1,\"task_mem\":1}]," BASE_SCHED "}", "", ": workloads[0].task_duration: missing"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL ",\"scheduler\":{\"type\":\"monolithic\",\"paths\":[{\"workloads\":[\"nope\"]}]}}", "", ": scheduler.paths[0].workloads[0]: no workload is named \"nope\""},
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED ",\"prefill\":{\"omega_init\":\"missing.log\"}}", "", ": prefill.omega_init: cannot open \"missing.log\""},
	/* found by make fuzz (experiment): an empty path named the
	 * experiment's directory, and the message named only that */
	{"{" BASE_CELL ",\"workloads\":[{\"name\":\"g\",\"trace\":{\"format\":\"google2011\",\"path\":\"\"}}]," BASE_SCHED "}", "", ": workloads[0].trace.path: cannot open \"\": not a regular file (a directory)"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED ",\"prefill\":{\"omega_init\":\"/dev/null\"}}", "", ": prefill.omega_init: cannot open \"/dev/null\": not a regular file (a FIFO or a device)"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED ",\"vars\":{\"a\":1},\"seed\":\"$b\"}", "", ": seed: unknown variable \"$b\""},
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED "}", "--set 'cell.machines[5].cpu=3'", ": cell.machines[5].cpu: --set: no list item [5] there"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED "}", "--set seed=-1", ": seed: expected a whole number from 0 to 9223372036854775807 (got -1)"},
	/* found by the CLI fuzzer: a second --seed freed the first one's
	 * assignment while the list still held it (make asan) */
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED "}", "--seed 7 --seed 8 --seed 9 --set seed=-1", ": seed: expected a whole number from 0 to 9223372036854775807 (got -1)"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED ",\"prefill\":{\"utilization\":1.5}}", "", ": prefill.utilization: must be from 0 to 1 (got 1.5)"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED ",\"output\":{\"jobs\":3}}", "", ": output.jobs: expected true or false"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL ",\"scheduler\":{\"type\":\"mesos\",\"frameworks\":[{\"kind\":\"chronos\"}]}}", "", ": scheduler.frameworks[0].kind: unknown value \"chronos\" (one of: jobs, marathon, aurora, kubernetes)"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL ",\"scheduler\":{\"type\":\"omega\",\"conflict\":\"sequence\"}}", "", ": scheduler.conflict: unknown value \"sequence\""},
	{"{\"duration\":10," BASE_CELL "," BASE_WL ",\"scheduler\":{\"type\":\"omega\",\"schedulers\":[{\"count\":0}]}}", "", ": scheduler.schedulers[0].count: must be a whole number from 1 to 1024 (got 0)"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED ",\"machine_events\":[{\"at\":5,\"action\":\"down\",\"first\":8,\"count\":5}]}", "", ": machine_events[0]: machines 8..12 are not in the cell"},
	{"{" BASE_CELL ",\"workloads\":[{\"name\":\"t\",\"trace\":{\"format\":\"swf2\",\"path\":\"x\"}}]," BASE_SCHED "}", "", ": workloads[0].trace.format: unknown value \"swf2\" (did you mean \"swf\"?)"},
	{"{" BASE_CELL "," BASE_WL "," BASE_SCHED "}", "", ": duration: missing (synthetic workloads need a duration)"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL ",\"scheduler\":{\"type\":\"monolithic\",\"queue\":\"easy\",\"paths\":[{}]}}", "", ": scheduler: \"paths\" applies to queue \"fifo\" only"},
	{"{\"duration\":60,\"balancer\":{\"policy\":\"round-robbin\"}}", "", ": balancer.policy: unknown value \"round-robbin\" (did you mean \"round-robin\"?)"},
	{"{\"duration\":60,\"balancer\":{\"servers\":2},\"events\":[{\"at\":5,\"kill\":\"s9\"}]}", "", ": events[0]: no server is named \"s9\""},
	{"{\"duration\":60,\"balancer\":{},\"events\":[{\"at\":5,\"kill\":\"s1\",\"restart\":\"s1\"}]}", "", ": events[0]: give one of \"kill\" and \"restart\""},
	{"{\"duration\":60,\"balancer\":{},\"clients\":{\"transport\":\"ws\"}}", "", ": clients.transport: unknown value \"ws\""},
	{"{\"balancer\":{}}", "", ": duration: missing"},
	{"{\"duration\":60,\"balancer\":{\"servers\":0}}", "", ": balancer.servers: expected 1 to 256 servers"},
	/* found by the CLI fuzzer: a name quoted with its newline made the
	 * message two lines; control characters are escaped */
	{"{\"duration\":10," BASE_CELL "," BASE_WL ",\"scheduler\":{\"type\":\"monolithic\",\"paths\":[{\"workloads\":[\"x\\ny\\t\\u001b\"]}]}}", "", ": scheduler.paths[0].workloads[0]: no workload is named \"x\\ny\\t\\x1b\""},
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED "}", "--set 'scheduler.type=a\nb'", ": scheduler.type: unknown scheduler \"a\\nb\""},
	/* found by the CLI fuzzer: a --set key that is not UTF-8 (jansson
	 * refuses it) was used after jansson freed the object made for it */
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED "}", "--set \"$(printf 'outp\\257\\001.jobs=true')\"", ": outp\xaf\\x01.jobs: --set: the key \"outp\xaf\\x01\" is not valid UTF-8"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED "}", "--set \"$(printf 'outp\\257=1')\"", ": outp\xaf: --set: the key \"outp\xaf\" is not valid UTF-8"},
	{"{\"duration\":10," BASE_CELL "," BASE_WL "," BASE_SCHED "}", "--set \"$(printf 'name=a\\257b')\"", ": name: --set: the value is not valid UTF-8"},
	/* found by the CLI fuzzer: a workload over the jobs limit leaked its
	 * open source (make asan) */
	{"{\"duration\":1e6,\"cell\":{\"machines\":[{\"count\":10,\"cpu\":4,\"mem\":1}]},\"workloads\":[{\"name\":\"b\",\"arrival\":{\"dist\":\"exp\",\"mean\":1e-3},\"task_duration\":1,\"task_cpu\":1,\"task_mem\":1}]," BASE_SCHED "}", "", ": workloads[0].arrival: about 1e+09 jobs to expect"},
};

/* Run args; it must exit 2 with want in its stderr, one line. */
static void expect_exit2(const char *what, size_t i, const char *args, const char *want)
{
	char *err;
	int rc = run_cli(args, &err);
	const char *nl = strchr(err, '\n');
	if (rc != 2 || !strstr(err, want) || !nl || nl[1]) {
		print_error("%s %zu: exit %d, stderr:\n%s\nwanted exit 2 and one line:\n%s\n", what, i, rc, err, want);
		fail();
	}
	free(err);
}

static void test_bad_experiments(void **state)
{
	char *dir = tu_tmpdir();
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *file = write_tmp(cases[i].experiment);
		char args[2048], want[1024];
		snprintf(args, sizeof args, "run %s -o %s/out%zu -q %s", file, dir, i, cases[i].extra_args);
		snprintf(want, sizeof want, "clustersim: %s%s", file, cases[i].expect);
		expect_exit2("case", i, args, want);
		/* bad input leaves no results directory behind */
		char out[600];
		snprintf(out, sizeof out, "%s/out%zu", dir, i);
		assert_int_not_equal(access(out, F_OK), 0);
		unlink(file);
		free(file);
	}
	tu_rm_rf(dir);
	free(dir);
}

/* Bad traces: the message names the file at fault and the place there
 * (the trace, its job_events, or the experiment for what it lacks). */
enum names { TRACE, JOBS, EXPERIMENT };
struct bad_trace {
	const char *file, *format;
	const char *jobs;   /* the trace's job_events (tests/traces/), or NULL */
	enum names names;   /* whose path the message starts with */
	const char *expect; /* after "clustersim: ABSPATH" */
};

static const struct bad_trace bad_traces[] = {
	{"bad-short.swf", "swf", NULL, TRACE, ": line 2: expected 18 fields, found 16"},
	{"bad-nonnumeric.swf", "swf", NULL, TRACE, ": line 2: field 9 is not a number: \"ten\""},
	{"bad-negative.swf", "swf", NULL, TRACE, ": line 2: negative submit time -5"},
	{"bad-unsorted.swf", "swf", NULL, TRACE, ": line 3: submit time 40 is before the previous job's (50)"},
	{"kth-truncated.swf.gz", "swf", NULL, TRACE, ": line 20767: the compressed file is truncated (unexpected end of file)"},
	{"no-header.swf", "swf", NULL, TRACE, ": header: no usable MaxProcs or MaxNodes line"},
	{"bad-google-short.csv", "google2011", NULL, TRACE, ": line 2: expected 13 columns, found 12"},
	{"bad-google-unsorted.csv", "google2011", NULL, TRACE, ": line 2: time 5 is before the previous row's (10): the file is not sorted"},
	{"bad-google-type.csv", "google2011", NULL, TRACE, ": line 1: unknown event type 9"},
	{"bad-alibaba-nonnumeric.csv", "alibaba2017", NULL, TRACE, ": line 1: a request is not a number in range"},
	/* found by the fuzzer: a request of 7.8e49 overflowed the quantity */
	{"bad-google-huge.csv", "google2011", NULL, TRACE, ": line 1: a request is not a number from 0 to 1000"},
	/* found by the CLI fuzzer: a row for a task with no open instance
	 * (here a FINISH first) formed a pointer past the instances (UBSan) */
	{"bad-google-finish-first.csv", "google2011", NULL, TRACE, ": line 2: time 5 is before the previous row's (10): the file is not sorted"},
	{"nonexistent.swf", "swf", NULL, EXPERIMENT, ": workloads[0].trace.path: cannot open"},
	/* the experiment lacks a cell: its error, not the trace's */
	{"google-small.csv", "google2011", NULL, EXPERIMENT, ": cell: missing, and workloads[0].trace is a google2011 "
							      "trace, which does not say what the cell is"},
	/* a Google trace's job_events */
	{"google-split.csv", "google2011", "bad-google-jobs-unsorted.csv", JOBS,
	 ": line 2: time 50 is before the previous row's (100): the file is not sorted"},
	{"google-split.csv", "google2011", "bad-google-jobs-type.csv", JOBS, ": line 2: unknown event type 9"},
	{"google-split.csv", "google2011", "google-small.csv", JOBS,
	 ": line 1: expected 8 columns (job_events), found 13: is this task_events?"},
	{"google-split.csv", "google2011", "no-such-jobs.csv", EXPERIMENT, ": workloads[0].trace.job_events: cannot open"},
	{"easy4.swf", "swf", "google-split-jobs.csv", EXPERIMENT,
	 ": workloads[0].trace.job_events: only a google2011 trace has job_events"},
};

static void test_bad_traces(void **state)
{
	char cwd[1024], *dir = tu_tmpdir();
	assert_non_null(getcwd(cwd, sizeof cwd));
	for (size_t i = 0; i < sizeof bad_traces / sizeof *bad_traces; i++) {
		const struct bad_trace *c = &bad_traces[i];
		char exp[4096], path[1100], jobs[1200] = "", jobs_key[1300] = "", args[2048], want[2048];
		snprintf(path, sizeof path, "%s/tests/traces/%s", cwd, c->file);
		if (c->jobs) {
			snprintf(jobs, sizeof jobs, "%s/tests/traces/%s", cwd, c->jobs);
			snprintf(jobs_key, sizeof jobs_key, ",\"job_events\":\"%s\"", jobs);
		}
		snprintf(exp, sizeof exp,
			 "{%s\"workloads\":[{\"name\":\"t\",\"trace\":{\"format\":\"%s\",\"path\":\"%s\"%s}}],"
			 "\"scheduler\":{\"type\":\"monolithic\",\"queue\":\"easy\"}}",
			 strcmp(c->format, "swf") == 0 || strstr(c->file, "small") ? "" : BASE_CELL ",", c->format, path,
			 jobs_key);
		char *file = write_tmp(exp);
		snprintf(args, sizeof args, "run %s -o %s/out%zu -q", file, dir, i);
		snprintf(want, sizeof want, "clustersim: %s%s",
			 c->names == TRACE ? path : c->names == JOBS ? jobs : file, c->expect);
		expect_exit2("trace case", i, args, want);
		unlink(file);
		free(file);
	}
	tu_rm_rf(dir);
	free(dir);
}

/* trace info names the format and counts what the run's reader keeps. */
static void test_trace_info(void **state)
{
	char out[] = "/tmp/cs-info-XXXXXX";
	int fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s trace info tests/traces/easy4.swf.gz >%s 2>&1", tu_binary(), out);
	assert_int_equal(system(cmd), 0);
	char *text = tu_read_file(out);
	assert_non_null(strstr(text, "tests/traces/easy4.swf.gz: swf trace"));
	assert_non_null(strstr(text, "jobs 4, tasks 4"));
	assert_non_null(strstr(text, "skipped 3;"));
	free(text);
	snprintf(cmd, sizeof cmd, "%s trace info tests/traces/google-small.csv >%s 2>&1", tu_binary(), out);
	assert_int_equal(system(cmd), 0);
	text = tu_read_file(out);
	assert_non_null(strstr(text, "google2011 trace"));
	assert_non_null(strstr(text, "(plus 2 running at time 0: the initial state)"));
	free(text);
	snprintf(cmd, sizeof cmd,
		 "%s trace info --job-events tests/traces/google-split-jobs.csv tests/traces/google-split.csv >%s 2>&1",
		 tu_binary(), out);
	assert_int_equal(system(cmd), 0);
	text = tu_read_file(out);
	assert_non_null(strstr(text, "job_events: 5 jobs (1 without task rows); 5 task submissions joined their "
				     "job's SUBMIT, 1 had no job"));
	free(text);
	/* --strict turns the first skip into an error naming the line */
	char *err;
	int rc = run_cli("trace info --job-events tests/traces/google-split-jobs.csv tests/traces/easy4.swf", &err);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(err, "--job-events: only a google2011 task_events file has job_events"));
	free(err);
	rc = run_cli("trace info --strict tests/traces/easy4.swf", &err);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(err, "easy4.swf: line 10: run time < 0"));
	free(err);
	/* run --strict, and the warning without it */
	char cwd[1024], exp[2048], args[4096];
	assert_non_null(getcwd(cwd, sizeof cwd));
	snprintf(exp, sizeof exp,
		 "{\"workloads\":[{\"name\":\"kth\",\"trace\":{\"format\":\"swf\",\"path\":\"%s/tests/traces/easy4.swf\"}}],"
		 "\"scheduler\":{\"type\":\"monolithic\",\"queue\":\"easy\"}}", cwd);
	char *file = write_tmp(exp), *dir = tu_tmpdir();
	snprintf(args, sizeof args, "run %s -o %s/a -q --strict", file, dir);
	rc = run_cli(args, &err);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(err, "easy4.swf: line 10: run time < 0"));
	free(err);
	snprintf(args, sizeof args, "run %s -o %s/b -q", file, dir);
	rc = run_cli(args, &err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(err, "warning: "));
	assert_non_null(strstr(err, "workload \"kth\": 3 trace rows skipped (run time < 0: 1, procs <= 0: 1, procs > MaxProcs: 1)"));
	free(err);
	unlink(file);
	free(file);
	tu_rm_rf(dir);
	free(dir);
	rc = run_cli("trace info README.md", &err);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(err, "cannot tell the format"));
	free(err);
	unlink(out);
}

static void test_bad_usage(void **state)
{
	const char *args[] = {
		"", "frobnicate", "run", "run --bogus x.json", "run a.json b.json", "run x.json --seed abc",
		"sweep x.json -j 0", "compare onlyone", "compare a b --tolerance x", "plot", "trace info",
	};
	for (size_t i = 0; i < sizeof args / sizeof *args; i++) {
		char *err;
		int rc = run_cli(args[i], &err);
		if (rc != 2 || !strstr(err, "clustersim: ")) {
			print_error("'%s': exit %d, stderr:\n%s\n", args[i], rc, err);
			fail();
		}
		free(err);
	}
}

static void test_missing_file(void **state)
{
	char *err;
	assert_int_equal(run_cli("run /nonexistent/exp.json -q", &err), 2);
	assert_non_null(strstr(err, "clustersim: /nonexistent/exp.json: "));
	free(err);
}

static void test_help_and_version(void **state)
{
	char *err;
	assert_int_equal(run_cli("--help", &err), 0);
	free(err);
	assert_int_equal(run_cli("--version", &err), 0);
	free(err);
	const char *cmds[] = {"run", "sweep", "compare", "plot", "trace", "trace info", "table"};
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
		char a[64];
		snprintf(a, sizeof a, "%s --help", cmds[i]);
		assert_int_equal(run_cli(a, &err), 0);
		free(err);
	}
}

/* Refuses to overwrite a results directory; --force allows it. */
static void test_no_overwrite(void **state)
{
	char *dir = tu_tmpdir();
	char *file = write_tmp("{\"duration\":100," BASE_CELL "," BASE_WL "," BASE_SCHED "}");
	char args[1024], *err;
	snprintf(args, sizeof args, "run %s -o %s/r -q", file, dir);
	assert_int_equal(run_cli(args, &err), 0);
	free(err);
	assert_int_equal(run_cli(args, &err), 2);
	assert_non_null(strstr(err, "not empty"));
	free(err);
	snprintf(args, sizeof args, "run %s -o %s/r -q --force", file, dir);
	assert_int_equal(run_cli(args, &err), 0);
	free(err);
	unlink(file);
	free(file);
	tu_rm_rf(dir);
	free(dir);
}

/* jobs.csv rows are buffered; a workload name longer than the buffer's
 * share for one row still appears whole in every row. */
static void test_long_workload_name(void **state)
{
	enum { LEN = 40000 };
	char *name = malloc(LEN + 1);
	for (int i = 0; i < LEN; i++)
		name[i] = (char)('a' + i % 26);
	name[LEN] = '\0';
	char *text = malloc(LEN + 1024);
	snprintf(text, LEN + 1024,
		 "{\"duration\":100," BASE_CELL ",\"workloads\":[{\"name\":\"%s\",\"arrival\":1,"
		 "\"task_duration\":10,\"task_cpu\":1,\"task_mem\":100}]," BASE_SCHED "}", name);
	char *file = write_tmp(text), *dir = tu_tmpdir(), args[1024], *err;
	snprintf(args, sizeof args, "run %s -o %s/r -q", file, dir);
	assert_int_equal(run_cli(args, &err), 0);
	free(err);
	snprintf(args, sizeof args, "%s/r/jobs.csv", dir);
	char *csv = tu_read_file(args);
	int rows = 0;
	for (char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1, rows++) {
		char *comma = strchr(line, ',');
		assert_non_null(comma);
		assert_memory_equal(comma + 1, name, LEN);
		assert_int_equal(comma[1 + LEN], ',');
	}
	assert_true(rows >= 99);
	free(csv);
	unlink(file);
	free(file);
	free(text);
	free(name);
	tu_rm_rf(dir);
	free(dir);
}

/* "output": {"jobs": false} leaves jobs.csv out and nothing else. */
static void test_output_without_jobs(void **state)
{
	char *dir = tu_tmpdir();
	char *file = write_tmp("{\"duration\":100," BASE_CELL "," BASE_WL "," BASE_SCHED ",\"output\":{\"jobs\":false}}");
	char args[1024], path[1024], *err;
	snprintf(args, sizeof args, "run %s -o %s/r -q", file, dir);
	assert_int_equal(run_cli(args, &err), 0);
	free(err);
	snprintf(path, sizeof path, "%s/r/jobs.csv", dir);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof path, "%s/r/summary.json", dir);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/r/timeseries.csv", dir);
	assert_int_equal(access(path, F_OK), 0);
	unlink(file);
	free(file);
	tu_rm_rf(dir);
	free(dir);
}

/* compare: the same results pass; a worse wait is a regression (exit 1). */
static void test_compare(void **state)
{
	char *dir = tu_tmpdir();
	char *file = write_tmp("{\"duration\":3600," BASE_CELL ",\"workloads\":[{\"name\":\"b\",\"arrival\":{\"dist\":\"exp\",\"mean\":2},"
			       "\"task_duration\":{\"dist\":\"exp\",\"mean\":30},\"tasks\":3,\"task_cpu\":1,\"task_mem\":100}],"
			       "\"scheduler\":{\"type\":\"monolithic\",\"paths\":[{\"t_job\":0.2}]}}");
	char args[1024], *err;
	snprintf(args, sizeof args, "run %s -o %s/a -q", file, dir);
	assert_int_equal(run_cli(args, &err), 0);
	free(err);
	snprintf(args, sizeof args, "run %s -o %s/b -q --set 'scheduler.paths[0].t_job=0.6'", file, dir);
	assert_int_equal(run_cli(args, &err), 0);
	free(err);
	snprintf(args, sizeof args, "compare %s/a %s/a", dir, dir);
	assert_int_equal(run_cli(args, &err), 0);
	free(err);
	snprintf(args, sizeof args, "compare %s/a %s/b", dir, dir);
	assert_int_equal(run_cli(args, &err), 1);
	free(err);
	/* a generous per-metric tolerance for what changed lets it pass */
	snprintf(args, sizeof args, "compare %s/a %s/b --tolerance 'wait*=10000' --tolerance 'schedulers*=10000' "
		 "--tolerance 'slowdown*=10000' --tolerance 'workloads*=10000' --tolerance 'utilization*=100' "
		 "--tolerance 'jobs*=100' --tolerance makespan=100", dir, dir);
	assert_int_equal(run_cli(args, &err), 0);
	free(err);
	snprintf(args, sizeof args, "compare %s/a %s/missing", dir, dir);
	assert_int_equal(run_cli(args, &err), 2);
	free(err);
	unlink(file);
	free(file);
	tu_rm_rf(dir);
	free(dir);
}

/* sweep: the grid's points run in parallel; a bad point fails alone and
 * its row says so; labels come from the values. */
static void test_sweep(void **state)
{
	char *dir = tu_tmpdir();
	char *file = write_tmp("{\"duration\":600," BASE_CELL "," BASE_WL ","
			       "\"vars\":{\"tj\":0.1},"
			       "\"scheduler\":{\"type\":\"monolithic\",\"paths\":[{\"t_job\":\"$tj\"}]},"
			       "\"sweep\":[{\"vars.tj\":[0.1,2,-1]},{\"seed\":[5],\"vars.tj\":[1]}]}");
	char args[1024], *err;
	snprintf(args, sizeof args, "sweep %s -o %s/sw -j 2 -q", file, dir);
	assert_int_equal(run_cli(args, &err), 2);
	assert_non_null(strstr(err, "point -1: "));
	assert_non_null(strstr(err, "scheduler.paths[0].t_job: must not be negative"));
	free(err);
	snprintf(args, sizeof args, "%s/sw/sweep.csv", dir);
	char *csv = tu_read_file(args);
	assert_non_null(csv);
	assert_non_null(strstr(csv, "point,vars.tj,seed,status,simulated_seconds,"));
	assert_non_null(strstr(csv, "\n0.1,0.1,,ok,"));
	assert_non_null(strstr(csv, "\n2,2,,ok,"));
	assert_non_null(strstr(csv, "\n-1,-1,,failed"));
	assert_non_null(strstr(csv, "\n\"seed=5,tj=1\",1,5,ok,600,"));
	free(csv);
	snprintf(args, sizeof args, "%s/sw/points/2/summary.json", dir);
	assert_int_equal(access(args, F_OK), 0);
	/* sweep curves: a metric against the swept key; the failed point is
	 * left out; a metric no point has is an error */
	snprintf(args, sizeof args, "plot %s/sw --x vars.tj --metric 'schedulers.monolithic|x.busy' -o %s/c.png", dir, dir);
	assert_int_equal(run_cli(args, &err), 0);
	free(err);
	snprintf(args, sizeof args, "%s/c.png", dir);
	assert_int_equal(access(args, F_OK), 0);
	snprintf(args, sizeof args, "plot %s/sw --metric no.such.metric -o %s/d.png", dir, dir);
	assert_int_equal(run_cli(args, &err), 2);
	assert_non_null(strstr(err, "no.such.metric: no point has a value"));
	free(err);
	snprintf(args, sizeof args, "plot %s/sw --x nope", dir);
	assert_int_equal(run_cli(args, &err), 2);
	free(err);
	unlink(file);
	free(file);
	tu_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_experiments),
		cmocka_unit_test(test_bad_traces),
		cmocka_unit_test(test_trace_info),
		cmocka_unit_test(test_bad_usage),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_no_overwrite),
		cmocka_unit_test(test_long_workload_name),
		cmocka_unit_test(test_output_without_jobs),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_sweep),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
