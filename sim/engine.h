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
 * time: it jumps to the next event.  A real-time clock (live mode)
 * implements wait_until by polling I/O until the wall clock reaches t; I/O
 * handlers may schedule new, earlier events, in which case wait_until
 * returns 1 and the loop looks at the heap again.  Schedulers only ever see
 * cs_engine_now / cs_engine_at / cs_engine_after, so they run unchanged
 * under either clock.
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
	/* Block (polling I/O) until time t, the next event's time.  Return 0
	 * when t is reached, 1 if the event queue may have changed and the
	 * engine should look again, -1 to stop the run. */
	int (*wait_until)(void *clock, cs_time t);
	/* Current time, for events scheduled from outside an event. */
	cs_time (*now)(void *clock);
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

/* Schedule fn(ctx) at absolute time `when` (>= now), in the normal phase. */
cs_event_id cs_engine_at(struct cs_engine *e, cs_time when, cs_event_fn *fn, void *ctx);
/* The same in a given phase. */
cs_event_id cs_engine_at_phase(struct cs_engine *e, cs_time when, enum cs_phase phase, cs_event_fn *fn,
			       void *ctx);
/* Schedule fn(ctx) `delay` (>= 0) after now. */
cs_event_id cs_engine_after(struct cs_engine *e, cs_time delay, cs_event_fn *fn, void *ctx);
/* Cancel a pending event. */
void cs_engine_cancel(struct cs_engine *e, cs_event_id id);

/* Run events with time <= until (CS_TIME_NEVER: until the queue is empty
 * or cs_engine_stop); an event at CS_TIME_NEVER never runs.  On return, now is `until` if the run reached it,
 * otherwise the time of the last event.  Returns the number of events run,
 * or -1 if the clock asked to stop. */
int64_t cs_engine_run(struct cs_engine *e, cs_time until);
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

#endif
