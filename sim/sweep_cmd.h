/* sim/sweep_cmd — what the sweep command's two files share: a loaded
 * sweep (experiment, grid, limits, output directory and its plan of
 * runs), the directory's lock, and the end of a sweep (sweep.csv and the
 * closing line).  sim/cmd_sweep runs a sweep here; sim/sweep_dist
 * (--slurm, --emit-commands, --unit, --collect) runs its units elsewhere
 * and collects them. */
#ifndef CS_SWEEP_CMD_H
#define CS_SWEEP_CMD_H
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sim/cli.h"
#include "sim/error.h"
#include "sim/limits.h"
#include "sim/plan.h"
#include "sim/sweep_grid.h"

struct cs_sweep {
	const char *file;
	json_t *base, *grid;
	struct cs_sweep_grid g;
	struct cs_limits lim;
	char *outdir;
	struct cs_plan plan;
};

/* Load file (with the --set assignments) and plan its points into
 * outdir (NULL: results/<name>).  Release in every case. */
int cs_sweep_load(struct cs_sweep *s, const char *file, char *const *sets, size_t nsets, const char *outdir,
		  const struct cs_run_args *a, struct cs_error *err);
void cs_sweep_release(struct cs_sweep *s);
/* Take DIR/.lock (flock; it holds the PID): its descriptor, or -1 if
 * another sweep holds it. */
int cs_sweep_lock(const char *dir, struct cs_error *err);
/* Make outdir, take its lock, and refuse a directory that is not empty
 * unless --resume or --force: the lock's descriptor or -1. */
int cs_sweep_prepare_dir(const char *outdir, const struct cs_run_args *a, struct cs_error *err);
/* Report the failed points, write sweep.csv, say how many are ok: the
 * command's exit code (2 if a point is not ok). */
int cs_sweep_finish(struct cs_sweep *s, bool quiet, struct cs_error *err);
/* --slurm, --emit-commands, --unit, --collect (sim/sweep_dist). */
int cs_sweep_dist(const struct cs_run_args *a);

#endif
