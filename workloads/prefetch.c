/* workloads/prefetch — see prefetch.h.
 *
 * A ring of CS_PREFETCH_BATCHES batches.  The reader fills the slot after
 * the last full one without holding the lock (no one else touches it), then
 * publishes it; the consumer hands out copies of the jobs of the oldest full
 * batch, then gives its slot back.  The reader's last batch carries how it
 * ended.
 *
 * Why copies: malloc gives each thread its own arena, and a job freed on
 * the simulation thread but allocated on the reader's takes the reader's
 * arena lock, against the reader's own allocations (a tenth of the run in
 * profiles).  So the originals stay in their slot, and the reader frees
 * them when it fills the slot again (or close() does). */
#include "workloads/prefetch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"

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
	pthread_mutex_t mu;
	pthread_cond_t can_fill, can_take;
	struct batch ring[CS_PREFETCH_BATCHES];
	unsigned head, full;   /* under mu: the oldest full batch, how many */
	enum end end;          /* under mu: set with the last batch */
	struct cs_error err;   /* the reader's error (end == FAILED) */
	atomic_bool stop;      /* close(): end early */
	/* consumer side */
	struct batch *cur;     /* the batch being handed out, or NULL */
	uint32_t pos;
	bool direct;           /* past the horizon: read on this thread */
};

/* Fill one batch from the inner source; returns how the reading ended. */
/* Free the jobs a slot holds (copied out, or never handed out). */
static void empty(struct batch *b)
{
	for (uint32_t i = 0; i < b->n; i++)
		cs_job_free(b->job[i]);
	b->n = 0;
}

static enum end fill(struct prefetch *p, struct batch *b)
{
	empty(b);
	while (b->n < CS_PREFETCH_BATCH) {
		if (atomic_load_explicit(&p->stop, memory_order_relaxed))
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
	for (enum end end = READING; end == READING;) {
		pthread_mutex_lock(&p->mu);
		while (p->full == CS_PREFETCH_BATCHES && !atomic_load(&p->stop))
			pthread_cond_wait(&p->can_fill, &p->mu);
		struct batch *b = &p->ring[(p->head + p->full) % CS_PREFETCH_BATCHES];
		bool stop = atomic_load(&p->stop);
		pthread_mutex_unlock(&p->mu);
		if (stop)
			end = ENDED;
		else
			end = fill(p, b);
		pthread_mutex_lock(&p->mu);
		if (!stop)
			p->full++;
		p->end = end;
		pthread_cond_signal(&p->can_take);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

static void join(struct prefetch *p)
{
	if (!p->running)
		return;
	atomic_store(&p->stop, true);
	pthread_mutex_lock(&p->mu);
	pthread_cond_signal(&p->can_fill);
	pthread_mutex_unlock(&p->mu);
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
		pthread_mutex_lock(&p->mu);
		if (p->cur) { /* give the slot back */
			p->cur = NULL;
			p->head = (p->head + 1) % CS_PREFETCH_BATCHES;
			p->full--;
			pthread_cond_signal(&p->can_fill);
		}
		while (p->full == 0 && p->end == READING)
			pthread_cond_wait(&p->can_take, &p->mu);
		if (p->full > 0) {
			p->cur = &p->ring[p->head];
			p->pos = 0;
			pthread_mutex_unlock(&p->mu);
			continue;
		}
		enum end end = p->end;
		pthread_mutex_unlock(&p->mu);
		join(p);
		switch (end) {
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
		empty(&p->ring[i]);
	p->inner.ops->close(p->inner.self);
	pthread_cond_destroy(&p->can_fill);
	pthread_cond_destroy(&p->can_take);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

static const struct cs_source_ops prefetch_ops = {"prefetch", prefetch_next, prefetch_close, prefetch_report};

int cs_prefetch_wrap(struct cs_source *src, cs_time horizon, struct cs_error *err)
{
	struct prefetch *p = cs_xcalloc(1, sizeof *p);
	p->inner = *src;
	p->horizon = horizon;
	atomic_init(&p->stop, false);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->can_fill, NULL);
	pthread_cond_init(&p->can_take, NULL);
	if (pthread_create(&p->thread, NULL, reader, p) != 0) {
		pthread_cond_destroy(&p->can_fill);
		pthread_cond_destroy(&p->can_take);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return cs_error_set(err, CS_EXIT_INTERNAL, "cannot start the trace reader thread");
	}
	p->running = true;
	*src = (struct cs_source){&prefetch_ops, p};
	return 0;
}
