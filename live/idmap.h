/* live/idmap — a hash map from string keys to pointers (task ids to
 * tasks, agent ids to agents): open addressing with linear probing,
 * tombstones on removal, grown at 3/4 load.  FNV-1a hashes the key.
 *
 * Ownership: the map copies keys; values stay the caller's. */
#ifndef CS_LIVE_IDMAP_H
#define CS_LIVE_IDMAP_H
#include <stddef.h>

struct cs_idmap_slot {
	char *key;   /* NULL: empty; CS_IDMAP_TOMB: removed */
	void *value;
};

struct cs_idmap {
	struct cs_idmap_slot *slots;
	size_t cap, n, used; /* used: live + tombstones */
};

void cs_idmap_init(struct cs_idmap *m);
void cs_idmap_release(struct cs_idmap *m);
void *cs_idmap_get(const struct cs_idmap *m, const char *key);
/* Set key to value (replacing). */
void cs_idmap_put(struct cs_idmap *m, const char *key, void *value);
/* Remove key; returns its value or NULL. */
void *cs_idmap_del(struct cs_idmap *m, const char *key);
/* Iterate: *i starts at 0; returns the next live slot or NULL. */
struct cs_idmap_slot *cs_idmap_next(const struct cs_idmap *m, size_t *i);

#endif
