/* schedulers/sched_common — what every scheduler kind shares: FIFO job
 * lists threaded through a layer's link (job->slot[layer].next), the decision-time model, the
 * retry and abandonment rules, and the mapping of workloads to the
 * agents (paths, schedulers, frameworks) that serve them.
 *
 * Config keys parsed here (docs/experiments.md, "Schedulers"):
 *   per agent:  "workloads": [names] (absent: every workload no other agent
 *               names), "t_job" (default 0.1 s), "t_task" (default 5 ms);
 *   scheduler:  "retry": "interval"|"event", "retry_interval" (1 s),
 *               "max_attempts" (1000; 0 = never), "count_failed_attempts". */
#ifndef CS_SCHED_COMMON_H
#define CS_SCHED_COMMON_H
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/config.h"
#include "schedulers/scheduler.h"
#include "sim/job.h"

struct cs_host;

/* A FIFO list of jobs threaded through job->slot[layer].next: a zeroed
 * list is a scheduler's (CS_LAYER_SCHEDULER); a framework's or a
 * controller's sets its layer before use. */
struct cs_job_list {
	struct cs_job *head, *tail;
	uint64_t n;
	enum cs_layer layer;
};
void cs_job_list_push(struct cs_job_list *l, struct cs_job *job);
/* Put job back at the head (a job that waits for the next offer). */
void cs_job_list_push_front(struct cs_job_list *l, struct cs_job *job);
struct cs_job *cs_job_list_pop(struct cs_job_list *l);
/* Move all of src to the tail of dst, keeping the order. */
void cs_job_list_append(struct cs_job_list *dst, struct cs_job_list *src);

struct cs_decision_time {
	cs_time t_job, t_task;
};
/* t_job + t_task x (tasks still to place) */
static inline cs_time cs_decision_time(const struct cs_decision_time *d, const struct cs_job *job)
{
	/* saturating: t_task may be 317 years and a job a million tasks;
	 * "never" ends the decision past any run's end */
	cs_time per, total;
	if (__builtin_mul_overflow(d->t_task, (cs_time)(job->ntasks - job->placed), &per) ||
	    __builtin_add_overflow(d->t_job, per, &total))
		return CS_TIME_NEVER;
	return total;
}
int cs_decision_time_parse(const struct cs_cfg *cfg, json_t *obj, const char *path,
			   struct cs_decision_time *out);

/* Whether job's request change from `old` (request_changed) shrank
 * something: resources were freed where its tasks run, or the job itself
 * may fit now; a scheduler waiting for freed resources wakes up as at a
 * task's end. */
static inline bool cs_request_shrank(const struct cs_job *job, const struct cs_res *old)
{
	return job->req.cpu < old->cpu || job->req.mem < old->mem || job->req.disk < old->disk;
}

enum cs_retry_mode { CS_RETRY_EVENT, CS_RETRY_INTERVAL };

struct cs_retry {
	enum cs_retry_mode mode;
	cs_time interval;
	uint32_t max_attempts;  /* 0: never abandon */
	bool count_failed;      /* attempts that placed nothing count as busy */
};
/* Parse retry, retry_interval, max_attempts, count_failed_attempts. */
int cs_retry_parse(const struct cs_cfg *cfg, json_t *config, const char *path, struct cs_retry *out);
/* Keys cs_retry_parse reads, for the caller's key list. */
#define CS_RETRY_KEYS "retry", "retry_interval", "max_attempts", "count_failed_attempts"
static inline bool cs_retry_give_up(const struct cs_retry *r, const struct cs_job *job)
{
	return r->max_attempts && job->attempts >= r->max_attempts;
}

/* ---- the decision ladder: what every kind does after an attempt ----
 *
 * An attempt on a job: decide (think for its decision time), place what
 * fits, then account the time and decide what becomes of the job -- done,
 * given up, back in the queue at once (it lost a race), later (retry
 * "interval"), parked until resources are freed (retry "event"), or kept
 * by the kind (a framework waits for its next offer).  cs_attempt_end is
 * that ladder, once for every kind.
 *
 * Accounting (the busy and conflict metrics, docs/results.md):
 *  - attempts (monolithic, frameworks): every attempt is a transaction;
 *    its time is busy when it placed a task or count_failed_attempts;
 *    wasted when it placed none; successful when the job is fully placed;
 *  - transactions (Omega): an attempt that tried no claim is no
 *    transaction (its time busy and wasted with count_failed_attempts);
 *    else it is one, busy; conflicted (a claim rejected) is wasted,
 *    otherwise successful. */
struct cs_attempt {
	cs_time decision;  /* its decision time */
	uint32_t tried;    /* claims it tried (transactions) */
	uint32_t placed;   /* tasks it placed */
	bool conflicted;   /* a claim was rejected */
};

struct cs_ladder {
	const struct cs_retry *retry;
	bool transactions;     /* Omega's accounting (above) */
	bool waits_for_offers; /* the kind keeps a job it could not place */
	cs_event_fn *later;    /* retry "interval": fn(job) after retry_interval */
};

enum cs_next {
	CS_NEXT_DONE,      /* fully placed: the kind drops it */
	CS_NEXT_ABANDONED, /* given up (max_attempts): dropped */
	CS_NEXT_AGAIN,     /* it lost a race: back in the queue now */
	CS_NEXT_LATER,     /* ladder->later(job) is scheduled */
	CS_NEXT_PARKED,    /* the kind parks it until resources are freed */
	CS_NEXT_WAIT,      /* the kind keeps it (waits_for_offers) */
};

enum cs_next cs_attempt_end(struct cs_host *h, const struct cs_ladder *l, struct cs_sched_stats *st,
			    struct cs_job *job, const struct cs_attempt *a);

/* Map every workload of the world to one of the n agent objects of the
 * JSON array `agents` (at `path`) by their "workloads" lists; agent_of
 * gets nworkloads entries.  A workload no list names goes to
 * preferred[wl] when that is not UINT32_MAX (preferred may be NULL),
 * else to the agent without a list.  Errors: unknown workload, one served
 * twice, one served by none, two catch-all agents. */
int cs_map_workloads(const struct cs_cfg *cfg, const struct cs_host *h, json_t *agents,
		     const char *path, const uint32_t *preferred, uint32_t *agent_of);

#endif
