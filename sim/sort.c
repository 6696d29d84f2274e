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

/* ---- selection ---- */

/* The digit below the one at shift (the last one overlaps the one before
 * it, which is harmless: the keys of a bucket share the digits above);
 * -1 below the last. */
static int next_shift(int shift)
{
	return shift == 0 ? -1 : (shift > BITS ? shift - BITS : 0);
}

/* Of the wanted ranks ranks[j..m) (relative to base: rank ranks[i] - base
 * of this bucket's keys), the run from j that falls in one bucket of
 * count[]: returns its end; the bucket in *dp, where its ranks start in
 * *startp. */
static size_t rank_run(const size_t *count, size_t base, const size_t *ranks, size_t j, size_t m, size_t *dp,
		       size_t *startp)
{
	size_t r = ranks[j] - base, d = 0, start = 0;
	while (start + count[d] <= r)
		start += count[d++];
	size_t k = j + 1;
	while (k < m && ranks[k] - base >= start && ranks[k] - base < start + count[d]) /* need not ascend */
		k++;
	*dp = d;
	*startp = start;
	return k;
}

/* The keys of rank ranks[0..m) - base (any order) of a[0..n), whose
 * digits above shift + BITS are all equal, into out[0..m).  MSD radix
 * selection: one count of the digit, then only the buckets holding a
 * wanted rank go on, each gathered once into scratch. */
static void select_keys(uint64_t *a, size_t n, int shift, const size_t *ranks, size_t base, size_t m,
			uint64_t *out)
{
	for (;;) {
		if (n <= 64 || shift < 0) {
			/* shift < 0: every digit equal, so every key is */
			if (shift >= 0)
				insertion_sort(a, n);
			for (size_t j = 0; j < m; j++)
				out[j] = shift >= 0 ? a[ranks[j] - base] : a[0];
			return;
		}
		size_t count[RADIX] = {0};
		for (size_t i = 0; i < n; i++)
			count[(a[i] >> shift) & (RADIX - 1)]++;
		if (count[(a[0] >> shift) & (RADIX - 1)] == n) {
			shift = next_shift(shift);
			continue;
		}
		for (size_t j = 0, k, d, start; j < m; j = k) {
			k = rank_run(count, base, ranks, j, m, &d, &start);
			uint64_t *b = cs_xmalloc(count[d] * sizeof *b);
			size_t nb = 0;
			for (size_t i = 0; i < n; i++)
				if (((a[i] >> shift) & (RADIX - 1)) == d)
					b[nb++] = a[i];
			select_keys(b, nb, next_shift(shift), ranks + j, base + start, k - j, out + j);
			free(b);
		}
		return;
	}
}

void cs_select_doubles_parts(const double *const *vs, const size_t *ns, size_t nparts, const size_t *ranks,
			     size_t m, double *out)
{
	/* The first digit straight from the doubles, with each bucket's
	 * smallest and largest key: a wanted bucket whose keys are all equal
	 * (the zero waits of a quiet cell, half the samples) answers at once;
	 * the others are gathered, and only they (no copy of all n keys). */
	const int shift = 64 - BITS;
	size_t *count = cs_xcalloc(RADIX, sizeof *count);
	uint64_t *lo = cs_xmalloc(RADIX * sizeof *lo), *hi = cs_xcalloc(RADIX, sizeof *hi);
	uint64_t *keys = cs_xmalloc((m ? m : 1) * sizeof *keys);
	for (size_t d = 0; d < RADIX; d++)
		lo[d] = UINT64_MAX;
	for (size_t p = 0; p < nparts; p++) {
		for (size_t i = 0; i < ns[p]; i++) {
			uint64_t k = key_of(vs[p][i]);
			size_t d = (size_t)(k >> shift);
			count[d]++;
			lo[d] = k < lo[d] ? k : lo[d];
			hi[d] = k > hi[d] ? k : hi[d];
		}
	}
	for (size_t j = 0, k, d, start; j < m; j = k) {
		k = rank_run(count, 0, ranks, j, m, &d, &start);
		if (lo[d] == hi[d]) {
			for (size_t t = j; t < k; t++)
				keys[t] = lo[d];
			continue;
		}
		uint64_t *b = cs_xmalloc(count[d] * sizeof *b);
		size_t nb = 0;
		for (size_t p = 0; p < nparts; p++)
			for (size_t i = 0; i < ns[p]; i++) {
				uint64_t key = key_of(vs[p][i]);
				if ((size_t)(key >> shift) == d)
					b[nb++] = key;
			}
		select_keys(b, nb, next_shift(shift), ranks + j, start, k - j, keys + j);
		free(b);
	}
	for (size_t t = 0; t < m; t++)
		out[t] = double_of(keys[t]);
	free(keys);
	free(count);
	free(lo);
	free(hi);
}

void cs_select_doubles(const double *v, size_t n, const size_t *ranks, size_t m, double *out)
{
	cs_select_doubles_parts(&v, &n, 1, ranks, m, out);
}
