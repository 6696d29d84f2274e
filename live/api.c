/* live/api — routing, authentication, tasks, deployments, info, ping,
 * metrics, and what a task runs.  See api.h; the apps are api_apps.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "controllers/controller.h"
#include "live/agents.h"
#include "live/api_internal.h"
#include "live/auth.h"
#include "live/clock.h"
#include "live/http_server.h"
#include "live/lb_sync.h"
#include "sim/alloc.h"
#include "sim/host.h"
#include "sim/job.h"
#include "sim/task.h"
#include "sim/version.h"
#include "sim/world.h"


void cs_live_api_uuid(struct cs_live_api *api, char *buf, size_t n)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t a = ((uint64_t)ts.tv_sec * 1000000007ull) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
	uint64_t b = ++api->uuid_seq * 0x9e3779b97f4a7c15ull ^ a;
	snprintf(buf, n, "%08llx-%04llx-4%03llx-8%03llx-%012llx", (unsigned long long)(a >> 32),
		 (unsigned long long)(a & 0xffff), (unsigned long long)((b >> 52) & 0xfff),
		 (unsigned long long)((b >> 40) & 0xfff), (unsigned long long)(b & 0xffffffffffffull));
}

void cs_live_api_error(struct cs_http_exchange *x, int status, const char *message, const char *path,
		       const char *detail)
{
	json_t *v = json_object();
	json_object_set_new(v, "message", cs_http_json_text(message));
	if (path) {
		json_t *d = json_object();
		json_object_set_new(d, "path", cs_http_json_text(path));
		json_object_set_new(d, "errors", json_pack("[o]", cs_http_json_text(detail ? detail : "")));
		json_object_set_new(v, "details", json_pack("[o]", d));
	}
	cs_http_reply_json(x, status, v);
}

struct cs_live_api *cs_live_api_new(struct cs_world *w, const char *token, const char *listen)
{
	struct cs_live_api *api = cs_xcalloc(1, sizeof *api);
	api->w = w;
	api->token = token;
	api->listen = listen;
	cs_idmap_init(&api->apps);
	cs_idmap_init(&api->defs);
	return api;
}

void cs_live_api_set_lb(struct cs_live_api *api, const struct cs_lb_sync *lb)
{
	api->lb = lb;
}

void cs_live_api_set_address(struct cs_live_api *api, const char *hostport)
{
	snprintf(api->address, sizeof api->address, "%s", hostport);
}

void cs_live_api_set_agents(struct cs_live_api *api, struct cs_live_agents *agents)
{
	api->agents = agents;
}

void cs_live_api_free(struct cs_live_api *api)
{
	if (!api)
		return;
	cs_live_api_free_apps(api);
	free(api);
}

/* ---- what a task runs ---- */

json_t *cs_live_api_launch(void *ctx, const struct cs_task *task)
{
	struct cs_live_api *api = ctx;
	const struct cs_job *job = task->job;
	json_t *spec = json_object();
	char key[32];
	snprintf(key, sizeof key, "%p", (const void *)job->spec);
	json_t *def = job->spec ? cs_idmap_get(&api->defs, key) : NULL;
	if (!def) {
		/* a job of the experiment's workloads, replayed live: it
		 * sleeps for its duration, sleep(1) exec'd directly (args, not
		 * a shell's cmd: one exec and one program loaded per task, not
		 * two; at hundreds of launches a second the tasks' own start-up
		 * is most of the machine's work) */
		char secs[64];
		if (job->duration == CS_TIME_NEVER)
			snprintf(secs, sizeof secs, "infinity");
		else
			snprintf(secs, sizeof secs, "%.6f", cs_time_to_seconds(job->duration));
		json_object_set_new(spec, "args", json_pack("[s,s]", "sleep", secs));
		return spec;
	}
	json_t *cmd = json_object_get(def, "cmd"), *args = json_object_get(def, "args");
	if (json_is_string(cmd))
		json_object_set(spec, "cmd", cmd);
	else if (json_is_array(args))
		json_object_set(spec, "args", args);
	else
		json_object_set_new(spec, "cmd", json_string("true"));
	json_t *env = json_object(), *given = json_object_get(def, "env");
	const char *k;
	json_t *v;
	json_object_foreach(given, k, v)
		if (json_is_string(v))
			json_object_set(env, k, v);
	json_object_set_new(spec, "env", env);
	/* Marathon's default is one port (portDefinitions [{"port": 0}]) */
	json_t *ports = json_object_get(def, "portDefinitions");
	if (!json_is_array(ports))
		ports = json_object_get(def, "ports");
	json_object_set_new(spec, "ports", json_integer(json_is_array(ports) ? (json_int_t)json_array_size(ports) : 1));
	json_t *grace = json_object_get(def, "taskKillGracePeriodSeconds");
	if (json_is_number(grace))
		json_object_set_new(spec, "kill_grace_s", json_real(json_number_value(grace)));
	json_t *version = json_object_get(def, "version");
	if (json_is_string(version))
		json_object_set(spec, "version", version);
	return spec;
}

