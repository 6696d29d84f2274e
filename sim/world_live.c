/* sim/world_live — the world's side of live mode: apps that arrive while
 * the run goes on (the controller's API, live/), each kept by the
 * controller kind that takes it, as an entry of "apps" would be.
 *
 * "live": {"apps": N} (default 100, at most 100000) makes room for N
 * such apps: the controllers array is sized at build time, and the
 * schedulers size their per-workload tables then, so every live app's
 * jobs belong to one workload, "live" (kind service), made after the
 * experiment's own.  An app deleted keeps its slot (its controller
 * reports it deleted), so N bounds the apps created over the run.
 * Without "live", the world has no room and no such workload. */
#include <stdio.h>
#include <string.h>

#include "controllers/controller.h"
#include "sim/alloc.h"
#include "sim/world_internal.h"
#include "specs/spec.h"

int cs_world_parse_live(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	json_t *live = json_object_get(exp, "live");
	if (!live)
		return 0;
	static const char *const keys[] = {"apps", "load_balancers", NULL}; /* (the latter: live/lb_sync) */
	uint64_t n;
	if (cs_cfg_need_object(cfg, live, "live") < 0 || cs_cfg_keys(cfg, live, "live", keys) < 0 ||
	    cs_cfg_count(cfg, live, "live", "apps", 100, 0, 1, 100000, &n) < 0)
		return -1;
	size_t i;
	json_t *wl;
	json_array_foreach(json_object_get(exp, "workloads"), i, wl) {
		const char *name = json_string_value(json_object_get(wl, "name"));
		if (name && strcmp(name, "live") == 0)
			return cs_error_input(cfg->err, cfg->file, "live",
					      "the workload \"live\" is the live apps' own: rename the experiment's");
	}
	w->live_slots = (uint32_t)n;
	return 0;
}

static int no_jobs(void *self, struct cs_job **job, struct cs_error *err)
{
	return 0;
}

static void no_close(void *self)
{
}

static const struct cs_source_ops live_source = {"live", no_jobs, no_close, NULL};

void cs_world_add_live_workload(struct cs_world *w)
{
	if (!w->live_slots)
		return;
	struct cs_workload *wl = &w->workloads[w->nworkloads];
	wl->world = w;
	wl->index = w->nworkloads;
	wl->name = cs_xstrdup("live");
	wl->kind = CS_JOB_SERVICE;
	wl->src = (struct cs_source){&live_source, NULL};
	w->live_workload = w->nworkloads++;
	cs_world_apps_ensure(w);
}

struct cs_controller *cs_world_live_app(struct cs_world *w, const struct cs_app *app, json_t *entry, bool start,
					struct cs_error *err)
{
	if (w->live_apps >= w->live_slots) {
		cs_error_input(err, w->file, "live.apps", "room for %u apps, all taken (raise \"live\": {\"apps\": N})",
			       w->live_slots);
		return NULL;
	}
	const struct cs_controller_ops *ops = cs_controller_for_app(app);
	if (!ops) {
		cs_error_input(err, w->file, app->name, "no controller kind keeps a %s", cs_app_kind_name(app->kind));
		return NULL;
	}
	struct cs_controller *c = &w->controllers[w->ncontrollers];
	*c = (struct cs_controller){ops, NULL, &w->host, app->name, w->live_workload, cs_engine_now(&w->engine), true};
	json_t *own = entry ? json_incref(entry) : json_object();
	struct cs_cfg cfg = {w->file, NULL, err};
	int rc = ops->adopt(c, &cfg, app, own, "live");
	json_decref(own);
	if (rc < 0) {
		if (ops->destroy && c->impl)
			ops->destroy(c);
		return NULL;
	}
	w->ncontrollers++;
	w->live_apps++;
	if (ops->task_started)
		w->controllers_notify = true;
	if (start)
		cs_world_live_start(w, c);
	return c;
}

void cs_world_live_start(struct cs_world *w, struct cs_controller *c)
{
	c->at = cs_engine_now(&w->engine);
	if (c->ops->start)
		c->ops->start(c);
}

void cs_world_live_machine(struct cs_world *w, uint32_t m, bool up, const struct cs_res *cap)
{
	if (up == !!w->cell.mach[m].up)
		return;
	if (up) {
		cs_cell_set_capacity(&w->cell, m, *cap);
		cs_world_machine_up(w, m);
	} else {
		cs_world_machine_down(w, m);
	}
}
