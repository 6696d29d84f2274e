/* schedulers/scheduler — the plug-in interface of every scheduler kind.
 *
 * A scheduler kind is one file exporting a const ops table, listed by name
 * in schedulers/registry.c (the static table is the registry, as git's
 * commands[] is).  The experiment's scheduler.type picks it.
 *
 * Contracts:
 *  - create() parses its part of the experiment (the `scheduler` object,
 *    at path "scheduler") with the cfg helpers, so that defaults land in the
 *    resolved experiment and bad input gets "FILE: KEY.PATH: what" errors;
 *  - a scheduler changes the world only through the cell's API and the
 *    host's job-progress calls (sim/host.h); it reads time only through
 *    the engine and never touches another scheduler's state;
 *  - task_ended(task, why) is called after any task left its machine
 *    (resources are free again; why is its end state: finished, failed,
 *    killed or lost, sim/task.h) -- the prefill's and other schedulers'
 *    tasks included; machine_changed() after a machine went up or down
 *    (its tasks were already taken off and reported through task_ended);
 *  - request_changed() is called after a job's per-task request changed
 *    (a trace's request updates, sim/job.h): job->req is the new one and
 *    its running tasks hold it already (any that no longer fitted their
 *    machine were taken off first, through task_ended, holding the old
 *    one); a scheduler that keeps sums of its jobs' requests adjusts them.
 *    Placing with job->req and checking fit when claiming needs nothing.
 *    It must not abandon the job then and there (the world is not done
 *    with it): a job that can no longer fit is dropped at the next
 *    decision;
 *  - call cs_host_attempt() when an attempt on a job begins: it also
 *    allocates the job's tasks (job->tasks is NULL before the first one);
 *  - report() fills counters for summary.json; schedulers write no files.
 * Unused slots may stay NULL. */
#ifndef CS_SCHEDULER_H
#define CS_SCHEDULER_H
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/config.h"
#include "sim/host.h"
#include "sim/job.h"


/* One decision-making agent's counters (a monolithic scheduler, one Omega
 * scheduler, one Mesos framework). */
struct cs_sched_stats {
	char name[64];
	cs_time busy;          /* total time spent deciding */
	cs_time busy_wasted;   /* of it, on attempts/transactions that failed */
	uint64_t transactions; /* attempts or commit attempts */
	uint64_t conflicts;    /* conflicted transactions (null for kinds without) */
	uint64_t successful;   /* transactions that committed everything tried */
	uint64_t jobs_abandoned;
	bool has_conflicts;
};

struct cs_report {
	struct cs_sched_stats *stats;
	uint32_t n, cap;
	json_t *extra;  /* optional: kind-specific metrics for summary.json
			 * "scheduler_metrics" (the report's owner decrefs) */
	bool counters_only; /* set by the caller: leave extra NULL (the
			     * timeseries samples only the counters) */
};
void cs_report_release(struct cs_report *r);
/* Append a zeroed entry named `name` and return it. */
struct cs_sched_stats *cs_report_add(struct cs_report *r, const char *name);

struct cs_scheduler_ops {
	const char *name; /* scheduler.type */
	/* optional: another registered kind that takes this configuration
	 * instead (monolithic with a batch "queue" is the batch-queue kind);
	 * NULL to keep this one.  summary.json's scheduler_type stays the
	 * name the experiment gave. */
	const struct cs_scheduler_ops *(*variant)(const json_t *config);
	int (*create)(struct cs_host *host, const struct cs_cfg *cfg, json_t *config, void **self);
	void (*submit)(void *self, struct cs_job *job);
	/* why: the end state the task left its machine in (sim/task.h) */
	void (*task_ended)(void *self, struct cs_task *task, enum cs_task_state why);
	/* optional: a task reached RUNNING; called only when the kind set
	 * host->notify_started in create (it costs a call per task start) */
	void (*task_started)(void *self, struct cs_task *task);
	void (*machine_changed)(void *self, uint32_t machine, bool up);
	/* (it must not drop the job at once: see the contracts above) */
	void (*request_changed)(void *self, struct cs_job *job, const struct cs_res *old);
	void (*report)(void *self, struct cs_report *out);
	void (*destroy)(void *self);
};

/* The registry. */
const struct cs_scheduler_ops *cs_scheduler_find(const char *name);
/* NULL-terminated list of the registered names. */
const char *const *cs_scheduler_names(void);
/* Kinds from files outside the project (an experimenter's, a test's):
 * define this function, returning a NULL-terminated table, and its kinds
 * are found after the built-in ones. */
const struct cs_scheduler_ops *const *cs_scheduler_extra_kinds(void) __attribute__((weak));

#endif
