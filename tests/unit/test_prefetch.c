/* workloads/prefetch: the wrapped source hands out exactly what the
 * unwrapped one would -- the same jobs in order, the same end, the same
 * error after the same jobs -- and reads no further than the first job
 * past the horizon, whatever the timing of the two threads. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "sim/error.h"
#include "workloads/prefetch.h"

/* A source of n jobs, job i submitted at i seconds with i+1 tasks (and,
 * for every third, per-task durations); fails at fail_at if >= 0. */
struct fake {
	int64_t n, fail_at, calls;
	bool closed;
};

static int fake_next(void *self, struct cs_job **job, struct cs_error *err)
{
	struct fake *f = self;
	int64_t i = f->calls++;
	if (i == f->fail_at)
		return cs_error_input(err, "fake.trace", "line 7", "row %lld is bad", (long long)i);
	if (i >= f->n)
		return 0;
	struct cs_job *j = cs_job_new((uint32_t)(i % 5 + 1));
	j->submit = cs_time_from_seconds((double)i);
	j->id = (uint64_t)i + 1;
	if (i % 3 == 0) {
		j->task_durations = malloc(j->ntasks * sizeof *j->task_durations);
		for (uint32_t k = 0; k < j->ntasks; k++)
			j->task_durations[k] = (cs_time)(i * 10 + k);
	}
	*job = j;
	return 1;
}

static void fake_close(void *self)
{
	((struct fake *)self)->closed = true;
}

static json_t *fake_report(void *self)
{
	return json_integer((json_int_t)((struct fake *)self)->calls);
}

static const struct cs_source_ops fake_ops = {"fake", fake_next, fake_close, fake_report};

static struct cs_source wrapped(struct fake *f, cs_time horizon)
{
	struct cs_source s = {&fake_ops, f};
	struct cs_error err = {0};
	assert_int_equal(cs_prefetch_wrap(&s, horizon, &err), 0);
	assert_true(s.ops != &fake_ops);
	return s;
}

static void expect_job(struct cs_source *s, int64_t i)
{
	struct cs_job *j = NULL;
	struct cs_error err = {0};
	assert_int_equal(s->ops->next(s->self, &j, &err), 1);
	assert_int_equal(j->id, (uint64_t)i + 1);
	assert_int_equal(j->submit, cs_time_from_seconds((double)i));
	assert_int_equal(j->ntasks, i % 5 + 1);
	if (i % 3 == 0) {
		assert_non_null(j->task_durations);
		for (uint32_t k = 0; k < j->ntasks; k++)
			assert_int_equal(j->task_durations[k], i * 10 + k);
	} else {
		assert_null(j->task_durations);
	}
	cs_job_free(j);
}

/* More jobs than the read-ahead holds, several times over. */
static void test_same_jobs_and_end(void **state)
{
	struct fake f = {.n = 5 * CS_PREFETCH_JOBS + 17, .fail_at = -1};
	struct cs_source s = wrapped(&f, CS_TIME_NEVER);
	for (int64_t i = 0; i < f.n; i++)
		expect_job(&s, i);
	struct cs_job *j = NULL;
	struct cs_error err = {0};
	assert_int_equal(s.ops->next(s.self, &j, &err), 0);
	assert_int_equal(s.ops->next(s.self, &j, &err), 0);
	json_t *r = s.ops->report(s.self);
	assert_int_equal(json_integer_value(r), f.n + 1); /* read to the end once */
	json_decref(r);
	s.ops->close(s.self);
	assert_true(f.closed);
}

/* The error comes after every job before it, with the reader's message. */
static void test_error_in_order(void **state)
{
	struct fake f = {.n = 100000, .fail_at = CS_PREFETCH_BATCH * 3 + 5};
	struct cs_source s = wrapped(&f, CS_TIME_NEVER);
	for (int64_t i = 0; i < f.fail_at; i++)
		expect_job(&s, i);
	struct cs_job *j = NULL;
	struct cs_error err = {0};
	assert_int_equal(s.ops->next(s.self, &j, &err), -1);
	assert_int_equal(err.code, CS_EXIT_INPUT);
	assert_non_null(strstr(err.msg, "fake.trace: line 7: row 1541 is bad"));
	s.ops->close(s.self);
}

/* The reader stops after the first job past the horizon: report() says the
 * same however long the reader had; asked for more, next() reads on. */
static void test_horizon(void **state)
{
	for (int round = 0; round < 20; round++) {
		struct fake f = {.n = 3 * CS_PREFETCH_JOBS, .fail_at = -1};
		int64_t h = 1000 + round * 7;
		struct cs_source s = wrapped(&f, cs_time_from_seconds((double)h));
		for (int64_t i = 0; i <= h + 1; i++)
			expect_job(&s, i);
		json_t *r = s.ops->report(s.self);
		assert_int_equal(json_integer_value(r), h + 2);
		json_decref(r);
		expect_job(&s, h + 2); /* past it: read on this thread */
		s.ops->close(s.self);
	}
}

/* Closed with jobs read ahead and a batch half handed out: nothing leaks
 * (make asan checks), and the inner source is closed. */
static void test_close_early(void **state)
{
	for (int64_t taken = 0; taken < 3; taken++) {
		struct fake f = {.n = 10 * CS_PREFETCH_JOBS, .fail_at = -1};
		struct cs_source s = wrapped(&f, CS_TIME_NEVER);
		for (int64_t i = 0; i < taken * 300; i++)
			expect_job(&s, i);
		s.ops->close(s.self);
		assert_true(f.closed);
		assert_true(f.calls <= taken * 300 + CS_PREFETCH_JOBS + CS_PREFETCH_BATCH + 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_jobs_and_end),
		cmocka_unit_test(test_error_in_order),
		cmocka_unit_test(test_horizon),
		cmocka_unit_test(test_close_early),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
