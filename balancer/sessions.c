/* balancer/sessions — see sessions.h.
 *
 * Protocol (docs/model.md, "Session balancing"; SockJS and Meteor; checked
 * against sockjs 0.3.24 and sockjs-client 1.6.1 behind nginx by
 * tests/integration/run.sh):
 *  - Requests take time.  An HTTP request (or a websocket's handshake or
 *    frame) reaches the balancer `clients.latency` after the client makes
 *    it (a fresh draw per request; default 0); the balancer routes it then,
 *    and the server acts on it at once; its answer reaches the client
 *    another draw of `clients.latency` later.  So the balancer's
 *    round-robin counter sees the requests of all clients in the order they
 *    arrive: with many clients, other clients' requests fall between one
 *    client's requests, as they do in front of a real nginx.  Equal times
 *    run in the engine's FIFO order (with latency 0, a client's requests
 *    reach the balancer in the order it made them, and nothing comes
 *    between them).
 *  - Every connection starts as sockjs-client starts one: GET /info (routed
 *    like any request; it carries no server_id or session: an empty key,
 *    which nginx's `hash` turns into round-robin); on its answer the
 *    transport opens.
 *  - xhr-polling.  Every request is routed by the balancer on its own.
 *    Open: the client picks a SockJS server_id (0-999) and a new session
 *    id and sends a receive poll; the server that gets it creates the
 *    session and answers "o".  On "o" the client sends the DDP connect
 *    with xhr_send and then polls again (made at the same instant, in
 *    that order, as sockjs-client makes them); the server answers the
 *    connect on the poll: the client is connected.  A poll is held until
 *    the server has something to send or for `heartbeat`, then the client
 *    polls again when the answer reaches it.  Messages (every
 *    `message_interval`) go with xhr_send and are answered on the poll.
 *    A send that reaches a server without the session gets 404: the
 *    client closes ("Sending error").  A poll that reaches a server without
 *    the session creates a stray session there and gets "o": the client
 *    closes ("Server lost session").  Whichever of these answers reaches
 *    the client first closes it; the client drops the answers of the
 *    requests it had out (a request already on its way still reaches the
 *    balancer and acts there: a stray session made by a poll whose "o"
 *    nobody reads), and a poll it had held on a server is let go.  A
 *    session with no poll attached expires after `disconnect_delay`; until
 *    then a session no client thinks it has is a ghost.
 *  - websocket.  One connection, routed once, pinned to its server; it
 *    dies with the server.  Its "o", the DDP connect and the answer are
 *    frames, each taking a draw of the latency.
 *  - After a close the client reconnects on Meteor's schedule: 10 ms for
 *    the first two retries, then min(300 s, 1 s x 2.2^n) x U[0.75, 1.25];
 *    the count resets on every successful open (configurable:
 *    clients.retry {min_count, min_timeout, base, exponent, max, fuzz}).
 *    Every reconnect is a new session (no DDP resumption).
 *  - A request to a dead server fails to connect: the balancer counts a
 *    failure (max_fails / fail_timeout) and tries the next server, as
 *    nginx does for requests not yet sent; with no server left, 502 and
 *    the client closes.  Polls held by a server that dies fail (502, not
 *    retried) and websockets drop: their clients close.
 *
 * Metrics (summary.json "balancer"): requests (info requests included),
 * sends, polls; send_404_rate = 404s the clients closed on / sends;
 * lost_session_rate = lost-session closes / polls; opens (session opens
 * the clients started); connect_success_per_open (opens that reached the
 * DDP connected state); reconnects_per_client_minute; ghost_sessions_peak;
 * sessions_per_server (connected clients' sessions, at the end); imbalance
 * {cv, max_over_mean} of connected sessions over up servers, the mean of
 * the per-sample values; moved_by_failure (sessions on a server when it
 * was killed); rehome_seconds {median, max} (from the kill to each moved
 * client's next connected state); broken_on_recovery (connected clients
 * closed by a request routed to a server within `recovery_window` (60 s)
 * after it restarted); tls_cpu_seconds per server: `tls_handshake_cpu`
 * seconds for every connection that reaches it (TLS terminated on the
 * instances, as behind an ELB TCP listener; the model has no keep-alive:
 * every xhr request is a connection, a websocket one).  Both views of the
 * sessions, time-averaged exactly over the run: server_sessions_mean (the
 * sessions the servers hold: the clients', stray ones and ones whose "o"
 * was never read) with server_sessions_peak, and client_sessions_mean
 * (the sessions the clients think they have open: from reading "o" to
 * the close). */
#include "balancer/sessions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "balancer/lb_policy.h"
#include "sim/alloc.h"
#include "sim/csv.h"
#include "sim/engine.h"
#include "sim/interrupt.h"
#include "sim/limits.h"
#include "sim/rng.h"
#include "workloads/dist.h"

enum transport { T_XHR, T_WS };
enum { POOL_BLOCK = 1024 };
enum cstate { C_OPENING, C_CONNECTING, C_CONNECTED, C_WAITING, C_GONE };
enum close_why { WHY_404, WHY_LOST, WHY_502, WHY_DROPPED, WHY_LEFT };
/* what a request is, and the answer it gets */
enum rkind { R_INFO, R_POLL, R_SEND, R_WS_OPEN, R_WS_FRAME };
enum answer { A_OK, A_OPEN, A_FRAMES, A_HEARTBEAT, A_404, A_502 };

/* Objects that events point to live in blocks that never move; freed
 * slots are chained through their first field. */
struct pool {
	char **blocks;
	size_t elem, n, nblocks;
	int32_t free;
};

struct session {
	int32_t link;        /* the free list, while free */
	struct bal *b;
	int32_t index;
	uint64_t id;         /* the SockJS session id (the client's connection) */
	int32_t server;
	int32_t client;      /* the client that thinks it has it; -1: a ghost */
	int32_t owner;       /* the client whose request made it */
	int32_t next_hash;   /* the next live session in its bucket of the
			      * index by (id, server) */
	int32_t held;        /* the request of the held receive poll, -1 */
	bool conn;           /* it holds a connection to its server (a held
			      * poll or a websocket): counted in the server's
			      * conns for least-conn */
	uint32_t queued;     /* frames waiting for a poll */
	cs_event_id expire, poll_end;
	bool expire_set, poll_end_set;
	bool live;
};

/* One request (or websocket frame) on its way or at a server. */
struct req {
	int32_t link;
	struct bal *b;
	int32_t index;
	uint32_t client;
	uint32_t gen;        /* the client's connection attempt that made it */
	uint64_t conn;       /* the session id it names */
	enum rkind kind;
	bool open;           /* the open's receive poll */
	int32_t server;      /* where it was routed; -1: 502 */
	int32_t sess;        /* the session that answered "o" */
	enum answer answer;
	uint32_t frames;
};

struct client {
	struct bal *b;
	uint32_t idx, addr;
	enum cstate state;
	uint32_t gen;        /* bumped at every close: older answers are dropped */
	uint64_t conn;       /* the current SockJS session id */
	int32_t sess;        /* the session it thinks it has, -1: none */
	uint64_t sess_id;
	bool believes;       /* it has read "o" and not closed since */
	uint32_t sockjs_server;
	int32_t route;       /* cookie */
	uint32_t retries;
	bool moved;
	cs_time moved_at;
	cs_time arrived;
	cs_event_id timer;   /* retry or message */
	bool timer_set;
	cs_event_id leave;
};

