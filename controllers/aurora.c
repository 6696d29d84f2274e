/* controllers/aurora — an Aurora job or service (specs/aurora.c) kept as
 * Aurora's scheduler does on Mesos: `instances` copies.  A service's copy
 * is restarted whatever ended it; a job's copy that FINISHED is done, one
 * that FAILED is restarted until the job has seen max_task_failures
 * failures (-1: no limit; Aurora counts them per instance, the model per
 * job), and a LOST one is rescheduled without counting as a failure, when
 * the Mesos master has removed its agent (app_track.h).  The entry's
 * "mesos" object and "task_duration" are as for Marathon.
 * Report: summary.json "apps", kind "aurora-service" or "aurora-job", and
 * failures. */
#include <stdlib.h>

#include "controllers/app_track.h"
#include "sim/alloc.h"
#include "specs/spec.h"

struct aurora {
	struct cs_app_track track;
	struct cs_mesos_timing mesos;
	bool service;
	int64_t max_failures, failures;
};

static bool aurora_takes(const struct cs_app *app)
{
	return app->kind == CS_APP_AURORA_JOB || app->kind == CS_APP_AURORA_SERVICE;
}

static int aurora_adopt(struct cs_controller *c, const struct cs_cfg *cfg, const struct cs_app *app, json_t *entry,
			const char *path)
{
	struct aurora *a = cs_xcalloc(1, sizeof *a);
	c->impl = a;
	if (cs_mesos_timing_parse(cfg, entry, path, &a->mesos) < 0 || cs_app_track_adopt(&a->track, c, app, cfg, entry, path) < 0)
		return -1;
	a->service = app->kind == CS_APP_AURORA_SERVICE;
	a->max_failures = app->aurora.max_task_failures;
	return 0;
}

static void aurora_task_ended(struct cs_controller *c, struct cs_task *task, enum cs_task_state why)
{
	struct aurora *a = c->impl;
	cs_app_track_ended(&a->track, task, why);
	if (why == CS_TASK_LOST) {
		cs_time now = cs_engine_now(c->host->engine);
		cs_app_track_replace_at(&a->track, cs_mesos_agent_removed(now, a->mesos.ping, a->mesos.max_pings));
		return;
	}
	if (!a->service && why == CS_TASK_FINISHED) {
		a->track.desired--; /* done: a finished job copy is not missing */
		return;
	}
	if (!a->service && why == CS_TASK_FAILED && a->max_failures >= 0 && ++a->failures >= a->max_failures) {
		a->track.desired--;
		return;
	}
	cs_app_track_launch(&a->track, 1, true);
}

static json_t *aurora_report(struct cs_controller *c)
{
	struct aurora *a = c->impl;
	json_t *o = cs_app_track_report(&a->track, a->service ? "aurora-service" : "aurora-job");
	json_object_set_new(o, "failures", json_integer((json_int_t)a->failures));
	return o;
}

static const char *const aurora_keys[] = {"mesos", "task_duration", NULL};

const struct cs_controller_ops cs_aurora_ops = {
	.kind = "aurora",
	.start = cs_app_ops_start,
	.task_started = cs_app_ops_task_started,
	.task_ended = aurora_task_ended,
	.job_ended = cs_app_ops_job_ended,
	.report = aurora_report,
	.running = cs_app_ops_running,
	.destroy = cs_app_ops_destroy,
	.takes = aurora_takes,
	.keys_for_apps = aurora_keys,
	.adopt = aurora_adopt,
};
