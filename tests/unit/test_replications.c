/* Replications and their statistics (issue 15, item 1).
 *  - analysis/stats against values worked out by hand and against
 *    Welch's published example;
 *  - analysis/aggregate: nulls, missing keys, strings, determinism;
 *  - `run --replications N` (the real binary): the layout, replication k
 *    is the plain run with seed + k - 1 byte for byte, -j 1 and -j 2 give
 *    the same bytes, bad counts are refused;
 *  - `sweep --replications N`: sweep.csv's interval columns, the same
 *    bytes with -j 1 and -j 2 and after an interrupted sweep resumed;
 *  - output.per_day against the run's own totals and its jobs.csv. */
#include <math.h>
#include <signal.h>
#include <sys/wait.h>

#include "testutil.h"

#include "analysis/aggregate.h"
#include "analysis/stats.h"

static void test_stats_by_hand(void **state)
{
	/* 1..5: mean 3, sd sqrt(10/4) = 1.58113883; t(0.975, 4) = 2.77644511
	 * (tables), half-width 2.77644511 * 1.58113883 / sqrt(5) = 1.96324316;
	 * median 3; |x - 3| = 2 1 0 1 2, so mad 1 */
	const double x[] = {1, 2, 3, 4, 5};
	struct cs_stats s;
	cs_stats_of(x, 5, &s);
	assert_int_equal(s.n, 5);
	assert_near(s.mean, 3, 1e-12);
	assert_near(s.sd, 1.58113883, 1e-8);
	assert_near(s.ci_lo, 3 - 1.96324316, 1e-8);
	assert_near(s.ci_hi, 3 + 1.96324316, 1e-8);
	assert_near(s.median, 3, 1e-12);
	assert_near(s.mad, 1, 1e-12);
	/* an even count: 1 2 3 10 has median 2.5; |x - 2.5| = 1.5 .5 .5 7.5,
	 * median (0.5 + 1.5) / 2 = 1 */
	const double y[] = {10, 1, 3, 2};
	cs_stats_of(y, 4, &s);
	assert_near(s.median, 2.5, 1e-12);
	assert_near(s.mad, 1, 1e-12);
	/* one value: no spread, no interval */
	cs_stats_of(x, 1, &s);
	assert_true(isnan(s.sd) && isnan(s.ci_lo) && isnan(s.ci_hi));
	json_t *j = cs_stats_json(&s);
	assert_true(json_is_null(json_object_get(j, "sd")) && json_is_null(json_object_get(j, "ci95")));
	struct cs_stats back;
	assert_true(cs_stats_from_json(j, &back));
	assert_int_equal(back.n, 1);
	json_decref(j);
	/* an object with other keys is not a statistics object */
	json_t *o = json_pack("{s:f, s:f}", "mean", 1.0, "p50", 2.0);
	assert_false(cs_stats_from_json(o, &back));
	json_decref(o);
}

static void test_welch_published_example(void **state)
{
	/* Welch's t-test, the first worked example of its Wikipedia article
	 * (samples A1 and A2 of 15): t = -2.46, df = 24.9, p = 0.021 */
	const double a[] = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
	const double b[] = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
	struct cs_stats sa, sb;
	cs_stats_of(a, 15, &sa);
	cs_stats_of(b, 15, &sb);
	double p = cs_welch_p(&sa, &sb);
	assert_true(fabs(p - 0.021) < 0.0015);
	assert_near(cs_welch_p(&sb, &sa), p, 1e-12); /* two-sided */
	/* no spread on either side: equal means p = 1, different p = 0 */
	const double c[] = {2, 2, 2}, d[] = {3, 3, 3};
	struct cs_stats sc, sd;
	cs_stats_of(c, 3, &sc);
	cs_stats_of(d, 3, &sd);
	assert_true(cs_welch_p(&sc, &sc) == 1.0);
	assert_true(cs_welch_p(&sc, &sd) == 0.0);
}

