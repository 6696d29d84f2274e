/* The real-time clock (live/clock) under the engine: timers run in order
 * and never early; a pipe written by another thread drives I/O callbacks
 * that schedule events; an empty queue keeps the run going until a stop
 * request from a callback, another thread or a signal (sim/interrupt);
 * `until` ends a run on time; the time scale; a clock set after virtual
 * time goes on from its now; I/O and due events take
 * turns; periodic work goes on under the real clock and ends with the
 * queue under virtual time (cs_engine_continues).
 *
 * Wall-clock bounds are never tight: an event is checked not early
 * (exact: the clock is CLOCK_MONOTONIC) and late by less than LATE_MAX,
 * which a loaded machine still meets; the measured lateness is printed.
 * The figures (docs/model.md, "Real time"), measured on the 2-core
 * development machine, 100 timers 5 ms apart: idle, late by a median of
 * 0.05-0.1 ms (the kernel's timer slack is 50 us), p90 0.05-0.12 ms, max
 * 0.1-2.3 ms; beside four CPU-bound processes, median 0.02-1.5 ms, p90
 * 4-9 ms, max 8-29 ms.  A pipe write reaches its callback in a median of
 * 0.005-0.02 ms, max 0.15 ms idle and 10 ms loaded. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "testutil.h"

#include "live/clock.h"
#include "sim/interrupt.h"

#define MS 1000
#define LATE_MAX (2000 * MS) /* generous: a loaded machine meets it */

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A pipe with both ends non-blocking (pipe2 is not POSIX). */
static int nb_pipe(int p[2])
{
	if (pipe(p) < 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (fcntl(p[i], F_SETFL, O_NONBLOCK) < 0 || fcntl(p[i], F_SETFD, FD_CLOEXEC) < 0)
			return -1;
	return 0;
}

static int cmp_time(const void *a, const void *b)
{
	cs_time x = *(const cs_time *)a, y = *(const cs_time *)b;
	return x < y ? -1 : x > y;
}

/* Print the lateness figures (µs) of n samples (sorted in place). */
static void report(const char *what, cs_time *late, int n)
{
	qsort(late, (size_t)n, sizeof *late, cmp_time);
	printf("clock: %s: %d samples, late by median %.3f ms, p90 %.3f ms, max %.3f ms\n", what, n,
	       (double)late[n / 2] / MS, (double)late[(n * 9) / 10] / MS, (double)late[n - 1] / MS);
}

/* ---- timers ---- */

enum { NTIMERS = 100 };

struct timers {
	struct cs_engine *e;
	struct cs_live_clock *c;
	cs_time at[NTIMERS], seen[NTIMERS], late[NTIMERS];
	int order[NTIMERS], n;
};

struct timer {
	struct timers *t;
	int id;
};

static void timer_fire(void *ctx, cs_time now)
{
	struct timer *tm = ctx;
	struct timers *t = tm->t;
	cs_time wall = cs_live_clock_now(t->c);
	t->seen[t->n] = now;
	t->late[t->n] = wall - now;
	t->order[t->n++] = tm->id;
	if (t->n == NTIMERS)
		cs_engine_stop(t->e); /* else the run waits for I/O forever */
}

/* Events at +5 ms, +10 ms ... scheduled in a shuffled order run in time
 * order, each at its time (the now it gets), none early. */
static void test_timers(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct cs_live_clock *c = cs_live_clock_new(&e, 1);
	assert_non_null(c);
	static struct timers t;
	memset(&t, 0, sizeof t);
	t.e = &e;
	t.c = c;
	struct timer tags[NTIMERS];
	for (int i = 0; i < NTIMERS; i++) {
		int k = (i * 37) % NTIMERS; /* 37 is prime to 100: a permutation */
		tags[k] = (struct timer){&t, k};
		t.at[k] = (cs_time)(k + 1) * 5 * MS;
		cs_engine_at(&e, t.at[k], timer_fire, &tags[k]);
	}
	assert_int_equal(cs_live_clock_now(c), 0); /* not started before the run */
	int64_t ran = cs_engine_run(&e, CS_TIME_NEVER);
	assert_int_equal(ran, NTIMERS);
	assert_true(e.stop);
	assert_int_equal(t.n, NTIMERS);
	for (int i = 0; i < NTIMERS; i++) {
		assert_int_equal(t.order[i], i);
		assert_int_equal(t.seen[i], t.at[i]);
		assert_true(t.late[i] >= 0);
		assert_true(t.late[i] < LATE_MAX);
	}
	/* the run ended when it was stopped: now is the clock's time then */
	assert_true(cs_engine_now(&e) >= t.at[NTIMERS - 1]);
	assert_true(cs_engine_now(&e) <= cs_live_clock_now(c));
	report("timers 5 ms apart", t.late, NTIMERS);
	cs_live_clock_free(c);
	assert_null(e.clock);
	cs_engine_release(&e);
}

/* ---- a pipe written by another thread ---- */

enum { NMSG = 20 };

struct msg {
	int64_t sent_ns; /* CLOCK_MONOTONIC when written */
	int seq;
};

struct writer {
	int fd;
	int gap_ms;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < NMSG; i++) {
		sleep_ms(w->gap_ms);
		struct msg m = {mono_ns(), i};
		assert_true(write(w->fd, &m, sizeof m) == (ssize_t)sizeof m);
	}
	close(w->fd); /* the reader sees the hang-up */
	return NULL;
}

