/* sim/placement — see placement.h. */
#include "sim/placement.h"
#include "sim/job.h"

#include <stdlib.h>

#include "sim/alloc.h"

const char *const cs_placement_names[] = {"random-first-fit", "first-fit", "best-fit",
					  "worst-fit", NULL};

void cs_placer_init(struct cs_placer *p, enum cs_placement policy, uint32_t machines, gsl_rng *rng)
{
	p->policy = policy;
	p->rng = rng;
	if (rng)
		cs_fastrng_seed(&p->fast, rng);
	p->n = p->ncand = machines;
	p->checked = p->last_failed = false;
	p->probes = 0;
	p->perm = cs_xmalloc((size_t)machines * sizeof *p->perm);
	for (uint32_t i = 0; i < machines; i++)
		p->perm[i] = i;
}

void cs_placer_release(struct cs_placer *p)
{
	free(p->perm);
	if (p->rng)
		gsl_rng_free(p->rng);
	p->perm = NULL;
	p->rng = NULL;
}

void cs_placer_begin_job(struct cs_placer *p, const struct cs_cell *cell)
{
	p->ncand = p->n;
	p->checked = false;
}

static uint32_t random_first_fit(struct cs_placer *p, const struct cs_cell *cell,
				 const struct cs_res *req)
{
	/* Nothing can fit: do not pay a full scan to find that out.  The
	 * index is asked once per job (the tasks of a job are alike), and only
	 * once a pick has failed -- in a cell with room it is never needed, so
	 * its refresh is never paid for. */
	if (!p->checked && p->last_failed) {
		p->checked = true;
		if (!cs_capindex_may_fit(cs_cell_index(cell), req->cpu, req->mem)) {
			p->ncand = 0;
			return CS_NO_MACHINE;
		}
	}
	while (p->ncand > 0) {
		uint32_t m = cs_placer_probe(p, cell, req);
		if (m != CS_NO_MACHINE)
			return m;
	}
	p->last_failed = true;
	return CS_NO_MACHINE;
}

/* best- and worst-fit's measure: the free cpu and memory fractions m
 * would have left after req */
static double left_after(const struct cs_cell *cell, uint32_t m, const struct cs_res *req)
{
	const struct cs_res *c = &cell->mach[m].cap, *u = &cell->mach[m].used;
	double left = 0;
	if (c->cpu > 0)
		left += (double)(c->cpu - u->cpu - req->cpu) / (double)c->cpu;
	if (c->mem > 0)
		left += (double)(c->mem - u->mem - req->mem) / (double)c->mem;
	return left;
}

static uint32_t scored_fit(struct cs_placer *p, const struct cs_cell *cell,
			   const struct cs_res *req, int sign)
{
	uint32_t best = CS_NO_MACHINE;
	double best_score = 0;
	for (uint32_t m = cs_capindex_first_fit(cs_cell_index(cell), 0, req->cpu, req->mem);
	     m != CS_NO_MACHINE && m < cell->n; m++) {
		p->probes++;
		if (!cs_cell_fits(cell, m, req))
			continue;
		double score = sign * left_after(cell, m, req);
		if (best == CS_NO_MACHINE || score < best_score) {
			best = m;
			best_score = score;
		}
	}
	return best;
}

uint32_t cs_placer_pick_ruled(struct cs_placer *p, const struct cs_cell *cell, const struct cs_res *req,
			      const struct cs_placement_rule *rule, const uint32_t *chosen, uint32_t nchosen)
{
	uint32_t n = cell->n, start = 0, best = CS_NO_MACHINE;
	if (n == 0)
		return CS_NO_MACHINE;
	if (p->policy == CS_PLACE_RANDOM_FIRST_FIT)
		start = cs_fastrng_below(&p->fast, n);
	int sign = p->policy == CS_PLACE_BEST_FIT ? 1 : -1;
	double best_score = 0;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t m = (start + k) % n;
		p->probes++;
		if (!cs_cell_fits(cell, m, req) || !rule->allows(rule->ctx, cell, m, chosen, nchosen))
			continue;
		if (p->policy == CS_PLACE_RANDOM_FIRST_FIT || p->policy == CS_PLACE_FIRST_FIT)
			return m;
		double score = sign * left_after(cell, m, req);
		if (best == CS_NO_MACHINE || score < best_score) {
			best = m;
			best_score = score;
		}
	}
	return best;
}

uint32_t cs_placer_pick_slow(struct cs_placer *p, const struct cs_cell *cell, const struct cs_res *req)
{
	switch (p->policy) {
	case CS_PLACE_RANDOM_FIRST_FIT:
		return random_first_fit(p, cell, req);
	case CS_PLACE_FIRST_FIT: {
		uint32_t from = 0;
		for (;;) {
			uint32_t m = cs_capindex_first_fit(cs_cell_index(cell), from, req->cpu, req->mem);
			p->probes++;
			if (m == CS_NO_MACHINE || cs_cell_fits(cell, m, req))
				return m;
			from = m + 1; /* cpu and mem fit, disk did not */
		}
	}
	case CS_PLACE_BEST_FIT:
		return scored_fit(p, cell, req, +1);
	case CS_PLACE_WORST_FIT:
		return scored_fit(p, cell, req, -1);
	}
	return CS_NO_MACHINE;
}
