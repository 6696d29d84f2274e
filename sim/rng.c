/* sim/rng — see rng.h. */
#include "sim/rng.h"

#include <stdio.h>
#include <stdlib.h>

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t cs_rng_derive(uint64_t seed, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return splitmix64(seed ^ splitmix64(h));
}

gsl_rng *cs_rng_stream(uint64_t seed, const char *name)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r) {
		fprintf(stderr, "clustersim: out of memory allocating a random stream\n");
		abort();
	}
	/* MT19937 takes 32 bits of seed; 0 would mean GSL's default seed. */
	unsigned long s = (unsigned long)(cs_rng_derive(seed, name) & 0xffffffffUL);
	gsl_rng_set(r, s ? s : 1);
	return r;
}
