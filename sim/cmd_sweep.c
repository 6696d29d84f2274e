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
 * sweep out of a DIR while one runs.
 * --replications N runs each point N times (sim/plan, sim/replicate).
 * --slurm, --emit-commands, --unit and --collect run the same units
 * elsewhere (sim/sweep_dist). */
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
#include "sim/sweep_cmd.h"
#include "sim/sweep_csv.h"

static const char usage[] =
	"usage: clustersim sweep EXPERIMENT.json [-o DIR] [-j N] [--replications N] [--resume] [--set KEY.PATH=VALUE]...\n"
	"                        [-q] [--force]\n"
	"       clustersim sweep EXPERIMENT.json -o DIR --slurm [--dry-run] [--partition P] [--time T] [--throttle N]\n"
	"                        [--runs-per-task N|auto] [--wait] [--resume] [--replications N] [--set ...]\n"
	"       clustersim sweep EXPERIMENT.json -o DIR --emit-commands [--resume] [--replications N] [--set ...]\n"
	"       clustersim sweep --collect DIR\n"
	"  runs every point of the experiment's \"sweep\" grid into DIR/points/<label>\n"
	"  and writes DIR/sweep.csv; -j N runs N runs at a time (default 1)\n"
	"  --replications N  each point with N seeds, aggregated (mean, sd, 95%% CI, median, MAD)\n"
	"  --resume   run only what has no complete result (an interrupted sweep)\n"
	"  --force    write into a DIR that is not empty (each point replaced when it completes)\n"
	"  --slurm    submit the runs as a Slurm job array (sbatch; --dry-run prints the script;\n"
	"             --wait waits for it and collects); --emit-commands prints one command per run\n"
	"             (for GNU parallel); --collect DIR merges their results into DIR/sweep.csv\n";

/* Take DIR/.lock; -1 (printed) if another sweep holds it.  The lock goes
 * with the process (flock), so a killed sweep leaves none behind. */
int cs_sweep_lock(const char *dir, struct cs_error *err)
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
static void add_points(struct cs_plan *plan, const json_t *base, const struct cs_sweep_grid *g, const char *file,
		       const char *dir, uint64_t max_reps, bool report)
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
		if (!exp && report)
			fprintf(stderr, "clustersim: point %s: %s\n", p->label, perr.msg);
		char *target = cs_xasprintf("%s/points/%s", dir, p->label);
		char *label = cs_xasprintf("point %s", p->label);
		cs_plan_add(plan, label, target, NULL, exp, nreps, true);
		free(label);
		free(target);
	}
}

int cs_sweep_load(struct cs_sweep *s, const char *file, char *const *sets, size_t nsets, const char *outdir,
		  const struct cs_run_args *a, struct cs_error *err)
{
	memset(s, 0, sizeof *s);
	s->file = file;
	s->base = cs_experiment_load_raw(file, sets, nsets, err);
	if (!s->base || cs_limits_parse(&s->lim, s->base, file, err) < 0)
		return -1;
	s->grid = json_incref(json_object_get(s->base, "sweep"));
	json_object_del(s->base, "sweep");
	if (!s->grid)
		return cs_error_input(err, file, "sweep", "missing (clustersim run takes an experiment without one)");
	if (cs_sweep_grid_parse(&s->g, s->grid, file, s->lim.sweep_points, err) < 0)
		return -1;
	s->outdir = outdir ? cs_xstrdup(outdir) : cs_default_outdir(file, s->base, err);
	if (!s->outdir)
		return -1;
	s->plan = (struct cs_plan){.file = file, .force = true, .resume = a->resume, .quiet = a->quiet, .jobs = a->jobs};
	add_points(&s->plan, s->base, &s->g, file, s->outdir, s->lim.replications, a->units == NULL);
	if (cs_plan_units(&s->plan) > 10000000)
		return cs_error_input(err, file, "replications", "%zu points x replications = %zu runs: at most 10,000,000",
				      s->plan.n, cs_plan_units(&s->plan));
	return 0;
}

