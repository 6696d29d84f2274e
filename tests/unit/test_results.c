/* Results are never lost or half-written, and their CSV files parse
 * (issue 11, items 1, 3 and 4).  Runs the real binary ($CLUSTERSIM) on the
 * experiments in tests/cases/:
 *  - a failed run with --force, and an interrupted one, leave the earlier
 *    results byte for byte, and no temporary directory behind;
 *  - names from the experiment (its name, sweep labels) never leave the
 *    output directory, and --force never follows a link inside it;
 *  - a write error names the file and the system's reason;
 *  - a workload or path name with a comma, a quote or a newline keeps
 *    jobs.csv, timeseries.csv and sweep.csv well-formed (Python's csv
 *    module reads them back), and sweep.csv has each metric once;
 *  - SIGTERM to a sweep stops its points too (none is left running),
 *    sweep.csv says which points completed, --resume runs the rest, and
 *    the resumed 28-point sweep's sweep.csv is byte-identical to an
 *    uninterrupted one's; a second sweep into the same directory is
 *    refused while the first runs. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "testutil.h"

static bool quick(void)
{
	return getenv("CS_TEST_QUICK") != NULL;
}

/* Processes started by spawn, each the leader of its own process group:
 * the teardown kills what a failed test left running. */
static pid_t spawned[16];
static size_t nspawned;

static int kill_spawned(void **state)
{
	for (size_t i = 0; i < nspawned; i++) {
		kill(-spawned[i], SIGKILL);
		waitpid(spawned[i], NULL, WNOHANG);
	}
	nspawned = 0;
	return 0;
}

/* Start `clustersim ARGS...` (NULL-terminated) with stderr to errfile. */
static pid_t spawn(const char *errfile, const char *const *args)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid > 0 && nspawned < sizeof spawned / sizeof *spawned)
		spawned[nspawned++] = pid;
	if (pid == 0) {
		setpgid(0, 0);
		const char *argv[32];
		size_t n = 0;
		argv[n++] = tu_binary();
		for (; *args && n < 31; args++)
			argv[n++] = *args;
		argv[n] = NULL;
		freopen("/dev/null", "w", stdout);
		freopen(errfile, "w", stderr);
		execv(tu_binary(), (char **)(uintptr_t)argv);
		_exit(127);
	}
	return pid;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Whether dir/name exists (a link counts, not its target). */
static bool exists(const char *dir, const char *name)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	struct stat st;
	return lstat(p, &st) == 0;
}

/* The entries of dir whose names start with prefix. */
static size_t count_prefix(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

static char *snapshot(const char *dir)
{
	char cmd[1024], *out;
	snprintf(cmd, sizeof cmd, "cd '%s' && ls -la --time-style=+ . && md5sum *", dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, p)) > 0)
		fwrite(buf, 1, got, m);
	pclose(p);
	fclose(m);
	return out;
}

