/* controllers/registry — the static table of controller kinds (a kind is
 * one file, controllers/NAME.c, plus one line here). */
#include <string.h>

#include "controllers/controller.h"

extern const struct cs_controller_ops cs_replicas_ops;
extern const struct cs_controller_ops cs_marathon_ops;
extern const struct cs_controller_ops cs_aurora_ops;
extern const struct cs_controller_ops cs_kube_ops;

static const struct cs_controller_ops *const registry[] = {
	&cs_replicas_ops,
	&cs_marathon_ops,
	&cs_aurora_ops,
	&cs_kube_ops,
	NULL,
};

static const struct cs_controller_ops *const *extra(void)
{
	static const struct cs_controller_ops *const none[] = {NULL};
	return cs_controller_extra_kinds ? cs_controller_extra_kinds() : none;
}

const struct cs_controller_ops *cs_controller_find(const char *kind)
{
	for (size_t i = 0; registry[i]; i++)
		if (strcmp(registry[i]->kind, kind) == 0)
			return registry[i];
	for (const struct cs_controller_ops *const *k = extra(); *k; k++)
		if (strcmp((*k)->kind, kind) == 0)
			return *k;
	return NULL;
}

const struct cs_controller_ops *cs_controller_for_app(const struct cs_app *app)
{
	for (size_t i = 0; registry[i]; i++)
		if (registry[i]->takes && registry[i]->takes(app))
			return registry[i];
	for (const struct cs_controller_ops *const *k = extra(); *k; k++)
		if ((*k)->takes && (*k)->takes(app))
			return *k;
	return NULL;
}

const char *const *cs_controller_kinds(void)
{
	static const char *kinds[64];
	size_t n = 0;
	for (size_t i = 0; registry[i] && n < 63; i++)
		kinds[n++] = registry[i]->kind;
	for (const struct cs_controller_ops *const *k = extra(); *k && n < 63; k++)
		kinds[n++] = (*k)->kind;
	kinds[n] = NULL;
	return kinds;
}
