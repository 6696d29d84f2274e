/* sim/world_apps — the experiment's "apps": spec files in the real
 * systems' formats (specs/spec.h), each app kept alive by the controller
 * kind that takes it (controllers/controller.h: takes, adopt) on top of
 * the experiment's scheduler, and the scripted actions on them (entries of
 * "events" with scale, update or delete: controller.h's act()).
 *
 * An entry: {"file": PATH (next to the experiment, else as given),
 * "key": "cluster/role/env/name" (Aurora: the job to run, as `aurora
 * create` takes it; it fills the job's unset cluster, role and
 * environment), "at": T (when its controllers start, default 0), and the
 * controller kinds' own keys (marathon and aurora: "mesos", kubernetes:
 * "kubernetes", all: "task_duration")}.  Every app of the file runs (the
 * key's job only, for an Aurora file with a key); a Kubernetes Service is
 * not a controller: it is reported with the apps its selector selects.
 * Each app is also a workload named after it (its metrics, its
 * scheduler path).  summary.json "apps": the controllers' reports
 * (controllers/app_track.h) and the Services; timeseries.csv:
 * "app.NAME.running" for each app controller. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/controller.h"
#include "sim/alloc.h"
#include "sim/world_internal.h"
#include "specs/spec.h"

struct app_file {
	json_t *entry;
	char path[64];
	struct cs_spec_set set;
	bool *runs;          /* per app: kept by a controller */
	const char *framework; /* the Mesos framework named (the entry's), or NULL */
};

/* A scripted action on an app ("events": scale, update, delete). */
struct app_event {
	struct cs_controller *c;
	struct cs_app_action a;
	cs_time at;
};

/* An update's version: a copy of the app's latest spec with "set"
 * applied (the pointers it shares stay the spec set's; cmd is its own). */
struct app_version {
	struct cs_controller *c;
	const struct cs_app *app;
	cs_time at;          /* of its event: one app's events are in time order */
	uint64_t instances;
	bool deleted;
};

struct cs_world_apps {
	struct app_file *files;
	size_t nfiles;
	size_t ncontrollers;
	uint32_t first;      /* the first app controller's index in w->controllers */
	struct app_event *events;
	size_t nevents, capevents;
	struct app_version *versions; /* per app controller: its latest (index c - first) */
	struct cs_app **copies;       /* every update's version */
	char **cmds;
	size_t ncopies, capcopies;
};

static int bind_key(const struct cs_cfg *cfg, struct app_file *f, const char *key)
{
	char where[96];
	cs_path_key(where, sizeof where, f->path, "key");
	if (f->set.format != CS_SPEC_AURORA)
		return cs_error_input(cfg->err, cfg->file, where, "a job key is for an Aurora config; %s is a %s file",
				      f->set.file, cs_spec_format_name(f->set.format));
	int found = cs_spec_bind_job_key(&f->set, key, f->runs);
	if (found < 0)
		return cs_error_input(cfg->err, cfg->file, where,
				      "expected an Aurora job key cluster/role/environment/name (got \"%s\")", key);
	if (!found)
		return cs_error_input(cfg->err, cfg->file, where, "no job of %s has the key %s", f->set.file, key);
	return 0;
}

static int check_entry_keys(const struct cs_cfg *cfg, struct app_file *f)
{
	const char *keys[32] = {"file", "key", "at", "framework"};
	size_t n = 4;
	for (const char *const *k = cs_controller_kinds(); *k && n < 28; k++) {
		const struct cs_controller_ops *ops = cs_controller_find(*k);
		for (const char *const *e = ops->keys_for_apps; e && *e && n < 31; e++) {
			bool dup = false;
			for (size_t j = 0; j < n; j++)
				dup = dup || strcmp(keys[j], *e) == 0;
			if (!dup)
				keys[n++] = *e;
		}
	}
	keys[n] = NULL;
	return cs_cfg_keys(cfg, f->entry, f->path, keys);
}

