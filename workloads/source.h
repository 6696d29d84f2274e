/* workloads/source — the one iterator interface of every workload:
 * synthetic generators and trace readers alike.
 *
 * next() fills *job (a job from cs_job_new, its submit time set, times
 * non-decreasing from one call to the next) and returns 1, or returns 0 at
 * the end, or -1 with err set on bad input (a trace).  The world holds one
 * pending job per source, so traces are streamed, never preloaded (a
 * trace reader runs behind workloads/prefetch, a bounded read-ahead on a
 * second thread).
 * Ownership: the source owns its state; close() frees it. */
#ifndef CS_SOURCE_H
#define CS_SOURCE_H
#include <jansson.h>

#include "sim/error.h"
#include "sim/job.h"

struct cs_source_ops {
	const char *name;
	int (*next)(void *self, struct cs_job **job, struct cs_error *err);
	void (*close)(void *self);
	/* optional: what the source read and skipped, for summary.json
	 * ("traces"); a new object */
	json_t *(*report)(void *self);
};

struct cs_source {
	const struct cs_source_ops *ops;
	void *self;
};

#endif
