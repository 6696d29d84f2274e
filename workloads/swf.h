/* workloads/swf — the Standard Workload Format of the Parallel Workloads
 * Archive (Feitelson et al.): ';' header lines, then 18 whitespace-
 * separated numeric fields per job (docs/model.md, "SWF (Parallel Workloads Archive)"):
 *   1 id, 2 submit, 3 wait, 4 run, 5 allocated procs, 6 avg cpu, 7 used
 *   mem, 8 requested procs, 9 requested time, 10 requested mem, 11 status,
 *   12 user, 13 group, 14 executable, 15 queue, 16 partition, 17 preceding
 *   job, 18 think time;  -1 = unknown.
 * Header keys read: MaxProcs, MaxNodes, UnixStartTime (others ignored).
 *
 * Errors (exit 2, "FILE: line N: what"): a row with other than 18 fields,
 * a non-numeric field, a negative submit time, submit times that go
 * backwards.  Blank lines and ';' lines anywhere are skipped. */
#ifndef CS_SWF_H
#define CS_SWF_H
#include <stdint.h>

#include "workloads/lines.h"

enum { CS_SWF_FIELDS = 18 };
enum {
	SWF_ID, SWF_SUBMIT, SWF_WAIT, SWF_RUN, SWF_ALLOC_PROCS, SWF_AVG_CPU, SWF_USED_MEM,
	SWF_REQ_PROCS, SWF_REQ_TIME, SWF_REQ_MEM, SWF_STATUS, SWF_USER, SWF_GROUP, SWF_EXE,
	SWF_QUEUE, SWF_PARTITION, SWF_PRECEDING, SWF_THINK,
};

struct cs_swf_header {
	double max_procs, max_nodes; /* -1: not given */
	double unix_start;
};

struct cs_swf {
	struct cs_lines lines;
	struct cs_swf_header header;
	double last_submit;
	double f[CS_SWF_FIELDS];   /* the current record */
};

/* Open the file and read its header (the ';' lines before the first
 * record). */
int cs_swf_open(struct cs_swf *s, const char *path, struct cs_error *err);
/* The next record into s->f: 1, 0 at the end, -1 on error. */
int cs_swf_next(struct cs_swf *s, struct cs_error *err);
void cs_swf_close(struct cs_swf *s);

/* The replay conventions (docs/model.md, "SWF (Parallel Workloads Archive)"): procs = requested
 * if > 0 else allocated; estimate = requested time, or the run time where
 * that is missing or smaller. */
double cs_swf_procs(const double *f);
double cs_swf_estimate(const double *f);

#endif
