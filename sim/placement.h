/* sim/placement — where a task goes, on any cell (the real one or a
 * scheduler's private replica).
 *
 * Policies:
 *  - random-first-fit (the Omega study's): draw machines uniformly from a
 *    candidate set; take the first where the task fits; a machine where it
 *    does not fit leaves the candidate set for the rest of this job.  The
 *    candidate set is a permutation array: starting a job is O(1), a
 *    removal is a swap.
 *  - first-fit: the lowest-numbered machine where it fits (capacity index).
 *  - best-fit: the machine with the least free capacity left after the
 *    task, measured as the sum of the free cpu and memory fractions; ties to
 *    the lowest number.  worst-fit: the most left.  Both scan the machines
 *    (O(machines) per task).
 * All policies skip down machines.  Determinism: only random-first-fit
 * draws, from the placer's own stream (sim/fastrng.h, seeded from the
 * placer's GSL stream).
 *
 * Use: cs_placer_begin_job before placing a job's tasks on `cell`, then
 * cs_placer_pick per task (the caller claims the machine before the next
 * pick, so the cell's free capacity is current). */
#ifndef CS_PLACEMENT_H
#define CS_PLACEMENT_H
#include <gsl/gsl_rng.h>

#include "sim/cell.h"
#include "sim/fastrng.h"

enum cs_placement {
	CS_PLACE_RANDOM_FIRST_FIT,
	CS_PLACE_FIRST_FIT,
	CS_PLACE_BEST_FIT,
	CS_PLACE_WORST_FIT,
};
extern const char *const cs_placement_names[]; /* by enum value, NULL-terminated */

struct cs_placer {
	enum cs_placement policy;
	gsl_rng *rng;       /* owned; seeds fast */
	struct cs_fastrng fast; /* the draws of random-first-fit */
	uint32_t *perm;     /* random-first-fit candidates */
	uint32_t n, ncand;
	bool checked;       /* random-first-fit: "can anything fit" asked for this job */
	bool last_failed;   /* the last pick found no machine */
	uint64_t probes;    /* machines examined, for benchmarks */
};

void cs_placer_init(struct cs_placer *p, enum cs_placement policy, uint32_t machines, gsl_rng *rng);
void cs_placer_release(struct cs_placer *p);
void cs_placer_begin_job(struct cs_placer *p, const struct cs_cell *cell);
/* The general case of cs_placer_pick. */
uint32_t cs_placer_pick_slow(struct cs_placer *p, const struct cs_cell *cell, const struct cs_res *req);

/* A machine where req fits now, or CS_NO_MACHINE.  Random first fit's
 * first probe is inline (in a cell with room it is the only one; every
 * scheduler places tasks through here); the rest is cs_placer_pick_slow,
 * which goes on exactly as if it had made that probe itself. */
/* One random-first-fit probe (ncand > 0): a candidate drawn uniformly;
 * it is returned if req fits there, else it leaves the candidates. */
static inline uint32_t cs_placer_probe(struct cs_placer *p, const struct cs_cell *cell, const struct cs_res *req)
{
	uint32_t i = cs_fastrng_below(&p->fast, p->ncand);
	uint32_t m = p->perm[i];
	p->probes++;
	if (cs_cell_fits(cell, m, req)) {
		p->last_failed = false;
		return m;
	}
	p->perm[i] = p->perm[--p->ncand];
	p->perm[p->ncand] = m;
	return CS_NO_MACHINE;
}

/* A machine where req fits now and rule allows (sim/job.h), or
 * CS_NO_MACHINE; chosen/nchosen are passed to the rule.  A rule can
 * change its answer as tasks are placed (GROUP_BY), so no machine leaves
 * the candidates: random-first-fit scans from a random machine onwards
 * (wrapping), first-fit from machine 0, best- and worst-fit score every
 * allowed machine.  O(machines) per task. */
uint32_t cs_placer_pick_ruled(struct cs_placer *p, const struct cs_cell *cell, const struct cs_res *req,
			      const struct cs_placement_rule *rule, const uint32_t *chosen, uint32_t nchosen);

static inline uint32_t cs_placer_pick(struct cs_placer *p, const struct cs_cell *cell, const struct cs_res *req)
{
	if (p->policy == CS_PLACE_RANDOM_FIRST_FIT && p->ncand > 0 && (p->checked || !p->last_failed)) {
		uint32_t m = cs_placer_probe(p, cell, req);
		if (m != CS_NO_MACHINE)
			return m;
	}
	return cs_placer_pick_slow(p, cell, req);
}

#endif
