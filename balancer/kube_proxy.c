/* balancer/kube_proxy — a Kubernetes Service's routing, as kube-proxy
 * programs it (docs/model.md, "Routing policies"), over its endpoints: the
 * balancer's servers that are not down (the Service's ready pods).
 *  - kube-proxy-iptables: each new connection goes to an endpoint drawn
 *    uniformly (the iptables mode's chain of `statistic --mode random`
 *    rules: the i-th of n taken with probability 1/(n-i+1));
 *  - kube-proxy-ipvs-rr: IPVS round-robin, the next endpoint in the list
 *    after the last one picked (wrapping);
 *  - kube-proxy-ipvs-lc: IPVS least-connection, the endpoint with the
 *    fewest active connections, ties to the first in the list (the model
 *    has no inactive connections: IPVS's overhead active x 256 + inactive
 *    orders as active);
 *  - kube-proxy-ipvs-sh: IPVS source hashing: bucket (addr x 2654435761)
 *    >> 24 of a 256-entry table whose buckets go to the endpoints in
 *    turn (bucket b to endpoint b mod n, in list order), rebuilt as the
 *    endpoints change.
 * ClientIP session affinity (a Service's sessionAffinity, timeout
 * sessionAffinityConfig.clientIP.timeoutSeconds, default 10800 s): the
 * iptables mode's `recent` match and IPVS persistence: a client address
 * seen within the timeout goes to the endpoint it went to, while that
 * endpoint is one; each use renews it.  The passive health check of nginx
 * (max_fails) has no part here: kube-proxy does not retry. */
#include <stdlib.h>
#include <string.h>

#include "balancer/lb_policy.h"
#include "sim/alloc.h"

struct cs_lb_affinity {
	uint64_t addr1;    /* addr + 1; 0: an empty entry */
	uint32_t server;
	cs_time last;
};

uint32_t cs_ipvs_sh_bucket(uint32_t addr)
{
	return (uint32_t)((addr * 2654435761u) >> 24);
}

static uint32_t endpoints(const struct cs_lb *lb, cs_time now, uint32_t *out)
{
	uint32_t n = 0;
	for (uint32_t s = 0; s < lb->n; s++)
		if (cs_lb_usable(lb, s, now))
			out[n++] = s;
	return n;
}

int32_t cs_kube_proxy_pick(struct cs_lb *lb, const struct cs_lb_request *req, cs_time now)
{
	uint32_t stack[256], *ep = lb->n <= 256 ? stack : cs_xmalloc(lb->n * sizeof *ep);
	uint32_t n = endpoints(lb, now, ep);
	int32_t pick = -1;
	if (n > 0) {
		switch (lb->kind) {
		case CS_LB_KUBE_IPTABLES:
			pick = (int32_t)ep[cs_fastrng_below(&lb->rng, n)];
			break;
		case CS_LB_KUBE_IPVS_RR:
			pick = (int32_t)ep[0];
			for (uint32_t i = 0; i < n; i++)
				if (ep[i] + 1 > lb->ipvs_last) { /* the first after the last */
					pick = (int32_t)ep[i];
					break;
				}
			lb->ipvs_last = (uint32_t)pick + 1;
			break;
		case CS_LB_KUBE_IPVS_LC:
			pick = (int32_t)ep[0];
			for (uint32_t i = 1; i < n; i++)
				if (lb->servers[ep[i]].conns < lb->servers[pick].conns)
					pick = (int32_t)ep[i];
			break;
		default: /* CS_LB_KUBE_IPVS_SH */
			pick = (int32_t)ep[cs_ipvs_sh_bucket(req->addr) % n];
			break;
		}
	}
	if (ep != stack)
		free(ep);
	return pick;
}

void cs_lb_set_affinity(struct cs_lb *lb, cs_time timeout)
{
	lb->affinity = timeout;
}

static size_t slot_of(const struct cs_lb *lb, uint32_t addr)
{
	size_t i = (size_t)(addr * 2654435761u) & (lb->capaff - 1);
	while (lb->aff[i].addr1 && lb->aff[i].addr1 != (uint64_t)addr + 1)
		i = (i + 1) & (lb->capaff - 1);
	return i;
}

static void grow(struct cs_lb *lb)
{
	struct cs_lb_affinity *old = lb->aff;
	size_t oldcap = lb->capaff;
	lb->capaff = oldcap ? oldcap * 2 : 1024;
	lb->aff = cs_xcalloc(lb->capaff, sizeof *lb->aff);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].addr1)
			lb->aff[slot_of(lb, (uint32_t)(old[i].addr1 - 1))] = old[i];
	free(old);
}

int32_t cs_lb_affinity_pick(struct cs_lb *lb, const struct cs_lb_request *req, cs_time now,
			    int32_t (*pick)(struct cs_lb *, const struct cs_lb_request *, cs_time))
{
	if (2 * (lb->naff + 1) > lb->capaff)
		grow(lb);
	size_t i = slot_of(lb, req->addr);
	struct cs_lb_affinity *a = &lb->aff[i];
	if (a->addr1 && now - a->last <= lb->affinity && cs_lb_usable(lb, a->server, now)) {
		a->last = now;
		return (int32_t)a->server;
	}
	int32_t s = pick(lb, req, now);
	if (s < 0)
		return s;
	if (!a->addr1)
		lb->naff++;
	*a = (struct cs_lb_affinity){(uint64_t)req->addr + 1, (uint32_t)s, now};
	return s;
}

void cs_lb_affinity_release(struct cs_lb *lb)
{
	free(lb->aff);
	lb->aff = NULL;
	lb->naff = lb->capaff = 0;
}
