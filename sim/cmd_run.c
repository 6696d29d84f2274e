/* sim/cmd_run — `clustersim run EXPERIMENT.json [-o DIR] [--seed N]
 * [--set KEY.PATH=VALUE]... [--strict] [-q] [--force]`. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "sim/slurm.h"

static const char usage[] =
	"usage: clustersim run EXPERIMENT.json [-o DIR] [--seed N] [--replications N [-j N]] [--set KEY.PATH=VALUE]...\n"
	"                      [--strict] [-q] [--force]\n"
	"  -o DIR        results directory (default results/<experiment name>)\n"
	"  --seed N      same as --set seed=N\n"
	"  --replications N  N runs with seeds seed, seed+1, ... into DIR/replications/<k>,\n"
	"                aggregated in DIR/summary.json (same as --set replications=N);\n"
	"                -j N runs N of them at a time\n"
	"  --strict      trace rows a format's convention skips are errors\n"
	"                (same as --set strict=true)\n"
	"  --set K=V     override a key of the experiment by path, e.g.\n"
	"                --set scheduler.paths[0].t_job=10 (V is JSON, or else a string)\n"
	"  -q            no progress line\n"
	"  --force       replace the results in a directory that is not empty (once the\n"
	"                new ones are complete)\n";

/* A whole number for --seed and -j: digits only, at most max. */
static bool parse_count(const char *v, unsigned long long max, unsigned long long *out)
{
	if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 20)
		return false;
	errno = 0;
	*out = strtoull(v, NULL, 10);
	return errno == 0 && *out <= max;
}

