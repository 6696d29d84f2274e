/* controllers/aurora — an Aurora job or service (specs/aurora.c) kept as
 * Aurora's scheduler keeps it on Mesos.  Sources (docs/model.md,
 * "Aurora"): Aurora's configuration reference (Job, Service,
 * max_task_failures, UpdateConfig) and scheduler options
 * (flapping_task_threshold, initial_flapping_task_delay,
 * max_flapping_task_delay).
 *
 * `instances` copies.  A service's copy is restarted whatever ended it; a
 * job's copy that FINISHED is done (desired drops by one), one that FAILED
 * is restarted until the job has seen max_task_failures failures (-1: no
 * limit; Aurora counts them per instance, the model per job).  A copy that
 * ended after running less than flapping_threshold (5 min) is flapping:
 * its restart waits a penalty of 30 s doubling with each flap in a row, at
 * most 5 min (THROTTLED); a copy that ran longer resets the count.  A copy
 * on a machine that failed counts until the Mesos master removes the
 * agent (app_track.h), then is rescheduled without counting as a failure.
 *
 * A scale kills the copies created last (the highest instance ids) or adds
 * copies.  An update (the job's update_config): batch_size old copies
 * (oldest first) are killed and as many of the new version launched; once
 * they all run, the updater watches them for watch_secs and then takes
 * the next batch; copies beyond the old count are added, and surplus ones
 * killed, at the end.  (Rollback on failure is read, not modelled.)
 * The entry's "mesos" object and "task_duration", "task_exit" are as for
 * Marathon; "aurora" sets flapping_threshold, initial_flapping_delay and
 * max_flapping_delay.  Report: summary.json "apps", kind "aurora-service"
 * or "aurora-job", with failures and throttled. */
#include <stdlib.h>

#include "controllers/app_track.h"
#include "sim/alloc.h"
#include "specs/spec.h"

struct aurora {
	struct cs_app_track track;
	struct cs_mesos_timing mesos;
	cs_time flap_threshold, flap_initial, flap_max;
	bool service;
	int64_t max_failures, failures;
	uint64_t flaps, throttled;
	cs_time not_before;
	/* an update in progress */
	bool updating, watching;
	uint64_t batch;         /* copies of the batch under way */
};

static bool aurora_takes(const struct cs_app *app)
{
	return app->kind == CS_APP_AURORA_JOB || app->kind == CS_APP_AURORA_SERVICE;
}

static void reconcile(struct aurora *a)
{
	cs_app_track_reconcile(&a->track);
}

static void stop_some(struct aurora *a, uint32_t first, uint32_t last, uint64_t n, enum cs_kill_order order)
{
	cs_app_track_stop_some(&a->track, first, last, n, order);
}

static void launch(struct aurora *a, uint64_t n)
{
	bool held_new;
	cs_app_track_launch_at(&a->track, n, a->not_before, &held_new);
}

static void watch_fire(void *ctx, cs_time now)
{
	struct aurora *a = ctx;
	a->watching = false;
	a->batch = 0; /* watched: the next batch */
	reconcile(a);
}

/* The updater's step: one batch at a time. */
static bool update_step(struct aurora *a)
{
	struct cs_app_track *t = &a->track;
	uint32_t newest = t->nv - 1;
	if (a->watching)
		return true;
	if (a->batch > 0) {
		uint64_t fresh = cs_app_track_existing(t, newest, t->nv);
		if (cs_app_track_running_in(t, newest, t->nv) < fresh)
			return true; /* the batch is still starting */
		a->watching = true;
		cs_engine_after(t->c->host->engine, cs_time_from_seconds((double)t->app->aurora.update.watch_secs),
				watch_fire, a);
		return true;
	}
	uint64_t old = cs_app_track_existing(t, 0, newest);
	if (old == 0) {
		a->updating = false;
		return false;
	}
	int64_t bs = t->v[newest].app->aurora.update.batch_size;
	uint64_t b = bs > 0 && (uint64_t)bs < old ? (uint64_t)bs : old;
	stop_some(a, 0, newest, b, CS_KILL_OLDEST_FIRST);
	a->batch = b;
	cs_app_track_launch(t, newest, (uint32_t)b);
	return true;
}

static void reconcile_once(struct cs_controller *c)
{
	struct aurora *a = c->impl;
	struct cs_app_track *t = &a->track;
	if (a->updating && update_step(a))
		return;
	uint64_t have = cs_app_track_existing(t, 0, t->nv), want = t->desired;
	if (have < want)
		launch(a, want - have);
	else if (have > want)
		stop_some(a, 0, t->nv, have - want, CS_KILL_NEWEST_CREATED);
}

