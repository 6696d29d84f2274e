/* controllers/kube — Kubernetes workloads (specs/kubernetes.c) kept
 * alive as the control plane does: a ReplicationController, ReplicaSet or
 * Deployment keeps spec.replicas pods; a bare Pod is never replaced.
 *
 * A pod on a machine that failed is replaced only when the node
 * controller has marked the node NotReady (app_track.h: the kubelet's
 * status posts, the monitor period and grace period) and the pod's
 * toleration of the node.kubernetes.io/unreachable:NoExecute taint has
 * run out: its own toleration's seconds if it has one (none: it stays
 * bound for ever), else default_toleration_seconds (the
 * DefaultTolerationSeconds admission plugin's 300 s).  A pod that ends
 * otherwise (its task finished, or was killed or preempted) is replaced at
 * once (restartPolicy Always restarts a container in place; the model
 * places a new pod).  The entry's "kubernetes" object sets the four
 * timing constants; "task_duration" (default null) how long a pod runs.
 * Report: summary.json "apps", kind "kubernetes-" + the object's kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/app_track.h"
#include "sim/alloc.h"
#include "specs/spec.h"

struct kube {
	struct cs_app_track track;
	struct cs_k8s_timing k8s;
	bool replace;          /* a workload (not a bare Pod) */
	bool evicted;          /* pods on a lost node are evicted at all */
	cs_time toleration;    /* how long they stay bound to it */
	char kind[48];
};

static bool kube_takes(const struct cs_app *app)
{
	return app->kind == CS_APP_K8S_POD || app->kind == CS_APP_K8S_RC || app->kind == CS_APP_K8S_RS ||
	       app->kind == CS_APP_K8S_DEPLOYMENT;
}

/* the pod's toleration of node.kubernetes.io/unreachable:NoExecute */
static void unreachable_toleration(struct kube *k, const struct cs_app *app)
{
	k->evicted = true;
	k->toleration = k->k8s.toleration;
	for (size_t i = 0; i < app->k8s.ntolerations; i++) {
		const struct cs_toleration *t = &app->k8s.tolerations[i];
		bool key = t->key ? strcmp(t->key, "node.kubernetes.io/unreachable") == 0 : t->exists;
		bool effect = t->effect == CS_EFFECT_ANY || t->effect == CS_EFFECT_NO_EXECUTE;
		if (!key || !effect)
			continue;
		if (t->seconds < 0 || t->effect == CS_EFFECT_ANY)
			k->evicted = false; /* tolerated for ever */
		else
			k->toleration = cs_time_from_seconds(t->seconds);
		return;
	}
}

static int kube_adopt(struct cs_controller *c, const struct cs_cfg *cfg, const struct cs_app *app, json_t *entry,
		      const char *path)
{
	struct kube *k = cs_xcalloc(1, sizeof *k);
	c->impl = k;
	if (cs_k8s_timing_parse(cfg, entry, path, &k->k8s) < 0 || cs_app_track_adopt(&k->track, c, app, cfg, entry, path) < 0)
		return -1;
	k->replace = app->kind != CS_APP_K8S_POD;
	unreachable_toleration(k, app);
	snprintf(k->kind, sizeof k->kind, "kubernetes-%s", cs_app_kind_name(app->kind));
	return 0;
}

static void kube_task_ended(struct cs_controller *c, struct cs_task *task, enum cs_task_state why)
{
	struct kube *k = c->impl;
	cs_app_track_ended(&k->track, task, why);
	if (!k->replace)
		return;
	if (why != CS_TASK_LOST) {
		cs_app_track_launch(&k->track, 1, true);
		return;
	}
	if (!k->evicted)
		return; /* bound to the lost node for ever */
	cs_time now = cs_engine_now(c->host->engine);
	cs_time ready = cs_k8s_node_not_ready(now, k->k8s.status_every, k->k8s.monitor_every, k->k8s.grace);
	cs_app_track_replace_at(&k->track, ready + k->toleration);
}

static json_t *kube_report(struct cs_controller *c)
{
	struct kube *k = c->impl;
	return cs_app_track_report(&k->track, k->kind);
}

static const char *const kube_keys[] = {"kubernetes", "task_duration", NULL};

const struct cs_controller_ops cs_kube_ops = {
	.kind = "kubernetes",
	.start = cs_app_ops_start,
	.task_started = cs_app_ops_task_started,
	.task_ended = kube_task_ended,
	.job_ended = cs_app_ops_job_ended,
	.report = kube_report,
	.running = cs_app_ops_running,
	.destroy = cs_app_ops_destroy,
	.takes = kube_takes,
	.keys_for_apps = kube_keys,
	.adopt = kube_adopt,
};