struct server_state {
	char name[32];
	double tls_cpu;      /* seconds of TLS handshakes done on it */
	bool alive;
	cs_time restarted;   /* CS_TIME_NEVER: not yet */
	uint32_t connected;  /* sessions of connected clients */
};

struct event_spec {
	cs_time at;
	bool kill;
	uint32_t server;
	struct bal *b;
};

/* a count over time, integrated exactly at every change */
struct level {
	uint64_t now, peak;
	double area;         /* count x seconds */
	cs_time last;
};

struct bal {
	struct cs_engine *e; /* its own (a standalone run) or the world's */
	struct cs_engine own;
	bool attached;       /* its servers are a workload's tasks (cs_balancer_attach) */
	struct cs_limits limits;
	struct cs_lb lb;
	struct cs_lb_server *servers;
	struct server_state *st;
	uint32_t nservers;
	struct client *clients;
	uint32_t nclients;
	struct pool sessions, reqs;
	/* live sessions by (id, server): a client that reconnects every 10 ms
	 * leaves hundreds of sessions behind it until they expire, so a list
	 * per client made every request a scan */
	int32_t *sess_bucket;
	uint32_t sess_buckets, sess_live;
	uint64_t next_id;
	enum transport transport;
	cs_time heartbeat, disconnect_delay, recovery_window, duration, sample;
	double tls_seconds;  /* CPU per TLS handshake on an instance */
	struct cs_dist message_interval, lifetime, latency;
	bool has_lifetime;
	struct { uint32_t min_count; double min_timeout, base, exponent, max, fuzz; } retry;
	int addresses;       /* 0 distinct, 1 single, 2 subnet24, 4 loopback;
			      * 3: a shared fraction */
	double shared_fraction;
	uint32_t next_addr;
	gsl_rng *rng, *lat_rng;
	struct event_spec *events;
	uint32_t nevents;
	FILE *ts;
	/* counters */
	uint64_t requests, sends, polls, send_404, lost, opens, connected_ok, reconnects, moved, broken;
	uint64_t ghosts, ghosts_peak;
	struct level held, believed; /* the servers' and the clients' view */
	double client_seconds;
	double *rehome;
	size_t nrehome, caprehome;
	double cv_sum, mom_sum;
	uint64_t samples;
};

/* ---- pools ---- */

static void *pool_at(const struct pool *p, int32_t i)
{
	return p->blocks[i / POOL_BLOCK] + (size_t)(i % POOL_BLOCK) * p->elem;
}

static int32_t pool_get(struct pool *p)
{
	int32_t i = p->free;
	if (i >= 0) {
		p->free = *(int32_t *)pool_at(p, i);
		return i;
	}
	if (p->n == p->nblocks * POOL_BLOCK) {
		p->blocks = cs_xrealloc(p->blocks, (p->nblocks + 1) * sizeof *p->blocks);
		p->blocks[p->nblocks++] = cs_xmalloc(POOL_BLOCK * p->elem);
	}
	return (int32_t)p->n++;
}

static void pool_put(struct pool *p, int32_t i)
{
	*(int32_t *)pool_at(p, i) = p->free;
	p->free = i;
}

static void pool_release(struct pool *p)
{
	for (size_t k = 0; k < p->nblocks; k++)
		free(p->blocks[k]);
	free(p->blocks);
}

static void level_add(struct level *l, int d, cs_time now)
{
	l->area += (double)l->now * cs_time_to_seconds(now - l->last);
	l->last = now;
	l->now = (uint64_t)((int64_t)l->now + d);
	if (l->now > l->peak)
		l->peak = l->now;
}

/* ---- sessions ---- */

static inline struct session *sess_at(const struct bal *b, int32_t i)
{
	return pool_at(&b->sessions, i);
}

static void ghost_count(struct bal *b, int d)
{
	b->ghosts = (uint64_t)((int64_t)b->ghosts + d);
	if (b->ghosts > b->ghosts_peak)
		b->ghosts_peak = b->ghosts;
}

/* A new session `id` on server, made by owner's request; client >= 0 when
 * the owner will read its "o" (the open's poll or websocket). */
/* The bucket of (id, server) in the session index. */
static uint32_t sess_slot(const struct bal *b, uint64_t id, int32_t server)
{
	uint64_t h = (id ^ ((uint64_t)(uint32_t)server << 48)) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(h >> 32) & (b->sess_buckets - 1);
}

static void sess_index_grow(struct bal *b)
{
	uint32_t old = b->sess_buckets;
	int32_t *prev = b->sess_bucket;
	b->sess_buckets = old ? old * 2 : 1024;
	b->sess_bucket = cs_xmalloc(b->sess_buckets * sizeof *b->sess_bucket);
	for (uint32_t k = 0; k < b->sess_buckets; k++)
		b->sess_bucket[k] = -1;
	for (uint32_t k = 0; k < old; k++) {
		for (int32_t i = prev[k], next; i >= 0; i = next) {
			struct session *s = sess_at(b, i);
			next = s->next_hash;
			uint32_t slot = sess_slot(b, s->id, s->server);
			s->next_hash = b->sess_bucket[slot];
			b->sess_bucket[slot] = i;
		}
	}
	free(prev);
}

static int32_t session_new(struct bal *b, uint64_t id, int32_t server, int32_t owner, int32_t client)
{
	if (b->sess_live + 1 > b->sess_buckets)
		sess_index_grow(b);
	int32_t i = pool_get(&b->sessions);
	uint32_t slot = sess_slot(b, id, server);
	*sess_at(b, i) = (struct session){.b = b, .index = i, .id = id, .server = server, .client = client,
					  .owner = owner, .next_hash = b->sess_bucket[slot], .held = -1, .live = true};
	b->sess_bucket[slot] = i;
	b->sess_live++;
	level_add(&b->held, 1, cs_engine_now(b->e));
	if (client < 0)
		ghost_count(b, 1);
	return i;
}

static void conn_set(struct bal *b, int32_t i, bool on)
{
	struct session *s = sess_at(b, i);
	if (s->conn == on)
		return;
	s->conn = on;
	if (on)
		b->servers[s->server].conns++;
	else
		b->servers[s->server].conns--;
}

static void req_free(struct bal *b, int32_t r)
{
	pool_put(&b->reqs, r);
}

static void session_free(struct bal *b, int32_t i)
{
	struct session *s = sess_at(b, i);
	conn_set(b, i, false);
	if (s->expire_set)
		cs_engine_cancel(b->e, s->expire);
	if (s->poll_end_set)
		cs_engine_cancel(b->e, s->poll_end);
	if (s->held >= 0)
		req_free(b, s->held);
	if (s->client < 0)
		ghost_count(b, -1);
	for (int32_t *p = &b->sess_bucket[sess_slot(b, s->id, s->server)]; *p >= 0; p = &sess_at(b, *p)->next_hash)
		if (*p == i) {
			*p = s->next_hash;
			break;
		}
	b->sess_live--;
	level_add(&b->held, -1, cs_engine_now(b->e));
	s->live = false;
	pool_put(&b->sessions, i);
}

