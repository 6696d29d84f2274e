/* compare as a CI gate that understands noise (issue 15, item 2), on the
 * real binary ($CLUSTERSIM) and the shipped default experiment:
 *  - one run of seed 1 against one of seed 2 regresses (the waits of the
 *    service workload move by 7-15%: the noise a single seed has);
 *    ten replications against ten others do not, and a real slow-down
 *    (the service decision time from 10 s to 30 s) does, significantly;
 *  - the four formats: JUnit XML with one testcase per metric compared
 *    and a failure per regression, JSON with every metric, a markdown
 *    table; -o FILE writes the report there;
 *  - tolerance files with globs; a bad line or a rule that matches no
 *    metric is bad input (exit 2); --alpha out of range is a usage error;
 *  - sweeps compared point by point; a sweep against a run, or a point
 *    missing, is bad input; --speed on replications;
 *  - the CI example under docs/ci/ run end to end. */
#include "testutil.h"

static char *dir;

static int setup(void **state)
{
	dir = tu_tmpdir();
	const char *b = tu_binary();
	return tu_sh("%s run experiments/default.json -o %s/one1 -q && %s run experiments/default.json -o %s/one2 -q --seed 2 && "
		     "%s run experiments/default.json -o %s/R1 -q --replications 10 -j 2 && "
		     "%s run experiments/default.json -o %s/R2 -q --replications 10 --seed 11 -j 2 && "
		     "%s run experiments/default.json -o %s/SLOW -q --replications 10 --seed 11 -j 2 --set vars.svc_t_job=30 && "
		     "%s sweep experiments/default.json -o %s/S1 -q --replications 3 -j 2 --set duration=6h && "
		     "%s sweep experiments/default.json -o %s/S2 -q --replications 3 -j 2 --set duration=6h --seed 4",
		     b, dir, b, dir, b, dir, b, dir, b, dir, b, dir, b, dir) == 0
		       ? 0
		       : -1;
}

static int teardown(void **state)
{
	tu_rm_rf(dir);
	free(dir);
	return 0;
}

/* clustersim compare ARGS (with %s for dir, up to four times): its exit
 * status; stdout in *out and stderr in *err when not NULL. */
