/* tests/unit/testutil — helpers shared by the unit tests (header-only:
 * every test file is its own program). */
#ifndef CS_TESTUTIL_H
#define CS_TESTUTIL_H
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include <cmocka.h>
#include <jansson.h>

#include "sim/error.h"
#include "sim/experiment.h"
#include "sim/run.h"

/* A fresh temporary directory (static buffer per call site is fine). */
static inline char *tu_tmpdir(void)
{
	char tmpl[] = "/tmp/cs-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static inline char *tu_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	size_t got = fread(buf, 1, (size_t)n, f);
	buf[got] = '\0';
	fclose(f);
	return buf;
}

static inline void tu_rm_rf(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* A temporary directory for a test group's files: tu_setup_dir and
 * tu_teardown_dir as the group's setup and teardown, tu_dir() its name,
 * tu_file(NAME, TEXT) writes a file there and returns its path (caller
 * frees). */
static inline char **tu_dir_slot(void)
{
	static char *d;
	return &d;
}

static inline const char *tu_dir(void)
{
	return *tu_dir_slot();
}

static inline int tu_setup_dir(void **state)
{
	(void)state;
	*tu_dir_slot() = tu_tmpdir();
	return 0;
}

static inline int tu_teardown_dir(void **state)
{
	(void)state;
	tu_rm_rf(*tu_dir_slot());
	free(*tu_dir_slot());
	*tu_dir_slot() = NULL;
	return 0;
}

static inline char *tu_file(const char *name, const char *text)
{
	size_t n = strlen(tu_dir()) + strlen(name) + 2;
	char *path = malloc(n);
	snprintf(path, n, "%s/%s", tu_dir(), name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Run an experiment given as JSON text into outdir (created); return its
 * summary (caller decrefs), or NULL with err set. */
static inline json_t *tu_run_json(const char *text, const char *outdir, struct cs_error *err)
{
	json_error_t jerr;
	json_t *exp = json_loads(text, 0, &jerr);
	if (!exp) {
		fprintf(stderr, "test experiment is not JSON: line %d: %s\n", jerr.line, jerr.text);
		return NULL;
	}
	if (cs_experiment_resolve_vars(exp, "test.json", err) < 0) {
		json_decref(exp);
		return NULL;
	}
	struct cs_run_opts opts = {"test.json", outdir, true, true, NULL, NULL, NULL};
	int r = cs_run_experiment(exp, &opts, err);
	json_decref(exp);
	if (r < 0)
		return NULL;
	char path[600];
	snprintf(path, sizeof path, "%s/summary.json", outdir);
	return json_load_file(path, 0, NULL);
}

/* Run an experiment that must succeed; return its summary.  With dir_out,
 * keep the results directory and return its name there (caller removes
 * and frees it); without, remove it. */
static inline json_t *tu_run_ok(const char *text, char **dir_out)
{
	char *dir = tu_tmpdir();
	struct cs_error err = {0};
	json_t *s = tu_run_json(text, dir, &err);
	if (!s)
		print_error("%s\n", err.msg);
	assert_non_null(s);
	if (dir_out) {
		*dir_out = dir;
	} else {
		tu_rm_rf(dir);
		free(dir);
	}
	return s;
}

/* An experiment that must fail on its input: exit code 2 and an error
 * message containing `expect`.  Reports the case number on failure. */
static inline void tu_run_fails(const char *text, const char *expect, size_t case_no)
{
	char *dir = tu_tmpdir();
	struct cs_error err = {0};
	json_t *s = tu_run_json(text, dir, &err);
	if (s || !strstr(err.msg, expect) || err.code != CS_EXIT_INPUT) {
		print_error("case %zu: %s (expected \"%s\")\n", case_no, s ? "ran" : err.msg, expect);
		fail();
	}
	json_decref(s);
	tu_rm_rf(dir);
	free(dir);
}

/* The row of DIR/timeseries.csv at time T (as written, "120.000000"),
 * without its newline; fails the test if there is none.  Caller frees. */
static inline char *tu_ts_row(const char *dir, const char *t)
{
	char path[600], key[64];
	snprintf(path, sizeof path, "%s/timeseries.csv", dir);
	snprintf(key, sizeof key, "\n%s,", t);
	char *ts = tu_read_file(path);
	assert_non_null(ts);
	char *row = strstr(ts, key);
	assert_non_null(row);
	row++;
	size_t n = strcspn(row, "\n");
	char *out = malloc(n + 1);
	memcpy(out, row, n);
	out[n] = '\0';
	free(ts);
	return out;
}

/* summary value by key path ("wait_scheduled.mean"), as a double. */
static inline double tu_num(json_t *summary, const char *path)
{
	json_t *v = cs_json_get_path(summary, path);
	if (!json_is_number(v)) {
		fprintf(stderr, "no number at %s\n", path);
		fail();
	}
	return json_number_value(v);
}

#define assert_near(a, b, rel)                                                                 \
	do {                                                                                   \
		double a_ = (a), b_ = (b);                                                     \
		if (!(fabs(a_ - b_) <= (rel) * fabs(b_))) {                                    \
			print_error("%s = %.6g, expected %.6g within %.1f%%\n", #a, a_, b_,   \
				    100.0 * (rel));                                            \
			fail();                                                                \
		}                                                                              \
	} while (0)

/* ---- the real binary, for the command-line tests ---- */

/* $CLUSTERSIM (tests/run.sh sets it), else bin/clustersim. */
static inline const char *tu_binary(void)
{
	const char *b = getenv("CLUSTERSIM");
	return b ? b : "bin/clustersim";
}

/* Run a shell command (printf-formatted); its exit status, 128 + the
 * signal if a signal ended it. */
static inline int tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int tu_sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Run `clustersim ARGS` (a shell fragment, stdout discarded); its exit
 * status, and its stderr in *err_out (the caller frees). */
static inline int tu_cli(const char *args, char **err_out)
{
	char errf[] = "/tmp/cs-cli-err-XXXXXX";
	int fd = mkstemp(errf);
	assert_true(fd >= 0);
	close(fd);
	int rc = tu_sh("%s %s >/dev/null 2>%s", tu_binary(), args, errf);
	*err_out = tu_read_file(errf);
	unlink(errf);
	return rc;
}

#endif
