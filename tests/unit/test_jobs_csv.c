/* sim/jobs_csv: rows formatted on the writer thread are exactly the rows
 * of the jobs added, in order, across many batches; times never reached
 * are empty; a workload name longer than the output buffer's share comes
 * out whole; a write error shows as the stream's error flag. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include "sim/jobs_csv.h"

static struct cs_job job_number(uint32_t i)
{
	struct cs_job j;
	memset(&j, 0, sizeof j);
	j.id = (uint64_t)i + 1;
	j.workload = i % 2;
	j.submit = (cs_time)i * 1000001;
	j.first_attempt = j.submit + 5;
	j.scheduled = i % 3 == 0 ? CS_TIME_NEVER : j.submit + 7000000;
	j.end = i % 3 == 0 ? CS_TIME_NEVER : j.scheduled + 123456789;
	j.ntasks = i % 50 + 1;
	j.attempts = i % 4;
	j.outcome = i % 3 == 0 ? CS_JOB_PENDING : CS_JOB_COMPLETED;
	return j;
}

static void test_rows_in_order(void **state)
{
	enum { N = 20000, LONG = 40000 };
	char *long_name = malloc(LONG + 1);
	memset(long_name, 'w', LONG);
	long_name[LONG] = '\0';
	char batch[] = "batch", changed[] = "changed";
	char *names[] = {batch, long_name};
	char path[] = "/tmp/cs_jobs_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	FILE *f = fopen(path, "w");
	struct cs_jobs_csv *j = cs_jobs_csv_open(f, names, 2);
	names[0] = changed; /* the names were copied */
	for (uint32_t i = 0; i < N; i++) {
		struct cs_job job = job_number(i);
		cs_jobs_csv_add(j, &job);
	}
	assert_int_equal(cs_jobs_csv_close(j), 0);
	assert_false(ferror(f));
	fclose(f);

	char *csv = tu_read_file(path), *line = csv;
	char *nl = strchr(line, '\n');
	*nl = '\0';
	assert_string_equal(line, "id,workload,submit,first_attempt,scheduled,end,tasks,attempts,outcome");
	line = nl + 1;
	char *want = malloc(LONG + 256);
	for (uint32_t i = 0; i < N; i++) {
		struct cs_job job = job_number(i);
		char times[160], t[4][32];
		cs_time v[4] = {job.submit, job.first_attempt, job.scheduled, job.end};
		for (int k = 0; k < 4; k++) {
			if (v[k] == CS_TIME_NEVER)
				t[k][0] = '\0';
			else
				snprintf(t[k], sizeof t[k], "%lld.%06lld", (long long)(v[k] / 1000000),
					 (long long)(v[k] % 1000000));
		}
		snprintf(times, sizeof times, "%s,%s,%s,%s,", t[0], t[1], t[2], t[3]);
		snprintf(want, LONG + 256, "%u,%s,%s%u,%u,%s", i + 1, i % 2 ? long_name : "batch", times, job.ntasks,
			 job.attempts, i % 3 == 0 ? "pending" : "completed");
		nl = strchr(line, '\n');
		assert_non_null(nl);
		*nl = '\0';
		assert_string_equal(line, want);
		line = nl + 1;
	}
	assert_int_equal(*line, '\0');
	free(want);
	free(csv);
	free(long_name);
	unlink(path);
}

static void test_write_error(void **state)
{
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		skip();
	char w[] = "w";
	char *names[] = {w};
	struct cs_jobs_csv *j = cs_jobs_csv_open(f, names, 1);
	for (uint32_t i = 0; i < 5000; i++) {
		struct cs_job job = job_number(i);
		job.workload = 0;
		cs_jobs_csv_add(j, &job);
	}
	int rc = cs_jobs_csv_close(j);
	assert_true(rc == -1 || ferror(f) || fflush(f) != 0);
	assert_true(ferror(f) || fflush(f) != 0);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_in_order),
		cmocka_unit_test(test_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
