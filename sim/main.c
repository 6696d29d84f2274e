/* sim/main — the clustersim command: a static table of sub-commands. */
#include <stdarg.h>
#include <stdio.h>
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
	{"table", cs_cmd_table, "print utilization, waits, busyness and conflicts of results as text"},
	{"trace", cs_cmd_trace, "inspect trace files (trace info FILE)"},
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

bool cs_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int cs_report_error(const struct cs_error *err)
{
	fprintf(stderr, "clustersim: %s\n", err->msg[0] ? err->msg : "unknown error");
	return err->code ? err->code : CS_EXIT_INTERNAL;
}

int cs_usage_error(const char *usage_text, const char *fmt, ...)
{
	/* one line, as every bad input gets: the message, and where the
	 * usage is ("usage: clustersim run ..." gives "clustersim run --help") */
	va_list ap;
	fputs("clustersim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	const char *cmd = strncmp(usage_text, "usage: ", 7) == 0 ? usage_text + 7 : "clustersim";
	size_t n = strcspn(cmd, " ");
	if (strncmp(cmd, "clustersim ", 11) == 0)
		n = 11 + strcspn(cmd + 11, " \n");
	fprintf(stderr, " (usage: %.*s --help)\n", (int)n, cmd);
	return CS_EXIT_INPUT;
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
	fprintf(stderr, "clustersim: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return CS_EXIT_INPUT;
}
