/* controllers/replicas — the "replicas" controller kind: keep N copies of
 * a task running, whatever scheduler places them (the core of a
 * Kubernetes ReplicationController or a Marathon app's "instances").
 *
 * Keys: "replicas" (N, default 1), "task_cpu", "task_mem", "task_disk"
 * (per copy; mem and disk take units), "task_duration" (null, the default:
 * a copy runs until it is killed or lost; a number: it exits after that
 * long, and is replaced like any other), "priority" (0-11).
 * At its start it submits one job of N tasks.  Whenever one of its tasks
 * ends -- lost with its machine, failed, killed, or finished -- it submits
 * a job of one task to replace it, at once (the scheduler decides where
 * and when it runs).
 * Report: desired, running (copies on a machine at the end: staging or
 * running), replacements (jobs submitted to replace a copy). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/controller.h"
#include "sim/alloc.h"

struct replicas {
	uint64_t desired, replacements;
	struct cs_res req;
	cs_time duration;
	int priority;
	struct cs_job **live; /* its jobs not yet ended */
	size_t nlive, cap;
};

static void submit(struct cs_controller *c, uint32_t n)
{
	struct replicas *r = c->impl;
	struct cs_job *job = cs_host_submit(c->host, c, n, &r->req, r->duration, CS_JOB_SERVICE, r->priority, NULL);
	CS_GROW(r->live, r->cap, r->nlive + 1);
	r->live[r->nlive++] = job;
}

static void replicas_start(struct cs_controller *c)
{
	struct replicas *r = c->impl;
	if (r->desired > 0)
		submit(c, (uint32_t)r->desired);
}

static void replicas_task_ended(struct cs_controller *c, struct cs_task *task, enum cs_task_state why)
{
	/* whatever ended it, a copy is missing now */
	struct replicas *r = c->impl;
	r->replacements++;
	submit(c, 1);
}

static void replicas_job_ended(struct cs_controller *c, struct cs_job *job)
{
	struct replicas *r = c->impl;
	for (size_t i = 0; i < r->nlive; i++) {
		if (r->live[i] == job) {
			r->live[i] = r->live[--r->nlive];
			return;
		}
	}
}

static json_t *replicas_report(struct cs_controller *c)
{
	struct replicas *r = c->impl;
	uint64_t running = 0;
	for (size_t i = 0; i < r->nlive; i++)
		for (uint32_t t = 0; r->live[i]->tasks && t < r->live[i]->ntasks; t++)
			running += cs_task_on_machine(&r->live[i]->tasks[t]);
	return json_pack("{s:s, s:I, s:I, s:I}", "kind", "replicas", "desired", (json_int_t)r->desired, "running",
			 (json_int_t)running, "replacements", (json_int_t)r->replacements);
}

static void replicas_destroy(struct cs_controller *c)
{
	struct replicas *r = c->impl;
	if (r)
		free(r->live);
	free(r);
	c->impl = NULL;
}

static int replicas_create(struct cs_controller *c, const struct cs_cfg *cfg, json_t *config, const char *path)
{
	struct replicas *r = cs_xcalloc(1, sizeof *r);
	c->impl = r;
	double cpu, mem, disk, prio;
	if (cs_cfg_count(cfg, config, path, "replicas", 1, 0, 0, 1000000, &r->desired) < 0 ||
	    cs_cfg_qty(cfg, config, path, "task_cpu", 0, CS_CFG_REQUIRED | CS_CFG_NONNEG, CS_QTY_CPU, &cpu) < 0 ||
	    cs_cfg_qty(cfg, config, path, "task_mem", 0, CS_CFG_REQUIRED | CS_CFG_NONNEG, CS_QTY_MEM, &mem) < 0 ||
	    cs_cfg_qty(cfg, config, path, "task_disk", 0, CS_CFG_NONNEG, CS_QTY_DISK, &disk) < 0 ||
	    cs_cfg_time(cfg, config, path, "task_duration", (double)NAN, CS_CFG_NULLABLE | CS_CFG_POSITIVE,
			&r->duration) < 0 ||
	    cs_cfg_num_in(cfg, config, path, "priority", 0, CS_CFG_INTEGER, 0, 11, &prio) < 0)
		return -1;
	r->req = (struct cs_res){cs_qty_from_double(cpu), cs_qty_from_double(mem), cs_qty_from_double(disk)};
	r->priority = (int)prio;
	return 0;
}

static const char *const replicas_keys[] = {"replicas", "task_cpu", "task_mem", "task_disk", "task_duration",
					    "priority", NULL};

const struct cs_controller_ops cs_replicas_ops = {
	.kind = "replicas",
	.keys = replicas_keys,
	.create = replicas_create,
	.start = replicas_start,
	.task_ended = replicas_task_ended,
	.job_ended = replicas_job_ended,
	.report = replicas_report,
	.destroy = replicas_destroy,
};