/* The session `id` that server s holds (made by owner's requests), or -1. */
static int32_t session_find(const struct bal *b, uint32_t owner, uint64_t id, int32_t s)
{
	(void)owner; /* ids are unique: the index needs no owner */
	if (!b->sess_buckets)
		return -1;
	for (int32_t i = b->sess_bucket[sess_slot(b, id, s)]; i >= 0; i = sess_at(b, i)->next_hash)
		if (sess_at(b, i)->id == id && sess_at(b, i)->server == s)
			return i;
	return -1;
}

/* The session client c thinks it has, if its server still holds it; -1. */
static int32_t client_session(const struct bal *b, const struct client *c)
{
	if (c->sess < 0)
		return -1;
	const struct session *s = sess_at(b, c->sess);
	return s->live && s->id == c->sess_id && s->client == (int32_t)c->idx ? c->sess : -1;
}

static void expire_fire(void *ctx, cs_time now);

static void start_expiry(struct bal *b, int32_t i)
{
	struct session *s = sess_at(b, i);
	if (s->expire_set || s->held >= 0 || (b->transport == T_WS && s->conn))
		return;
	s->expire = cs_engine_after(b->e, b->disconnect_delay, expire_fire, s);
	s->expire_set = true;
}

/* ---- requests ---- */

static inline struct req *req_at(const struct bal *b, int32_t i)
{
	return pool_at(&b->reqs, i);
}

static cs_time latency(struct bal *b)
{
	return cs_time_from_seconds(cs_dist_sample(&b->latency, b->lat_rng));
}

static void arrive_fire(void *ctx, cs_time now);
static void answer_fire(void *ctx, cs_time now);

/* Client c makes a request of `kind` now: it reaches the balancer a
 * latency draw later. */
static void send_request(struct client *c, enum rkind kind, bool open)
{
	struct bal *b = c->b;
	int32_t r = pool_get(&b->reqs);
	*req_at(b, r) = (struct req){.b = b, .index = r, .client = c->idx, .gen = c->gen, .conn = c->conn,
				     .kind = kind, .open = open, .server = -1, .sess = -1};
	if (kind != R_WS_FRAME)
		b->requests++;
	if (kind == R_POLL)
		b->polls++;
	else if (kind == R_SEND || kind == R_WS_FRAME)
		b->sends++;
	cs_engine_after(b->e, latency(b), arrive_fire, req_at(b, r));
}

/* The server answers request r: the answer reaches the client a latency
 * draw later. */
static void answer(struct bal *b, int32_t r, enum answer a, uint32_t frames)
{
	struct req *q = req_at(b, r);
	q->answer = a;
	q->frames = frames;
	cs_engine_after(b->e, latency(b), answer_fire, q);
}

/* Route request r; nginx tries the next server when one refuses the
 * connection.  Returns the server, or -1 (502). */
static int32_t route(struct bal *b, struct req *q)
{
	struct client *c = &b->clients[q->client];
	cs_time now = cs_engine_now(b->e);
	/* /info carries no server_id: an empty key for `hash $sockjs_sid` */
	struct cs_lb_request lr = {c->addr, c->route, q->kind == R_INFO ? CS_LB_NO_SERVER_ID : c->sockjs_server};
	b->lb.tried = 0;
	for (uint32_t tries = 0; tries < b->nservers; tries++) {
		int32_t s = cs_lb_pick(&b->lb, &lr, now);
		if (s < 0)
			break;
		if (!b->st[s].alive) {
			cs_lb_outcome(&b->lb, (uint32_t)s, false, now);
			if (s < 64)
				b->lb.tried |= UINT64_C(1) << s;
			continue;
		}
		cs_lb_outcome(&b->lb, (uint32_t)s, true, now);
		b->lb.tried = 0;
		b->st[s].tls_cpu += b->tls_seconds; /* a new connection reaches s */
		if (b->lb.kind == CS_LB_STICKY_COOKIE || b->lb.kind == CS_LB_ELB_HTTP_STICKY)
			c->route = s; /* the response sets the route cookie */
		return s;
	}
	b->lb.tried = 0;
	return -1;
}

/* The held poll of session i answers with what is queued. */
static void poll_end_fire(void *ctx, cs_time now)
{
	struct session *s = ctx;
	struct bal *b = s->b;
	s->poll_end_set = false;
	int32_t r = s->held;
	s->held = -1;
	conn_set(b, s->index, false);
	uint32_t frames = s->queued;
	s->queued = 0;
	start_expiry(b, s->index); /* until the next poll attaches */
	answer(b, r, frames > 0 ? A_FRAMES : A_HEARTBEAT, frames);
}

/* Queue a frame for session i: a websocket sends it at once, a held poll
 * returns with it. */
static void queue_frame(struct bal *b, int32_t i, int32_t r)
{
	struct session *s = sess_at(b, i);
	if (b->transport == T_WS) {
		answer(b, r, A_FRAMES, 1);
		return;
	}
	s->queued++;
	if (s->held >= 0) {
		if (s->poll_end_set)
			cs_engine_cancel(b->e, s->poll_end);
		s->poll_end = cs_engine_after(b->e, 0, poll_end_fire, s);
		s->poll_end_set = true;
	}
}

/* A receive poll reaches server sv. */
static void server_poll(struct bal *b, int32_t r, int32_t sv)
{
	struct req *q = req_at(b, r);
	int32_t i = session_find(b, q->client, q->conn, sv);
	if (i < 0) {
		/* a new session, answered "o": the client's open, or a stray one */
		i = session_new(b, q->conn, sv, (int32_t)q->client, q->open ? (int32_t)q->client : -1);
		q->sess = i;
		start_expiry(b, i);
		answer(b, r, A_OPEN, 0);
		return;
	}
	struct session *s = sess_at(b, i);
	if (s->expire_set) {
		cs_engine_cancel(b->e, s->expire);
		s->expire_set = false;
	}
	if (s->held >= 0) /* another poll holds it: it goes (sockjs: 2010) */
		req_free(b, s->held);
	s->held = r;
	conn_set(b, i, true);
	if (s->poll_end_set)
		cs_engine_cancel(b->e, s->poll_end);
	s->poll_end = cs_engine_after(b->e, s->queued > 0 ? 0 : b->heartbeat, poll_end_fire, s);
	s->poll_end_set = true;
}

/* A request reaches the balancer: routed, and the server acts on it. */
static void arrive_fire(void *ctx, cs_time now)
{
	struct req *q = ctx;
	struct bal *b = q->b;
	int32_t r = q->index;
	if (q->kind == R_WS_FRAME) { /* on the websocket's own connection */
		struct client *c = &b->clients[q->client];
		int32_t i = c->gen == q->gen ? client_session(b, c) : -1;
		if (i >= 0)
			queue_frame(b, i, r); /* the server answers it on the websocket */
		else
			req_free(b, r);
		return;
	}
	int32_t sv = route(b, q);
	q->server = sv;
	if (sv < 0) {
		answer(b, r, A_502, 0);
		return;
	}
	switch (q->kind) {
	case R_INFO:
		answer(b, r, A_OK, 0);
		break;
	case R_POLL:
		server_poll(b, r, sv);
		break;
	case R_SEND: {
		int32_t i = session_find(b, q->client, q->conn, sv);
		if (i < 0) {
			answer(b, r, A_404, 0);
			break;
		}
		queue_frame(b, i, -1);
		answer(b, r, A_OK, 0);
		break;
	}
	case R_WS_OPEN: {
		int32_t i = session_new(b, q->conn, sv, (int32_t)q->client, (int32_t)q->client);
		conn_set(b, i, true);
		q->sess = i;
		answer(b, r, A_OPEN, 0);
		break;
	}
	case R_WS_FRAME:
		break;
	}
}

