/* sim/capindex — see capindex.h. */
#include "sim/capindex.h"

#include <stdlib.h>

#include "sim/alloc.h"

void cs_capindex_init(struct cs_capindex *ix, uint32_t n)
{
	uint32_t leaves = 1;
	while (leaves < n)
		leaves *= 2;
	ix->n = n;
	ix->leaves = leaves;
	ix->node = cs_xmalloc(2 * (size_t)leaves * sizeof *ix->node);
	for (size_t i = 0; i < 2 * (size_t)leaves; i++)
		ix->node[i].cpu = ix->node[i].mem = -1;
}

void cs_capindex_release(struct cs_capindex *ix)
{
	free(ix->node);
	ix->node = NULL;
	ix->n = ix->leaves = 0;
}

static inline cs_qty max_q(cs_qty a, cs_qty b)
{
	return a > b ? a : b;
}

void cs_capindex_set(struct cs_capindex *ix, uint32_t m, cs_qty free_cpu, cs_qty free_mem)
{
	struct cs_capnode *nd = ix->node;
	size_t i = ix->leaves + m;
	nd[i].cpu = free_cpu;
	nd[i].mem = free_mem;
	for (i /= 2; i >= 1; i /= 2) {
		cs_qty c = max_q(nd[2 * i].cpu, nd[2 * i + 1].cpu);
		cs_qty mm = max_q(nd[2 * i].mem, nd[2 * i + 1].mem);
		if (c == nd[i].cpu && mm == nd[i].mem)
			break; /* nothing above changes either */
		nd[i].cpu = c;
		nd[i].mem = mm;
	}
}

/* Depth-first, left to right, pruning subtrees whose maxima are too small
 * or that lie wholly before `from`. */
static uint32_t search(const struct cs_capindex *ix, size_t node, uint32_t lo, uint32_t width,
		       uint32_t from, cs_qty cpu, cs_qty mem)
{
	if (ix->node[node].cpu < cpu || ix->node[node].mem < mem || lo + width <= from)
		return CS_NO_MACHINE;
	if (width == 1)
		return lo < ix->n ? lo : CS_NO_MACHINE;
	uint32_t half = width / 2;
	uint32_t r = search(ix, 2 * node, lo, half, from, cpu, mem);
	if (r != CS_NO_MACHINE)
		return r;
	return search(ix, 2 * node + 1, lo + half, half, from, cpu, mem);
}

uint32_t cs_capindex_first_fit(const struct cs_capindex *ix, uint32_t from, cs_qty cpu, cs_qty mem)
{
	if (!ix->n || from >= ix->n)
		return CS_NO_MACHINE;
	return search(ix, 1, 0, ix->leaves, from, cpu, mem);
}