/* ---- /v2/tasks/delete, /v2/info, /metrics ---- */

static void tasks_delete(struct cs_live_api *api, struct cs_http_exchange *x)
{
	if (api->recovering) {
		cs_live_api_error(x, 503, "the controller is recovering: it is reconciling with its agents", NULL, NULL);
		return;
	}
	json_t *b = json_loads(x->body, 0, NULL);
	json_t *ids = json_object_get(b, "ids");
	if (!json_is_array(ids)) {
		cs_live_api_error(x, 400, "Object is not valid", "/ids", "expected a list of task ids");
		json_decref(b);
		return;
	}
	const char *scale = cs_http_query(x, "scale");
	size_t k;
	json_t *id;
	json_array_foreach(ids, k, id)
		if (!json_is_string(id)) {
			cs_live_api_error(x, 400, "Object is not valid", "/ids", "expected a list of task id strings");
			json_decref(b);
			return;
		}
	if (scale && strcmp(scale, "true") != 0 && strcmp(scale, "false") != 0) {
		cs_live_api_error(x, 400, "Object is not valid", "/scale", "expected true or false");
		json_decref(b);
		return;
	}
	api->gen++;
	json_t *killed = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		struct cs_task *t = json_is_string(v) ? cs_live_agents_task(api->agents, json_string_value(v)) : NULL;
		if (!t || !cs_task_on_machine(t))
			continue;
		json_array_append(killed, v);
		if (scale && strcmp(scale, "true") == 0 && t->job->controller && t->job->controller->ops->act) {
			/* killed and not replaced: the app shrinks by one (a
			 * scale-down takes pending and then these victims) */
			json_t *r = t->job->controller->ops->report(t->job->controller);
			uint64_t d = (uint64_t)json_integer_value(json_object_get(r, "desired"));
			json_decref(r);
			struct cs_app_action act = {CS_ACT_SCALE, d ? d - 1 : 0, NULL};
			cs_host_kill(&api->w->host, t);
			t->job->controller->ops->act(t->job->controller, &act);
		} else {
			cs_host_kill(&api->w->host, t);
		}
	}
	json_decref(b);
	cs_http_reply_json(x, 200, json_pack("{s:o}", "tasks", killed));
}

static void info(struct cs_live_api *api, struct cs_http_exchange *x)
{
	json_t *v = json_pack("{s:s, s:s, s:s, s:{s:s}, s:{s:o, s:b}}", "name", "clustersim", "version", CS_VERSION,
			      "leader", api->address[0] ? api->address : api->listen, "marathon_config", "master", "clustersim live", "clustersim",
			      "agents", cs_live_agents_list(api->agents), "docker", 0);
	cs_http_reply_json(x, 200, v);
}

static void metric(char **buf, size_t *len, size_t *cap, const char *name, const char *type, const char *help,
		   double value)
{
	char line[512];
	int n = snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type, name,
			 value);
	if (*len + (size_t)n + 1 > *cap) {
		*cap = (*cap + (size_t)n + 1) * 2;
		*buf = cs_xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, line, (size_t)n + 1);
	*len += (size_t)n;
}

