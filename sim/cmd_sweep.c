/* sim/cmd_sweep — `clustersim sweep EXPERIMENT.json [-o DIR] [-j N]
 * [--resume] [--force] ...`.
 *
 * Runs every point of the experiment's "sweep" (sim/sweep_grid: points
 * and labels) into DIR/points/<label>, up to N at a time in child
 * processes, and writes DIR/sweep.csv (sim/sweep_csv).  Each point is a
 * run (sim/run): its directory appears complete or not at all, and holds
 * point.json, the point's experiment as it was given (before defaults),
 * beside the usual result files.  A failed point is reported and its row
 * says so; the others still run.
 *
 * --resume runs only the points without a complete result for the same
 * point.json (a point whose experiment changed runs again), so an
 * interrupted sweep resumed gives the same sweep.csv as one that was
 * never interrupted.  Without --resume, a DIR that is not empty needs
 * --force, and each point then replaces its old directory when it
 * completes.
 *
 * Interruption (SIGINT, SIGTERM, SIGHUP; sim/interrupt): the signal is
 * forwarded to every running point by its PID, the sweep waits for them,
 * writes sweep.csv (status "interrupted" / "not run" for the points that
 * did not complete) and ends as killed by the signal.
 * A lock (flock on DIR/.lock, which holds the sweep's PID) keeps a second
 * sweep out of a DIR while one runs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/experiment.h"
#include "sim/interrupt.h"
#include "sim/limits.h"
#include "sim/outdir.h"
#include "sim/run.h"
#include "sim/sweep_csv.h"

static const char usage[] =
	"usage: clustersim sweep EXPERIMENT.json [-o DIR] [-j N] [--resume] [--set KEY.PATH=VALUE]... [-q] [--force]\n"
	"  runs every point of the experiment's \"sweep\" grid into DIR/points/<label>\n"
	"  and writes DIR/sweep.csv; -j N runs N points at a time (default 1)\n"
	"  --resume   run only the points without a complete result (an interrupted sweep)\n"
	"  --force    write into a DIR that is not empty (each point replaced when it completes)\n";

struct sweep_run {
	const json_t *base;
	const struct cs_sweep_grid *grid;
	const char *file, *dir;
	bool force, quiet;
	enum cs_point_status *status;
};

static char *point_dir(const struct sweep_run *s, size_t i)
{
	return cs_xasprintf("%s/points/%s", s->dir, s->grid->pts[i].label);
}

/* Run point i in this process; returns an exit code. */
static int run_point(const struct sweep_run *s, size_t i)
{
	const struct cs_sweep_point *p = &s->grid->pts[i];
	struct cs_error err = {0};
	json_t *exp = cs_sweep_point_experiment(s->base, p, s->file, &err);
	int rc = 0;
	if (!exp) {
		rc = err.code;
	} else {
		char *out = point_dir(s, i);
		struct cs_run_opts opts = {s->file, out, true, true, p->label, exp, NULL};
		json_t *run = json_deep_copy(exp); /* the run fills in defaults */
		if (cs_run_experiment(run, &opts, &err) < 0)
			rc = err.code ? err.code : CS_EXIT_INTERNAL;
		json_decref(run);
		free(out);
	}
	if (rc && !cs_interrupted())
		fprintf(stderr, "clustersim: point %s: %s\n", p->label, err.msg);
	json_decref(exp);
	return rc;
}

/* Whether point i has a complete result of the same point experiment. */
static bool point_complete(const struct sweep_run *s, size_t i)
{
	struct cs_error err = {0};
	json_t *exp = cs_sweep_point_experiment(s->base, &s->grid->pts[i], s->file, &err);
	if (!exp)
		return false;
	char *dir = point_dir(s, i);
	char *sum = cs_xasprintf("%s/summary.json", dir), *pj = cs_xasprintf("%s/point.json", dir);
	json_t *given = json_load_file(pj, 0, NULL);
	bool ok = access(sum, R_OK) == 0 && given && json_equal(given, exp);
	json_decref(given);
	json_decref(exp);
	free(sum);
	free(pj);
	free(dir);
	return ok;
}

/* Take DIR/.lock; -1 (printed) if another sweep holds it.  The lock goes
 * with the process (flock), so a killed sweep leaves none behind. */
static int take_lock(const char *dir, struct cs_error *err)
{
	char *path = cs_xasprintf("%s/.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		cs_error_input(err, path, NULL, "cannot open: %s", strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		char pid[32] = "";
		ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		cs_error_input(err, dir, NULL, "another sweep is running into this directory (pid %s); wait for it or use another -o",
			       *pid ? pid : "?");
		close(fd);
		free(path);
		return -1;
	}
	char text[32];
	int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)len, 0) != len)
		fprintf(stderr, "clustersim: warning: %s: cannot record the sweep's pid\n", path);
	free(path);
	return fd;
}

static void forward_signal(const pid_t *pids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], cs_interrupted());
}

