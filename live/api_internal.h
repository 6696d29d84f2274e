/* live/api_internal — what api.c (routing, tasks, info, metrics) and
 * api_apps.c (the apps) share.  Not for other modules. */
#ifndef CS_LIVE_API_INTERNAL_H
#define CS_LIVE_API_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "live/api.h"
#include "live/idmap.h"
#include "specs/spec.h"

/* One app of the API: its definition as given (merged over its updates),
 * every version's spec set (the controller points into them), and its
 * controller. */
struct live_app {
	char id[256];                /* without the leading '/' */
	json_t *def;                 /* the latest definition */
	struct cs_spec_set *sets;    /* every version's */
	size_t nsets, capsets;
	const struct cs_app *cur;    /* the latest version's spec (in sets) */
	struct cs_controller *c;
	char version[32];            /* ISO 8601 of the latest version */
	char deployment[40];         /* the latest deployment's id */
	bool deleted;
};

struct cs_live_api {
	struct cs_world *w;
	const char *token;
	const char *listen;
	char address[96];            /* HOST:PORT as listening */
	struct cs_live_agents *agents;
	struct cs_idmap apps;        /* id -> live_app (the latest of an id) */
	struct live_app **all;       /* every app ever made, deleted ones too */
	size_t nall, capall;
	struct cs_idmap defs;        /* "%p" of a version's cs_app -> its definition */
	uint64_t requests[6];        /* by status class: 2xx 3xx 4xx 5xx, 401, 404 */
	struct cs_state_db *db;      /* durable state, or NULL */
	bool recovering;             /* adopting the agents' tasks after a restart */
	/* GET /v2/apps as last answered, valid while neither the apps (gen)
	 * nor the tasks (the agents' generation) changed */
	uint64_t gen, cached_gen, cached_agents_gen;
	struct cs_http_cached *apps_cache;
	uint64_t uuid_seq;
	const struct cs_lb_sync *lb; /* for /metrics, or NULL */
};

/* An error reply in Marathon's shape. */
void cs_live_api_error(struct cs_http_exchange *x, int status, const char *message, const char *path,
		       const char *detail);
/* A fresh id for a deployment ("8-4-4-4-12" hex). */
void cs_live_api_uuid(struct cs_live_api *api, char *buf, size_t n);
/* api_apps.c: free every app (at the end of the run) */
void cs_live_api_free_apps(struct cs_live_api *api);
/* api_apps.c: keep app k of set (taken over) as a new app with definition
 * def, under a new controller; answers 409 (the id exists, no room) and
 * returns NULL, or returns the app (the caller answers). */
struct live_app *cs_live_api_add(struct cs_live_api *api, struct cs_http_exchange *x, json_t *def,
				 struct cs_spec_set *set, size_t k);
json_t *cs_live_api_app_json(struct cs_live_api *api, const struct live_app *a, bool with_tasks);
/* api_aurora.c: POST /aurora/v1/jobs */
void cs_live_api_aurora(struct cs_live_api *api, struct cs_http_exchange *x);
/* api_aurora.c: an Aurora job's spec set from its stored definition
 * ("aurora": {key, config, env}) and the index of the job named id in it;
 * -1 if it no longer reads. */
int cs_live_api_aurora_set(json_t *def, const char *id, struct cs_spec_set *set, size_t *k);
/* Persist app a's definition (or its deletion) and make it durable
 * before the change is answered: false (answered 503) if it cannot be. */
bool cs_live_api_persist(struct cs_live_api *api, struct cs_http_exchange *x, const struct live_app *a);

#endif