/* ---- clients ---- */

static void client_open(struct client *c);
static void timer_fire(void *ctx, cs_time now);

static void set_timer(struct client *c, cs_time delay)
{
	struct bal *b = c->b;
	if (c->timer_set)
		cs_engine_cancel(b->e, c->timer);
	c->timer = cs_engine_after(b->e, delay, timer_fire, c);
	c->timer_set = true;
}

static cs_time retry_delay(struct bal *b, uint32_t n)
{
	if (n < b->retry.min_count)
		return cs_time_from_seconds(b->retry.min_timeout);
	double t = b->retry.base * pow(b->retry.exponent, (double)n);
	if (t > b->retry.max)
		t = b->retry.max;
	t *= gsl_rng_uniform(b->rng) * b->retry.fuzz + (1 - b->retry.fuzz / 2);
	return cs_time_from_seconds(t);
}

/* The client's session is gone from its view: it becomes a ghost on its
 * server (expiring once no poll holds it); a poll the client had held
 * there is let go (the client closed its connection). */
static void drop_session(struct bal *b, struct client *c)
{
	if (c->believes) {
		c->believes = false;
		level_add(&b->believed, -1, cs_engine_now(b->e));
	}
	if (c->sess < 0)
		return;
	if (client_session(b, c) >= 0) {
		struct session *s = sess_at(b, c->sess);
		if (c->state == C_CONNECTED)
			b->st[s->server].connected--;
		if (b->transport == T_WS) { /* sockjs ends a websocket's session with it */
			session_free(b, c->sess);
			c->sess = -1;
			return;
		}
		s->client = -1;
		ghost_count(b, 1);
		if (s->held >= 0 && req_at(b, s->held)->gen == c->gen) {
			if (s->poll_end_set)
				cs_engine_cancel(b->e, s->poll_end);
			s->poll_end_set = false;
			req_free(b, s->held);
			s->held = -1;
			conn_set(b, c->sess, false);
		}
		start_expiry(b, c->sess);
	}
	c->sess = -1;
}

static void client_close(struct client *c, enum close_why why, int32_t routed_to)
{
	struct bal *b = c->b;
	cs_time now = cs_engine_now(b->e);
	bool was_connected = c->state == C_CONNECTED;
	if (was_connected && routed_to >= 0 && (why == WHY_404 || why == WHY_LOST)) {
		const struct server_state *st = &b->st[routed_to];
		if (st->restarted != CS_TIME_NEVER && now - st->restarted <= b->recovery_window)
			b->broken++;
	}
	drop_session(b, c);
	c->gen++; /* the answers still on their way are dropped */
	if (why == WHY_LEFT) {
		c->state = C_GONE;
		if (c->timer_set)
			cs_engine_cancel(b->e, c->timer);
		c->timer_set = false;
		return;
	}
	c->state = C_WAITING;
	b->reconnects++;
	set_timer(c, retry_delay(b, c->retries++));
}

static void became_connected(struct bal *b, struct client *c)
{
	cs_time now = cs_engine_now(b->e);
	c->state = C_CONNECTED;
	b->connected_ok++;
	b->st[sess_at(b, c->sess)->server].connected++;
	if (c->moved) {
		c->moved = false;
		CS_GROW(b->rehome, b->caprehome, b->nrehome + 1);
		b->rehome[b->nrehome++] = cs_time_to_seconds(now - c->moved_at);
	}
	set_timer(c, cs_time_from_seconds(cs_dist_sample(&b->message_interval, b->rng)));
}

/* "o" on the open: the client has a session (on q's server) and sends the
 * DDP connect; with xhr-polling it then polls again. */
static void opened(struct bal *b, struct client *c, const struct req *q)
{
	c->state = C_CONNECTING;
	c->retries = 0;
	c->sess = q->sess;
	c->sess_id = q->conn;
	c->believes = true;
	level_add(&b->believed, 1, cs_engine_now(b->e));
	if (b->transport == T_WS) {
		send_request(c, R_WS_FRAME, false);
		return;
	}
	send_request(c, R_SEND, false);
	send_request(c, R_POLL, false);
}

/* An answer reaches its client. */
static void answer_fire(void *ctx, cs_time now)
{
	struct req *q = ctx;
	struct bal *b = q->b;
	struct client *c = &b->clients[q->client];
	struct req a = *q;
	req_free(b, q->index);
	if (a.gen != c->gen || c->state == C_WAITING || c->state == C_GONE)
		return; /* the client closed since: nobody reads it */
	if (a.answer == A_502) {
		client_close(c, WHY_502, -1);
		return;
	}
	switch (a.kind) {
	case R_INFO:
		send_request(c, b->transport == T_WS ? R_WS_OPEN : R_POLL, true);
		break;
	case R_WS_OPEN:
		opened(b, c, &a);
		break;
	case R_WS_FRAME:
		if (c->state == C_CONNECTING && client_session(b, c) >= 0)
			became_connected(b, c);
		break;
	case R_SEND:
		if (a.answer == A_404) {
			b->send_404++;
			client_close(c, WHY_404, a.server);
		}
		break;
	case R_POLL:
		if (a.answer == A_OPEN) {
			if (c->state == C_OPENING && a.open) {
				opened(b, c, &a);
			} else { /* "Server lost session" */
				b->lost++;
				client_close(c, WHY_LOST, a.server);
			}
			break;
		}
		if (a.answer == A_FRAMES && c->state == C_CONNECTING && client_session(b, c) >= 0)
			became_connected(b, c);
		send_request(c, R_POLL, false);
		break;
	}
}

static void client_open(struct client *c)
{
	struct bal *b = c->b;
	c->state = C_OPENING;
	c->sockjs_server = (uint32_t)gsl_rng_uniform_int(b->rng, 1000);
	c->conn = ++b->next_id;
	b->opens++;
	send_request(c, R_INFO, false);
}

static void timer_fire(void *ctx, cs_time now)
{
	struct client *c = ctx;
	struct bal *b = c->b;
	c->timer_set = false;
	if (c->state == C_WAITING) {
		client_open(c);
	} else if (c->state == C_CONNECTED) {
		send_request(c, b->transport == T_WS ? R_WS_FRAME : R_SEND, false);
		set_timer(c, cs_time_from_seconds(cs_dist_sample(&b->message_interval, b->rng)));
	}
}

static void expire_fire(void *ctx, cs_time now)
{
	struct session *s = ctx;
	struct bal *b = s->b;
	s->expire_set = false;
	if (s->client >= 0) {
		/* its client never polled again (the poll went elsewhere) */
		struct client *c = &b->clients[s->client];
		c->sess = -1;
		if (c->state == C_CONNECTED)
			b->st[s->server].connected--;
		s->client = -1;
		ghost_count(b, 1);
	}
	session_free(b, s->index);
}

/* ---- addresses and churn ---- */

