/* balancer/sessions — the session-balancing model's protocol: clients,
 * requests, sessions, servers (balancer/balancer.h).
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
 * The metrics are results.c's; the experiment's keys config.c's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "balancer/balancer_internal.h"
#include "sim/alloc.h"

/* ---- pools ---- */

static void *pool_at(const struct pool *p, int32_t i)
{
	return p->blocks[i / POOL_BLOCK] + (size_t)(i % POOL_BLOCK) * p->elem;
}

/* Sessions held at once (live and ghosts): past this the run stops
 * (about 3 GiB of them; a reconnect storm of non-sticky xhr-polling
 * clients leaves one ghost per 10 ms per client for disconnect_delay). */
#define CS_BAL_MAX_SESSIONS 10000000u

/* Stop the run with an error: it grew past what the model can hold. */
static void overflow(struct cs_balancer *b, const char *what)
{
	if (b->overflowed)
		return;
	b->overflowed = true;
	cs_error_input(b->err, b->file, "clients", "%s by %.0f s of simulated time", what,
		       cs_time_to_seconds(cs_engine_now(b->e)));
	if (b->failed)
		*b->failed = true;
	cs_engine_stop(b->e);
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

/* ---- sessions ---- */

static inline struct session *sess_at(const struct cs_balancer *b, int32_t i)
{
	return pool_at(&b->sessions, i);
}

static void ghost_count(struct cs_balancer *b, int d)
{
	b->ghosts = (uint64_t)((int64_t)b->ghosts + d);
	if (b->ghosts > b->ghosts_peak)
		b->ghosts_peak = b->ghosts;
}

/* A new session `id` on server, made by owner's request; client >= 0 when
 * the owner will read its "o" (the open's poll or websocket). */
/* The bucket of (id, server) in the session index. */
static uint32_t sess_slot(const struct cs_balancer *b, uint64_t id, int32_t server)
{
	uint64_t h = (id ^ ((uint64_t)(uint32_t)server << 48)) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(h >> 32) & (b->sess_buckets - 1);
}

static void sess_index_grow(struct cs_balancer *b)
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

static int32_t session_new(struct cs_balancer *b, uint64_t id, int32_t server, int32_t owner, int32_t client)
{
	if (b->sess_live + 1 > b->sess_buckets)
		sess_index_grow(b);
	int32_t i = pool_get(&b->sessions);
	uint32_t slot = sess_slot(b, id, server);
	*sess_at(b, i) = (struct session){.b = b, .index = i, .id = id, .server = server, .client = client,
					  .owner = owner, .next_hash = b->sess_bucket[slot], .held = -1, .live = true};
	b->sess_bucket[slot] = i;
	if (++b->sess_live > CS_BAL_MAX_SESSIONS)
		overflow(b, "more sessions held at once than the model's 10000000 (the clients reconnect without end: "
			    "non-sticky xhr-polling? use fewer clients or a sticky policy)");
	cs_bal_level_add(&b->held, 1, cs_engine_now(b->e));
	if (client < 0)
		ghost_count(b, 1);
	return i;
}

static void conn_set(struct cs_balancer *b, int32_t i, bool on)
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

static void req_free(struct cs_balancer *b, int32_t r)
{
	pool_put(&b->reqs, r);
}

static void session_free(struct cs_balancer *b, int32_t i)
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
	cs_bal_level_add(&b->held, -1, cs_engine_now(b->e));
	s->live = false;
	pool_put(&b->sessions, i);
}

/* The session `id` that server s holds (made by owner's requests), or -1. */
static int32_t session_find(const struct cs_balancer *b, uint32_t owner, uint64_t id, int32_t s)
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
static int32_t client_session(const struct cs_balancer *b, const struct client *c)
{
	if (c->sess < 0)
		return -1;
	const struct session *s = sess_at(b, c->sess);
	return s->live && s->id == c->sess_id && s->client == (int32_t)c->idx ? c->sess : -1;
}

static void expire_fire(void *ctx, cs_time now);

static void start_expiry(struct cs_balancer *b, int32_t i)
{
	struct session *s = sess_at(b, i);
	if (s->expire_set || s->held >= 0 || (b->transport == T_WS && s->conn))
		return;
	s->expire = cs_engine_after(b->e, b->disconnect_delay, expire_fire, s);
	s->expire_set = true;
}

/* ---- requests ---- */

static inline struct req *req_at(const struct cs_balancer *b, int32_t i)
{
	return pool_at(&b->reqs, i);
}

static cs_time latency(struct cs_balancer *b)
{
	return cs_time_from_seconds(cs_dist_sample(&b->latency, b->lat_rng));
}

static void arrive_fire(void *ctx, cs_time now);
static void answer_fire(void *ctx, cs_time now);

/* Client c makes a request of `kind` now: it reaches the balancer a
 * latency draw later. */