int cs_world_load_apps(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	json_t *list = json_object_get(exp, "apps");
	if (!list)
		return 0;
	if (!json_is_array(list))
		return cs_error_input(cfg->err, cfg->file, "apps", "expected a list of {\"file\": SPEC_FILE}");
	if (w->duration == CS_TIME_NEVER && json_array_size(list) > 0)
		return cs_error_input(cfg->err, cfg->file, "duration",
				      "missing (apps keep work running: a run with them needs a duration)");
	struct cs_world_apps *a = cs_xcalloc(1, sizeof *a);
	w->apps = a;
	a->files = cs_xcalloc(json_array_size(list) ? json_array_size(list) : 1, sizeof *a->files);
	for (size_t i = 0; i < json_array_size(list); i++) {
		struct app_file *f = &a->files[a->nfiles++];
		f->entry = json_array_get(list, i);
		cs_path_index(f->path, sizeof f->path, "apps", i);
		const char *file, *key = NULL;
		char where[96];
		if (cs_cfg_need_object(cfg, f->entry, f->path) < 0 || check_entry_keys(cfg, f) < 0 ||
		    cs_cfg_str(cfg, f->entry, f->path, "file", NULL, CS_CFG_REQUIRED, &file) < 0 ||
		    cs_cfg_str(cfg, f->entry, f->path, "key", NULL, 0, &key) < 0 ||
		    cs_cfg_str(cfg, f->entry, f->path, "framework", NULL, 0, &f->framework) < 0)
			return -1;
		char *resolved = cs_cfg_input_file(cfg, cs_path_key(where, sizeof where, f->path, "file"), file);
		if (!resolved)
			return -1;
		int rc = cs_spec_load(&f->set, resolved, cfg->err);
		free(resolved);
		if (rc < 0)
			return -1;
		f->runs = cs_xcalloc(f->set.n ? f->set.n : 1, sizeof *f->runs);
		for (size_t k = 0; k < f->set.n; k++)
			f->runs[k] = f->set.apps[k].kind != CS_APP_K8S_SERVICE;
		if (key && bind_key(cfg, f, key) < 0)
			return -1;
		for (size_t k = 0; k < f->set.n; k++) {
			if (!f->runs[k])
				continue;
			if (!cs_controller_for_app(&f->set.apps[k]))
				return cs_error_input(cfg->err, cfg->file, f->path, "no controller kind keeps a %s (%s)",
						      cs_app_kind_name(f->set.apps[k].kind), f->set.apps[k].name);
			a->ncontrollers++;
		}
	}
	return 0;
}

void cs_world_apps_ensure(struct cs_world *w)
{
	if (!w->apps)
		w->apps = cs_xcalloc(1, sizeof *w->apps);
}

size_t cs_world_count_app_controllers(const struct cs_world *w)
{
	return w->apps ? w->apps->ncontrollers : 0;
}

int cs_world_parse_apps(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	struct cs_world_apps *a = w->apps;
	if (!a)
		return 0;
	a->first = w->ncontrollers;
	a->versions = cs_xcalloc(a->ncontrollers ? a->ncontrollers : 1, sizeof *a->versions);
	for (size_t i = 0; i < a->nfiles; i++) {
		struct app_file *f = &a->files[i];
		cs_time at;
		if (cs_cfg_time(cfg, f->entry, f->path, "at", 0, CS_CFG_NONNEG, &at) < 0)
			return -1;
		if (at > w->duration) {
			char where[96];
			return cs_error_input(cfg->err, cfg->file, cs_path_key(where, sizeof where, f->path, "at"),
					      "the app would start after the run's end (got %gs, duration %gs)",
					      cs_time_to_seconds(at), cs_time_to_seconds(w->duration));
		}
		json_t *st = json_object_get(json_object_get(exp, "scheduler"), "type");
		if (f->framework && !(json_is_string(st) && strcmp(json_string_value(st), "mesos") == 0)) {
			char where[96];
			return cs_error_input(cfg->err, cfg->file, cs_path_key(where, sizeof where, f->path, "framework"),
					      "names a Mesos framework: only with a mesos scheduler (got \"%s\")", f->framework);
		}
		for (size_t k = 0; k < f->set.n; k++) {
			if (!f->runs[k])
				continue;
			const struct cs_app *app = &f->set.apps[k];
			const struct cs_controller_ops *ops = cs_controller_for_app(app);
			struct cs_controller *c = cs_world_add_controller(w, cfg, app->name, ops, f->path);
			if (!c)
				return -1;
			c->at = at;
			c->app = true;
			w->workloads[c->workload].app = app;
			w->workloads[c->workload].framework = f->framework;
			struct app_version *lv = &a->versions[(uint32_t)(c - w->controllers) - a->first];
			*lv = (struct app_version){c, app, at, app->instances, false};
			if (ops->adopt(c, cfg, app, f->entry, f->path) < 0)
				return -1;
		}
	}
	return 0;
}

