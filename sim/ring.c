/* sim/ring — see ring.h. */
#include "sim/ring.h"

void cs_ring_init(struct cs_ring *r, unsigned nslots)
{
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->can_fill, NULL);
	pthread_cond_init(&r->can_take, NULL);
	r->n = nslots;
	r->head = r->full = 0;
	r->finished = false;
	atomic_init(&r->cancelled, false);
}

void cs_ring_destroy(struct cs_ring *r)
{
	pthread_cond_destroy(&r->can_fill);
	pthread_cond_destroy(&r->can_take);
	pthread_mutex_destroy(&r->mu);
}

int cs_ring_fill_slot(struct cs_ring *r)
{
	pthread_mutex_lock(&r->mu);
	while (r->full == r->n && !atomic_load(&r->cancelled))
		pthread_cond_wait(&r->can_fill, &r->mu);
	int slot = atomic_load(&r->cancelled) ? -1 : (int)((r->head + r->full) % r->n);
	pthread_mutex_unlock(&r->mu);
	return slot;
}

void cs_ring_publish(struct cs_ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->full++;
	pthread_cond_signal(&r->can_take);
	pthread_mutex_unlock(&r->mu);
}

void cs_ring_finish(struct cs_ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->finished = true;
	pthread_cond_signal(&r->can_take);
	pthread_mutex_unlock(&r->mu);
}

int cs_ring_take_slot(struct cs_ring *r)
{
	pthread_mutex_lock(&r->mu);
	while (r->full == 0 && !r->finished)
		pthread_cond_wait(&r->can_take, &r->mu);
	int slot = r->full > 0 ? (int)r->head : -1;
	pthread_mutex_unlock(&r->mu);
	return slot;
}

void cs_ring_release(struct cs_ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->head = (r->head + 1) % r->n;
	r->full--;
	pthread_cond_signal(&r->can_fill);
	pthread_mutex_unlock(&r->mu);
}

void cs_ring_cancel(struct cs_ring *r)
{
	pthread_mutex_lock(&r->mu);
	atomic_store(&r->cancelled, true);
	pthread_cond_signal(&r->can_fill);
	pthread_mutex_unlock(&r->mu);
}
