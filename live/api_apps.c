/* live/api_apps — /v2/apps: creating, showing, scaling, updating and
 * deleting apps.  See api.h for the routes and errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/controller.h"
#include "live/agents.h"
#include "live/api_internal.h"
#include "live/clock.h"
#include "live/http_server.h"
#include "live/state_db.h"
#include "sim/alloc.h"
#include "sim/world.h"

static const char container_note[] =
	"recorded, not run: there is no Docker engine here; cmd runs as a process on the agent";

/* The spec reader's "request: WHERE: what" as a JSON pointer and a
 * message (a syntax error's LINE:COL is no path: then "/"). */
static void reader_error(struct cs_http_exchange *x, const char *msg)
{
	const char *p = strncmp(msg, "request: ", 9) == 0 ? msg + 9 : msg;
	const char *sep = strstr(p, ": ");
	char path[256] = "/";
	size_t n = sep ? (size_t)(sep - p) : 0;
	if (sep && n < sizeof path - 2 && !memchr(p, ' ', n) && !(p[0] >= '0' && p[0] <= '9')) {
		/* "constraints[0][1]" -> "/constraints/0/1" */
		size_t w = 0;
		path[w++] = '/';
		for (size_t i = 0; i < n && w < sizeof path - 1; i++)
			if (p[i] == '.' || p[i] == '[')
				path[w++] = '/';
			else if (p[i] != ']')
				path[w++] = p[i];
		path[w] = '\0';
		p = sep + 2;
	}
	cs_live_api_error(x, 400, "Object is not valid", path, p);
}

static int64_t running_of(const struct live_app *a)
{
	return a->c->ops->running ? a->c->ops->running(a->c) : 0;
}

static uint64_t desired_of(const struct live_app *a)
{
	json_t *r = a->c->ops->report(a->c);
	uint64_t d = (uint64_t)json_integer_value(json_object_get(r, "desired"));
	json_decref(r);
	return d;
}

/* A deployment is in progress while the app runs other than its desired
 * count (scaling, a rollout, replacing lost tasks). */
static bool deploying(const struct live_app *a)
{
	return !a->deleted && (uint64_t)running_of(a) != desired_of(a);
}

json_t *cs_live_api_app_json(struct cs_live_api *api, const struct live_app *a, bool with_tasks)
{
	json_t *o = json_deep_copy(a->def);
	const struct cs_app *s = a->cur;
	char id[300];
	snprintf(id, sizeof id, "/%s", a->id);
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "instances", json_integer((json_int_t)desired_of(a)));
	json_object_set_new(o, "cpus", json_real(s->cpu));
	json_object_set_new(o, "mem", json_real(s->mem));
	json_object_set_new(o, "disk", json_real(s->disk));
	json_object_set_new(o, "version", json_string(a->version));
	int64_t running = running_of(a);
	json_t *tasks = cs_live_agents_tasks(api->agents, a->id);
	json_object_set_new(o, "tasksRunning", json_integer(running));
	json_object_set_new(o, "tasksStaged", json_integer((json_int_t)json_array_size(tasks) - running));
	json_object_set_new(o, "tasksHealthy", json_integer(0));
	json_object_set_new(o, "tasksUnhealthy", json_integer(0));
	json_t *deps = json_array();
	if (deploying(a))
		json_array_append_new(deps, json_pack("{s:s}", "id", a->deployment));
	json_object_set_new(o, "deployments", deps);
	if (with_tasks)
		json_object_set_new(o, "tasks", tasks);
	else
		json_decref(tasks);
	json_t *note = json_pack("{s:s}", "controller", a->c->ops->kind);
	if (json_object_get(a->def, "container"))
		json_object_set_new(note, "container", json_string(container_note));
	json_object_set_new(o, "clustersim", note);
	return o;
}

static bool bad_field(struct cs_http_exchange *x, const char *path, const char *what)
{
	cs_live_api_error(x, 400, "Object is not valid", path, what);
	return false;
}

/* The fields a live task runs with, which the spec reader takes as
 * "unmodelled": their types and ranges, as Marathon checks them.  A
 * definition must have cmd or args (not both): there is no container
 * engine to run an image's entrypoint. */
