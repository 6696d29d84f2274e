/* clustersim report (issue 15, item 4), on the real binary ($CLUSTERSIM):
 *  - a run, a run with replications and a sweep with replications in one
 *    page: self-contained (nothing fetched: no src= or link to another
 *    document, the figures inline SVG), with the metrics' intervals, the
 *    experiment and the provenance (version, commit, machine, seeds);
 *  - the page loaded in headless Chromium (Debian's chromium, in a network
 *    namespace of its own so that it reaches nothing): every figure laid
 *    out with a size, no script error (the page's own check, read back
 *    from the DOM);
 *  - bad input: a directory that is not results, no -o: exit 2, and an
 *    earlier report is left as it was. */
#include "testutil.h"

static char *dir;

static int setup(void **state)
{
	dir = tu_tmpdir();
	const char *b = tu_binary();
	return tu_sh("%s run experiments/default.json -o %s/one -q --set duration=6h && "
		     "%s run experiments/default.json -o %s/reps -q --replications 3 -j 2 --set duration=6h && "
		     "%s sweep experiments/bench/omega-sweep.json -o %s/sweep -q -j 2 --replications 2 --set duration=2h && "
		     "%s sweep experiments/default.json -o %s/cat -q -j 2 --replications 2 --set duration=2h && "
		     "%s run tests/cases/good.json -o %s/short -q",
		     b, dir, b, dir, b, dir, b, dir, b, dir) == 0
		       ? 0
		       : -1;
}

static int teardown(void **state)
{
	tu_rm_rf(dir);
	free(dir);
	return 0;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_report_page(void **state)
{
	assert_int_equal(tu_sh("%s report %s/one %s/reps %s/sweep -o %s/report.html --title 'a <test> report' >/dev/null",
			       tu_binary(), dir, dir, dir, dir),
			 0);
	char p[700];
	snprintf(p, sizeof p, "%s/report.html", dir);
	char *h = tu_read_file(p);
	assert_non_null(h);
	assert_int_equal(count(h, "<!DOCTYPE html>"), 1);
	assert_non_null(strstr(h, "<title>a &lt;test&gt; report</title>"));
	/* figures: two per run (utilization, wait CDFs), two for the sweep */
	assert_int_equal(count(h, "<figure>\n<svg"), 6);
	/* self-contained: nothing to fetch */
	assert_null(strstr(h, " src="));
	assert_null(strstr(h, "<link"));
	assert_null(strstr(h, "href=\"http"));
	/* the aggregate's intervals, the sweep's table, the experiment */
	assert_non_null(strstr(h, " ± "));
	assert_non_null(strstr(h, "(n=3)"));
	assert_non_null(strstr(h, "utilization.cpu.ci95_lo"));
	assert_non_null(strstr(h, "the experiment as it ran"));
	/* provenance */
	assert_non_null(strstr(h, "<th>clustersim</th><td>"));
	assert_non_null(strstr(h, "<th>git commit</th>"));
	assert_non_null(strstr(h, " cpus</td>"));
	assert_non_null(strstr(h, "seeds [1,2,3]"));
	free(h);
}

static void test_report_in_chromium(void **state)
{
	if (tu_sh("command -v chromium >/dev/null") != 0) {
		print_error("chromium is not installed (make deps installs it)\n");
		fail();
	}
	if (tu_sh("unshare -n true 2>/dev/null") != 0) {
		print_error("cannot make a network namespace for chromium (unshare -n needs root)\n");
		fail();
	}
	char p[700];
	snprintf(p, sizeof p, "%s/report.html", dir);
	if (access(p, R_OK) != 0)
		assert_int_equal(tu_sh("%s report %s/one %s/reps %s/sweep -o %s >/dev/null", tu_binary(), dir, dir, dir, p), 0);
	/* a profile of its own, no network at all; the DOM once loaded */
	assert_int_equal(tu_sh("HOME=%s/chrome-home timeout 120 unshare -n chromium --headless --no-sandbox --disable-gpu "
			       "--user-data-dir=%s/chrome-profile --no-first-run --disable-extensions --virtual-time-budget=5000 "
			       "--dump-dom file://%s > %s/dom.html 2>%s/chrome.log",
			       dir, dir, p, dir, dir),
			 0);
	char d[700];
	snprintf(d, sizeof d, "%s/dom.html", dir);
	char *dom = tu_read_file(d);
	assert_non_null(dom);
	if (!strstr(dom, "data-figures=\"6 of 6\"") || !strstr(dom, "data-errors=\"0\"")) {
		const char *body = strstr(dom, "<body");
		print_error("the page's check says: %.120s\n", body ? body : "(no body)");
		fail();
	}
	free(dom);
}

/* The figures' conventions (issue 15, item 5), read from their SVG: a
 * title; the y axis named with its unit from the metric table; the time
 * axis in the unit of the span (100 s: seconds, 6 h: hours); a
 * categorical swept key as bars with the replications' error bars. */
static void test_figure_conventions(void **state)
{
	const char *b = tu_binary();
	assert_int_equal(tu_sh("%s plot %s/short -o %s/short.svg >/dev/null && %s plot %s/one -o %s/one.svg >/dev/null && "
			       "%s plot %s/sweep -o %s/sweep.svg >/dev/null && %s plot %s/cat -o %s/cat.svg >/dev/null",
			       b, dir, dir, b, dir, dir, b, dir, dir, b, dir, dir),
			 0);
	assert_int_equal(tu_sh("grep -q 'simulated time (seconds)' %s/short.svg && grep -q 'simulated time (hours)' %s/one.svg && "
			       "grep -q 'cpu utilization over time' %s/one.svg",
			       dir, dir, dir),
			 0);
	/* a numeric key: lines, the y axis "NAME (UNIT)", a title */
	assert_int_equal(tu_sh("grep -q 'wait to first attempt (s)' %s/sweep.svg && grep -q 'by vars.svc_t_job' %s/sweep.svg",
			       dir, dir),
			 0);
	/* a categorical key (the scheduler): bars, one per configuration */
	assert_int_equal(tu_sh("grep -q 'by scheduler' %s/cat.svg && grep -q 'monolithic-multi-path' %s/cat.svg", dir, dir), 0);
	assert_int_equal(tu_sh("%s plot %s/cat --x scheduler --metric 'schedulers.*.busy' -o %s/cat-busy.svg >/dev/null && "
			       "grep -q 'scheduler busyness (fraction of time)' %s/cat-busy.svg",
			       b, dir, dir, dir),
			 0);
}

static void test_report_bad_input(void **state)
{
	char *err, a[2048];
	assert_int_equal(tu_sh("mkdir -p %s/empty && echo keep > %s/old.html", dir, dir), 0);
	snprintf(a, sizeof a, "report %s/one %s/empty -o %s/old.html", dir, dir, dir);
	assert_int_equal(tu_cli(a, &err), 2);
	assert_non_null(strstr(err, "not a results directory"));
	assert_int_equal(count(err, "\n"), 1);
	free(err);
	assert_int_equal(tu_sh("grep -qx keep %s/old.html", dir), 0); /* untouched */
	snprintf(a, sizeof a, "report %s/one", dir);
	assert_int_equal(tu_cli(a, &err), 2);
	assert_non_null(strstr(err, "missing -o"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_page),
		cmocka_unit_test(test_report_in_chromium),
		cmocka_unit_test(test_figure_conventions),
		cmocka_unit_test(test_report_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
