/* helix/strategy — full-auto placement: Helix's AutoRebalanceStrategy
 * (helix-core org/apache/helix/controller/rebalancer/strategy/
 * AutoRebalanceStrategy.java, the default strategy of FULL_AUTO
 * resources; helix.apache.org "Tutorial: Rebalancing Algorithms": every
 * node the same number of partitions, no two replicas of a partition on
 * one node, a failed node's partitions spread over the others, few
 * moves when nodes come and go).
 *
 * The algorithm, step by step as in Helix (one call of compute()):
 *  1. all nodes sorted by name; live nodes sorted by the number of
 *     partitions they hold now, most first, then by name;
 *  2. capacities: T = replicas x partitions (replicas = min(R, nodes));
 *     live node i in that order may hold floor(T / live), the first
 *     T mod live of them one more (the "ceiling" nodes);
 *  3. the preferred node of every replica (partition p, replica id r) as
 *     if all nodes were up: Helix's DefaultPlacementScheme over the nodes
 *     in name order (index (p + r) mod N when N < P, ...);
 *  4. replicas that are where they would be preferred stay ("existing
 *     preferred"); other current replicas stay as "existing
 *     non-preferred"; replicas nowhere are orphans;
 *  5. orphans go to their preferred node if it has room, else to the
 *     first node with room from a start index, else by moving one unit
 *     of ceiling capacity to a node that can take them;
 *  6. non-preferred replicas move to their preferred node when their node
 *     is over capacity and the preferred one is under; then over-capacity
 *     nodes give non-preferred replicas to any node with room; orphans
 *     left are forced onto the least overloaded node that can take them;
 *  7. each partition's list: its existing replicas' nodes (the preferred
 *     ones first), then its new ones; each part reordered so that every
 *     node gets an even share of each replica position (greedily, the
 *     node with the fewest top states so far takes the next top state):
 *     the first node of a list is the partition's master.
 * Where Helix hashes a replica's name for the start index of step 5 and
 * iterates hash maps, this model uses (p + r) mod live and partition /
 * replica / name order: deterministic, and checkable by hand.
 *
 * The controller persists a changed ideal state and the write triggers
 * its next run, which computes the lists again with the transitions just
 * sent counted as current (AbstractRebalancer.currentMapping counts
 * pending states).  cs_hx_full_auto models that loop as a fixpoint: the
 * mapping grows by the lists computed until they add no node (masters
 * move onto a node that came back only in that second round, as in
 * Helix).  Replicas kept beside the new lists until the new ones are ready
 * (DelayedAutoRebalancer's extra transit replica, StateTransitionThrottle-
 * Config.DEFAULT_NUM_TRANSIT_REPLICAS = 1) are not modelled: a replica not
 * in its list is dropped at once. */
#include <stdlib.h>
#include <string.h>

#include "helix/helix_internal.h"
#include "sim/alloc.h"

#define NONE UINT32_MAX

struct vec {
	uint32_t *v, n, cap;
};

/* AutoRebalanceStrategy.Node */
struct snode {
	int64_t cap, assigned;
	bool ceiling, alive;
	struct vec pref, nonpref; /* replica ids p * nr + r, in insertion order */
};

struct strat {
	const struct cs_hx_resource *r;
	uint32_t N, P, nr;        /* nr: replicas per partition with every node up */
	struct snode *node;
	uint32_t *live, nlive;
	uint32_t *pref_node;      /* per replica: its preferred node */
	uint32_t *ex_pref, *ex_np, *new_on; /* per replica: node or NONE */
	uint8_t *has;             /* n * P + p: node n holds a replica of p in its lists */
	uint8_t *live_state;      /* per replica position: its state (the live state count map) */
	uint32_t nlive_states;
	uint32_t *tmp;            /* scratch, N */
	uint8_t *used;            /* scratch, N */
};

static void vec_push(struct vec *v, uint32_t x)
{
	CS_GROW(v->v, v->cap, v->n + 1);
	v->v[v->n++] = x;
}

static void vec_remove_at(struct vec *v, uint32_t i)
{
	memmove(v->v + i, v->v + i + 1, (v->n - i - 1) * sizeof *v->v);
	v->n--;
}

