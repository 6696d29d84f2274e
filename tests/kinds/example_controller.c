/* tests/kinds/example_controller — an example controller kind,
 * "example-once", written against controllers/controller.h alone (one file
 * plus one registry line): at its start it submits one job of "tasks"
 * tasks running "task_duration" seconds, replaces nothing, and reports
 * how its tasks ended. */
#include <stdlib.h>

#include "controllers/controller.h"
#include "sim/alloc.h"

struct once {
	uint64_t tasks;
	cs_time duration;
	uint64_t ended[CS_TASK_LOST + 1], jobs_ended;
};

static void once_start(struct cs_controller *c)
{
	struct once *o = c->impl;
	struct cs_res req = {1000000, 1000000, 0}; /* one core, one MiB */
	cs_host_submit(c->host, c, (uint32_t)o->tasks, &req, o->duration, CS_JOB_BATCH, 0, NULL);
}

static void once_task_ended(struct cs_controller *c, struct cs_task *task, enum cs_task_state why)
{
	struct once *o = c->impl;
	o->ended[why]++;
}

static void once_job_ended(struct cs_controller *c, struct cs_job *job)
{
	struct once *o = c->impl;
	o->jobs_ended++;
}

static json_t *once_report(struct cs_controller *c)
{
	struct once *o = c->impl;
	return json_pack("{s:I, s:I, s:I}", "finished", (json_int_t)o->ended[CS_TASK_FINISHED], "lost",
			 (json_int_t)o->ended[CS_TASK_LOST], "jobs_ended", (json_int_t)o->jobs_ended);
}

static void once_destroy(struct cs_controller *c)
{
	free(c->impl);
}

static int once_create(struct cs_controller *c, const struct cs_cfg *cfg, json_t *config, const char *path)
{
	struct once *o = cs_xcalloc(1, sizeof *o);
	c->impl = o;
	return cs_cfg_count(cfg, config, path, "tasks", 1, 0, 1, 1000, &o->tasks) < 0 ||
			       cs_cfg_time(cfg, config, path, "task_duration", 10, CS_CFG_POSITIVE, &o->duration) < 0
		       ? -1
		       : 0;
}

static const char *const once_keys[] = {"tasks", "task_duration", NULL};

const struct cs_controller_ops example_controller_ops = {
	.kind = "example-once",
	.keys = once_keys,
	.create = once_create,
	.start = once_start,
	.task_ended = once_task_ended,
	.job_ended = once_job_ended,
	.report = once_report,
	.destroy = once_destroy,
};
