/* libFuzzer target: the command line (issue 11, item 10).  One input is a
 * command line and the files it uses:
 *
 *     sweep exp.json -o out --set seed=3        <- argv, split at spaces
 *     --- exp.json                              <- a file of the sandbox
 *     {"duration": 10, ...}
 *     --- base/summary.json                     <- another (dirs are made)
 *     {...}
 *
 * The first line is the command (run, sweep, compare, trace or spec) and its
 * arguments; each "--- NAME" line starts a file whose bytes run to the
 * next such line (NAME: up to three components of [A-Za-z0-9._-], none
 * "." or "..").  The files are written into a fresh sandbox, the command
 * runs there (the working directory) as sim/main.c would run it, and then:
 *   - its exit code is 0 or 2 (compare: also 1) -- never 3 or a signal;
 *   - its stderr is lines "clustersim: ...", and on exit 2 of run, compare
 *     trace and spec exactly one such line besides warnings;
 *   - nothing in the sandbox changed or appeared outside the output
 *     directory (-o, else results/<name>; compare only its -o FILE;
 *     trace and spec nothing), and nothing appeared in the three levels
 *     above it.
 * Any other outcome aborts, so libFuzzer keeps the input.
 *
 * What the fuzzer does not choose (the user's explicit choices, or runs
 * that legitimately take long): paths in argv are relative and without
 * "..", so -o stays inside the sandbox and reads stay near it; no string
 * names /dev, /proc or /sys or starts with '/'; sweep runs with -j 1 (no
 * fork) and never submits to Slurm (--slurm only with --dry-run); and run and sweep get "--set limits.KEY=N" before the input's own
 * arguments wherever the experiment's limits are larger than tiny ones
 * (fuzz_caps), an input whose run or sweep point still has larger limits,
 * or a prefill of tiny tasks, is skipped.  Reproduce a finding with
 * build-fuzz/fuzz_cli FILE; the command's stderr of the last input is
 * in $TMPDIR/cs-fuzz-cli-XXXXXX/stderr, and FUZZ_CLI_VERBOSE=1 prints
 * each input's command line, exit code and stderr (or why it was skipped). */
#define _XOPEN_SOURCE 700 /* nftw, in fuzz_sandbox.h */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <sanitizer/common_interface_defs.h>

#include "tests/fuzz/fuzz_sandbox.h"

#include "sim/cli.h"
#include "sim/experiment.h"
#include "sim/interrupt.h"
#include "sim/limits.h"
#include "sim/outdir.h"
#include "sim/sweep_grid.h"

enum { MAX_ARGS = 40, MAX_FILES = 8, ARG_MAX_LEN = 4096 };

static struct fuzz_box box;
static int home_fd = -1; /* the working directory to come back to */
static bool verbose;     /* FUZZ_CLI_VERBOSE */

/* The tiny limits of a fuzzed run (sim/limits.h), in the order of
 * struct cs_limits. */
static const struct {
	const char *key;
	uint64_t cap;
} fuzz_caps[] = {
	{"sweep_points", 4}, {"jobs", 2000}, {"tasks_per_job", 200},
	{"timeseries_rows", 2000}, {"machines", 200}, {"machine_classes", 20}, {"replications", 3},
};

static uint64_t *limit_slot(struct cs_limits *l, size_t i)
{
	uint64_t *slots[] = {&l->sweep_points, &l->jobs, &l->tasks_per_job, &l->timeseries_rows, &l->machines,
			     &l->machine_classes, &l->replications};
	return slots[i];
}