static bool valid_live_fields(json_t *def, struct cs_http_exchange *x)
{
	json_t *cmd = json_object_get(def, "cmd"), *args = json_object_get(def, "args");
	bool has_cmd = json_is_string(cmd) && json_string_length(cmd) > 0;
	bool has_args = json_is_array(args) && json_array_size(args) > 0;
	if (cmd && !json_is_null(cmd) && !json_is_string(cmd))
		return bad_field(x, "/cmd", "expected a string");
	if (args && !json_is_null(args) && !json_is_array(args))
		return bad_field(x, "/args", "expected a list of strings");
	size_t i;
	json_t *v;
	json_array_foreach(args, i, v)
		if (!json_is_string(v))
			return bad_field(x, "/args", "expected a list of strings");
	if (has_cmd && has_args)
		return bad_field(x, "/", "an app has cmd or args, not both");
	if (!has_cmd && !has_args)
		return bad_field(x, "/cmd", "an app needs a cmd or args (no container engine runs an image here)");
	json_t *env = json_object_get(def, "env");
	const char *k;
	if (env && !json_is_null(env) && !json_is_object(env))
		return bad_field(x, "/env", "expected an object of strings");
	json_object_foreach(env, k, v)
		if (!json_is_string(v) || !*k || strchr(k, '='))
			return bad_field(x, "/env", "expected names (non-empty, without '=') with string values");
	json_t *ports = json_object_get(def, "ports"), *pd = json_object_get(def, "portDefinitions");
	if ((ports && !json_is_array(ports)) || (pd && !json_is_array(pd)))
		return bad_field(x, ports && !json_is_array(ports) ? "/ports" : "/portDefinitions", "expected a list");
	if (json_array_size(ports) > 16 || json_array_size(pd) > 16)
		return bad_field(x, json_array_size(ports) > 16 ? "/ports" : "/portDefinitions", "at most 16 ports");
	json_array_foreach(ports, i, v)
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 65535)
			return bad_field(x, "/ports", "expected port numbers 0 ... 65535");
	json_array_foreach(pd, i, v) {
		json_t *port = json_object_get(v, "port");
		if (!json_is_object(v) ||
		    (port && (!json_is_integer(port) || json_integer_value(port) < 0 || json_integer_value(port) > 65535)))
			return bad_field(x, "/portDefinitions", "expected objects with a port 0 ... 65535");
	}
	json_t *g = json_object_get(def, "taskKillGracePeriodSeconds");
	if (g && !json_is_null(g) && (!json_is_number(g) || json_number_value(g) < 0 || json_number_value(g) > 3600))
		return bad_field(x, "/taskKillGracePeriodSeconds", "expected seconds from 0 to 3600");
	static const struct {
		const char *key;
		json_type type;
	} shapes[] = {{"container", JSON_OBJECT}, {"healthChecks", JSON_ARRAY}, {"uris", JSON_ARRAY},
		      {"fetch", JSON_ARRAY},      {"dependencies", JSON_ARRAY}, {"user", JSON_STRING}};
	for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
		json_t *f = json_object_get(def, shapes[s].key);
		if (f && !json_is_null(f) && json_typeof(f) != shapes[s].type) {
			char path[40];
			snprintf(path, sizeof path, "/%s", shapes[s].key);
			return bad_field(x, path, shapes[s].type == JSON_OBJECT ? "expected an object"
						  : shapes[s].type == JSON_ARRAY ? "expected a list"
										 : "expected a string");
		}
	}
	return true;
}

/* Read a definition as a new version of a: its spec set is kept for the
 * run (the controller points into it).  NULL after a 400 reply. */
static const struct cs_app *read_version(struct live_app *a, json_t *def, struct cs_http_exchange *x)
{
	if (!json_object_get(def, "aurora") && !valid_live_fields(def, x))
		return NULL;
	const char *idv = json_string_value(json_object_get(def, "id"));
	if (idv && strlen(idv) > 200) {
		cs_live_api_error(x, 400, "Object is not valid", "/id", "longer than 200 characters");
		return NULL;
	}
	char *text = json_dumps(def, JSON_COMPACT);
	struct cs_spec_set set;
	struct cs_error err = {0};
	memset(&set, 0, sizeof set);
	int rc = text ? cs_spec_parse(&set, "request", text, strlen(text), &err) : -1;
	free(text);
	if (rc < 0) {
		reader_error(x, err.msg);
		return NULL;
	}
	if (set.format != CS_SPEC_MARATHON || set.n != 1 || !json_is_string(json_object_get(def, "id"))) {
		cs_spec_set_release(&set);
		cs_live_api_error(x, 400, "Object is not valid", "/id", "an app definition needs an id");
		return NULL;
	}
	CS_GROW(a->sets, a->capsets, a->nsets + 1);
	a->sets[a->nsets++] = set;
	return a->sets[a->nsets - 1].apps;
}

