/* sim/fastrng — a small, fast random stream for hot loops (placement draws
 * millions of machine indexes per run).  splitmix64 (Steele, Lea and
 * Flood, 2014) seeded from a GSL stream, so it stays reproducible and
 * independent per consumer; bounded draws by Lemire's multiply-shift on the
 * top 32 bits (bias below n / 2^32, negligible for cell sizes). */
#ifndef CS_FASTRNG_H
#define CS_FASTRNG_H
#include <stdint.h>

#include <gsl/gsl_rng.h>

struct cs_fastrng {
	uint64_t state;
};

static inline void cs_fastrng_seed(struct cs_fastrng *r, gsl_rng *from)
{
	r->state = ((uint64_t)gsl_rng_get(from) << 32) ^ (uint64_t)gsl_rng_get(from);
}

static inline uint64_t cs_fastrng_next(struct cs_fastrng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n >= 1. */
static inline uint32_t cs_fastrng_below(struct cs_fastrng *r, uint32_t n)
{
	return (uint32_t)(((cs_fastrng_next(r) >> 32) * (uint64_t)n) >> 32);
}

#endif
