/* live/clock — the real-time clock: wall time with file-descriptor polling,
 * for live mode, behind the engine's clock interface (sim/engine.h).
 *
 * Time is CLOCK_MONOTONIC, in cs_time (µs) since the clock started, like
 * simulated time: the clock starts at the first wait, that is when the
 * first cs_engine_run under it begins (events scheduled before, at 0 and
 * later, are then due relative to that instant), and it goes on across
 * runs.  Before it starts, cs_live_clock_now is the engine's now when the
 * clock was set (0 for a fresh engine), and time goes on from there.  An
 * optional time scale (>= 1) replays faster than real time: cs_time = wall
 * µs elapsed x scale.
 *
 * Under this clock the engine does not end on an empty queue: it waits
 * for I/O, until cs_engine_run's `until` or a stop request.  The wait is
 * one epoll loop: a timerfd armed at the next event's time (ns
 * resolution), an eventfd for wake-ups and stop requests, and the watched
 * file descriptors, level-triggered.  A watched fd's callback runs from
 * inside the wait, outside any event, with cs_engine_now = the clock's
 * time when the poll woke up; it may schedule events (cs_engine_after(e,
 * 0, ...) for "now"), cancel them, watch and unwatch fds, and stop the
 * run; the engine then looks at its queue again.  When an event is due
 * and I/O keeps coming, I/O batches and due events take turns, so neither
 * starves the other.
 *
 * Stop requests end cs_engine_run cleanly (it returns the events run, with
 * e->stop set):
 * - from an event or an I/O callback: cs_engine_stop(e) or
 *   cs_live_clock_stop(c);
 * - from another thread: cs_live_clock_stop(c) (an atomic flag and the
 *   eventfd: thread-safe and async-signal-safe);
 * - from a signal: sim/interrupt's handler calls cs_engine_stop on the
 *   engine it was given, which wakes this clock through the eventfd, so a
 *   signal that arrives just before the poll blocks is not lost.
 *
 * Timing (tests/unit/test_clock.c measures it and docs/model.md states
 * it): an event never runs before its time; it runs late by the kernel's
 * wake-up latency plus whatever else the machine does.
 *
 * Ownership: the clock owns its epoll, timer and event fds; watched fds
 * stay the caller's (unwatch before closing them).  Everything but
 * cs_live_clock_stop is for the engine's thread only.  Linux only. */
#ifndef CS_LIVE_CLOCK_H
#define CS_LIVE_CLOCK_H
#include "sim/engine.h"

struct cs_live_clock;

/* Interest in, and readiness of, a watched fd. */
enum {
	CS_IO_READ = 1,  /* readable (EPOLLIN) */
	CS_IO_WRITE = 2, /* writable (EPOLLOUT) */
	CS_IO_HUP = 4,   /* reported only: the peer hung up */
	CS_IO_ERR = 8,   /* reported only: an error is pending on the fd */
};

/* Called when fd is ready; events is the CS_IO_* set it is ready for.
 * Level-triggered: a callback that neither reads what is readable nor
 * unwatches the fd is called again at once.  A callback may be called
 * spuriously (a read then fails with EAGAIN: make watched fds
 * non-blocking). */
typedef void cs_io_fn(void *ctx, int fd, unsigned events, cs_time now);

/* A real-time clock for e, installed as e's clock (cs_engine_set_clock).
 * scale >= 1 (1: real time).  NULL with errno set if the kernel refuses
 * an fd (EINVAL for a bad scale). */
struct cs_live_clock *cs_live_clock_new(struct cs_engine *e, double scale);
/* Close the clock's fds and give e back virtual time (its now stays); not
 * during a run. */
void cs_live_clock_free(struct cs_live_clock *c);

/* Watch fd for events (CS_IO_READ | CS_IO_WRITE; 0: only hang-ups and
 * errors); watching a watched fd again changes its events, fn and ctx.
 * 0, or -1 with errno (from epoll_ctl: EPERM for a regular file, EBADF;
 * EINVAL for a negative fd, fn NULL or the clock's own fds). */
int cs_live_clock_watch(struct cs_live_clock *c, int fd, unsigned events, cs_io_fn *fn, void *ctx);
/* Stop watching fd (before closing it): no callback for it runs after
 * this, not even one already polled.  0, or -1 with errno ENOENT. */
int cs_live_clock_unwatch(struct cs_live_clock *c, int fd);

/* Request the run to end: the engine's current or next wait returns and
 * cs_engine_run returns.  Thread-safe and async-signal-safe.  A request
 * made while no run is going on ends the next run at its first wait. */
void cs_live_clock_stop(struct cs_live_clock *c);

/* The clock's time now (0 before it started). */
cs_time cs_live_clock_now(const struct cs_live_clock *c);
/* The errno that made the clock end a run because it could not poll, or
 * 0 (never happens short of a bug). */
int cs_live_clock_error(const struct cs_live_clock *c);

/* The wall-clock time now as ISO 8601 UTC with milliseconds
 * ("2026-12-02T04:24:11.172Z": Marathon's form for versions and task
 * times), into buf (32 bytes are enough). */
void cs_live_iso_now(char *buf, size_t n);

#endif
