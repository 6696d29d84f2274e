/* sim/error — see error.h. */
#include "sim/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cs_error_set(struct cs_error *err, int code, const char *fmt, ...)
{
	if (!err || err->code)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	err->code = code;
	return -1;
}

int cs_error_input(struct cs_error *err, const char *file, const char *where,
		   const char *fmt, ...)
{
	if (!err || err->code)
		return -1;
	char what[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (where && *where)
		snprintf(err->msg, sizeof err->msg, "%s: %s: %s", file, where, what);
	else
		snprintf(err->msg, sizeof err->msg, "%s: %s", file, what);
	err->code = CS_EXIT_INPUT;
	return -1;
}
