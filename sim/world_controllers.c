/* sim/world_controllers — the world's side of the controller layer
 * (controllers/controller.h): the "controllers" list of the experiment,
 * each entry a controller and a workload of its own name; starting them;
 * their jobs (cs_host_submit); telling them of their tasks'
 * and jobs' ends; their part of summary.json.
 *
 * A controller's jobs differ from a workload's in one rule: a task of
 * theirs that is lost, fails or is preempted is not placed again by the
 * world (the job counts it as ended); the controller hears why and
 * decides. */
#include <stdlib.h>
#include <string.h>

#include "controllers/controller.h"
#include "sim/alloc.h"
#include "sim/world_internal.h"

/* The workload of a controller has no source: its jobs come from the
 * controller. */
static int no_jobs(void *self, struct cs_job **job, struct cs_error *err)
{
	return 0;
}

static void no_close(void *self)
{
}

static const struct cs_source_ops controller_source = {"controller", no_jobs, no_close, NULL};

size_t cs_world_count_controllers(const json_t *exp)
{
	return json_array_size(json_object_get(exp, "controllers"));
}

struct cs_controller *cs_world_add_controller(struct cs_world *w, const struct cs_cfg *cfg, const char *name,
					      const struct cs_controller_ops *ops, const char *where)
{
	if (cs_world_workload(w, name) >= 0) {
		cs_error_input(cfg->err, cfg->file, where, "\"%s\" names a workload, controller or app already", name);
		return NULL;
	}
	/* its workload, after the experiment's */
	struct cs_workload *wl = &w->workloads[w->nworkloads];
	wl->world = w;
	wl->index = w->nworkloads;
	wl->name = cs_xstrdup(name);
	wl->kind = CS_JOB_SERVICE;
	wl->src = (struct cs_source){&controller_source, NULL};
	w->nworkloads++;
	struct cs_controller *c = &w->controllers[w->ncontrollers];
	*c = (struct cs_controller){ops, NULL, &w->host, wl->name, wl->index, 0, false};
	w->ncontrollers++;
	if (ops->task_started)
		w->controllers_notify = true;
	return c;
}

int cs_world_parse_controllers(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	static const char *const base_keys[] = {"name", "kind", "at", NULL};
	json_t *list = json_object_get(exp, "controllers");
	if (!list)
		return 0;
	if (!json_is_array(list))
		return cs_error_input(cfg->err, cfg->file, "controllers", "expected a list of controllers");
	if (w->duration == CS_TIME_NEVER && json_array_size(list) > 0)
		return cs_error_input(cfg->err, cfg->file, "duration", "missing (controllers keep work running: a run "
				      "with them needs a duration)");
	size_t n = json_array_size(list);
	for (size_t i = 0; i < n; i++) {
		char p[64];
		cs_path_index(p, sizeof p, "controllers", i);
		json_t *cj = json_array_get(list, i);
		const char *name, *kind;
		if (cs_cfg_need_object(cfg, cj, p) < 0 || cs_cfg_str(cfg, cj, p, "name", NULL, CS_CFG_REQUIRED, &name) < 0 ||
		    cs_cfg_str(cfg, cj, p, "kind", NULL, CS_CFG_REQUIRED, &kind) < 0)
			return -1;
		const struct cs_controller_ops *ops = cs_controller_find(kind);
		char kp[96];
		if (!ops) {
			const char *hint = cs_did_you_mean(kind, cs_controller_kinds());
			return cs_error_input(cfg->err, cfg->file, cs_path_key(kp, sizeof kp, p, "kind"),
					      hint ? "unknown controller kind \"%s\" (did you mean \"%s\"?)"
						   : "unknown controller kind \"%s\"%s", kind, hint ? hint : "");
		}
		const char *keys[32];
		size_t nk = 0;
		for (size_t k = 0; base_keys[k]; k++)
			keys[nk++] = base_keys[k];
		for (size_t k = 0; ops->keys && ops->keys[k] && nk < 31; k++)
			keys[nk++] = ops->keys[k];
		keys[nk] = NULL;
		if (cs_cfg_keys(cfg, cj, p, keys) < 0)
			return -1;
		if (!ops->create) {
			return cs_error_input(cfg->err, cfg->file, cs_path_key(kp, sizeof kp, p, "kind"),
					      "the %s kind keeps apps of spec files: list the file under \"apps\"", kind);
		}
		struct cs_controller *c = cs_world_add_controller(w, cfg, name, ops, cs_path_key(kp, sizeof kp, p, "name"));
		if (!c)
			return -1;
		if (cs_cfg_time(cfg, cj, p, "at", 0, CS_CFG_NONNEG, &c->at) < 0 || ops->create(c, cfg, cj, p) < 0)
			return -1;
	}
	return 0;
}

