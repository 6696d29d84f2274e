/* schedulers/batch_queue — the monolithic scheduler's batch-queue
 * policies (fcfs, easy, conservative, sjf, priority); see batch_queue.c
 * for their exact rules. */
#ifndef CS_BATCH_QUEUE_H
#define CS_BATCH_QUEUE_H
#include <jansson.h>

#include "schedulers/scheduler.h"

struct cs_world;

extern const struct cs_scheduler_ops cs_batch_queue_ops;
/* policy: index into "fcfs", "easy", "conservative", "sjf", "priority";
 * placement: enum cs_placement. */
int cs_batch_queue_create(struct cs_world *w, const struct cs_cfg *cfg, json_t *config, int policy, int placement,
			  void **self);

#endif