struct reader {
	struct cs_engine *e;
	struct cs_live_clock *c;
	int fd;
	int got, hup, ran_now, ran_later;
	int seq[NMSG];
	cs_time io_now[NMSG], late[NMSG], io_late[NMSG];
	cs_time last_now; /* time never goes back */
};

static void check_monotone(struct reader *r, cs_time now)
{
	assert_true(now >= r->last_now);
	r->last_now = now;
}

/* Scheduled by the callback at its now: runs at exactly that time. */
static void now_fire(void *ctx, cs_time now)
{
	struct reader *r = ctx;
	check_monotone(r, now);
	assert_int_equal(now, r->io_now[r->ran_now]);
	r->ran_now++;
}

/* Scheduled by the callback 5 ms later: after now_fire, not early. */
static void later_fire(void *ctx, cs_time now)
{
	struct reader *r = ctx;
	check_monotone(r, now);
	assert_true(r->ran_now > r->ran_later);
	/* its time, or later if it is late and a callback meanwhile saw a
	 * later time (time never goes back) */
	cs_time at = r->io_now[r->ran_later] + 5 * MS;
	assert_true(now >= at);
	assert_true(now == at || now == r->last_now);
	cs_time late = cs_live_clock_now(r->c) - at;
	assert_true(late >= 0 && late < LATE_MAX);
	r->late[r->ran_later++] = late;
	if (r->hup && r->ran_later == r->got)
		cs_engine_stop(r->e); /* stop from an event */
}

static void on_readable(void *ctx, int fd, unsigned events, cs_time now)
{
	struct reader *r = ctx;
	/* inside an I/O callback now is the clock's time */
	assert_int_equal(now, cs_engine_now(r->e));
	assert_true(now <= cs_live_clock_now(r->c));
	check_monotone(r, now);
	struct msg m;
	ssize_t n = read(fd, &m, sizeof m);
	if (n == (ssize_t)sizeof m) {
		assert_true(r->got < NMSG);
		cs_time io_late = (cs_time)((mono_ns() - m.sent_ns) / 1000);
		assert_true(io_late >= 0 && io_late < LATE_MAX);
		r->io_late[r->got] = io_late;
		r->seq[r->got] = m.seq;
		r->io_now[r->got++] = now;
		cs_engine_after(r->e, 0, now_fire, r);
		cs_engine_after(r->e, 5 * MS, later_fire, r);
		return;
	}
	if (n == 0) { /* the writer closed: no more callbacks for fd */
		assert_true(events & (CS_IO_HUP | CS_IO_READ));
		assert_int_equal(cs_live_clock_unwatch(r->c, fd), 0);
		r->hup = 1;
		if (r->ran_later == r->got)
			cs_engine_stop(r->e);
		return;
	}
	assert_true(n < 0 && errno == EAGAIN); /* spurious: allowed */
}

