/* schedulers/serial — one decision at a time: what the monolithic and the
 * kubernetes kinds share.  A kind gives its queue (push, pop), its
 * decision time and its placement of a job's pending tasks; this runs the
 * loop: take the queue's head, think for the decision time, place, then
 * the decision ladder (sched_common.h) -- done, given up, retried after
 * retry_interval, or parked until resources are freed (retry "event"),
 * when every parked job goes back into the queue in the order it was
 * parked.
 *
 * Ownership: the kind embeds a struct cs_serial and owns it; job slots of
 * the scheduler layer point at it. */
#ifndef CS_SERIAL_H
#define CS_SERIAL_H
#include "schedulers/sched_common.h"
#include "schedulers/scheduler.h"
#include "sim/host.h"

struct cs_serial_ops {
	void (*push)(void *kind, struct cs_job *job);
	struct cs_job *(*pop)(void *kind);              /* NULL: the queue is empty */
	cs_time (*decision_time)(void *kind, const struct cs_job *job);
	uint32_t (*place)(void *kind, struct cs_job *job); /* tasks placed */
};

struct cs_serial {
	const struct cs_serial_ops *ops;
	void *kind;
	struct cs_host *h;
	struct cs_retry retry;
	struct cs_job_list parked;
	struct cs_job *current;
	cs_time decision;
	struct cs_sched_stats stats;
};

void cs_serial_init(struct cs_serial *s, const struct cs_serial_ops *ops, void *kind, struct cs_host *h,
		    const char *name);
/* The scheduler ops' submit, and what task ends, shrunk requests and
 * machines coming up do: resources were freed. */
void cs_serial_submit(struct cs_serial *s, struct cs_job *job);
void cs_serial_wake_parked(struct cs_serial *s);
/* (inline: every task's end comes here, and mostly nothing is parked) */
static inline void cs_serial_resources_freed(struct cs_serial *s)
{
	if (s->retry.mode == CS_RETRY_EVENT && s->parked.head)
		cs_serial_wake_parked(s);
}
void cs_serial_report(struct cs_serial *s, struct cs_report *out);

#endif
