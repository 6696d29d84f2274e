/* balancer/lb_policy — see lb_policy.h. */
#include "balancer/lb_policy.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "sim/alloc.h"

const char *const cs_lb_kind_names[] = {"round-robin",    "random",          "least-conn",      "ip-hash",
					"hash-consistent", "sticky-cookie", "elb-http-sticky", "elb-tcp",
					"kube-proxy-iptables", "kube-proxy-ipvs-rr", "kube-proxy-ipvs-lc",
					"kube-proxy-ipvs-sh", NULL};
const char *const cs_lb_hash_key_names[] = {"client-address", "sockjs-server-id", "cookie", NULL};

enum { MAX_TRIES = 20 }; /* nginx gives up hashing after 20 unusable picks */

uint32_t cs_lb_crc32(const void *data, size_t len)
{
	return (uint32_t)crc32(0L, data, (uInt)len);
}

static int by_hash(const void *a, const void *b)
{
	const struct cs_lb_point *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->server > y->server) - (x->server < y->server);
}

/* The ketama ring, built as nginx's `hash ... consistent` builds it. */
static void build_ring(struct cs_lb *lb)
{
	lb->npoints = 0;
	lb->points = cs_xmalloc((size_t)lb->total_weight * 160 * sizeof *lb->points);
	for (uint32_t s = 0; s < lb->n; s++) {
		const char *name = lb->servers[s].name;
		size_t len = strlen(name), host_len = len, port_off = len;
		/* "host:port": the port is the digits after the last colon */
		for (size_t j = 0; j < len; j++) {
			char c = name[len - j - 1];
			if (c == ':') {
				host_len = len - j - 1;
				port_off = len - j;
				break;
			}
			if (c < '0' || c > '9')
				break;
		}
		uLong base = crc32(0L, Z_NULL, 0);
		base = crc32(base, (const Bytef *)name, (uInt)host_len);
		base = crc32(base, (const Bytef *)"", 1);
		base = crc32(base, (const Bytef *)name + port_off, (uInt)(len - port_off));
		uint32_t prev = 0;
		for (int j = 0; j < lb->servers[s].weight * 160; j++) {
			unsigned char le[4] = {(unsigned char)prev, (unsigned char)(prev >> 8),
					       (unsigned char)(prev >> 16), (unsigned char)(prev >> 24)};
			uint32_t h = (uint32_t)crc32(base, le, 4);
			lb->points[lb->npoints++] = (struct cs_lb_point){h, s};
			prev = h;
		}
	}
	qsort(lb->points, lb->npoints, sizeof *lb->points, by_hash);
	uint32_t k = 0;
	for (uint32_t i = 0; i < lb->npoints; i++)
		if (k == 0 || lb->points[k - 1].hash != lb->points[i].hash)
			lb->points[k++] = lb->points[i];
	lb->npoints = k;
}

void cs_lb_init(struct cs_lb *lb, enum cs_lb_kind kind, enum cs_lb_hash_key key, struct cs_lb_server *servers,
		uint32_t n, int max_fails, cs_time fail_timeout, uint64_t seed)
{
	memset(lb, 0, sizeof *lb);
	lb->kind = kind;
	lb->key = key;
	lb->servers = servers;
	lb->n = n;
	lb->max_fails = max_fails;
	lb->fail_timeout = fail_timeout;
	lb->rng.state = seed;
	for (uint32_t s = 0; s < n; s++)
		lb->total_weight += servers[s].weight;
	if (kind == CS_LB_HASH_CONSISTENT)
		build_ring(lb);
}

void cs_lb_release(struct cs_lb *lb)
{
	free(lb->points);
	lb->points = NULL;
	cs_lb_affinity_release(lb);
}

bool cs_lb_usable(const struct cs_lb *lb, uint32_t s, cs_time now)
{
	const struct cs_lb_server *sv = &lb->servers[s];
	if (sv->down || (s < 64 && (lb->tried >> s) & 1))
		return false;
	return !(lb->max_fails > 0 && sv->fails >= lb->max_fails && now - sv->failed_at < lb->fail_timeout);
}

void cs_lb_outcome(struct cs_lb *lb, uint32_t s, bool ok, cs_time now)
{
	struct cs_lb_server *sv = &lb->servers[s];
	if (ok) {
		sv->fails = 0;
		return;
	}
	/* failures older than fail_timeout do not add up */
	if (sv->fails > 0 && now - sv->failed_at >= lb->fail_timeout)
		sv->fails = 0;
	sv->fails++;
	sv->failed_at = now;
}

/* nginx's smooth weighted round robin over the usable servers; when
 * `among` is given, only over those it marks. */
static int32_t rotate(struct cs_lb *lb, cs_time now, const bool *among)
{
	int32_t best = -1;
	int64_t total = 0;
	for (uint32_t s = 0; s < lb->n; s++) {
		if (!cs_lb_usable(lb, s, now) || (among && !among[s]))
			continue;
		struct cs_lb_server *sv = &lb->servers[s];
		sv->current += sv->weight;
		total += sv->weight;
		if (best < 0 || sv->current > lb->servers[best].current)
			best = (int32_t)s;
	}
	if (best >= 0)
		lb->servers[best].current -= total;
	return best;
}

/* Weighted walk: the server whose weight interval holds w. */
static uint32_t walk(const struct cs_lb *lb, uint32_t w)
{
	uint32_t s = 0;
	while (w >= (uint32_t)lb->servers[s].weight) {
		w -= (uint32_t)lb->servers[s].weight;
		s++;
	}
	return s;
}

