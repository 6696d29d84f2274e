/* sim/cli — the sub-commands (git's commands[] pattern: main.c holds the
 * table, each command is a function taking argc/argv after its name and
 * returning the process exit code, enum cs_exit). */
#ifndef CS_CLI_H
#define CS_CLI_H
#include <stdbool.h>

int cs_cmd_run(int argc, char **argv);
int cs_cmd_sweep(int argc, char **argv);
int cs_cmd_compare(int argc, char **argv);
int cs_cmd_plot(int argc, char **argv);
int cs_cmd_report(int argc, char **argv);
int cs_cmd_table(int argc, char **argv);
int cs_cmd_trace(int argc, char **argv);
int cs_cmd_spec(int argc, char **argv);
int cs_cmd_agent(int argc, char **argv); /* live/cmd_agent.c */
int cs_cmd_live(int argc, char **argv);  /* live/controller.c */
int cs_cmd_aurora(int argc, char **argv); /* live/cmd_aurora.c */

/* The options shared by run and sweep: -o, --set, --seed, --strict, -q,
 * --force, and for sweep (with_sweep) -j and --resume. */
#include <stddef.h>
struct cs_run_args {
	const char *file, *outdir;
	char **sets;      /* --set assignments (the strings are argv's or owned: see seed) */
	size_t nsets;
	char *seed_set;   /* "seed=N" of --seed, owned */
	char *reps_set;   /* "replications=N" of --replications, owned */
	bool quiet, force, resume;
	int jobs;         /* -j, default 1 */
	/* sweep only: distributed runs (sim/sweep_dist) */
	bool slurm, dry_run, wait, collect, emit;
	const char *partition, *time; /* --partition, --time (checked) */
	unsigned throttle;            /* --throttle N, 0: none */
	unsigned runs_per_task;       /* --runs-per-task N, default 1 */
	const char *units;            /* --unit LIST ("3", "0-9,12"), or NULL */
};
/* Returns 0, 1 after --help (printed), -1 on a usage error (printed).
 * Release with cs_free_run_args in every case. */
int cs_parse_run_args(int argc, char **argv, const char *usage_text, bool with_sweep, struct cs_run_args *a);
void cs_free_run_args(struct cs_run_args *a);

/* Print "clustersim: MSG" and return the error's exit code. */
struct cs_error;
int cs_report_error(const struct cs_error *err);
/* A usage error: print it and the command's usage, return 2. */
int cs_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool cs_is_help(const char *arg);

#endif