/* ---- scripted actions ---- */

static struct app_version *latest_of(struct cs_world *w, const struct cs_controller *c)
{
	return &w->apps->versions[(uint32_t)(c - w->controllers) - w->apps->first];
}

/* The update's "set": a new version of the app. */
static int apply_set(const struct cs_cfg *cfg, json_t *set, const char *p, struct cs_world_apps *a,
		     struct app_version *lv)
{
	static const char *const keys[] = {"cpus", "mem", "disk", "instances", "cmd", "image", NULL};
	const struct cs_app *from = lv->app;
	struct cs_app *app = cs_xmalloc(sizeof *app);
	*app = *from;
	CS_GROW(a->copies, a->capcopies, a->ncopies + 1);
	a->cmds = cs_xrealloc(a->cmds, a->capcopies * sizeof *a->cmds);
	a->copies[a->ncopies] = app;
	a->cmds[a->ncopies++] = NULL;
	const char *cmd = NULL, *image = NULL;
	uint64_t n;
	if (cs_cfg_need_object(cfg, set, p) < 0 || cs_cfg_keys(cfg, set, p, keys) < 0 ||
	    cs_cfg_qty(cfg, set, p, "cpus", from->cpu, CS_CFG_NONNEG, CS_QTY_CPU, &app->cpu) < 0 ||
	    cs_cfg_qty(cfg, set, p, "mem", from->mem, CS_CFG_NONNEG, CS_QTY_MEM, &app->mem) < 0 ||
	    cs_cfg_qty(cfg, set, p, "disk", from->disk, CS_CFG_NONNEG, CS_QTY_DISK, &app->disk) < 0 ||
	    cs_cfg_count(cfg, set, p, "instances", lv->instances, 0, 0, 1000000, &n) < 0 ||
	    cs_cfg_str(cfg, set, p, "cmd", NULL, 0, &cmd) < 0 || cs_cfg_str(cfg, set, p, "image", NULL, 0, &image) < 0)
		return -1;
	if (cmd) {
		a->cmds[a->ncopies - 1] = cs_xstrdup(cmd);
		app->cmd = a->cmds[a->ncopies - 1];
	}
	app->instances = n;
	lv->app = app;
	lv->instances = n;
	return 0;
}

static void app_event_fire(void *ctx, cs_time now)
{
	struct app_event *e = ctx;
	e->c->ops->act(e->c, &e->a);
}