static void vec_remove(struct vec *v, uint32_t x)
{
	for (uint32_t i = 0; i < v->n; i++)
		if (v->v[i] == x) {
			vec_remove_at(v, i);
			return;
		}
}

static uint32_t part_of(const struct strat *s, uint32_t rep)
{
	return rep / s->nr;
}

static bool can_add_if_capacity(const struct strat *s, uint32_t n, uint32_t rep)
{
	return s->node[n].alive && !s->has[(size_t)n * s->P + part_of(s, rep)];
}

static bool can_add(const struct strat *s, uint32_t n, uint32_t rep)
{
	return s->node[n].assigned < s->node[n].cap && can_add_if_capacity(s, n, rep);
}

static void add_pref(struct strat *s, uint32_t n, uint32_t rep)
{
	vec_push(&s->node[n].pref, rep);
	s->has[(size_t)n * s->P + part_of(s, rep)] = 1;
}

static void add_nonpref(struct strat *s, uint32_t n, uint32_t rep)
{
	vec_push(&s->node[n].nonpref, rep);
	s->has[(size_t)n * s->P + part_of(s, rep)] = 1;
}

/* Helix hashes the replica's name; (p + r) mod live spreads the same way
 * over partitions and replica ids, reproducibly */
static uint32_t start_index(const struct strat *s, uint32_t rep)
{
	return (part_of(s, rep) + rep % s->nr) % s->nlive;
}

/* DefaultPlacementScheme.getLocation */
static uint32_t location(uint32_t p, uint32_t r, uint32_t P, uint32_t nr, uint32_t N)
{
	uint64_t x = (uint64_t)p + (uint64_t)r * P;
	if (N > P)
		return (uint32_t)(x % N);
	if (N == P)
		return (uint32_t)((x % N + r) % N);
	return (uint32_t)(((uint64_t)p + r) % N);
}

/* ---- steps 1-3 ---- */

static int by_count(const void *a, const void *b, const uint32_t *count, const struct cs_hx_node *nodes)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (count[x] != count[y])
		return count[x] > count[y] ? -1 : 1;
	return nodes[x].rank < nodes[y].rank ? -1 : nodes[x].rank > nodes[y].rank;
}

/* insertion sort: the live list is short, and qsort has no context */
static void sort_live(struct strat *s, const uint32_t *count)
{
	const struct cs_hx_node *nodes = s->r->h->nodes;
	for (uint32_t i = 1; i < s->nlive; i++) {
		uint32_t x = s->live[i], j = i;
		while (j > 0 && by_count(&x, &s->live[j - 1], count, nodes) < 0) {
			s->live[j] = s->live[j - 1];
			j--;
		}
		s->live[j] = x;
	}
}

static void setup(struct strat *s, const uint8_t *holds)
{
	const struct cs_helix *h = s->r->h;
	uint32_t N = s->N, P = s->P;
	uint32_t *count = cs_xcalloc(N, sizeof *count);
	for (size_t i = 0; i < (size_t)P * N; i++)
		count[i % N] += holds[i];
	for (uint32_t k = 0; k < N; k++) {
		uint32_t n = h->by_name[k];
		if (h->nodes[n].live)
			s->live[s->nlive++] = n;
	}
	sort_live(s, count);
	free(count);
	uint64_t total = (uint64_t)s->nr * P, floor = total / s->nlive, rem = total % s->nlive;
	for (uint32_t i = 0; i < s->nlive; i++) {
		struct snode *nd = &s->node[s->live[i]];
		nd->alive = true;
		nd->cap = (int64_t)floor;
		if (rem > 0) {
			nd->cap++;
			rem--;
			nd->ceiling = true;
		}
	}
	for (uint32_t p = 0; p < P; p++)
		for (uint32_t r = 0; r < s->nr; r++)
			s->pref_node[p * s->nr + r] = h->by_name[location(p, r, P, s->nr, N)];
}

/* ---- step 4 ---- */

