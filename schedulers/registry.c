/* schedulers/registry — the static table of scheduler kinds (a kind is
 * one file, schedulers/NAME.c, plus one line here). */
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "schedulers/scheduler.h"

extern const struct cs_scheduler_ops cs_monolithic_ops;
extern const struct cs_scheduler_ops cs_omega_ops;
extern const struct cs_scheduler_ops cs_mesos_ops;
extern const struct cs_scheduler_ops cs_batch_queue_ops;
extern const struct cs_scheduler_ops cs_kubernetes_ops;

static const struct cs_scheduler_ops *const registry[] = {
	&cs_monolithic_ops,
	&cs_omega_ops,
	&cs_mesos_ops,
	&cs_batch_queue_ops,
	&cs_kubernetes_ops,
	NULL,
};

static const struct cs_scheduler_ops *const *extra(void)
{
	static const struct cs_scheduler_ops *const none[] = {NULL};
	return cs_scheduler_extra_kinds ? cs_scheduler_extra_kinds() : none;
}

const struct cs_scheduler_ops *cs_scheduler_find(const char *name)
{
	for (size_t i = 0; registry[i]; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	for (const struct cs_scheduler_ops *const *k = extra(); *k; k++)
		if (strcmp((*k)->name, name) == 0)
			return *k;
	return NULL;
}

const char *const *cs_scheduler_names(void)
{
	static const char *names[64];
	size_t n = 0;
	for (size_t i = 0; registry[i] && n < 63; i++)
		names[n++] = registry[i]->name;
	for (const struct cs_scheduler_ops *const *k = extra(); *k && n < 63; k++)
		names[n++] = (*k)->name;
	names[n] = NULL;
	return names;
}

struct cs_sched_stats *cs_report_add(struct cs_report *r, const char *name)
{
	CS_GROW(r->stats, r->cap, r->n + 1);
	struct cs_sched_stats *s = &r->stats[r->n++];
	memset(s, 0, sizeof *s);
	strncpy(s->name, name, sizeof s->name - 1);
	return s;
}

void cs_report_release(struct cs_report *r)
{
	free(r->stats);
	if (r->extra)
		json_decref(r->extra);
	memset(r, 0, sizeof *r);
}
