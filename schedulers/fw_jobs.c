/* schedulers/fw_jobs — the "jobs" framework kind: the framework of the
 * Omega study's Mesos model (and the default kind).
 *
 * It keeps a FIFO queue of jobs and makes one decision at a time: when an
 * agent it holds can take a task of its head job, it thinks for t_job +
 * t_task x tasks, then places the job's pending tasks on what it holds at
 * that moment (random first fit over its held agents, its own stream) and
 * launches them; while jobs wait and resources remain it goes on with the
 * next job; then it declines what is left.  A job that could not be fully
 * placed stays at the head of the queue for the next offer (and everything
 * held is declined); every decision counts as an attempt, and after
 * max_attempts the job is abandoned.  Keys: t_job, t_task. */
#include <stdlib.h>

#include "schedulers/framework.h"
#include "schedulers/sched_common.h"
#include "sim/alloc.h"
#include "sim/host.h"

struct jobs_fw {
	struct cs_decision_time dt;
	struct cs_job_list queue;
	bool thinking;
	cs_time decision;
};

static bool fits_in(const struct cs_res *a, const struct cs_res *b)
{
	return a->cpu <= b->cpu && a->mem <= b->mem && a->disk <= b->disk;
}

static void work(struct cs_framework *f);

/* (flatten: with the rule's call beside it, the compiler stopped inlining
 * the pick and the launch into this loop, 1.3% of a Mesos run's
 * instructions) */
static __attribute__((flatten)) uint32_t place_on_offers(struct cs_framework *f, struct cs_job *job)
{
	return cs_fw_place_job(f, job);
}

static void decide_fire(void *ctx, cs_time now)
{
	struct cs_framework *f = ctx;
	struct jobs_fw *j = f->impl;
	struct cs_job *job = cs_job_list_pop(&j->queue);
	j->thinking = false;
	struct cs_attempt a = {j->decision, 0, place_on_offers(f, job), false};
	const struct cs_ladder ladder = {f->retry, false, true, NULL};
	if (cs_attempt_end(f->h, &ladder, &f->stats, job, &a) == CS_NEXT_WAIT) {
		/* back to the head: it waits for the next offer; what is held
		 * did not suffice for it: decline it all */
		cs_job_list_push_front(&j->queue, job);
		cs_fw_decline_all(f);
	}
	work(f);
}

/* Think about the next job while offers and jobs remain; else decline. */
static void work(struct cs_framework *f)
{
	struct jobs_fw *j = f->impl;
	if (j->thinking)
		return;
	/* a framework looks at an offer before thinking: it only thinks
	 * about its next job if some held agent can take one of its tasks */
	struct cs_job *job = j->queue.head;
	uint32_t n;
	const struct cs_held *held = cs_fw_held(f, &n);
	bool has_room = false;
	for (uint32_t k = 0; job && k < n && !has_room; k++)
		has_room = fits_in(&job->req, &held[k].res);
	if (has_room) {
		j->thinking = true;
		cs_host_attempt(f->h, job);
		j->decision = cs_decision_time(&j->dt, job);
		cs_engine_after(f->h->engine, j->decision, decide_fire, f);
		return;
	}
	cs_fw_decline_all(f);
}

static void jobs_submit(struct cs_framework *f, struct cs_job *job)
{
	struct jobs_fw *j = f->impl;
	cs_job_list_push(&j->queue, job);
	work(f);
}

static bool jobs_wants_offers(const struct cs_framework *f)
{
	const struct jobs_fw *j = f->impl;
	return j->queue.head != NULL;
}

static void jobs_offers_arrived(struct cs_framework *f)
{
	work(f);
}

static void jobs_destroy(struct cs_framework *f)
{
	free(f->impl);
	f->impl = NULL;
}

static int jobs_create(struct cs_framework *f, const struct cs_cfg *cfg, json_t *config, const char *path)
{
	struct jobs_fw *j = cs_xcalloc(1, sizeof *j);
	j->queue.layer = CS_LAYER_FRAMEWORK;
	f->impl = j;
	return cs_decision_time_parse(cfg, config, path, &j->dt);
}

static const char *const jobs_keys[] = {"t_job", "t_task", NULL};

const struct cs_framework_ops cs_fw_jobs_ops = {
	.kind = "jobs",
	.create = jobs_create,
	.submit = jobs_submit,
	.wants_offers = jobs_wants_offers,
	.offers_arrived = jobs_offers_arrived,
	.destroy = jobs_destroy,
	.keys = jobs_keys,
};