static void existing(struct strat *s, const uint8_t *holds)
{
	const struct cs_helix *h = s->r->h;
	uint32_t N = s->N;
	/* computeExistingPreferredPlacement (over the live state count, as
	 * Helix does) */
	for (uint32_t p = 0; p < s->P; p++)
		for (uint32_t k = 0; k < N; k++) {
			uint32_t n = h->by_name[k];
			if (!holds[(size_t)p * N + n])
				continue;
			s->node[n].assigned++;
			for (uint32_t r = 0; r < s->nlive_states; r++) {
				uint32_t rep = p * s->nr + r;
				if (s->ex_pref[rep] == NONE && s->pref_node[rep] == n) {
					s->ex_pref[rep] = n;
					add_pref(s, n, rep);
					break;
				}
			}
		}
	/* computeExistingNonPreferredPlacement */
	for (uint32_t p = 0; p < s->P; p++)
		for (uint32_t k = 0; k < N; k++) {
			uint32_t n = h->by_name[k];
			if (!holds[(size_t)p * N + n] || s->has[(size_t)n * s->P + p])
				continue;
			for (uint32_t r = 0; r < s->nr; r++) {
				uint32_t rep = p * s->nr + r;
				if (s->pref_node[rep] != n && s->ex_pref[rep] == NONE && s->ex_np[rep] == NONE) {
					s->ex_np[rep] = n;
					add_nonpref(s, n, rep);
					break;
				}
			}
		}
}

/* ---- step 5 ---- */

/* assignOrphanByMakingRoom: a ceiling node with room that cannot take
 * the replica lends its extra unit to a full node that can */
static bool make_room(struct strat *s, uint32_t rep)
{
	uint32_t donor = NONE, acceptor = NONE, start = start_index(s, rep);
	for (uint32_t i = 0; i < s->nlive; i++) {
		uint32_t n = s->live[(start + i) % s->nlive];
		struct snode *c = &s->node[n];
		if (c->ceiling && c->cap > c->assigned && !can_add_if_capacity(s, n, rep) && donor == NONE)
			donor = n;
		else if (!c->ceiling && c->cap == c->assigned && can_add_if_capacity(s, n, rep) && acceptor == NONE)
			acceptor = n;
		if (donor != NONE && acceptor != NONE)
			break;
	}
	if (donor == NONE || acceptor == NONE)
		return false;
	s->node[donor].ceiling = false;
	s->node[donor].cap--;
	s->node[acceptor].ceiling = true;
	s->node[acceptor].cap++;
	s->node[acceptor].assigned++;
	add_nonpref(s, acceptor, rep);
	s->new_on[rep] = acceptor;
	return true;
}

static bool assign_orphan(struct strat *s, uint32_t rep)
{
	uint32_t pn = s->pref_node[rep];
	if (s->node[pn].cap > s->node[pn].assigned && can_add(s, pn, rep)) {
		s->node[pn].assigned++;
		add_pref(s, pn, rep);
		s->new_on[rep] = pn;
		return true;
	}
	uint32_t start = start_index(s, rep);
	for (uint32_t i = 0; i < s->nlive; i++) {
		uint32_t n = s->live[(start + i) % s->nlive];
		if (s->node[n].cap > s->node[n].assigned && can_add(s, n, rep)) {
			s->node[n].assigned++;
			add_nonpref(s, n, rep);
			s->new_on[rep] = n;
			return true;
		}
	}
	return make_room(s, rep);
}

/* ---- step 6 ---- */

