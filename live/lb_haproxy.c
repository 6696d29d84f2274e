/* live/lb_haproxy — the HAProxy kind of live/lb_sync: a configuration
 * file given to HAProxy after the operator's own (haproxy -W -f
 * base.cfg -f FILE; base.cfg has the global and defaults sections),
 * reloaded by SIGUSR2 to the master in master-worker mode (-W, or
 * "master-worker" in global).  The master starts a new worker that takes
 * the listening sockets over from the old one (HAProxy 2.x passes them
 * through its socket pair: no connection refused) and the old worker
 * finishes its connections: no request is dropped.
 *
 * Per service, as marathon-lb writes them: "frontend NAME" bound on
 * BIND:SERVICEPORT and "backend NAME" with a server per running task,
 * named after the task.  In "mode": "http" (the default) the backend
 * retries another server when one refuses the connection, closes it
 * without an answer or times out (retry-on conn-failure empty-response
 * response-timeout, 3 retries, each to another server: "option
 * redispatch 1"), and a server that failed a connection is marked down
 * at once ("observe layer4 error-limit 1 on-error mark-down", until its
 * health check passes again), so a task that just stopped or has not yet
 * opened its port costs no request (with plain redispatch, three retries
 * could all land on tasks stopped by one scale-down); "sticky":
 * true inserts a cookie NAME naming the task (HAProxy's cookie
 * stickiness: "cookie NAME insert indirect nocache").  "balance" is
 * HAProxy's (default roundrobin); "health_check": true (the default)
 * checks every server (HAProxy's TCP check every 2 s) and marks it down
 * on errors as above.  A service
 * without running tasks has a backend without servers: HAProxy answers
 * 503.  While no app has a service port the file has no section, and
 * HAProxy refuses a configuration without any listener (haproxy -c exits
 * 2): base.cfg should have a listener of its own (a stats or health
 * frontend), or a check rejects the empty file. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "live/lb_sync.h"
#include "sim/alloc.h"

struct haproxy_opts {
	int mode, balance;
	bool sticky, check;
};

static const char *const modes[] = {"http", "tcp", NULL};
static const char *const balances[] = {"roundrobin", "leastconn", "source", "first", "random", NULL};
static const char *const keys[] = {"mode", "balance", "sticky", "health_check", NULL};

static int parse(const struct cs_cfg *cfg, json_t *obj, const char *path, void **out)
{
	struct haproxy_opts o = {0};
	if (cs_cfg_enum(cfg, obj, path, "mode", "http", modes, &o.mode) < 0 ||
	    cs_cfg_enum(cfg, obj, path, "balance", "roundrobin", balances, &o.balance) < 0 ||
	    cs_cfg_bool(cfg, obj, path, "sticky", false, &o.sticky) < 0 ||
	    cs_cfg_bool(cfg, obj, path, "health_check", true, &o.check) < 0)
		return -1;
	if (o.sticky && o.mode != 0) {
		char p[512];
		return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, "sticky"),
				      "cookie stickiness needs \"mode\": \"http\" (got \"tcp\")");
	}
	struct haproxy_opts *r = cs_xmalloc(sizeof *r);
	*r = o;
	*out = r;
	return 0;
}

static void render(FILE *f, const void *opts, const char *bind, const struct cs_lb_view *v)
{
	const struct haproxy_opts *o = opts;
	const char *mode = modes[o->mode];
	for (size_t k = 0; k < v->n; k++) {
		const struct cs_lb_service *s = &v->s[k];
		fprintf(f, "\n# app /%s, service port %u: %zu task%s\n", s->app, s->service_port, s->n,
			s->n == 1 ? "" : "s");
		fprintf(f, "frontend %s\n    mode %s\n", s->name, mode);
		if (strcmp(bind, "*") == 0)
			fprintf(f, "    bind :%u\n", s->service_port);
		else
			fprintf(f, "    bind %s:%u\n", bind, s->service_port);
		fprintf(f, "    default_backend %s\n", s->name);
		fprintf(f, "backend %s\n    mode %s\n    balance %s\n    option redispatch 1\n    retries 3\n", s->name,
			mode, balances[o->balance]);
		if (o->check)
			fprintf(f, "    default-server check observe layer4 error-limit 1 on-error mark-down\n");
		if (o->mode == 0)
			fprintf(f, "    retry-on conn-failure empty-response response-timeout\n");
		if (o->sticky)
			fprintf(f, "    cookie %s insert indirect nocache\n", s->name);
		for (size_t i = 0; i < s->n; i++) {
			fprintf(f, "    server %s %s:%u", s->b[i].task, s->b[i].host, s->b[i].port);
			if (o->sticky)
				fprintf(f, " cookie %s", s->b[i].task);
			fputc('\n', f);
		}
	}
}

const struct cs_lb_kind cs_lb_haproxy = {"haproxy", SIGUSR2, keys, parse, render, free};
