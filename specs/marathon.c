/* specs/marathon — a Marathon app definition (POST /v2/apps body) as a
 * struct cs_app.
 *
 * Fields and defaults are Marathon's AppDefinition (REST API reference,
 * Marathon 1.x; the 0.x fields of 2014 are a subset): id (required),
 * cmd, instances 1, cpus 1, mem 128 MiB, disk 0 MiB, constraints
 * [[field, OPERATOR, value?]] with UNIQUE, CLUSTER, GROUP_BY, LIKE,
 * UNLIKE, MAX_PER, IS, labels {string: string}, backoffSeconds 1,
 * backoffFactor 1.15, maxLaunchDelaySeconds 300, upgradeStrategy
 * {minimumHealthCapacity 1, maximumOverCapacity 1}, killSelection
 * YOUNGEST_FIRST.  2014-era clients sent numbers as strings
 * ("instances": "1", "cpus": ".5") and ids without a leading slash;
 * Marathon accepted both, and so does this reader.  The fields Marathon
 * defines that the model does not use (container, uris, env, health
 * checks, ports, ...) are accepted and listed in the app's unmodelled
 * list; any other field is an error.  A GET /v2/apps/ID response (an
 * object {"app": {...}}) is read as the app inside. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sim/alloc.h"
#include "sim/config.h"
#include "specs/readers.h"
#include "specs/spec_internal.h"

static const char *const modelled[] = {
	"id", "cmd", "instances", "cpus", "mem", "disk", "constraints", "labels",
	"backoffSeconds", "backoffFactor", "maxLaunchDelaySeconds", "upgradeStrategy",
	"killSelection", NULL,
};
/* AppDefinition's other fields, and the read-only ones a GET adds */
static const char *const unmodelled[] = {
	"acceptedResourceRoles", "args", "container", "dependencies", "env", "executor",
	"executorResources", "fetch", "gpus", "healthChecks", "ipAddress", "networks",
	"portDefinitions", "ports", "readinessChecks", "requirePorts", "residency",
	"resourceLimits", "role", "secrets", "storeUrls", "taskKillGracePeriodSeconds",
	"tty", "unreachableStrategy", "uris", "user", "version", "versionInfo",
	"deployments", "lastTaskFailure", "taskStats", "tasks", "tasksHealthy",
	"tasksRunning", "tasksStaged", "tasksUnhealthy", NULL,
};

static bool in_list(const char *k, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, k) == 0)
			return true;
	return false;
}

/* The keys of the app object: every one modelled or listed. */
static int check_keys(const struct cs_cfg *cfg, struct cs_app *a, json_t *app)
{
	const char *key;
	json_t *v;
	json_object_foreach(app, key, v) {
		if (in_list(key, modelled))
			continue;
		if (in_list(key, unmodelled)) {
			cs_app_unmodelled(a, key);
			continue;
		}
		const char *all[sizeof modelled / sizeof *modelled + sizeof unmodelled / sizeof *unmodelled];
		size_t n = 0;
		for (const char *const *p = modelled; *p; p++)
			all[n++] = *p;
		for (const char *const *p = unmodelled; *p; p++)
			all[n++] = *p;
		all[n] = NULL;
		return cs_cfg_keys(cfg, app, "", all);
	}
	return 0;
}

/* A path segment of an app id: lowercase letters, digits, '-' and '.'
 * (Marathon's PathId rule: no '-' at either end); "." and ".." are
 * relative segments, which a submitted app's id may not use. */
