/* live/clock — see clock.h.
 *
 * Watched fds live in a table indexed by fd.  Each registration takes a
 * generation number, and the epoll data of the fd carries (generation,
 * fd): an event polled for an fd that a callback of the same batch
 * unwatched, or unwatched and watched again, is recognized as stale and
 * dropped.  Generation 0 marks the clock's own timerfd and eventfd. */
#include "live/clock.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "sim/alloc.h"

struct watch {
	cs_io_fn *fn; /* NULL: not watched */
	void *ctx;
	uint32_t gen;
};

struct cs_live_clock {
	struct cs_engine *e;
	int epfd, tfd, wfd;
	double scale;
	bool started;
	cs_time base;     /* the engine's now when the clock was set: time goes on from it */
	int64_t epoch_ns; /* CLOCK_MONOTONIC at time 0 */
	int64_t armed_ns; /* the timerfd's deadline, 0: none pending */
	/* the last wait ran I/O callbacks: if an event is due now, it runs
	 * before the next poll (I/O and due events take turns) */
	bool io_turn;
	int error;
	atomic_int stop_req; /* lock-free: set from signal handlers and threads */
	struct watch *watches;
	size_t nwatches; /* table size: fds 0 .. nwatches-1 */
	uint32_t next_gen;
};

enum { MAX_EVENTS = 64 };

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

cs_time cs_live_clock_now(const struct cs_live_clock *c)
{
	if (!c->started)
		return c->base;
	int64_t ns = mono_ns() - c->epoch_ns;
	if (c->scale == 1)
		return ns / 1000;
	return (cs_time)((double)ns * c->scale / 1000.0);
}

int cs_live_clock_error(const struct cs_live_clock *c)
{
	return c->error;
}

/* The CLOCK_MONOTONIC instant at which time t is reached, or -1 if that is
 * beyond what a timer holds (wait for I/O only). */
static int64_t deadline_ns(const struct cs_live_clock *c, cs_time t)
{
	double ns = ceil((double)t * 1000.0 / c->scale) + 1; /* +1: rounding */
	if (ns > 4e18 - (double)c->epoch_ns)
		return -1;
	return c->epoch_ns + (int64_t)ns;
}

static void arm(struct cs_live_clock *c, cs_time t)
{
	int64_t at = deadline_ns(c, t);
	if (at < 0 || at == c->armed_ns)
		return;
	struct itimerspec its = {{0, 0}, {(time_t)(at / 1000000000), (long)(at % 1000000000)}};
	if (timerfd_settime(c->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		c->armed_ns = at;
}

static void drain(int fd)
{
	uint64_t v;
	while (read(fd, &v, sizeof v) > 0)
		;
}

static unsigned io_events(uint32_t ev)
{
	return (ev & EPOLLIN ? CS_IO_READ : 0) | (ev & EPOLLOUT ? CS_IO_WRITE : 0) |
	       (ev & (EPOLLHUP | EPOLLRDHUP) ? CS_IO_HUP : 0) | (ev & EPOLLERR ? CS_IO_ERR : 0);
}

/* Dispatch one polled event; true if a callback ran or a wake-up came. */
static bool dispatch(struct cs_live_clock *c, const struct epoll_event *ev)
{
	uint32_t gen = (uint32_t)(ev->data.u64 >> 32);
	int fd = (int)(uint32_t)ev->data.u64;
	if (gen == 0) {
		drain(fd);
		if (fd == c->tfd)
			c->armed_ns = 0;
		return fd == c->wfd;
	}
	if ((size_t)fd >= c->nwatches)
		return false;
	struct watch *w = &c->watches[fd];
	if (!w->fn || w->gen != gen)
		return false; /* unwatched by a callback of this batch */
	cs_engine_advance(c->e, cs_live_clock_now(c));
	w->fn(w->ctx, fd, io_events(ev->events), cs_engine_now(c->e));
	return true;
}

static int live_wait(void *clock, cs_time t)
{
	struct cs_live_clock *c = clock;
	if (!c->started) {
		c->epoch_ns = mono_ns() - (int64_t)((double)c->base * 1000.0 / c->scale);
		c->started = true;
	}
	for (;;) {
		if (atomic_exchange(&c->stop_req, 0))
			return -1;
		bool due = t != CS_TIME_NEVER && cs_live_clock_now(c) >= t;
		if (due && c->io_turn) {
			c->io_turn = false;
			return 0;
		}
		c->io_turn = false;
		if (!due && t != CS_TIME_NEVER)
			arm(c, t);
		struct epoll_event evs[MAX_EVENTS];
		int n = epoll_wait(c->epfd, evs, MAX_EVENTS, due ? 0 : -1);
		if (n < 0) {
			if (errno == EINTR)
				return 1; /* a signal: the engine looks at its stop flag */
			c->error = errno;
			return -1;
		}
		bool looked = false;
		for (int i = 0; i < n; i++)
			looked |= dispatch(c, &evs[i]);
		if (atomic_exchange(&c->stop_req, 0))
			return -1;
		if (looked) {
			c->io_turn = true;
			return 1;
		}
		if (due || (t != CS_TIME_NEVER && cs_live_clock_now(c) >= t))
			return 0;
		/* the timer of an earlier deadline, or rounding: wait on */
	}
}

static cs_time live_now(void *clock)
{
	return cs_live_clock_now(clock);
}

static void live_wake(void *clock)
{
	struct cs_live_clock *c = clock;
	uint64_t one = 1;
	/* write(2) is async-signal-safe; a full counter is already a wake-up */
	ssize_t r = write(c->wfd, &one, sizeof one);
	(void)r;
}

static const struct cs_clock_ops live_ops = {"live", live_wait, live_now, live_wake, true};

static int add_own(struct cs_live_clock *c, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint32_t)fd};
	return epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev);
}

