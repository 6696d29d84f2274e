/* sim/job — jobs and tasks and their life cycle.
 *
 * A job is N tasks with the same per-task request (cpu, mem, disk) and, by
 * default, the same duration (the Omega study's model); a trace reader may
 * give every task its own duration (task_durations), and changes of the
 * request at given times (req_changes: Google's request updates), which
 * the world applies to the job and its running tasks when their time
 * comes (sim/world.h), so that every running task of a job always holds
 * the job's current request.  Life cycle of a job:
 *   submitted -> queued -> attempts (first_attempt, ...) -> scheduled
 *   (every task placed) -> completed (every task ended), or abandoned
 *   after max_attempts, or still pending/running when the run ends.
 * A task's life cycle (PENDING, STAGING, RUNNING, FINISHED, FAILED, KILLED,
 * LOST) is sim/task.h's.
 *
 * Ownership: the world creates jobs (from workload sources) and frees them
 * once they have ended and were recorded; plug-ins hold pointers to jobs
 * only between submit and the job's end.  Each layer of plug-ins that a
 * job passes through (a controller, the scheduler, a Mesos framework)
 * keeps its per-job state in its own slot, job->slot[layer]: data, and a
 * link for its queues (struct cs_job_list threads through the link of
 * the list's layer), so that layers compose without sharing a field. */
#ifndef CS_JOB_H
#define CS_JOB_H
#include <stdbool.h>
#include <stdint.h>

#include "sim/engine.h"
#include "sim/task.h"
#include "sim/units.h"

struct cs_res {
	cs_qty cpu, mem, disk; /* millionths of a core / of a MiB */
};

enum cs_job_kind { CS_JOB_BATCH, CS_JOB_SERVICE };

enum cs_job_outcome {
	CS_JOB_PENDING,   /* not every task placed yet */
	CS_JOB_RUNNING,   /* every task placed, some still running */
	CS_JOB_COMPLETED, /* every task ended */
	CS_JOB_ABANDONED, /* the scheduler gave up */
};

struct cs_job;
struct cs_task;

/* The layers of plug-ins a job may pass through (sim/host.h).  The
 * scheduler's is 0, so that a zeroed job list is a scheduler's. */
struct cs_app;
struct cs_cell;

/* A job's own placement rule (an app's constraints, kept by its
 * controller): whether a task of it may go on machine m, given the
 * machines already chosen for its other tasks in this attempt and not
 * yet claimed (Omega's tentative picks; none elsewhere). */
struct cs_placement_rule {
	bool (*allows)(void *ctx, const struct cs_cell *cell, uint32_t m, const uint32_t *chosen, uint32_t nchosen);
	void *ctx;
};

enum cs_layer { CS_LAYER_SCHEDULER, CS_LAYER_FRAMEWORK, CS_LAYER_CONTROLLER, CS_LAYERS };

struct cs_job_slot {
	void *data;           /* the layer's, for this job */
	struct cs_job *next;  /* the layer's queues (struct cs_job_list) */
};

/* From `at` on, each task of the job requests `req` (a trace's request
 * update). */
struct cs_req_change {
	cs_time at;
	struct cs_res req;
};

/* Tasks of a job placed at one instant with one duration end together:
 * the simulation backend gives them one end event, not one each. */
struct cs_end_group {
	struct cs_job *job;
	cs_time at;
	cs_event_id event;
	struct cs_task *head;
	struct cs_end_group *prev, *next; /* the job's pending groups */
};


struct cs_job {
	uint64_t id;         /* dense, in submission order, from 1 */
	uint32_t workload;   /* index into the world's workloads */
	enum cs_job_kind kind;
	int priority;
	uint32_t ntasks;
	struct cs_res req;   /* per task */
	cs_time duration;    /* per task; CS_TIME_NEVER: until killed */
	cs_time *task_durations; /* optional, ntasks entries, owned */
	bool prefill;        /* part of the initial cell state, not a workload job */
	cs_time estimate;    /* the user's run-time estimate (SWF requested
			      * time), for backfilling; CS_TIME_NEVER: none */
	cs_time recorded_start; /* as-recorded replay: when the trace started
				 * it; CS_TIME_NEVER: not recorded */
	struct cs_req_change *req_changes; /* optional, nreq_changes, by time,
					    * all after submit (as recorded:
					    * after recorded_start), owned */
	uint32_t nreq_changes;
	uint32_t next_req_change; /* the first not yet applied (world) */
	cs_event_id req_event;    /* its pending event, or 0 (world) */

	cs_time submit, first_attempt, scheduled, end; /* CS_TIME_NEVER = not yet */
	uint32_t attempts;
	uint32_t placed;     /* tasks claimed so far */
	uint32_t ended;      /* tasks that left their machine */
	enum cs_job_outcome outcome;
	struct cs_task *tasks; /* ntasks, owned; NULL until cs_job_tasks */
	bool tasks_pooled;   /* tasks came from the world's pool of task arrays
			      * (a malloc block all the same: cs_job_free may
			      * free it) and goes back there when the job ends;
			      * its size class is ntasks', so ntasks must not
			      * change meanwhile (only prefill shrinks it, and
			      * prefill jobs never use the pool) */
	struct cs_end_group *groups; /* pending end groups, newest first, owned */

	void *owner;         /* the world that made it */
	struct cs_controller *controller; /* the controller that submitted it, or
					   * NULL (a workload's job) */
	const struct cs_app *spec; /* the app its controller keeps (specs/spec.h:
				    * labels, placement rules, priority), or NULL */
	const struct cs_placement_rule *rule; /* where its tasks may go, or NULL: anywhere */
	bool with_scheduler; /* handed to the scheduler and not yet placed or dropped */
	bool watched;        /* its workload's tasks are watched (the world's) */
	bool observed;       /* controller or watched: the one test on a task's end */
	bool exits_failing;  /* its tasks exit with status 1 after their
			      * duration (an app's task_exit "failed") */
	struct cs_job_slot slot[CS_LAYERS]; /* per layer: see the header */
	struct cs_job *live_prev, *live_next; /* the world's list of live jobs */
	/* the task of a one-task job (most trace jobs are): tasks points
	 * here, and a replay saves an allocation per job */
	struct cs_task one_task;
};

/* A new job, every time field CS_TIME_NEVER.  Its tasks are allocated on
 * first use (cs_job_tasks): a job that waits in a queue costs no task
 * memory, which matters when a saturated scheduler queues tens of
 * thousands of jobs. */
struct cs_job *cs_job_new(uint32_t ntasks);
/* The job's tasks, allocated if they were not yet (the world does it when
 * a scheduling attempt begins, so schedulers may use job->tasks). */
struct cs_task *cs_job_tasks(struct cs_job *job);
/* Make mem (room for ntasks) the job's tasks, set up as cs_job_tasks does
 * (job->tasks must be NULL). */
void cs_job_use_tasks(struct cs_job *job, struct cs_task *mem);
void cs_job_free(struct cs_job *job);
/* A copy of a job not yet handed to the world (no tasks, no end groups),
 * with its own task durations and request changes, in memory of the
 * calling thread (a job
 * read on another thread is copied so that it is freed where it was
 * allocated: see workloads/prefetch.c). */
struct cs_job *cs_job_copy(const struct cs_job *job);
cs_time cs_task_duration(const struct cs_job *job, uint32_t index);
/* The longest task duration (the job's run time), CS_TIME_NEVER if any is. */
cs_time cs_job_run_time(const struct cs_job *job);
const char *cs_job_outcome_name(enum cs_job_outcome o);

#endif
