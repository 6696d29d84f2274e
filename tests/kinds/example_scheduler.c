/* tests/kinds/example_scheduler — an example scheduler kind, "example-first-fit",
 * to show the seam: one file, written against sim/host.h, sim/cell.h and
 * the schedulers' shared helpers only, plus one line in a registry
 * (here the test's cs_scheduler_extra_kinds; a kind of the project's
 * would be a line in schedulers/registry.c).
 *
 * First come, first served: a job is placed the moment it reaches the
 * head of the queue (no decision time), its tasks on the lowest-numbered
 * machines where they fit; a job that does not fit whole waits, with the
 * jobs behind it, until a task ends. */
#include <stdlib.h>

#include "schedulers/sched_common.h"
#include "schedulers/scheduler.h"
#include "sim/alloc.h"
#include "sim/host.h"

struct example_ff {
	struct cs_host *h;
	struct cs_job_list queue;
	struct cs_retry retry;
	struct cs_sched_stats stats;
};

static void ff_try(struct example_ff *s)
{
	struct cs_cell *cell = s->h->cell;
	while (s->queue.head) {
		struct cs_job *job = s->queue.head;
		cs_host_attempt(s->h, job);
		struct cs_attempt a = {0, 0, 0, false};
		for (uint32_t i = 0, m = 0; i < job->ntasks && m < cell->n; i++) {
			if (job->tasks[i].state != CS_TASK_PENDING)
				continue;
			while (m < cell->n && !cs_cell_fits(cell, m, &job->req))
				m++;
			if (m == cell->n)
				break;
			cs_cell_claim(cell, &job->tasks[i], m);
			a.placed++;
		}
		const struct cs_ladder ladder = {&s->retry, false, false, NULL};
		if (cs_attempt_end(s->h, &ladder, &s->stats, job, &a) == CS_NEXT_PARKED)
			return; /* it stays at the head until a task ends */
		cs_job_list_pop(&s->queue);
	}
}

static void ff_submit(void *self, struct cs_job *job)
{
	struct example_ff *s = self;
	cs_job_list_push(&s->queue, job);
	ff_try(s);
}

static void ff_task_ended(void *self, struct cs_task *task, enum cs_task_state why)
{
	ff_try(self);
}

static void ff_report(void *self, struct cs_report *out)
{
	struct example_ff *s = self;
	*cs_report_add(out, s->stats.name) = s->stats;
}

static void ff_destroy(void *self)
{
	free(self);
}

static int ff_create(struct cs_host *h, const struct cs_cfg *cfg, json_t *config, void **self)
{
	static const char *const keys[] = {"type", "label", NULL};
	struct example_ff *s = cs_xcalloc(1, sizeof *s);
	*self = s;
	s->h = h;
	s->retry = (struct cs_retry){CS_RETRY_EVENT, 0, 0, true};
	snprintf(s->stats.name, sizeof s->stats.name, "example");
	return cs_cfg_keys(cfg, config, "scheduler", keys);
}

const struct cs_scheduler_ops example_first_fit_ops = {
	.name = "example-first-fit",
	.create = ff_create,
	.submit = ff_submit,
	.task_ended = ff_task_ended,
	.report = ff_report,
	.destroy = ff_destroy,
};