static void remove_box(void)
{
	cs_rm_rf(box.base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* the runs change the working directory: crash and timeout files
	 * go where the fuzzer was started, by an absolute prefix */
	bool has_prefix = false;
	for (int i = 1; i < *argc; i++)
		has_prefix |= strncmp((*argv)[i], "-artifact_prefix=", 17) == 0;
	char cwd[4096];
	static char **nv; /* kept: libFuzzer reads it to the end */
	if (!has_prefix && getcwd(cwd, sizeof cwd)) {
		nv = calloc((size_t)*argc + 2, sizeof *nv);
		memcpy(nv, *argv, (size_t)*argc * sizeof *nv);
		nv[*argc] = malloc(strlen(cwd) + 32);
		sprintf(nv[*argc], "-artifact_prefix=%s/", cwd);
		*argv = nv;
		++*argc;
	}
	home_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (home_fd < 0 || fuzz_box_init(&box) < 0) {
		perror("fuzz_cli: the sandbox");
		abort();
	}
	atexit(remove_box); /* (a crash leaves it, with the last stderr) */
	/* reports go where stderr goes now, not to a command's stderr file */
	__sanitizer_set_report_fd((void *)(intptr_t)dup(2));
	verbose = getenv("FUZZ_CLI_VERBOSE") != NULL;
	/* as sim/main.c does before a command */
	cs_interrupt_install();
	gsl_set_error_handler_off();
	return 0;
}

/* ---- the input ---- */

struct input {
	char *argv[MAX_ARGS * 2 + 8]; /* owned strings */
	int argc;
	struct {
		char name[128];
		const uint8_t *data;
		size_t len;
	} files[MAX_FILES];
	size_t nfiles;
};

static void input_free(struct input *in)
{
	for (int i = 0; i < in->argc; i++)
		free(in->argv[i]);
	in->argc = 0;
}

static bool good_name(const char *s, size_t n)
{
	if (n == 0 || n >= 128)
		return false;
	size_t depth = 1, comp = 0;
	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? s[i] : '/';
		if (c == '/') {
			/* no empty, "." or ".." component */
			if (comp == 0 || (comp == 1 && s[i - 1] == '.') || (comp == 2 && s[i - 1] == '.' && s[i - 2] == '.'))
				return false;
			comp = 0;
			depth += i < n;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
			   c == '_' || c == '-') {
			comp++;
		} else {
			return false;
		}
	}
	return depth <= 3;
}

/* Split the input; false if it is not one this target runs. */
static bool parse_input(const uint8_t *data, size_t size, struct input *in)
{
	memset(in, 0, sizeof *in);
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen = nl ? (size_t)(nl - data) : size;
	for (size_t i = 0; i < hlen;) {
		while (i < hlen && (data[i] == ' ' || data[i] == '\0'))
			i++;
		size_t j = i;
		while (j < hlen && data[j] != ' ' && data[j] != '\0')
			j++;
		if (j == i)
			break;
		if (in->argc == MAX_ARGS || j - i > ARG_MAX_LEN)
			return false;
		in->argv[in->argc++] = strndup((const char *)data + i, j - i);
		i = j;
	}
	if (in->argc == 0)
		return false;
	/* the files: "--- NAME\n" at the start of a line */
	const uint8_t *p = nl ? nl + 1 : data + size, *end = data + size;
	while (p < end) {
		bool header = end - p >= 4 && memcmp(p, "--- ", 4) == 0;
		const uint8_t *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (header) {
			if (in->nfiles == MAX_FILES || !good_name((const char *)p + 4, (size_t)(eol - p - 4)))
				return false;
			memcpy(in->files[in->nfiles].name, p + 4, (size_t)(eol - p - 4));
			in->files[in->nfiles].data = eol < end ? eol + 1 : end;
			in->nfiles++;
		}
		p = eol < end ? eol + 1 : end;
		if (header || !in->nfiles)
			continue;
		/* a body line: the current file runs to here */
		in->files[in->nfiles - 1].len = (size_t)(p - in->files[in->nfiles - 1].data);
	}
	for (size_t i = 0; i < in->nfiles; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(in->files[i].name, in->files[j].name) == 0)
				return false;
	return true;
}

/* ---- what the fuzzer does not choose ---- */

static bool bad_string(const char *s)
{
	return s[0] == '/' || strstr(s, "/dev") || strstr(s, "/proc") || strstr(s, "/sys");
}

static bool bad_json(const json_t *v)
{
	if (json_is_string(v))
		return bad_string(json_string_value(v));
	const char *k;
	json_t *c;
	if (json_is_object(v))
		json_object_foreach((json_t *)(uintptr_t)v, k, c) if (bad_string(k) || bad_json(c)) return true;
	for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++)
		if (bad_json(json_array_get(v, i)))
			return true;
	return false;
}

