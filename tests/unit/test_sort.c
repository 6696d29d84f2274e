/* sim/sort: the radix sort of doubles agrees with qsort on every sign,
 * zero, infinity and size (both the insertion-sort and radix paths), and
 * the radix selection picks the same order statistics as sorting. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "sim/fastrng.h"
#include "sim/sort.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void check_against_qsort(double *v, size_t n)
{
	double *ref = malloc((n ? n : 1) * sizeof *ref);
	memcpy(ref, v, n * sizeof *v);
	qsort(ref, n, sizeof *ref, cmp);
	cs_sort_doubles(v, n);
	for (size_t i = 0; i < n; i++)
		assert_true(v[i] == ref[i]);
	for (size_t i = 1; i < n; i++)
		assert_true(v[i - 1] <= v[i]);
	free(ref);
}

static void test_special_values(void **state)
{
	double v[] = {3.5, -0.0, 0.0, -INFINITY, INFINITY, -1e-300, 1e-300, -7, 2, 2, 5e-324, -5e-324};
	size_t n = sizeof v / sizeof *v;
	check_against_qsort(v, n);
	assert_true(isinf(v[0]) && v[0] < 0 && isinf(v[n - 1]) && v[n - 1] > 0);
	assert_true(signbit(v[4]) && !signbit(v[5])); /* -0.0 before +0.0 */
}

static void test_sizes(void **state)
{
	struct cs_fastrng r = {.state = 42};
	size_t sizes[] = {0, 1, 2, 63, 64, 65, 1000, 100000};
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t n = sizes[k];
		double *v = malloc((n ? n : 1) * sizeof *v);
		for (size_t i = 0; i < n; i++) {
			double u = (double)cs_fastrng_below(&r, 1u << 30) / (1u << 30);
			/* mixed magnitudes and signs, some repeats */
			v[i] = (i % 3 == 0 ? -1 : 1) * u * pow(10, (double)(i % 17) - 8);
			if (i % 11 == 0)
				v[i] = 1.0;
		}
		check_against_qsort(v, n);
		free(v);
	}
}

/* Every rank of a few, against the sorted copy; v unchanged. */
static void check_select(const double *v, size_t n, const size_t *ranks, size_t m)
{
	double *ref = malloc(n * sizeof *ref), *copy = malloc(n * sizeof *copy), out[16];
	memcpy(ref, v, n * sizeof *v);
	memcpy(copy, v, n * sizeof *v);
	qsort(ref, n, sizeof *ref, cmp);
	cs_select_doubles(v, n, ranks, m, out);
	for (size_t j = 0; j < m; j++) {
		assert_true(out[j] == ref[ranks[j]]);
		assert_true(signbit(out[j]) == signbit(ref[ranks[j]]));
	}
	assert_memory_equal(copy, v, n * sizeof *v);
	/* the same values in three parts of unequal size (the overall sets
	 * of summary.json are their workloads' parts) */
	size_t a = n / 3, b = n / 2;
	const double *parts[3] = {v, v + a, v + a + b};
	size_t ns[3] = {a, b, n - a - b};
	double out2[16];
	cs_select_doubles_parts(parts, ns, 3, ranks, m, out2);
	for (size_t j = 0; j < m; j++)
		assert_true(out2[j] == ref[ranks[j]] && signbit(out2[j]) == signbit(ref[ranks[j]]));
	free(ref);
	free(copy);
}

static void test_select(void **state)
{
	struct cs_fastrng r = {.state = 7};
	size_t sizes[] = {1, 2, 64, 65, 1000, 100000};
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t n = sizes[k];
		for (int shape = 0; shape < 4; shape++) {
			double *v = malloc(n * sizeof *v);
			for (size_t i = 0; i < n; i++) {
				double u = (double)cs_fastrng_below(&r, 1u << 30) / (1u << 30);
				switch (shape) {
				case 0: /* spread over magnitudes and signs */
					v[i] = (i % 3 == 0 ? -1 : 1) * u * pow(10, (double)(i % 17) - 8);
					break;
				case 1: /* mostly zeros, as wait times are */
					v[i] = i % 10 == 0 ? u * 100 : 0.0;
					break;
				case 2: /* a few values, repeated */
					v[i] = (double)(i % 5) - 2;
					break;
				default: /* keys that share every digit but the last */
					v[i] = 1.0 + (double)(i % 7) * 0x1p-52;
					break;
				}
			}
			/* the quantile ranks summary.json uses, and the ends */
			size_t ranks[] = {0, (n - 1) / 2, (n - 1) / 2 + (n > 1), (size_t)(0.9 * (double)(n - 1)),
					  (size_t)(0.99 * (double)(n - 1)), n - 1, n - 1};
			check_select(v, n, ranks, sizeof ranks / sizeof *ranks);
			/* more ranks than one call's batch, many in one bucket */
			size_t many[12];
			for (size_t j = 0; j < 12; j++)
				many[j] = (n - 1) * j / 11;
			check_select(v, n, many, 12);
			free(v);
		}
	}
	double special[] = {3.5, -0.0, 0.0, -INFINITY, INFINITY, -1e-300, 1e-300, -7, 2, 2, 5e-324, -5e-324};
	size_t all[12];
	for (size_t j = 0; j < 12; j++)
		all[j] = j;
	check_select(special, 12, all, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_special_values),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_select),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