struct cs_live_clock *cs_live_clock_new(struct cs_engine *e, double scale)
{
	if (!(scale >= 1) || !isfinite(scale)) {
		errno = EINVAL;
		return NULL;
	}
	struct cs_live_clock *c = cs_xcalloc(1, sizeof *c);
	c->e = e;
	c->base = cs_engine_now(e);
	c->scale = scale;
	c->next_gen = 1;
	atomic_init(&c->stop_req, 0);
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	c->wfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->epfd < 0 || c->tfd < 0 || c->wfd < 0 || add_own(c, c->tfd) < 0 || add_own(c, c->wfd) < 0) {
		int err = errno;
		cs_live_clock_free(c);
		errno = err;
		return NULL;
	}
	cs_engine_set_clock(e, &live_ops, c);
	return c;
}

void cs_live_clock_free(struct cs_live_clock *c)
{
	if (!c)
		return;
	if (c->e->clock_ctx == c)
		cs_engine_set_clock(c->e, NULL, NULL);
	const int fds[] = {c->epfd, c->tfd, c->wfd};
	for (size_t i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(c->watches);
	free(c);
}

void cs_live_clock_stop(struct cs_live_clock *c)
{
	atomic_store(&c->stop_req, 1);
	live_wake(c);
}

int cs_live_clock_watch(struct cs_live_clock *c, int fd, unsigned events, cs_io_fn *fn, void *ctx)
{
	if (fd < 0 || !fn || fd == c->epfd || fd == c->tfd || fd == c->wfd ||
	    (events & ~(unsigned)(CS_IO_READ | CS_IO_WRITE))) {
		errno = EINVAL;
		return -1;
	}
	if ((size_t)fd >= c->nwatches) {
		size_t n = c->nwatches ? c->nwatches : 16;
		while (n <= (size_t)fd)
			n *= 2;
		c->watches = cs_xrealloc(c->watches, n * sizeof *c->watches);
		memset(c->watches + c->nwatches, 0, (n - c->nwatches) * sizeof *c->watches);
		c->nwatches = n;
	}
	struct watch *w = &c->watches[fd];
	bool again = w->fn != NULL;
	uint32_t gen = again ? w->gen : c->next_gen;
	struct epoll_event ev = {
		.events = (events & CS_IO_READ ? EPOLLIN | EPOLLRDHUP : 0) | (events & CS_IO_WRITE ? EPOLLOUT : 0),
		.data.u64 = ((uint64_t)gen << 32) | (uint32_t)fd,
	};
	if (epoll_ctl(c->epfd, again ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	if (!again && ++c->next_gen == 0)
		c->next_gen = 1; /* 0 is the clock's own */
	*w = (struct watch){fn, ctx, gen};
	return 0;
}

int cs_live_clock_unwatch(struct cs_live_clock *c, int fd)
{
	if (fd < 0 || (size_t)fd >= c->nwatches || !c->watches[fd].fn) {
		errno = ENOENT;
		return -1;
	}
	/* an fd already closed has left the epoll set by itself (EBADF) */
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, fd, NULL);
	c->watches[fd] = (struct watch){0};
	return 0;
}

void cs_live_iso_now(char *buf, size_t n)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	gmtime_r(&tv.tv_sec, &tm);
	size_t w = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + w, n - w, ".%03ldZ", (long)(tv.tv_usec / 1000));
}
