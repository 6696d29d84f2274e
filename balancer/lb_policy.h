/* balancer/lb_policy — how a load balancer picks a backend for
 * one request or connection: nginx's upstream methods and AWS ELB's
 * listeners, as the session-balancing model and the nginx integration test
 * need them (docs/model.md, "Routing policies").
 *
 * Policies and their exact rules:
 *  - round-robin: nginx's smooth weighted rotation, one rotation shared by
 *    every request: each pick adds every usable server's weight to its
 *    current weight, takes the largest (first listed on ties) and
 *    subtracts the total from it;
 *  - random: a uniform weighted draw (the balancer's own stream);
 *  - least-conn: the fewest active connections relative to weight
 *    (conns_a * w_b < conns_b * w_a), ties broken by the rotation above,
 *    as nginx does;
 *  - ip-hash: nginx's hash of the first three octets of the IPv4 address
 *    (h = 89; h = (h * 113 + octet) % 6271 for each, again on retries),
 *    weighted walk h % total_weight; after 20 unusable tries, round-robin;
 *  - hash-consistent (`hash KEY consistent`): ketama as nginx builds it --
 *    160 points per unit of weight, point j of server "host:port" = CRC-32
 *    of host, a NUL byte, port, and point j-1 (4 bytes, little endian; 0
 *    for the first); the key's CRC-32 goes to the first point at or above
 *    it (wrapping); an unusable server moves on to the next point, and
 *    after 20 tries round-robin takes over; an empty key (no cookie, or
 *    a URL without a server_id such as /info) goes round-robin, as nginx's
 *    hash module does for an empty key;
 *  - sticky-cookie: the third-party sticky module: a request with a route
 *    cookie naming a usable server goes there; otherwise round-robin, and
 *    the response sets the cookie to the server chosen;
 *  - elb-http-sticky: ELB's HTTP listener with duration-based cookie
 *    stickiness: like sticky-cookie, but a new route is picked by fewest
 *    outstanding requests (ties by rotation);
 *  - elb-tcp: ELB's TCP listener: no stickiness, a new connection goes to
 *    the next healthy instance in rotation;
 *  - kube-proxy-iptables, kube-proxy-ipvs-rr, -lc, -sh: a Kubernetes
 *    Service's kube-proxy modes (balancer/kube_proxy.c has their rules),
 *    over the Service's endpoints (the servers not down).
 * Session affinity (cs_lb_set_affinity; a Service's sessionAffinity
 * ClientIP): a client address that was sent to a usable server within
 * the timeout (since its last request) goes there again; otherwise the
 * policy picks, and the pick is remembered.
 * Usable: not marked down, and not failed max_fails times within the last
 * fail_timeout (nginx's passive health check; max_fails 0 disables it).  A
 * failed server becomes usable again fail_timeout after its last failure,
 * and one success clears its failures.  When no server is usable, nginx
 * returns 502: cs_lb_pick returns -1. */
#ifndef CS_LB_POLICY_H
#define CS_LB_POLICY_H
#include <stdbool.h>
#include <stdint.h>

#include "sim/fastrng.h"
#include "sim/units.h"

enum cs_lb_kind {
	CS_LB_ROUND_ROBIN,
	CS_LB_RANDOM,
	CS_LB_LEAST_CONN,
	CS_LB_IP_HASH,
	CS_LB_HASH_CONSISTENT,
	CS_LB_STICKY_COOKIE,
	CS_LB_ELB_HTTP_STICKY,
	CS_LB_ELB_TCP,
	CS_LB_KUBE_IPTABLES,
	CS_LB_KUBE_IPVS_RR,
	CS_LB_KUBE_IPVS_LC,
	CS_LB_KUBE_IPVS_SH,
};
extern const char *const cs_lb_kind_names[]; /* by enum, NULL-terminated */