int cs_world_parse_app_event(struct cs_world *w, const struct cs_cfg *cfg, json_t *e, const char *p)
{
	static const char *const acts[] = {"scale", "update", "delete", NULL};
	static const char *const keys[] = {"at", "scale", "update", "delete", "instances", "set", NULL};
	if (cs_cfg_keys(cfg, e, p, keys) < 0)
		return -1;
	int which = -1;
	for (int i = 0; acts[i]; i++)
		if (json_object_get(e, acts[i])) {
			if (which >= 0)
				return cs_error_input(cfg->err, cfg->file, p, "one action per event (got %s and %s)",
						      acts[which], acts[i]);
			which = i;
		}
	char q[128], got[64];
	cs_path_key(q, sizeof q, p, acts[which]);
	json_t *name = json_object_get(e, acts[which]);
	struct cs_controller *c = NULL;
	for (uint32_t i = 0; json_is_string(name) && w->apps && i < w->ncontrollers && !c; i++)
		if (w->controllers[i].app && strcmp(w->controllers[i].name, json_string_value(name)) == 0)
			c = &w->controllers[i];
	if (!c)
		return cs_error_input(cfg->err, cfg->file, q, "expected the name of one of the experiment's apps (got %s)",
				      cs_cfg_got(name, got, sizeof got));
	struct cs_world_apps *a = w->apps;
	struct app_version *lv = latest_of(w, c);
	struct app_event ev = {c, {(enum cs_app_act)which, lv->instances, NULL}, 0};
	if (cs_cfg_time(cfg, e, p, "at", 0, CS_CFG_REQUIRED | CS_CFG_NONNEG, &ev.at) < 0)
		return -1;
	cs_path_key(q, sizeof q, p, "at");
	if (ev.at > w->duration)
		return cs_error_input(cfg->err, cfg->file, q, "after the run's end (got %gs, duration %gs)",
				      cs_time_to_seconds(ev.at), cs_time_to_seconds(w->duration));
	if (ev.at < c->at)
		return cs_error_input(cfg->err, cfg->file, q, "%s starts at %gs: its events come after (got %gs)", c->name,
				      cs_time_to_seconds(c->at), cs_time_to_seconds(ev.at));
	if (ev.at < lv->at)
		return cs_error_input(cfg->err, cfg->file, q, "events of one app are listed in time order (got %gs after %gs)",
				      cs_time_to_seconds(ev.at), cs_time_to_seconds(lv->at));
	if (lv->deleted)
		return cs_error_input(cfg->err, cfg->file, p, "%s is deleted by an earlier event", c->name);
	if (which != 2 && lv->app->kind == CS_APP_K8S_POD)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, acts[which]),
				      "%s is a bare Pod: Kubernetes scales and updates the pods of a ReplicaSet, "
				      "ReplicationController or Deployment", c->name);
	lv->at = ev.at;
	if (which == 0) {
		if (cs_cfg_count(cfg, e, p, "instances", 0, CS_CFG_REQUIRED, 0, 1000000, &ev.a.instances) < 0)
			return -1;
		lv->instances = ev.a.instances;
	} else if (which == 1) {
		json_t *set = json_object_get(e, "set");
		if (!set)
			set = json_object(), json_object_set_new(e, "set", set);
		if (json_object_get(e, "instances") && json_object_get(set, "instances"))
			return cs_error_input(cfg->err, cfg->file, p, "instances given twice (in the event and in set)");
		if (json_object_get(e, "instances"))
			json_object_set(set, "instances", json_object_get(e, "instances"));
		if (apply_set(cfg, set, cs_path_key(q, sizeof q, p, "set"), a, lv) < 0)
			return -1;
		ev.a.version = lv->app;
		ev.a.instances = lv->instances;
	} else {
		if (json_object_get(e, "instances") || json_object_get(e, "set"))
			return cs_error_input(cfg->err, cfg->file, p, "delete takes no instances or set");
		lv->deleted = true;
	}
	if (which == 0 && json_object_get(e, "set"))
		return cs_error_input(cfg->err, cfg->file, p, "set is for update (scale takes instances)");
	CS_GROW(a->events, a->capevents, a->nevents + 1);
	a->events[a->nevents++] = ev;
	return 0;
}

bool cs_world_is_app_event(json_t *e)
{
	return json_object_get(e, "scale") || json_object_get(e, "update") || json_object_get(e, "delete");
}

void cs_world_start_app_events(struct cs_world *w)
{
	struct cs_world_apps *a = w->apps;
	for (size_t i = 0; a && i < a->nevents; i++)
		cs_engine_at(&w->engine, a->events[i].at, app_event_fire, &a->events[i]);
}

/* a Kubernetes workload: its labels are pod labels (a Marathon app's are
 * the app's own, which no Service selects) */
static bool is_pod_app(const struct cs_app *a)
{
	return a->kind == CS_APP_K8S_POD || a->kind == CS_APP_K8S_RC || a->kind == CS_APP_K8S_RS ||
	       a->kind == CS_APP_K8S_DEPLOYMENT;
}