static void move_to_preferred(struct strat *s)
{
	for (uint32_t rep = 0; rep < s->P * s->nr; rep++) {
		uint32_t d = s->ex_np[rep], v = s->pref_node[rep];
		if (d == NONE)
			continue;
		struct snode *donor = &s->node[d], *recv = &s->node[v];
		if (!(donor->cap < donor->assigned && recv->cap > recv->assigned && can_add(s, v, rep)))
			continue;
		donor->assigned--;
		recv->assigned++;
		vec_remove(&donor->nonpref, rep);
		s->has[(size_t)d * s->P + part_of(s, rep)] = 0;
		add_pref(s, v, rep);
		s->new_on[rep] = v;
		s->ex_np[rep] = NONE;
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* moveExcessReplicas (the receiver does not count the replica as new:
 * Helix's quirk, kept, for it decides the order of step 7) */
static void move_excess(struct strat *s)
{
	for (uint32_t i = 0; i < s->nlive; i++) {
		uint32_t d = s->live[i];
		struct snode *donor = &s->node[d];
		if (donor->cap >= donor->assigned)
			continue;
		if (donor->nonpref.n > 1)
			qsort(donor->nonpref.v, donor->nonpref.n, sizeof *donor->nonpref.v, cmp_u32);
		for (uint32_t k = 0; k < donor->nonpref.n;) {
			uint32_t rep = donor->nonpref.v[k], start = start_index(s, rep);
			bool moved = false;
			for (uint32_t j = 0; j < s->nlive && !moved; j++) {
				uint32_t v = s->live[(start + j) % s->nlive];
				if (!can_add(s, v, rep))
					continue;
				s->node[v].assigned++;
				add_nonpref(s, v, rep);
				donor->assigned--;
				vec_remove_at(&donor->nonpref, k);
				s->has[(size_t)d * s->P + part_of(s, rep)] = 0;
				moved = true;
			}
			if (!moved)
				k++;
			if (donor->cap >= donor->assigned)
				break;
		}
	}
}

/* forceToAssignOrphans, with Helix's own selection rule */
static void force_orphan(struct strat *s, uint32_t rep)
{
	uint32_t best = NONE;
	int64_t min_over = INT64_MAX;
	for (uint32_t i = 0; i < s->nlive; i++) {
		uint32_t n = s->live[i];
		struct snode *c = &s->node[n];
		if ((best == NONE || c->cap < min_over) && can_add_if_capacity(s, n, rep)) {
			best = n;
			if (c->assigned - c->cap < min_over)
				min_over = c->assigned - c->cap;
		}
	}
	if (best == NONE)
		return; /* every live node holds the partition: fewer replicas */
	s->node[best].assigned++;
	add_nonpref(s, best, rep);
	s->new_on[rep] = best;
}

/* ---- step 7 ---- */

/* normalizePreferenceList: position i of the list goes to the node of
 * the list with the fewest replicas in position i's state so far (the
 * first such in list order); the list keeps at most nr nodes.  Returns
 * its new length. */
static uint32_t normalize(struct strat *s, uint32_t *list, uint32_t len, uint32_t *counts)
{
	uint32_t n = len < s->nr ? len : s->nr, nstates = s->r->m->nstates;
	memset(s->used, 0, len);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t st = s->live_state[i], best = NONE;
		for (uint32_t k = 0; k < len; k++)
			if (!s->used[k] && (best == NONE || counts[list[k] * nstates + st] < counts[list[best] * nstates + st]))
				best = k;
		s->used[best] = 1;
		s->tmp[i] = list[best];
		counts[list[best] * nstates + st]++;
	}
	memcpy(list, s->tmp, n * sizeof *list);
	return n;
}

static void result(struct strat *s, struct cs_hx_resource *res)
{
	uint32_t N = s->N, P = s->P;
	uint32_t *nw = cs_xmalloc((size_t)P * N * sizeof *nw), *nnw = cs_xcalloc(P, sizeof *nnw);
	memset(res->npref, 0, P * sizeof *res->npref);
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t i = 0; i < s->nlive; i++) {
			uint32_t n = s->live[i];
			const struct vec *v = pass == 0 ? &s->node[n].pref : &s->node[n].nonpref;
			for (uint32_t k = 0; k < v->n; k++) {
				uint32_t p = part_of(s, v->v[k]);
				if (s->new_on[v->v[k]] == n)
					nw[(size_t)p * N + nnw[p]++] = n;
				else
					res->pref[(size_t)p * N + res->npref[p]++] = n;
			}
		}
	uint32_t *counts = cs_xcalloc((size_t)N * res->m->nstates, sizeof *counts);
	for (uint32_t p = 0; p < P; p++)
		res->npref[p] = normalize(s, res->pref + (size_t)p * N, res->npref[p], counts);
	for (uint32_t p = 0; p < P; p++) {
		uint32_t len = normalize(s, nw + (size_t)p * N, nnw[p], counts);
		for (uint32_t k = 0; k < len && res->npref[p] < N; k++)
			res->pref[(size_t)p * N + res->npref[p]++] = nw[(size_t)p * N + k];
	}
	free(counts);
	free(nnw);
	free(nw);
}

static void strat_init(struct strat *s, struct cs_hx_resource *res, uint32_t nlive)
{
	uint32_t N = res->h->N, P = res->P;
	*s = (struct strat){.r = res, .N = N, .P = P};
	uint8_t *all_states = cs_xmalloc(N);
	s->nr = cs_hx_replica_states(res->m, res->R, N, all_states);
	free(all_states);
	s->live_state = cs_xmalloc(N);
	s->nlive_states = cs_hx_replica_states(res->m, res->R, nlive, s->live_state);
	size_t reps = (size_t)P * s->nr;
	s->node = cs_xcalloc(N, sizeof *s->node);
	s->live = cs_xmalloc(N * sizeof *s->live);
	s->pref_node = cs_xmalloc(reps * sizeof *s->pref_node);
	s->ex_pref = cs_xmalloc(reps * sizeof *s->ex_pref);
	s->ex_np = cs_xmalloc(reps * sizeof *s->ex_np);
	s->new_on = cs_xmalloc(reps * sizeof *s->new_on);
	memset(s->ex_pref, 0xff, reps * sizeof *s->ex_pref); /* NONE */
	memset(s->ex_np, 0xff, reps * sizeof *s->ex_np);
	memset(s->new_on, 0xff, reps * sizeof *s->new_on);
	s->has = cs_xcalloc((size_t)N * P, 1);
	s->tmp = cs_xmalloc(N * sizeof *s->tmp);
	s->used = cs_xmalloc(N);
}

static void strat_release(struct strat *s)
{
	for (uint32_t n = 0; n < s->N; n++) {
		free(s->node[n].pref.v);
		free(s->node[n].nonpref.v);
	}
	free(s->node);
	free(s->live);
	free(s->pref_node);
	free(s->ex_pref);
	free(s->ex_np);
	free(s->new_on);
	free(s->has);
	free(s->tmp);
	free(s->used);
	free(s->live_state);
}

/* One computePartitionAssignment over the mapping `holds` (P x N). */
static void compute(struct cs_hx_resource *res, const uint8_t *holds)
{
	const struct cs_helix *h = res->h;
	memset(res->npref, 0, res->P * sizeof *res->npref);
	uint32_t nlive = 0;
	for (uint32_t n = 0; n < h->N; n++)
		nlive += h->nodes[n].live;
	if (nlive == 0)
		return; /* Helix: an empty assignment */
	struct strat s;
	strat_init(&s, res, nlive);
	setup(&s, holds);
	existing(&s, holds);
	size_t reps = (size_t)res->P * s.nr;
	uint8_t *orphan = cs_xcalloc(reps, 1);
	for (size_t rep = 0; rep < reps; rep++)
		orphan[rep] = s.ex_pref[rep] == NONE && s.ex_np[rep] == NONE;
	for (size_t rep = 0; rep < reps; rep++)
		if (orphan[rep] && assign_orphan(&s, (uint32_t)rep))
			orphan[rep] = 0;
	move_to_preferred(&s);
	move_excess(&s);
	for (size_t rep = 0; rep < reps; rep++)
		if (orphan[rep])
			force_orphan(&s, (uint32_t)rep);
	result(&s, res);
	free(orphan);
	strat_release(&s);
}

/* add the computed lists to the mapping; true if that added a node */
static bool grow(const struct cs_hx_resource *r, uint8_t *holds)
{
	uint32_t N = r->h->N;
	bool grew = false;
	for (uint32_t p = 0; p < r->P; p++)
		for (uint32_t k = 0; k < r->npref[p]; k++) {
			uint8_t *x = &holds[(size_t)p * N + r->pref[(size_t)p * N + k]];
			grew = grew || !*x;
			*x = 1;
		}
	return grew;
}

void cs_hx_full_auto(struct cs_hx_resource *r)
{
	uint32_t N = r->h->N;
	size_t cells = (size_t)r->P * N;
	uint8_t *holds = cs_xmalloc(cells);
	for (size_t i = 0; i < cells; i++)
		holds[i] = r->cur[i] != CS_HX_ABSENT || r->msg[i] != NULL;
	/* the mapping only grows, so this ends; 16 rounds is far more than
	 * the two a node change takes */
	compute(r, holds);
	for (int round = 0; round < 16 && grow(r, holds); round++)
		compute(r, holds);
	free(holds);
}
