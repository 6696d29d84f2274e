/* workloads/swf — see swf.h. */
#include "workloads/swf.h"
#include "sim/units.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

/* "; Key: value" header line: remember the keys we use. */
static void header_line(struct cs_swf_header *h, const char *line)
{
	const char *p = line + 1;
	while (*p == ' ' || *p == '\t')
		p++;
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{"MaxProcs:", offsetof(struct cs_swf_header, max_procs)},
		{"MaxNodes:", offsetof(struct cs_swf_header, max_nodes)},
		{"UnixStartTime:", offsetof(struct cs_swf_header, unix_start)},
	};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		size_t n = strlen(keys[i].key);
		if (strncasecmp(p, keys[i].key, n) != 0)
			continue;
		char *end;
		double v = strtod(p + n, &end);
		while (*end == ' ' || *end == '\t')
			end++;
		if (end != p + n && *end == '\0' && v > 0)
			*(double *)(void *)((char *)h + keys[i].off) = v;
	}
}

int cs_swf_open(struct cs_swf *s, const char *path, struct cs_error *err)
{
	memset(s, 0, sizeof *s);
	s->header.max_procs = s->header.max_nodes = s->header.unix_start = -1;
	if (cs_lines_open(&s->lines, path, err) < 0)
		return -1;
	/* the header: read ';' lines up to the first record, which is then
	 * handed out again to cs_swf_next */
	for (;;) {
		char *line;
		int r = cs_lines_next(&s->lines, &line, err);
		if (r < 0) {
			cs_swf_close(s);
			return -1;
		}
		if (r == 0)
			break;
		if (line[0] == ';') {
			header_line(&s->header, line);
			continue;
		}
		if (is_blank(line))
			continue;
		cs_lines_unread(&s->lines);
		break;
	}
	return 0;
}

int cs_swf_next(struct cs_swf *s, struct cs_error *err)
{
	char *line;
	for (;;) {
		int r = cs_lines_next(&s->lines, &line, err);
		if (r <= 0)
			return r;
		if (line[0] != ';' && !is_blank(line))
			break;
	}
	/* split and convert in one pass; fields are nearly always short
	 * integers, converted inline, anything else goes through strtod */
	char *p = line;
	size_t n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		char *start = p;
		bool neg = *p == '-';
		p += neg;
		int64_t v = 0;
		int digits = 0;
		while (*p >= '0' && *p <= '9' && digits < 15) {
			v = v * 10 + (*p++ - '0');
			digits++;
		}
		bool simple = digits > 0 && (*p == ' ' || *p == '\t' || !*p);
		if (!simple)
			while (*p && *p != ' ' && *p != '\t')
				p++;
		if (n < CS_SWF_FIELDS) {
			if (simple) {
				s->f[n] = (double)(neg ? -v : v);
			} else {
				char c = *p;
				*p = '\0';
				bool ok = cs_parse_double(start, &s->f[n]);
				if (!ok)
					return cs_lines_error(&s->lines, err, "field %zu is not a number: \"%.40s\"", n + 1,
							      start);
				*p = c;
			}
		}
		n++;
	}
	if (n != CS_SWF_FIELDS)
		return cs_lines_error(&s->lines, err, "expected 18 fields, found %zu", n);
	if (s->f[SWF_SUBMIT] < 0)
		return cs_lines_error(&s->lines, err, "negative submit time %g", s->f[SWF_SUBMIT]);
	/* times the clock holds (an unknown one is -1) */
	static const int timed[] = {SWF_SUBMIT, SWF_WAIT, SWF_RUN, SWF_REQ_TIME};
	static const char *const what[] = {"submit time", "wait time", "run time", "requested time"};
	for (size_t i = 0; i < sizeof timed / sizeof *timed; i++)
		if (s->f[timed[i]] > CS_MAX_SECONDS)
			return cs_lines_error(&s->lines, err,
					      "%s beyond the simulator's clock: at most %.15g s, about 317 years (got %.15g)",
					      what[i], CS_MAX_SECONDS, s->f[timed[i]]);
	/* processor counts the cell can be asked for */
	if (s->f[SWF_ALLOC_PROCS] > CS_MAX_CORES || s->f[SWF_REQ_PROCS] > CS_MAX_CORES)
		return cs_lines_error(&s->lines, err, "a processor count beyond the model's range (at most %.15g; got %.15g)",
				      CS_MAX_CORES, s->f[SWF_ALLOC_PROCS] > s->f[SWF_REQ_PROCS] ? s->f[SWF_ALLOC_PROCS]
											  : s->f[SWF_REQ_PROCS]);
	if (s->f[SWF_SUBMIT] < s->last_submit)
		return cs_lines_error(&s->lines, err, "submit time %g is before the previous job's (%g): the file is not sorted",
				      s->f[SWF_SUBMIT], s->last_submit);
	s->last_submit = s->f[SWF_SUBMIT];
	return 1;
}

void cs_swf_close(struct cs_swf *s)
{
	cs_lines_close(&s->lines);
}

double cs_swf_procs(const double *f)
{
	return f[SWF_REQ_PROCS] > 0 ? f[SWF_REQ_PROCS] : f[SWF_ALLOC_PROCS];
}

double cs_swf_estimate(const double *f)
{
	return f[SWF_REQ_TIME] > 0 && f[SWF_REQ_TIME] >= f[SWF_RUN] ? f[SWF_REQ_TIME] : f[SWF_RUN];
}
