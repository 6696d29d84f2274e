/* schedulers/run_set — see run_set.h. */
#include "schedulers/run_set.h"

#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"

static bool before(cs_time end_a, uint64_t id_a, const struct cs_run_entry *b)
{
	return end_a < b->est_end || (end_a == b->est_end && id_a < b->id);
}

static struct cs_run_entry *new_entry(struct cs_run_set *s, int levels)
{
	struct cs_run_entry *e = s->spare[levels];
	if (e) {
		s->spare[levels] = e->next[0];
		return e; /* every field is set by the caller */
	}
	e = cs_xcalloc(1, sizeof *e + (size_t)levels * sizeof e->next[0]);
	e->levels = levels;
	return e;
}

static void free_list(struct cs_run_entry *e)
{
	for (struct cs_run_entry *next; e; e = next) {
		next = e->next[0];
		free(e);
	}
}

void cs_run_set_init(struct cs_run_set *s)
{
	memset(s, 0, sizeof *s);
	s->head = new_entry(s, CS_RUNSET_LEVELS);
	s->level = 1;
}

void cs_run_set_release(struct cs_run_set *s)
{
	free_list(s->head);
	for (int l = 0; l <= CS_RUNSET_LEVELS; l++)
		free_list(s->spare[l]);
	memset(s, 0, sizeof *s);
}

/* One level more with probability 1/4, from a hash of the id. */
static int levels_of(uint64_t id)
{
	uint64_t h = id + 0x9E3779B97F4A7C15ull;
	h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
	h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
	h ^= h >> 31;
	int l = 1;
	while (l < CS_RUNSET_LEVELS && (h & 3) == 0) {
		l++;
		h >>= 2;
	}
	return l;
}

/* The last entry before (end, id) at every level. */
static void find(const struct cs_run_set *s, cs_time end, uint64_t id, struct cs_run_entry **pred)
{
	struct cs_run_entry *x = s->head;
	for (int l = CS_RUNSET_LEVELS - 1; l >= s->level; l--)
		pred[l] = x; /* no entry that high */
	for (int l = s->level - 1; l >= 0; l--) {
		while (x->next[l] && before(x->next[l]->est_end, x->next[l]->id, &(struct cs_run_entry){.est_end = end, .id = id}))
			x = x->next[l];
		pred[l] = x;
	}
}

struct cs_run_entry *cs_run_set_add(struct cs_run_set *s, struct cs_job *job, cs_time est_end, struct cs_res held)
{
	struct cs_run_entry *pred[CS_RUNSET_LEVELS];
	find(s, est_end, job->id, pred);
	struct cs_run_entry *e = new_entry(s, levels_of(job->id));
	if (e->levels > s->level)
		s->level = e->levels;
	e->est_end = est_end;
	e->id = job->id;
	e->held = held;
	e->job = job;
	for (int l = 0; l < e->levels; l++) {
		e->next[l] = pred[l]->next[l];
		pred[l]->next[l] = e;
	}
	e->prev = pred[0] == s->head ? NULL : pred[0];
	if (e->next[0])
		e->next[0]->prev = e;
	else
		s->tail = e;
	s->n++;
	return e;
}

void cs_run_set_remove(struct cs_run_set *s, struct cs_run_entry *e)
{
	struct cs_run_entry *pred[CS_RUNSET_LEVELS];
	find(s, e->est_end, e->id, pred);
	for (int l = 0; l < e->levels; l++)
		if (pred[l]->next[l] == e)
			pred[l]->next[l] = e->next[l];
	if (e->next[0])
		e->next[0]->prev = e->prev;
	else
		s->tail = e->prev;
	s->n--;
	while (s->level > 1 && !s->head->next[s->level - 1])
		s->level--;
	e->next[0] = s->spare[e->levels];
	s->spare[e->levels] = e;
}
