/* sim/sort — sorting of plain arrays, faster than qsort's callbacks.
 *
 * cs_sort_doubles sorts ascending in place, in O(n) (LSD radix sort on the
 * IEEE-754 bit patterns, 11 bits a pass); -0.0 sorts before +0.0 and NaNs
 * after +inf (the metrics never hold NaN).  The order of equal values is
 * irrelevant (they are equal).  It allocates a scratch copy of n doubles
 * (exits on out-of-memory, as every cs_x* allocation does). */
#ifndef CS_SORT_H
#define CS_SORT_H
#include <stddef.h>

void cs_sort_doubles(double *v, size_t n);

/* The values v would have at positions ranks[0..m) once sorted (ranks
 * each < n, in any order), into out: order statistics without sorting, in
 * O(n) (MSD radix selection on the same bit patterns: a count and a
 * gather per digit, continued only in the buckets that hold a wanted
 * rank).  v is not changed. */
void cs_select_doubles(const double *v, size_t n, const size_t *ranks, size_t m, double *out);
/* The same over the union of nparts arrays vs[p] of ns[p] values (no
 * copy of them is made). */
void cs_select_doubles_parts(const double *const *vs, const size_t *ns, size_t nparts, const size_t *ranks,
			     size_t m, double *out);

#endif
