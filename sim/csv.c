/* sim/csv — see csv.h. */
#include "sim/csv.h"

#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"

bool cs_csv_plain(const char *s)
{
	return s[strcspn(s, ",\"\r\n")] == '\0';
}

void cs_csv_put(FILE *f, const char *s)
{
	if (cs_csv_plain(s)) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

char *cs_csv_field(const char *s)
{
	if (cs_csv_plain(s))
		return cs_xstrdup(s);
	char *o = cs_xmalloc(2 * strlen(s) + 3), *p = o;
	*p++ = '"';
	for (; *s; s++) {
		if (*s == '"')
			*p++ = '"';
		*p++ = *s;
	}
	*p++ = '"';
	*p = '\0';
	return o;
}

void cs_csv_reader_init(struct cs_csv_reader *r, FILE *f)
{
	memset(r, 0, sizeof *r);
	r->f = f;
	r->next_line = 1;
}

void cs_csv_reader_release(struct cs_csv_reader *r)
{
	free(r->buf);
	free(r->fields);
	memset(r, 0, sizeof *r);
}

static void put(struct cs_csv_reader *r, size_t *len, char c)
{
	CS_GROW(r->buf, r->cap, *len + 1);
	r->buf[(*len)++] = c;
}

int cs_csv_read(struct cs_csv_reader *r, char ***fields, size_t *n)
{
	size_t len = 0, nf = 0;
	/* field starts as offsets (buf may move while it grows) */
	size_t *starts = NULL, scap = 0;
	int c = getc(r->f);
	if (c == EOF)
		return 0;
	r->line = r->next_line;
	bool quoted = false, at_start = true;
	CS_GROW(starts, scap, 1);
	starts[nf++] = 0;
	for (;; c = getc(r->f)) {
		if (quoted) {
			if (c == EOF) {
				free(starts);
				return -1;
			}
			if (c == '"') {
				int d = getc(r->f);
				if (d == '"') {
					put(r, &len, '"');
					continue;
				}
				quoted = false;
				if (d != EOF)
					ungetc(d, r->f);
				continue;
			}
			if (c == '\n')
				r->next_line++;
			put(r, &len, (char)c);
			continue;
		}
		if (c == EOF || c == '\n') {
			if (c == '\n')
				r->next_line++;
			/* CRLF: drop the CR of the row's end */
			if (len > starts[nf - 1] && r->buf[len - 1] == '\r')
				len--;
			put(r, &len, '\0');
			break;
		}
		if (c == ',') {
			put(r, &len, '\0');
			CS_GROW(starts, scap, nf + 1);
			starts[nf++] = len;
			at_start = true;
			continue;
		}
		if (c == '"' && at_start) {
			quoted = true;
			at_start = false;
			continue;
		}
		at_start = false;
		put(r, &len, (char)c);
	}
	CS_GROW(r->fields, r->fcap, nf);
	for (size_t i = 0; i < nf; i++)
		r->fields[i] = r->buf + starts[i];
	free(starts);
	*fields = r->fields;
	*n = nf;
	return 1;
}
