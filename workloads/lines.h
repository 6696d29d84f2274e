/* workloads/lines — streaming line reader for trace files, plain or
 * gzip-compressed (zlib detects which), with line numbers for messages.
 *
 * The file is read a block at a time (zlib inflates straight into the
 * block) and lines are handed out in place, never loaded whole: the block
 * grows only for a line longer than itself, at most CS_LINE_MAX bytes.
 * A line returned stays valid, and may be changed in place, until the
 * next call.  A truncated or
 * corrupt gzip stream, a read error, an over-long line or a NUL byte is an
 * error naming the file and line ("FILE: line N: what"); so is a path that
 * is not a regular file (a FIFO, a device, a directory: inputs are read
 * more than once).  A last line
 * without a newline is a line.  "\r\n" endings are accepted.
 *
 * Field splitting works in place on the current line: cs_split_ws (runs of
 * spaces and tabs) and cs_split_csv (commas; empty fields kept). */
#ifndef CS_LINES_H
#define CS_LINES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

#include "sim/error.h"

#define CS_LINE_MAX (1u << 20)

struct cs_lines {
	gzFile gz;
	char *path;     /* as given, for messages */
	char *buf;      /* the block: buf[pos, len) not yet handed out */
	size_t cap, len, pos;
	bool eof;       /* nothing more to read into the block */
	char *last;     /* the line last returned, and its length, for unread */
	size_t last_len;
	bool again;     /* unread: hand out the last line once more */
	uint64_t lineno; /* of the line last returned, from 1 */
	uint64_t bytes;  /* uncompressed bytes handed out so far */
};

int cs_lines_open(struct cs_lines *l, const char *path, struct cs_error *err);
/* The next line (NUL-terminated, newline removed) in *line: 1; 0 at the
 * end; -1 with err set. */
int cs_lines_next(struct cs_lines *l, char **line, struct cs_error *err);
/* Hand out the line last returned once more, on the next call (as it
 * was returned: changes made to it in place stay). */
void cs_lines_unread(struct cs_lines *l);
void cs_lines_close(struct cs_lines *l);
/* An error about the current line: "PATH: line N: what". Returns -1. */
int cs_lines_error(const struct cs_lines *l, struct cs_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Split s in place into at most max fields; returns how many there were
 * (which may exceed max: the rest are not stored). */
size_t cs_split_ws(char *s, char **fields, size_t max);
size_t cs_split_csv(char *s, char **fields, size_t max);

/* Strict numbers: the whole field must be a finite number. */
bool cs_parse_double(const char *s, double *out);
bool cs_parse_int64(const char *s, int64_t *out);

#endif
