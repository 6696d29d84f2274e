/* sim/task — a task and its life cycle: the one state machine of every
 * task, owned by the run (the world), moved by the cell's backend's
 * reports, told to the plug-ins.
 *
 *              claim (a scheduler, through the cell)
 *   PENDING ----------------------------------------> STAGING
 *      ^                                                 |  backend: started
 *      |                                                 v
 *      |    placed again (its job's policy: a lost,   RUNNING
 *      |    failed or preempted task of a workload       |  backend: exited(0)
 *      |    job goes back to its scheduler)              +------------------> FINISHED
 *      |                                                 |  backend: exited(status != 0)
 *      +-------------- FAILED, KILLED, LOST <------------+------------------> FAILED
 *                      ^        ^        ^
 *     backend: start   |        |        |  backend: lost (its machine or agent
 *     failed (STAGING) |        |        |  went away; or the cell's machine went down)
 *                   a scheduler or the run kills it (preemption, a service's end,
 *                   a request it no longer fits), from STAGING or RUNNING
 *
 * STAGING and RUNNING tasks hold their machine's resources (from the
 * claim to the release); cs_task_on_machine says which states those are.
 * The simulation backend starts a task at once (STAGING lasts no time);
 * a live backend (agents on real hosts) reports later, from I/O.
 *
 * The reports below are a backend's whole vocabulary: it calls them for
 * the tasks the cell handed it (cs_cell_backend_ops), from its start or
 * kill callback or later, from an event.  The run owning the task (its
 * job's owner) implements them; they release the task's resources where
 * the task left its machine and tell its job's plug-ins why
 * (cs_scheduler_ops.task_ended(task, why)). */
#ifndef CS_TASK_H
#define CS_TASK_H
#include <stdbool.h>
#include <stdint.h>

#include "sim/engine.h"

enum cs_task_state {
	CS_TASK_PENDING,  /* waiting to be placed */
	CS_TASK_STAGING,  /* claimed on a machine; its backend is starting it */
	CS_TASK_RUNNING,  /* started */
	CS_TASK_FINISHED, /* ended by itself, exit status 0 */
	CS_TASK_FAILED,   /* ended by itself with another status, or failed to start */
	CS_TASK_KILLED,   /* stopped: preempted, a service's end, no longer fitting */
	CS_TASK_LOST,     /* its machine or agent went away */
};

const char *cs_task_state_name(enum cs_task_state s);

struct cs_job;
struct cs_end_group;

/* The exit status of a task preempted (cs_host_preempt) for a more
 * important one: its end is KILLED. */
#define CS_EXIT_PREEMPTED (-2)

struct cs_task {
	struct cs_job *job;
	uint32_t index;
	uint32_t machine; /* CS_NO_MACHINE while pending */
	enum cs_task_state state;
	int32_t exit_status; /* as reported, once FINISHED or FAILED; a
			      * KILLED task that was preempted has
			      * CS_EXIT_PREEMPTED */
	/* (no start and end times: nothing reads them; the job keeps its
	 * times, and a task's end is its group's) */
	struct cs_end_group *group;    /* its pending end (simulation), or NULL */
	struct cs_task *gprev, *gnext; /* the group's tasks */
	uint64_t claim_seq; /* the cell's claim count when it was claimed */
};

/* Whether the task holds its machine's resources. */
static inline bool cs_task_on_machine(const struct cs_task *t)
{
	return t->state == CS_TASK_STAGING || t->state == CS_TASK_RUNNING;
}

/* A backend's reports (see the header). */
void cs_task_started(struct cs_task *task);
void cs_task_start_failed(struct cs_task *task, int status);
void cs_task_exited(struct cs_task *task, int status);
void cs_task_lost(struct cs_task *task);

#endif
