/* sim/cmd_run — `clustersim run EXPERIMENT.json [-o DIR] [--seed N]
 * [--set KEY.PATH=VALUE]... [--strict] [-q] [--force]`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/experiment.h"
#include "sim/run.h"

static const char usage[] =
	"usage: clustersim run EXPERIMENT.json [-o DIR] [--seed N] [--set KEY.PATH=VALUE]... [--strict] [-q] [--force]\n"
	"  -o DIR        results directory (default results/<experiment name>)\n"
	"  --seed N      same as --set seed=N\n"
	"  --strict      trace rows a format's convention skips are errors\n"
	"                (same as --set strict=true)\n"
	"  --set K=V     override a key of the experiment by path, e.g.\n"
	"                --set scheduler.paths[0].t_job=10 (V is JSON, or else a string)\n"
	"  -q            no progress line\n"
	"  --force       write into a results directory that is not empty\n";

/* Parse the options shared by run and sweep.  Collects --set lines into
 * sets (caller frees the array, not the strings). */
int cs_parse_run_args(int argc, char **argv, const char *usage_text, const char **file,
		      const char **outdir, char ***sets, size_t *nsets, bool *quiet, bool *force,
		      int *jobs)
{
	*file = *outdir = NULL;
	*sets = cs_xcalloc((size_t)argc + 2, sizeof **sets);
	*nsets = 0;
	*quiet = *force = false;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool has_next = i + 1 < argc;
		if (cs_is_help(a)) {
			fputs(usage_text, stdout);
			return 1;
		} else if (strcmp(a, "-o") == 0 && has_next) {
			*outdir = argv[++i];
		} else if (strcmp(a, "--set") == 0 && has_next) {
			(*sets)[(*nsets)++] = argv[++i];
		} else if (strncmp(a, "--set=", 6) == 0) {
			(*sets)[(*nsets)++] = (char *)(uintptr_t)(a + 6);
		} else if (strcmp(a, "--seed") == 0 && has_next) {
			char *end;
			const char *v = argv[++i];
			strtoull(v, &end, 10);
			if (!*v || *end || *v == '-')
				{
				cs_usage_error(usage_text, "--seed: not a non-negative integer: \"%s\"", v);
				return -1;
			}
			/* seed=N is the last of the array (after its NULL end)
			 * so that cs_free_run_args can free it */
			free((*sets)[argc]);
			(*sets)[argc] = cs_xasprintf("seed=%s", v);
			(*sets)[(*nsets)++] = (*sets)[argc];
		} else if (strcmp(a, "--strict") == 0) {
			/* same as --set strict=true */
			(*sets)[(*nsets)++] = (char *)(uintptr_t)"strict=true";
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			*quiet = true;
		} else if (strcmp(a, "--force") == 0) {
			*force = true;
		} else if (jobs && strcmp(a, "-j") == 0 && has_next) {
			char *end;
			long j = strtol(argv[++i], &end, 10);
			if (*end || j < 1 || j > 256)
				{
				cs_usage_error(usage_text, "-j: expected a number of processes from 1 to 256");
				return -1;
			}
			*jobs = (int)j;
		} else if (a[0] == '-' && a[1]) {
			{
				cs_usage_error(usage_text, "unknown option or missing value: %s", a);
				return -1;
			}
		} else if (!*file) {
			*file = a;
		} else {
			{
				cs_usage_error(usage_text, "unexpected argument: %s", a);
				return -1;
			}
		}
	}
	if (!*file)
		{
				cs_usage_error(usage_text, "missing EXPERIMENT.json");
				return -1;
			}
	return 0;
}

void cs_free_run_args(char **sets, int argc)
{
	if (sets)
		free(sets[argc]);
	free(sets);
}

int cs_cmd_run(int argc, char **argv)
{
	const char *file, *outdir;
	char **sets;
	size_t nsets;
	bool quiet, force;
	int r = cs_parse_run_args(argc, argv, usage, &file, &outdir, &sets, &nsets, &quiet, &force, NULL);
	if (r != 0) {
		cs_free_run_args(sets, argc);
		return r > 0 ? 0 : 2;
	}
	struct cs_error err = {0};
	json_t *exp = cs_experiment_load(file, sets, nsets, &err);
	cs_free_run_args(sets, argc);
	if (!exp)
		return cs_report_error(&err);
	if (json_object_get(exp, "sweep"))
		json_object_del(exp, "sweep"); /* run takes the base point; `sweep` runs the grid */
	char *dflt = NULL;
	if (!outdir) {
		json_t *n = json_object_get(exp, "name");
		dflt = cs_xasprintf("results/%s", json_is_string(n) ? json_string_value(n) : "experiment");
		outdir = dflt;
	}
	struct cs_run_opts opts = {file, outdir, force, quiet, NULL};
	r = cs_run_experiment(exp, &opts, &err);
	json_decref(exp);
	free(dflt);
	if (r < 0)
		return cs_report_error(&err);
	if (!quiet)
		fprintf(stderr, "clustersim: results in %s\n", outdir);
	return 0;
}
