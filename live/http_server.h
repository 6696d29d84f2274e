/* live/http_server — an HTTP/1.1 server (libmicrohttpd) driven by the
 * engine's real-time clock (live/clock.h): the controller's API and the
 * agents' status pages.
 *
 * libmicrohttpd runs with external polling: its epoll fd is watched by the
 * clock and MHD_run is called when it is readable or when MHD's own
 * timeout (idle connections) is due, so every handler runs on the
 * engine's thread, between events, like any other I/O callback: handlers
 * may read and change the world without locks.
 *
 * A handler gets the whole request (the body read to its end, at most
 * body_limit bytes: a longer one is answered 413 before the handler is
 * called) and answers it, at once (cs_http_reply) or later (return without
 * replying: the connection is suspended until cs_http_reply is called for
 * it, from an event or another I/O callback -- long polls).  An exchange
 * whose client went away before a held reply is freed by the server; the
 * handler's on_gone callback is told first, so that it forgets the
 * exchange.
 *
 * Addresses: an IPv4 "HOST:PORT" (PORT 0: a free port, chosen by the
 * kernel; cs_http_server_port says which).  Nothing here decides who may
 * connect: the callers check the bind address and the token
 * (live/auth.h).
 *
 * Ownership: the server owns its exchanges; an exchange pointer is valid
 * from the handler call until cs_http_reply or on_gone. */
#ifndef CS_HTTP_SERVER_H
#define CS_HTTP_SERVER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cs_live_clock;
struct cs_engine;
struct cs_http_server;

struct cs_http_exchange {
	const char *method;  /* "GET", "POST", ... */
	const char *path;    /* without the query */
	const char *body;    /* NUL-terminated ("" when none) */
	size_t body_len;
	void *user;          /* the handler's, for a held exchange */
	/* An exchange made without a server (tests, the API's fuzz target):
	 * conn NULL, its headers as "Name: value" strings (NULL-terminated)
	 * and its query as "k=v&k2" text; replies are kept in reply/status. */
	const char *const *fake_headers;
	const char *fake_query;
	/* private */
	struct cs_http_server *srv;
	void *conn;
	int status;
	char *reply, *reply_type;
	size_t reply_len;
	bool suspended, replied, too_large;
	void *cached;  /* an MHD response shared with other exchanges, or NULL */
	struct cs_http_exchange *prev, *next;
};

typedef void cs_http_handler(void *ctx, struct cs_http_exchange *x);
typedef void cs_http_gone(void *ctx, struct cs_http_exchange *x);

struct cs_http_server_opts {
	const char *listen;      /* "HOST:PORT" */
	size_t body_limit;       /* bytes; 0: 1 MiB */
	unsigned conn_limit;     /* 0: 1024 */
	unsigned idle_timeout_s; /* 0: 60 */
	cs_http_handler *handler;
	cs_http_gone *on_gone;   /* may be NULL */
	void *ctx;
};

/* Start listening.  NULL with a message in err (a bad address, a port in
 * use, the kernel refusing). */
struct cs_http_server *cs_http_server_start(struct cs_live_clock *clock, struct cs_engine *e,
					    const struct cs_http_server_opts *o, char *err, size_t errn);
/* Stop listening, close every connection (held exchanges are told
 * on_gone) and free the server. */
void cs_http_server_stop(struct cs_http_server *s);
/* The port it listens on. */
unsigned cs_http_server_port(const struct cs_http_server *s);

/* A request header's value, or NULL (case-insensitive name). */
const char *cs_http_header(const struct cs_http_exchange *x, const char *name);
/* A query argument's value, or NULL ("" for a key without a value). */
const char *cs_http_query(const struct cs_http_exchange *x, const char *key);
/* The client's IPv4 address as text, into buf. */
void cs_http_peer(const struct cs_http_exchange *x, char *buf, size_t n);

/* Answer: status, the body (copied; NULL: empty) and its content type
 * (NULL: application/json).  Once per exchange. */
void cs_http_reply(struct cs_http_exchange *x, int status, const char *body, const char *type);
/* An answer prepared once and sent to many exchanges without a copy
 * (a poller's identical GETs): the body is taken over.  Freeing it drops
 * the maker's hold; exchanges it was queued to keep theirs. */
struct cs_http_cached;
struct cs_http_cached *cs_http_cached_new(char *body, size_t len, const char *type);
void cs_http_cached_free(struct cs_http_cached *c);
/* Answer 200 with it, from the handler itself (a held exchange, or one
 * made without a server, gets a copy). */
void cs_http_reply_cached(struct cs_http_exchange *x, const struct cs_http_cached *c);

/* Answer with a JSON value, compact, and a newline (steals a reference;
 * NULL -- a value that could not be built -- answers 500). */
struct json_t;
void cs_http_reply_json(struct cs_http_exchange *x, int status, struct json_t *v);

/* A JSON string of s for a reply, with every byte past ASCII replaced by
 * '?' when s is not UTF-8 (a request's path is bytes; a parser's message
 * may quote them). */
struct json_t *cs_http_json_text(const char *s);
/* Free what cs_http_reply kept in an exchange made without a server. */
void cs_http_fake_release(struct cs_http_exchange *x);

/* Parse "HOST:PORT" (an IPv4 address, or "localhost"), port 0..65535.
 * Returns 0 or -1. */
int cs_http_parse_listen(const char *s, char *host, size_t hostn, unsigned *port);
/* Parse a base URL "http://HOST:PORT" (HOST an IPv4 address or
 * localhost, PORT 1 ... 65535, an optional final '/'): host and port.
 * 0 or -1. */
int cs_http_parse_url(const char *url, char *host, size_t hostn, unsigned *port);
/* Whether an IPv4 address text is in 127.0.0.0/8. */
bool cs_http_is_loopback(const char *host);

#endif