enum cs_lb_hash_key { CS_LB_KEY_CLIENT_ADDRESS, CS_LB_KEY_SOCKJS_SERVER_ID, CS_LB_KEY_COOKIE };
extern const char *const cs_lb_hash_key_names[];

struct cs_lb_server {
	char name[48];      /* "host:port" for ketama, e.g. "127.0.0.1:3000" */
	int weight;
	bool down;          /* marked down (not known to the balancer by itself) */
	int fails;          /* failures counted within fail_timeout */
	cs_time failed_at;  /* the last failure */
	int64_t current;    /* smooth round-robin state */
	uint32_t conns;     /* active connections / outstanding requests */
};

struct cs_lb_point {
	uint32_t hash;
	uint32_t server;
};

struct cs_lb {
	enum cs_lb_kind kind;
	enum cs_lb_hash_key key;
	struct cs_lb_server *servers;
	uint32_t n;
	int total_weight;
	int max_fails;          /* 0: never mark failed */
	cs_time fail_timeout;
	struct cs_lb_point *points; /* ketama ring, sorted, duplicates removed */
	uint32_t npoints;
	struct cs_fastrng rng;  /* random */
	cs_time affinity;       /* ClientIP affinity's timeout (0: none) */
	struct cs_lb_affinity *aff; /* open addressing by address */
	size_t naff, capaff;
	uint32_t ipvs_last;     /* IPVS rr: the last server picked + 1 (0: none) */
	uint64_t tried;         /* servers already tried for the request being
				 * routed (bit s), unusable for it; the caller
				 * clears it per request (servers beyond 64 are
				 * never excluded) */
};

/* A request or connection as the balancer sees it. */
struct cs_lb_request {
	uint32_t addr;          /* client IPv4 address, host order */
	int32_t route;          /* the route cookie's server, -1: none */
	uint32_t sockjs_server; /* SockJS server_id 0..999 (the URL's), or
				 * CS_LB_NO_SERVER_ID (GET /info has none) */
};
#define CS_LB_NO_SERVER_ID UINT32_MAX

/* servers: n entries, names and weights set (weight >= 1). */
void cs_lb_init(struct cs_lb *lb, enum cs_lb_kind kind, enum cs_lb_hash_key key, struct cs_lb_server *servers,
		uint32_t n, int max_fails, cs_time fail_timeout, uint64_t seed);
void cs_lb_release(struct cs_lb *lb);
bool cs_lb_usable(const struct cs_lb *lb, uint32_t s, cs_time now);
/* The server for req, or -1 when none is usable. */
int32_t cs_lb_pick(struct cs_lb *lb, const struct cs_lb_request *req, cs_time now);
/* The outcome of a proxied request: a failure (connection refused,
 * timeout) counts towards max_fails; a success clears the count. */
void cs_lb_outcome(struct cs_lb *lb, uint32_t s, bool ok, cs_time now);

/* Keep each client address on its server for timeout since its last
 * request (0: no affinity). */
void cs_lb_set_affinity(struct cs_lb *lb, cs_time timeout);
/* (kube_proxy.c) the kube-proxy kinds' pick, and the affinity layer */
int32_t cs_kube_proxy_pick(struct cs_lb *lb, const struct cs_lb_request *req, cs_time now);
int32_t cs_lb_affinity_pick(struct cs_lb *lb, const struct cs_lb_request *req, cs_time now,
			    int32_t (*pick)(struct cs_lb *, const struct cs_lb_request *, cs_time));
void cs_lb_affinity_release(struct cs_lb *lb);
/* IPVS sh's bucket of an address (IP_VS_SH_TAB_BITS 8: 256 buckets). */
uint32_t cs_ipvs_sh_bucket(uint32_t addr);

/* Exposed for tests: nginx's ip_hash of the first three octets, one round. */
uint32_t cs_lb_ip_hash_step(uint32_t hash, uint32_t addr);
/* CRC-32 (IEEE, as zlib and nginx) of a key. */
uint32_t cs_lb_crc32(const void *data, size_t len);

#endif
