/* controllers/marathon — a Marathon app (specs/marathon.c) kept alive as
 * Marathon does on Mesos: `instances` copies; a copy that ends is
 * launched again -- whatever its exit status, as Marathon restarts an
 * app's tasks -- at once when Marathon saw it end, and for a copy on a
 * machine that failed, when the Mesos master has removed the agent
 * (app_track.h: the pings).  The entry's "mesos" object sets the master's
 * agent_ping_timeout (15 s) and max_agent_ping_timeouts (5);
 * "task_duration" (default null: until lost) how long a copy runs.
 * Report: summary.json "apps" (app_track.h), kind "marathon". */
#include <stdlib.h>

#include "controllers/app_track.h"
#include "sim/alloc.h"
#include "specs/spec.h"

struct marathon {
	struct cs_app_track track;
	struct cs_mesos_timing mesos;
};

static bool marathon_takes(const struct cs_app *app)
{
	return app->kind == CS_APP_MARATHON;
}

static int marathon_adopt(struct cs_controller *c, const struct cs_cfg *cfg, const struct cs_app *app, json_t *entry,
			  const char *path)
{
	struct marathon *m = cs_xcalloc(1, sizeof *m);
	c->impl = m;
	if (cs_mesos_timing_parse(cfg, entry, path, &m->mesos) < 0 || cs_app_track_adopt(&m->track, c, app, cfg, entry, path) < 0)
		return -1;
	return 0;
}

static void marathon_task_ended(struct cs_controller *c, struct cs_task *task, enum cs_task_state why)
{
	struct marathon *m = c->impl;
	cs_app_track_ended(&m->track, task, why);
	cs_time now = cs_engine_now(c->host->engine);
	if (why == CS_TASK_LOST)
		cs_app_track_replace_at(&m->track, cs_mesos_agent_removed(now, m->mesos.ping, m->mesos.max_pings));
	else
		cs_app_track_launch(&m->track, 1, true);
}

static json_t *marathon_report(struct cs_controller *c)
{
	struct marathon *m = c->impl;
	return cs_app_track_report(&m->track, "marathon");
}

static const char *const marathon_keys[] = {"mesos", "task_duration", NULL};

const struct cs_controller_ops cs_marathon_ops = {
	.kind = "marathon",
	.keys = NULL,
	.start = cs_app_ops_start,
	.task_started = cs_app_ops_task_started,
	.task_ended = marathon_task_ended,
	.job_ended = cs_app_ops_job_ended,
	.report = marathon_report,
	.running = cs_app_ops_running,
	.destroy = cs_app_ops_destroy,
	.takes = marathon_takes,
	.keys_for_apps = marathon_keys,
	.adopt = marathon_adopt,
};
