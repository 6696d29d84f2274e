/* sim/error — error values carried back to the command layer.
 *
 * Functions that can fail on bad input return -1 (or NULL) and fill a
 * caller-owned struct cs_error with a message of the form
 * "FILE: WHERE: what is wrong" (lowercase, no final period) and an exit
 * code.  Only main() prints and exits.  A message quotes names and values
 * from the input as they are, except control characters, which it writes
 * as \n, \t, \r or \xNN: whatever the input, the message is one line.  Programmer errors are asserts;
 * out of memory aborts (sim/alloc.h). */
#ifndef CS_ERROR_H
#define CS_ERROR_H

enum cs_exit {
	CS_EXIT_OK = 0,
	CS_EXIT_REGRESSION = 1, /* compare found a regression */
	CS_EXIT_INPUT = 2,      /* usage, experiment file, trace file */
	CS_EXIT_INTERNAL = 3,
};

struct cs_error {
	int code;        /* enum cs_exit; 0 while no error is set */
	char msg[1024];
};

/* Set err (if not NULL) and return -1, so that `return cs_error_set(...)`
 * reads naturally.  A second call on an already set error keeps the first
 * message: the innermost cause wins. */
int cs_error_set(struct cs_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "FILE: WHERE: what" with code CS_EXIT_INPUT.  where may be NULL or "". */
int cs_error_input(struct cs_error *err, const char *file, const char *where,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* src with its control characters escaped as above, into dst (cap bytes,
 * cut short if need be, always terminated); returns the length written.
 * cs_escaped: the same in a new string (free it). */
#include <stddef.h>
size_t cs_escape_controls(char *dst, size_t cap, const char *src);
char *cs_escaped(const char *s);

#endif