static void test_aggregate_structure(void **state)
{
	json_t *d[3] = {json_loads("{\"name\": \"x\", \"a\": {\"w\": 1, \"z\": null}, \"l\": [1, 2], \"only1\": 5}", 0, NULL),
			json_loads("{\"name\": \"x\", \"a\": {\"w\": 3, \"z\": null}, \"l\": [3]}", 0, NULL),
			json_loads("{\"name\": \"x\", \"a\": {\"w\": null, \"z\": null, \"late\": 7}, \"l\": [5, 4]}", 0, NULL)};
	json_t *agg = cs_aggregate(d, 3);
	struct cs_stats s;
	/* w: the non-null values 1 and 3 */
	assert_true(cs_stats_from_json(json_object_get(json_object_get(agg, "a"), "w"), &s));
	assert_int_equal(s.n, 2);
	assert_near(s.mean, 2, 1e-12);
	/* null everywhere stays null; a key of one replication has n = 1 */
	assert_true(json_is_null(json_object_get(json_object_get(agg, "a"), "z")));
	assert_true(cs_stats_from_json(json_object_get(agg, "only1"), &s));
	assert_int_equal(s.n, 1);
	assert_true(cs_stats_from_json(json_object_get(json_object_get(agg, "a"), "late"), &s));
	/* arrays element by element */
	assert_true(cs_stats_from_json(json_array_get(json_object_get(agg, "l"), 1), &s));
	assert_int_equal(s.n, 2);
	assert_near(s.mean, 3, 1e-12);
	assert_string_equal(json_string_value(json_object_get(agg, "name")), "x");
	/* the same documents, the same bytes */
	json_t *again = cs_aggregate(d, 3);
	char *t1 = json_dumps(agg, JSON_REAL_PRECISION(17)), *t2 = json_dumps(again, JSON_REAL_PRECISION(17));
	assert_string_equal(t1, t2);
	/* the table form: means and interval siblings */
	json_t *rows = cs_aggregate_means(agg, 1);
	assert_true(json_is_real(json_object_get(json_object_get(rows, "a"), "w")));
	assert_non_null(json_object_get(json_object_get(rows, "a"), "w.ci95_lo"));
	free(t1);
	free(t2);
	json_decref(rows);
	json_decref(again);
	json_decref(agg);
	for (int i = 0; i < 3; i++)
		json_decref(d[i]);
}

