/* sim/cli — what the commands share (cli.h): --help, and printing an
 * error or a usage error as the one line bad input gets.  Here, not in
 * main.c, so that the commands link without the program's entry point
 * (the tests and the CLI fuzz target call them as functions). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/cli.h"
#include "sim/error.h"

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
	char raw[1024], msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	cs_escape_controls(msg, sizeof msg, raw); /* an argument may hold a newline */
	fprintf(stderr, "clustersim: %s", msg);
	const char *cmd = strncmp(usage_text, "usage: ", 7) == 0 ? usage_text + 7 : "clustersim";
	size_t n = strcspn(cmd, " ");
	if (strncmp(cmd, "clustersim ", 11) == 0)
		n = 11 + strcspn(cmd + 11, " \n");
	fprintf(stderr, " (usage: %.*s --help)\n", (int)n, cmd);
	return CS_EXIT_INPUT;
}
