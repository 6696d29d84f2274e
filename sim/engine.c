/* sim/engine — see engine.h.
 *
 * The heap sifts a hole instead of swapping, and compares (at, seq) in one
 * inline function; this is the hot path of every simulation and is
 * benchmarked against a bare array heap in bench/hold.c. */
#include "sim/engine.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"

void cs_engine_init(struct cs_engine *e)
{
	memset(e, 0, sizeof *e);
	e->next_seq = 1; /* 0 marks an empty slot of the cancel set */
}

void cs_engine_set_clock(struct cs_engine *e, const struct cs_clock_ops *ops, void *clock)
{
	e->clock = ops;
	e->clock_ctx = clock;
	if (ops && ops->now)
		e->now = ops->now(clock);
}

void cs_engine_release(struct cs_engine *e)
{
	free(e->heap);
	free(e->cancelled);
	memset(e, 0, sizeof *e);
}

static inline bool before(const struct cs_event *a, const struct cs_event *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void sift_up(struct cs_event *h, size_t i, struct cs_event ev)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!before(&ev, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = ev;
}

/* Put ev into the hole at 0 and sift it down over n elements. */
static void sift_down(struct cs_event *h, size_t n, struct cs_event ev)
{
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && before(&h[c + 1], &h[c]))
			c++;
		if (!before(&h[c], &ev))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = ev;
}

cs_event_id cs_engine_at_phase(struct cs_engine *e, cs_time when, enum cs_phase phase, cs_event_fn *fn,
			       void *ctx)
{
	/* under a real clock "now" runs ahead of the events that ran late: a
	 * time that passed meanwhile is due at once (virtual time: a bug) */
	if (when < e->now && e->clock)
		when = e->now;
	assert(when >= e->now);
	struct cs_event ev = {when, ((uint64_t)phase << CS_PHASE_SHIFT) | e->next_seq++, fn, ctx};
	if (e->top_running) {
		/* the running event's slot is free: the root can take any event,
		 * sifted down, and the pop after the callback is saved */
		e->top_running = false;
		sift_down(e->heap, e->n, ev);
		return ev.seq;
	}
	CS_GROW(e->heap, e->cap, e->n + 1);
	sift_up(e->heap, e->n++, ev);
	return ev.seq;
}

cs_event_id cs_engine_at(struct cs_engine *e, cs_time when, cs_event_fn *fn, void *ctx)
{
	return cs_engine_at_phase(e, when, CS_PHASE_NORMAL, fn, ctx);
}

cs_event_id cs_engine_after(struct cs_engine *e, cs_time delay, cs_event_fn *fn, void *ctx)
{
	assert(delay >= 0);
	cs_time when = delay >= CS_TIME_NEVER - e->now ? CS_TIME_NEVER : e->now + delay;
	return cs_engine_at(e, when, fn, ctx);
}

static inline size_t hash_id(uint64_t id, size_t mask)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return (size_t)id & mask;
}

static void set_insert(uint64_t *set, size_t cap, uint64_t id)
{
	size_t i = hash_id(id, cap - 1);
	while (set[i])
		i = (i + 1) & (cap - 1);
	set[i] = id;
}

/* Remove id from the set if present; linear probing with backward-shift
 * deletion keeps lookups correct without tombstones. */
static bool set_take(uint64_t *set, size_t cap, uint64_t id)
{
	size_t mask = cap - 1, i = hash_id(id, mask);
	while (set[i] && set[i] != id)
		i = (i + 1) & mask;
	if (!set[i])
		return false;
	size_t hole = i;
	for (size_t j = (i + 1) & mask; set[j]; j = (j + 1) & mask) {
		size_t home = hash_id(set[j], mask);
		/* move set[j] into the hole if its home is not in (hole, j] */
		bool in_range = hole < j ? (home > hole && home <= j)
					 : (home > hole || home <= j);
		if (!in_range) {
			set[hole] = set[j];
			hole = j;
		}
	}
	set[hole] = 0;
	return true;
}