const struct cs_app *cs_world_service(struct cs_world *w, const char *name, uint32_t *workloads, size_t *n)
{
	*n = 0;
	for (size_t i = 0; w->apps && i < w->apps->nfiles; i++) {
		const struct app_file *f = &w->apps->files[i];
		for (size_t k = 0; k < f->set.n; k++) {
			const struct cs_app *svc = &f->set.apps[k];
			if (svc->kind != CS_APP_K8S_SERVICE || strcmp(svc->name, name) != 0)
				continue;
			for (uint32_t c = 0; c < w->ncontrollers; c++) {
				const struct cs_controller *ctl = &w->controllers[c];
				const struct cs_app *app = w->workloads[ctl->workload].app;
				if (ctl->app && app && is_pod_app(app) && cs_selector_matches(&svc->k8s.selector, &app->labels))
					workloads[(*n)++] = ctl->workload;
			}
			return svc;
		}
	}
	return NULL;
}

/* A Service: the apps whose pods its selector selects. */
static json_t *service_summary(struct cs_world *w, const struct cs_app *svc)
{
	json_t *sel = json_array();
	for (size_t i = 0; i < w->apps->nfiles; i++) {
		const struct app_file *f = &w->apps->files[i];
		for (size_t k = 0; k < f->set.n; k++)
			if (f->runs[k] && is_pod_app(&f->set.apps[k]) &&
			    cs_selector_matches(&svc->k8s.selector, &f->set.apps[k].labels))
				json_array_append_new(sel, json_string(f->set.apps[k].name));
	}
	return json_pack("{s:s, s:o}", "kind", "kubernetes-Service", "selects", sel);
}

json_t *cs_world_apps_summary(struct cs_world *w)
{
	if (!w->apps)
		return NULL;
	json_t *o = json_object();
	for (uint32_t i = 0; i < w->ncontrollers; i++) {
		struct cs_controller *c = &w->controllers[i];
		if (c->app)
			json_object_set_new(o, c->name, c->ops->report(c));
	}
	for (size_t i = 0; i < w->apps->nfiles; i++) {
		const struct app_file *f = &w->apps->files[i];
		for (size_t k = 0; k < f->set.n; k++) {
			const struct cs_app *svc = &f->set.apps[k];
			if (svc->kind != CS_APP_K8S_SERVICE)
				continue;
			/* a Service shares its name with its workload, as in
			 * the guestbook: then it is "NAME (Service)" */
			char name[300];
			snprintf(name, sizeof name, json_object_get(o, svc->name) ? "%s (Service)" : "%s", svc->name);
			json_object_set_new(o, name, service_summary(w, svc));
		}
	}
	return o;
}

static void apps_columns(void *ctx, struct cs_series *s)
{
	struct cs_world *w = ctx;
	for (uint32_t i = 0; i < w->ncontrollers; i++) {
		if (!w->controllers[i].app || !w->controllers[i].ops->running)
			continue;
		char col[300];
		snprintf(col, sizeof col, "app.%s.running", w->controllers[i].name);
		cs_series_column(s, col);
	}
}

static void apps_row(void *ctx, struct cs_series *s, cs_time now)
{
	struct cs_world *w = ctx;
	for (uint32_t i = 0; i < w->ncontrollers; i++) {
		struct cs_controller *c = &w->controllers[i];
		if (c->app && c->ops->running)
			cs_series_count(s, (uint64_t)c->ops->running(c));
	}
}

void cs_world_apps_series_add(struct cs_world *w)
{
	if (w->apps && w->apps->ncontrollers)
		cs_series_add(&w->series, &(struct cs_series_source){apps_columns, apps_row, w});
}

void cs_world_release_apps(struct cs_world *w)
{
	struct cs_world_apps *a = w->apps;
	if (!a)
		return;
	for (size_t i = 0; i < a->nfiles; i++) {
		cs_spec_set_release(&a->files[i].set);
		free(a->files[i].runs);
	}
	free(a->files);
	for (size_t i = 0; i < a->ncopies; i++) {
		free(a->cmds[i]);
		free(a->copies[i]);
	}
	free(a->copies);
	free(a->cmds);
	free(a->versions);
	free(a->events);
	free(a);
	w->apps = NULL;
}