static uint32_t new_address(struct bal *b, uint32_t k)
{
	switch (b->addresses) {
	case 1:
		return 0xCB007107; /* 203.0.113.7: everyone behind one NAT */
	case 2:
		return 0xC6336400 | (k % 254 + 1); /* 198.51.100.0/24 */
	case 4:
		return 0x7F000001 | ((k + 1) % 256) << 8; /* 127.0.k+1.1, as the integration test's client */
	case 3:
		if (k < (uint32_t)llround(b->shared_fraction * b->nclients))
			return 0xCB007107;
		/* fall through */
	default: {
		/* distinct addresses in 10.0.0.0/8, each of the first 65,536 in a
		 * /24 of its own (ip_hash looks at the first three octets):
		 * n -> n * odd mod 2^16 is a bijection; the last octet (1-254)
		 * tells apart the next 253 rounds */
		uint32_t n = b->next_addr++;
		uint32_t x = (n * 0x9E3779B1u) & 0xFFFF;
		return 0x0A000000 | x << 8 | ((n >> 16) % 254 + 1);
	}
	}
}

static void leave_fire(void *ctx, cs_time now);

static void arrive(struct bal *b, struct client *c, uint32_t k)
{
	c->b = b;
	c->addr = new_address(b, k);
	c->route = -1;
	c->sess = -1;
	c->believes = false;
	c->retries = 0;
	c->moved = false;
	c->arrived = cs_engine_now(b->e);
	if (b->has_lifetime)
		c->leave = cs_engine_after(b->e, cs_dist_sample_time(&b->lifetime, b->rng), leave_fire, c);
	client_open(c);
}

/* Churn: a client leaves and a new one (new address, no cookie) arrives. */
static void leave_fire(void *ctx, cs_time now)
{
	struct client *c = ctx;
	struct bal *b = c->b;
	b->client_seconds += cs_time_to_seconds(now - c->arrived);
	client_close(c, WHY_LEFT, -1);
	arrive(b, c, c->idx);
}


/* ---- failures ---- */

/* Server `server` comes (back) up at now. */
static void server_restart(struct bal *b, uint32_t server, cs_time now)
{
	struct server_state *st = &b->st[server];
	st->alive = true;
	st->restarted = now;
}

/* Server `server` dies at now: its sessions go, its held polls fail, its
 * websockets drop. */
static void server_kill(struct bal *b, uint32_t server, cs_time now)
{
	struct server_state *st = &b->st[server];
	if (!st->alive)
		return;
	st->alive = false;
	for (size_t i = 0; i < b->sessions.n; i++) {
		struct session *s = sess_at(b, (int32_t)i);
		if (!s->live || s->server != (int32_t)server)
			continue;
		struct client *c = s->client >= 0 ? &b->clients[s->client] : NULL;
		if (c && c->state == C_CONNECTED && client_session(b, c) == (int32_t)i) {
			b->moved++;
			c->moved = true;
			c->moved_at = now;
			st->connected--;
		}
		if (s->held >= 0) { /* its poll fails with the server: 502 */
			if (s->poll_end_set)
				cs_engine_cancel(b->e, s->poll_end);
			s->poll_end_set = false;
			answer(b, s->held, A_502, 0);
			s->held = -1;
		}
		bool ws = b->transport == T_WS && c && c->conn == s->id && c->state != C_WAITING && c->state != C_GONE;
		if (c) {
			if (c->sess == (int32_t)i)
				c->sess = -1;
			s->client = -1;
			ghost_count(b, 1);
		}
		session_free(b, (int32_t)i);
		if (ws) /* the websocket drops with its server */
			client_close(c, WHY_DROPPED, -1);
	}
}

static void server_event_fire(void *ctx, cs_time now)
{
	struct event_spec *ev = ctx;
	if (ev->kill)
		server_kill(ev->b, ev->server, now);
	else
		server_restart(ev->b, ev->server, now);
}

/* ---- sampling ---- */

static void sample_fire(void *ctx, cs_time now)
{
	struct bal *b = ctx;
	double counts[256];
	uint32_t up = 0, connected = 0;
	for (uint32_t s = 0; s < b->nservers; s++) {
		connected += b->st[s].connected;
		if (b->st[s].alive && up < 256)
			counts[up++] = b->st[s].connected;
	}
	/* imbalance of the connected sessions over the up servers, now */
	double mean = up > 0 ? gsl_stats_mean(counts, 1, up) : 0, cv = 0, mom = 0;
	if (mean > 0) {
		cv = (up > 1 ? gsl_stats_sd_with_fixed_mean(counts, 1, up, mean) : 0) / mean;
		mom = gsl_stats_max(counts, 1, up) / mean;
		b->cv_sum += cv;
		b->mom_sum += mom;
		b->samples++;
	}
	if (b->ts) {
		fprintf(b->ts, "%.6f,%u,%llu", cs_time_to_seconds(now), connected, (unsigned long long)b->ghosts);
		for (uint32_t s = 0; s < b->nservers; s++)
			fprintf(b->ts, ",%u", b->st[s].alive ? b->st[s].connected : 0);
		if (mean > 0)
			fprintf(b->ts, ",%.6f,%.6f\n", cv, mom);
		else
			fputs(",,\n", b->ts);
	}
	if (now + b->sample <= b->duration)
		cs_engine_after(b->e, b->sample, sample_fire, b);
}

/* ---- configuration ---- */

static int parse_servers(struct bal *b, const struct cs_cfg *cfg, json_t *bj)
{
	json_t *sv = json_object_get(bj, "servers");
	if (!sv) {
		sv = json_integer(2);
		json_object_set_new(bj, "servers", sv);
	}
	if (json_is_integer(sv)) {
		json_int_t n = json_integer_value(sv);
		if (n < 1 || n > 256)
			return cs_error_input(cfg->err, cfg->file, "balancer.servers", "expected 1 to 256 servers");
		b->nservers = (uint32_t)n;
		b->servers = cs_xcalloc(b->nservers, sizeof *b->servers);
		b->st = cs_xcalloc(b->nservers, sizeof *b->st);
		for (uint32_t s = 0; s < b->nservers; s++) {
			snprintf(b->servers[s].name, sizeof b->servers[s].name, "127.0.0.1:%u", 3000 + s);
			snprintf(b->st[s].name, sizeof b->st[s].name, "s%u", s + 1);
			b->servers[s].weight = 1;
		}
		return 0;
	}
	if (!json_is_array(sv) || json_array_size(sv) < 1 || json_array_size(sv) > 256)
		return cs_error_input(cfg->err, cfg->file, "balancer.servers",
				      "expected a count or a list of 1 to 256 {\"name\", \"weight\"}");
	b->nservers = (uint32_t)json_array_size(sv);
	b->servers = cs_xcalloc(b->nservers, sizeof *b->servers);
	b->st = cs_xcalloc(b->nservers, sizeof *b->st);
	static const char *const keys[] = {"name", "weight", "address", NULL};
	for (uint32_t s = 0; s < b->nservers; s++) {
		char p[64], dn[16], da[32];
		cs_path_index(p, sizeof p, "balancer.servers", s);
		json_t *o = json_array_get(sv, s);
		const char *name, *addr;
		double w;
		snprintf(dn, sizeof dn, "s%u", s + 1);
		snprintf(da, sizeof da, "127.0.0.1:%u", 3000 + s);
		if (cs_cfg_need_object(cfg, o, p) < 0 || cs_cfg_keys(cfg, o, p, keys) < 0 ||
		    cs_cfg_str(cfg, o, p, "name", dn, 0, &name) < 0 || cs_cfg_str(cfg, o, p, "address", da, 0, &addr) < 0 ||
		    cs_cfg_num_in(cfg, o, p, "weight", 1, CS_CFG_INTEGER, 1, 1000, &w) < 0)
			return -1;
		snprintf(b->servers[s].name, sizeof b->servers[s].name, "%s", addr);
		snprintf(b->st[s].name, sizeof b->st[s].name, "%s", name);
		b->servers[s].weight = (int)w;
		for (uint32_t t = 0; t < s; t++)
			if (strcmp(b->st[t].name, b->st[s].name) == 0)
				return cs_error_input(cfg->err, cfg->file, p, "two servers are named \"%s\"", name);
	}
	return 0;
}

