/* live/lb_sync — keeping load balancers in step with the running tasks,
 * as marathon-lb and Marathon's haproxy bridge do.
 *
 * "live": {"load_balancers": [{"kind": "nginx" | "haproxy", "config":
 * FILE, "pid_file": FILE, ...}]} (docs/live.md, "Load balancers"): for
 * every app with a service port (the definition's portDefinitions[i].port
 * or ports[i], when not 0), each balancer's FILE gets a frontend that
 * listens on "bind":PORT and a backend of the app's running tasks, each
 * HOST:PORTi (the host ports the agent gave the task).  When the text
 * changes, FILE is replaced atomically (a new file renamed over it), the
 * "check" command runs if one is given (FILE is put back as it was if it
 * fails or takes over 30 s; the controller does not wait for it: it
 * serves the API and the agents meanwhile), and the balancer's master process, from "pid_file", is told to
 * reload: SIGHUP for nginx, SIGUSR2 for HAProxy in master-worker mode.
 * Neither drops a request when it reloads: the listening sockets stay
 * open and the old workers finish what they have.  Reloads come at most
 * once per "min_interval" (default 1 s, wall-clock time); changes in
 * between are merged into the next.  Nothing is written while the
 * controller recovers after a restart (it does not yet know which tasks
 * run); a balancer that is not running (no pid file, no such process) is
 * not an error: it reads FILE when it starts.
 *
 * A kind of balancer is one file (live/lb_nginx.c, live/lb_haproxy.c)
 * with its struct cs_lb_kind, and one line in the registry (lb_sync.c).
 *
 * Ownership: parsed from the experiment by the live controller, which
 * owns the sync; it reads the API's apps and the agents' tasks on the
 * engine's thread. */
#ifndef CS_LIVE_LB_SYNC_H
#define CS_LIVE_LB_SYNC_H
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "sim/config.h"

struct cs_engine;
struct cs_live_api;
struct cs_live_agents;
struct cs_lb_sync;

/* One running task of a service: HOST:PORT, under its task id. */
struct cs_lb_backend {
	char *task, *host; /* (owned by the view) */
	unsigned port;
};

/* One service port of an app and the tasks behind it, in task id order.
 * name is unique among the services and safe as an identifier in every
 * balancer's configuration: the balancer's "name" (default "lb" and its
 * index in the list), "_", the app id with other characters than
 * [A-Za-z0-9] as '_', "_", the service port; two balancers in one
 * nginx or HAProxy thus never name a section alike. */
struct cs_lb_service {
	char app[256]; /* the app id, without the leading '/' */
	char name[300];
	unsigned service_port, index; /* index: which of the task's ports */
	struct cs_lb_backend *b;
	size_t n, cap;
};

/* Every service, in app id order, then port order. */
struct cs_lb_view {
	struct cs_lb_service *s;
	size_t n;
};

/* A kind of balancer: its name, the signal its master reloads on, the
 * keys it takes beside the common ones, and how it reads them and writes
 * its configuration. */
struct cs_lb_kind {
	const char *name;
	int reload_signal;
	const char *const *keys;
	/* Read the kind's keys of obj (at path) into a new *opts; -1 with
	 * cfg->err set if they are wrong. */
	int (*parse)(const struct cs_cfg *cfg, json_t *obj, const char *path, void **opts);
	/* Write the configuration of the view, its frontends on bind. */
	void (*render)(FILE *f, const void *opts, const char *bind, const struct cs_lb_view *v);
	void (*free_opts)(void *opts);
};

extern const struct cs_lb_kind cs_lb_nginx, cs_lb_haproxy;

/* The experiment's live.load_balancers; *out NULL when there are none.
 * -1 with cfg->err set if they are wrong. */
int cs_lb_sync_parse(const struct cs_cfg *cfg, json_t *exp, struct cs_lb_sync **out);
/* Start keeping them in step (on e, whose time runs `scale` times faster
 * than real time). */
void cs_lb_sync_start(struct cs_lb_sync *s, struct cs_engine *e, double scale, struct cs_live_api *api,
		      struct cs_live_agents *agents);
void cs_lb_sync_free(struct cs_lb_sync *s);

/* Counters for /metrics (summed over the balancers). */
struct cs_lb_counts {
	uint64_t writes, reloads, reload_skipped, check_failures, write_failures;
};
struct cs_lb_counts cs_lb_sync_counts(const struct cs_lb_sync *s);

/* The view of the apps and tasks now (tests): services of apps with
 * service ports; cs_lb_view_release frees it. */
void cs_lb_view_build(struct cs_lb_view *v, struct cs_live_api *api, struct cs_live_agents *agents,
		      const char *prefix, const char *const *apps);
void cs_lb_view_release(struct cs_lb_view *v);
/* Append one backend to a service (the view's builder, and tests). */
void cs_lb_service_add(struct cs_lb_service *s, const char *task, const char *host, unsigned port);

#endif