static void test_pipe(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct cs_live_clock *c = cs_live_clock_new(&e, 1);
	assert_non_null(c);
	int p[2];
	assert_int_equal(nb_pipe(p), 0);
	static struct reader r;
	memset(&r, 0, sizeof r);
	r.e = &e;
	r.c = c;
	r.fd = p[0];
	assert_int_equal(cs_live_clock_watch(c, p[0], CS_IO_READ, on_readable, &r), 0);
	struct writer w = {p[1], 10};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, writer_main, &w), 0);
	int64_t ran = cs_engine_run(&e, CS_TIME_NEVER);
	pthread_join(th, NULL);
	assert_true(e.stop);
	assert_int_equal(ran, 2 * NMSG);
	assert_int_equal(r.got, NMSG);
	assert_int_equal(r.ran_now, NMSG);
	assert_int_equal(r.ran_later, NMSG);
	assert_true(r.hup);
	for (int i = 0; i < NMSG; i++)
		assert_int_equal(r.seq[i], i);
	report("pipe write to callback", r.io_late, NMSG);
	report("events 5 ms after a callback", r.late, NMSG);
	close(p[0]);
	cs_live_clock_free(c);
	cs_engine_release(&e);
}

/* ---- an empty queue: the run waits until a stop request ---- */

static void stop_on_read(void *ctx, int fd, unsigned events, cs_time now)
{
	struct cs_engine *e = ctx;
	char b;
	if (read(fd, &b, 1) == 1)
		cs_engine_stop(e); /* stop from an I/O callback */
}

static void *write_later(void *arg)
{
	sleep_ms(50);
	assert_int_equal(write(*(int *)arg, "x", 1), 1);
	return NULL;
}

static void test_empty_stop_from_callback(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct cs_live_clock *c = cs_live_clock_new(&e, 1);
	int p[2];
	assert_int_equal(nb_pipe(p), 0);
	assert_int_equal(cs_live_clock_watch(c, p[0], CS_IO_READ, stop_on_read, &e), 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, write_later, &p[1]), 0);
	assert_int_equal(cs_engine_run(&e, CS_TIME_NEVER), 0); /* no event, yet it waited */
	pthread_join(th, NULL);
	assert_true(e.stop);
	assert_true(cs_engine_now(&e) > 0);
	printf("clock: empty queue: stopped by a callback at %.3f ms\n", (double)cs_engine_now(&e) / MS);
	close(p[0]);
	close(p[1]);
	cs_live_clock_free(c);
	cs_engine_release(&e);
}

static void *stop_later(void *arg)
{
	sleep_ms(50);
	cs_live_clock_stop(arg);
	return NULL;
}

static void never_fire(void *ctx, cs_time now)
{
	fail_msg("an event ran after a stop request");
}

static void test_empty_stop_from_thread(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct cs_live_clock *c = cs_live_clock_new(&e, 1);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, stop_later, c), 0);
	assert_int_equal(cs_engine_run(&e, CS_TIME_NEVER), 0);
	pthread_join(th, NULL);
	assert_true(e.stop);
	printf("clock: empty queue: stopped by another thread at %.3f ms\n", (double)cs_engine_now(&e) / MS);
	/* a request made between runs ends the next run at its first wait */
	cs_live_clock_stop(c);
	cs_engine_at(&e, cs_engine_now(&e) + (cs_time)3600 * 1000 * MS, never_fire, NULL); /* an hour away */
	assert_int_equal(cs_engine_run(&e, CS_TIME_NEVER), 0);
	assert_true(e.stop);
	cs_live_clock_free(c);
	cs_engine_release(&e);
}

