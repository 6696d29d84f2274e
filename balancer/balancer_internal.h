/* balancer/balancer_internal — what the balancer's own files share
 * (sessions.c: the protocol; config.c: the experiment's keys; results.c:
 * summary and timeseries; balancer.c: the two ways to run it).  Not for
 * other modules: they use balancer/balancer.h. */
#ifndef CS_BALANCER_INTERNAL_H
#define CS_BALANCER_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>
#include <jansson.h>

#include "balancer/balancer.h"
#include "balancer/lb_policy.h"
#include "sim/config.h"
#include "sim/engine.h"
#include "sim/limits.h"
#include "sim/metrics.h"
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
	struct cs_balancer *b;
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
	struct cs_balancer *b;
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
	struct cs_balancer *b;
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
	bool ever_up;        /* (attached: a slot's first task is no restart) */
	uint32_t connected;  /* sessions of connected clients */
};

struct event_spec {
	cs_time at;
	bool kill;
	uint32_t server;
	struct cs_balancer *b;
};

/* a count over time, integrated exactly at every change */
struct level {
	uint64_t now, peak;
	double area;         /* count x seconds */
	cs_time last;
};

struct cs_balancer {
	struct cs_engine *e; /* its own (a standalone run) or the world's */
	struct cs_engine own;
	bool attached;       /* its servers are a workload's tasks (cs_balancer_attach) */
	char *from;          /* attached: that workload's name */
	struct cs_series own_series; /* standalone: timeseries.csv */
	struct cs_limits limits;
	/* a run that grows past the model's bounds stops: the error goes
	 * here, *failed (the world's, attached) is set, the engine stopped */
	struct cs_error *err;
	const char *file;
	bool *failed;
	bool overflowed;
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


/* A count over time, integrated exactly at every change. */
static inline void cs_bal_level_add(struct level *l, int d, cs_time now)
{
	l->area += (double)l->now * cs_time_to_seconds(now - l->last);
	l->last = now;
	l->now = (uint64_t)((int64_t)l->now + d);
	if (l->now > l->peak)
		l->peak = l->now;
}

/* sessions.c: the clients arrive (now); a server goes down or comes
 * (back) up at now; the model's memory is freed. */
void cs_bal_start_clients(struct cs_balancer *b);
void cs_bal_server_kill(struct cs_balancer *b, uint32_t server, cs_time now);
void cs_bal_server_restart(struct cs_balancer *b, uint32_t server, cs_time now);
void cs_bal_release_model(struct cs_balancer *b);

/* config.c: the model's keys ("balancer", "clients", "sockjs"; attached
 * also takes b->duration, b->sample and b->limits as given); a
 * standalone experiment's top level, then the model's. */
int cs_bal_parse_model(struct cs_balancer *b, json_t *exp, const struct cs_cfg *cfg, uint64_t seed);
int cs_bal_parse_standalone(struct cs_balancer *b, json_t *exp, const struct cs_cfg *cfg, uint64_t *seed);

/* results.c: sampling every b->sample from now (the imbalance figures;
 * standalone, also a row of b->own_series); the "balancer" object of
 * summary.json; the balancer's columns of a timeseries. */
void cs_bal_sampling_start(struct cs_balancer *b);
json_t *cs_bal_summary(struct cs_balancer *b);
void cs_bal_series_add(struct cs_balancer *b, struct cs_series *s);

#endif