/* Run the points that need it, up to jobs at a time. */
static void run_points(struct sweep_run *s, const bool *todo, int jobs)
{
	size_t n = s->grid->n, total = 0, started = 0;
	for (size_t i = 0; i < n; i++)
		total += todo[i];
	pid_t *pids = cs_xcalloc(n ? n : 1, sizeof *pids);
	size_t next = 0, running = 0;
	bool forwarded = false;
	fflush(NULL);
	for (;;) {
		while (!cs_interrupted() && running < (size_t)jobs && next < n) {
			size_t i = next++;
			if (!todo[i])
				continue;
			if (!s->quiet)
				fprintf(stderr, "clustersim: point %zu/%zu: %s\n", ++started, total, s->grid->pts[i].label);
			pid_t pid = jobs == 1 ? 0 : fork();
			if (pid < 0) {
				fprintf(stderr, "clustersim: fork: %s; running the rest one at a time\n", strerror(errno));
				jobs = 1;
				pid = 0;
			}
			if (pid == 0 && jobs > 1) {
				/* the child: ends as killed by the signal if one
				 * interrupted it, so the sweep can tell */
				int rc = run_point(s, i);
				cs_interrupt_reraise();
				_exit(rc);
			}
			if (pid == 0) {
				int rc = run_point(s, i);
				s->status[i] = cs_interrupted() ? CS_POINT_INTERRUPTED
					     : rc == 0        ? CS_POINT_OK
							      : CS_POINT_FAILED;
				continue;
			}
			pids[i] = pid;
			running++;
		}
		if (cs_interrupted() && !forwarded) {
			forward_signal(pids, n);
			forwarded = true;
		}
		if (running == 0 && (cs_interrupted() || next >= n))
			break;
		if (running == 0)
			continue;
		int st;
		pid_t pid = wait(&st);
		if (pid < 0) {
			if (errno == EINTR)
				continue; /* a signal: forwarded above */
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (pids[i] != pid)
				continue;
			pids[i] = 0;
			running--;
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
				s->status[i] = CS_POINT_OK;
			} else if (WIFSIGNALED(st) && cs_interrupted()) {
				s->status[i] = CS_POINT_INTERRUPTED;
			} else {
				s->status[i] = CS_POINT_FAILED;
				if (WIFSIGNALED(st))
					fprintf(stderr, "clustersim: point %s: killed by signal %d\n", s->grid->pts[i].label,
						WTERMSIG(st));
			}
		}
	}
	free(pids);
}

int cs_cmd_sweep(int argc, char **argv)
{
	struct cs_run_args a;
	int r = cs_parse_run_args(argc, argv, usage, true, &a);
	if (r != 0) {
		cs_free_run_args(&a);
		return r > 0 ? 0 : 2;
	}
	struct cs_error err = {0};
	json_t *base = cs_experiment_load_raw(a.file, a.sets, a.nsets, &err);
	json_t *grid = NULL;
	struct cs_sweep_grid g = {0};
	char *dflt = NULL;
	int rc = 0, lock = -1;
	enum cs_point_status *status = NULL;
	bool *todo = NULL;
	struct cs_limits lim;
	if (!base || cs_limits_parse(&lim, base, a.file, &err) < 0)
		goto fail;
	grid = json_incref(json_object_get(base, "sweep"));
	json_object_del(base, "sweep");
	if (!grid) {
		cs_error_input(&err, a.file, "sweep", "missing (clustersim run takes an experiment without one)");
		goto fail;
	}
	if (cs_sweep_grid_parse(&g, grid, a.file, lim.sweep_points, &err) < 0)
		goto fail;
	const char *outdir = a.outdir;
	if (!outdir && !(outdir = dflt = cs_default_outdir(a.file, base, &err)))
		goto fail;
	if (cs_mkdir_p(outdir, &err) < 0 || (lock = take_lock(outdir, &err)) < 0)
		goto fail;
	if (!a.force && !a.resume && !cs_dir_has_only(outdir, ".lock")) {
		cs_error_input(&err, outdir, NULL,
			       "sweep directory exists and is not empty (use --resume, --force or another -o)");
		goto fail;
	}
	struct sweep_run s = {base, &g, a.file, outdir, true, a.quiet, NULL};
	status = cs_xcalloc(g.n ? g.n : 1, sizeof *status);
	todo = cs_xcalloc(g.n ? g.n : 1, sizeof *todo);
	s.status = status;
	size_t skipped = 0;
	for (size_t i = 0; i < g.n; i++) {
		bool done = a.resume && point_complete(&s, i);
		status[i] = done ? CS_POINT_OK : CS_POINT_NOT_RUN;
		todo[i] = !done;
		skipped += done;
	}
	if (a.resume && !a.quiet)
		fprintf(stderr, "clustersim: %zu of %zu points already complete\n", skipped, g.n);
	run_points(&s, todo, a.jobs);
	size_t failed = 0, ok = 0;
	for (size_t i = 0; i < g.n; i++) {
		ok += status[i] == CS_POINT_OK;
		failed += status[i] == CS_POINT_FAILED;
	}
	char *shown = cs_escaped(outdir); /* results/<name>: the name may hold a newline */
	if (cs_sweep_csv_write(&g, status, outdir, &err) < 0) {
		rc = cs_report_error(&err);
	} else if (cs_interrupted()) {
		fprintf(stderr, "clustersim: interrupted: %zu of %zu points complete in %s/sweep.csv; --resume runs the rest\n",
			ok, g.n, shown);
		rc = CS_EXIT_INTERNAL;
	} else {
		if (!a.quiet || failed)
			fprintf(stderr, "clustersim: %zu of %zu points ok; %s/sweep.csv\n", ok, g.n, shown);
		rc = failed ? CS_EXIT_INPUT : 0;
	}
	free(shown);
	goto out;
fail:
	rc = cs_report_error(&err);
out:
	if (lock >= 0)
		close(lock);
	free(status);
	free(todo);
	cs_sweep_grid_release(&g);
	json_decref(grid);
	json_decref(base);
	free(dflt);
	cs_free_run_args(&a);
	return rc;
}
