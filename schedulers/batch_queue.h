/* schedulers/batch_queue — the batch-queue policies of a monolithic
 * scheduler (fcfs, easy, conservative, sjf, priority), a scheduler kind of
 * their own; see batch_queue.c for their exact rules. */
#ifndef CS_BATCH_QUEUE_H
#define CS_BATCH_QUEUE_H
#include <jansson.h>

#include "schedulers/scheduler.h"


/* The kind "batch-queue" (registered); "monolithic" with a "queue" other
 * than "fifo" is this kind too (see cs_monolithic_ops.variant). */
extern const struct cs_scheduler_ops cs_batch_queue_ops;

#endif
