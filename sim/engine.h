/* sim/engine — the discrete-event core: a clock and a queue of timed
 * callbacks.
 *
 * Events are stored by value in an array binary heap keyed by (time,
 * sequence number).  The sequence number is taken when the event is
 * scheduled, so events at equal times run in the order they were
 * scheduled (FIFO): every run is deterministic.  An event's id is its
 * sequence number.
 *
 * Cancellation is lazy: a cancelled id goes into a small hash set and the
 * event is dropped when it reaches the top of the heap.  Contract: cancel
 * only an event that is still pending (debug builds check it).
 *
 * The clock is an interface.  The engine with clock == NULL runs virtual
 * time: it jumps to the next event, and a run ends when the queue drains.
 * A real-time clock (live/clock.h) implements wait_until by polling I/O
 * until the wall clock reaches t; I/O handlers may schedule new, earlier
 * events, in which case wait_until returns 1 and the loop looks at the heap
 * again.  A clock with waits_when_empty set keeps the run going with an
 * empty queue (it waits for I/O) until `until` or a stop request.
 * Schedulers only ever see cs_engine_now / cs_engine_at / cs_engine_after,
 * so they run unchanged under either clock; periodic work asks
 * cs_engine_continues whether to go on.
 *
 * Time (cs_engine_now):
 * - inside an event, the event's scheduled time, whatever the clock (under
 *   a real clock a late event still sees the time it was due, so periodic
 *   work keeps its period), except that time never goes back: an event
 *   that runs late, after an I/O callback saw a later time, runs at that
 *   later time.  Under virtual time this never happens and every run is
 *   deterministic, as the engine has always been;
 * - inside a clock's I/O callback, the clock's time when the poll woke up
 *   (the clock moves it with cs_engine_advance), so cs_engine_after(e, 0)
 *   there means "now";
 * - outside cs_engine_run, where the last run left it (see cs_engine_run).
 *
 * Ownership: the engine owns its arrays; ctx pointers are the caller's and
 * must stay valid until the event runs or is cancelled. */
#ifndef CS_ENGINE_H
#define CS_ENGINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/units.h"

typedef uint64_t cs_event_id;
typedef void cs_event_fn(void *ctx, cs_time now);

struct cs_clock_ops {
	const char *name;
	/* Block (polling I/O) until time t: the next event's time, or `until`
	 * when nothing is due before it (waits_when_empty), CS_TIME_NEVER
	 * meaning until I/O or a wake-up.  Return 0 when t is reached, 1 if
	 * the event queue may have changed (an I/O callback ran, a wake-up or
	 * a signal came) and the engine should look again, -1 to stop the run
	 * (a stop request: the run returns as after cs_engine_stop). */
	int (*wait_until)(void *clock, cs_time t);
	/* Current time, for events scheduled from outside an event. */
	cs_time (*now)(void *clock);
	/* Optional: make the current or the next wait_until return promptly.
	 * cs_engine_stop calls it, from a signal handler too (sim/interrupt):
	 * it must be async-signal-safe and thread-safe. */
	void (*wake)(void *clock);
	/* The run does not end when the queue drains: it waits for I/O until
	 * `until` or a stop request (a real-time clock).  False: the run ends
	 * on an empty queue, as under virtual time. */
	bool waits_when_empty;
};

struct cs_event {
	cs_time at;
	uint64_t seq;
	cs_event_fn *fn;
	void *ctx;
};

struct cs_engine {
	struct cs_event *heap;
	size_t n, cap;
	uint64_t next_seq;
	cs_time now;
	uint64_t events_run;
	volatile bool stop; /* also set by sim/interrupt's signal handler */
	/* heap[0] is the event being run: the first event it schedules
	 * replaces it in place (one sift instead of a pop and a push) */
	bool top_running;
	/* lazy cancellation: open-addressing set of ids, 0 = empty slot */
	uint64_t *cancelled;
	size_t ncancelled, cancel_cap;
	const struct cs_clock_ops *clock; /* NULL: virtual time */
	void *clock_ctx;
	/* optional hook every progress_every events (progress line); it
	 * gets the events run so far.  It only reads: whether it is set
	 * changes nothing else (events_run is counted the same way, and
	 * updated when cs_engine_run returns, with or without it). */
	void (*progress)(void *ctx, const struct cs_engine *, uint64_t events_so_far);
	void *progress_ctx;
	uint64_t progress_every;
};

