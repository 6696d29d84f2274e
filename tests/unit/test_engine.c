/* Engine: ordering by time, FIFO among equal times, cancellation, run
 * limits, and the clock interface a live mode implements. */
#include <math.h>

#include "testutil.h"

#include "sim/engine.h"

struct log {
	int order[1000];
	cs_time when[1000];
	int n;
	struct cs_engine *e;
};

struct tag {
	struct log *log;
	int id;
};

static void record(void *ctx, cs_time now)
{
	struct tag *t = ctx;
	t->log->order[t->log->n] = t->id;
	t->log->when[t->log->n++] = now;
}

static void test_time_order(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct log log = {.n = 0};
	struct tag tags[5];
	cs_time times[5] = {50, 10, 40, 20, 30};
	for (int i = 0; i < 5; i++) {
		tags[i] = (struct tag){&log, i};
		cs_engine_at(&e, times[i], record, &tags[i]);
	}
	assert_int_equal(cs_engine_run(&e, CS_TIME_NEVER), 5);
	int want[5] = {1, 3, 4, 2, 0};
	for (int i = 0; i < 5; i++)
		assert_int_equal(log.order[i], want[i]);
	assert_int_equal(cs_engine_now(&e), 50);
	cs_engine_release(&e);
}

static void test_fifo_ties(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct log log = {.n = 0};
	struct tag tags[100];
	/* 100 events at two times, interleaved; each time's events must run in
	 * scheduling order */
	for (int i = 0; i < 100; i++) {
		tags[i] = (struct tag){&log, i};
		cs_engine_at(&e, i % 2 ? 7 : 3, record, &tags[i]);
	}
	cs_engine_run(&e, CS_TIME_NEVER);
	int k = 0;
	for (int i = 0; i < 100; i += 2)
		assert_int_equal(log.order[k++], i);
	for (int i = 1; i < 100; i += 2)
		assert_int_equal(log.order[k++], i);
	cs_engine_release(&e);
}

static void test_cancel(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct log log = {.n = 0};
	struct tag tags[10];
	cs_event_id ids[10];
	for (int i = 0; i < 10; i++) {
		tags[i] = (struct tag){&log, i};
		ids[i] = cs_engine_at(&e, 100 + i, record, &tags[i]);
	}
	cs_engine_cancel(&e, ids[3]);
	cs_engine_cancel(&e, ids[0]);
	cs_engine_cancel(&e, ids[9]);
	assert_int_equal(cs_engine_pending(&e), 7);
	cs_engine_run(&e, CS_TIME_NEVER);
	assert_int_equal(log.n, 7);
	int want[7] = {1, 2, 4, 5, 6, 7, 8};
	for (int i = 0; i < 7; i++)
		assert_int_equal(log.order[i], want[i]);
	assert_int_equal(cs_engine_pending(&e), 0);
	cs_engine_release(&e);
}

/* Events that schedule and cancel others while running. */
struct chain {
	struct cs_engine *e;
	cs_event_id victim;
	int fired, victim_fired;
};

static void victim(void *ctx, cs_time now)
{
	((struct chain *)ctx)->victim_fired++;
}

static void killer(void *ctx, cs_time now)
{
	struct chain *c = ctx;
	c->fired++;
	cs_engine_cancel(c->e, c->victim);
	/* an event at the current time runs after everything already due now */
	c->victim = cs_engine_after(c->e, 0, victim, c);
}

static void test_cancel_from_event(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct chain c = {&e, 0, 0, 0};
	c.victim = cs_engine_at(&e, 20, victim, &c);
	cs_engine_at(&e, 10, killer, &c);
	cs_engine_run(&e, CS_TIME_NEVER);
	assert_int_equal(c.fired, 1);
	assert_int_equal(c.victim_fired, 1);
	assert_int_equal(cs_engine_now(&e), 10);
	cs_engine_release(&e);
}