static void new_version(struct cs_live_api *api, struct live_app *a, json_t *def, const struct cs_app *app)
{
	a->cur = app;
	json_decref(a->def);
	a->def = json_incref(def);
	cs_live_iso_now(a->version, sizeof a->version);
	json_object_set_new(a->def, "version", json_string(a->version)); /* MARATHON_APP_VERSION */
	cs_live_api_uuid(api, a->deployment, sizeof a->deployment);
	char key[32];
	snprintf(key, sizeof key, "%p", (const void *)app);
	cs_idmap_put(&api->defs, key, json_incref(a->def)); /* held until the end: tasks of the version */
}

static void free_app(struct live_app *a)
{
	for (size_t i = 0; i < a->nsets; i++)
		cs_spec_set_release(&a->sets[i]);
	free(a->sets);
	json_decref(a->def);
	free(a);
}

struct live_app *cs_live_api_add(struct cs_live_api *api, struct cs_http_exchange *x, json_t *def,
				 struct cs_spec_set *set, size_t k)
{
	struct live_app *a = cs_xcalloc(1, sizeof *a);
	CS_GROW(a->sets, a->capsets, 1);
	a->sets[a->nsets++] = *set;
	const struct cs_app *app = &a->sets[0].apps[k];
	snprintf(a->id, sizeof a->id, "%s", app->name);
	struct live_app *old = cs_idmap_get(&api->apps, a->id);
	if (old && !old->deleted) {
		char msg[400];
		snprintf(msg, sizeof msg, "An app with id [/%s] already exists.", a->id);
		cs_live_api_error(x, 409, msg, NULL, NULL);
		free_app(a);
		return NULL;
	}
	struct cs_error err = {0};
	new_version(api, a, def, app);
	a->c = cs_world_live_app(api->w, app, NULL, !api->recovering, &err);
	if (!a->c) {
		char key[32];
		snprintf(key, sizeof key, "%p", (const void *)app);
		json_decref(cs_idmap_del(&api->defs, key));
		cs_live_api_error(x, 409, err.msg, NULL, NULL);
		free_app(a);
		return NULL;
	}
	cs_idmap_put(&api->apps, a->id, a);
	CS_GROW(api->all, api->capall, api->nall + 1);
	api->all[api->nall++] = a;
	return a;
}

/* POST /v2/apps, or PUT of an id not kept (Marathon creates it). */
static void create(struct cs_live_api *api, struct cs_http_exchange *x, json_t *def)
{
	struct live_app tmp = {0};
	if (!read_version(&tmp, def, x)) {
		free(tmp.sets);
		return;
	}
	struct live_app *a = cs_live_api_add(api, x, def, &tmp.sets[0], 0);
	free(tmp.sets);
	if (!a || !cs_live_api_persist(api, x, a))
		return;
	json_t *o = cs_live_api_app_json(api, a, false);
	json_object_set_new(o, "deployments", json_pack("[{s:s}]", "id", a->deployment));
	cs_http_reply_json(x, 201, o);
}

/* Only "instances" (and the app's own id) given: a scale. */
static bool only_instances(json_t *body, const char *id)
{
	const char *k;
	json_t *v;
	bool any = false;
	json_object_foreach(body, k, v) {
		if (strcmp(k, "instances") == 0)
			any = true;
		else if (strcmp(k, "id") != 0 || !json_is_string(v) ||
			 strcmp(json_string_value(v) + (json_string_value(v)[0] == '/'), id) != 0)
			return false;
	}
	return any;
}

