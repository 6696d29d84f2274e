/* workloads/lines: the block reader hands out every line, in order, with
 * its number, whether plain or gzip'd, across block boundaries, for a
 * line longer than a block, a CRLF ending and a last line without a
 * newline; unread hands the same line out again; a NUL byte, an over-long
 * line and a truncated gzip are errors naming the line. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "testutil.h"

#include "workloads/lines.h"

enum { LONG = 600000 }; /* longer than a block: the block must grow */

static char *content(size_t *n)
{
	size_t cap = LONG + 200000, k = 0;
	char *s = malloc(cap);
	k += (size_t)sprintf(s + k, "first\r\n\nb b\n");
	for (int i = 0; i < LONG; i++)
		s[k++] = (char)('a' + i % 26);
	s[k++] = '\n';
	for (int i = 0; i < 10000; i++) /* many short lines across blocks */
		k += (size_t)sprintf(s + k, "row %d\n", i);
	k += (size_t)sprintf(s + k, "last");
	*n = k;
	return s;
}

static char *write_file(const char *text, size_t n, bool gz)
{
	char *path = strdup(gz ? "/tmp/cs_lines_XXXXXX.gz" : "/tmp/cs_lines_XXXXXX");
	int fd = mkstemps(path, gz ? 3 : 0);
	assert_true(fd >= 0);
	close(fd);
	if (gz) {
		gzFile g = gzopen(path, "wb");
		assert_int_equal(gzwrite(g, text, (unsigned)n), (int)n);
		gzclose(g);
	} else {
		FILE *f = fopen(path, "wb");
		assert_int_equal(fwrite(text, 1, n, f), n);
		fclose(f);
	}
	return path;
}

static void check_all_lines(bool gz)
{
	size_t n;
	char *text = content(&n), *path = write_file(text, n, gz), *line;
	struct cs_lines l;
	struct cs_error err = {0};
	assert_int_equal(cs_lines_open(&l, path, &err), 0);
	assert_int_equal(cs_lines_next(&l, &line, &err), 1);
	assert_string_equal(line, "first");
	assert_int_equal(cs_lines_next(&l, &line, &err), 1);
	assert_string_equal(line, "");
	assert_int_equal(cs_lines_next(&l, &line, &err), 1);
	assert_string_equal(line, "b b");
	line[0] = 'X'; /* changed in place: unread hands out the changed line */
	cs_lines_unread(&l);
	assert_int_equal(l.lineno, 2);
	assert_int_equal(cs_lines_next(&l, &line, &err), 1);
	assert_string_equal(line, "X b");
	assert_int_equal(l.lineno, 3);
	assert_int_equal(cs_lines_next(&l, &line, &err), 1);
	assert_int_equal(strlen(line), LONG);
	assert_memory_equal(line, text + 12, LONG);
	for (int i = 0; i < 10000; i++) {
		char want[32];
		snprintf(want, sizeof want, "row %d", i);
		assert_int_equal(cs_lines_next(&l, &line, &err), 1);
		assert_string_equal(line, want);
		assert_int_equal(l.lineno, 5 + (uint64_t)i);
	}
	assert_int_equal(cs_lines_next(&l, &line, &err), 1);
	assert_string_equal(line, "last");
	assert_int_equal(cs_lines_next(&l, &line, &err), 0);
	assert_int_equal(cs_lines_next(&l, &line, &err), 0);
	assert_int_equal(l.bytes, n);
	assert_int_equal(err.code, 0);
	cs_lines_close(&l);
	unlink(path);
	free(path);
	free(text);
}

static void test_plain(void **state)
{
	check_all_lines(false);
}

static void test_gzip(void **state)
{
	check_all_lines(true);
}

/* Read lines until an error; returns its message (static). */
static const char *first_error(const char *text, size_t n, bool gz, size_t cut)
{
	static struct cs_error err;
	memset(&err, 0, sizeof err);
	char *path = write_file(text, n, gz), *line;
	if (cut) { /* keep only the first cut bytes of the file */
		assert_int_equal(truncate(path, (off_t)cut), 0);
	}
	struct cs_lines l;
	assert_int_equal(cs_lines_open(&l, path, &err), 0);
	int r;
	while ((r = cs_lines_next(&l, &line, &err)) == 1)
		;
	assert_int_equal(r, -1);
	cs_lines_close(&l);
	unlink(path);
	free(path);
	return strstr(err.msg, ": line ");
}

static void test_errors(void **state)
{
	const char nul[] = "a\nb\nc\0c\nd\n";
	const char *m = first_error(nul, sizeof nul - 1, false, 0);
	assert_non_null(m);
	assert_non_null(strstr(m, "line 3: a NUL byte"));

	size_t big = CS_LINE_MAX + 10;
	char *s = malloc(big + 3);
	memcpy(s, "x\n", 2);
	memset(s + 2, 'y', big);
	m = first_error(s, big + 2, false, 0);
	assert_non_null(m);
	assert_non_null(strstr(m, "line 2: line longer than"));
	free(s);

	size_t n;
	char *text = content(&n);
	m = first_error(text, n, true, 3000); /* a gzip cut short */
	assert_non_null(m);
	assert_non_null(strstr(m, "truncated"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