/* A run that fails, or is interrupted, leaves the earlier results. */
static void test_earlier_results_kept(void **state)
{
	char *dir = tu_tmpdir();
	assert_int_equal(tu_sh("%s run tests/cases/good.json -o %s/D -q", tu_binary(), dir), 0);
	char d[600];
	snprintf(d, sizeof d, "%s/D", dir);
	char *before = snapshot(d);
	/* bad input with --force: refused before anything is replaced */
	assert_int_equal(tu_sh("%s run tests/cases/bad.json -o %s/D --force -q 2>/dev/null", tu_binary(), dir), 2);
	char *after = snapshot(d);
	assert_string_equal(before, after);
	free(after);
	/* interrupted while it runs (a 30-day run: long enough to be stopped) */
	char err[700];
	snprintf(err, sizeof err, "%s/err", dir);
	const char *args[] = {"run", "tests/cases/slow.json", "-o", d, "--force", "-q", NULL};
	pid_t pid = spawn(err, args);
	sleep_ms(600);
	kill(pid, SIGTERM);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	/* it ends as killed by the signal, as a shell expects */
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
	after = snapshot(d);
	assert_string_equal(before, after);
	assert_int_equal(count_prefix(dir, ".D.tmp-"), 0);
	free(after);
	/* a results directory has the mode mkdir would give it, not
	 * mkdtemp's 0700 */
	struct stat sb;
	mode_t mask = umask(0);
	umask(mask);
	assert_int_equal(stat(d, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0777 & ~mask);
	/* a good run with --force replaces them, and only then */
	assert_int_equal(tu_sh("%s run tests/cases/good.json -o %s/D --force -q --seed 2", tu_binary(), dir), 0);
	after = snapshot(d);
	assert_string_not_equal(before, after);
	assert_int_equal(count_prefix(dir, ".D."), 0);
	free(after);
	free(before);
	tu_rm_rf(dir);
	free(dir);
}

/* Names from the experiment never escape the output directory. */
static void test_names_stay_inside(void **state)
{
	char *dir = tu_tmpdir();
	/* "name": "../../escaped-by-name", run without -o from a folder two
	 * levels down: refused, nothing written above */
	char cwd[1024];
	assert_non_null(getcwd(cwd, sizeof cwd));
	char bin[2048];
	snprintf(bin, sizeof bin, "%s%s%s", tu_binary()[0] == '/' ? "" : cwd, tu_binary()[0] == '/' ? "" : "/", tu_binary());
	assert_int_equal(tu_sh("mkdir -p %s/a/b && cd %s/a/b && %s run %s/tests/cases/b06-name-traversal.json -q "
			    "2>%s/err", dir, dir, bin, cwd, dir), 2);
	char ep[700];
	snprintf(ep, sizeof ep, "%s/err", dir);
	char *err = tu_read_file(ep);
	assert_non_null(strstr(err, ": name: cannot name the results directory"));
	free(err);
	char up[700];
	snprintf(up, sizeof up, "%s/a", dir);
	assert_false(exists(dir, "escaped-by-name"));
	assert_false(exists(up, "escaped-by-name"));
	/* sweep labels "..", "." and "" and a 400-byte one: all inside points/ */
	const char *sweeps[] = {"b05-sweep-label-dotdot.json", "b05-sweep-label-empty.json", "w08-long-label.json"};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(tu_sh("%s sweep tests/cases/%s -o %s/S%zu -q", tu_binary(), sweeps[i], dir, i), 0);
		char pts[700];
		snprintf(pts, sizeof pts, "%s/S%zu/points", dir, i);
		DIR *d = opendir(pts);
		assert_non_null(d);
		struct dirent *e;
		size_t n = 0;
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			assert_true(e->d_name[0] != '.'); /* none hidden, none "." or ".." */
			assert_true(strlen(e->d_name) <= 255);
			n++;
		}
		closedir(d);
		assert_int_equal(n, i == 0 ? 3 : 2);
		char sum[800];
		snprintf(sum, sizeof sum, "%s/S%zu/summary.json", dir, i);
		struct stat st;
		assert_true(stat(sum, &st) < 0); /* nothing landed in the sweep's own directory */
	}
	/* --force does not write through a link inside the old results */
	assert_int_equal(tu_sh("%s run tests/cases/good.json -o %s/L -q && echo precious > %s/outside && "
			    "rm %s/L/summary.json && ln -s %s/outside %s/L/summary.json && "
			    "%s run tests/cases/good.json -o %s/L -q --force", tu_binary(), dir, dir, dir, dir, dir, tu_binary(), dir),
			 0);
	char op[700];
	snprintf(op, sizeof op, "%s/outside", dir);
	char *outside = tu_read_file(op);
	assert_string_equal(outside, "precious\n");
	free(outside);
	struct stat st;
	char lp[700];
	snprintf(lp, sizeof lp, "%s/L/summary.json", dir);
	assert_int_equal(lstat(lp, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	tu_rm_rf(dir);
	free(dir);
}

/* A write error names the file and the reason. */
static void test_write_errors(void **state)
{
	char *dir = tu_tmpdir();
	char ep[700];
	snprintf(ep, sizeof ep, "%s/err", dir);
	/* a full file system (a 64 KiB tmpfs; needs root, as CI is) */
	char mnt[700];
	snprintf(mnt, sizeof mnt, "%s/full", dir);
	mkdir(mnt, 0755);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k") == 0) {
		assert_int_equal(tu_sh("%s run tests/cases/base.json -o %s/R -q --set duration=86400 2>%s", tu_binary(), mnt, ep),
				 2);
		char *err = tu_read_file(ep);
		/* it names the file where it would have been */
		char want[800];
		snprintf(want, sizeof want, "%s/R/", mnt);
		assert_non_null(strstr(err, want));
		assert_non_null(strstr(err, ": write error: No space left on device"));
		free(err);
		assert_int_equal(count_prefix(mnt, ".R.tmp-"), 0);
		assert_false(exists(mnt, "R"));
		umount(mnt);
	} else {
		printf("  (no tmpfs: %s; the full-disk case is skipped)\n", strerror(errno));
	}
	/* a file size limit (any user): "File too large" */
	assert_int_equal(tu_sh("ulimit -f 8 && %s run tests/cases/base.json -o %s/F -q --set duration=86400 2>%s", tu_binary(),
			    dir, ep), 2);
	char *err = tu_read_file(ep);
	assert_non_null(strstr(err, "write error: File too large"));
	free(err);
	tu_rm_rf(dir);
	free(dir);
}