/* `until` ends a real run when the clock reaches it, queue empty or not. */
static void until_fire(void *ctx, cs_time now)
{
	struct cs_engine *e = ctx;
	assert_int_equal(now, 40 * MS);
	cs_engine_stop(e);
}

static void test_until(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct cs_live_clock *c = cs_live_clock_new(&e, 1);
	assert_int_equal(cs_engine_run(&e, 20 * MS), 0); /* empty: waits until 20 ms */
	assert_false(e.stop);
	assert_int_equal(cs_engine_now(&e), 20 * MS);
	assert_true(cs_live_clock_now(c) >= 20 * MS); /* not early */
	cs_engine_at(&e, 40 * MS, until_fire, &e);
	assert_int_equal(cs_engine_run(&e, 30 * MS), 0); /* the event is later */
	assert_int_equal(cs_engine_now(&e), 30 * MS);
	assert_true(cs_live_clock_now(c) >= 30 * MS);
	assert_int_equal(cs_engine_run(&e, CS_TIME_NEVER), 1);
	assert_true(e.stop);
	cs_live_clock_free(c);
	cs_engine_release(&e);
}

/* ---- the time scale ---- */

static void scaled_fire(void *ctx, cs_time now)
{
	int64_t *wall = ctx;
	*wall = mono_ns() - *wall;
}

static void test_scale(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	errno = 0;
	assert_null(cs_live_clock_new(&e, 0.5));
	assert_int_equal(errno, EINVAL);
	assert_null(cs_live_clock_new(&e, NAN));
	struct cs_live_clock *c = cs_live_clock_new(&e, 100);
	assert_non_null(c);
	int64_t wall = mono_ns();
	cs_engine_at(&e, 2000 * MS, scaled_fire, &wall); /* 2 s simulated: 20 ms wall */
	assert_int_equal(cs_engine_run(&e, 2000 * MS), 1);
	assert_true(wall >= 20 * 1000000LL); /* not early in wall time */
	assert_true(cs_live_clock_now(c) >= 2000 * MS);
	printf("clock: scale 100: an event at 2 s simulated ran after %.3f ms wall\n", (double)wall / 1e6);
	cs_live_clock_free(c);
	cs_engine_release(&e);
}

/* A clock set on an engine that already ran virtual time goes on from
 * its now: time never goes back; freeing it gives virtual time back. */
static void test_from_virtual(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	assert_int_equal(cs_engine_run(&e, 5000 * MS), 0); /* virtual: jumps */
	struct cs_live_clock *c = cs_live_clock_new(&e, 1);
	assert_int_equal(cs_engine_now(&e), 5000 * MS);
	assert_int_equal(cs_live_clock_now(c), 5000 * MS);
	int64_t wall = mono_ns();
	cs_engine_at(&e, 5020 * MS, scaled_fire, &wall);
	assert_int_equal(cs_engine_run(&e, 5020 * MS), 1);
	assert_true(wall >= 20 * 1000000LL); /* 20 ms of wall time, not early */
	assert_int_equal(cs_engine_now(&e), 5020 * MS);
	cs_live_clock_free(c);
	cs_engine_at(&e, 9000 * MS, scaled_fire, &wall);
	wall = mono_ns();
	assert_int_equal(cs_engine_run(&e, CS_TIME_NEVER), 1); /* virtual again: no wait */
	assert_int_equal(cs_engine_now(&e), 9000 * MS);
	cs_engine_release(&e);
}

/* ---- I/O and due events take turns ---- */

struct flood {
	struct cs_engine *e;
	long calls;
	int ran;
};

