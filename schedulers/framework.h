/* schedulers/framework — the framework side of two-level scheduling
 * (Mesos): how a framework kind plugs into the allocator in mesos.c.
 *
 * A framework kind is one file with a const ops table, registered by name
 * with one line in schedulers/fw_registry.c; an experiment's framework
 * entry picks it with "kind" (default "jobs": the Omega study's model, in
 * fw_jobs.c).  Marathon-, Aurora- and Kubernetes-like frameworks are more
 * kinds behind the same table, written against this header alone.
 *
 * The allocator owns struct cs_framework: its name, weight, the resources
 * it holds (its outstanding offers, one entry per agent), its decline
 * filters, its DRF allocation and its counters.  A kind keeps its own state
 * in `impl` and acts only through the host calls below:
 *  - cs_fw_held: the offers it holds now (entries may come and go between
 *    callbacks: offers time out, agents fail);
 *  - cs_fw_launch: start a task on a held agent (the resources move from
 *    offered to used; the task must fit the entry);
 *  - cs_fw_pick: where a task may go among the held offers (random first
 *    fit over them, the placement every scheduler kind's random-first-fit
 *    follows, restricted to what the framework was offered);
 *    cs_fw_place_ruled places a whole job with a placement rule (an
 *    app's constraints: the first allowed from a random offer on);
 *  - cs_fw_decline_all: give back everything held, with a filter per agent
 *    for max(refuse_seconds, allocation_interval);
 *  - cs_fw_kill: stop one of its tasks (the job's policy applies: a
 *    workload's job places it again, a controller's asks its controller);
 *  - cs_fw_suppress / cs_fw_revive: stop receiving offers whatever
 *    wants_offers() says / receive them again, with its decline filters
 *    cleared (Mesos' suppress and revive calls).
 * Callbacks:
 *  - submit(job): a job of one of its workloads arrived (or lost tasks);
 *  - wants_offers(): whether the allocator should offer to it now (Mesos
 *    offers to frameworks with work waiting);
 *  - offers_arrived(): the allocator gave it new offers;
 *  - task_ended(task, why): one of its tasks left its machine, in end
 *    state why (sim/task.h; optional);
 *  - report(stats): fill its counters (busy, transactions, ...);
 *  - destroy().
 * A kind reads time through the world's engine and draws randomness from
 * f->rng (its own stream) or f->fast (seeded from it). */
#ifndef CS_FRAMEWORK_H
#define CS_FRAMEWORK_H
#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>
#include <jansson.h>

#include "schedulers/scheduler.h"
#include "sim/config.h"
#include "sim/fastrng.h"
#include "sim/job.h"

struct cs_host;
struct cs_app;
struct mesos;

/* One agent's resources held by a framework. */
struct cs_held {
	uint32_t machine;
	struct cs_res res;
	cs_time expires; /* offer_timeout: rescinded then (CS_TIME_NEVER: never) */
};

struct cs_filter {
	cs_time until;
	struct cs_res refused;
};

struct cs_framework;

struct cs_framework_ops {
	const char *kind;
	/* Parse the kind's keys of the entry `config` (at `path`); the
	 * allocator has read name, workloads, weight and kind. */
	int (*create)(struct cs_framework *f, const struct cs_cfg *cfg, json_t *config, const char *path);
	void (*submit)(struct cs_framework *f, struct cs_job *job);
	bool (*wants_offers)(const struct cs_framework *f);
	void (*offers_arrived)(struct cs_framework *f);
	void (*task_ended)(struct cs_framework *f, struct cs_task *task, enum cs_task_state why);
	void (*task_status)(struct cs_framework *f, struct cs_task *task);
	void (*offer_rescinded)(struct cs_framework *f, uint32_t machine);
	void (*destroy)(struct cs_framework *f);
	const char *const *keys; /* the kind's own keys, NULL-terminated */
	/* an app kind (Marathon, Aurora, Kubernetes-on-Mesos): the apps it
	 * takes when no framework's "workloads" names them (optional) */
	bool (*takes)(const struct cs_app *app);
};

struct cs_framework {
	struct mesos *m;
	struct cs_host *h;
	const struct cs_framework_ops *ops;
	void *impl;
	uint32_t index;
	double weight;
	struct cs_held *held;
	uint32_t nheld, cap;
	struct cs_filter *filters; /* per machine */
	struct cs_res alloc;       /* used by its tasks + offered to it */
	double share;              /* weighted dominant share, during a round */
	bool wants;                /* wants_offers(), during a round */
	bool suppressed;           /* cs_fw_suppress: no offers until revived */
	uint64_t idle_epoch;       /* the allocator's round count when it
				    * stopped wanting offers */
	gsl_rng *rng;
	struct cs_fastrng fast;    /* draws in hot loops, seeded from rng */
	const struct cs_retry *retry;
	struct cs_sched_stats stats;
};

/* Host calls (mesos.c). */
static inline const struct cs_held *cs_fw_held(const struct cs_framework *f, uint32_t *n)
{
	*n = f->nheld;
	return f->held;
}
/* Launch a pending task of f's on held entry k. */
void cs_fw_launch(struct cs_framework *f, struct cs_task *task, uint32_t k);
void cs_fw_decline_all(struct cs_framework *f);
/* Random first fit over the first *ncand held entries for a task asking
 * req: an entry drawn uniformly (f->fast) where it fits (the offer and the
 * machine) is returned; one where it does not is swapped behind the
 * candidates (*ncand shrinks).  UINT32_MAX when none fits.  Start a job
 * with *ncand = the number held. */
uint32_t cs_fw_pick(struct cs_framework *f, const struct cs_res *req, uint32_t *ncand);
/* Place the pending tasks of a job with a placement rule (job->rule) on
 * the held offers: for each, the first offer from a random one on where
 * it fits and the rule allows it; returns how many were placed. */
uint32_t cs_fw_place_ruled(struct cs_framework *f, struct cs_job *job);
void cs_fw_kill(struct cs_framework *f, struct cs_task *task);

/* Place job's pending tasks on what f holds: random first fit over the
 * held agents, or cs_fw_place_ruled for a job with a placement rule;
 * returns how many.  (Inline: it is the "jobs" kind's inner loop.) */
static inline uint32_t cs_fw_place_job(struct cs_framework *f, struct cs_job *job)
{
	if (__builtin_expect(job->rule != NULL, 0))
		return cs_fw_place_ruled(f, job);
	uint32_t placed = 0, ncand;
	cs_fw_held(f, &ncand);
	for (uint32_t i = 0; i < job->ntasks && job->placed < job->ntasks && ncand > 0; i++) {
		if (job->tasks[i].state != CS_TASK_PENDING)
			continue;
		uint32_t found = cs_fw_pick(f, &job->req, &ncand);
		if (found == UINT32_MAX)
			break;
		cs_fw_launch(f, &job->tasks[i], found);
		placed++;
	}
	return placed;
}
void cs_fw_suppress(struct cs_framework *f);
void cs_fw_revive(struct cs_framework *f);

/* The registry (fw_registry.c). */
const struct cs_framework_ops *cs_framework_find(const char *kind);
/* NULL-terminated list of the registered kinds' names. */
const char *const *cs_framework_kinds(void);
/* Kinds from files outside the project (an experimenter's, a test's):
 * define this function, returning a NULL-terminated table, and its kinds
 * are found after the built-in ones. */
const struct cs_framework_ops *const *cs_framework_extra_kinds(void) __attribute__((weak));
/* Swap two held entries (kinds reorder their candidates in place). */
void cs_fw_swap_held(struct cs_framework *f, uint32_t a, uint32_t b);


#endif
