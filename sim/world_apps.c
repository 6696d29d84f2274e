/* sim/world_apps — the experiment's "apps": spec files in the real
 * systems' formats (specs/spec.h), each app kept alive by the controller
 * kind that takes it (controllers/controller.h: takes, adopt) on top of
 * the experiment's scheduler.
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
};

struct cs_world_apps {
	struct app_file *files;
	size_t nfiles;
	size_t ncontrollers;
	uint32_t first;      /* the first app controller's index in w->controllers */
};

/* An Aurora job key: cluster/role/env/name, four non-empty parts. */
static int split_key(const char *key, char parts[4][256])
{
	const char *s = key;
	for (int i = 0; i < 4; i++) {
		size_t n = strcspn(s, "/");
		if (n == 0 || n >= 256 || (i < 3 && s[n] != '/') || (i == 3 && s[n]))
			return -1;
		memcpy(parts[i], s, n);
		parts[i][n] = '\0';
		s += n + (i < 3);
	}
	return 0;
}

/* Pick the key's job and fill its unset key parts. */
static int bind_key(const struct cs_cfg *cfg, struct app_file *f, const char *key)
{
	char parts[4][256], where[96];
	cs_path_key(where, sizeof where, f->path, "key");
	if (split_key(key, parts) < 0)
		return cs_error_input(cfg->err, cfg->file, where, "expected an Aurora job key cluster/role/environment/name (got \"%s\")", key);
	if (f->set.format != CS_SPEC_AURORA)
		return cs_error_input(cfg->err, cfg->file, where, "a job key is for an Aurora config; %s is a %s file",
				      f->set.file, cs_spec_format_name(f->set.format));
	size_t found = 0;
	for (size_t i = 0; i < f->set.n; i++) {
		struct cs_app *a = &f->set.apps[i];
		f->runs[i] = false;
		if (strcmp(a->name, parts[3]) != 0)
			continue;
		char **have[3] = {&a->aurora.cluster, &a->aurora.role, &a->aurora.environment};
		bool match = true;
		for (int k = 0; k < 3; k++)
			match = match && (!*have[k] || strcmp(*have[k], parts[k]) == 0);
		if (!match)
			continue;
		for (int k = 0; k < 3; k++)
			if (!*have[k])
				*have[k] = cs_xstrdup(parts[k]);
		f->runs[i] = true;
		found++;
	}
	if (!found)
		return cs_error_input(cfg->err, cfg->file, where, "no job of %s has the key %s", f->set.file, key);
	return 0;
}

static int check_entry_keys(const struct cs_cfg *cfg, struct app_file *f)
{
	const char *keys[32] = {"file", "key", "at"};
	size_t n = 3;
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
		    cs_cfg_str(cfg, f->entry, f->path, "key", NULL, 0, &key) < 0)
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
	for (size_t i = 0; i < a->nfiles; i++) {
		struct app_file *f = &a->files[i];
		cs_time at;
		if (cs_cfg_time(cfg, f->entry, f->path, "at", 0, CS_CFG_NONNEG, &at) < 0)
			return -1;
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
			if (ops->adopt(c, cfg, app, f->entry, f->path) < 0)
				return -1;
		}
	}
	return 0;
}

/* A Service: the apps whose pods its selector selects. */
static json_t *service_summary(struct cs_world *w, const struct cs_app *svc)
{
	json_t *sel = json_array();
	for (size_t i = 0; i < w->apps->nfiles; i++) {
		const struct app_file *f = &w->apps->files[i];
		for (size_t k = 0; k < f->set.n; k++)
			if (f->runs[k] && cs_selector_matches(&svc->k8s.selector, &f->set.apps[k].labels))
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
	free(a);
	w->apps = NULL;
}
