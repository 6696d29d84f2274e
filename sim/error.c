/* sim/error — see error.h. */
#include "sim/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/alloc.h"

size_t cs_escape_controls(char *dst, size_t cap, const char *src)
{
	size_t n = 0;
	for (const unsigned char *s = (const unsigned char *)src; *s; s++) {
		char one[8] = {(char)*s, 0};
		if (*s == '\n' || *s == '\t' || *s == '\r')
			snprintf(one, sizeof one, "\\%c", *s == '\n' ? 'n' : *s == '\t' ? 't' : 'r');
		else if (*s < 0x20 || *s == 0x7f)
			snprintf(one, sizeof one, "\\x%02x", *s);
		size_t len = strlen(one);
		if (n + len >= cap)
			break;
		memcpy(dst + n, one, len);
		n += len;
	}
	if (cap)
		dst[n] = '\0';
	return n;
}

char *cs_escaped(const char *s)
{
	size_t cap = 4 * strlen(s) + 1;
	char *d = cs_xmalloc(cap);
	cs_escape_controls(d, cap, s);
	return d;
}

int cs_error_set(struct cs_error *err, int code, const char *fmt, ...)
{
	if (!err || err->code)
		return -1;
	char raw[sizeof err->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	cs_escape_controls(err->msg, sizeof err->msg, raw);
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
	char raw[sizeof err->msg];
	if (where && *where)
		snprintf(raw, sizeof raw, "%s: %s: %s", file, where, what);
	else
		snprintf(raw, sizeof raw, "%s: %s", file, what);
	cs_escape_controls(err->msg, sizeof err->msg, raw);
	err->code = CS_EXIT_INPUT;
	return -1;
}
