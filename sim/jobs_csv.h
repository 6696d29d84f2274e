/* sim/jobs_csv — jobs.csv, formatted and written on a second thread.
 *
 * A run writes one row per job: a trace replay, hundreds of thousands.
 * Formatting the numbers and the write(2) calls were a sixth of the
 * simulation thread's time, so the simulation only copies each ended
 * job's fields into a fixed-size record; records go to a writer thread
 * in batches (a few hundred at a time, a bounded number of batches in
 * flight), which formats them (docs/results.md's columns: id, workload,
 * submit, first_attempt, scheduled, end, tasks, attempts, outcome; times
 * as seconds with six decimals, empty when never) and writes them.
 *
 * Contracts: rows reach the file in the order added; the workload names
 * are copied at open, as CSV fields (sim/csv: quoted if they must be); cs_jobs_csv_close() writes what is left, joins the
 * thread and returns -1 if any write failed.  One thread adds rows. */
#ifndef CS_JOBS_CSV_H
#define CS_JOBS_CSV_H
#include <stdint.h>
#include <stdio.h>

#include "sim/job.h"

struct cs_jobs_csv;

/* Start writing to f (the header first); f stays the caller's to close
 * after cs_jobs_csv_close.  (Should the thread not start, rows are
 * written as they come instead.) */
struct cs_jobs_csv *cs_jobs_csv_open(FILE *f, char *const *names, uint32_t nnames);
/* The job's row, as its fields are now. */
void cs_jobs_csv_add(struct cs_jobs_csv *j, const struct cs_job *job);
/* Write the rest, stop the thread, free.  Returns 0, or -1 on a write error. */
int cs_jobs_csv_close(struct cs_jobs_csv *j);

#endif
