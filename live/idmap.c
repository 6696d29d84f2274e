/* live/idmap — see idmap.h. */
#include "live/idmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"

static char tomb;
#define TOMB (&tomb)

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

void cs_idmap_init(struct cs_idmap *m)
{
	memset(m, 0, sizeof *m);
}

void cs_idmap_release(struct cs_idmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key && m->slots[i].key != TOMB)
			free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof *m);
}

static struct cs_idmap_slot *find(const struct cs_idmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct cs_idmap_slot *s = &m->slots[i];
		if (!s->key)
			return NULL;
		if (s->key != TOMB && strcmp(s->key, key) == 0)
			return s;
	}
}

void *cs_idmap_get(const struct cs_idmap *m, const char *key)
{
	struct cs_idmap_slot *s = find(m, key);
	return s ? s->value : NULL;
}

static void grow(struct cs_idmap *m)
{
	struct cs_idmap old = *m;
	m->cap = old.cap ? (old.n * 2 >= old.cap ? old.cap * 2 : old.cap) : 64;
	m->slots = cs_xcalloc(m->cap, sizeof *m->slots);
	m->n = m->used = 0;
	for (size_t i = 0; i < old.cap; i++) {
		char *k = old.slots[i].key;
		if (!k || k == TOMB)
			continue;
		size_t j = hash(k) & (m->cap - 1);
		while (m->slots[j].key)
			j = (j + 1) & (m->cap - 1);
		m->slots[j] = old.slots[i];
		m->n++;
		m->used++;
	}
	free(old.slots);
}

void cs_idmap_put(struct cs_idmap *m, const char *key, void *value)
{
	struct cs_idmap_slot *s = find(m, key);
	if (s) {
		s->value = value;
		return;
	}
	if ((m->used + 1) * 4 > m->cap * 3)
		grow(m);
	size_t i = hash(key) & (m->cap - 1);
	while (m->slots[i].key && m->slots[i].key != TOMB)
		i = (i + 1) & (m->cap - 1);
	if (!m->slots[i].key)
		m->used++;
	m->slots[i].key = cs_xstrdup(key);
	m->slots[i].value = value;
	m->n++;
}

void *cs_idmap_del(struct cs_idmap *m, const char *key)
{
	struct cs_idmap_slot *s = find(m, key);
	if (!s)
		return NULL;
	void *v = s->value;
	free(s->key);
	s->key = TOMB;
	s->value = NULL;
	m->n--;
	return v;
}

struct cs_idmap_slot *cs_idmap_next(const struct cs_idmap *m, size_t *i)
{
	for (; *i < m->cap; (*i)++)
		if (m->slots[*i].key && m->slots[*i].key != TOMB)
			return &m->slots[(*i)++];
	return NULL;
}