static int aurora_timing_parse(struct aurora *a, const struct cs_cfg *cfg, json_t *entry, const char *path)
{
	static const char *const keys[] = {"flapping_threshold", "initial_flapping_delay", "max_flapping_delay", NULL};
	json_t *o = json_object_get(entry, "aurora");
	char p[128];
	cs_path_key(p, sizeof p, path, "aurora");
	if (!o) {
		o = json_object();
		json_object_set_new(entry, "aurora", o);
	}
	return cs_cfg_need_object(cfg, o, p) < 0 || cs_cfg_keys(cfg, o, p, keys) < 0 ||
			       cs_cfg_time(cfg, o, p, "flapping_threshold", 300, CS_CFG_NONNEG, &a->flap_threshold) < 0 ||
			       cs_cfg_time(cfg, o, p, "initial_flapping_delay", 30, CS_CFG_NONNEG, &a->flap_initial) < 0 ||
			       cs_cfg_time(cfg, o, p, "max_flapping_delay", 300, CS_CFG_NONNEG, &a->flap_max) < 0
		       ? -1
		       : 0;
}

static int aurora_adopt(struct cs_controller *c, const struct cs_cfg *cfg, const struct cs_app *app, json_t *entry,
			const char *path)
{
	struct aurora *a = cs_xcalloc(1, sizeof *a);
	c->impl = a;
	if (cs_mesos_timing_parse(cfg, entry, path, &a->mesos) < 0 || aurora_timing_parse(a, cfg, entry, path) < 0 ||
	    cs_app_track_adopt(&a->track, c, app, cfg, entry, path) < 0)
		return -1;
	a->service = app->kind == CS_APP_AURORA_SERVICE;
	a->max_failures = app->aurora.max_task_failures;
	a->track.reconcile_once = reconcile_once;
	return 0;
}

static void aurora_start(struct cs_controller *c)
{
	struct aurora *a = c->impl;
	cs_app_track_start(&a->track);
	reconcile(a);
}

static void aurora_task_started(struct cs_controller *c, struct cs_task *task)
{
	struct aurora *a = c->impl;
	cs_app_track_started(&a->track, task);
	if (a->updating)
		reconcile(a);
}

/* A copy that ran less than the threshold flaps: its restart waits. */
static void throttle(struct aurora *a, const struct cs_task *task, cs_time now)
{
	if (now - cs_app_track_started_at(task) >= a->flap_threshold) {
		a->flaps = 0;
		return;
	}
	a->flaps++;
	a->throttled++;
	double d = cs_aurora_flap_delay(cs_time_to_seconds(a->flap_initial), cs_time_to_seconds(a->flap_max), a->flaps);
	a->not_before = now + cs_time_from_seconds(d);
}

static void aurora_task_ended(struct cs_controller *c, struct cs_task *task, enum cs_task_state why)
{
	struct aurora *a = c->impl;
	struct cs_app_track *t = &a->track;
	bool ran = cs_app_track_is_running(task);
	if (!cs_app_track_ended(t, task, why))
		return;
	cs_time now = cs_engine_now(c->host->engine);
	if (why == CS_TASK_LOST) {
		cs_app_track_ghost(t, task, cs_mesos_agent_removed(now, a->mesos.ping, a->mesos.max_pings));
		return;
	}
	if (!a->service && why == CS_TASK_FINISHED) {
		cs_app_track_set_desired(t, t->desired - 1); /* done: a finished job copy is not missing */
		t->unreplaced--;
		return;
	}
	if (!a->service && why == CS_TASK_FAILED && a->max_failures >= 0 && ++a->failures >= a->max_failures) {
		cs_app_track_set_desired(t, t->desired - 1);
		t->unreplaced--;
		return;
	}
	if (ran && why != CS_TASK_KILLED)
		throttle(a, task, now);
	reconcile(a);
}

static void aurora_act(struct cs_controller *c, const struct cs_app_action *a_)
{
	if (((struct cs_app_track *)c->impl)->ended_at != CS_TIME_NEVER)
		return; /* deleted */
	struct aurora *a = c->impl;
	struct cs_app_track *t = &a->track;
	switch (a_->what) {
	case CS_ACT_DELETE:
		cs_app_track_delete(t);
		return;
	case CS_ACT_UPDATE:
		cs_app_track_add_version(t, a_->version);
		a->updating = true;
		a->watching = false;
		a->batch = 0;
		break;
	case CS_ACT_SCALE:
		break;
	}
	cs_app_track_set_desired(t, a_->instances);
	reconcile(a);
}

static json_t *aurora_report(struct cs_controller *c)
{
	struct aurora *a = c->impl;
	json_t *o = cs_app_track_report(&a->track, a->service ? "aurora-service" : "aurora-job");
	json_object_set_new(o, "failures", json_integer((json_int_t)a->failures));
	json_object_set_new(o, "throttled", json_integer((json_int_t)a->throttled));
	return o;
}

static const char *const aurora_keys[] = {"mesos", "aurora", "task_duration", "task_exit", NULL};

const struct cs_controller_ops cs_aurora_ops = {
	.kind = "aurora",
	.start = aurora_start,
	.task_started = aurora_task_started,
	.task_ended = aurora_task_ended,
	.job_ended = cs_app_ops_job_ended,
	.report = aurora_report,
	.running = cs_app_ops_running,
	.destroy = cs_app_ops_destroy,
	.takes = aurora_takes,
	.keys_for_apps = aurora_keys,
	.adopt = aurora_adopt,
	.act = aurora_act,
	.recover = cs_app_ops_recover,
};
