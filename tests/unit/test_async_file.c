/* sim/async_file: a stream written on a second thread holds exactly the
 * bytes written, in order, across chunk boundaries; a write error (a full
 * disk: /dev/full) surfaces at fclose. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include "sim/async_file.h"

static void test_bytes_in_order(void **state)
{
	char path[] = "/tmp/cs_async_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	FILE *f = cs_async_fopen(path);
	assert_non_null(f);
	/* rows of varying length, several MiB: many chunk hand-overs, rows
	 * split between chunks; one write larger than a chunk */
	size_t expect = 0;
	for (unsigned i = 0; i < 200000; i++) {
		int n = fprintf(f, "%u,%.*s\n", i, (int)(i % 37), "abcdefghijklmnopqrstuvwxyz0123456789!");
		assert_true(n > 0);
		expect += (size_t)n;
	}
	size_t big = 3u << 20;
	char *blob = malloc(big);
	for (size_t i = 0; i < big; i++)
		blob[i] = (char)('a' + i % 26);
	assert_int_equal(fwrite(blob, 1, big, f), big);
	expect += big;
	assert_int_equal(fclose(f), 0);

	FILE *r = fopen(path, "r");
	assert_non_null(r);
	char line[128];
	for (unsigned i = 0; i < 200000; i++) {
		char want[128];
		snprintf(want, sizeof want, "%u,%.*s\n", i, (int)(i % 37), "abcdefghijklmnopqrstuvwxyz0123456789!");
		assert_non_null(fgets(line, sizeof line, r));
		assert_string_equal(line, want);
	}
	char *back = malloc(big);
	assert_int_equal(fread(back, 1, big, r), big);
	assert_memory_equal(back, blob, big);
	assert_int_equal(fgetc(r), EOF);
	assert_int_equal(ftell(r), (long)expect);
	fclose(r);
	unlink(path);
	free(blob);
	free(back);
}

static void test_empty_file(void **state)
{
	char path[] = "/tmp/cs_async_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old", 3), 3); /* truncated on open */
	close(fd);
	FILE *f = cs_async_fopen(path);
	assert_non_null(f);
	assert_int_equal(fclose(f), 0);
	FILE *r = fopen(path, "r");
	assert_int_equal(fgetc(r), EOF);
	fclose(r);
	unlink(path);
}

static void test_write_error_at_close(void **state)
{
	FILE *f = cs_async_fopen("/dev/full");
	if (!f)
		skip();
	for (int i = 0; i < 1000; i++)
		fputs("some row that will not fit\n", f);
	errno = 0;
	assert_int_equal(fclose(f), EOF);
	assert_int_equal(errno, ENOSPC);
}

static void test_cannot_open(void **state)
{
	errno = 0;
	assert_null(cs_async_fopen("/nonexistent-dir/x.csv"));
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_in_order),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_write_error_at_close),
		cmocka_unit_test(test_cannot_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