static void flood_read(void *ctx, int fd, unsigned events, cs_time now)
{
	struct flood *f = ctx;
	if (++f->calls > 10000000)
		cs_engine_stop(f->e); /* a safety net: the events starved */
	/* reads nothing: the fd stays readable, the callback comes again */
}

static void flood_tick(void *ctx, cs_time now)
{
	struct flood *f = ctx;
	if (++f->ran == 10)
		cs_engine_stop(f->e);
	else
		cs_engine_after(f->e, MS, flood_tick, f);
}

static void test_io_does_not_starve_events(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct cs_live_clock *c = cs_live_clock_new(&e, 1);
	int p[2];
	assert_int_equal(nb_pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	struct flood f = {&e, 0, 0};
	assert_int_equal(cs_live_clock_watch(c, p[0], CS_IO_READ, flood_read, &f), 0);
	cs_engine_at(&e, 0, flood_tick, &f);
	cs_engine_run(&e, CS_TIME_NEVER);
	assert_int_equal(f.ran, 10);
	assert_true(f.calls > 0);
	printf("clock: an fd always readable: %ld callbacks, and the 10 events ran\n", f.calls);
	close(p[0]);
	close(p[1]);
	cs_live_clock_free(c);
	cs_engine_release(&e);
}

/* ---- watching: errors, and unwatching within one poll's batch ---- */

struct pair {
	struct cs_live_clock *c;
	struct cs_engine *e;
	int fds[2];
	int calls;
};

static void unwatch_other(void *ctx, int fd, unsigned events, cs_time now)
{
	struct pair *p = ctx;
	p->calls++;
	int other = fd == p->fds[0] ? p->fds[1] : p->fds[0];
	assert_int_equal(cs_live_clock_unwatch(p->c, other), 0);
	assert_int_equal(cs_live_clock_unwatch(p->c, fd), 0);
	cs_engine_stop(p->e);
}

struct writable {
	struct cs_live_clock *c;
	struct cs_engine *e;
	unsigned events;
};

static void on_writable(void *ctx, int fd, unsigned events, cs_time now)
{
	struct writable *w = ctx;
	w->events = events;
	assert_int_equal(cs_live_clock_unwatch(w->c, fd), 0);
	cs_engine_stop(w->e);
}

static void test_watch(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct cs_live_clock *c = cs_live_clock_new(&e, 1);
	errno = 0;
	assert_int_equal(cs_live_clock_watch(c, -1, CS_IO_READ, unwatch_other, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(cs_live_clock_unwatch(c, 5), -1);
	assert_int_equal(errno, ENOENT);
	FILE *f = tmpfile();
	assert_int_equal(cs_live_clock_watch(c, fileno(f), CS_IO_READ, unwatch_other, NULL), -1);
	assert_int_equal(errno, EPERM); /* epoll refuses regular files */
	fclose(f);
	/* two readable pipes polled in one batch: whichever callback runs
	 * first unwatches the other, which then never runs */
	int a[2], b[2];
	assert_int_equal(nb_pipe(a), 0);
	assert_int_equal(nb_pipe(b), 0);
	struct pair p = {c, &e, {a[0], b[0]}, 0};
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(write(b[1], "x", 1), 1);
	assert_int_equal(cs_live_clock_watch(c, a[0], CS_IO_READ, unwatch_other, &p), 0);
	assert_int_equal(cs_live_clock_watch(c, b[0], CS_IO_READ, unwatch_other, &p), 0);
	/* watching again updates the one registration */
	assert_int_equal(cs_live_clock_watch(c, a[0], CS_IO_READ, unwatch_other, &p), 0);
	cs_engine_run(&e, CS_TIME_NEVER);
	assert_int_equal(p.calls, 1);
	/* write interest: a pipe's empty write end is writable at once */
	struct writable w = {c, &e, 0};
	assert_int_equal(cs_live_clock_watch(c, a[1], 0, on_writable, &w), 0);
	assert_int_equal(cs_live_clock_watch(c, a[1], CS_IO_WRITE, on_writable, &w), 0);
	cs_engine_run(&e, CS_TIME_NEVER);
	assert_int_equal(w.events, CS_IO_WRITE);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
	cs_live_clock_free(c);
	cs_engine_release(&e);
}

/* ---- periodic work: cs_engine_continues ---- */

struct periodic {
	struct cs_engine *e;
	int rounds, stop_after;
};

static void periodic_fire(void *ctx, cs_time now)
{
	struct periodic *p = ctx;
	if (++p->rounds == p->stop_after) {
		cs_engine_stop(p->e);
		return;
	}
	if (cs_engine_continues(p->e))
		cs_engine_after(p->e, 10 * MS, periodic_fire, p);
}

static void nothing(void *ctx, cs_time now)
{
}

/* A sampler that reschedules itself while the run continues: under
 * virtual time it ends with the last other event (here at 35 ms: rounds
 * at 0, 10, 20, 30 and 40 ms, the one at 40 seeing nothing else pending);
 * under the real clock it goes on with an empty queue until it is
 * stopped (here by itself, at its 8th round). */
static void test_periodic(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct periodic p = {&e, 0, 1000};
	cs_engine_at(&e, 0, periodic_fire, &p);
	cs_engine_at(&e, 35 * MS, nothing, NULL);
	assert_true(cs_engine_continues(&e));
	assert_int_equal(cs_engine_run(&e, CS_TIME_NEVER), 6);
	assert_int_equal(p.rounds, 5);
	assert_int_equal(cs_engine_now(&e), 40 * MS);
	assert_false(cs_engine_continues(&e));
	cs_engine_release(&e);

	cs_engine_init(&e);
	struct cs_live_clock *c = cs_live_clock_new(&e, 1);
	assert_true(cs_engine_continues(&e)); /* empty, yet it goes on */
	p = (struct periodic){&e, 0, 8};
	cs_engine_at(&e, 0, periodic_fire, &p);
	cs_engine_at(&e, 35 * MS, nothing, NULL);
	assert_int_equal(cs_engine_run(&e, CS_TIME_NEVER), 9);
	assert_int_equal(p.rounds, 8);
	cs_live_clock_free(c);
	assert_false(cs_engine_continues(&e)); /* virtual time again */
	cs_engine_release(&e);
}

/* ---- a signal (last: sim/interrupt's state is the process's) ---- */

static void *signal_later(void *arg)
{
	/* this thread takes no signal: the one sent lands in the main
	 * thread, blocked in epoll_wait */
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	sleep_ms(50);
	kill(getpid(), SIGTERM);
	return NULL;
}

static void test_empty_stop_from_signal(void **state)
{
	struct cs_engine e;
	cs_engine_init(&e);
	struct cs_live_clock *c = cs_live_clock_new(&e, 1);
	cs_interrupt_install();
	cs_interrupt_engine(&e);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, signal_later, NULL), 0);
	assert_int_equal(cs_engine_run(&e, CS_TIME_NEVER), 0);
	pthread_join(th, NULL);
	assert_true(e.stop);
	assert_int_equal(cs_interrupted(), SIGTERM);
	printf("clock: empty queue: stopped by SIGTERM at %.3f ms\n", (double)cs_engine_now(&e) / MS);
	cs_interrupt_engine(NULL);
	signal(SIGTERM, SIG_DFL);
	cs_live_clock_free(c);
	cs_engine_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_empty_stop_from_callback),
		cmocka_unit_test(test_empty_stop_from_thread),
		cmocka_unit_test(test_until),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_from_virtual),
		cmocka_unit_test(test_io_does_not_starve_events),
		cmocka_unit_test(test_watch),
		cmocka_unit_test(test_periodic),
		cmocka_unit_test(test_empty_stop_from_signal),
	};
	return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
