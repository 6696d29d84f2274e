/* workloads/lines — see lines.h. */
#include "workloads/lines.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/alloc.h"

enum { BLOCK = 1 << 18 };

int cs_lines_open(struct cs_lines *l, const char *path, struct cs_error *err)
{
	memset(l, 0, sizeof *l);
	/* only regular files: a trace is opened more than once (to tell its
	 * format, to read a header, to read it), and a FIFO or a device would
	 * block or give something else the second time */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return cs_error_input(err, path, NULL, "not a regular file (%s): an input file is read more than once",
				      S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" : "a device");
	l->gz = gzopen(path, "rb");
	if (!l->gz)
		return cs_error_input(err, path, "open", "cannot open: %s", errno ? strerror(errno) : "out of memory");
	gzbuffer(l->gz, 1u << 17);
	l->path = cs_xstrdup(path);
	l->cap = BLOCK;
	l->buf = cs_xmalloc(l->cap + 1); /* + 1: room for a last line's NUL */
	return 0;
}

void cs_lines_close(struct cs_lines *l)
{
	if (l->gz)
		gzclose(l->gz);
	free(l->path);
	free(l->buf);
	memset(l, 0, sizeof *l);
}

int cs_lines_error(const struct cs_lines *l, struct cs_error *err, const char *fmt, ...)
{
	char what[512], where[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(where, sizeof where, "line %" PRIu64, l->lineno);
	return cs_error_input(err, l->path, where, "%s", what);
}

/* A stream error from zlib, if any (a clean end of file is not). */
static int stream_error(struct cs_lines *l, struct cs_error *err)
{
	int code;
	const char *msg = gzerror(l->gz, &code);
	if (code == Z_OK || code == Z_STREAM_END)
		return 0;
	l->lineno++;
	size_t pl = strlen(l->path);
	if (msg && strncmp(msg, l->path, pl) == 0 && msg[pl] == ':') /* zlib prefixes the path */
		msg += pl + (msg[pl + 1] == ' ' ? 2 : 1);
	return cs_lines_error(l, err, "%s (%s)",
			      code == Z_BUF_ERROR ? "the compressed file is truncated" : "cannot read the file",
			      msg ? msg : "zlib error");
}

/* Read more of the file into the block, after what is not handed out
 * yet (moved to the front).  Returns 0, or -1 with err set. */
static int refill(struct cs_lines *l, struct cs_error *err)
{
	size_t rest = l->len - l->pos;
	if (l->pos > 0) {
		memmove(l->buf, l->buf + l->pos, rest);
		l->pos = 0;
		l->len = rest;
	} else if (l->len == l->cap) { /* one line fills the block */
		if (l->cap >= CS_LINE_MAX) {
			l->lineno++;
			return cs_lines_error(l, err, "line longer than %u bytes", CS_LINE_MAX);
		}
		l->cap *= 2;
		l->buf = cs_xrealloc(l->buf, l->cap + 1);
	}
	int got = gzread(l->gz, l->buf + l->len, (unsigned)(l->cap - l->len));
	if (got <= 0) {
		if (stream_error(l, err) < 0)
			return -1;
		l->eof = true;
		return 0;
	}
	l->len += (size_t)got;
	return 0;
}

int cs_lines_next(struct cs_lines *l, char **line, struct cs_error *err)
{
	if (l->again) {
		l->again = false;
		l->lineno++;
		l->bytes += l->last_len;
		*line = l->last;
		return 1;
	}
	char *nl;
	size_t ending = 1; /* the newline's byte */
	while (!(nl = memchr(l->buf + l->pos, '\n', l->len - l->pos))) {
		if (l->eof) {
			if (l->pos == l->len)
				return 0;
			nl = l->buf + l->len; /* a last line without a newline */
			ending = 0;           /* (the block has room for its NUL) */
			break;
		}
		if (refill(l, err) < 0)
			return -1;
	}
	char *s = l->buf + l->pos;
	size_t len = (size_t)(nl - s), raw = len + ending;
	*nl = '\0';
	l->pos += len + ending;
	l->bytes += raw;
	l->lineno++;
	if (strlen(s) != len)
		return cs_lines_error(l, err, "a NUL byte in the line (not a text trace?)");
	while (len > 0 && s[len - 1] == '\r')
		s[--len] = '\0';
	l->last = s;
	l->last_len = raw;
	*line = s;
	return 1;
}

void cs_lines_unread(struct cs_lines *l)
{
	l->again = true;
	l->lineno--;
	l->bytes -= l->last_len;
}

size_t cs_split_ws(char *s, char **fields, size_t max)
{
	size_t n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return n;
		if (n < max)
			fields[n] = s;
		n++;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (!*s)
			return n;
		*s++ = '\0';
	}
}

size_t cs_split_csv(char *s, char **fields, size_t max)
{
	size_t n = 0;
	for (;;) {
		if (n < max)
			fields[n] = s;
		n++;
		char *c = strchr(s, ',');
		if (!c)
			return n;
		*c = '\0';
		s = c + 1;
	}
}

bool cs_parse_double(const char *s, double *out)
{
	if (!*s)
		return false;
	/* fast path: most trace fields are short decimals ("42", "-1",
	 * "0.07446"); with at most 15 digits in all, (digits / 10^frac) is
	 * one correctly rounded division, the same value strtod returns */
	static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
	const char *p = s + (*s == '-');
	int64_t v = 0;
	int digits = 0, frac = -1;
	for (; digits <= 15; p++) {
		if (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p - '0');
			digits++;
			if (frac >= 0)
				frac++;
		} else if (*p == '.' && frac < 0) {
			frac = 0;
		} else {
			break;
		}
	}
	if (!*p && digits > 0 && digits <= 15 && frac != 0) {
		double x = frac > 0 ? (double)v / pow10[frac] : (double)v;
		*out = *s == '-' ? -x : x;
		return true;
	}
	char *end;
	errno = 0;
	double x = strtod(s, &end);
	if (*end || errno == ERANGE || !isfinite(x))
		return false;
	*out = x;
	return true;
}

bool cs_parse_int64(const char *s, int64_t *out)
{
	if (!*s)
		return false;
	const char *p = s + (*s == '-');
	int64_t v = 0;
	int digits = 0;
	while (*p >= '0' && *p <= '9' && digits < 18) {
		v = v * 10 + (*p++ - '0');
		digits++;
	}
	if (!*p && digits > 0) {
		*out = *s == '-' ? -v : v;
		return true;
	}
	char *end;
	errno = 0;
	long long x = strtoll(s, &end, 10);
	if (*end || errno == ERANGE)
		return false;
	*out = x;
	return true;
}
