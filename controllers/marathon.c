/* controllers/marathon — a Marathon app (specs/marathon.c) kept as
 * Marathon keeps it on Mesos.  Sources (docs/model.md, "Marathon"):
 * Marathon's REST API reference (instances, backoffSeconds, backoffFactor,
 * maxLaunchDelaySeconds, upgradeStrategy, killSelection) and its
 * deployment docs; the replace logic follows TaskReplaceActor.
 *
 * Steady state: `instances` copies.  A copy that exits (FINISHED or
 * FAILED: a long-running app's task is not meant to end) is launched
 * again after the launch delay: backoffSeconds after the first exit in a
 * row, times backoffFactor after each further one, at most
 * maxLaunchDelaySeconds; a new version (an update) resets it.  A copy on a
 * machine that failed counts until the Mesos master removes the agent
 * (app_track.h: the pings), and is then relaunched (a loss, no backoff).
 * A scale-down kills the instances killSelection names (YOUNGEST_FIRST,
 * the default, or OLDEST_FIRST; unreachable and not yet running ones
 * first).
 *
 * A deployment (update) to a new version, with instances N:
 * minHealthy = ceil(N x minimumHealthCapacity), maxCapacity = floor(N x
 * (1 + maximumOverCapacity)); when minHealthy = maxCapacity <= the old
 * copies, maxCapacity grows by one (a temporary over-capacity of one, so
 * it can start).  At once: kill max(0, old - minHealthy) old copies; then
 * launch new ones while old + new < maxCapacity and new < N; each new copy
 * that starts running (the model's tasks have no health checks: running
 * is healthy) kills one old copy.  Old copies that end are not replaced.
 * It is done when N new copies run and no old one is left.
 *
 * The entry's "mesos" object sets the master's agent_ping_timeout (15 s)
 * and max_agent_ping_timeouts (5); "task_duration" (default null: until
 * lost) and "task_exit" how a copy ends.  Report: summary.json "apps"
 * (app_track.h), kind "marathon", with launch_delays (launches held back
 * by the backoff). */
#include <math.h>
#include <stdlib.h>

#include "controllers/app_track.h"
#include "sim/alloc.h"
#include "specs/spec.h"

struct marathon {
	struct cs_app_track track;
	struct cs_mesos_timing mesos;
	enum cs_kill_order kill;
	bool deploying;
	uint64_t max_capacity;
	uint64_t exits;         /* exits in a row, for the backoff */
	cs_time not_before;     /* the next launch's earliest time */
	uint64_t delayed;       /* launches held back by the backoff */
};

static bool marathon_takes(const struct cs_app *app)
{
	return app->kind == CS_APP_MARATHON;
}

/* Launch n of the newest version, unless the backoff holds them back. */
static void launch(struct marathon *m, uint64_t n)
{
	bool held_new;
	cs_app_track_launch_at(&m->track, n, m->not_before, &held_new);
	m->delayed += held_new;
}

static void stop_some(struct marathon *m, uint32_t first, uint32_t last, uint64_t n)
{
	cs_app_track_stop_some(&m->track, first, last, n, m->kill);
}

static void reconcile_once(struct cs_controller *c)
{
	struct marathon *m = c->impl;
	struct cs_app_track *t = &m->track;
	uint32_t newest = t->nv - 1;
	uint64_t want = t->desired;
	if (m->deploying) {
		uint64_t old = cs_app_track_existing(t, 0, newest), fresh = cs_app_track_existing(t, newest, t->nv);
		if (fresh > want) { /* scaled down meanwhile */
			stop_some(m, newest, t->nv, fresh - want);
			fresh = want;
		}
		if (old > 0 || cs_app_track_running_in(t, newest, t->nv) < want) {
			uint64_t room = m->max_capacity > old + fresh ? m->max_capacity - old - fresh : 0;
			uint64_t missing = want > fresh ? want - fresh : 0;
			launch(m, room < missing ? room : missing);
			return;
		}
		m->deploying = false;
	}
	uint64_t have = cs_app_track_existing(t, 0, t->nv);
	if (have < want)
		launch(m, want - have);
	else if (have > want)
		stop_some(m, 0, t->nv, have - want);
}

static void reconcile(struct marathon *m)
{
	cs_app_track_reconcile(&m->track);
}

static int marathon_adopt(struct cs_controller *c, const struct cs_cfg *cfg, const struct cs_app *app, json_t *entry,
			  const char *path)
{
	struct marathon *m = cs_xcalloc(1, sizeof *m);
	c->impl = m;
	if (cs_mesos_timing_parse(cfg, entry, path, &m->mesos) < 0 || cs_app_track_adopt(&m->track, c, app, cfg, entry, path) < 0)
		return -1;
	m->kill = app->marathon.kill_oldest_first ? CS_KILL_OLDEST_FIRST : CS_KILL_YOUNGEST_FIRST;
	m->track.reconcile_once = reconcile_once;
	return 0;
}