void cs_sweep_release(struct cs_sweep *s)
{
	cs_plan_release(&s->plan);
	cs_sweep_grid_release(&s->g);
	json_decref(s->grid);
	json_decref(s->base);
	free(s->outdir);
	memset(s, 0, sizeof *s);
}

int cs_sweep_finish(struct cs_sweep *s, bool quiet, struct cs_error *err)
{
	const struct cs_sweep_grid *g = &s->g;
	for (size_t i = 0; i < s->plan.n; i++)
		if (s->plan.pts[i].error)
			fprintf(stderr, "clustersim: %s: %s\n", s->plan.pts[i].label, s->plan.pts[i].error);
	enum cs_unit_status *status = cs_xcalloc(g->n ? g->n : 1, sizeof *status);
	size_t failed = 0, ok = 0;
	for (size_t i = 0; i < g->n; i++) {
		status[i] = s->plan.pts[i].status;
		ok += status[i] == CS_UNIT_OK;
		failed += status[i] == CS_UNIT_FAILED;
	}
	char *shown = cs_escaped(s->outdir); /* results/<name>: the name may hold a newline */
	int rc;
	if (cs_sweep_csv_write(g, status, s->outdir, err) < 0) {
		rc = cs_report_error(err);
	} else if (cs_interrupted()) {
		fprintf(stderr, "clustersim: interrupted: %zu of %zu points complete in %s/sweep.csv; --resume runs the rest\n",
			ok, g->n, shown);
		rc = CS_EXIT_INTERNAL;
	} else {
		if (!quiet || ok < g->n)
			fprintf(stderr, "clustersim: %zu of %zu points ok; %s/sweep.csv\n", ok, g->n, shown);
		rc = failed || ok < g->n ? CS_EXIT_INPUT : 0;
	}
	free(shown);
	free(status);
	return rc;
}

int cs_sweep_prepare_dir(const char *outdir, const struct cs_run_args *a, struct cs_error *err)
{
	int lock;
	if (cs_mkdir_p(outdir, err) < 0 || (lock = cs_sweep_lock(outdir, err)) < 0)
		return -1;
	if (!a->force && !a->resume && !cs_dir_has_only(outdir, ".lock")) {
		close(lock);
		return cs_error_input(err, outdir, NULL,
				      "sweep directory exists and is not empty (use --resume, --force or another -o)");
	}
	return lock;
}

int cs_cmd_sweep(int argc, char **argv)
{
	struct cs_run_args a;
	int r = cs_parse_run_args(argc, argv, usage, true, &a);
	if (r != 0) {
		cs_free_run_args(&a);
		return r > 0 ? 0 : 2;
	}
	if (a.collect || a.slurm || a.emit || a.units) {
		r = cs_sweep_dist(&a);
		cs_free_run_args(&a);
		return r;
	}
	struct cs_error err = {0};
	struct cs_sweep s;
	int rc, lock = -1;
	if (cs_sweep_load(&s, a.file, a.sets, a.nsets, a.outdir, &a, &err) < 0 ||
	    (lock = cs_sweep_prepare_dir(s.outdir, &a, &err)) < 0) {
		rc = cs_report_error(&err);
	} else {
		if (a.resume && !a.quiet) {
			size_t skipped = 0;
			for (size_t i = 0; i < s.plan.n; i++)
				skipped += s.plan.pts[i].given && cs_plan_point_complete(&s.plan.pts[i]);
			fprintf(stderr, "clustersim: %zu of %zu points already complete\n", skipped, s.g.n);
		}
		cs_plan_run(&s.plan);
		rc = cs_sweep_finish(&s, a.quiet, &err);
	}
	if (lock >= 0)
		close(lock);
	cs_sweep_release(&s);
	cs_free_run_args(&a);
	return rc;
}
