/* live/lb_nginx — the nginx kind of live/lb_sync: a file to include in
 * nginx.conf's http block, reloaded by SIGHUP to the master (nginx reads
 * the configuration again, starts new workers on the same listening
 * sockets and lets the old ones finish their requests: none is dropped).
 *
 * Per service: "upstream NAME" with a server line per running task, and
 * a server block listening on BIND:SERVICEPORT whose location is one of
 * the setups of the nginx configurations this project started from
 * ("setup"):
 *   - "plain": proxy_pass to the upstream (round-robin);
 *   - "websocket": the same with HTTP/1.1 and the Upgrade and Connection
 *     headers passed, as nginx-websocket.conf has it;
 *   - "longpoll-sticky": a client stays on the task that answered it
 *     first, as nginx-longpoll-sticky.conf has it with the third-party
 *     sticky module's "sticky;".  "sticky": "module" writes exactly that
 *     (for an nginx built with nginx-sticky-module-ng); "cookie" (the
 *     default) does the same with stock nginx (Debian's has no sticky
 *     module): the answer sets the cookie NAME to the task that gave it
 *     (from $upstream_addr), and a request with it goes to that task's own
 *     one-server upstream; a task gone falls back to the round-robin
 *     upstream (error_page 502), which sets the cookie again.
 * nginx retries another server when one refuses the connection or fails
 * before its response header (proxy_next_upstream's default "error
 * timeout", for idempotent requests), so a task that just stopped or has
 * not yet opened its port costs no request.  "server_options" is added to
 * every server line; its default, "max_fails=1 fail_timeout=1s", keeps a
 * task that was reached before it listened out for 1 s (nginx's own
 * fail_timeout, 10 s, would leave a task just scaled up without requests
 * for that long: a task is listed as soon as it runs).  A service without
 * running tasks answers 503. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "live/lb_sync.h"
#include "sim/alloc.h"

enum setup { SETUP_PLAIN, SETUP_LONGPOLL_STICKY, SETUP_WEBSOCKET };
enum sticky { STICKY_COOKIE, STICKY_MODULE };

struct nginx_opts {
	int setup, sticky;
	char *server_options;
};

static const char *const keys[] = {"setup", "sticky", "server_options", NULL};

static int parse(const struct cs_cfg *cfg, json_t *obj, const char *path, void **out)
{
	static const char *const setups[] = {"plain", "longpoll-sticky", "websocket", NULL};
	static const char *const stickies[] = {"cookie", "module", NULL};
	struct nginx_opts o = {0};
	const char *extra;
	if (cs_cfg_enum(cfg, obj, path, "setup", "plain", setups, &o.setup) < 0 ||
	    cs_cfg_enum(cfg, obj, path, "sticky", "cookie", stickies, &o.sticky) < 0 ||
	    cs_cfg_str(cfg, obj, path, "server_options", "max_fails=1 fail_timeout=1s", 0, &extra) < 0)
		return -1;
	if (strpbrk(extra, ";{}#\"'\\\n\r$")) {
		char p[512];
		return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, "server_options"),
				      "expected parameters of nginx's server directive, without ; { } # quotes or $ "
				      "(got \"%.100s\")", extra);
	}
	struct nginx_opts *r = cs_xmalloc(sizeof *r);
	*r = o;
	r->server_options = cs_xstrdup(extra);
	*out = r;
	return 0;
}

static void free_opts(void *p)
{
	struct nginx_opts *o = p;
	if (o)
		free(o->server_options);
	free(o);
}

static void listen_line(FILE *f, const char *bind, unsigned port)
{
	if (strcmp(bind, "*") == 0)
		fprintf(f, "    listen %u;\n", port);
	else
		fprintf(f, "    listen %s:%u;\n", bind, port);
}

static void server_line(FILE *f, const struct nginx_opts *o, const struct cs_lb_backend *b)
{
	fprintf(f, "    server %s:%u%s%s; # %s\n", b->host, b->port, *o->server_options ? " " : "", o->server_options,
		b->task);
}

/* The cookie emulation of the sticky module: a one-server upstream per
 * task, and the maps from the cookie to it and from the answering
 * address to the cookie's value. */
static void sticky_maps(FILE *f, const struct nginx_opts *o, const struct cs_lb_service *s)
{
	for (size_t i = 0; i < s->n; i++) {
		fprintf(f, "upstream %s_t%zu {\n", s->name, i);
		server_line(f, o, &s->b[i]);
		fprintf(f, "}\n");
	}
	fprintf(f, "map $cookie_%s $%s_pick {\n    default %s;\n", s->name, s->name, s->name);
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "    \"%s\" %s_t%zu;\n", s->b[i].task, s->name, i);
	fprintf(f, "}\nmap $upstream_addr $%s_route {\n    default \"\";\n", s->name);
	for (size_t i = 0; i < s->n; i++) /* (after retries, the last address is the one that answered) */
		fprintf(f, "    \"~(^|, )%s:%u$\" \"%s\";\n", s->b[i].host, s->b[i].port, s->b[i].task);
	fprintf(f, "}\n");
}

static void location(FILE *f, const struct nginx_opts *o, const struct cs_lb_service *s)
{
	if (o->setup == SETUP_WEBSOCKET) {
		fprintf(f, "    location / {\n        proxy_pass http://%s;\n        proxy_http_version 1.1;\n"
			   "        proxy_set_header Upgrade $http_upgrade;\n"
			   "        proxy_set_header Connection \"upgrade\";\n    }\n", s->name);
	} else if (o->setup == SETUP_LONGPOLL_STICKY && o->sticky == STICKY_COOKIE) {
		fprintf(f, "    location / {\n        proxy_pass http://$%s_pick;\n"
			   "        add_header Set-Cookie \"%s=$%s_route; Path=/\" always;\n"
			   "        error_page 502 504 = @%s_any;\n    }\n", s->name, s->name, s->name, s->name);
		fprintf(f, "    location @%s_any {\n        proxy_pass http://%s;\n"
			   "        add_header Set-Cookie \"%s=$%s_route; Path=/\" always;\n    }\n", s->name, s->name,
			s->name, s->name);
	} else {
		fprintf(f, "    location / {\n        proxy_pass http://%s;\n    }\n", s->name);
	}
}

static void render(FILE *f, const void *opts, const char *bind, const struct cs_lb_view *v)
{
	const struct nginx_opts *o = opts;
	for (size_t k = 0; k < v->n; k++) {
		const struct cs_lb_service *s = &v->s[k];
		fprintf(f, "\n# app /%s, service port %u: %zu task%s\n", s->app, s->service_port, s->n,
			s->n == 1 ? "" : "s");
		if (s->n) {
			fprintf(f, "upstream %s {\n", s->name);
			if (o->setup == SETUP_LONGPOLL_STICKY && o->sticky == STICKY_MODULE)
				fprintf(f, "    sticky;\n");
			for (size_t i = 0; i < s->n; i++)
				server_line(f, o, &s->b[i]);
			fprintf(f, "}\n");
			if (o->setup == SETUP_LONGPOLL_STICKY && o->sticky == STICKY_COOKIE)
				sticky_maps(f, o, s);
		}
		fprintf(f, "server {\n");
		listen_line(f, bind, s->service_port);
		if (s->n)
			location(f, o, s);
		else
			fprintf(f, "    location / {\n        return 503;\n    }\n");
		fprintf(f, "}\n");
	}
}

const struct cs_lb_kind cs_lb_nginx = {"nginx", SIGHUP, keys, parse, render, free_opts};
