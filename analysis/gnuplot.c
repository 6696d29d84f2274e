/* analysis/gnuplot — see gnuplot.h. */
#include "analysis/gnuplot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sim/alloc.h"

void cs_str_append(char **buf, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	size_t old = *buf ? strlen(*buf) : 0;
	*buf = cs_xrealloc(*buf, old + (size_t)(len < 0 ? 0 : len) + 1);
	vsnprintf(*buf + old, (size_t)len + 1, fmt, ap2);
	va_end(ap2);
}

char *cs_gnuplot_quote(const char *s)
{
	char *o = cs_xmalloc(strlen(s) * 2 + 1), *p = o;
	for (; *s; s++) {
		if (*s == '\'')
			*p++ = '\'';
		*p++ = *s;
	}
	*p = '\0';
	return o;
}

int cs_gnuplot_run(const char *script, struct cs_error *err)
{
	FILE *g = popen("gnuplot 2>&1", "w");
	if (!g)
		return cs_error_set(err, CS_EXIT_INTERNAL, "cannot run gnuplot: %s", strerror(errno));
	fputs(script, g);
	int st = pclose(g);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 127)
			return cs_error_set(err, CS_EXIT_INTERNAL,
					    "gnuplot not found (install gnuplot-nox, or run make deps)");
		return cs_error_set(err, CS_EXIT_INTERNAL, "gnuplot failed (status %d)", st);
	}
	return 0;
}