uint32_t cs_lb_ip_hash_step(uint32_t hash, uint32_t addr)
{
	for (int i = 0; i < 3; i++) /* the first three octets, most significant first */
		hash = (hash * 113 + ((addr >> (24 - 8 * i)) & 0xff)) % 6271;
	return hash;
}

static int32_t ip_hash(struct cs_lb *lb, uint32_t addr, cs_time now)
{
	uint32_t hash = 89;
	for (int tries = 0; tries < MAX_TRIES; tries++) {
		hash = cs_lb_ip_hash_step(hash, addr);
		uint32_t s = walk(lb, hash % (uint32_t)lb->total_weight);
		if (cs_lb_usable(lb, s, now))
			return (int32_t)s;
	}
	return rotate(lb, now, NULL);
}

/* The key's CRC-32 in *h; false for an empty key. */
static bool key_hash(const struct cs_lb *lb, const struct cs_lb_request *req, uint32_t *h)
{
	char key[32];
	int len;
	switch (lb->key) {
	case CS_LB_KEY_SOCKJS_SERVER_ID: /* the URL's three digits */
		if (req->sockjs_server == CS_LB_NO_SERVER_ID)
			return false;
		len = snprintf(key, sizeof key, "%03u", req->sockjs_server % 1000);
		break;
	case CS_LB_KEY_COOKIE:
		if (req->route < 0)
			return false;
		len = snprintf(key, sizeof key, "%d", req->route);
		break;
	default:
		len = snprintf(key, sizeof key, "%u.%u.%u.%u", req->addr >> 24, (req->addr >> 16) & 0xff,
			       (req->addr >> 8) & 0xff, req->addr & 0xff);
		break;
	}
	*h = cs_lb_crc32(key, (size_t)len);
	return true;
}

static int32_t consistent(struct cs_lb *lb, const struct cs_lb_request *req, cs_time now)
{
	uint32_t h;
	if (!key_hash(lb, req, &h)) /* nginx: an empty key goes round-robin */
		return rotate(lb, now, NULL);
	/* the first point at or above h, wrapping */
	uint32_t lo = 0, hi = lb->npoints;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (lb->points[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int tries = 0; tries < MAX_TRIES; tries++) {
		uint32_t s = lb->points[(lo + (uint32_t)tries) % lb->npoints].server;
		if (cs_lb_usable(lb, s, now))
			return (int32_t)s;
	}
	return rotate(lb, now, NULL);
}

/* Fewest conns per weight; ties by the rotation among the tied. */
static int32_t least(struct cs_lb *lb, cs_time now)
{
	int32_t best = -1;
	for (uint32_t s = 0; s < lb->n; s++) {
		if (!cs_lb_usable(lb, s, now))
			continue;
		const struct cs_lb_server *a = &lb->servers[s];
		if (best < 0 || (uint64_t)a->conns * (uint64_t)lb->servers[best].weight <
					(uint64_t)lb->servers[best].conns * (uint64_t)a->weight)
			best = (int32_t)s;
	}
	if (best < 0)
		return -1;
	bool tied[256] = {false}, many = false;
	const struct cs_lb_server *b = &lb->servers[best];
	for (uint32_t s = 0; s < lb->n && s < 256; s++) {
		const struct cs_lb_server *a = &lb->servers[s];
		tied[s] = cs_lb_usable(lb, s, now) &&
			  (uint64_t)a->conns * (uint64_t)b->weight == (uint64_t)b->conns * (uint64_t)a->weight;
		many |= tied[s] && (int32_t)s != best;
	}
	return many && lb->n <= 256 ? rotate(lb, now, tied) : best;
}

static int32_t policy_pick(struct cs_lb *lb, const struct cs_lb_request *req, cs_time now);

int32_t cs_lb_pick(struct cs_lb *lb, const struct cs_lb_request *req, cs_time now)
{
	if (lb->n == 0)
		return -1;
	if (lb->affinity > 0)
		return cs_lb_affinity_pick(lb, req, now, policy_pick);
	return policy_pick(lb, req, now);
}

static int32_t policy_pick(struct cs_lb *lb, const struct cs_lb_request *req, cs_time now)
{
	switch (lb->kind) {
	case CS_LB_KUBE_IPTABLES:
	case CS_LB_KUBE_IPVS_RR:
	case CS_LB_KUBE_IPVS_LC:
	case CS_LB_KUBE_IPVS_SH:
		return cs_kube_proxy_pick(lb, req, now);
	case CS_LB_ROUND_ROBIN:
	case CS_LB_ELB_TCP:
		return rotate(lb, now, NULL);
	case CS_LB_RANDOM:
		for (int tries = 0; tries < MAX_TRIES; tries++) {
			uint32_t s = walk(lb, cs_fastrng_below(&lb->rng, (uint32_t)lb->total_weight));
			if (cs_lb_usable(lb, s, now))
				return (int32_t)s;
		}
		return rotate(lb, now, NULL);
	case CS_LB_LEAST_CONN:
		return least(lb, now);
	case CS_LB_IP_HASH:
		return ip_hash(lb, req->addr, now);
	case CS_LB_HASH_CONSISTENT:
		return consistent(lb, req, now);
	case CS_LB_STICKY_COOKIE:
		if (req->route >= 0 && (uint32_t)req->route < lb->n && cs_lb_usable(lb, (uint32_t)req->route, now))
			return req->route;
		return rotate(lb, now, NULL);
	case CS_LB_ELB_HTTP_STICKY:
		if (req->route >= 0 && (uint32_t)req->route < lb->n && cs_lb_usable(lb, (uint32_t)req->route, now))
			return req->route;
		return least(lb, now);
	}
	return -1;
}
