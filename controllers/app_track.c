/* controllers/app_track — the shared counting and detection of app
 * controllers (app_track.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/app_track.h"
#include "sim/alloc.h"
#include "sim/sort.h"
#include "specs/spec.h"

void cs_app_track_init(struct cs_app_track *t, struct cs_controller *c, const struct cs_res *req, uint64_t desired,
		       cs_time duration)
{
	memset(t, 0, sizeof *t);
	t->c = c;
	t->req = *req;
	t->desired = desired;
	t->duration = duration;
}

int cs_app_track_adopt(struct cs_app_track *t, struct cs_controller *c, const struct cs_app *app,
		       const struct cs_cfg *cfg, json_t *entry, const char *path)
{
	cs_time duration;
	if (cs_app_task_duration(cfg, entry, path, &duration) < 0)
		return -1;
	struct cs_res req = {cs_qty_from_double(app->cpu), cs_qty_from_double(app->mem), cs_qty_from_double(app->disk)};
	cs_app_track_init(t, c, &req, app->instances, duration);
	t->app = app;
	t->rule = cs_app_rule_new(t, app);
	return 0;
}

void cs_app_track_release(struct cs_app_track *t)
{
	for (size_t i = 0; i < t->nlive; i++) {
		free(t->live[i]->slot[CS_LAYER_CONTROLLER].data);
		t->live[i]->slot[CS_LAYER_CONTROLLER].data = NULL;
	}
	free(t->restores);
	free(t->live);
	cs_app_rule_free(t->rule);
	memset(t, 0, sizeof *t);
}

static cs_time now_of(const struct cs_app_track *t)
{
	return cs_engine_now(t->c->host->engine);
}

/* integrate up to now, before running changes */
static void account(struct cs_app_track *t)
{
	cs_time now = now_of(t);
	double dt = cs_time_to_seconds(now - t->since);
	t->running_area += dt * (double)t->running;
	if (t->running >= t->desired)
		t->available_seconds += dt;
	t->since = now;
}

void cs_app_track_start(struct cs_app_track *t)
{
	t->started_at = t->since = now_of(t);
}

void cs_app_track_launch(struct cs_app_track *t, uint32_t n, bool replacement)
{
	if (n == 0)
		return;
	struct cs_job *job = cs_host_new_job(t->c->host, t->c, n, &t->req, t->duration, CS_JOB_SERVICE, 0, t->app);
	job->rule = cs_app_rule_of(t->rule);
	/* which of its tasks have started: a byte per task in the job's
	 * controller slot (a task lost while staging never ran); filled
	 * before the scheduler sees the job, which may start it at once */
	job->slot[CS_LAYER_CONTROLLER].data = cs_xcalloc(n, 1);
	CS_GROW(t->live, t->caplive, t->nlive + 1);
	t->live[t->nlive++] = job;
	cs_host_submit_job(t->c->host, job);
	if (replacement)
		t->restarts += n;
}

static uint8_t *ran(struct cs_task *task)
{
	return (uint8_t *)task->job->slot[CS_LAYER_CONTROLLER].data + task->index;
}

void cs_app_track_started(struct cs_app_track *t, struct cs_task *task)
{
	*ran(task) = 1;
	if (t->rule && !cs_app_rule_kept(t->rule, t->c->host->cell, task)) {
		t->violations++;
#ifdef CS_DEBUG
		fprintf(stderr, "clustersim: internal error: %s: an instance on machine %u breaks a constraint\n",
			t->c->name, task->machine);
		abort();
#endif
	}
	account(t);
	t->running++;
	if (t->degraded && t->running >= t->desired) {
		t->degraded = false;
		CS_GROW(t->restores, t->caprestores, t->nrestores + 1);
		t->restores[t->nrestores++] = cs_time_to_seconds(now_of(t) - t->degraded_since);
	}
}

void cs_app_track_ended(struct cs_app_track *t, struct cs_task *task, enum cs_task_state why)
{
	/* a task that never ran (lost while staging) was not counted */
	if (!*ran(task))
		return;
	*ran(task) = 0;
	account(t);
	t->running--;
	if (why != CS_TASK_FINISHED) {
		t->losses++;
		if (!t->degraded && t->running < t->desired) {
			t->degraded = true;
			t->degraded_since = now_of(t);
		}
	}
}

void cs_app_track_job_ended(struct cs_app_track *t, struct cs_job *job)
{
	free(job->slot[CS_LAYER_CONTROLLER].data);
	job->slot[CS_LAYER_CONTROLLER].data = NULL;
	for (size_t i = 0; i < t->nlive; i++) {
		if (t->live[i] == job) {
			t->live[i] = t->live[--t->nlive];
			return;
		}
	}
}