static void metrics(struct cs_live_api *api, struct cs_http_exchange *x)
{
	char *b = NULL;
	size_t len = 0, cap = 0;
	unsigned apps, running, desired;
	cs_live_api_app_counts(api, &apps, &running, &desired);
	struct cs_live_agent_counts c = cs_live_agents_counts(api->agents);
	const struct cs_cell *cell = &api->w->cell;
	metric(&b, &len, &cap, "clustersim_apps", "gauge", "Apps kept by the controller.", apps);
	metric(&b, &len, &cap, "clustersim_app_instances_desired", "gauge", "Instances the apps ask for.", desired);
	metric(&b, &len, &cap, "clustersim_app_instances_running", "gauge", "Instances running.", running);
	metric(&b, &len, &cap, "clustersim_agents_up", "gauge", "Agents holding a machine of the cell.",
	       (double)c.agents_up);
	metric(&b, &len, &cap, "clustersim_cell_cpus", "gauge", "Cores of the machines that are up.",
	       cs_qty_to_double(cell->total_cap.cpu));
	metric(&b, &len, &cap, "clustersim_cell_cpus_used", "gauge", "Cores claimed by tasks.",
	       cs_qty_to_double(cell->total_used.cpu));
	metric(&b, &len, &cap, "clustersim_cell_tasks", "gauge", "Tasks on machines.", (double)cell->running);
	metric(&b, &len, &cap, "clustersim_task_launches_total", "counter", "Launches sent to agents.",
	       (double)c.launches);
	metric(&b, &len, &cap, "clustersim_tasks_finished_total", "counter", "Tasks that exited 0.",
	       (double)c.tasks_finished);
	metric(&b, &len, &cap, "clustersim_tasks_failed_total", "counter", "Tasks that failed.", (double)c.tasks_failed);
	metric(&b, &len, &cap, "clustersim_tasks_lost_total", "counter", "Tasks lost with their agent.",
	       (double)c.tasks_lost);
	metric(&b, &len, &cap, "clustersim_agents_lost_total", "counter", "Agents lost (missed syncs).",
	       (double)c.agents_lost);
	metric(&b, &len, &cap, "clustersim_agent_syncs_total", "counter", "Agent syncs served.", (double)c.syncs);
	metric(&b, &len, &cap, "clustersim_orphan_kills_total", "counter", "Unknown running tasks killed.",
	       (double)c.orphans_killed);
	if (api->lb) {
		struct cs_lb_counts l = cs_lb_sync_counts(api->lb);
		metric(&b, &len, &cap, "clustersim_lb_writes_total", "counter",
		       "Load balancer configurations written (live.load_balancers).", (double)l.writes);
		metric(&b, &len, &cap, "clustersim_lb_reloads_total", "counter", "Load balancer masters told to reload.",
		       (double)l.reloads);
		metric(&b, &len, &cap, "clustersim_lb_reloads_skipped_total", "counter",
		       "Configurations written while the balancer was not running.", (double)l.reload_skipped);
		metric(&b, &len, &cap, "clustersim_lb_check_failures_total", "counter",
		       "Configurations the check command rejected (the previous one kept).", (double)l.check_failures);
	}
	static const char *const classes[] = {"2xx", "3xx", "4xx", "5xx"};
	for (int i = 0; i < 4; i++) {
		char name[96];
		snprintf(name, sizeof name, "clustersim_http_responses_%s_total", classes[i]);
		metric(&b, &len, &cap, name, "counter", "API responses by status class (before this one).",
		       (double)api->requests[i]);
	}
	cs_http_reply(x, 200, b, "text/plain; version=0.0.4");
	free(b);
}

/* ---- the router ---- */

static void route(struct cs_live_api *api, struct cs_http_exchange *x)
{
	const char *p = x->path, *m = x->method;
	bool get = strcmp(m, "GET") == 0;
	if (strcmp(p, "/ping") == 0) {
		cs_http_reply(x, 200, "pong\n", "text/plain");
	} else if (strcmp(p, "/agent/v1/sync") == 0) {
		if (strcmp(m, "POST") != 0)
			cs_live_api_error(x, 405, "POST only", NULL, NULL);
		else
			cs_live_agents_sync(api->agents, x);
	} else if (strcmp(p, "/aurora/v1/jobs") == 0 && strcmp(m, "POST") == 0) {
		cs_live_api_aurora(api, x);
	} else if (strcmp(p, "/metrics") == 0 && get) {
		metrics(api, x);
	} else if (strcmp(p, "/v2/info") == 0 && get) {
		info(api, x);
	} else if (strcmp(p, "/v2/tasks") == 0 && get) {
		cs_http_reply_json(x, 200, json_pack("{s:o}", "tasks", cs_live_agents_tasks(api->agents, NULL)));
	} else if (strcmp(p, "/v2/tasks/delete") == 0 && strcmp(m, "POST") == 0) {
		tasks_delete(api, x);
	} else if (strcmp(p, "/v2/deployments") == 0 && get) {
		cs_http_reply_json(x, 200, cs_live_api_deployments(api));
	} else if (strcmp(p, "/v2/apps") == 0 || strcmp(p, "/v2/apps/") == 0) {
		cs_live_api_apps(api, x, NULL, NULL);
	} else if (strncmp(p, "/v2/apps/", 9) == 0) {
		char id[256];
		snprintf(id, sizeof id, "%s", p + 9);
		size_t n = strlen(id);
		while (n && id[n - 1] == '/')
			id[--n] = '\0';
		const char *rest = NULL;
		if (n > 6 && strcmp(id + n - 6, "/tasks") == 0) {
			id[n - 6] = '\0';
			rest = "tasks";
		}
		cs_live_api_apps(api, x, id, rest);
	} else {
		cs_live_api_error(x, 404, "no such resource (see docs/live.md for the API)", NULL, NULL);
	}
}

void cs_live_api_handle(void *ctx, struct cs_http_exchange *x)
{
	struct cs_live_api *api = ctx;
	/* /ping answers without the token: a load balancer's health check */
	if (strcmp(x->path, "/ping") != 0 && !cs_auth_check(x, api->token)) {
		api->requests[2]++;
		return;
	}
	route(api, x);
	if (x->replied) /* (a held agent sync is counted when answered: never) */
		api->requests[x->status >= 200 && x->status < 600 ? x->status / 100 - 2 : 3]++;
}

void cs_live_api_gone(void *ctx, struct cs_http_exchange *x)
{
	struct cs_live_api *api = ctx;
	cs_live_agents_gone(api->agents, x);
}
