/* schedulers/fw_marathon — the "marathon" framework kind: Marathon as a
 * Mesos framework (Marathon-on-Mesos).  It takes Marathon apps (an app
 * no framework's "workloads" names goes to the one marathon framework),
 * keeps its launch queue in arrival order and matches offers as
 * fw_apps.h says: an instance that fits no offer does not hold up the
 * other apps.  Placement: random first fit over the held offers, with the
 * app's constraints (its jobs' placement rule) kept.  What keeps the apps
 * running (instances, backoff, deployments) is the marathon controller
 * (controllers/marathon.c), whatever scheduler places them.
 * Keys: t_job, t_task (a decision per app per offer round). */
#include <stdlib.h>

#include "schedulers/fw_apps.h"
#include "sim/alloc.h"
#include "specs/spec.h"

static bool marathon_takes(const struct cs_app *app)
{
	return app->kind == CS_APP_MARATHON;
}

static int marathon_create(struct cs_framework *f, const struct cs_cfg *cfg, json_t *config, const char *path)
{
	struct cs_fw_apps *a = cs_xcalloc(1, sizeof *a);
	f->impl = a;
	a->place = cs_fw_place_job;
	return cs_fw_apps_init(a, cfg, config, path);
}

static void marathon_destroy(struct cs_framework *f)
{
	cs_fw_apps_release(f->impl);
	free(f->impl);
	f->impl = NULL;
}

static const char *const marathon_keys[] = {CS_FW_APPS_KEYS, NULL};

const struct cs_framework_ops cs_fw_marathon_ops = {
	.kind = "marathon",
	.create = marathon_create,
	.submit = cs_fw_apps_submit,
	.wants_offers = cs_fw_apps_wants_offers,
	.offers_arrived = cs_fw_apps_offers_arrived,
	.destroy = marathon_destroy,
	.keys = marathon_keys,
	.takes = marathon_takes,
};
