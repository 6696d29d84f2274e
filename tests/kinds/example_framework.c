/* tests/kinds/example_framework — an example Mesos framework kind,
 * "example", written against schedulers/framework.h alone (one file plus
 * one registry line), using every host call a Marathon, Aurora or
 * Kubernetes framework needs:
 *  - it places each job it holds offers for at once with cs_fw_pick (no
 *    decision time) and keeps what is left, until the offer timeout takes
 *    it back (offer_rescinded) -- a framework that hoards;
 *  - it counts the status updates (task_status: RUNNING) and rescinded
 *    offers it hears of;
 *  - it kills the first task that reaches RUNNING (cs_fw_kill: the
 *    workload job places it again);
 *  - it suppresses offers after its first launch and revives them when a
 *    task of its ends (cs_fw_suppress, cs_fw_revive).
 * The counters are the test's to read (example_fw_stats). */
#include <stdlib.h>

#include "schedulers/framework.h"
#include "schedulers/sched_common.h"
#include "sim/alloc.h"

struct example_fw_stats {
	int statuses, rescinded, killed, suppressions, revivals, ended[CS_TASK_LOST + 1];
};
struct example_fw_stats example_fw_stats;

struct example_fw {
	struct cs_job_list queue;
	bool killed_one;
};

static void launch(struct cs_framework *f)
{
	struct example_fw *x = f->impl;
	bool launched = false;
	while (x->queue.head) {
		struct cs_job *job = x->queue.head;
		uint32_t ncand;
		cs_fw_held(f, &ncand);
		cs_host_attempt(f->h, job);
		struct cs_attempt a = {0, 0, 0, false};
		for (uint32_t i = 0; i < job->ntasks && ncand > 0; i++) {
			if (job->tasks[i].state != CS_TASK_PENDING)
				continue;
			uint32_t k = cs_fw_pick(f, &job->req, &ncand);
			if (k == UINT32_MAX)
				break;
			cs_fw_launch(f, &job->tasks[i], k);
			a.placed++;
		}
		launched |= a.placed > 0;
		const struct cs_ladder ladder = {f->retry, false, true, NULL};
		if (cs_attempt_end(f->h, &ladder, &f->stats, job, &a) == CS_NEXT_WAIT)
			break; /* it waits for more offers */
		cs_job_list_pop(&x->queue);
	}
	if (launched && !f->suppressed && example_fw_stats.suppressions == 0) {
		cs_fw_suppress(f);
		example_fw_stats.suppressions++;
	}
}

static void ex_submit(struct cs_framework *f, struct cs_job *job)
{
	struct example_fw *x = f->impl;
	cs_job_list_push(&x->queue, job);
}

static bool ex_wants_offers(const struct cs_framework *f)
{
	const struct example_fw *x = f->impl;
	return x->queue.head != NULL;
}

static void ex_task_status(struct cs_framework *f, struct cs_task *task)
{
	struct example_fw *x = f->impl;
	example_fw_stats.statuses++;
	if (!x->killed_one && task->state == CS_TASK_RUNNING) {
		x->killed_one = true;
		example_fw_stats.killed++;
		cs_fw_kill(f, task);
	}
}

static void ex_task_ended(struct cs_framework *f, struct cs_task *task, enum cs_task_state why)
{
	example_fw_stats.ended[why]++;
	if (f->suppressed) {
		cs_fw_revive(f);
		example_fw_stats.revivals++;
	}
}

static void ex_offer_rescinded(struct cs_framework *f, uint32_t machine)
{
	example_fw_stats.rescinded++;
}

static void ex_destroy(struct cs_framework *f)
{
	free(f->impl);
	f->impl = NULL;
}

static int ex_create(struct cs_framework *f, const struct cs_cfg *cfg, json_t *config, const char *path)
{
	struct example_fw *x = cs_xcalloc(1, sizeof *x);
	x->queue.layer = CS_LAYER_FRAMEWORK;
	f->impl = x;
	return 0;
}

const struct cs_framework_ops example_framework_ops = {
	.kind = "example",
	.create = ex_create,
	.submit = ex_submit,
	.wants_offers = ex_wants_offers,
	.offers_arrived = launch,
	.task_ended = ex_task_ended,
	.task_status = ex_task_status,
	.offer_rescinded = ex_offer_rescinded,
	.destroy = ex_destroy,
};
