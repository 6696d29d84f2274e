/* schedulers/serial — the one-decision-at-a-time loop (serial.h). */
#include <stdio.h>

#include "schedulers/serial.h"

static void decide_fire(void *ctx, cs_time now);

static void maybe_start(struct cs_serial *s)
{
	if (s->current)
		return;
	struct cs_job *job = s->ops->pop(s->kind);
	if (!job)
		return;
	s->current = job;
	cs_host_attempt(s->h, job);
	s->decision = s->ops->decision_time(s->kind, job);
	cs_engine_after(s->h->engine, s->decision, decide_fire, s);
}

static void retry_fire(void *ctx, cs_time now)
{
	struct cs_job *job = ctx;
	struct cs_serial *s = job->slot[CS_LAYER_SCHEDULER].data;
	s->ops->push(s->kind, job);
	maybe_start(s);
}

static void decide_fire(void *ctx, cs_time now)
{
	struct cs_serial *s = ctx;
	struct cs_job *job = s->current;
	/* (still current while it places and ends the attempt: a job that a
	 * start or a preemption it causes submits -- a controller's -- waits
	 * for this decision, one decision at a time) */
	struct cs_attempt a = {s->decision, 0, s->ops->place(s->kind, job), false};
	const struct cs_ladder ladder = {&s->retry, false, false, retry_fire};
	enum cs_next next = cs_attempt_end(s->h, &ladder, &s->stats, job, &a);
	s->current = NULL;
	if (next == CS_NEXT_PARKED)
		cs_job_list_push(&s->parked, job);
	maybe_start(s);
}

void cs_serial_init(struct cs_serial *s, const struct cs_serial_ops *ops, void *kind, struct cs_host *h,
		    const char *name)
{
	*s = (struct cs_serial){.ops = ops, .kind = kind, .h = h};
	snprintf(s->stats.name, sizeof s->stats.name, "%s", name);
}

void cs_serial_submit(struct cs_serial *s, struct cs_job *job)
{
	job->slot[CS_LAYER_SCHEDULER].data = s;
	s->ops->push(s->kind, job);
	maybe_start(s);
}

void cs_serial_wake_parked(struct cs_serial *s)
{
	for (struct cs_job *job; (job = cs_job_list_pop(&s->parked));)
		s->ops->push(s->kind, job);
	maybe_start(s);
}

void cs_serial_report(struct cs_serial *s, struct cs_report *out)
{
	*cs_report_add(out, s->stats.name) = s->stats;
}
