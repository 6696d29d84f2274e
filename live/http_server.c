/* live/http_server — see http_server.h. */
#include "live/http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <jansson.h>
#include <microhttpd.h>

#include "live/clock.h"
#include "sim/engine.h"

struct cs_http_server {
	struct MHD_Daemon *d;
	struct cs_live_clock *clock;
	struct cs_engine *e;
	int epfd;
	struct cs_http_server_opts o;
	struct cs_http_exchange *head; /* every exchange not yet completed */
	cs_event_id timer;
	bool timer_set, stopping;
	unsigned port;
};

static void drive(struct cs_http_server *s);

static void on_timer(void *ctx, cs_time now)
{
	struct cs_http_server *s = ctx;
	s->timer_set = false;
	drive(s);
}

/* Run MHD, then arm its next timeout (idle connections) as an event. */
static void drive(struct cs_http_server *s)
{
	MHD_run(s->d);
	if (s->timer_set) {
		cs_engine_cancel(s->e, s->timer);
		s->timer_set = false;
	}
	MHD_UNSIGNED_LONG_LONG ms;
	if (!s->stopping && MHD_get_timeout(s->d, &ms) == MHD_YES) {
		s->timer = cs_engine_after(s->e, (cs_time)ms * 1000, on_timer, s);
		s->timer_set = true;
	}
}

static void on_io(void *ctx, int fd, unsigned events, cs_time now)
{
	drive(ctx);
}

static void unlink_exchange(struct cs_http_exchange *x)
{
	struct cs_http_server *s = x->srv;
	if (x->prev)
		x->prev->next = x->next;
	else
		s->head = x->next;
	if (x->next)
		x->next->prev = x->prev;
	x->prev = x->next = NULL;
}

struct cs_http_cached {
	struct MHD_Response *r;
	char *body; /* MHD's once the response is made (freed with it) */
	size_t len;
	char *type;
};

struct cs_http_cached *cs_http_cached_new(char *body, size_t len, const char *type)
{
	struct cs_http_cached *c = calloc(1, sizeof *c);
	if (!c) {
		free(body);
		return NULL;
	}
	c->body = body;
	c->len = len;
	c->type = strdup(type ? type : "application/json");
	c->r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!c->r || !c->type) {
		if (!c->r)
			free(body);
		else
			MHD_destroy_response(c->r);
		free(c->type);
		free(c);
		return NULL;
	}
	MHD_add_response_header(c->r, "Content-Type", c->type);
	return c;
}

void cs_http_cached_free(struct cs_http_cached *c)
{
	if (!c)
		return;
	MHD_destroy_response(c->r); /* (queued ones hold their own references) */
	free(c->type);
	free(c);
}

void cs_http_reply_cached(struct cs_http_exchange *x, const struct cs_http_cached *c)
{
	if (x->replied)
		return;
	if (!x->conn || x->suspended) {
		char *copy = malloc(c->len + 1);
		if (!copy) {
			cs_http_reply(x, 500, "{\"message\":\"out of memory\"}\n", NULL);
			return;
		}
		memcpy(copy, c->body, c->len);
		copy[c->len] = '\0';
		cs_http_reply(x, 200, copy, c->type);
		free(copy);
		return;
	}
	x->replied = true;
	x->status = 200;
	x->cached = c->r;
}

