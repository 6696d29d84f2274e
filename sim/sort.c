/* sim/sort — see sort.h. */
#include "sim/sort.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"

/* 11-bit digits: 6 passes, each with a 16 KiB count table that stays in L1 */
enum { BITS = 11, RADIX = 1 << BITS };

/* Map a double's bits to an unsigned key with the same order: flip every
 * bit of a negative number, only the sign bit of a positive one. */
static inline uint64_t key_of(double x)
{
	uint64_t u;
	memcpy(&u, &x, sizeof u);
	return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

static inline double double_of(uint64_t k)
{
	uint64_t u = (k >> 63) ? k & ~(UINT64_C(1) << 63) : ~k;
	double x;
	memcpy(&x, &u, sizeof x);
	return x;
}

static void insertion_sort(uint64_t *k, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t x = k[i];
		size_t j = i;
		for (; j > 0 && k[j - 1] > x; j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

void cs_sort_doubles(double *v, size_t n)
{
	if (n < 2)
		return;
	uint64_t *a = cs_xmalloc(n * sizeof *a);
	for (size_t i = 0; i < n; i++)
		a[i] = key_of(v[i]);
	if (n <= 64) {
		insertion_sort(a, n);
	} else {
		enum { PASSES = (64 + BITS - 1) / BITS };
		uint64_t *b = cs_xmalloc(n * sizeof *b);
		/* every pass's digit counts in one read of the keys */
		size_t *count = cs_xcalloc((size_t)PASSES * RADIX, sizeof *count);
		for (size_t i = 0; i < n; i++)
			for (unsigned p = 0; p < PASSES; p++)
				count[p * RADIX + ((a[i] >> (p * BITS)) & (RADIX - 1))]++;
		for (unsigned p = 0; p < PASSES; p++) {
			unsigned shift = p * BITS;
			size_t *c = count + (size_t)p * RADIX;
			/* a pass where every key has the same digit moves nothing */
			if (c[(a[0] >> shift) & (RADIX - 1)] == n)
				continue;
			size_t sum = 0;
			for (size_t d = 0; d < RADIX; d++) {
				size_t k = c[d];
				c[d] = sum;
				sum += k;
			}
			for (size_t i = 0; i < n; i++)
				b[c[(a[i] >> shift) & (RADIX - 1)]++] = a[i];
			uint64_t *t = a;
			a = b;
			b = t;
		}
		free(b);
		free(count);
	}
	for (size_t i = 0; i < n; i++)
		v[i] = double_of(a[i]);
	free(a);
}