/* A path from argv: relative, and no ".." component. */
static bool bad_path(const char *s)
{
	if (s[0] == '/' || bad_string(s))
		return true;
	for (const char *c = s; (c = strstr(c, "..")); c++)
		if ((c == s || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
			return true;
	return false;
}

static bool bad_set_value(const char *v)
{
	const char *eq = strchr(v, '=');
	if (bad_string(v) || (eq && bad_string(eq + 1)))
		return true;
	json_t *j = eq ? json_loads(eq + 1, JSON_DECODE_ANY, NULL) : NULL;
	bool bad = j && bad_json(j);
	json_decref(j);
	return bad;
}

static bool inputs_allowed(const struct input *in)
{
	for (int i = 1; i < in->argc; i++) {
		const char *a = in->argv[i];
		if (strcmp(a, "--set") == 0 && i + 1 < in->argc) {
			if (bad_set_value(in->argv[++i]))
				return false;
		} else if (strncmp(a, "--set=", 6) == 0) {
			if (bad_set_value(a + 6))
				return false;
		} else if (bad_path(a)) {
			return false;
		}
	}
	for (size_t i = 0; i < in->nfiles; i++) {
		const uint8_t *d = in->files[i].data;
		size_t n = in->files[i].len;
		if (n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
			d += 3, n -= 3;
		json_t *j = json_loadb((const char *)d, n, JSON_DECODE_ANY, NULL);
		bool bad = j && bad_json(j);
		json_decref(j);
		if (bad)
			return false;
	}
	return true;
}

/* -o's directory as a sandbox path without "." and empty components;
 * "" is the sandbox itself. */
static char *normalize_dir(const char *dir)
{
	char *out = calloc(1, strlen(dir) + 1);
	size_t n = 0;
	for (const char *s = dir; *s;) {
		size_t len = strcspn(s, "/");
		if (len && !(len == 1 && s[0] == '.')) {
			if (n)
				out[n++] = '/';
			memcpy(out + n, s, len);
			n += len;
		}
		s += len + (s[len] == '/');
	}
	return out;
}

/* A prefill of tasks this small fills a cell of thousands of cores with
 * millions of tasks (as fuzz_experiment.c skips). */
static bool tiny_prefill(const json_t *exp)
{
	const json_t *t = json_object_get(json_object_get(exp, "prefill"), "task_cpu");
	return json_is_number(t) && json_number_value(t) < 0.05;
}

/* One run's experiment as the run will see it: within the caps? */
static bool point_small(const json_t *exp, const char *file)
{
	struct cs_error err = {0};
	struct cs_limits lim;
	if (tiny_prefill(exp))
		return false;
	if (cs_limits_parse(&lim, exp, file, &err) < 0)
		return true; /* the run stops there */
	for (size_t i = 0; i < sizeof fuzz_caps / sizeof *fuzz_caps; i++)
		if (*limit_slot(&lim, i) > fuzz_caps[i].cap)
			return false;
	return true;
}

struct plan {
	bool skip;
	char *out;     /* the directory the command may write (owned), or NULL */
	int ninject;   /* "--set limits.KEY=N" pairs put before the arguments */
};

/* Load the experiment as the command will (the library's own parser). */
static json_t *load(const struct cs_run_args *a, bool sweep)
{
	struct cs_error err = {0};
	return sweep ? cs_experiment_load_raw(a->file, a->sets, a->nsets, &err)
		     : cs_experiment_load(a->file, a->sets, a->nsets, &err);
}

/* Every run of the command is small (a sweep: every point)? */
static bool runs_small(json_t *exp, const char *file, bool sweep)
{
	if (!sweep)
		return point_small(exp, file);
	struct cs_error err = {0};
	struct cs_limits lim;
	if (cs_limits_parse(&lim, exp, file, &err) < 0)
		return true;
	json_t *grid = json_object_get(exp, "sweep");
	if (!grid)
		return true;
	json_t *base = json_deep_copy(exp);
	json_object_del(base, "sweep");
	struct cs_sweep_grid g;
	bool small = true;
	if (cs_sweep_grid_parse(&g, grid, file, lim.sweep_points, &err) == 0) {
		for (size_t i = 0; i < g.n && small; i++) {
			json_t *p = cs_sweep_point_experiment(base, &g.pts[i], file, &err);
			small = !p || point_small(p, file);
			json_decref(p);
		}
	}
	cs_sweep_grid_release(&g);
	json_decref(base);
	return small;
}

/* run and sweep: the caps as --set before the arguments, the checks, and
 * the output directory.  Quiet: the parser prints usage errors. */
static struct plan plan_run(struct input *in, bool sweep)
{
	struct plan pl = {0};
	struct cs_run_args a;
	int r = cs_parse_run_args(in->argc - 1, in->argv + 1, "", sweep, &a);
	if (r != 0)
		goto out; /* --help or a usage error: no files touched */
	if (a.jobs > 1 || (a.outdir && bad_path(a.outdir)) || (a.slurm && !a.dry_run)) {
		pl.skip = true; /* forks, or runs sbatch */
		goto out;
	}
	if (a.collect) {
		/* sweep --collect DIR writes DIR's sweep.csv (its experiment is
		 * the one DIR/sweep.json names, from the sandbox) */
		pl.out = normalize_dir(a.file);
		goto out;
	}
	json_t *exp = load(&a, sweep);
	if (!exp)
		goto out; /* the command fails there too: it may write nothing */
	struct cs_error err = {0};
	struct cs_limits lim;
	if (!sweep)
		json_object_del(exp, "sweep");
	if (cs_limits_parse(&lim, exp, a.file, &err) == 0) {
		/* after the command's name, so the input's own --set come later */
		char *inject[2 * (sizeof fuzz_caps / sizeof *fuzz_caps)];
		int n = 0;
		for (size_t i = 0; i < sizeof fuzz_caps / sizeof *fuzz_caps; i++) {
			if (*limit_slot(&lim, i) <= fuzz_caps[i].cap)
				continue;
			inject[n++] = strdup("--set");
			inject[n] = malloc(64);
			snprintf(inject[n++], 64, "limits.%s=%llu", fuzz_caps[i].key, (unsigned long long)fuzz_caps[i].cap);
		}
		memmove(in->argv + 1 + n, in->argv + 1, (size_t)(in->argc - 1) * sizeof *in->argv);
		memcpy(in->argv + 1, inject, (size_t)n * sizeof *inject);
		in->argc += n;
		pl.ninject = n / 2;
	}
	json_decref(exp);
	cs_free_run_args(&a);
	if (cs_parse_run_args(in->argc - 1, in->argv + 1, "", sweep, &a) != 0)
		abort(); /* the --set added cannot make the arguments wrong */
	exp = load(&a, sweep);
	if (!exp)
		goto out;
	if (!sweep)
		json_object_del(exp, "sweep");
	if (!runs_small(exp, a.file, sweep)) {
		pl.skip = true;
	} else if (a.outdir) {
		pl.out = normalize_dir(a.outdir);
	} else {
		pl.out = cs_default_outdir(a.file, exp, &err); /* NULL: refused, nothing written */
		if (pl.out && bad_path(pl.out))
			abort(); /* a name from the experiment leads out of the sandbox */
	}
	json_decref(exp);
out:
	cs_free_run_args(&a);
	return pl;
}

/* ---- running it ---- */

struct saved_fds {
	int out, err;
};

static struct saved_fds redirect(const char *err_path)
{
	fflush(NULL);
	struct saved_fds s = {dup(1), dup(2)};
	int devnull = open("/dev/null", O_WRONLY);
	int e = err_path ? open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : devnull;
	dup2(devnull, 1);
	dup2(e, 2);
	close(devnull);
	if (e != devnull)
		close(e);
	return s;
}

static void restore(struct saved_fds s)
{
	fflush(NULL);
	dup2(s.out, 1);
	dup2(s.err, 2);
	close(s.out);
	close(s.err);
}

static void show(const char *what, const struct input *in, int rc, const char *err)
{
	fprintf(stderr, "fuzz_cli: %s; exit %d; command:", what, rc);
	for (int i = 0; i < in->argc; i++)
		fprintf(stderr, " %s", in->argv[i]);
	fprintf(stderr, "\nits stderr:\n%s\n", err ? err : "");
}

static void fail(const char *why, const struct input *in, int rc, const char *err)
{
	show(why, in, rc, err);
	if (fchdir(home_fd) < 0)
		perror("fuzz_cli: chdir");
	abort();
}

/* The stderr contract: every line is "clustersim: ..."; exit 2 of a
 * command other than sweep (which reports each failed point) leaves one
 * line besides warnings. */
static const char *stderr_wrong(const char *text, int rc, bool sweep)
{
	size_t errors = 0;
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		if (!nl)
			return "stderr does not end with a newline";
		if (strncmp(l, "clustersim: ", 12) != 0)
			return "a line of stderr does not start with \"clustersim: \"";
		errors += strncmp(l, "clustersim: warning: ", 21) != 0;
		l = nl + 1;
	}
	if (rc == 2 && !sweep && errors != 1)
		return "bad input did not give exactly one line of error";
	if (rc == 2 && errors == 0)
		return "bad input gave no error line";
	return NULL;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return strdup("");
	char *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in;
	if (!parse_input(data, size, &in) || !inputs_allowed(&in)) {
		input_free(&in);
		return 0;
	}
	const char *cmd = in.argv[0];
	int (*fn)(int, char **) = strcmp(cmd, "run") == 0       ? cs_cmd_run
				  : strcmp(cmd, "sweep") == 0   ? cs_cmd_sweep
				  : strcmp(cmd, "compare") == 0 ? cs_cmd_compare
				  : strcmp(cmd, "trace") == 0   ? cs_cmd_trace
				  : strcmp(cmd, "spec") == 0    ? cs_cmd_spec
								: NULL;
	if (!fn) {
		input_free(&in);
		return 0;
	}
	if (mkdir(box.box, 0700) < 0 || chdir(box.box) < 0)
		abort();
	bool made = true;
	for (size_t i = 0; i < in.nfiles && made; i++)
		made = fuzz_box_write(in.files[i].name, in.files[i].data, in.files[i].len) == 0;
	struct plan pl = {0};
	bool writes = fn == cs_cmd_run || fn == cs_cmd_sweep;
	if (made && writes) {
		struct saved_fds s = redirect(NULL);
		pl = plan_run(&in, fn == cs_cmd_sweep);
		restore(s);
	}
	if (made && fn == cs_cmd_compare) {
		/* compare -o FILE writes its report there (the last -o wins) */
		for (int i = 1; i + 1 < in.argc; i++)
			if (strcmp(in.argv[i], "-o") == 0) {
				free(pl.out);
				pl.out = normalize_dir(in.argv[i + 1]);
			}
	}
	if (made && !pl.skip) {
		struct fuzz_tree before, after;
		fuzz_tree_snap(&before);
		struct saved_fds s = redirect(box.err);
		int rc = fn(in.argc - 1, in.argv + 1);
		restore(s);
		fuzz_tree_snap(&after);
		char *err = read_all(box.err);
		if (cs_interrupted())
			fail("the command was interrupted", &in, rc, err);
		if (rc != 0 && rc != 2 && !(rc == 1 && fn == cs_cmd_compare))
			fail("exit code outside the contract", &in, rc, err);
		const char *why = stderr_wrong(err, rc, fn == cs_cmd_sweep);
		if (why)
			fail(why, &in, rc, err);
		const char *changed = fuzz_tree_diff(&before, &after, pl.out);
		if (changed) {
			char msg[600];
			snprintf(msg, sizeof msg, "\"%s\" was created, changed or removed outside the output directory %s",
				 changed, pl.out ? pl.out : "(none)");
			fail(msg, &in, rc, err);
		}
		if (!fuzz_box_outside_clean(&box))
			fail("something was written above the sandbox", &in, rc, err);
		if (verbose)
			show(pl.out ? pl.out : "(writes nothing)", &in, rc, err);
		free(err);
		fuzz_tree_free(&before);
		fuzz_tree_free(&after);
	}
	if (verbose && (!made || pl.skip))
		show(made ? "skipped: too large" : "skipped: files not made", &in, -1, NULL);
	if (fchdir(home_fd) < 0 || cs_rm_rf(box.box) < 0)
		abort();
	free(pl.out);
	input_free(&in);
	return 0;
}