static void change(struct cs_live_api *api, struct cs_http_exchange *x, struct live_app *a, json_t *body)
{
	const char *force = cs_http_query(x, "force");
	if (deploying(a) && !(force && strcmp(force, "true") == 0)) {
		char msg[400];
		snprintf(msg, sizeof msg, "App is locked by one or more deployments: %s (use ?force=true)", a->deployment);
		cs_live_api_error(x, 409, msg, NULL, NULL);
		return;
	}
	if (json_object_get(a->def, "aurora")) {
		cs_live_api_error(x, 400, "Object is not valid", "/",
				  "an Aurora job changes through its config (aurora create), not /v2/apps");
		return;
	}
	/* the new definition: the old one with the body's fields */
	json_t *def = json_deep_copy(a->def);
	json_object_update(def, body);
	char id[300];
	snprintf(id, sizeof id, "/%s", a->id);
	json_object_set_new(def, "id", json_string(id));
	struct cs_app_action act = {CS_ACT_SCALE, 0, NULL};
	if (only_instances(body, a->id)) {
		/* validated by the reader like any definition, kept as the
		 * current one; the app's spec stays */
		const struct cs_app *v = read_version(a, def, x);
		if (!v) {
			json_decref(def);
			return;
		}
		act.instances = v->instances;
		json_decref(a->def);
		a->def = def;
		cs_live_api_uuid(api, a->deployment, sizeof a->deployment);
	} else {
		const struct cs_app *v = read_version(a, def, x);
		if (!v) {
			json_decref(def);
			return;
		}
		if (strcmp(v->name, a->id) != 0) {
			json_decref(def);
			cs_live_api_error(x, 400, "Object is not valid", "/id", "the app's id cannot change");
			return;
		}
		act = (struct cs_app_action){CS_ACT_UPDATE, v->instances, v};
		new_version(api, a, def, v);
		json_decref(def);
	}
	a->c->ops->act(a->c, &act);
	if (cs_live_api_persist(api, x, a))
		cs_http_reply_json(x, 200, json_pack("{s:s, s:s}", "version", a->version, "deploymentId", a->deployment));
}

static void destroy(struct cs_live_api *api, struct cs_http_exchange *x, struct live_app *a)
{
	const char *force = cs_http_query(x, "force");
	if (deploying(a) && !(force && strcmp(force, "true") == 0)) {
		cs_live_api_error(x, 409, "App is locked by one or more deployments (use ?force=true)", NULL, NULL);
		return;
	}
	struct cs_app_action act = {CS_ACT_DELETE, 0, NULL};
	a->c->ops->act(a->c, &act);
	a->deleted = true;
	cs_idmap_del(&api->apps, a->id);
	cs_live_api_uuid(api, a->deployment, sizeof a->deployment);
	char v[32];
	cs_live_iso_now(v, sizeof v);
	if (cs_live_api_persist(api, x, a))
		cs_http_reply_json(x, 200, json_pack("{s:s, s:s}", "version", v, "deploymentId", a->deployment));
}

static json_t *body_object(struct cs_http_exchange *x)
{
	json_error_t jerr;
	json_t *b = json_loads(x->body, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(b)) {
		char detail[300];
		snprintf(detail, sizeof detail, b ? "expected a JSON object" : "line %d, column %d: %s", jerr.line,
			 jerr.column, jerr.text);
		cs_live_api_error(x, 400, "Invalid JSON", "/", detail);
		json_decref(b);
		return NULL;
	}
	return b;
}

/* GET /v2/apps: built once per change of the apps or their tasks (a
 * poller's hundreds of identical answers cost one). */
static void list_apps(struct cs_live_api *api, struct cs_http_exchange *x)
{
	uint64_t ag = cs_live_agents_generation(api->agents);
	if (!api->apps_cache || api->cached_gen != api->gen || api->cached_agents_gen != ag) {
		json_t *list = json_array();
		for (size_t i = 0; i < api->nall; i++)
			if (!api->all[i]->deleted)
				json_array_append_new(list, cs_live_api_app_json(api, api->all[i], false));
		json_t *o = json_pack("{s:o}", "apps", list);
		char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
		json_decref(o);
		cs_http_cached_free(api->apps_cache);
		size_t n = text ? strlen(text) : 0;
		char *body = text ? realloc(text, n + 2) : NULL;
		if (body)
			memcpy(body + n, "\n", 2);
		else
			free(text);
		api->apps_cache = body ? cs_http_cached_new(body, n + 1, NULL) : NULL;
		api->cached_gen = api->gen;
		api->cached_agents_gen = ag;
	}
	if (api->apps_cache)
		cs_http_reply_cached(x, api->apps_cache);
	else
		cs_http_reply(x, 500, "{\"message\":\"out of memory\"}\n", NULL);
}

