/* controllers/registry — the static table of controller kinds. */
#include <string.h>

#include "controllers/controller.h"

extern const struct cs_controller_ops cs_replicas_ops;

static const struct cs_controller_ops *const registry[] = {
	&cs_replicas_ops,
	NULL,
};

const struct cs_controller_ops *cs_controller_find(const char *kind)
{
	for (size_t i = 0; registry[i]; i++)
		if (strcmp(registry[i]->kind, kind) == 0)
			return registry[i];
	return NULL;
}

const char *const *cs_controller_kinds(void)
{
	static const char *kinds[sizeof registry / sizeof registry[0]];
	for (size_t i = 0; registry[i]; i++)
		kinds[i] = registry[i]->kind;
	return kinds;
}