#ifdef CS_DEBUG
/* O(pending): only in debug builds (make asan) */
static bool is_pending(const struct cs_engine *e, cs_event_id id)
{
	for (size_t i = e->top_running ? 1 : 0; i < e->n; i++)
		if (e->heap[i].seq == id)
			return true;
	return false;
}
#endif

void cs_engine_cancel(struct cs_engine *e, cs_event_id id)
{
	assert(id != 0 && (id & ((UINT64_C(1) << CS_PHASE_SHIFT) - 1)) < e->next_seq);
#ifdef CS_DEBUG
	assert(is_pending(e, id));
#endif
	if ((e->ncancelled + 1) * 2 > e->cancel_cap) {
		size_t ncap = e->cancel_cap ? e->cancel_cap * 2 : 64;
		uint64_t *nset = cs_xcalloc(ncap, sizeof *nset);
		for (size_t i = 0; i < e->cancel_cap; i++)
			if (e->cancelled[i])
				set_insert(nset, ncap, e->cancelled[i]);
		free(e->cancelled);
		e->cancelled = nset;
		e->cancel_cap = ncap;
	}
	set_insert(e->cancelled, e->cancel_cap, id);
	e->ncancelled++;
}

void cs_engine_stop(struct cs_engine *e)
{
	e->stop = true;
	/* a clock blocked in (or about to enter) its poll looks again */
	const struct cs_clock_ops *clock = e->clock;
	if (clock && clock->wake)
		clock->wake(e->clock_ctx);
}

static void pop_top(struct cs_engine *e)
{
	struct cs_event last = e->heap[--e->n];
	if (e->n > 0)
		sift_down(e->heap, e->n, last);
}

/* Nothing is due before `until` (the queue is empty, or its first event
 * is later or never).  Virtual time: the run ends (false).  A clock that
 * waits when empty waits for I/O until `until`: true if the engine should
 * look at the queue again, false when the run ends (until reached, or a
 * stop request, which sets e->stop). */
static bool wait_idle(struct cs_engine *e, cs_time until)
{
	if (!e->clock || !e->clock->waits_when_empty)
		return false;
	int r = e->clock->wait_until(e->clock_ctx, until);
	if (r < 0)
		e->stop = true;
	return r > 0;
}

int64_t cs_engine_run(struct cs_engine *e, cs_time until)
{
	int64_t ran = 0;
	e->stop = false;
	while (!e->stop) {
		if (e->n == 0) {
			if (wait_idle(e, until))
				continue;
			break;
		}
		struct cs_event top = e->heap[0];
		/* an event at CS_TIME_NEVER (a saturated time: a decision that
		 * would take longer than the clock holds) never runs */
		if (top.at > until || top.at == CS_TIME_NEVER) {
			if (wait_idle(e, until))
				continue;
			break;
		}
		if (e->clock) {
			int r = e->clock->wait_until(e->clock_ctx, top.at);
			if (r < 0) {
				e->stop = true;
				break;
			}
			if (r > 0)
				continue;
			/* time never goes back: an I/O callback may have seen a
			 * later time than this (late) event's */
			if (top.at < e->now)
				top.at = e->now;
		}
		if (e->ncancelled && set_take(e->cancelled, e->cancel_cap, top.seq)) {
			e->ncancelled--;
			pop_top(e);
			continue;
		}
		e->now = top.at;
		e->top_running = true;
		top.fn(top.ctx, top.at);
		if (e->top_running) {
			e->top_running = false;
			pop_top(e);
		}
		ran++;
		if (e->progress && (uint64_t)ran % e->progress_every == 0)
			e->progress(e->progress_ctx, e, e->events_run + (uint64_t)ran);
	}
	e->events_run += (uint64_t)ran;
	if (!e->stop && until != CS_TIME_NEVER && e->now < until)
		e->now = until;
	if (e->stop && e->clock && e->clock->waits_when_empty && e->clock->now) {
		/* a real run ends when it is stopped, not at its last event */
		cs_time t = e->clock->now(e->clock_ctx);
		cs_engine_advance(e, t < until ? t : until);
	}
	return ran;
}
