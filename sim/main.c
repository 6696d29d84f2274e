/* sim/main — the clustersim command: a static table of sub-commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "sim/cli.h"
#include "sim/error.h"
#include "sim/interrupt.h"
#include "sim/version.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"run", cs_cmd_run, "run one experiment into a results directory"},
	{"sweep", cs_cmd_sweep, "run every point of the experiment's sweep grid"},
	{"compare", cs_cmd_compare, "compare two results directories; exit 1 on regression"},
	{"plot", cs_cmd_plot, "plot utilization and wait-time CDFs of results with gnuplot"},
	{"report", cs_cmd_report, "one self-contained HTML page of results: figures, tables, provenance"},
	{"table", cs_cmd_table, "print utilization, waits, busyness and conflicts of results as text"},
	{"trace", cs_cmd_trace, "inspect trace files (trace info FILE)"},
	{"spec", cs_cmd_spec, "read Marathon, Aurora and Kubernetes spec files (spec info FILE)"},
	{"live", cs_cmd_live, "run a live controller: the schedulers on real hosts, a Marathon API"},
	{"agent", cs_cmd_agent, "run tasks for a live controller on this host"},
	{"aurora", cs_cmd_aurora, "create an Aurora job on a live controller (aurora create KEY FILE)"},
	{NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: clustersim COMMAND [ARGS]   (clustersim COMMAND --help for more)\n\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fprintf(f, "\n  --help      this text\n  --version   the version\n");
	fprintf(f, "\nexit codes: 0 success, 1 regression (compare), 2 bad input, 3 internal error\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "clustersim: missing command\n");
		usage(stderr);
		return CS_EXIT_INPUT;
	}
	if (cs_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("clustersim %s\n", CS_VERSION);
		return 0;
	}
	for (const struct command *c = commands; c->name; c++) {
		if (strcmp(c->name, argv[1]) != 0)
			continue;
		cs_interrupt_install();
		/* bad input is reported by the checks, never by GSL's abort */
		gsl_set_error_handler_off();
		int rc = c->fn(argc - 2, argv + 2);
		/* interrupted: the command has cleaned up; end as the signal
		 * would have ended it */
		cs_interrupt_reraise();
		return rc;
	}
	char *shown = cs_escaped(argv[1]);
	fprintf(stderr, "clustersim: unknown command \"%s\"\n", shown);
	free(shown);
	usage(stderr);
	return CS_EXIT_INPUT;
}