static bool id_segment_ok(const char *s, size_t n)
{
	if (n == 0 || s[0] == '-' || s[n - 1] == '-' || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

static int read_id(const struct cs_cfg *cfg, struct cs_app *a, json_t *app)
{
	json_t *v = json_object_get(app, "id");
	char got[128];
	if (!v)
		return cs_error_input(cfg->err, cfg->file, "id", "missing (a Marathon app needs an id)");
	if (!json_is_string(v))
		return cs_error_input(cfg->err, cfg->file, "id", "expected a string (got %s)",
				      cs_cfg_got(v, got, sizeof got));
	const char *id = json_string_value(v);
	const char *name = id[0] == '/' ? id + 1 : id;
	const char *s = name;
	if (!*s)
		return cs_error_input(cfg->err, cfg->file, "id", "empty (got %s)", cs_cfg_got(v, got, sizeof got));
	while (*s) {
		size_t n = strcspn(s, "/");
		if (!id_segment_ok(s, n))
			return cs_error_input(cfg->err, cfg->file, "id",
					      "not a Marathon app id: path segments of lowercase letters, digits, '-' and '.', "
					      "not starting or ending with '-' or '.' (got %s)",
					      cs_cfg_got(v, got, sizeof got));
		s += n;
		if (*s == '/' && !*++s)
			return cs_error_input(cfg->err, cfg->file, "id", "ends with '/' (got %s)",
					      cs_cfg_got(v, got, sizeof got));
	}
	a->name = cs_xstrdup(name);
	return 0;
}

/* A number, given as a number or a string; absent leaves *out alone. */
static int read_number(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		       double lo, double hi, bool integer, double *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return 0;
	char p[256], got[128];
	cs_path_key(p, sizeof p, path, key);
	double x;
	if (!cs_spec_number(v, &x))
		return cs_error_input(cfg->err, cfg->file, p, "expected a number (got %s)", cs_cfg_got(v, got, sizeof got));
	if (integer && x != floor(x))
		return cs_error_input(cfg->err, cfg->file, p, "expected a whole number (got %s)",
				      cs_cfg_got(v, got, sizeof got));
	if (x < lo || x > hi)
		return cs_error_input(cfg->err, cfg->file, p, "out of range: from %g to %g (got %s)", lo, hi,
				      cs_cfg_got(v, got, sizeof got));
	*out = x;
	return 1;
}

static int read_resources(const struct cs_cfg *cfg, struct cs_app *a, json_t *app)
{
	double inst = 1;
	a->cpu = 1;
	a->mem = 128;
	a->disk = 0;
	if (read_number(cfg, app, "", "instances", 0, 1e6, true, &inst) < 0 ||
	    read_number(cfg, app, "", "cpus", 0, HUGE_VAL, false, &a->cpu) < 0 ||
	    read_number(cfg, app, "", "mem", 0, HUGE_VAL, false, &a->mem) < 0 ||
	    read_number(cfg, app, "", "disk", 0, HUGE_VAL, false, &a->disk) < 0)
		return -1;
	a->instances = (uint64_t)inst;
	if (cs_check_qty(cfg, "cpus", a->cpu, false, CS_QTY_CPU) < 0 ||
	    cs_check_qty(cfg, "mem", a->mem, false, CS_QTY_MEM) < 0 ||
	    cs_check_qty(cfg, "disk", a->disk, false, CS_QTY_DISK) < 0)
		return -1;
	json_t *cmd = json_object_get(app, "cmd");
	char got[128];
	if (cmd && !json_is_null(cmd)) {
		if (!json_is_string(cmd))
			return cs_error_input(cfg->err, cfg->file, "cmd", "expected a string (got %s)",
					      cs_cfg_got(cmd, got, sizeof got));
		a->cmd = cs_xstrdup(json_string_value(cmd));
	}
	return 0;
}

static int read_constraint(const struct cs_cfg *cfg, struct cs_app *a, json_t *c, const char *p)
{
	static const char *const ops[] = {"UNIQUE", "CLUSTER", "GROUP_BY", "LIKE", "UNLIKE", "MAX_PER", "IS", NULL};
	char got[128], q[256];
	size_t n = json_array_size(c);
	if (!json_is_array(c) || n < 2 || n > 3)
		return cs_error_input(cfg->err, cfg->file, p, "expected [field, OPERATOR] or [field, OPERATOR, value] (got %s)",
				      cs_cfg_got(c, got, sizeof got));
	for (size_t i = 0; i < n; i++)
		if (!json_is_string(json_array_get(c, i)))
			return cs_error_input(cfg->err, cfg->file, cs_path_index(q, sizeof q, p, i),
					      "expected a string (got %s)", cs_cfg_got(json_array_get(c, i), got, sizeof got));
	const char *field = json_string_value(json_array_get(c, 0));
	const char *op = json_string_value(json_array_get(c, 1));
	const char *value = n == 3 ? json_string_value(json_array_get(c, 2)) : NULL;
	if (!*field)
		return cs_error_input(cfg->err, cfg->file, cs_path_index(q, sizeof q, p, 0), "empty field name");
	int k = -1;
	for (int i = 0; ops[i]; i++)
		if (strcmp(ops[i], op) == 0)
			k = i;
	if (k < 0) {
		const char *hint = cs_did_you_mean(op, ops);
		return cs_error_input(cfg->err, cfg->file, cs_path_index(q, sizeof q, p, 1),
				      "unknown operator%s%s%s: one of UNIQUE, CLUSTER, GROUP_BY, LIKE, UNLIKE, MAX_PER, IS (got \"%s\")",
				      hint ? " (did you mean " : "", hint ? hint : "", hint ? ")" : "", op);
	}
	const char *bad = cs_constraint_check((enum cs_constraint_op)k, value);
	if (bad)
		return cs_error_input(cfg->err, cfg->file, p, "%s (got %s)", bad, cs_cfg_got(c, got, sizeof got));
	cs_app_add_constraint(a, field, (enum cs_constraint_op)k, value);
	return 0;
}

static int read_placement(const struct cs_cfg *cfg, struct cs_app *a, json_t *app)
{
	char p[64], got[128];
	json_t *cons = json_object_get(app, "constraints");
	if (cons && !json_is_null(cons)) {
		if (!json_is_array(cons))
			return cs_error_input(cfg->err, cfg->file, "constraints", "expected a list of [field, OPERATOR, value?] (got %s)",
					      cs_cfg_got(cons, got, sizeof got));
		size_t i;
		json_t *c;
		json_array_foreach(cons, i, c)
			if (read_constraint(cfg, a, c, cs_path_index(p, sizeof p, "constraints", i)) < 0)
				return -1;
	}
	json_t *labels = json_object_get(app, "labels");
	if (labels && !json_is_null(labels)) {
		if (!json_is_object(labels))
			return cs_error_input(cfg->err, cfg->file, "labels", "expected an object of strings (got %s)",
					      cs_cfg_got(labels, got, sizeof got));
		const char *k;
		json_t *v;
		json_object_foreach(labels, k, v) {
			if (!json_is_string(v)) {
				char q[512];
				return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, "labels", k),
						      "expected a string (got %s)", cs_cfg_got(v, got, sizeof got));
			}
			cs_labels_set(&a->labels, k, json_string_value(v));
		}
	}
	return 0;
}

