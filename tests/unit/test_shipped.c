/* Every shipped experiment (experiments/ and its folders) runs, and gives
 * the same result files whether or not stderr is a terminal: each one is
 * run once with -q and once under script(1), which gives the run a
 * pseudo-terminal so that it shows its progress line; every result file
 * but run.json (wall-clock figures) must be byte-identical.  (A progress
 * line once changed what a Google replay did: it counted events as they
 * ran, and the initial-state check read that count.)  With CS_TEST_QUICK
 * (the sanitizer build) the four experiments that take seconds are left
 * out.  Runs the real binary ($CLUSTERSIM). */
#include <dirent.h>
#include <sys/stat.h>

#include "testutil.h"

static const char *const slow[] = {
	"experiments/balancing/policies.json", "experiments/balancing/sticky-vs-rr.json",
	"experiments/traces/alibaba-batch.json", "experiments/bench/google-month.json",
	"experiments/bench/k8s-envelope.json", NULL,
};

static bool is_slow(const char *path)
{
	for (const char *const *s = slow; *s; s++)
		if (strcmp(*s, path) == 0)
			return true;
	return false;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The experiment files under dir (one level of folders), sorted. */
static size_t list_experiments(const char *dir, char ***out)
{
	char **v = NULL;
	size_t n = 0;
	const char *subs[] = {"", "/balancing", "/bench", "/ci", "/cluster-managers", "/omega-paper", "/traces"};
	for (size_t s = 0; s < sizeof subs / sizeof *subs; s++) {
		char d[256];
		snprintf(d, sizeof d, "%s%s", dir, subs[s]);
		DIR *dp = opendir(d);
		assert_non_null(dp);
		struct dirent *e;
		while ((e = readdir(dp))) {
			size_t len = strlen(e->d_name);
			if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
				continue;
			v = realloc(v, (n + 1) * sizeof *v);
			char p[512];
			snprintf(p, sizeof p, "%s/%s", d, e->d_name);
			v[n++] = strdup(p);
		}
		closedir(dp);
	}
	qsort(v, n, sizeof *v, cmp_names);
	*out = v;
	return n;
}

static bool same_file(const char *a, const char *b)
{
	return tu_sh("cmp -s '%s' '%s'", a, b) == 0;
}

static void test_tty_and_quiet_agree(void **state)
{
	(void)state;
	bool quick = getenv("CS_TEST_QUICK") != NULL;
	char **exps;
	size_t n = list_experiments("experiments", &exps);
	assert_true(n >= 20);
	char *tmp = tu_tmpdir();
	size_t ran = 0;
	bool progress_seen = false;
	for (size_t i = 0; i < n; i++) {
		if (quick && is_slow(exps[i]))
			continue;
		char cmd[4096], q[600], t[600], typescript[600];
		snprintf(q, sizeof q, "%s/q%zu", tmp, i);
		snprintf(t, sizeof t, "%s/t%zu", tmp, i);
		snprintf(typescript, sizeof typescript, "%s/tty%zu.out", tmp, i);
		snprintf(cmd, sizeof cmd, "%s run '%s' -o '%s' -q 2>/dev/null", tu_binary(), exps[i], q);
		int rq = tu_sh("%s", cmd);
		/* script -e: its exit status is the command's; -c: the command */
		snprintf(cmd, sizeof cmd, "script -qec \"%s run '%s' -o '%s'\" /dev/null </dev/null >'%s' 2>&1",
			 tu_binary(), exps[i], t, typescript);
		int rt = tu_sh("%s", cmd);
		if (rq != 0 || rt != 0) {
			print_error("%s: exit %d with -q, %d on a terminal\n", exps[i], rq, rt);
			fail();
		}
		char *out = tu_read_file(typescript);
		if (out && strstr(out, "simulated,"))
			progress_seen = true;
		free(out);
		const char *files[] = {"experiment.json", "summary.json", "timeseries.csv", "jobs.csv"};
		for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
			char a[700], b[700];
			snprintf(a, sizeof a, "%s/%s", q, files[f]);
			snprintf(b, sizeof b, "%s/%s", t, files[f]);
			struct stat st;
			bool has_a = stat(a, &st) == 0, has_b = stat(b, &st) == 0;
			if (has_a != has_b || (has_a && !same_file(a, b))) {
				print_error("%s: %s differs between a -q run and a run on a terminal\n", exps[i],
					    files[f]);
				fail();
			}
		}
		ran++;
	}
	printf("  %zu shipped experiments: the same results with -q and on a terminal\n", ran);
	/* the terminal runs did show their progress line (else this test
	 * would test nothing) */
	assert_true(progress_seen);
	tu_rm_rf(tmp);
	free(tmp);
	for (size_t i = 0; i < n; i++)
		free(exps[i]);
	free(exps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tty_and_quiet_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
