/* schedulers/run_set — running jobs ordered by (estimated end, job id),
 * for the batch-queue policies' reservations.
 *
 * A skip list: insert and remove in O(log n), walk in order both ways.
 * Levels come from a hash of the job id, so the structure (and every
 * walk) is deterministic.  Entries are owned by the set. */
#ifndef CS_RUN_SET_H
#define CS_RUN_SET_H
#include <stdint.h>

#include "sim/job.h"

enum { CS_RUNSET_LEVELS = 16 };

struct cs_run_entry {
	cs_time est_end;       /* CS_TIME_NEVER: no estimate (runs until killed) */
	uint64_t id;
	struct cs_res held;    /* what the job's running tasks hold */
	struct cs_job *job;
	struct cs_run_entry *prev; /* level 0, for walking backwards */
	int levels;
	struct cs_run_entry *next[]; /* levels entries */
};

struct cs_run_set {
	struct cs_run_entry *head; /* sentinel with every level */
	struct cs_run_entry *tail; /* the last entry, or NULL */
	size_t n;
	int level;                 /* levels in use: walks start there */
	/* removed entries by their number of levels, chained through
	 * next[0], for the next entries of that height (a replay adds and
	 * removes one per job) */
	struct cs_run_entry *spare[CS_RUNSET_LEVELS + 1];
};

void cs_run_set_init(struct cs_run_set *s);
void cs_run_set_release(struct cs_run_set *s);
struct cs_run_entry *cs_run_set_add(struct cs_run_set *s, struct cs_job *job, cs_time est_end, struct cs_res held);
void cs_run_set_remove(struct cs_run_set *s, struct cs_run_entry *e);
static inline struct cs_run_entry *cs_run_set_first(const struct cs_run_set *s)
{
	return s->head->next[0];
}

#endif
