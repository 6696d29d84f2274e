/* sim/async_file — a FILE whose writes reach the file on a second thread.
 *
 * jobs.csv gets a row per job: a trace replay writes megabytes, and the
 * write(2) calls (copying into the page cache) were a tenth of the
 * simulation thread's time.  cs_async_fopen() gives an ordinary stdio
 * stream (fwrite, fputs, fprintf all work) whose full buffers are handed,
 * a few MiB at a time, to a writer thread that does the write(2) calls.
 *
 * Contracts: bytes reach the file in the order written; fclose() waits
 * for the writer and returns EOF if any write failed (as for a plain
 * FILE, check fclose's result); a write error is also seen by a later
 * fwrite/fflush as a stream error.  Only the thread that opened the
 * stream may use it. */
#ifndef CS_ASYNC_FILE_H
#define CS_ASYNC_FILE_H
#include <stdio.h>

/* Create or truncate path for writing; NULL with errno set on failure. */
FILE *cs_async_fopen(const char *path);

#endif
