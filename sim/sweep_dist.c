/* sim/sweep_dist — a sweep's runs on other machines: `sweep --slurm`
 * (a Slurm job array, sim/slurm), `sweep --emit-commands` (one shell
 * command per run, for GNU parallel over ssh hosts or any other
 * launcher), `sweep --unit N` (one run: what each array task and each
 * emitted command does), and `sweep --collect DIR` (assemble what the
 * runs left and write sweep.csv, as a local sweep would: byte for byte
 * the same).
 *
 * Units are the plan's (sim/plan): point by point, each point's
 * replications in order, so unit N is the same run wherever it is
 * started.  --slurm and --emit-commands record the command in
 * DIR/sweep.json ({"experiment": ABSOLUTE PATH, "sets": [...]}) for
 * --collect; they run only the units without a complete result when
 * --resume is given (a DIR that is not empty needs --resume or --force,
 * as for a local sweep).  --unit takes no lock (the array's tasks run at
 * once) and writes only its own run's directory. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/interrupt.h"
#include "sim/outdir.h"
#include "sim/slurm.h"
#include "sim/sweep_cmd.h"

/* An absolute path (a new string): the file must exist. */
static char *absolute(const char *path, struct cs_error *err)
{
	char buf[PATH_MAX];
	if (!realpath(path, buf)) {
		cs_error_input(err, path, NULL, "cannot resolve: %s", strerror(errno));
		return NULL;
	}
	return cs_xstrdup(buf);
}

/* The command a unit runs: clustersim sweep EXP -o DIR --set ... (the
 * caller appends --unit N); argv strings owned by the array. */
static char **unit_command(const char *exp, const char *dir, const json_t *sets, size_t *argc, struct cs_error *err)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		cs_error_set(err, CS_EXIT_INTERNAL, "cannot find this program's path: %s", strerror(errno));
		return NULL;
	}
	self[n] = '\0';
	char **v = cs_xcalloc(6 + 2 * json_array_size(sets), sizeof *v);
	size_t k = 0;
	v[k++] = cs_xstrdup(self);
	v[k++] = cs_xstrdup("sweep");
	v[k++] = cs_xstrdup(exp);
	v[k++] = cs_xstrdup("-o");
	v[k++] = cs_xstrdup(dir);
	for (size_t i = 0; i < json_array_size(sets); i++) {
		v[k++] = cs_xstrdup("--set");
		v[k++] = cs_xstrdup(json_string_value(json_array_get(sets, i)));
	}
	*argc = k;
	return v;
}