static void send_request(struct client *c, enum rkind kind, bool open)
{
	struct cs_balancer *b = c->b;
	int32_t r = pool_get(&b->reqs);
	*req_at(b, r) = (struct req){.b = b, .index = r, .client = c->idx, .gen = c->gen, .conn = c->conn,
				     .kind = kind, .open = open, .server = -1, .sess = -1};
	if (kind != R_WS_FRAME && ++b->requests > b->limits.jobs) {
		char what[256];
		snprintf(what, sizeof what, "more requests than the limit of %llu (raise it with \"limits\": {\"jobs\": N}; "
			 "reconnect storms of non-sticky xhr-polling clients make many)", (unsigned long long)b->limits.jobs);
		overflow(b, what);
	}
	if (kind == R_POLL)
		b->polls++;
	else if (kind == R_SEND || kind == R_WS_FRAME)
		b->sends++;
	cs_engine_after(b->e, latency(b), arrive_fire, req_at(b, r));
}

/* The server answers request r: the answer reaches the client a latency
 * draw later. */
static void answer(struct cs_balancer *b, int32_t r, enum answer a, uint32_t frames)
{
	struct req *q = req_at(b, r);
	q->answer = a;
	q->frames = frames;
	cs_engine_after(b->e, latency(b), answer_fire, q);
}

/* Route request r; nginx tries the next server when one refuses the
 * connection.  Returns the server, or -1 (502). */
static int32_t route(struct cs_balancer *b, struct req *q)
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
	struct cs_balancer *b = s->b;
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
static void queue_frame(struct cs_balancer *b, int32_t i, int32_t r)
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
static void server_poll(struct cs_balancer *b, int32_t r, int32_t sv)
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
	struct cs_balancer *b = q->b;
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
	struct cs_balancer *b = c->b;
	if (c->timer_set)
		cs_engine_cancel(b->e, c->timer);
	c->timer = cs_engine_after(b->e, delay, timer_fire, c);
	c->timer_set = true;
}

static cs_time retry_delay(struct cs_balancer *b, uint32_t n)
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
static void drop_session(struct cs_balancer *b, struct client *c)
{
	if (c->believes) {
		c->believes = false;
		cs_bal_level_add(&b->believed, -1, cs_engine_now(b->e));
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
	struct cs_balancer *b = c->b;
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

static void became_connected(struct cs_balancer *b, struct client *c)
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
static void opened(struct cs_balancer *b, struct client *c, const struct req *q)
{
	c->state = C_CONNECTING;
	c->retries = 0;
	c->sess = q->sess;
	c->sess_id = q->conn;
	c->believes = true;
	cs_bal_level_add(&b->believed, 1, cs_engine_now(b->e));
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
	struct cs_balancer *b = q->b;
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
	struct cs_balancer *b = c->b;
	c->state = C_OPENING;
	c->sockjs_server = (uint32_t)gsl_rng_uniform_int(b->rng, 1000);
	c->conn = ++b->next_id;
	b->opens++;
	send_request(c, R_INFO, false);
}

static void timer_fire(void *ctx, cs_time now)
{
	struct client *c = ctx;
	struct cs_balancer *b = c->b;
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
	struct cs_balancer *b = s->b;
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

static uint32_t new_address(struct cs_balancer *b, uint32_t k)
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

static void arrive(struct cs_balancer *b, struct client *c, uint32_t k)
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
	struct cs_balancer *b = c->b;
	b->client_seconds += cs_time_to_seconds(now - c->arrived);
	client_close(c, WHY_LEFT, -1);
	arrive(b, c, c->idx);
}


/* ---- failures ---- */

/* Server `server` comes (back) up at now. */
void cs_bal_server_restart(struct cs_balancer *b, uint32_t server, cs_time now)
{
	struct server_state *st = &b->st[server];
	st->alive = true;
	st->restarted = now;
}

/* Server `server` dies at now: its sessions go, its held polls fail, its
 * websockets drop. */
void cs_bal_server_kill(struct cs_balancer *b, uint32_t server, cs_time now)
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
		/* (freed at once: never a ghost, not even for the peak) */
		if (c && c->sess == (int32_t)i)
			c->sess = -1;
		session_free(b, (int32_t)i);
		if (ws) /* the websocket drops with its server */
			client_close(c, WHY_DROPPED, -1);
	}
}

void cs_bal_start_clients(struct cs_balancer *b)
{
	b->clients = cs_xcalloc(b->nclients, sizeof *b->clients);
	for (uint32_t k = 0; k < b->nclients; k++) {
		b->clients[k].idx = k;
		arrive(b, &b->clients[k], k);
	}
}

void cs_bal_release_model(struct cs_balancer *b)
{
	free(b->sess_bucket);
	free(b->clients);
	pool_release(&b->sessions);
	pool_release(&b->reqs);
	free(b->rehome);
}