static void marathon_start(struct cs_controller *c)
{
	struct marathon *m = c->impl;
	cs_app_track_start(&m->track);
	reconcile(m);
}

static void marathon_task_started(struct cs_controller *c, struct cs_task *task)
{
	struct marathon *m = c->impl;
	struct cs_app_track *t = &m->track;
	cs_app_track_started(t, task);
	if (m->deploying && cs_app_track_version_of(task) == t->nv - 1) {
		/* a new copy is healthy: one old copy goes */
		stop_some(m, 0, t->nv - 1, 1);
		reconcile(m);
	}
}

static void marathon_task_ended(struct cs_controller *c, struct cs_task *task, enum cs_task_state why)
{
	struct marathon *m = c->impl;
	struct cs_app_track *t = &m->track;
	if (!cs_app_track_ended(t, task, why))
		return;
	cs_time now = cs_engine_now(c->host->engine);
	if (m->deploying && cs_app_track_version_of(task) < t->nv - 1) {
		t->unreplaced--; /* an old copy is not replaced during a deployment */
		reconcile(m);
		return;
	}
	if (why == CS_TASK_LOST) {
		cs_app_track_ghost(t, task, cs_mesos_agent_removed(now, m->mesos.ping, m->mesos.max_pings));
		return;
	}
	if (why == CS_TASK_FINISHED || why == CS_TASK_FAILED) {
		const struct cs_app *app = t->v[t->nv - 1].app;
		double d = cs_marathon_launch_delay(app->marathon.backoff_seconds, app->marathon.backoff_factor,
						    app->marathon.max_launch_delay, ++m->exits);
		m->not_before = now + cs_time_from_seconds(d);
	}
	reconcile(m);
}

/* A deployment towards n instances of the newest version, from the old
 * copies there are now (TaskReplaceActor's start). */
static void plan_deployment(struct marathon *m, uint64_t n)
{
	struct cs_app_track *t = &m->track;
	const struct cs_app *v = t->v[t->nv - 1].app;
	uint64_t old = cs_app_track_existing(t, 0, t->nv - 1);
	uint64_t min_healthy = (uint64_t)ceil((double)n * v->marathon.min_health_capacity);
	m->max_capacity = (uint64_t)floor((double)n * (1 + v->marathon.max_over_capacity));
	if (min_healthy == m->max_capacity && m->max_capacity <= old)
		m->max_capacity++;
	m->deploying = true;
	stop_some(m, 0, t->nv - 1, old > min_healthy ? old - min_healthy : 0);
}

static void marathon_act(struct cs_controller *c, const struct cs_app_action *a)
{
	if (((struct cs_app_track *)c->impl)->ended_at != CS_TIME_NEVER)
		return; /* deleted */
	struct marathon *m = c->impl;
	struct cs_app_track *t = &m->track;
	if (a->what == CS_ACT_DELETE) {
		cs_app_track_delete(t);
		return;
	}
	if (a->what == CS_ACT_UPDATE) {
		cs_app_track_add_version(t, a->version);
		cs_app_track_set_desired(t, a->instances);
		m->exits = 0; /* a new version starts without a delay */
		m->not_before = 0;
		plan_deployment(m, a->instances);
	} else {
		cs_app_track_set_desired(t, a->instances);
		if (m->deploying) /* the deployment goes on towards the new count */
			plan_deployment(m, a->instances);
	}
	reconcile(m);
}

static json_t *marathon_report(struct cs_controller *c)
{
	struct marathon *m = c->impl;
	json_t *o = cs_app_track_report(&m->track, "marathon");
	json_object_set_new(o, "launch_delays", json_integer((json_int_t)m->delayed));
	return o;
}

static const char *const marathon_keys[] = {"mesos", "task_duration", "task_exit", NULL};

const struct cs_controller_ops cs_marathon_ops = {
	.kind = "marathon",
	.keys = NULL,
	.start = marathon_start,
	.task_started = marathon_task_started,
	.task_ended = marathon_task_ended,
	.job_ended = cs_app_ops_job_ended,
	.report = marathon_report,
	.running = cs_app_ops_running,
	.destroy = cs_app_ops_destroy,
	.takes = marathon_takes,
	.keys_for_apps = marathon_keys,
	.adopt = marathon_adopt,
	.act = marathon_act,
	.recover = cs_app_ops_recover,
};