static int compare(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int compare(char **out, char **err, const char *fmt, ...)
{
	char args[2048], o[800], e[800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	snprintf(o, sizeof o, "%s/out.txt", dir);
	snprintf(e, sizeof e, "%s/err.txt", dir);
	int rc = tu_sh("%s compare %s >%s 2>%s", tu_binary(), args, o, e);
	if (out)
		*out = tu_read_file(o);
	if (err)
		*err = tu_read_file(e);
	return rc;
}

static void test_noise_and_a_real_regression(void **state)
{
	char *out;
	assert_int_equal(compare(&out, NULL, "%s/one1 %s/one2", dir, dir), 1);
	assert_non_null(strstr(out, "workloads.service.wait_scheduled.mean"));
	free(out);
	/* the same comparison with ten seeds a side: noise, not a regression */
	assert_int_equal(compare(&out, NULL, "%s/R1 %s/R2", dir, dir), 0);
	assert_non_null(strstr(out, "Welch's t-test (alpha 0.05)"));
	assert_null(strstr(out, "REGRESSION"));
	free(out);
	/* the slow-down is one */
	assert_int_equal(compare(&out, NULL, "%s/R1 %s/SLOW", dir, dir), 1);
	assert_non_null(strstr(out, "utilization.cpu"));
	assert_non_null(strstr(out, ", p="));
	free(out);
	/* a huge tolerance on everything passes it; a tiny alpha too would
	 * not pass something this clear */
	assert_int_equal(compare(NULL, NULL, "%s/R1 %s/SLOW --tolerance 1000000", dir, dir), 0);
	assert_int_equal(compare(NULL, NULL, "%s/R1 %s/SLOW --alpha 0.000001", dir, dir), 1);
	char *err;
	assert_int_equal(compare(NULL, &err, "%s/R1 %s/SLOW --alpha 1.5", dir, dir), 2);
	assert_non_null(strstr(err, "--alpha"));
	free(err);
	/* a replicated baseline against one run: compared on tolerance alone */
	assert_int_equal(compare(&out, NULL, "%s/R1 %s/one1 --tolerance 1000", dir, dir), 0);
	free(out);
	/* the simulator's own speed, from run.json's aggregate */
	assert_int_equal(compare(&out, NULL, "%s/R1 %s/R2 --speed 100000", dir, dir), 0);
	assert_non_null(strstr(out, "compare"));
	free(out);
}

static void test_formats(void **state)
{
	char *out;
	/* JSON: every metric compared, the counts */
	assert_int_equal(compare(NULL, NULL, "%s/R1 %s/SLOW --format json -o %s/r.json", dir, dir, dir), 1);
	/* JUnit: one testcase per compared metric, a failure per regression */
	assert_int_equal(compare(&out, NULL, "%s/R1 %s/SLOW --format junit", dir, dir), 1);
	free(out);
	assert_int_equal(
		tu_sh("%s compare %s/R1 %s/SLOW --format junit > %s/r.xml; python3 -c \"\nimport json, sys, "
		      "xml.etree.ElementTree as ET\nj = json.load(open('%s/r.json'))\nt = ET.parse('%s/r.xml').getroot()\n"
		      "cases = t.findall('.//testcase')\nfails = t.findall('.//testcase/failure')\n"
		      "ok = len(cases) == j['compared'] and len(fails) == j['regressions'] > 0 and "
		      "int(t.get('failures')) == j['regressions'] and j['test'] == 'welch' and "
		      "all(m['status'] in ('ok', 'REGRESSION', 'improved', 'changed', 'not significant') for m in j['metrics'])\n"
		      "sys.exit(0 if ok else 1)\"",
		      tu_binary(), dir, dir, dir, dir, dir),
		0);
	/* markdown: a table, the regressions marked */
	assert_int_equal(compare(&out, NULL, "%s/R1 %s/SLOW --format markdown", dir, dir), 1);
	assert_non_null(strstr(out, "| metric | baseline | result | change | tolerance | p |"));
	assert_non_null(strstr(out, "**REGRESSION**"));
	assert_non_null(strstr(out, "<details>"));
	free(out);
	/* -o FILE: nothing on stdout */
	assert_int_equal(compare(&out, NULL, "%s/R1 %s/R2 --format markdown -o %s/r.md", dir, dir, dir), 0);
	assert_string_equal(out, "");
	free(out);
	char p[800];
	snprintf(p, sizeof p, "%s/r.md", dir);
	out = tu_read_file(p);
	assert_non_null(strstr(out, "no regression"));
	free(out);
	char *err;
	assert_int_equal(compare(NULL, &err, "%s/R1 %s/R2 --format yaml", dir, dir), 2);
	assert_non_null(strstr(err, "--format"));
	free(err);
}

static void write_file(const char *name, const char *text)
{
	char p[800];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_tolerance_files(void **state)
{
	/* globs: every wait and the utilization loosened, the rest kept */
	write_file("loose.tol", "# metric glob            tolerance %\n"
				"*wait_*                  1000000\n\n"
				"utilization.*   1000   # comments after a rule too\n");
	char *out, *err;
	assert_int_equal(compare(&out, NULL, "%s/R1 %s/SLOW --tolerances %s/loose.tol", dir, dir, dir), 1);
	assert_null(strstr(out, "wait_scheduled.mean "));
	assert_null(strstr(out, "utilization.cpu "));
	assert_non_null(strstr(out, "jobs.completed")); /* still a regression */
	free(out);
	/* a later --tolerance wins over the file */
	assert_int_equal(compare(NULL, NULL, "%s/R1 %s/SLOW --tolerances %s/loose.tol --tolerance '*=1000000'", dir, dir, dir),
			 0);
	write_file("bad.tol", "wait_* 10\njobs.* ten\n");
	assert_int_equal(compare(NULL, &err, "%s/R1 %s/SLOW --tolerances %s/bad.tol", dir, dir, dir), 2);
	assert_non_null(strstr(err, "bad.tol: line 2: expected GLOB PERCENT"));
	assert_non_null(strstr(err, "(got \"jobs.* ten\")"));
	free(err);
	write_file("unused.tol", "no_such_metric.* 10\n");
	assert_int_equal(compare(NULL, &err, "%s/R1 %s/R2 --tolerances %s/unused.tol", dir, dir, dir), 2);
	assert_non_null(strstr(err, "unused.tol: line 1: no_such_metric.*: matches no metric"));
	free(err);
	assert_int_equal(compare(NULL, &err, "%s/R1 %s/R2 --tolerances %s/none.tol", dir, dir, dir), 2);
	assert_non_null(strstr(err, "cannot open the tolerance file"));
	free(err);
}

/* What cannot be compared is bad input, never a pass; -o writes where
 * it is told without replacing what is not a regular file. */
static void test_not_comparable(void **state)
{
	char *err;
	/* a number in the baseline, a string in the result */
	assert_int_equal(tu_sh("cp -r %s/one1 %s/str && python3 -c \"import json; p = '%s/str/summary.json'; "
			       "d = json.load(open(p)); d['wait_scheduled']['mean'] = '12'; json.dump(d, open(p, 'w'))\"",
			       dir, dir, dir),
			 0);
	assert_int_equal(compare(NULL, &err, "%s/one1 %s/str", dir, dir), 2);
	assert_non_null(strstr(err, "wait_scheduled.mean: not a number or a statistics object"));
	free(err);
	/* a statistics object whose mean is not a number */
	assert_int_equal(tu_sh("cp -r %s/R1 %s/badstat && python3 -c \"import json; p = '%s/badstat/summary.json'; "
			       "d = json.load(open(p)); d['wait_scheduled']['mean']['mean'] = 'x'; json.dump(d, open(p, 'w'))\"",
			       dir, dir, dir),
			 0);
	assert_int_equal(compare(NULL, NULL, "%s/R1 %s/badstat", dir, dir), 2);
	/* a key past a kilobyte is still a metric (a workload's long name) */
	assert_int_equal(tu_sh("cp -r %s/one1 %s/long && python3 -c \"import json; p = '%s/long/summary.json'; "
			       "d = json.load(open(p)); d['k' * 2000] = 1; json.dump(d, open(p, 'w'))\"",
			       dir, dir, dir),
			 0);
	assert_int_equal(compare(NULL, NULL, "%s/one1 %s/long", dir, dir), 2);
	/* a tolerance file with a NUL byte, or no end (/dev/zero) */
	assert_int_equal(tu_sh("printf 'wait_* 5\\000junk\\n' > %s/nul.tol", dir), 0);
	assert_int_equal(compare(NULL, &err, "%s/R1 %s/R2 --tolerances %s/nul.tol", dir, dir, dir), 2);
	assert_non_null(strstr(err, "a NUL byte"));
	free(err);
	assert_int_equal(compare(NULL, NULL, "%s/R1 %s/R2 --tolerances /dev/zero", dir, dir), 2);
	/* -o: a symbolic link's target is replaced, the link stays; a
	 * character device is written to */
	assert_int_equal(tu_sh("echo old > %s/target.md && ln -sf target.md %s/link.md", dir, dir), 0);
	assert_int_equal(compare(NULL, NULL, "%s/R1 %s/R2 --format markdown -o %s/link.md", dir, dir, dir), 0);
	assert_int_equal(tu_sh("test -L %s/link.md && grep -q 'no regression' %s/target.md", dir, dir), 0);
	char *out;
	assert_int_equal(compare(&out, NULL, "%s/R1 %s/R2 -o /dev/stdout", dir, dir), 0);
	assert_non_null(strstr(out, "metrics compared"));
	free(out);
	assert_int_equal(tu_sh("test -c /dev/stdout -o -p /dev/stdout -o -L /dev/stdout && test -c /dev/null"), 0);
}

static void test_sweeps(void **state)
{
	char *out, *err;
	assert_int_equal(compare(&out, NULL, "%s/S1 %s/S1", dir, dir), 0);
	assert_non_null(strstr(out, "metrics compared, 0 regressions"));
	free(out);
	/* another seed's sweep: compared point by point (the points named) */
	int rc = compare(&out, NULL, "%s/S1 %s/S2 --format json", dir, dir);
	assert_true(rc == 0 || rc == 1);
	assert_non_null(strstr(out, "\"point\": \"omega\""));
	free(out);
	assert_int_equal(compare(NULL, &err, "%s/S1 %s/R1", dir, dir), 2);
	assert_non_null(strstr(err, "not a sweep's directory"));
	free(err);
	/* a point that failed (its row says so) */
	assert_int_equal(tu_sh("cp -r %s/S2 %s/S3 && sed -i 's/^mesos,mesos,ok,/mesos,mesos,failed,/' %s/S3/sweep.csv", dir,
			       dir, dir),
			 0);
	assert_int_equal(compare(NULL, &err, "%s/S1 %s/S3", dir, dir), 2);
	assert_non_null(strstr(err, "point mesos has no complete result"));
	free(err);
}

/* The shipped CI example end to end: docs/ci/gate.sh with the same build
 * on both sides passes, with a "change" that slows the service scheduler
 * (a wrapper adding --set) fails, and leaves the reports the workflow
 * posts; the workflow calls the gate. */
static void test_ci_example(void **state)
{
	char wrap[800];
	snprintf(wrap, sizeof wrap, "%s/slower.sh", dir);
	FILE *f = fopen(wrap, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\nexec %s \"$@\" --set vars.svc_t_job=30\n", tu_binary());
	fclose(f);
	assert_int_equal(tu_sh("chmod +x %s", wrap), 0);
	assert_int_equal(tu_sh("sh docs/ci/gate.sh %s %s %s/g1 >%s/g1.txt 2>&1", tu_binary(), tu_binary(), dir, dir), 0);
	assert_int_equal(tu_sh("grep -q '0 regressions' %s/g1.txt && test -s %s/g1/compare.md && test -s %s/g1/compare.xml && "
			       "test -s %s/g1/compare.json",
			       dir, dir, dir, dir),
			 0);
	assert_int_equal(tu_sh("sh docs/ci/gate.sh %s %s %s/g2 >%s/g2.txt 2>&1", tu_binary(), wrap, dir, dir), 1);
	assert_int_equal(tu_sh("grep -q REGRESSION %s/g2/compare.md && grep -q '<failure' %s/g2/compare.xml", dir, dir), 0);
	/* a build that cannot run the experiment is not a pass */
	assert_int_not_equal(tu_sh("sh docs/ci/gate.sh %s /bin/false %s/g3 >/dev/null 2>&1", tu_binary(), dir), 0);
	assert_int_equal(tu_sh("grep -q 'docs/ci/gate.sh ../base/bin/clustersim bin/clustersim' docs/ci/github-workflow.yml"),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noise_and_a_real_regression),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_tolerance_files),
		cmocka_unit_test(test_not_comparable),
		cmocka_unit_test(test_sweeps),
		cmocka_unit_test(test_ci_example),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
