/* sim/ring — the hand-over between two threads of a fixed set of slots
 * (batches of jobs, of rows): one producer fills slots, one consumer
 * empties them, in order, each blocking only when it has caught up with
 * the other.  The ring only counts and waits; the slots' contents are the
 * caller's, indexed 0..n-1.  A slot returned by cs_ring_fill_slot is the
 * producer's alone until published, one returned by cs_ring_take_slot the
 * consumer's alone until released, so neither touches the lock while it
 * works on a slot.
 *
 * Used by workloads/prefetch (the reader thread produces parsed jobs) and
 * sim/jobs_csv (the simulation produces rows for the writer thread). */
#ifndef CS_RING_H
#define CS_RING_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct cs_ring {
	pthread_mutex_t mu;
	pthread_cond_t can_fill, can_take;
	unsigned n, head, full;  /* under mu: the oldest full slot, how many */
	bool finished;           /* under mu: the producer will publish no more */
	atomic_bool cancelled;   /* the consumer will take no more */
};

void cs_ring_init(struct cs_ring *r, unsigned nslots);
void cs_ring_destroy(struct cs_ring *r);

/* Producer: the next slot to fill, once one is free; -1 once cancelled. */
int cs_ring_fill_slot(struct cs_ring *r);
/* Producer: the slot from cs_ring_fill_slot is full. */
void cs_ring_publish(struct cs_ring *r);
/* Producer: nothing more will be published. */
void cs_ring_finish(struct cs_ring *r);

/* Consumer: the oldest full slot, once there is one; -1 once the producer
 * has finished and every slot it published has been taken. */
int cs_ring_take_slot(struct cs_ring *r);
/* Consumer: done with the slot from cs_ring_take_slot. */
void cs_ring_release(struct cs_ring *r);
/* Consumer: nothing more will be taken (a waiting producer returns -1). */
void cs_ring_cancel(struct cs_ring *r);

/* Whether the consumer cancelled (cheap: for a producer's inner loop). */
static inline bool cs_ring_cancelled(struct cs_ring *r)
{
	return atomic_load_explicit(&r->cancelled, memory_order_relaxed);
}

#endif
