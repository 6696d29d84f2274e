/* schedulers/drf — weighted Dominant Resource Fairness (Ghodsi et al.,
 * NSDI 2011), as Mesos' allocator orders frameworks.
 *
 * A framework's dominant share is the largest, over cpu and memory, of
 * its allocation divided by the cell's total; divided by its weight.
 * Lower shares come first; equal shares keep their given order (callers
 * list frameworks by name, so ties never depend on chance). */
#ifndef CS_DRF_H
#define CS_DRF_H

#include "sim/job.h"

static inline double cs_drf_share(const struct cs_res *alloc, double weight, const struct cs_res *total)
{
	double c = total->cpu > 0 ? (double)alloc->cpu / (double)total->cpu : 0;
	double m = total->mem > 0 ? (double)alloc->mem / (double)total->mem : 0;
	return (c > m ? c : m) / weight;
}

#endif