static enum MHD_Result queue(struct cs_http_exchange *x)
{
	if (x->cached) /* queued now: MHD takes its own reference */
		return MHD_queue_response(x->conn, (unsigned)x->status, x->cached);
	struct MHD_Response *r =
		MHD_create_response_from_buffer(x->reply_len, x->reply ? x->reply : (char *)(uintptr_t) "",
						MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", x->reply_type ? x->reply_type : "application/json");
	enum MHD_Result rc = MHD_queue_response(x->conn, (unsigned)x->status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct cs_http_server *s = cls;
	struct cs_http_exchange *x = *con_cls;
	if (!x) {
		x = calloc(1, sizeof *x);
		if (!x)
			return MHD_NO;
		x->srv = s;
		x->conn = conn;
		x->method = method;
		x->path = url;
		x->next = s->head;
		if (s->head)
			s->head->prev = x;
		s->head = x;
		*con_cls = x;
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		if (x->too_large || x->body_len + n > s->o.body_limit) {
			x->too_large = true;
			return MHD_YES; /* read and drop the rest, then answer 413 */
		}
		char *b = realloc((char *)(uintptr_t)x->body, x->body_len + n + 1);
		if (!b)
			return MHD_NO;
		memcpy(b + x->body_len, upload, n);
		x->body_len += n;
		b[x->body_len] = '\0';
		x->body = b;
		return MHD_YES;
	}
	if (x->replied)
		return queue(x); /* a held exchange, resumed */
	if (!x->body)
		x->body = strdup("");
	if (x->too_large) {
		char msg[160];
		snprintf(msg, sizeof msg, "{\"message\":\"request body larger than %zu bytes\"}\n", s->o.body_limit);
		cs_http_reply(x, 413, msg, NULL);
	} else {
		s->o.handler(s->o.ctx, x);
	}
	if (x->replied)
		return queue(x);
	MHD_suspend_connection(conn);
	x->suspended = true;
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct cs_http_server *s = cls;
	struct cs_http_exchange *x = *con_cls;
	if (!x)
		return;
	if (!x->replied && s->o.on_gone)
		s->o.on_gone(s->o.ctx, x);
	unlink_exchange(x);
	free((char *)(uintptr_t)x->body);
	free(x->reply);
	free(x->reply_type);
	free(x);
	*con_cls = NULL;
}

bool cs_http_is_loopback(const char *host)
{
	struct in_addr a;
	return inet_pton(AF_INET, host, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

int cs_http_parse_listen(const char *s, char *host, size_t hostn, unsigned *port)
{
	const char *colon = strrchr(s, ':');
	if (!colon || (size_t)(colon - s) >= hostn)
		return -1;
	snprintf(host, hostn, "%.*s", (int)(colon - s), s);
	if (!host[0] || strcmp(host, "*") == 0)
		snprintf(host, hostn, "0.0.0.0");
	else if (strcmp(host, "localhost") == 0)
		snprintf(host, hostn, "127.0.0.1");
	struct in_addr a;
	if (inet_pton(AF_INET, host, &a) != 1)
		return -1;
	char *end;
	errno = 0;
	unsigned long p = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || p > 65535 || colon[1] == '-' || colon[1] == '+')
		return -1;
	*port = (unsigned)p;
	return 0;
}

int cs_http_parse_url(const char *url, char *host, size_t hostn, unsigned *port)
{
	if (strncmp(url, "http://", 7) != 0)
		return -1;
	char hp[300];
	snprintf(hp, sizeof hp, "%s", url + 7);
	size_t n = strlen(hp);
	if (n && hp[n - 1] == '/')
		hp[--n] = '\0';
	if (strchr(hp, '/') || strchr(hp, '@') || cs_http_parse_listen(hp, host, hostn, port) != 0 || *port == 0 ||
	    strcmp(host, "0.0.0.0") == 0)
		return -1;
	return 0;
}

struct cs_http_server *cs_http_server_start(struct cs_live_clock *clock, struct cs_engine *e,
					    const struct cs_http_server_opts *o, char *err, size_t errn)
{
	char host[64];
	unsigned port;
	if (cs_http_parse_listen(o->listen, host, sizeof host, &port) != 0) {
		snprintf(err, errn, "not an IPv4 HOST:PORT (got \"%s\")", o->listen);
		return NULL;
	}
	struct cs_http_server *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errn, "out of memory");
		return NULL;
	}
	s->o = *o;
	if (!s->o.body_limit)
		s->o.body_limit = 1 << 20;
	if (!s->o.conn_limit)
		s->o.conn_limit = 1024;
	if (!s->o.idle_timeout_s)
		s->o.idle_timeout_s = 60;
	s->clock = clock;
	s->e = e;
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, host, &sa.sin_addr);
	errno = 0;
	s->d = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO, (uint16_t)port, NULL,
				NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_CONNECTION_LIMIT,
				s->o.conn_limit, MHD_OPTION_CONNECTION_TIMEOUT, s->o.idle_timeout_s,
				MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, MHD_OPTION_END);
	if (!s->d) {
		snprintf(err, errn, "cannot listen on %s: %s", o->listen,
			 errno ? strerror(errno) : "libmicrohttpd refused");
		free(s);
		return NULL;
	}
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_EPOLL_FD);
	const union MHD_DaemonInfo *p = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->epfd = i ? i->epoll_fd : -1;
	s->port = p ? p->port : port;
	if (s->epfd < 0 || cs_live_clock_watch(clock, s->epfd, CS_IO_READ, on_io, s) != 0) {
		snprintf(err, errn, "cannot poll the server on %s: %s", o->listen, strerror(errno));
		MHD_stop_daemon(s->d);
		free(s);
		return NULL;
	}
	drive(s);
	return s;
}

unsigned cs_http_server_port(const struct cs_http_server *s)
{
	return s->port;
}

