/* workloads/prefetch — read a workload source ahead of the simulation on a
 * second thread.
 *
 * A trace replay spends about a third of its time inflating and parsing
 * the trace; the simulation itself is single-threaded, so on a machine
 * with a second core that work can overlap it.  cs_prefetch_wrap() turns
 * a source into one whose next() hands out, in the same order, the jobs a
 * background thread has already read: at most CS_PREFETCH_JOBS of them
 * (so a trace is still streamed, never loaded), in batches so that the
 * two threads meet once per batch, not once per job.
 *
 * Contracts:
 *  - The results are exactly those of the unwrapped source: the same jobs,
 *    in the same order, the same end, and the same error at the same job
 *    (an error is passed on after every job read before it).
 *  - The inner source runs on the reader thread only, and must touch no
 *    state but its own (the trace readers don't: file, zlib, parser,
 *    skip counters, cs_job_new).
 *  - horizon: the run's end (CS_TIME_NEVER: none).  The reader stops after
 *    the first job submitted after it, where the run itself stops
 *    pulling; so the rows read, and the skip counts that report()
 *    gives, do not depend on how far the thread got ahead.  Should the
 *    run ask for more anyway, next() reads on, on the caller's thread.
 *  - report() and close() first stop and join the reader.
 * Ownership: the wrapper takes the inner source; close() closes it and
 * frees the jobs read ahead but never handed out. */
#ifndef CS_PREFETCH_H
#define CS_PREFETCH_H
#include "sim/units.h"
#include "workloads/source.h"

enum { CS_PREFETCH_BATCH = 512, CS_PREFETCH_BATCHES = 8,
       CS_PREFETCH_JOBS = CS_PREFETCH_BATCH * CS_PREFETCH_BATCHES };

/* Wrap *src (in place).  Returns 0, or -1 with err set if the thread
 * could not start (src is then left as it was). */
int cs_prefetch_wrap(struct cs_source *src, cs_time horizon, struct cs_error *err);

#endif