/* Attached: "servers": {"from": NAME, "slots": N} -- N servers s1..sN,
 * each up while a task of NAME holds it (the world reads "from"). */
static int parse_slots(struct bal *b, const struct cs_cfg *cfg, json_t *bj)
{
	static const char *const keys[] = {"from", "slots", NULL};
	json_t *sv = json_object_get(bj, "servers");
	const char *from;
	uint64_t n;
	if (cs_cfg_keys(cfg, sv, "balancer.servers", keys) < 0 ||
	    cs_cfg_str(cfg, sv, "balancer.servers", "from", NULL, CS_CFG_REQUIRED, &from) < 0 ||
	    cs_cfg_count(cfg, sv, "balancer.servers", "slots", 0, CS_CFG_REQUIRED, 1, 256, &n) < 0)
		return -1;
	b->nservers = (uint32_t)n;
	b->servers = cs_xcalloc(b->nservers, sizeof *b->servers);
	b->st = cs_xcalloc(b->nservers, sizeof *b->st);
	for (uint32_t s = 0; s < b->nservers; s++) {
		snprintf(b->servers[s].name, sizeof b->servers[s].name, "slot-%u", s + 1);
		snprintf(b->st[s].name, sizeof b->st[s].name, "s%u", s + 1);
		b->servers[s].weight = 1;
	}
	return 0;
}

/* The server a kill/restart names: "sN" (1-based) or a listed name. */
/* The server a kill/restart names. */
static int server_index(const struct bal *b, const char *name)
{
	for (uint32_t s = 0; s < b->nservers; s++)
		if (strcmp(name, b->st[s].name) == 0)
			return (int)s;
	return -1;
}

static int parse_events(struct bal *b, const struct cs_cfg *cfg, json_t *exp)
{
	json_t *evs = json_object_get(exp, "events");
	if (!evs)
		return 0;
	if (!json_is_array(evs))
		return cs_error_input(cfg->err, cfg->file, "events", "expected a list of {\"at\", \"kill\"|\"restart\"}");
	b->nevents = (uint32_t)json_array_size(evs);
	b->events = cs_xcalloc(b->nevents ? b->nevents : 1, sizeof *b->events);
	static const char *const keys[] = {"at", "kill", "restart", NULL};
	for (uint32_t i = 0; i < b->nevents; i++) {
		char p[64];
		cs_path_index(p, sizeof p, "events", i);
		json_t *o = json_array_get(evs, i);
		const char *kill = NULL, *restart = NULL;
		if (cs_cfg_need_object(cfg, o, p) < 0 || cs_cfg_keys(cfg, o, p, keys) < 0 ||
		    cs_cfg_time(cfg, o, p, "at", 0, CS_CFG_REQUIRED | CS_CFG_NONNEG, &b->events[i].at) < 0 ||
		    cs_cfg_str(cfg, o, p, "kill", NULL, 0, &kill) < 0 || cs_cfg_str(cfg, o, p, "restart", NULL, 0, &restart) < 0)
			return -1;
		if (!kill == !restart)
			return cs_error_input(cfg->err, cfg->file, p, "give one of \"kill\" and \"restart\"");
		int s = server_index(b, kill ? kill : restart);
		if (s < 0)
			return cs_error_input(cfg->err, cfg->file, p, "no server is named \"%s\"", kill ? kill : restart);
		b->events[i].kill = kill != NULL;
		b->events[i].server = (uint32_t)s;
		b->events[i].b = b;
	}
	return 0;
}

static int parse_clients(struct bal *b, const struct cs_cfg *cfg, json_t *exp)
{
	static const char *const keys[] = {"count",	"transport", "addresses", "message_interval",
					   "lifetime", "retry",	      "latency",   NULL};
	static const char *const transports[] = {"xhr-polling", "websocket", NULL};
	static const char *const addrs[] = {"distinct", "single", "subnet24", "loopback", NULL};
	json_t *cj = json_object_get(exp, "clients");
	if (!cj) {
		cj = json_object();
		json_object_set_new(exp, "clients", cj);
	}
	uint64_t count;
	int transport;
	if (cs_cfg_need_object(cfg, cj, "clients") < 0 || cs_cfg_keys(cfg, cj, "clients", keys) < 0 ||
	    cs_cfg_count(cfg, cj, "clients", "count", 100, 0, 1, 1000000, &count) < 0 ||
	    cs_cfg_enum(cfg, cj, "clients", "transport", "xhr-polling", transports, &transport) < 0)
		return -1;
	b->nclients = (uint32_t)count;
	b->transport = (enum transport)transport;
	json_t *a = json_object_get(cj, "addresses");
	if (json_is_object(a)) {
		static const char *const akeys[] = {"shared_fraction", NULL};
		if (cs_cfg_keys(cfg, a, "clients.addresses", akeys) < 0 ||
		    cs_cfg_num_in(cfg, a, "clients.addresses", "shared_fraction", 0, CS_CFG_REQUIRED, 0, 1,
				  &b->shared_fraction) < 0)
			return -1;
		b->addresses = 3;
	} else if (cs_cfg_enum(cfg, cj, "clients", "addresses", "distinct", addrs, &b->addresses) < 0) {
		return -1;
	} else if (b->addresses == 3) {
		b->addresses = 4; /* "loopback"; 3 is the shared fraction */
	}
	json_t *mi = json_object_get(cj, "message_interval");
	if (!mi) {
		mi = json_pack("{s:s, s:f}", "dist", "exp", "mean", 10.0);
		json_object_set_new(cj, "message_interval", mi);
	}
	if (cs_dist_parse(cfg, mi, "clients.message_interval", CS_UNIT_SECONDS, 0, &b->message_interval) < 0)
		return -1;
	json_t *lt = json_object_get(cj, "lifetime");
	if (lt && !json_is_null(lt)) {
		if (cs_dist_parse(cfg, lt, "clients.lifetime", CS_UNIT_SECONDS, 0, &b->lifetime) < 0)
			return -1;
		b->has_lifetime = true;
	}
	json_t *lat = json_object_get(cj, "latency");
	if (!lat) {
		lat = json_integer(0);
		json_object_set_new(cj, "latency", lat);
	}
	if (cs_dist_parse(cfg, lat, "clients.latency", CS_UNIT_SECONDS, 0, &b->latency) < 0)
		return -1;
	/* what recurs per client must take time, and its count be in
	 * proportion: a lifetime of 0 made clients leave and come back at
	 * one instant without end */
	double span = cs_time_to_seconds(b->duration), expected = 0;
	struct {
		const char *path;
		const struct cs_dist *d;
		bool on;
	} recurring[] = {{"clients.message_interval", &b->message_interval, true},
			 {"clients.lifetime", &b->lifetime, b->has_lifetime}};
	for (size_t i = 0; i < 2; i++) {
		if (!recurring[i].on)
			continue;
		double mean = cs_dist_mean(recurring[i].d);
		if (!(mean > 0))
			return cs_error_input(cfg->err, cfg->file, recurring[i].path,
					      "the mean must be positive (got %g s): it recurs without end at one instant", mean);
		expected += (double)b->nclients * span / mean;
	}
	if (expected > (double)b->limits.jobs)
		return cs_error_input(cfg->err, cfg->file, "clients",
				      "about %.3g client arrivals and messages to expect (clients x duration / mean "
				      "interval), more than the limit of %llu (raise it with \"limits\": {\"jobs\": N})",
				      expected, (unsigned long long)b->limits.jobs);
	json_t *rj = json_object_get(cj, "retry");
	if (!rj) {
		rj = json_object();
		json_object_set_new(cj, "retry", rj);
	}
	static const char *const rkeys[] = {"min_count", "min_timeout", "base", "exponent", "max", "fuzz", NULL};
	double mc;
	if (cs_cfg_need_object(cfg, rj, "clients.retry") < 0 || cs_cfg_keys(cfg, rj, "clients.retry", rkeys) < 0 ||
	    cs_cfg_num_in(cfg, rj, "clients.retry", "min_count", 2, CS_CFG_INTEGER, 0, 1e6, &mc) < 0 ||
	    cs_cfg_num_in(cfg, rj, "clients.retry", "min_timeout", 0.01, 0, 0, CS_MAX_SECONDS, &b->retry.min_timeout) < 0 ||
	    cs_cfg_num_in(cfg, rj, "clients.retry", "base", 1, CS_CFG_POSITIVE, 0, CS_MAX_SECONDS, &b->retry.base) < 0 ||
	    cs_cfg_num_in(cfg, rj, "clients.retry", "exponent", 2.2, CS_CFG_POSITIVE, 0, 100, &b->retry.exponent) < 0 ||
	    cs_cfg_num_in(cfg, rj, "clients.retry", "max", 300, CS_CFG_POSITIVE, 0, CS_MAX_SECONDS, &b->retry.max) < 0 ||
	    cs_cfg_num_in(cfg, rj, "clients.retry", "fuzz", 0.5, 0, 0, 1, &b->retry.fuzz) < 0)
		return -1;
	b->retry.min_count = (uint32_t)mc;
	return 0;
}