void cs_engine_init(struct cs_engine *e);
void cs_engine_set_clock(struct cs_engine *e, const struct cs_clock_ops *ops, void *clock);
void cs_engine_release(struct cs_engine *e);

/* Events at one instant run by phase, then FIFO within a phase: task
 * completions first, then everything else (arrivals, decisions, ...),
 * then end-of-instant work (a batch scheduler's pass sees every
 * completion and arrival of its instant).  The phase sits in the top bits
 * of the sequence number, so the heap's order is unchanged. */
enum cs_phase { CS_PHASE_COMPLETION = 0, CS_PHASE_NORMAL = 1, CS_PHASE_LAST = 2 };
#define CS_PHASE_SHIFT 60

/* Schedule fn(ctx) at absolute time `when` (>= now; under a real-time
 * clock an earlier time, one that passed while events ran late, means
 * now), in the normal phase. */
cs_event_id cs_engine_at(struct cs_engine *e, cs_time when, cs_event_fn *fn, void *ctx);
/* The same in a given phase. */
cs_event_id cs_engine_at_phase(struct cs_engine *e, cs_time when, enum cs_phase phase, cs_event_fn *fn,
			       void *ctx);
/* Schedule fn(ctx) `delay` (>= 0) after now. */
cs_event_id cs_engine_after(struct cs_engine *e, cs_time delay, cs_event_fn *fn, void *ctx);
/* Cancel a pending event. */
void cs_engine_cancel(struct cs_engine *e, cs_event_id id);

/* Run events with time <= until (CS_TIME_NEVER: until the queue is empty
 * or cs_engine_stop); an event at CS_TIME_NEVER never runs.  Under a clock
 * that waits when empty the run goes on with an empty queue, waiting for
 * I/O, until the clock reaches `until` or a stop request (cs_engine_stop,
 * or the clock's own) ends it.  On return, now is `until` if the run
 * reached it; otherwise the time of the last event, or, after a stop under
 * a clock that waits, the clock's time then (at most until).  e->stop is
 * true after a run that a stop request ended.  Returns the number of
 * events run. */
int64_t cs_engine_run(struct cs_engine *e, cs_time until);
/* Request the run to end after the current event (or I/O callback).
 * Async-signal-safe: it sets a flag and wakes the clock (ops->wake).  From
 * another thread, use the clock's own stop request (live/clock.h). */
void cs_engine_stop(struct cs_engine *e);

static inline cs_time cs_engine_now(const struct cs_engine *e)
{
	return e->now;
}
/* Pending events, cancelled ones excluded. */
static inline size_t cs_engine_pending(const struct cs_engine *e)
{
	return e->n - e->ncancelled - (e->top_running ? 1 : 0);
}
/* Whether the run goes on if the caller schedules nothing more: under
 * virtual time (or a clock that does not wait), while any other event is
 * pending, for the run ends when the queue drains; under a clock that
 * waits when empty, always, until a stop request.  Periodic work without a
 * fixed end (timeseries sampling, Mesos' allocation rounds) reschedules
 * itself while this holds: it never keeps a simulation alive alone, and
 * never stops under a real clock. */
static inline bool cs_engine_continues(const struct cs_engine *e)
{
	return (e->clock && e->clock->waits_when_empty) || cs_engine_pending(e) > 0;
}
/* For clocks, outside events (in an I/O callback): move now to t, a
 * clock's current time, if that is later.  Time never goes back. */
static inline void cs_engine_advance(struct cs_engine *e, cs_time t)
{
	if (t > e->now)
		e->now = t;
}

#endif
