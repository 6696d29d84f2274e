/* live/api — the live controller's HTTP API: a Marathon-compatible
 * subset (docs/live.md, "The API"), the agents' sync endpoint, /metrics.
 *
 *   POST /v2/apps                 create an app (Marathon's app JSON; 201)
 *   GET  /v2/apps                 {"apps": [...]}
 *   GET  /v2/apps/{id}            {"app": {...}}
 *   PUT|PATCH /v2/apps/{id}       {"instances": N} scales; other fields
 *                                 update the app (a new version, rolled out
 *                                 as Marathon does); an unknown id is created
 *   DELETE /v2/apps/{id}          stop and forget the app
 *   GET  /v2/apps/{id}/tasks, GET /v2/tasks, POST /v2/tasks/delete
 *   GET  /v2/deployments, GET /v2/info, GET /ping, GET /metrics
 *   POST /agent/v1/sync           the agents (live/agents.h)
 *
 * Apps are kept by the controller kind that takes a Marathon app (the
 * simulator's, controllers/marathon.c), each a controller added to the
 * running world (sim/world_live.c), scheduled by the experiment's
 * scheduler on the agents' machines.
 *
 * Errors, as Marathon answers them: 400 {"message", "details": [{"path",
 * "errors": [...]}]} for a body that is not JSON or a field out of range
 * (the spec reader's message, its key path as the JSON pointer); 401
 * without the token when one is set; 404 {"message": "App '/x' does not
 * exist"}; 409 for an app that exists (POST) or has a deployment in
 * progress (PUT, DELETE; ?force=true overrides); 413 past the body limit
 * (live/http_server.h); 405 for a method a path does not take.
 *
 * Containers: there is no Docker engine here; an app's "container" is
 * kept and reported, its cmd runs as a process, and every app response
 * says so in "clustersim": {"container": ...}.
 *
 * Ownership: the API owns the apps' definitions and spec sets (the
 * controllers point into them until the world is released). */
#ifndef CS_LIVE_API_H
#define CS_LIVE_API_H
#include <jansson.h>

struct cs_world;
struct cs_live_agents;
struct cs_http_exchange;
struct cs_task;
struct cs_live_api;

struct cs_live_api *cs_live_api_new(struct cs_world *w, const char *token, const char *listen);
void cs_live_api_set_agents(struct cs_live_api *api, struct cs_live_agents *agents);
/* The address it is reached at ("HOST:PORT", the port the server got),
 * for the URLs and /v2/info it answers with (copied). */
void cs_live_api_set_address(struct cs_live_api *api, const char *hostport);
void cs_live_api_free(struct cs_live_api *api);
/* The server's handler and on_gone (ctx: the api). */
void cs_live_api_handle(void *ctx, struct cs_http_exchange *x);
void cs_live_api_gone(void *ctx, struct cs_http_exchange *x);
/* The agents' launch callback (live/agents.h): what a task of an app runs. */
json_t *cs_live_api_launch(void *ctx, const struct cs_task *task);

/* Durable state (live/state_db.h): apps are written before a change is
 * answered.  cs_live_api_recover reads a state back after a restart: its
 * apps are kept again, their controllers not started; the agents adopt
 * the tasks still running (live/agents.h) until cs_live_api_end_recovery
 * (every agent of the state has synced, or the agent timeout passed),
 * which starts the controllers (they launch what is missing).  While
 * recovering, changes are answered 503.  -1 if the state cannot be read. */
struct cs_state_db;
int cs_live_api_recover(struct cs_live_api *api, struct cs_state_db *db);
void cs_live_api_end_recovery(struct cs_live_api *api);
bool cs_live_api_recovering(const struct cs_live_api *api);

/* apps (api_apps.c) */
void cs_live_api_apps(struct cs_live_api *api, struct cs_http_exchange *x, const char *id, const char *rest);
json_t *cs_live_api_deployments(struct cs_live_api *api);
/* Each app kept (not deleted), in id order: fn(ctx, its id without the
 * leading '/', its latest definition). */
typedef void cs_live_app_fn(void *ctx, const char *id, const json_t *def);
void cs_live_api_each_app(struct cs_live_api *api, cs_live_app_fn *fn, void *ctx);
/* A count that changes whenever an app does. */
uint64_t cs_live_api_generation(const struct cs_live_api *api);
/* The load balancers kept in step (their counters go to /metrics). */
struct cs_lb_sync;
void cs_live_api_set_lb(struct cs_live_api *api, const struct cs_lb_sync *lb);

/* Apps kept and running instances, for /metrics. */
void cs_live_api_app_counts(struct cs_live_api *api, unsigned *apps, unsigned *running, unsigned *desired);

#endif