/* The model's parts of the experiment: "balancer", "clients", "sockjs"
 * (b->duration and b->limits set).  Attached: the servers are a
 * workload's tasks ("servers": {"from", "slots"}); all start down. */
static int parse_model(struct bal *b, json_t *exp, const struct cs_cfg *cfg, uint64_t seed)
{
	static const char *const bkeys[] = {"policy", "servers", "max_fails", "fail_timeout", "hash_key",
					    "recovery_window", "tls_handshake_cpu", NULL};
	static const char *const skeys[] = {"heartbeat", "disconnect_delay", NULL};
	double max_fails;
	int policy, key;
	cs_time fail_timeout;
	json_t *bj = json_object_get(exp, "balancer");
	if (cs_cfg_need_object(cfg, bj, "balancer") < 0 || cs_cfg_keys(cfg, bj, "balancer", bkeys) < 0 ||
	    cs_cfg_enum(cfg, bj, "balancer", "policy", "round-robin", cs_lb_kind_names, &policy) < 0 ||
	    cs_cfg_enum(cfg, bj, "balancer", "hash_key", "client-address", cs_lb_hash_key_names, &key) < 0 ||
	    cs_cfg_num_in(cfg, bj, "balancer", "max_fails", 1, CS_CFG_INTEGER, 0, 1e6, &max_fails) < 0 ||
	    cs_cfg_time(cfg, bj, "balancer", "fail_timeout", 10, CS_CFG_NONNEG, &fail_timeout) < 0 ||
	    cs_cfg_time(cfg, bj, "balancer", "recovery_window", 60, CS_CFG_NONNEG, &b->recovery_window) < 0 ||
	    cs_cfg_num_in(cfg, bj, "balancer", "tls_handshake_cpu", 0, 0, 0, 3600, &b->tls_seconds) < 0 ||
	    (b->attached ? parse_slots(b, cfg, bj) : parse_servers(b, cfg, bj)) < 0)
		return -1;
	json_t *sj = json_object_get(exp, "sockjs");
	if (!sj) {
		sj = json_object();
		json_object_set_new(exp, "sockjs", sj);
	}
	if (cs_cfg_need_object(cfg, sj, "sockjs") < 0 || cs_cfg_keys(cfg, sj, "sockjs", skeys) < 0 ||
	    cs_cfg_time(cfg, sj, "sockjs", "heartbeat", 25, CS_CFG_POSITIVE, &b->heartbeat) < 0 ||
	    cs_cfg_time(cfg, sj, "sockjs", "disconnect_delay", 5, CS_CFG_POSITIVE, &b->disconnect_delay) < 0)
		return -1;
	if (!b->attached) {
		/* (here, so that experiment.json's defaults keep their order) */
		json_t *out = json_object_get(exp, "output");
		if (!out) {
			out = json_object();
			json_object_set_new(exp, "output", out);
		}
		static const char *const okeys[] = {"sample_interval", NULL};
		if (cs_cfg_keys(cfg, out, "output", okeys) < 0 ||
		    cs_cfg_time(cfg, out, "output", "sample_interval", 10, CS_CFG_POSITIVE, &b->sample) < 0)
			return -1;
	}
	if (parse_clients(b, cfg, exp) < 0)
		return -1;
	for (uint32_t s = 0; s < b->nservers; s++) {
		b->st[s].alive = !b->attached; /* a slot is up while a task holds it */
		b->st[s].restarted = CS_TIME_NEVER;
	}
	cs_lb_init(&b->lb, (enum cs_lb_kind)policy, (enum cs_lb_hash_key)key, b->servers, b->nservers, (int)max_fails,
		   fail_timeout, seed * 0x9E3779B97F4A7C15ull + 1);
	return 0;
}

/* A standalone balancing experiment: the model's parts, and the top
 * level (name, seed, duration, events, output). */
static int parse(struct bal *b, json_t *exp, const struct cs_cfg *cfg, uint64_t *seed)
{
	static const char *const top[] = {"name", "description", "seed", "duration", "balancer", "clients", "sockjs",
					  "events", "output", "sweep", "vars", "version", "limits", NULL};
	const char *name;
	if (cs_cfg_keys(cfg, exp, "", top) < 0 || cs_limits_parse(&b->limits, exp, cfg->file, cfg->err) < 0 ||
	    cs_cfg_str(cfg, exp, "", "name", "balancing", 0, &name) < 0 ||
	    cs_cfg_count(cfg, exp, "", "seed", 1, 0, 0, INT64_MAX, seed) < 0 ||
	    cs_cfg_time(cfg, exp, "", "duration", 0, CS_CFG_REQUIRED | CS_CFG_POSITIVE, &b->duration) < 0)
		return -1;
	if (parse_model(b, exp, cfg, *seed) < 0 || parse_events(b, cfg, exp) < 0)
		return -1;
	if (b->duration / b->sample + 2 > (cs_time)b->limits.timeseries_rows)
		return cs_error_input(cfg->err, cfg->file, "output.sample_interval",
				      "%lld rows of timeseries.csv (duration / sample_interval), more than the limit of "
				      "%llu (sample less often, or raise the limit with \"limits\": {\"timeseries_rows\": N})",
				      (long long)(b->duration / b->sample + 2), (unsigned long long)b->limits.timeseries_rows);
	return 0;
}

