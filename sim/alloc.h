/* sim/alloc — allocation that never returns NULL.
 *
 * Out of memory is not an input error a caller can recover from in a
 * simulator: like Redis' zmalloc, these abort with a message naming the
 * size.  Everything else in clustersim allocates through them. */
#ifndef CS_ALLOC_H
#define CS_ALLOC_H
#include <stddef.h>

void *cs_xmalloc(size_t n);
void *cs_xcalloc(size_t count, size_t size);
void *cs_xrealloc(void *p, size_t n);
/* n bytes aligned to align (a power of two); free() frees them. */
void *cs_xaligned(size_t align, size_t n);
char *cs_xstrdup(const char *s);
char *cs_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arr (of element size sizeof **arr) so that index need-1 is valid;
 * capacity doubles.  arr, cap are lvalues. */
#define CS_GROW(arr, cap, need)                                                \
	do {                                                                   \
		if ((size_t)(need) > (size_t)(cap)) {                          \
			size_t cs_nc_ = (cap) ? (size_t)(cap) * 2 : 16;        \
			while (cs_nc_ < (size_t)(need))                        \
				cs_nc_ *= 2;                                   \
			(arr) = cs_xrealloc((arr), cs_nc_ * sizeof *(arr));    \
			(cap) = cs_nc_;                                        \
		}                                                              \
	} while (0)

#endif
