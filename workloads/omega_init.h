/* workloads/omega_init — the Omega simulator's initial cell state files
 * (init-cluster-state.log, traces/omega/; docs/model.md).
 *
 * Lines (space separated):
 *   11 0 JOBID PROD SCHED_CLASS NTASKS CPU MEM_BYTES   a job present at t=0
 *   12 T_END JOBID PROD SCHED_CLASS UNUSED             that job ends at T_END s
 * CPU and MEM_BYTES are the job's aggregate (cores, bytes); each task gets
 * an equal share, as the Omega simulator divides them by NTASKS (a share
 * beyond the model's range, sim/units.h, is an error).  A job without a
 * 12 line, or with a T_END beyond the clock (CS_MAX_SECONDS: after any
 * run's end), runs for the whole simulation.  The CMB_PBB rule
 * (README.txt beside the files) sends a job to the service scheduler when
 * PROD and SCHED_CLASS is 2 or 3, to batch otherwise.
 *
 * Ownership: the array returned belongs to the caller (free()). */
#ifndef CS_OMEGA_INIT_H
#define CS_OMEGA_INIT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/job.h"

struct cs_omega_init_job {
	char id[32];
	bool prod;
	int sched_class;
	uint32_t ntasks;
	double cpu_total;       /* cores */
	double mem_total_bytes;
	double end;             /* seconds, or -1: no end */
	bool service;           /* the CMB_PBB rule */
};

/* The job of the initial state an entry describes: ntasks tasks sharing
 * its cpu and memory equally, running until its end (at least 1 µs) or
 * for the whole run. */
struct cs_job *cs_omega_init_job_new(const struct cs_omega_init_job *oj);

int cs_omega_init_read(const char *path, const char *shown, struct cs_omega_init_job **jobs,
		       size_t *n, struct cs_error *err);

#endif