static void start_fire(void *ctx, cs_time now)
{
	struct cs_controller *c = ctx;
	c->ops->start(c);
}

void cs_world_start_controllers(struct cs_world *w)
{
	for (uint32_t i = 0; i < w->ncontrollers; i++)
		if (w->controllers[i].ops->start)
			cs_engine_at(&w->engine, w->controllers[i].at, start_fire, &w->controllers[i]);
}

void cs_world_controller_task_ended(struct cs_task *task, enum cs_task_state why)
{
	struct cs_controller *c = task->job->controller;
	if (c->ops->task_ended)
		c->ops->task_ended(c, task, why);
}

void cs_world_controller_task_started(struct cs_task *task)
{
	struct cs_controller *c = task->job->controller;
	if (c->ops->task_started)
		c->ops->task_started(c, task);
}

void cs_world_controller_job_ended(struct cs_job *job)
{
	struct cs_controller *c = job->controller;
	if (c->ops->job_ended)
		c->ops->job_ended(c, job);
}

json_t *cs_world_controllers_summary(struct cs_world *w)
{
	json_t *o = json_object();
	for (uint32_t i = 0; i < w->ncontrollers; i++) {
		struct cs_controller *c = &w->controllers[i];
		if (c->app)
			continue; /* under "apps" */
		json_object_set_new(o, c->name, c->ops->report ? c->ops->report(c) : json_object());
	}
	return o;
}

void cs_world_release_controllers(struct cs_world *w)
{
	for (uint32_t i = 0; i < w->ncontrollers; i++)
		if (w->controllers[i].ops->destroy)
			w->controllers[i].ops->destroy(&w->controllers[i]);
	free(w->controllers);
	w->controllers = NULL;
	w->ncontrollers = 0;
}

struct cs_job *cs_host_new_job(struct cs_host *h, struct cs_controller *c, uint32_t ntasks, const struct cs_res *req,
			       cs_time duration, enum cs_job_kind kind, int priority, const struct cs_app *spec)
{
	struct cs_world *w = h->world;
	struct cs_job *job = cs_job_new(ntasks);
	job->workload = c->workload;
	job->kind = kind;
	job->priority = priority;
	job->req = *req;
	job->duration = duration;
	job->submit = cs_engine_now(&w->engine);
	job->controller = c;
	job->spec = spec;
	return job;
}

void cs_host_submit_job(struct cs_host *h, struct cs_job *job)
{
	cs_world_submit(h->world, job);
}

void cs_host_submit_placed(struct cs_host *h, struct cs_job *job, const uint32_t *machines)
{
	cs_world_submit_placed(h->world, job, machines);
}

struct cs_job *cs_host_submit(struct cs_host *h, struct cs_controller *c, uint32_t ntasks, const struct cs_res *req,
			      cs_time duration, enum cs_job_kind kind, int priority, const struct cs_app *spec)
{
	struct cs_job *job = cs_host_new_job(h, c, ntasks, req, duration, kind, priority, spec);
	cs_host_submit_job(h, job);
	return job;
}