json_t *cs_app_track_report(struct cs_app_track *t, const char *kind)
{
	account(t);
	double span = cs_time_to_seconds(now_of(t) - t->started_at);
	json_t *restore = json_object();
	if (t->nrestores) {
		double *v = cs_xmalloc(t->nrestores * sizeof *v);
		memcpy(v, t->restores, t->nrestores * sizeof *v);
		cs_sort_doubles(v, t->nrestores);
		double median = t->nrestores % 2 ? v[t->nrestores / 2]
						 : (v[t->nrestores / 2 - 1] + v[t->nrestores / 2]) / 2;
		json_object_set_new(restore, "median", json_real(median));
		json_object_set_new(restore, "max", json_real(v[t->nrestores - 1]));
		free(v);
	} else {
		json_object_set_new(restore, "median", json_null());
		json_object_set_new(restore, "max", json_null());
	}
	json_object_set_new(restore, "n", json_integer((json_int_t)t->nrestores));
	return json_pack("{s:s, s:I, s:I, s:o, s:o, s:o, s:I, s:I, s:I}", "kind", kind, "desired", (json_int_t)t->desired,
			 "running", (json_int_t)t->running,
			 "running_mean", span > 0 ? json_real(t->running_area / span) : json_null(), "availability",
			 span > 0 ? json_real(t->available_seconds / span) : json_null(), "restore_seconds", restore, "restarts",
			 (json_int_t)t->restarts, "losses", (json_int_t)t->losses, "constraint_violations",
			 (json_int_t)t->violations);
}

/* the first multiple of step at or after t */
static cs_time ceil_to(cs_time t, cs_time step)
{
	return (t + step - 1) / step * step;
}

cs_time cs_mesos_agent_removed(cs_time t, cs_time ping_interval, uint32_t max_pings)
{
	return ceil_to(t, ping_interval) + (cs_time)max_pings * ping_interval;
}

cs_time cs_k8s_node_not_ready(cs_time t, cs_time status_every, cs_time monitor_every, cs_time grace)
{
	cs_time last_status = t / status_every * status_every;
	/* the first check strictly after last_status + grace */
	return (last_status + grace) / monitor_every * monitor_every + monitor_every;
}

static void replace_fire(void *ctx, cs_time now)
{
	struct cs_app_track *t = ctx;
	t->owed--;
	cs_app_track_launch(t, 1, true);
}

void cs_app_track_replace_at(struct cs_app_track *t, cs_time at)
{
	t->owed++;
	cs_engine_at(t->c->host->engine, at, replace_fire, t);
}

static int timing_object(const struct cs_cfg *cfg, json_t *entry, const char *path, const char *key,
			 const char *const *keys, json_t **obj, char *p, size_t n)
{
	cs_path_key(p, n, path, key);
	*obj = json_object_get(entry, key);
	if (!*obj) {
		*obj = json_object();
		json_object_set_new(entry, key, *obj);
	}
	return cs_cfg_need_object(cfg, *obj, p) < 0 || cs_cfg_keys(cfg, *obj, p, keys) < 0 ? -1 : 0;
}

int cs_mesos_timing_parse(const struct cs_cfg *cfg, json_t *entry, const char *path, struct cs_mesos_timing *out)
{
	static const char *const keys[] = {"agent_ping_timeout", "max_agent_ping_timeouts", NULL};
	json_t *o;
	char p[128];
	uint64_t max;
	if (timing_object(cfg, entry, path, "mesos", keys, &o, p, sizeof p) < 0 ||
	    cs_cfg_time(cfg, o, p, "agent_ping_timeout", 15, CS_CFG_POSITIVE, &out->ping) < 0 ||
	    cs_cfg_count(cfg, o, p, "max_agent_ping_timeouts", 5, 0, 1, 1000, &max) < 0)
		return -1;
	out->max_pings = (uint32_t)max;
	return 0;
}

int cs_k8s_timing_parse(const struct cs_cfg *cfg, json_t *entry, const char *path, struct cs_k8s_timing *out)
{
	static const char *const keys[] = {"node_status_update_frequency", "node_monitor_period",
					   "node_monitor_grace_period", "default_toleration_seconds", NULL};
	json_t *o;
	char p[128];
	if (timing_object(cfg, entry, path, "kubernetes", keys, &o, p, sizeof p) < 0 ||
	    cs_cfg_time(cfg, o, p, "node_status_update_frequency", 10, CS_CFG_POSITIVE, &out->status_every) < 0 ||
	    cs_cfg_time(cfg, o, p, "node_monitor_period", 5, CS_CFG_POSITIVE, &out->monitor_every) < 0 ||
	    cs_cfg_time(cfg, o, p, "node_monitor_grace_period", 40, CS_CFG_NONNEG, &out->grace) < 0 ||
	    cs_cfg_time(cfg, o, p, "default_toleration_seconds", 300, CS_CFG_NONNEG, &out->toleration) < 0)
		return -1;
	return 0;
}

int cs_app_task_duration(const struct cs_cfg *cfg, json_t *entry, const char *path, cs_time *out)
{
	return cs_cfg_time(cfg, entry, path, "task_duration", (double)NAN, CS_CFG_NULLABLE | CS_CFG_POSITIVE, out) < 0 ? -1 : 0;
}

void cs_app_ops_task_started(struct cs_controller *c, struct cs_task *task)
{
	cs_app_track_started(c->impl, task);
}

void cs_app_ops_job_ended(struct cs_controller *c, struct cs_job *job)
{
	cs_app_track_job_ended(c->impl, job);
}

int64_t cs_app_ops_running(struct cs_controller *c)
{
	return (int64_t)((struct cs_app_track *)c->impl)->running;
}

void cs_app_ops_destroy(struct cs_controller *c)
{
	if (c->impl)
		cs_app_track_release(c->impl);
	free(c->impl);
	c->impl = NULL;
}

void cs_app_ops_start(struct cs_controller *c)
{
	struct cs_app_track *t = c->impl;
	cs_app_track_start(t);
	cs_app_track_launch(t, (uint32_t)t->desired, false);
}