int cs_parse_run_args(int argc, char **argv, const char *usage_text, bool with_sweep, struct cs_run_args *a)
{
	memset(a, 0, sizeof *a);
	a->jobs = 1;
	a->runs_per_task = 1;
	a->sets = cs_xcalloc((size_t)argc + 1, sizeof *a->sets);
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
		bool has_next = i + 1 < argc;
		unsigned long long n;
		if (cs_is_help(o)) {
			fputs(usage_text, stdout);
			return 1;
		} else if (strcmp(o, "-o") == 0 && has_next) {
			a->outdir = argv[++i];
		} else if (strcmp(o, "--set") == 0 && has_next) {
			a->sets[a->nsets++] = argv[++i];
		} else if (strncmp(o, "--set=", 6) == 0) {
			a->sets[a->nsets++] = (char *)(uintptr_t)(o + 6);
		} else if (strcmp(o, "--seed") == 0 && has_next) {
			const char *v = argv[++i];
			/* a seed is a JSON integer, exact up to 2^63 - 1 */
			if (!parse_count(v, 9223372036854775807ULL, &n)) {
				cs_usage_error(usage_text, "--seed: expected a whole number from 0 to 2^63 - 1 (got \"%s\")",
					       v);
				return -1;
			}
			/* a second --seed: the first one's assignment leaves the list
			 * (the later one overrides it anyway) before it is freed */
			for (size_t k = 0; a->seed_set && k < a->nsets; k++) {
				if (a->sets[k] != a->seed_set)
					continue;
				memmove(a->sets + k, a->sets + k + 1, (a->nsets - k - 1) * sizeof *a->sets);
				a->nsets--;
				break;
			}
			free(a->seed_set);
			a->seed_set = cs_xasprintf("seed=%llu", n);
			a->sets[a->nsets++] = a->seed_set;
		} else if (strcmp(o, "--strict") == 0) {
			/* same as --set strict=true */
			a->sets[a->nsets++] = (char *)(uintptr_t)"strict=true";
		} else if (strcmp(o, "-q") == 0 || strcmp(o, "--quiet") == 0) {
			a->quiet = true;
		} else if (strcmp(o, "--force") == 0) {
			a->force = true;
		} else if (with_sweep && strcmp(o, "--resume") == 0) {
			a->resume = true;
		} else if (with_sweep && strcmp(o, "--slurm") == 0) {
			a->slurm = true;
		} else if (with_sweep && strcmp(o, "--dry-run") == 0) {
			a->dry_run = true;
		} else if (with_sweep && strcmp(o, "--wait") == 0) {
			a->wait = true;
		} else if (with_sweep && strcmp(o, "--collect") == 0) {
			a->collect = true;
		} else if (with_sweep && strcmp(o, "--emit-commands") == 0) {
			a->emit = true;
		} else if (with_sweep && (strcmp(o, "--partition") == 0 || strcmp(o, "--time") == 0) && has_next) {
			const char *v = argv[++i];
			bool part = o[2] == 'p';
			/* what Slurm takes: a partition name; a time "MM", "HH:MM:SS", "D-HH" */
			if (part ? !cs_slurm_word_ok(v, "_.-") : !cs_slurm_time_ok(v)) {
				cs_usage_error(usage_text, "%s: expected %s (got \"%s\")", o,
					       part ? "a partition name of letters, digits, '_', '.' and '-'"
						    : "a Slurm time limit such as 30, 1:00:00 or 2-0",
					       v);
				return -1;
			}
			*(part ? &a->partition : &a->time) = v;
		} else if (with_sweep && strcmp(o, "--throttle") == 0 && has_next) {
			const char *v = argv[++i];
			if (!parse_count(v, 100000, &n) || n < 1) {
				cs_usage_error(usage_text, "--throttle: expected a number of array tasks at once, 1 or more (got \"%s\")",
					       v);
				return -1;
			}
			a->throttle = (unsigned)n;
		} else if (with_sweep && strcmp(o, "--runs-per-task") == 0 && has_next) {
			const char *v = argv[++i];
			if (strcmp(v, "auto") == 0) {
				a->runs_per_task = 0; /* one task per cpu of the partition */
			} else if (!parse_count(v, 100000, &n) || n < 1) {
				cs_usage_error(usage_text, "--runs-per-task: expected a number of runs, 1 or more, or auto (got \"%s\")",
					       v);
				return -1;
			} else {
				a->runs_per_task = (unsigned)n;
			}
		} else if (with_sweep && strcmp(o, "--unit") == 0 && has_next) {
			const char *v = argv[++i];
			if (!*v || strspn(v, "0123456789,-") != strlen(v)) {
				cs_usage_error(usage_text, "--unit: expected run numbers such as 3 or 0-9,12 (got \"%s\")", v);
				return -1;
			}
			a->units = v;
		} else if (strcmp(o, "--replications") == 0 && has_next) {
			const char *v = argv[++i];
			if (!parse_count(v, 1000000, &n) || n < 1) {
				cs_usage_error(usage_text, "--replications: expected a whole number from 1 (got \"%s\")", v);
				return -1;
			}
			/* the same as --set replications=N (checked against
			 * limits.replications with the experiment) */
			free(a->reps_set);
			a->reps_set = cs_xasprintf("replications=%llu", n);
			a->sets[a->nsets++] = a->reps_set;
		} else if (strcmp(o, "-j") == 0 && has_next) {
			const char *v = argv[++i];
			if (!parse_count(v, 256, &n) || n < 1) {
				cs_usage_error(usage_text, "-j: expected a number of processes from 1 to 256 (got \"%s\")", v);
				return -1;
			}
			a->jobs = (int)n;
		} else if (o[0] == '-' && o[1]) {
			cs_usage_error(usage_text, "unknown option or missing value: %s", o);
			return -1;
		} else if (!a->file) {
			a->file = o;
		} else {
			cs_usage_error(usage_text, "unexpected argument: %s", o);
			return -1;
		}
	}
	if (!a->file) {
		cs_usage_error(usage_text, a->collect ? "missing DIR" : "missing EXPERIMENT.json");
		return -1;
	}
	int modes = a->slurm + a->collect + a->emit + (a->units != NULL);
	if (modes > 1 || (a->dry_run && !a->slurm) || (a->wait && !a->slurm) ||
	    ((a->partition || a->time || a->throttle || a->runs_per_task != 1) && !a->slurm)) {
		cs_usage_error(usage_text, "--slurm, --collect, --emit-commands and --unit exclude each other; --dry-run, "
			       "--wait, --partition, --time, --throttle and --runs-per-task go with --slurm");
		return -1;
	}
	return 0;
}