/* The CSV files parse with Python's csv module, names round-trip, and
 * sweep.csv has each metric once. */
static const char csv_check[] =
	"import csv, json, sys\n"
	"def rows(p):\n"
	"    with open(p, newline='') as f:\n"
	"        r = list(csv.reader(f))\n"
	"    assert len(r) > 1, p\n"
	"    for i, row in enumerate(r):\n"
	"        assert len(row) == len(r[0]), (p, i, len(row), len(r[0]))\n"
	"    return r\n"
	"run, sweep = sys.argv[1], sys.argv[2]\n"
	"j = rows(run + '/jobs.csv')\n"
	"assert {row[1] for row in j[1:]} == {'a,b\"c\\nd'}, set(row[1] for row in j[1:])\n"
	"rows(run + '/timeseries.csv')\n"
	"s = rows(sweep + '/sweep.csv')\n"
	"head = s[0]\n"
	"assert len(head) == len(set(head)), 'a repeated column'\n"
	"assert 'workloads.w,1\"q.jobs.submitted' in head, head\n"
	"assert [row[head.index('status')] for row in s[1:]] == ['ok', 'ok']\n"
	"t = rows(sweep + '/points/1/timeseries.csv')\n"
	"assert 'busy_monolithic' in t[0], t[0]\n"
	"for p in ('1', '2'):\n"
	"    names = {row[1] for row in rows(sweep + '/points/' + p + '/jobs.csv')[1:]}\n"
	"    assert names == {'w,1\"q', 'w2'}, names\n"
	"print('  csv ok:', len(head), 'sweep.csv columns')\n";

static void test_csv_quoting(void **state)
{
	char *dir = tu_tmpdir();
	assert_int_equal(tu_sh("%s run tests/cases/b04-csv-workload-name.json -o %s/R -q", tu_binary(), dir), 0);
	assert_int_equal(tu_sh("%s sweep tests/cases/b04-csv-names-sweep.json -o %s/S -q", tu_binary(), dir), 0);
	char py[700];
	snprintf(py, sizeof py, "%s/check.py", dir);
	FILE *f = fopen(py, "w");
	fputs(csv_check, f);
	fclose(f);
	assert_int_equal(tu_sh("python3 %s %s/R %s/S", py, dir, dir), 0);
	/* the 2-point default sweep: each metric once, not once per point */
	if (!quick()) {
		assert_int_equal(tu_sh("%s sweep experiments/default.json -o %s/def -q -j 2", tu_binary(), dir), 0);
		assert_int_equal(tu_sh("python3 -c \"import csv; h = next(csv.reader(open('%s/def/sweep.csv'))); "
				    "assert len(h) == len(set(h)) and len(h) < 120, len(h)\"", dir), 0);
	}
	tu_rm_rf(dir);
	free(dir);
}