static void test_run_until(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct log log = {.n = 0};
	struct tag tags[3] = {{&log, 0}, {&log, 1}, {&log, 2}};
	cs_engine_at(&e, 5, record, &tags[0]);
	cs_engine_at(&e, 15, record, &tags[1]);
	cs_engine_at(&e, 10, record, &tags[2]);
	assert_int_equal(cs_engine_run(&e, 10), 2); /* inclusive */
	assert_int_equal(cs_engine_now(&e), 10);
	assert_int_equal(cs_engine_run(&e, 12), 0);
	assert_int_equal(cs_engine_now(&e), 12);
	assert_int_equal(cs_engine_run(&e, CS_TIME_NEVER), 1);
	assert_int_equal(cs_engine_now(&e), 15);
	cs_engine_release(&e);
}

/* A random schedule with random cancellations: events must come out in
 * (time, scheduling order), each exactly once, the cancelled never. */
struct rnd {
	cs_time last_t;
	int last_id, bad, ran;
	char *fired;
};

struct rnd_tag {
	struct rnd *r;
	int id;
	cs_time t;
};

static void rnd_fire(void *ctx, cs_time now)
{
	struct rnd_tag *tg = ctx;
	struct rnd *r = tg->r;
	if (now != tg->t || now < r->last_t || (now == r->last_t && tg->id < r->last_id) || r->fired[tg->id])
		r->bad++;
	r->fired[tg->id] = 1;
	r->last_t = now;
	r->last_id = tg->id;
	r->ran++;
}

static void test_random_against_sort(void **state)
{
	enum { N = 50000 };
	struct cs_engine e;
	cs_engine_init(&e);
	struct rnd_tag *tags = calloc(N, sizeof *tags);
	cs_event_id *ids = calloc(N, sizeof *ids);
	struct rnd r = {-1, -1, 0, 0, calloc(N, 1)};
	srand(7);
	for (int i = 0; i < N; i++) {
		tags[i] = (struct rnd_tag){&r, i, rand() % 1000};
		ids[i] = cs_engine_at(&e, tags[i].t, rnd_fire, &tags[i]);
	}
	int cancelled = 0;
	for (int i = 0; i < N; i += 7) {
		cs_engine_cancel(&e, ids[i]);
		r.fired[i] = 2; /* must not fire */
		cancelled++;
	}
	assert_int_equal(cs_engine_pending(&e), N - cancelled);
	cs_engine_run(&e, CS_TIME_NEVER);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.ran, N - cancelled);
	for (int i = 0; i < N; i++)
		assert_int_equal(r.fired[i], i % 7 == 0 ? 2 : 1);
	free(tags);
	free(ids);
	free(r.fired);
	cs_engine_release(&e);
}

/* A clock that interrupts the first wait (as live mode's I/O would) by
 * scheduling an earlier event. */
struct fake_clock {
	struct cs_engine *e;
	int waits, interrupted;
	struct tag *early;
	cs_time last_wait;
};

static int fake_wait(void *clock, cs_time t)
{
	struct fake_clock *c = clock;
	c->waits++;
	c->last_wait = t;
	if (!c->interrupted) {
		c->interrupted = 1;
		cs_engine_at(c->e, 5, record, c->early);
		return 1;
	}
	return 0;
}

static cs_time fake_now(void *clock)
{
	return 0;
}

static void test_clock_interface(void **state)
{
	static const struct cs_clock_ops ops = {"fake", fake_wait, fake_now, NULL, false};
	struct cs_engine e;
	cs_engine_init(&e);
	struct log log = {.n = 0};
	struct tag late = {&log, 1}, early = {&log, 0};
	struct fake_clock clock = {&e, 0, 0, &early, 0};
	cs_engine_set_clock(&e, &ops, &clock);
	cs_engine_at(&e, 50, record, &late);
	cs_engine_run(&e, CS_TIME_NEVER);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.order[0], 0);
	assert_int_equal(log.when[0], 5);
	assert_int_equal(log.order[1], 1);
	assert_int_equal(clock.waits, 3);
	cs_engine_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_order),
		cmocka_unit_test(test_fifo_ties),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_cancel_from_event),
		cmocka_unit_test(test_run_until),
		cmocka_unit_test(test_random_against_sort),
		cmocka_unit_test(test_clock_interface),
	};
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
