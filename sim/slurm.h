/* sim/slurm — a sweep's runs as a Slurm job array (docs/commands.md#slurm).
 *
 * One array task per unit of the sweep's plan (sim/plan: a point, or one
 * replication of a point), index = the unit's number.  The batch script
 * (DIR/slurm/sweep.sbatch) runs `clustersim sweep EXP -o DIR --unit
 * $SLURM_ARRAY_TASK_ID` with the sweep's own --set arguments, every path
 * absolute; each task writes its unit's results as a local sweep would
 * (a point's directory, or a staged replication), and `sweep --collect`
 * assembles them and writes sweep.csv.  The submissions are recorded in
 * DIR/slurm/jobs.json ({"jobs": [{"id", "units": [...]}]}, newest last)
 * so that --collect can name the Slurm state of a task that left no
 * result.  sbatch and squeue are run as programs (PATH), never through a
 * shell; their stderr is passed on; squeue is polled (not sbatch --wait:
 * an array's --wait returns only when every task is gone from the queue,
 * after MinJobAge). */
#ifndef CS_SLURM_H
#define CS_SLURM_H
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sim/error.h"

struct cs_slurm_opts {
	const char *partition; /* or NULL */
	const char *time;      /* a Slurm time limit ("30", "1:00:00", "2-0"), or NULL */
	unsigned throttle;     /* most tasks at once (%N), 0: no limit */
	const char *job_name;
};

/* Check a --partition or --time value (the characters Slurm takes). */
bool cs_slurm_word_ok(const char *s, const char *extra);
/* The batch script (a new string).  argv: the command each task runs,
 * before "--unit"; units: the array's indices. */
char *cs_slurm_script(const struct cs_slurm_opts *o, char *const *argv, size_t argc, const char *logdir,
		      const size_t *units, size_t n);
/* A shell word quoted for sh (a new string). */
char *cs_shell_quote(const char *s);
/* sbatch --parsable SCRIPT: the job id into id (cap bytes). */
int cs_slurm_submit(const char *script, char *id, size_t cap, struct cs_error *err);
/* Wait (polling squeue every second) until no task of job id is pending
 * or running; -1 if squeue fails or a signal interrupts. */
int cs_slurm_wait(const char *id, struct cs_error *err);
/* The state of each array task of job id Slurm still knows ("COMPLETED",
 * "FAILED", "TIMEOUT", "CANCELLED", "OUT_OF_MEMORY", ...), by index as a
 * decimal string; an empty object when squeue no longer knows the job. */
json_t *cs_slurm_states(const char *id);

#endif