/* The PIDs of pid's children (from /proc). */
static size_t children(pid_t pid, pid_t *out, size_t max)
{
	char p[64];
	snprintf(p, sizeof p, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	FILE *f = fopen(p, "r");
	size_t n = 0;
	int c;
	while (f && n < max && fscanf(f, "%d", &c) == 1)
		out[n++] = c;
	if (f)
		fclose(f);
	return n;
}

static bool alive(pid_t pid)
{
	char p[64];
	snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(p, "r");
	if (!f)
		return false;
	char state = 0;
	int r = fscanf(f, "%*d %*s %c", &state);
	fclose(f);
	return r == 1 && state != 'Z';
}

static void test_sweep_interrupt_resume(void **state)
{
	char *dir = tu_tmpdir();
	/* the 28-point Omega-paper sweep (a shorter day in the sanitizer build) */
	const char *shorter = quick() ? "--set duration=1h" : "--set duration=86400";
	char a[700], b[700], ep[700];
	snprintf(a, sizeof a, "%s/A", dir);
	snprintf(b, sizeof b, "%s/B", dir);
	snprintf(ep, sizeof ep, "%s/err", dir);
	assert_int_equal(tu_sh("%s sweep experiments/bench/omega-sweep.json -o %s -q -j 2 %s", tu_binary(), a, shorter), 0);
	const char *args[] = {"sweep", "experiments/bench/omega-sweep.json", "-o", b, "-q", "-j", "2", "--set",
			      quick() ? "duration=1h" : "duration=86400", NULL};
	pid_t pid = spawn(ep, args);
	/* wait until a point has completed, then stop it mid-way */
	char pts[800];
	snprintf(pts, sizeof pts, "%s/points", b);
	for (int i = 0; i < 600 && (count_prefix(pts, "") - count_prefix(pts, ".")) < 1; i++)
		sleep_ms(50);
	pid_t kids[64];
	size_t nk = 0;
	for (int i = 0; i < 100 && (nk = children(pid, kids, 64)) == 0; i++)
		sleep_ms(10);
	/* a second sweep into the same directory is refused meanwhile */
	char e2[700];
	snprintf(e2, sizeof e2, "%s/err2", dir);
	assert_int_equal(tu_sh("%s sweep experiments/bench/omega-sweep.json -o %s -q --resume 2>%s", tu_binary(), b, e2), 2);
	char *err = tu_read_file(e2);
	assert_non_null(strstr(err, "another sweep is running into this directory"));
	free(err);
	kill(pid, SIGTERM);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	/* its points were stopped too: none runs on as an orphan */
	for (size_t i = 0; i < nk; i++) {
		for (int k = 0; k < 100 && alive(kids[i]); k++)
			sleep_ms(20);
		if (alive(kids[i])) {
			print_error("point process %d still runs after its sweep was stopped\n", (int)kids[i]);
			kill(kids[i], SIGKILL);
			fail();
		}
	}
	assert_true(nk > 0);
	/* sweep.csv says what completed */
	char csv[800];
	snprintf(csv, sizeof csv, "%s/sweep.csv", b);
	char *text = tu_read_file(csv);
	assert_non_null(text);
	assert_non_null(strstr(text, ",ok,"));
	assert_true(strstr(text, ",interrupted,") || strstr(text, ",not run,"));
	free(text);
	assert_int_equal(tu_sh("ls -a %s/points | grep -c '^\\.' | grep -qx 2", b), 0); /* no temporary left */
	/* resumed: only what was missing runs, and the result is the same */
	assert_int_equal(tu_sh("%s sweep experiments/bench/omega-sweep.json -o %s -q -j 2 --resume %s", tu_binary(), b, shorter),
			 0);
	assert_int_equal(tu_sh("cmp %s/sweep.csv %s/sweep.csv", a, b), 0);
	tu_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_earlier_results_kept, kill_spawned),
		cmocka_unit_test(test_names_stay_inside),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test_teardown(test_sweep_interrupt_resume, kill_spawned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