void cs_live_api_apps(struct cs_live_api *api, struct cs_http_exchange *x, const char *id, const char *rest)
{
	const char *m = x->method;
	if (strcmp(m, "GET") != 0)
		api->gen++; /* (every change goes through here or the Aurora endpoint) */
	if (api->recovering && strcmp(m, "GET") != 0) {
		cs_live_api_error(x, 503, "the controller is recovering: it is reconciling with its agents", NULL, NULL);
		return;
	}
	if (!id) { /* /v2/apps */
		if (strcmp(m, "GET") == 0) {
			list_apps(api, x);
		} else if (strcmp(m, "POST") == 0) {
			json_t *b = body_object(x);
			if (b)
				create(api, x, b);
			json_decref(b);
		} else {
			cs_live_api_error(x, 405, "GET or POST only", NULL, NULL);
		}
		return;
	}
	struct live_app *a = cs_idmap_get(&api->apps, id);
	bool put = strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0;
	if (!a && !(put && !rest)) {
		char msg[400];
		snprintf(msg, sizeof msg, "App '/%s' does not exist", id);
		cs_live_api_error(x, 404, msg, NULL, NULL);
		return;
	}
	if (rest) { /* /v2/apps/ID/tasks */
		if (strcmp(rest, "tasks") != 0 || strcmp(m, "GET") != 0)
			cs_live_api_error(x, 404, "no such resource", NULL, NULL);
		else
			cs_http_reply_json(x, 200, json_pack("{s:o}", "tasks", cs_live_agents_tasks(api->agents, id)));
		return;
	}
	if (strcmp(m, "GET") == 0) {
		cs_http_reply_json(x, 200, json_pack("{s:o}", "app", cs_live_api_app_json(api, a, true)));
	} else if (put) {
		json_t *b = body_object(x);
		if (b && !a) {
			/* the path names the app; an id in the body must agree */
			char full[300];
			snprintf(full, sizeof full, "/%s", id);
			const char *bid = json_string_value(json_object_get(b, "id"));
			if (bid && strcmp(bid + (bid[0] == '/'), id) != 0)
				cs_live_api_error(x, 400, "Object is not valid", "/id", "the id in the body is not the path's");
			else {
				json_object_set_new(b, "id", cs_http_json_text(full));
				create(api, x, b);
			}
		} else if (b) {
			change(api, x, a, b);
		}
		json_decref(b);
	} else if (strcmp(m, "DELETE") == 0) {
		destroy(api, x, a);
	} else {
		cs_live_api_error(x, 405, "GET, PUT, PATCH or DELETE only", NULL, NULL);
	}
}

json_t *cs_live_api_deployments(struct cs_live_api *api)
{
	json_t *list = json_array();
	for (size_t i = 0; i < api->nall; i++) {
		struct live_app *a = api->all[i];
		if (!deploying(a))
			continue;
		char id[300];
		snprintf(id, sizeof id, "/%s", a->id);
		json_array_append_new(list, json_pack("{s:s, s:s, s:[s], s:I, s:I, s:[{s:s, s:s}]}", "id", a->deployment,
						      "version", a->version, "affectedApps", id, "currentStep",
						      (json_int_t)1, "totalSteps", (json_int_t)1, "currentActions",
						      "action", "ScaleApplication", "app", id));
	}
	return list;
}

void cs_live_api_app_counts(struct cs_live_api *api, unsigned *apps, unsigned *running, unsigned *desired)
{
	*apps = *running = *desired = 0;
	for (size_t i = 0; i < api->nall; i++) {
		struct live_app *a = api->all[i];
		if (a->deleted)
			continue;
		(*apps)++;
		*running += (unsigned)running_of(a);
		*desired += (unsigned)desired_of(a);
	}
}

static int by_id(const void *x, const void *y)
{
	return strcmp((*(struct live_app *const *)x)->id, (*(struct live_app *const *)y)->id);
}

void cs_live_api_each_app(struct cs_live_api *api, cs_live_app_fn *fn, void *ctx)
{
	struct live_app **v = cs_xmalloc((api->nall + 1) * sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < api->nall; i++)
		if (!api->all[i]->deleted)
			v[n++] = api->all[i];
	qsort(v, n, sizeof *v, by_id);
	for (size_t i = 0; i < n; i++)
		fn(ctx, v[i]->id, v[i]->def);
	free(v);
}