void cs_free_run_args(struct cs_run_args *a)
{
	free(a->seed_set);
	free(a->reps_set);
	free(a->sets);
	memset(a, 0, sizeof *a);
}

/* N replications of exp into outdir (sim/plan: a plan of one point whose
 * target is outdir).  A run does not resume: each starts from a new
 * staging directory. */
static int run_replicated(json_t *exp, const struct cs_run_args *a, const char *outdir, size_t nreps,
			  struct cs_error *err)
{
	if (!a->force && access(outdir, F_OK) == 0 && !cs_dir_has_only(outdir, NULL))
		return cs_error_input(err, outdir, NULL,
				      "results directory exists and is not empty (use --force or another -o)");
	/* the replications are staged in a new directory of our own beside
	 * the target (so on its file system), removed on every path */
	char *staging = cs_replication_staging(outdir), *parent = cs_dirname(outdir);
	char *tmpl = cs_xasprintf("%s-XXXXXX", staging);
	free(staging);
	if (cs_mkdir_p(parent, err) < 0 || !mkdtemp(tmpl)) {
		if (!err->code)
			cs_error_input(err, parent, NULL, "cannot make a directory for the replications: %s", strerror(errno));
		free(parent);
		free(tmpl);
		return -1;
	}
	free(parent);
	struct cs_plan plan = {.file = a->file, .force = true, .quiet = a->quiet, .jobs = a->jobs};
	struct cs_plan_point *pt = cs_plan_add(&plan, "run", outdir, tmpl, json_incref(exp), nreps, false);
	free(tmpl);
	cs_plan_run(&plan);
	int r = 0;
	if (pt->status == CS_UNIT_INTERRUPTED || cs_interrupted())
		r = cs_error_set(err, CS_EXIT_INTERNAL, "%s: interrupted by signal %d; nothing was written there", outdir,
				 cs_interrupted());
	else if (pt->status != CS_UNIT_OK && pt->failed > 1)
		r = cs_error_set(err, CS_EXIT_INPUT, "%s (%zu of %zu replications failed)", pt->error ? pt->error : "?",
				 pt->failed, nreps);
	else if (pt->status != CS_UNIT_OK)
		r = cs_error_set(err, CS_EXIT_INPUT, "%s", pt->error ? pt->error : "a replication failed");
	cs_rm_rf(pt->staging); /* (gone already once assembled) */
	cs_plan_release(&plan);
	return r;
}

int cs_cmd_run(int argc, char **argv)
{
	struct cs_run_args a;
	int r = cs_parse_run_args(argc, argv, usage, false, &a);
	if (r != 0) {
		cs_free_run_args(&a);
		return r > 0 ? 0 : 2;
	}
	struct cs_error err = {0};
	json_t *exp = cs_experiment_load(a.file, a.sets, a.nsets, &err);
	char *dflt = NULL;
	const char *outdir = a.outdir;
	if (exp && json_object_get(exp, "sweep"))
		json_object_del(exp, "sweep"); /* run takes the base point; `sweep` runs the grid */
	if (exp && !outdir)
		outdir = dflt = cs_default_outdir(a.file, exp, &err);
	r = -1;
	size_t nreps = 1;
	struct cs_limits lim;
	if (exp && outdir && cs_limits_parse(&lim, exp, a.file, &err) == 0 &&
	    cs_replications_take(exp, a.file, lim.replications, &nreps, &err) == 0) {
		if (nreps > 1) {
			r = run_replicated(exp, &a, outdir, nreps, &err);
		} else {
			struct cs_run_opts opts = {a.file, outdir, a.force, a.quiet, NULL, NULL, NULL};
			r = cs_run_experiment(exp, &opts, &err);
		}
	}
	if (r == 0 && !a.quiet) {
		char *shown = cs_escaped(outdir); /* results/<name>: the name may hold a newline */
		fprintf(stderr, "clustersim: results in %s\n", shown);
		free(shown);
	}
	json_decref(exp);
	free(dflt);
	cs_free_run_args(&a);
	if (r < 0)
		return cs_report_error(&err);
	return 0;
}
