/* sim/capindex — an index of free capacity over machines.
 *
 * A segment tree holding, per subtree, the largest free cpu and the largest
 * free memory of any machine in it (a down machine counts as -1).  It
 * answers "which is the lowest-numbered machine where (cpu, mem) fits" in
 * O(log n) typical time (both maxima prune; the worst case, when the two
 * maxima sit on different machines everywhere, degrades towards a scan),
 * and "can anything fit at all" in O(1) as a necessary condition.  Updates
 * are O(log n).  Owned by the cell; placement policies query it. */
#ifndef CS_CAPINDEX_H
#define CS_CAPINDEX_H
#include <stdint.h>

#include "sim/units.h"

#define CS_NO_MACHINE UINT32_MAX

struct cs_capnode {
	cs_qty cpu, mem;    /* the largest free cpu and free memory below */
};

struct cs_capindex {
	uint32_t n, leaves;       /* leaves: n rounded up to a power of two */
	struct cs_capnode *node;  /* 2*leaves nodes, 1-based heap layout; the
				   * two maxima side by side: one cache line
				   * per level on update */
};

void cs_capindex_init(struct cs_capindex *ix, uint32_t n);
void cs_capindex_release(struct cs_capindex *ix);
void cs_capindex_set(struct cs_capindex *ix, uint32_t m, cs_qty free_cpu, cs_qty free_mem);
/* Lowest machine index >= from whose free cpu and mem are both >= the
 * request, or CS_NO_MACHINE. */
uint32_t cs_capindex_first_fit(const struct cs_capindex *ix, uint32_t from, cs_qty cpu, cs_qty mem);
/* False if no machine can possibly hold (cpu, mem). */
static inline int cs_capindex_may_fit(const struct cs_capindex *ix, cs_qty cpu, cs_qty mem)
{
	return ix->n && ix->node[1].cpu >= cpu && ix->node[1].mem >= mem;
}

#endif