uint64_t cs_live_api_generation(const struct cs_live_api *api)
{
	return api->gen;
}

void cs_live_api_free_apps(struct cs_live_api *api)
{
	for (size_t i = 0; i < api->nall; i++)
		free_app(api->all[i]);
	free(api->all);
	size_t it = 0;
	struct cs_idmap_slot *sl;
	while ((sl = cs_idmap_next(&api->defs, &it)))
		json_decref(sl->value);
	cs_idmap_release(&api->apps);
	cs_idmap_release(&api->defs);
	cs_http_cached_free(api->apps_cache);
}

bool cs_live_api_persist(struct cs_live_api *api, struct cs_http_exchange *x, const struct live_app *a)
{
	if (!api->db)
		return true;
	char *def = a->deleted ? NULL : json_dumps(a->def, JSON_COMPACT);
	int rc = a->deleted ? cs_state_delete_app(api->db, a->id) : cs_state_put_app(api->db, a->id, def);
	free(def);
	if (rc == 0 && cs_state_flush(api->db) == 0)
		return true;
	cs_live_api_error(x, 503, "the controller cannot write its state: it stops", NULL, NULL);
	cs_engine_stop(&api->w->engine);
	return false;
}

/* ---- recovery ---- */

static void recover_app(void *ctx, const char *id, const char *text)
{
	struct cs_live_api *api = ctx;
	json_t *def = json_loads(text, 0, NULL);
	struct cs_http_exchange x; /* answers go nowhere */
	memset(&x, 0, sizeof x);
	struct live_app *a = NULL;
	if (json_is_object(json_object_get(def, "aurora"))) {
		struct cs_spec_set set;
		size_t k;
		if (cs_live_api_aurora_set(def, id, &set, &k) == 0)
			a = cs_live_api_add(api, &x, def, &set, k);
	} else if (def) {
		struct live_app tmp = {0};
		if (read_version(&tmp, def, &x))
			a = cs_live_api_add(api, &x, def, &tmp.sets[0], 0);
		free(tmp.sets);
	}
	if (!a)
		fprintf(stderr, "clustersim live: the state's app %s cannot be kept again: %s\n", id,
			x.reply ? x.reply : "its definition does not read\n");
	cs_http_fake_release(&x);
	json_decref(def);
}

static void recover_task(void *ctx, const char *id, const char *app, const char *agent)
{
	struct cs_live_api *api = ctx;
	cs_live_agents_recover_task(api->agents, id, app, agent);
}

static void adopt(void *ctx, const char *app, uint32_t machine)
{
	struct cs_live_api *api = ctx;
	struct live_app *a = cs_idmap_get(&api->apps, app);
	if (a && !a->deleted && a->c->ops->recover)
		a->c->ops->recover(a->c, machine);
}

static void recovered(void *ctx)
{
	cs_live_api_end_recovery(ctx);
}

int cs_live_api_recover(struct cs_live_api *api, struct cs_state_db *db)
{
	api->db = db;
	api->recovering = true;
	cs_live_agents_set_state(api->agents, db);
	cs_live_agents_set_recovery(api->agents, adopt, recovered, api);
	int rc = cs_state_load(db, recover_app, recover_task, api);
	size_t apps = 0;
	for (size_t i = 0; i < api->nall; i++)
		apps += !api->all[i]->deleted;
	if (apps)
		fprintf(stderr, "clustersim live: recovered %zu apps from the state%s\n", apps,
			cs_live_agents_recovering(api->agents) ? "; reconciling with the agents" : "");
	if (!cs_live_agents_recovering(api->agents))
		cs_live_api_end_recovery(api); /* no task to wait for */
	return rc;
}

bool cs_live_api_recovering(const struct cs_live_api *api)
{
	return api->recovering;
}

void cs_live_api_end_recovery(struct cs_live_api *api)
{
	if (!api->recovering)
		return;
	api->recovering = false;
	api->gen++;
	cs_live_agents_end_recovery(api->agents);
	for (size_t i = 0; i < api->nall; i++)
		if (!api->all[i]->deleted)
			cs_world_live_start(api->w, api->all[i]->c);
}
