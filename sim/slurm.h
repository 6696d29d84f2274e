/* sim/slurm — a sweep's runs as a Slurm job array (docs/commands.md#slurm).
 *
 * One array task per unit of the sweep's plan (sim/plan: a point, or one
 * replication of a point), index = the unit's number; or, with
 * --runs-per-task N, N units per task (runs of a tenth of a second cost
 * Slurm more to start than to run).  The batch script
 * (DIR/slurm/sweep.sbatch) runs `clustersim sweep EXP -o DIR --unit
 * $SLURM_ARRAY_TASK_ID` with the sweep's own --set arguments, every path
 * absolute; each task writes its unit's results as a local sweep would
 * (a point's directory, or a staged replication), and `sweep --collect`
 * assembles them and writes sweep.csv.  The submissions are recorded in
 * DIR/slurm/jobs.json ({"jobs": [{"id", "tasks": {"INDEX": [units]}}]},
 * newest last)
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
/* Whether t is a Slurm time limit: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S,
 * UNLIMITED. */
bool cs_slurm_time_ok(const char *t);
/* The batch script (a new string).  argv: the command each task runs,
 * before "--unit"; tasks: the array, index (a decimal string, in
 * increasing order) -> its runs' unit numbers.  With one run per task
 * each index is its run's number and the task runs --unit
 * $SLURM_ARRAY_TASK_ID; otherwise a case statement maps the index to
 * its runs ("--unit 0-9"). */
char *cs_slurm_script(const struct cs_slurm_opts *o, char *const *argv, size_t argc, const char *logdir,
		      const json_t *tasks, bool one_run_each);
/* "0-9,12": numbers as ranges (appended to *s; sorted input). */
void cs_put_ranges(char **s, const size_t *v, size_t n);
/* A shell word quoted for sh (a new string). */
char *cs_shell_quote(const char *s);
/* sbatch --parsable SCRIPT: the job id into id (cap bytes). */
int cs_slurm_submit(const char *script, char *id, size_t cap, struct cs_error *err);
/* The cpus of a partition (NULL: the default one), from sinfo; 0 if
 * sinfo cannot tell. */
size_t cs_slurm_cpus(const char *partition);
/* Wait (polling squeue every second) until no task of job id is pending
 * or running; -1 if squeue fails or a signal interrupts. */
int cs_slurm_wait(const char *id, struct cs_error *err);
/* The state of each array task of job id Slurm still knows ("COMPLETED",
 * "FAILED", "TIMEOUT", "CANCELLED", "OUT_OF_MEMORY", ...), by index as a
 * decimal string; an empty object when squeue no longer knows the job. */
json_t *cs_slurm_states(const char *id);

#endif