static int read_controller(const struct cs_cfg *cfg, struct cs_app *a, json_t *app)
{
	/* Marathon's validation: backoffSeconds >= 0, backoffFactor >= 1,
	 * maxLaunchDelaySeconds >= 0; the capacities are fractions */
	if (read_number(cfg, app, "", "backoffSeconds", 0, 1e9, false, &a->marathon.backoff_seconds) < 0 ||
	    read_number(cfg, app, "", "backoffFactor", 1, 1e3, false, &a->marathon.backoff_factor) < 0 ||
	    read_number(cfg, app, "", "maxLaunchDelaySeconds", 0, 1e9, false, &a->marathon.max_launch_delay) < 0)
		return -1;
	json_t *up = json_object_get(app, "upgradeStrategy");
	if (up && !json_is_null(up)) {
		static const char *const keys[] = {"minimumHealthCapacity", "maximumOverCapacity", NULL};
		if (cs_cfg_keys(cfg, up, "upgradeStrategy", keys) < 0 ||
		    read_number(cfg, up, "upgradeStrategy", "minimumHealthCapacity", 0, 1, false,
				&a->marathon.min_health_capacity) < 0 ||
		    read_number(cfg, up, "upgradeStrategy", "maximumOverCapacity", 0, 1, false,
				&a->marathon.max_over_capacity) < 0)
			return -1;
	}
	json_t *ks = json_object_get(app, "killSelection");
	if (ks) {
		const char *s = json_string_value(ks);
		char got[128];
		if (!s || (strcmp(s, "YOUNGEST_FIRST") != 0 && strcmp(s, "OLDEST_FIRST") != 0))
			return cs_error_input(cfg->err, cfg->file, "killSelection", "expected YOUNGEST_FIRST or OLDEST_FIRST (got %s)",
					      cs_cfg_got(ks, got, sizeof got));
		a->marathon.kill_oldest_first = strcmp(s, "OLDEST_FIRST") == 0;
	}
	return 0;
}

int cs_spec_read_marathon(struct cs_spec_set *set, const char *file, const char *text, size_t len,
			  struct cs_error *err)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		char where[32];
		snprintf(where, sizeof where, "%d:%d", je.line, je.column);
		return cs_error_input(err, file, where, "%s", je.text);
	}
	struct cs_cfg cfg = {.file = file, .err = err};
	json_t *app = root;
	/* a saved GET /v2/apps/ID response */
	if (json_is_object(root) && json_object_size(root) == 1 && json_is_object(json_object_get(root, "app")))
		app = json_object_get(root, "app");
	int rc = -1;
	if (!json_is_object(app)) {
		char got[64];
		cs_error_input(err, file, NULL, "expected a Marathon app, a JSON object with an \"id\" (got %s)",
			       cs_cfg_got(app, got, sizeof got));
		goto out;
	}
	struct cs_app *a = cs_spec_add(set, CS_APP_MARATHON);
	a->line = 1;
	if (check_keys(&cfg, a, app) < 0 || read_id(&cfg, a, app) < 0 || read_resources(&cfg, a, app) < 0 ||
	    read_placement(&cfg, a, app) < 0 || read_controller(&cfg, a, app) < 0)
		goto out;
	rc = 0;
out:
	json_decref(root);
	return rc;
}
