/* live/api_aurora — POST /aurora/v1/jobs, what `clustersim aurora
 * create` sends: {"key": "cluster/role/env/name", "config": TEXT, "file":
 * NAME, "env": {"USER": ...}}.  The config is read by the spec reader's
 * Aurora subset (specs/aurora.c) with os.getenv answering from "env"
 * (the client's variables: Aurora's client evaluates its config where it
 * runs), the key selects the jobs it names (specs/spec.h,
 * cs_spec_bind_job_key), and each becomes an app kept by the Aurora
 * controller kind (controllers/aurora.c), its tasks running the job's
 * process cmdlines.  201 {"key", "jobs": [...], "url"}; 400 for a config
 * the reader refuses (FILE: LINE:COL: what) or a key no job has; 409 for
 * a job that is already running. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/api_internal.h"
#include "live/http_server.h"
#include "sim/alloc.h"

/* Parse text with the client's environment variables set for the
 * duration of the parse (the controller is single-threaded; its own
 * values come back after). */
static int parse_with_env(struct cs_spec_set *set, const char *file, const char *text, json_t *env,
			  struct cs_error *err)
{
	const char *k;
	json_t *v;
	size_t n = json_object_size(env), i = 0;
	char **names = cs_xcalloc(n + 1, sizeof *names), **saved = cs_xcalloc(n + 1, sizeof *saved);
	json_object_foreach(env, k, v) {
		if (!json_is_string(v) || !*k || strchr(k, '='))
			continue;
		const char *old = getenv(k);
		names[i] = cs_xstrdup(k);
		saved[i] = old ? cs_xstrdup(old) : NULL;
		setenv(k, json_string_value(v), 1);
		i++;
	}
	int rc = cs_spec_parse(set, file, text, strlen(text), err);
	for (size_t j = 0; j < i; j++) {
		if (saved[j])
			setenv(names[j], saved[j], 1);
		else
			unsetenv(names[j]);
		free(names[j]);
		free(saved[j]);
	}
	free(names);
	free(saved);
	return rc;
}

int cs_live_api_aurora_set(json_t *def, const char *id, struct cs_spec_set *set, size_t *k)
{
	json_t *au = json_object_get(def, "aurora");
	const char *key = json_string_value(json_object_get(au, "key"));
	const char *config = json_string_value(json_object_get(au, "config"));
	const char *file = json_string_value(json_object_get(au, "file"));
	struct cs_error err = {0};
	memset(set, 0, sizeof *set);
	if (!key || !config || parse_with_env(set, file ? file : "config.aurora", config, json_object_get(au, "env"), &err) < 0)
		return -1;
	bool *runs = cs_xcalloc(set->n ? set->n : 1, sizeof *runs);
	cs_spec_bind_job_key(set, key, runs);
	for (size_t i = 0; i < set->n; i++)
		if (runs[i] && strcmp(set->apps[i].name, id) == 0) {
			*k = i;
			free(runs);
			return 0;
		}
	free(runs);
	cs_spec_set_release(set);
	return -1;
}

void cs_live_api_aurora(struct cs_live_api *api, struct cs_http_exchange *x)
{
	if (api->recovering) {
		cs_live_api_error(x, 503, "the controller is recovering: it is reconciling with its agents", NULL, NULL);
		return;
	}
	api->gen++;
	json_t *b = json_loads(x->body, 0, NULL);
	const char *key = json_string_value(json_object_get(b, "key"));
	const char *config = json_string_value(json_object_get(b, "config"));
	const char *file = json_string_value(json_object_get(b, "file"));
	if (!key || !config) {
		cs_live_api_error(x, 400, "Object is not valid", "/key", "expected {\"key\", \"config\"} strings");
		json_decref(b);
		return;
	}
	char fname[200];
	snprintf(fname, sizeof fname, "%s", file && *file && !strchr(file, '\n') ? file : "config.aurora");
	struct cs_spec_set set;
	memset(&set, 0, sizeof set);
	struct cs_error err = {0};
	if (parse_with_env(&set, fname, config, json_object_get(b, "env"), &err) < 0 || set.format != CS_SPEC_AURORA) {
		cs_live_api_error(x, 400, "Object is not valid", "/config",
				  err.msg[0] ? err.msg : "not an Aurora config");
		cs_spec_set_release(&set);
		json_decref(b);
		return;
	}
	bool *runs = cs_xcalloc(set.n ? set.n : 1, sizeof *runs);
	int found = cs_spec_bind_job_key(&set, key, runs);
	if (found <= 0) {
		char msg[600];
		snprintf(msg, sizeof msg,
			 found < 0 ? "expected a job key cluster/role/environment/name (got \"%.300s\")"
				   : "no job of the config has the key %.300s", key);
		cs_live_api_error(x, 400, "Object is not valid", "/key", msg);
		free(runs);
		cs_spec_set_release(&set);
		json_decref(b);
		return;
	}
	/* each selected job is an app of its own, with its own copy of the
	 * config's spec set (one set per app: its controller points into it) */
	json_t *jobs = json_array();
	for (size_t k = 0; k < set.n; k++) {
		if (!runs[k])
			continue;
		struct cs_spec_set mine;
		memset(&mine, 0, sizeof mine);
		struct cs_error e2 = {0};
		parse_with_env(&mine, fname, config, json_object_get(b, "env"), &e2);
		bool *r2 = cs_xcalloc(mine.n ? mine.n : 1, sizeof *r2);
		cs_spec_bind_job_key(&mine, key, r2);
		free(r2);
		const struct cs_app *job = &mine.apps[k];
		json_t *env = json_object_get(b, "env");
		json_t *def = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:o}}", "id", job->name, "kind",
					cs_app_kind_name(job->kind), "cmd", job->cmd ? job->cmd : "true", "aurora", "key", key,
					"config", config, "file", fname, "env",
					json_is_object(env) ? json_incref(env) : json_object());
		struct live_app *a = cs_live_api_add(api, x, def, &mine, k);
		json_decref(def);
		if (!a || !cs_live_api_persist(api, x, a)) {
			json_decref(jobs);
			free(runs);
			cs_spec_set_release(&set);
			json_decref(b);
			return;
		}
		json_array_append_new(jobs, cs_live_api_app_json(api, a, false));
	}
	char parts[4][256] = {"", "", "", ""};
	sscanf(key, "%255[^/]/%255[^/]/%255[^/]/%255s", parts[0], parts[1], parts[2], parts[3]);
	char url[1200];
	snprintf(url, sizeof url, "http://%s/scheduler/%s/%s/%s", api->address[0] ? api->address : api->listen, parts[1], parts[2], parts[3]);
	cs_http_reply_json(x, 201, json_pack("{s:s, s:o, s:s}", "key", key, "jobs", jobs, "url", url));
	free(runs);
	cs_spec_set_release(&set);
	json_decref(b);
}