static void test_run_replications(void **state)
{
	char *dir = tu_tmpdir();
	const char *b = tu_binary();
	assert_int_equal(tu_sh("%s run tests/cases/good.json -o %s/R -q --replications 4 --seed 5", b, dir), 0);
	assert_int_equal(tu_sh("%s run tests/cases/good.json -o %s/R2 -q --replications 4 --seed 5 -j 2", b, dir), 0);
	assert_int_equal(tu_sh("%s run tests/cases/good.json -o %s/P -q --seed 7", b, dir), 0);
	/* layout; nothing staged is left beside it */
	assert_int_equal(tu_sh("test -f %s/R/summary.json && test -f %s/R/run.json && test -f %s/R/experiment.json && "
			       "test -d %s/R/replications/4 && ! test -e %s/R/replications/5 && ! test -e %s/.R.replications",
			       dir, dir, dir, dir, dir, dir),
			 0);
	/* replication 3 is the plain run with seed 5 + 2, byte for byte */
	assert_int_equal(tu_sh("cmp -s %s/R/replications/3/summary.json %s/P/summary.json", dir, dir), 0);
	assert_int_equal(tu_sh("cmp -s %s/R/replications/3/timeseries.csv %s/P/timeseries.csv", dir, dir), 0);
	/* -j 2 gives the same bytes */
	assert_int_equal(tu_sh("cmp -s %s/R/summary.json %s/R2/summary.json", dir, dir), 0);
	char p[700];
	snprintf(p, sizeof p, "%s/R/summary.json", dir);
	json_t *s = json_load_file(p, 0, NULL);
	assert_non_null(s);
	assert_true(cs_is_aggregate(s));
	assert_int_equal(json_integer_value(json_object_get(s, "replications")), 4);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(s, "seeds"), 3)), 8);
	struct cs_stats st;
	assert_true(cs_stats_from_json(json_object_get(json_object_get(s, "utilization"), "cpu"), &st));
	assert_int_equal(st.n, 4);
	assert_true(st.ci_lo <= st.mean && st.mean <= st.ci_hi);
	json_decref(s);
	/* bad counts: exit 2 with the key named */
	char *err;
	char a[900];
	snprintf(a, sizeof a, "run tests/cases/good.json -o %s/X -q --replications 0", dir);
	assert_int_equal(tu_cli(a, &err), 2);
	assert_non_null(strstr(err, "--replications"));
	free(err);
	snprintf(a, sizeof a, "run tests/cases/good.json -o %s/X -q --set replications=2.5", dir);
	assert_int_equal(tu_cli(a, &err), 2);
	assert_non_null(strstr(err, "replications: expected a whole number from 1 to 1000"));
	free(err);
	/* seeds that would pass 2^63 - 1, and counts past a million: refused
	 * before anything runs */
	snprintf(a, sizeof a, "run tests/cases/good.json -o %s/X -q --seed 9223372036854775000 --replications 1000", dir);
	assert_int_equal(tu_cli(a, &err), 2);
	assert_non_null(strstr(err, "do not all fit"));
	free(err);
	snprintf(a, sizeof a, "run tests/cases/good.json -o %s/X -q --set limits.replications=1e12 --set replications=1e12", dir);
	assert_int_equal(tu_cli(a, &err), 2);
	assert_non_null(strstr(err, "at most 1,000,000"));
	free(err);
	assert_int_equal(tu_sh("ls -a %s | grep -c replications | grep -qx 0", dir), 0); /* nothing staged */
	/* a directory that is not empty needs --force */
	snprintf(a, sizeof a, "run tests/cases/good.json -o %s/R -q --replications 2", dir);
	assert_int_equal(tu_cli(a, &err), 2);
	assert_non_null(strstr(err, "not empty"));
	free(err);
	tu_rm_rf(dir);
	free(dir);
}

static void test_sweep_replications(void **state)
{
	char *dir = tu_tmpdir();
	const char *b = tu_binary();
	assert_int_equal(tu_sh("%s sweep experiments/default.json -o %s/A -q --replications 3 -j 2 --set duration=6h", b, dir),
			 0);
	assert_int_equal(tu_sh("%s sweep experiments/default.json -o %s/B -q --replications 3 --set duration=6h", b, dir), 0);
	assert_int_equal(tu_sh("cmp -s %s/A/sweep.csv %s/B/sweep.csv", dir, dir), 0);
	char p[700];
	snprintf(p, sizeof p, "%s/A/sweep.csv", dir);
	char *csv = tu_read_file(p);
	assert_non_null(strstr(csv, ",utilization.cpu,utilization.cpu.ci95_lo,utilization.cpu.ci95_hi,"));
	assert_null(strstr(csv, "seeds"));
	free(csv);
	/* a point's replications: interrupted, then resumed: the same bytes */
	assert_int_equal(tu_sh("rm -rf %s/B/points/omega %s/B/sweep.csv && mkdir -p %s/B/points/.omega.replications && "
			       "cp -r %s/A/points/omega/replications/2 %s/B/points/.omega.replications/2",
			       dir, dir, dir, dir, dir),
			 0);
	assert_int_equal(tu_sh("%s sweep experiments/default.json -o %s/B -q --replications 3 --resume --set duration=6h", b,
			       dir),
			 0);
	assert_int_equal(tu_sh("cmp -s %s/A/sweep.csv %s/B/sweep.csv && cmp -s %s/A/points/omega/summary.json "
			       "%s/B/points/omega/summary.json && ! test -e %s/B/points/.omega.replications",
			       dir, dir, dir, dir, dir),
			 0);
	/* resumed with another replication count: the points run again */
	assert_int_equal(tu_sh("%s sweep experiments/default.json -o %s/B -q --replications 2 --resume --set duration=6h", b,
			       dir),
			 0);
	assert_int_equal(tu_sh("grep -q '^omega,omega,ok,1,2,' %s/B/sweep.csv && test -d %s/B/points/omega/replications/2 && "
			       "! test -e %s/B/points/omega/replications/3",
			       dir, dir, dir),
			 0);
	tu_rm_rf(dir);
	free(dir);
}

