/* sim/rng — independent, reproducible random streams.
 *
 * Every consumer of randomness (a workload, a placement policy, the
 * prefill) gets its own GSL MT19937 stream seeded from the experiment seed
 * and a stable name.  Streams never share state, so adding a consumer or
 * changing how much one draws does not shift any other's numbers. */
#ifndef CS_RNG_H
#define CS_RNG_H
#include <stdint.h>

#include <gsl/gsl_rng.h>

/* A new stream for (seed, name); free with gsl_rng_free. */
gsl_rng *cs_rng_stream(uint64_t seed, const char *name);
uint64_t cs_rng_derive(uint64_t seed, const char *name);

#endif
