/* analysis/gnuplot — running gnuplot as an external program on a script
 * built in memory. */
#ifndef CS_GNUPLOT_H
#define CS_GNUPLOT_H
#include "sim/error.h"

/* Append printf-formatted text to *buf (a malloc'd string or NULL). */
void cs_str_append(char **buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as the inside of a gnuplot single-quoted string (a new string). */
char *cs_gnuplot_quote(const char *s);
/* Feed script to gnuplot; error if it is missing or fails. */
int cs_gnuplot_run(const char *script, struct cs_error *err);

#endif
