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
#include "sim/plan.h"
#include "sim/replicate.h"
#include "sim/run.h"
#include "sim/sweep_csv.h"

static const char usage[] =
	"usage: clustersim sweep EXPERIMENT.json [-o DIR] [-j N] [--resume] [--set KEY.PATH=VALUE]... [-q] [--force]\n"
	"  runs every point of the experiment's \"sweep\" grid into DIR/points/<label>\n"
	"  and writes DIR/sweep.csv; -j N runs N points at a time (default 1)\n"
	"  --resume   run only the points without a complete result (an interrupted sweep)\n"
	"  --force    write into a DIR that is not empty (each point replaced when it completes)\n";

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

/* Every point of the grid into the plan: DIR/points/<label>, its
 * experiment (a point whose experiment cannot be made is said and fails
 * alone), its replications. */
static int add_points(struct cs_plan *plan, const json_t *base, const struct cs_sweep_grid *g, const char *file,
		      const char *dir, uint64_t max_reps, struct cs_error *err)
{
	for (size_t i = 0; i < g->n; i++) {
		const struct cs_sweep_point *p = &g->pts[i];
		struct cs_error perr = {0};
		json_t *exp = cs_sweep_point_experiment(base, p, file, &perr);
		size_t nreps = 1;
		if (exp && cs_replications_take(exp, file, max_reps, &nreps, &perr) < 0) {
			json_decref(exp);
			exp = NULL;
		}
		if (!exp)
			fprintf(stderr, "clustersim: point %s: %s\n", p->label, perr.msg);
		char *target = cs_xasprintf("%s/points/%s", dir, p->label);
		char *label = cs_xasprintf("point %s", p->label);
		cs_plan_add(plan, label, target, NULL, exp, nreps, true);
		free(label);
		free(target);
	}
	return 0;
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
	enum cs_unit_status *status = NULL;
	struct cs_plan plan = {0};
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
	plan = (struct cs_plan){.file = a.file, .force = true, .resume = a.resume, .quiet = a.quiet, .jobs = a.jobs};
	if (add_points(&plan, base, &g, a.file, outdir, lim.replications, &err) < 0)
		goto fail;
	if (a.resume && !a.quiet) {
		size_t skipped = 0;
		for (size_t i = 0; i < plan.n; i++)
			skipped += plan.pts[i].given && cs_plan_point_complete(&plan.pts[i]);
		fprintf(stderr, "clustersim: %zu of %zu points already complete\n", skipped, g.n);
	}
	cs_plan_run(&plan);
	for (size_t i = 0; i < plan.n; i++)
		if (plan.pts[i].error)
			fprintf(stderr, "clustersim: %s: %s\n", plan.pts[i].label, plan.pts[i].error);
	status = cs_xcalloc(g.n ? g.n : 1, sizeof *status);
	for (size_t i = 0; i < g.n; i++)
		status[i] = plan.pts[i].status;
	size_t failed = 0, ok = 0;
	for (size_t i = 0; i < g.n; i++) {
		ok += status[i] == CS_UNIT_OK;
		failed += status[i] == CS_UNIT_FAILED;
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
	cs_plan_release(&plan);
	cs_sweep_grid_release(&g);
	json_decref(grid);
	json_decref(base);
	free(dflt);
	cs_free_run_args(&a);
	return rc;
}
