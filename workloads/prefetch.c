/* workloads/prefetch — see prefetch.h.
 *
 * A ring (sim/ring) of CS_PREFETCH_BATCHES batches: the reader fills and
 * publishes them, the consumer hands out copies of the jobs of the oldest
 * one, then releases its slot.  How the reading ended is set before the
 * reader finishes the ring.
 *
 * Why copies: malloc gives each thread its own arena, and a job freed on
 * the simulation thread but allocated on the reader's takes the reader's
 * arena lock, against the reader's own allocations (a tenth of the run in
 * profiles).  So the originals stay in their slot, and the reader frees
 * them when it fills the slot again (or close() does). */
#include "workloads/prefetch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/ring.h"

struct batch {
	struct cs_job *job[CS_PREFETCH_BATCH];
	uint32_t n;
};

enum { AHEAD = 4 }; /* jobs to prefetch ahead of the one copied */

enum end { READING, ENDED, FAILED, PAST_HORIZON };

struct prefetch {
	struct cs_source inner;
	cs_time horizon;
	pthread_t thread;
	bool running; /* the thread exists and is not joined yet */
	struct cs_ring ring;
	struct batch batch[CS_PREFETCH_BATCHES];
	enum end end;          /* set before the reader finishes the ring */
	struct cs_error err;   /* the reader's error (end == FAILED) */
	/* consumer side */
	struct batch *cur;     /* the batch being handed out, or NULL */
	uint32_t pos;
	bool direct;           /* past the horizon: read on this thread */
};

/* Free the jobs a slot holds (copied out, or never handed out). */
static void empty(struct batch *b)
{
	for (uint32_t i = 0; i < b->n; i++)
		cs_job_free(b->job[i]);
	b->n = 0;
}

/* Fill one batch from the inner source; returns how the reading ended. */
static enum end fill(struct prefetch *p, struct batch *b)
{
	empty(b);
	while (b->n < CS_PREFETCH_BATCH) {
		if (cs_ring_cancelled(&p->ring))
			return ENDED;
		struct cs_job *job = NULL;
		int r = p->inner.ops->next(p->inner.self, &job, &p->err);
		if (r < 0)
			return FAILED;
		if (r == 0)
			return ENDED;
		b->job[b->n++] = job;
		if (p->horizon != CS_TIME_NEVER && job->submit > p->horizon)
			return PAST_HORIZON;
	}
	return READING;
}

static void *reader(void *arg)
{
	struct prefetch *p = arg;
	int slot;
	while ((slot = cs_ring_fill_slot(&p->ring)) >= 0) {
		enum end end = fill(p, &p->batch[slot]);
		cs_ring_publish(&p->ring);
		if (end != READING) {
			p->end = end;
			break;
		}
	}
	cs_ring_finish(&p->ring);
	return NULL;
}

static void join(struct prefetch *p)
{
	if (!p->running)
		return;
	cs_ring_cancel(&p->ring);
	pthread_join(p->thread, NULL);
	p->running = false;
}

static int prefetch_next(void *self, struct cs_job **job, struct cs_error *err)
{
	struct prefetch *p = self;
	if (p->direct)
		return p->inner.ops->next(p->inner.self, job, err);
	for (;;) {
		if (p->cur && p->pos < p->cur->n) {
			/* the jobs were written on the other core: ask for a
			 * later one's cache lines now, so they arrive before
			 * they are copied */
			if (p->pos + AHEAD < p->cur->n) {
				const char *next = (const char *)p->cur->job[p->pos + AHEAD];
				for (size_t off = 0; off < offsetof(struct cs_job, one_task); off += 64)
					__builtin_prefetch(next + off);
			}
			*job = cs_job_copy(p->cur->job[p->pos++]);
			return 1;
		}
		if (p->cur) { /* give the slot back */
			p->cur = NULL;
			cs_ring_release(&p->ring);
		}
		int slot = cs_ring_take_slot(&p->ring);
		if (slot >= 0) {
			p->cur = &p->batch[slot];
			p->pos = 0;
			continue;
		}
		/* the reader finished and everything it read was handed out */
		join(p);
		switch (p->end) {
		case FAILED:
			if (err && err->code == 0)
				*err = p->err;
			return -1;
		case PAST_HORIZON:
			p->direct = true;
			return p->inner.ops->next(p->inner.self, job, err);
		default:
			return 0;
		}
	}
}

static json_t *prefetch_report(void *self)
{
	struct prefetch *p = self;
	join(p);
	return p->inner.ops->report ? p->inner.ops->report(p->inner.self) : NULL;
}

static void prefetch_close(void *self)
{
	struct prefetch *p = self;
	join(p);
	for (unsigned i = 0; i < CS_PREFETCH_BATCHES; i++)
		empty(&p->batch[i]);
	p->inner.ops->close(p->inner.self);
	cs_ring_destroy(&p->ring);
	free(p);
}

static const struct cs_source_ops prefetch_ops = {"prefetch", prefetch_next, prefetch_close, prefetch_report};

int cs_prefetch_wrap(struct cs_source *src, cs_time horizon, struct cs_error *err)
{
	struct prefetch *p = cs_xcalloc(1, sizeof *p);
	p->inner = *src;
	p->horizon = horizon;
	cs_ring_init(&p->ring, CS_PREFETCH_BATCHES);
	if (pthread_create(&p->thread, NULL, reader, p) != 0) {
		cs_ring_destroy(&p->ring);
		free(p);
		return cs_error_set(err, CS_EXIT_INTERNAL, "cannot start the trace reader thread");
	}
	p->running = true;
	*src = (struct cs_source){&prefetch_ops, p};
	return 0;
}
