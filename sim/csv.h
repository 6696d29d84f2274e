/* sim/csv — the one CSV writer and reader of the project (RFC 4180).
 *
 * Every CSV file clustersim writes (jobs.csv, timeseries.csv, sweep.csv)
 * writes its text fields through cs_csv_put or cs_csv_field, and every one
 * it reads back (plot, sweep plots) goes through struct cs_csv_reader, so
 * that a workload, scheduler or label named `a,b"c` or with a newline in
 * it stays one field.
 *
 * Writing: a field is written as it is unless it contains a comma, a
 * double quote, a CR or an LF; then it is enclosed in double quotes and
 * its quotes are doubled.  Numbers never need quoting.  Rows end with LF.
 *
 * Reading: fields separated by commas, a quoted field may hold commas,
 * doubled quotes and line breaks; rows end with LF or CRLF.  A quote
 * inside an unquoted field is kept as a character (lenient, as Python's
 * csv module is); an unterminated quoted field at the end of the file is
 * an error. */
#ifndef CS_CSV_H
#define CS_CSV_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Whether s can be written without quotes. */
bool cs_csv_plain(const char *s);
/* Write s as one field (no separator). */
void cs_csv_put(FILE *f, const char *s);
/* s as a field would be written (a new string). */
char *cs_csv_field(const char *s);

struct cs_csv_reader {
	FILE *f;
	size_t line;     /* the line the last row started on (1-based) */
	char *buf;       /* the current row's fields, NUL-separated */
	size_t cap;
	char **fields;   /* pointers into buf */
	size_t fcap;
	size_t next_line;
};

/* Read from f (the caller's to close, after cs_csv_reader_release). */
void cs_csv_reader_init(struct cs_csv_reader *r, FILE *f);
void cs_csv_reader_release(struct cs_csv_reader *r);
/* The next row: 1 with *fields (valid until the next call) and *n set,
 * 0 at the end of the file, -1 on an unterminated quoted field. */
int cs_csv_read(struct cs_csv_reader *r, char ***fields, size_t *n);

#endif
