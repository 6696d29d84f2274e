/* schedulers/fw_registry — the static table of Mesos framework kinds (a
 * kind is one file, schedulers/fw_*.c, plus one line here). */
#include <string.h>

#include "schedulers/framework.h"

extern const struct cs_framework_ops cs_fw_jobs_ops, cs_fw_marathon_ops, cs_fw_aurora_ops, cs_fw_kubernetes_ops;

static const struct cs_framework_ops *const registry[] = {
	&cs_fw_jobs_ops,
	&cs_fw_marathon_ops,
	&cs_fw_aurora_ops,
	&cs_fw_kubernetes_ops,
	NULL,
};

static const struct cs_framework_ops *const *extra(void)
{
	static const struct cs_framework_ops *const none[] = {NULL};
	return cs_framework_extra_kinds ? cs_framework_extra_kinds() : none;
}

const struct cs_framework_ops *cs_framework_find(const char *kind)
{
	for (size_t i = 0; registry[i]; i++)
		if (strcmp(registry[i]->kind, kind) == 0)
			return registry[i];
	for (const struct cs_framework_ops *const *k = extra(); *k; k++)
		if (strcmp((*k)->kind, kind) == 0)
			return *k;
	return NULL;
}

const char *const *cs_framework_kinds(void)
{
	static const char *names[64];
	size_t n = 0;
	for (size_t i = 0; registry[i] && n < 63; i++)
		names[n++] = registry[i]->kind;
	for (const struct cs_framework_ops *const *k = extra(); *k && n < 63; k++)
		names[n++] = (*k)->kind;
	names[n] = NULL;
	return names;
}