static void free_argv(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static json_t *sets_json(const struct cs_run_args *a)
{
	json_t *sets = json_array();
	for (size_t i = 0; i < a->nsets; i++)
		json_array_append_new(sets, json_string(a->sets[i]));
	return sets;
}

/* DIR/NAME from a JSON document, atomically. */
static int write_doc(const char *dir, const char *name, const json_t *doc, struct cs_error *err)
{
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
	char *path = cs_xasprintf("%s/%s", dir, name);
	char *full = cs_xasprintf("%s\n", text);
	int rc = cs_write_file_atomic(path, full, strlen(full), err);
	free(full);
	free(path);
	free(text);
	return rc;
}

/* The units still to run (indices into the plan), in *n. */
static size_t *pending_units(struct cs_plan *plan, size_t *n)
{
	bool *todo;
	size_t total = cs_plan_todo(plan, &todo);
	size_t *u = cs_xcalloc(total ? total : 1, sizeof *u);
	*n = 0;
	for (size_t i = 0; i < total; i++)
		if (todo[i])
			u[(*n)++] = i;
	free(todo);
	return u;
}

/* The array's tasks: index -> its units.  With one run per task the
 * index is the run's number; with per > 1, ceil(n / per) tasks take the
 * pending runs in turn (task t: runs t, t + T, t + 2T, ...), so that
 * each gets a mix of the sweep's points, cheap and dear alike. */
static json_t *make_tasks(const size_t *units, size_t n, size_t per)
{
	json_t *tasks = json_object();
	size_t T = per <= 1 ? n : (n + per - 1) / per;
	for (size_t t = 0; t < T; t++) {
		char key[32];
		snprintf(key, sizeof key, "%zu", per <= 1 ? units[t] : t);
		json_t *list = json_array();
		for (size_t i = t; i < n; i += T)
			json_array_append_new(list, json_integer((json_int_t)units[i]));
		json_object_set_new(tasks, key, list);
	}
	return tasks;
}

/* Append a submission to DIR/slurm/jobs.json. */
static int record_job(const char *dir, const char *id, json_t *tasks, struct cs_error *err)
{
	char *path = cs_xasprintf("%s/slurm/jobs.json", dir);
	json_t *doc = json_load_file(path, 0, NULL);
	free(path);
	if (!json_is_array(json_object_get(doc, "jobs"))) {
		json_decref(doc);
		doc = json_pack("{s:[]}", "jobs");
	}
	json_array_append_new(json_object_get(doc, "jobs"), json_pack("{s:s, s:O}", "id", id, "tasks", tasks));
	char *slurm = cs_xasprintf("%s/slurm", dir);
	int rc = write_doc(slurm, "jobs.json", doc, err);
	free(slurm);
	json_decref(doc);
	return rc;
}

static int collect(struct cs_sweep *s, bool quiet, struct cs_error *err);

/* --slurm and --emit-commands. */
static int distribute(const struct cs_run_args *a, struct cs_sweep *s, struct cs_error *err)
{
	char *exp = absolute(a->file, err);
	int lock = -1, rc = -1;
	char *dir = NULL, **argv = NULL, *script = NULL;
	size_t argc = 0, n = 0, *units = NULL;
	json_t *sets = sets_json(a), *tasks = NULL;
	if (!exp)
		goto out;
	if (!a->dry_run) {
		if ((lock = cs_sweep_prepare_dir(s->outdir, a, err)) < 0)
			goto out;
	}
	if (a->dry_run && access(s->outdir, F_OK) != 0) {
		/* not made by a dry run: absolute by the working directory */
		char cwd[PATH_MAX];
		dir = s->outdir[0] == '/' || !getcwd(cwd, sizeof cwd) ? cs_xstrdup(s->outdir)
								     : cs_xasprintf("%s/%s", cwd, s->outdir);
	} else {
		dir = absolute(s->outdir, err);
	}
	if (!dir || !(argv = unit_command(exp, dir, sets, &argc, err)))
		goto out;
	units = pending_units(&s->plan, &n);
	if (a->emit) {
		for (size_t i = 0; i < n; i++) {
			for (size_t k = 0; k < argc; k++) {
				char *q = cs_shell_quote(argv[k]);
				printf("%s%s", k ? " " : "", q);
				free(q);
			}
			printf(" --unit %zu\n", units[i]);
		}
	} else {
		if (strpbrk(dir, " \t\n")) {
			cs_error_input(err, dir, NULL, "a Slurm log directory must not hold spaces (#SBATCH --output)");
			goto out;
		}
		char *logdir = cs_xasprintf("%s/slurm", dir);
		struct cs_slurm_opts o = {a->partition, a->time, a->throttle, "clustersim-sweep"};
		size_t per = a->runs_per_task;
		if (per == 0) { /* auto: one task per cpu of the partition */
			size_t cpus = cs_slurm_cpus(a->partition);
			per = cpus ? (n + cpus - 1) / cpus : 1;
			if (!a->quiet)
				fprintf(stderr, "clustersim: --runs-per-task auto: %zu cpus in the partition, %zu runs a task\n",
					cpus, per);
		}
		tasks = make_tasks(units, n, per);
		script = n ? cs_slurm_script(&o, argv, argc, logdir, tasks, per <= 1) : NULL;
		free(logdir);
		if (a->dry_run) {
			if (script)
				fputs(script, stdout);
			else
				fprintf(stderr, "clustersim: nothing to run: every run has a complete result\n");
			rc = 0;
			goto out;
		}
	}
	json_t *cmd = json_pack("{s:s, s:O}", "experiment", exp, "sets", sets);
	rc = write_doc(s->outdir, "sweep.json", cmd, err);
	json_decref(cmd);
	if (rc < 0 || a->emit) {
		if (rc == 0 && !a->quiet)
			fprintf(stderr, "clustersim: %zu runs to do; then clustersim sweep --collect %s\n", n, dir);
		goto out;
	}
	if (n == 0) {
		fprintf(stderr, "clustersim: nothing to submit: every run has a complete result\n");
		rc = collect(s, a->quiet, err);
		goto out;
	}
	char *sdir = cs_xasprintf("%s/slurm", s->outdir), *spath = cs_xasprintf("%s/slurm/sweep.sbatch", s->outdir);
	char id[64];
	char *jpath = cs_xasprintf("%s/slurm/jobs.json", s->outdir), *cpath = cs_xasprintf("%s/sweep.json", s->outdir);
	bool first = access(jpath, F_OK) != 0;
	rc = cs_mkdir_p(sdir, err) < 0 || cs_write_file_atomic(spath, script, strlen(script), err) < 0 ? -1 : 0;
	if (rc == 0 && cs_slurm_submit(spath, id, sizeof id, err) < 0) {
		/* nothing was submitted: what this command wrote goes, so that
		 * the directory takes a local sweep as before */
		unlink(spath);
		rmdir(sdir);
		if (first)
			unlink(cpath);
		rc = -1;
	}
	if (rc == 0 && record_job(s->outdir, id, tasks, err) < 0)
		rc = -1;
	free(jpath);
	free(cpath);
	free(sdir);
	free(spath);
	if (rc == 0 && !a->quiet)
		fprintf(stderr, "clustersim: submitted Slurm job %s: %zu runs in %zu array tasks%s\n", id, n,
			json_object_size(tasks),
			a->wait ? "; waiting for them" : "; clustersim sweep --collect DIR merges their results");
	if (rc == 0 && a->wait) {
		close(lock); /* the tasks take none; --collect takes it again */
		lock = -1;
		rc = cs_slurm_wait(id, err) < 0 ? -1 : collect(s, a->quiet, err);
	}
out:
	if (lock >= 0)
		close(lock);
	free(exp);
	free(dir);
	free(units);
	free(script);
	free_argv(argv, argc);
	json_decref(sets);
	json_decref(tasks);
	return rc;
}

/* The Slurm state of unit u's newest array task, from DIR/slurm/jobs.json
 * and squeue ("FAILED", ...), or NULL (forgotten by Slurm); *job and
 * *task get the job id and the task's index (*job NULL: never submitted). */
static const char *unit_state(json_t *jobs, json_t *states, size_t u, const char **job, const char **task)
{
	*job = *task = NULL;
	for (size_t j = json_array_size(jobs); j-- > 0;) {
		json_t *e = json_array_get(jobs, j), *runs;
		const char *idx;
		json_object_foreach(json_object_get(e, "tasks"), idx, runs) {
			for (size_t i = 0; i < json_array_size(runs); i++) {
				if ((size_t)json_integer_value(json_array_get(runs, i)) != u)
					continue;
				*job = json_string_value(json_object_get(e, "id"));
				*task = idx;
				return json_string_value(json_object_get(json_object_get(states, *job ? *job : ""), idx));
			}
		}
	}
	return NULL;
}

/* Say, for each point that is not complete, what its runs' array tasks
 * became; a point whose task failed (any end but COMPLETED, or COMPLETED
 * without a result) is failed, one still queued or unknown "not run". */
static void report_slurm(struct cs_sweep *s)
{
	char *path = cs_xasprintf("%s/slurm/jobs.json", s->outdir);
	json_t *doc = json_load_file(path, 0, NULL), *jobs = json_object_get(doc, "jobs"), *states = json_object();
	free(path);
	for (size_t j = 0; j < json_array_size(jobs); j++) {
		const char *id = json_string_value(json_object_get(json_array_get(jobs, j), "id"));
		if (id && !json_object_get(states, id))
			json_object_set_new(states, id, cs_slurm_states(id));
	}
	size_t u = 0;
	for (size_t i = 0; i < s->plan.n; u += s->plan.pts[i].nreps, i++) {
		struct cs_plan_point *pt = &s->plan.pts[i];
		if (pt->status == CS_UNIT_OK || pt->error)
			continue;
		for (size_t k = 0; k < pt->nreps; k++) {
			const char *job, *task, *st = unit_state(jobs, states, u + k, &job, &task);
			char what[64] = "";
			if (pt->nreps > 1)
				snprintf(what, sizeof what, " replication %zu/%zu", k + 1, pt->nreps);
			if (!job)
				continue; /* not submitted (done before, or never) */
			if (st && (strcmp(st, "PENDING") == 0 || strcmp(st, "RUNNING") == 0 || strcmp(st, "COMPLETING") == 0 ||
				   strcmp(st, "CONFIGURING") == 0)) {
				fprintf(stderr, "clustersim: %s%s: Slurm array task %s_%s is still %s\n", pt->label, what, job, task,
					st);
				continue;
			}
			pt->status = CS_UNIT_FAILED;
			fprintf(stderr, "clustersim: %s%s: Slurm array task %s_%s %s%s (its log: %s/slurm/%s_%s.out); "
					"--slurm --resume submits it again\n",
				pt->label, what, job, task, st ? st : "is no longer known to Slurm",
				st && strcmp(st, "COMPLETED") == 0 ? " without a result" : "", s->outdir, job, task);
		}
	}
	json_decref(states);
	json_decref(doc);
}

static int collect(struct cs_sweep *s, bool quiet, struct cs_error *err)
{
	int lock = cs_sweep_lock(s->outdir, err);
	if (lock < 0)
		return -1;
	cs_plan_collect(&s->plan);
	report_slurm(s);
	int rc = cs_sweep_finish(s, quiet, err);
	close(lock);
	return rc == 0 ? 0 : rc == CS_EXIT_INPUT ? -2 : -1;
}

/* --collect DIR: the command recorded in DIR/sweep.json. */
static int collect_dir(const struct cs_run_args *a)
{
	struct cs_error err = {0};
	char *path = cs_xasprintf("%s/sweep.json", a->file);
	json_error_t jerr;
	json_t *cmd = json_load_file(path, 0, &jerr);
	const char *exp = json_string_value(json_object_get(cmd, "experiment"));
	json_t *sets = json_object_get(cmd, "sets");
	int rc = 0;
	if (!exp || !json_is_array(sets)) {
		cs_error_input(&err, path, NULL, "not written by sweep --slurm or --emit-commands%s%s",
			       cmd ? "" : ": ", cmd ? "" : jerr.text);
		rc = -1;
	}
	char **sv = cs_xcalloc(json_array_size(sets) + 1, sizeof *sv);
	for (size_t i = 0; rc == 0 && i < json_array_size(sets); i++) {
		const char *v = json_string_value(json_array_get(sets, i));
		if (!v) {
			rc = cs_error_input(&err, path, "sets", "expected strings");
			break;
		}
		sv[i] = (char *)(uintptr_t)v;
	}
	struct cs_sweep s = {0};
	if (rc == 0 && cs_sweep_load(&s, exp, sv, json_array_size(sets), a->file, a, &err) < 0)
		rc = -1;
	if (rc == 0)
		rc = collect(&s, a->quiet, &err);
	cs_sweep_release(&s);
	free(sv);
	json_decref(cmd);
	free(path);
	return rc == -2 ? CS_EXIT_INPUT : rc < 0 ? cs_report_error(&err) : 0;
}

/* --unit LIST: those runs, one after the other (each says its own
 * error); exit 0 if all succeeded, else the first failure's code. */
static int run_units(struct cs_sweep *s, const char *list, const char *file)
{
	struct cs_error err = {0};
	size_t total = cs_plan_units(&s->plan);
	if (cs_mkdir_p(s->outdir, &err) < 0)
		return cs_report_error(&err);
	int rc = 0;
	for (const char *p = list; *p;) {
		char *end;
		unsigned long long a = strtoull(p, &end, 10), b = a;
		if (end == p || (*end == '-' && (p = end + 1, b = strtoull(p, &end, 10), end == p)) || b < a || b >= total ||
		    (*end && *end != ',')) {
			cs_error_input(&err, file, "--unit", "runs are numbered 0 ... %zu in this sweep (got \"%s\")",
				       total ? total - 1 : 0, list);
			return cs_report_error(&err);
		}
		p = *end ? end + 1 : end;
		for (unsigned long long u = a; u <= b && !cs_interrupted(); u++) {
			int r = cs_plan_run_unit(&s->plan, (size_t)u);
			rc = rc ? rc : r;
		}
	}
	return rc;
}

int cs_sweep_dist(const struct cs_run_args *a)
{
	if (a->collect)
		return collect_dir(a);
	struct cs_error err = {0};
	struct cs_sweep s;
	int rc = cs_sweep_load(&s, a->file, a->sets, a->nsets, a->outdir, a, &err);
	if (rc == 0 && a->units) {
		rc = run_units(&s, a->units, a->file);
		cs_sweep_release(&s);
		return rc;
	}
	if (rc == 0)
		rc = distribute(a, &s, &err);
	cs_sweep_release(&s);
	return rc == -2 ? CS_EXIT_INPUT : rc < 0 ? cs_report_error(&err) : rc;
}