/* ---- summary ---- */

static json_t *summary(struct bal *b, const char *name, uint64_t seed)
{
	cs_time now = cs_engine_now(b->e);
	double client_minutes = b->client_seconds;
	for (uint32_t k = 0; k < b->nclients; k++)
		if (b->clients[k].state != C_GONE)
			client_minutes += cs_time_to_seconds(now - b->clients[k].arrived);
	client_minutes /= 60;
	json_t *per = json_object();
	for (uint32_t s = 0; s < b->nservers; s++)
		json_object_set_new(per, b->st[s].name, json_integer(b->st[s].alive ? b->st[s].connected : 0));
	json_t *rh = json_object();
	if (b->nrehome > 0) {
		gsl_sort(b->rehome, 1, b->nrehome);
		json_object_set_new(rh, "median", json_real(gsl_stats_median_from_sorted_data(b->rehome, 1, b->nrehome)));
		json_object_set_new(rh, "max", json_real(b->rehome[b->nrehome - 1]));
	} else {
		json_object_set_new(rh, "median", json_null());
		json_object_set_new(rh, "max", json_null());
	}
	json_t *imb = json_object();
	json_object_set_new(imb, "cv", b->samples ? json_real(b->cv_sum / (double)b->samples) : json_null());
	json_object_set_new(imb, "max_over_mean", b->samples ? json_real(b->mom_sum / (double)b->samples) : json_null());
	json_t *bal = json_object();
	json_object_set_new(bal, "requests", json_integer((json_int_t)b->requests));
	json_object_set_new(bal, "sends", json_integer((json_int_t)b->sends));
	json_object_set_new(bal, "polls", json_integer((json_int_t)b->polls));
	json_object_set_new(bal, "send_404_rate", b->sends ? json_real((double)b->send_404 / (double)b->sends) : json_null());
	json_object_set_new(bal, "lost_session_rate", b->polls ? json_real((double)b->lost / (double)b->polls) : json_null());
	json_object_set_new(bal, "opens", json_integer((json_int_t)b->opens));
	json_object_set_new(bal, "connect_success_per_open",
			    b->opens ? json_real((double)b->connected_ok / (double)b->opens) : json_null());
	json_object_set_new(bal, "reconnects_per_client_minute",
			    client_minutes > 0 ? json_real((double)b->reconnects / client_minutes) : json_null());
	json_object_set_new(bal, "ghost_sessions_peak", json_integer((json_int_t)b->ghosts_peak));
	/* both views of the sessions, time-averaged over the run */
	double run = cs_time_to_seconds(now);
	level_add(&b->held, 0, now);
	level_add(&b->believed, 0, now);
	json_object_set_new(bal, "server_sessions_mean", run > 0 ? json_real(b->held.area / run) : json_null());
	json_object_set_new(bal, "server_sessions_peak", json_integer((json_int_t)b->held.peak));
	json_object_set_new(bal, "client_sessions_mean", run > 0 ? json_real(b->believed.area / run) : json_null());
	json_object_set_new(bal, "sessions_per_server", per);
	json_object_set_new(bal, "imbalance", imb);
	json_object_set_new(bal, "moved_by_failure", json_integer((json_int_t)b->moved));
	json_object_set_new(bal, "rehome_seconds", rh);
	json_object_set_new(bal, "broken_on_recovery", json_integer((json_int_t)b->broken));
	json_t *tls = json_object();
	for (uint32_t s2 = 0; s2 < b->nservers; s2++)
		json_object_set_new(tls, b->st[s2].name, json_real(b->st[s2].tls_cpu));
	json_object_set_new(bal, "tls_cpu_seconds", tls);
	json_t *s = json_object();
	json_object_set_new(s, "name", json_string(name));
	json_object_set_new(s, "seed", json_integer((json_int_t)seed));
	json_object_set_new(s, "scheduler_type", json_string("balancer"));
	json_object_set_new(s, "simulated_seconds", json_real(cs_time_to_seconds(now)));
	json_object_set_new(s, "balancer", bal);
	return s;
}

json_t *cs_balance_run(json_t *exp, const struct cs_cfg *cfg, FILE *ts, uint64_t *events, double *simulated)
{
	struct bal *b = cs_xcalloc(1, sizeof *b);
	b->sessions = (struct pool){.elem = sizeof(struct session), .free = -1};
	b->reqs = (struct pool){.elem = sizeof(struct req), .free = -1};
	b->latency = cs_dist_const(0);
	uint64_t seed = 1;
	json_t *out = NULL;
	b->e = &b->own;
	cs_engine_init(b->e);
	if (parse(b, exp, cfg, &seed) < 0)
		goto done;
	b->ts = ts;
	b->rng = cs_rng_stream(seed, "clients");
	b->lat_rng = cs_rng_stream(seed, "latency");
	b->clients = cs_xcalloc(b->nclients, sizeof *b->clients);
	if (ts) {
		fputs("time,connected,ghost_sessions", ts);
		for (uint32_t s = 0; s < b->nservers; s++) {
			char *col = cs_xasprintf("sessions_%s", b->st[s].name);
			fputc(',', ts);
			cs_csv_put(ts, col); /* a server's name may hold a comma */
			free(col);
		}
		fputs(",imbalance_cv,imbalance_max_over_mean\n", ts);
	}
	for (uint32_t k = 0; k < b->nclients; k++) {
		b->clients[k].idx = k;
		arrive(b, &b->clients[k], k);
	}
	for (uint32_t i = 0; i < b->nevents; i++)
		cs_engine_at(b->e, b->events[i].at, server_event_fire, &b->events[i]);
	cs_engine_after(b->e, 0, sample_fire, b);
	cs_interrupt_engine(b->e);
	cs_engine_run(b->e, b->duration);
	cs_interrupt_engine(NULL);
	const char *name = json_string_value(json_object_get(exp, "name"));
	out = summary(b, name ? name : "balancing", seed);
	*events = b->e->events_run;
	*simulated = cs_time_to_seconds(cs_engine_now(b->e));
done:
	if (b->rng)
		gsl_rng_free(b->rng);
	if (b->lat_rng)
		gsl_rng_free(b->lat_rng);
	cs_dist_release(&b->message_interval);
	cs_dist_release(&b->latency);
	if (b->has_lifetime)
		cs_dist_release(&b->lifetime);
	cs_lb_release(&b->lb);
	cs_engine_release(b->e);
	free(b->sess_bucket);
	free(b->servers);
	free(b->st);
	free(b->clients);
	pool_release(&b->sessions);
	pool_release(&b->reqs);
	free(b->events);
	free(b->rehome);
	free(b);
	return out;
}
