/* sim/host — what a plug-in sees of the run: the narrow interface every
 * scheduler, framework and controller kind is written against (as Lua's
 * libraries see only lua.h).  A plug-in includes this header, sim/cell.h,
 * sim/engine.h and its own layer's header; never sim/world.h.
 *
 * The host is owned by the run (the simulated world today, the live
 * controller later) and outlives every plug-in.  What it offers:
 *  - time and timers: host->engine, through cs_engine_now, cs_engine_at,
 *    cs_engine_at_phase, cs_engine_after and cs_engine_cancel only (never
 *    run or stop it);
 *  - the machines: host->cell, through the cell's API (sim/cell.h): fits,
 *    claim, release, kill, tentative, the capacity index;
 *  - the workloads: their number and names (by index: job->workload), and
 *    the run's duration (CS_TIME_NEVER: it ends when the work does);
 *  - job progress: cs_host_attempt, cs_host_placed, cs_host_abandon,
 *    cs_host_preempt (below);
 *  - random streams: cs_host_rng, one independent stream per name, seeded
 *    from the experiment's seed (so adding a consumer changes no other);
 *  - reporting: a plug-in fills counters when asked (its report()
 *    callback); it writes no files.
 * Ownership: a job is the host's; a plug-in keeps pointers to the jobs it
 * holds only between submit and the job's end, and its per-job data in its
 * own layer's slot (job->slot[layer], sim/job.h). */
#ifndef CS_HOST_H
#define CS_HOST_H
#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "sim/cell.h"
#include "sim/engine.h"
#include "sim/job.h"

struct cs_world;
struct cs_app;

struct cs_host {
	struct cs_engine *engine;
	struct cs_cell *cell;
	uint32_t nworkloads;
	const char *const *workload_names; /* nworkloads */
	/* per workload: the app it keeps (specs/spec.h) and the framework
	 * its "apps" entry names, or NULL (a workload of the experiment's,
	 * an app without one) */
	const struct cs_app *const *workload_apps;
	const char *const *workload_frameworks;
	/* per workload, set by the scheduler kind at create: a Mesos
	 * framework places its tasks, so a task lost with its agent is
	 * reported TASK_LOST when the master removes the agent (a controller
	 * may hear of the loss that way first: Kubernetes-on-Mesos) */
	bool *workload_on_mesos;
	cs_time duration;
	bool notify_started;               /* set by a scheduler kind in create:
					    * call its task_started() */
	struct cs_world *world;            /* opaque: for the calls below */
	/* live mode: a LOST task is reported once the real detection (the
	 * agent's missed heartbeats) is over, so controllers notice it at
	 * once instead of modelling their system's detection delay */
	bool losses_noticed;
};

/* A scheduling attempt of job begins now (it allocates the job's tasks:
 * job->tasks is NULL before the first attempt). */
void cs_host_attempt(struct cs_host *h, struct cs_job *job);
/* Tasks of job were claimed (or an attempt ended); true when every task
 * is placed -- then the plug-in must drop the job.  (With
 * check_invariants, the cell is checked here: every kind calls it after
 * each decision or commit.) */
bool cs_host_placed(struct cs_host *h, struct cs_job *job);
/* Give up on job (its placed tasks run on). */
void cs_host_abandon(struct cs_host *h, struct cs_job *job);
/* Take a running task off its machine for a more important one; its job
 * comes back through submit() to place it again. */
void cs_host_preempt(struct cs_host *h, struct cs_task *task);
/* Stop a task that holds a machine: it ends KILLED, and its job's policy
 * applies -- a workload's job places it again (as after a preemption, but
 * not counted as one), a controller's asks its controller. */
void cs_host_kill(struct cs_host *h, struct cs_task *task);
/* The index of the workload named name, or -1. */
int cs_host_workload(const struct cs_host *h, const char *name);
/* A new random stream for a named consumer (free with gsl_rng_free). */
gsl_rng *cs_host_rng(const struct cs_host *h, const char *name);

#endif