/* output.per_day: the daily values agree with the whole run's (the
 * mean of two days' time-weighted utilization is the run's exact
 * utilization; the days' submissions add up), and with jobs.csv read
 * independently (python's csv); a run shorter than a day has none. */
static void test_per_day(void **state)
{
	char *dir = tu_tmpdir();
	const char *b = tu_binary();
	/* (a sample window of 700 s straddles midnight: split by overlap) */
	assert_int_equal(tu_sh("%s run tests/cases/per-day.json -o %s/P -q", b, dir), 0);
	char p[700];
	snprintf(p, sizeof p, "%s/P/summary.json", dir);
	json_t *s = json_load_file(p, 0, NULL);
	assert_non_null(s);
	json_t *pd = json_object_get(s, "per_day"), *m = json_object_get(pd, "metrics");
	assert_int_equal(json_integer_value(json_object_get(pd, "days")), 2);
	json_t *u = json_object_get(json_object_get(m, "utilization.cpu"), "values");
	double mean = (json_number_value(json_array_get(u, 0)) + json_number_value(json_array_get(u, 1))) / 2;
	assert_near(mean, tu_num(s, "utilization.cpu"), 1e-6);
	json_t *j = json_object_get(json_object_get(m, "jobs.submitted"), "values");
	assert_near(json_number_value(json_array_get(j, 0)) + json_number_value(json_array_get(j, 1)), tu_num(s, "jobs.submitted"),
		    1e-12);
	/* day 2's mean wait to the first attempt, from jobs.csv */
	assert_int_equal(tu_sh("python3 -c \"\nimport csv, json, sys\nw = [float(r['first_attempt']) - float(r['submit']) "
			       "for r in csv.DictReader(open('%s/P/jobs.csv')) if r['first_attempt'] and 86400 <= float(r['submit']) < "
			       "172800]\nv = json.load(open('%s'))['per_day']['metrics']['wait_first_attempt.mean']['values'][1]\n"
			       "sys.exit(0 if abs(sum(w) / len(w) - v) <= 1e-6 * max(1, abs(v)) else 1)\"",
			       dir, p),
			 0);
	/* median and MAD of the two days */
	json_t *busy = json_object_get(m, "schedulers.batch.busy");
	double a = json_number_value(json_array_get(json_object_get(busy, "values"), 0)),
	       c = json_number_value(json_array_get(json_object_get(busy, "values"), 1));
	assert_near(json_number_value(json_object_get(busy, "median")), (a + c) / 2, 1e-9);
	assert_near(json_number_value(json_object_get(busy, "mad")), fabs(a - c) / 2, 1e-6);
	json_decref(s);
	/* shorter than a day: no whole day */
	assert_int_equal(tu_sh("%s run tests/cases/good.json -o %s/Q -q --set output.per_day=true", b, dir), 0);
	snprintf(p, sizeof p, "%s/Q/summary.json", dir);
	s = json_load_file(p, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "per_day"), "days")), 0);
	json_decref(s);
	tu_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_by_hand),
		cmocka_unit_test(test_welch_published_example),
		cmocka_unit_test(test_aggregate_structure),
		cmocka_unit_test(test_run_replications),
		cmocka_unit_test(test_sweep_replications),
		cmocka_unit_test(test_per_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