void cs_http_server_stop(struct cs_http_server *s)
{
	if (!s)
		return;
	s->stopping = true;
	/* held exchanges: their handlers forget them, the clients get 503 */
	for (struct cs_http_exchange *x = s->head; x; x = x->next)
		if (x->suspended && !x->replied) {
			if (s->o.on_gone)
				s->o.on_gone(s->o.ctx, x);
			cs_http_reply(x, 503, "{\"message\":\"shutting down\"}\n", NULL);
		}
	MHD_run(s->d);
	if (s->timer_set)
		cs_engine_cancel(s->e, s->timer);
	cs_live_clock_unwatch(s->clock, s->epfd);
	s->o.on_gone = NULL;
	MHD_stop_daemon(s->d);
	free(s);
}

const char *cs_http_header(const struct cs_http_exchange *x, const char *name)
{
	if (!x->conn) {
		size_t n = strlen(name);
		for (const char *const *h = x->fake_headers; h && *h; h++)
			if (strncasecmp(*h, name, n) == 0 && (*h)[n] == ':')
				return *h + n + 1 + ((*h)[n + 1] == ' ');
		return NULL;
	}
	return MHD_lookup_connection_value(x->conn, MHD_HEADER_KIND, name);
}

/* A fake exchange's query argument (no percent-decoding). */
static const char *fake_query(const struct cs_http_exchange *x, const char *key)
{
	static char value[256];
	size_t n = strlen(key);
	for (const char *p = x->fake_query; p && *p;) {
		size_t len = strcspn(p, "&");
		if (len >= n && strncmp(p, key, n) == 0 && (len == n || p[n] == '=')) {
			size_t vl = len > n ? len - n - 1 : 0;
			snprintf(value, sizeof value, "%.*s", (int)(vl < 255 ? vl : 255), p + n + (len > n));
			return value;
		}
		p += len + (p[len] == '&');
	}
	return NULL;
}

const char *cs_http_query(const struct cs_http_exchange *x, const char *key)
{
	if (!x->conn)
		return fake_query(x, key);
	const char *v = MHD_lookup_connection_value(x->conn, MHD_GET_ARGUMENT_KIND, key);
	if (v)
		return v;
	/* a key without "=value" */
	return MHD_lookup_connection_value_n(x->conn, MHD_GET_ARGUMENT_KIND, key, strlen(key), NULL, NULL) ==
			       MHD_YES
		       ? ""
		       : NULL;
}

void cs_http_peer(const struct cs_http_exchange *x, char *buf, size_t n)
{
	buf[0] = '\0';
	if (!x->conn) {
		snprintf(buf, n, "127.0.0.1");
		return;
	}
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(x->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (i && i->client_addr && i->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)i->client_addr)->sin_addr, buf,
			  (socklen_t)n);
}

void cs_http_reply(struct cs_http_exchange *x, int status, const char *body, const char *type)
{
	if (x->replied)
		return;
	x->replied = true;
	x->status = status;
	x->reply_len = body ? strlen(body) : 0;
	x->reply = body ? strdup(body) : NULL;
	x->reply_type = type ? strdup(type) : NULL;
	if (x->suspended && x->conn) {
		x->suspended = false;
		MHD_resume_connection(x->conn);
		/* MHD processes a resumed connection in its next run, which
		 * its wake-up of the epoll fd does not always bring: run it
		 * now, from an event (never from inside MHD_run) */
		struct cs_http_server *s = x->srv;
		if (!s->stopping) {
			if (s->timer_set)
				cs_engine_cancel(s->e, s->timer);
			s->timer = cs_engine_after(s->e, 0, on_timer, s);
			s->timer_set = true;
		}
	}
}

json_t *cs_http_json_text(const char *s)
{
	json_t *v = json_string(s);
	if (v)
		return v;
	char *c = strdup(s);
	if (!c)
		return NULL;
	for (char *p = c; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	v = json_string(c);
	free(c);
	return v;
}

void cs_http_reply_json(struct cs_http_exchange *x, int status, json_t *v)
{
	if (!v) {
		cs_http_reply(x, 500, "{\"message\":\"internal error: the answer could not be encoded\"}\n", NULL);
		return;
	}
	char *text = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(v);
	size_t n = text ? strlen(text) : 0;
	char *line = malloc(n + 2);
	if (line) {
		memcpy(line, text ? text : "", n);
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	cs_http_reply(x, line ? status : 500, line ? line : "{\"message\":\"out of memory\"}\n", NULL);
	free(line);
	free(text);
}

void cs_http_fake_release(struct cs_http_exchange *x)
{
	free(x->reply);
	free(x->reply_type);
	x->reply = x->reply_type = NULL;
}
