/* controllers/kube — Kubernetes workloads (specs/kubernetes.c) kept as the
 * control plane keeps them: a ReplicationController or ReplicaSet keeps
 * spec.replicas pods, a Deployment rolls its ReplicaSets, a bare Pod is
 * never replaced.  Sources (docs/model.md, "Kubernetes controllers"):
 * pkg/controller/replicaset/replica_set.go (manageReplicas),
 * pkg/controller/controller_utils.go (ActivePodsWithRanks),
 * pkg/controller/deployment/{rolling,recreate,sync}.go and
 * deployment/util (NewRSNewReplicas, MaxUnavailable, ResolveFenceposts).
 *
 * ReplicaSet sync (manageReplicas): diff = spec.replicas - pods (pending,
 * running, and lost ones not yet evicted); at most burst_replicas (500)
 * creations or deletions per sync, the rest at the next sync (at once:
 * the model's API answers at once, so the deletions of all the bursts
 * take one ranking); creations in slow-start batches of 1,
 * 2, 4, ... pods (each batch one job of the scheduler); deletions take the
 * victims of ActivePodsWithRanks (app_track.h: CS_KILL_K8S).  An RC or RS
 * owns every pod it made, whatever template made it: an update changes the
 * template of the pods it makes from then on and replaces none.
 *
 * Deployment, RollingUpdate: each update is a new ReplicaSet (a version
 * of the track, its target its spec.replicas); maxSurge resolves rounding
 * up, maxUnavailable down, and when both are 0 maxUnavailable is 1.  Each
 * sync: the new set grows to min(replicas, its size + replicas + surge -
 * the sets' sizes); the old ones shrink by at most all - (replicas -
 * unavailable) - the new set's unavailable pods: first by their own
 * unavailable pods, then, oldest first, by the available pods beyond
 * replicas - unavailable.  A pod is available once running
 * (minReadySeconds is read, not modelled).  Recreate: the old sets go to 0
 * and the new one is made when no old pod is left.  A scale sets
 * spec.replicas; the rollout's rules then apply (the real controller also
 * scales the sets of a rollout in progress proportionally: not modelled).
 *
 * A pod on a machine that failed stays one of its set's pods until the
 * node controller has marked the node NotReady (app_track.h) and its
 * toleration of node.kubernetes.io/unreachable:NoExecute has run out
 * (its own tolerationSeconds, none: never, default 300 s); then it is
 * deleted and the set replaces it.  Kubernetes-on-Mesos (a Mesos framework
 * places the pods: host->workload_on_mesos) also deletes it when Mesos
 * reports its task LOST, at the agent's removal (the entry's "mesos"
 * object), whichever comes first.  A pod that ends otherwise is replaced
 * at the next sync (at once).  The entry's "kubernetes" object sets the
 * timing constants and burst_replicas; "task_duration" and "task_exit"
 * how a pod's container ends.  Report: summary.json "apps", kind
 * "kubernetes-" + the object's kind. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/app_track.h"
#include "sim/alloc.h"
#include "specs/spec.h"

struct kube {
	struct cs_app_track track;
	struct cs_k8s_timing k8s;
	struct cs_mesos_timing mesos; /* Kubernetes-on-Mesos: the agent's removal */
	bool replace;          /* a workload (not a bare Pod) */
	bool deployment;       /* versions are ReplicaSets (else one set owns them all) */
	bool evicted;          /* pods on a lost node are evicted at all */
	cs_time toleration;    /* how long they stay bound to it */
	bool resync_scheduled;
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

size_t cs_k8s_slow_start_batches(uint64_t n, uint64_t *sizes, size_t cap)
{
	/* replica_set.go slowStartBatch: batches of 1, 2, 4, ... (initial
	 * batch size 1, SlowStartInitialBatchSize), the last what remains */
	size_t k = 0;
	for (uint64_t batch = 1; n > 0 && k < cap; batch *= 2) {
		uint64_t b = batch < n ? batch : n;
		sizes[k++] = b;
		n -= b;
	}
	return k;
}

uint64_t cs_k8s_resolve_intpct(const struct cs_intpct *v, uint64_t total, bool round_up)
{
	if (!v->percent)
		return (uint64_t)v->value;
	double x = v->value * (double)total / 100.0;
	return (uint64_t)(round_up ? ceil(x) : floor(x));
}

/* One ReplicaSet's manageReplicas over versions [first, last), making
 * pods of version `make`; returns whether it hit the burst limit. */
static bool rs_sync(struct kube *k, uint32_t first, uint32_t last, uint32_t make, uint64_t want)
{
	struct cs_app_track *t = &k->track;
	uint64_t have = cs_app_track_existing(t, first, last), burst = k->k8s.burst;
	if (have < want) {
		uint64_t n = want - have < burst ? want - have : burst, sizes[64];
		size_t nb = cs_k8s_slow_start_batches(n, sizes, 64);
		for (size_t i = 0; i < nb; i++)
			cs_app_track_launch(t, make, (uint32_t)sizes[i]);
		return want - have > burst;
	}
	if (have > want) {
		/* every burst of deletions after the first comes at a sync that
		 * follows at once, over the same ranking: one ranking serves
		 * them all (ranking each burst anew made a large scale-down
		 * quadratic) */
		cs_app_track_stop_some(t, first, last, have - want, CS_KILL_K8S);
		return false;
	}
	return false;
}

/* The Deployment controller's rollout step: the sets' targets; returns
 * whether one changed (each change is seen by the controller again, as
 * the real one is woken by its ReplicaSets' updates). */
static void rollout_step(struct kube *k);
static bool rollout(struct kube *k)
{
	struct cs_app_track *t = &k->track;
	uint64_t sum = 0, weighted = 0;
	for (uint32_t i = 0; i < t->nv; i++)
		sum += t->v[i].target, weighted += t->v[i].target * (i + 1);
	rollout_step(k);
	uint64_t sum2 = 0, weighted2 = 0;
	for (uint32_t i = 0; i < t->nv; i++)
		sum2 += t->v[i].target, weighted2 += t->v[i].target * (i + 1);
	return sum != sum2 || weighted != weighted2;
}

static void rollout_step(struct kube *k)
{
	struct cs_app_track *t = &k->track;
	const struct cs_app *app = t->app;
	uint32_t newest = t->nv - 1;
	struct cs_app_version *nv = &t->v[newest];
	uint64_t want = t->desired;
	if (app->k8s.recreate) {
		bool olds = false;
		for (uint32_t i = 0; i < newest; i++) {
			t->v[i].target = 0;
			olds = olds || cs_app_track_existing(t, i, i + 1) > 0;
		}
		nv->target = olds ? 0 : want;
		return;
	}
	uint64_t surge = cs_k8s_resolve_intpct(&app->k8s.max_surge, want, true);
	uint64_t unavail = cs_k8s_resolve_intpct(&app->k8s.max_unavailable, want, false);
	if (surge == 0 && unavail == 0)
		unavail = 1;
	if (unavail > want)
		unavail = want;
	uint64_t total = 0, olds = 0;
	for (uint32_t i = 0; i < t->nv; i++)
		total += t->v[i].target;
	olds = total - nv->target;
	/* reconcileNewReplicaSet */
	if (nv->target > want)
		nv->target = want;
	else if (olds == 0)
		nv->target = want;
	else if (total < want + surge) {
		uint64_t up = nv->target + (want + surge - total);
		nv->target = up < want ? up : want;
	}
	if (olds == 0)
		return;
	/* reconcileOldReplicaSets */
	total = olds + nv->target;
	uint64_t min_available = want - unavail;
	uint64_t new_unavailable = nv->target > nv->running ? nv->target - nv->running : 0;
	if (total <= min_available + new_unavailable)
		return;
	uint64_t max_down = total - min_available - new_unavailable;
	/* cleanupUnhealthyReplicas: the old sets' unavailable pods first */
	for (uint32_t i = 0; i < newest && max_down > 0; i++) {
		struct cs_app_version *o = &t->v[i];
		uint64_t unhealthy = o->target > o->running ? o->target - o->running : 0;
		uint64_t d = unhealthy < max_down ? unhealthy : max_down;
		o->target -= d;
		max_down -= d;
	}
	/* scaleDownOldReplicaSetsForRollingUpdate: available pods beyond
	 * min_available, oldest set first */
	uint64_t available = cs_app_track_running_in(t, 0, t->nv);
	if (available <= min_available)
		return;
	uint64_t down = available - min_available;
	for (uint32_t i = 0; i < newest && down > 0; i++) {
		struct cs_app_version *o = &t->v[i];
		uint64_t d = o->target < down ? o->target : down;
		o->target -= d;
		down -= d;
	}
}

static void resync_fire(void *ctx, cs_time now)
{
	struct kube *k = ctx;
	k->resync_scheduled = false;
	cs_app_track_reconcile(&k->track);
}

/* One pass of the controllers' syncs (cs_app_track_reconcile repeats it
 * while a pass asks for another). */
static void sync_once(struct cs_controller *c)
{
	struct kube *k = c->impl;
	struct cs_app_track *t = &k->track;
	bool more = false;
	if (k->deployment) {
		/* (each step moves a target towards the new set: the passes
		 * end within 2 x replicas) */
		if (rollout(k))
			t->again = true;
		for (uint32_t i = 0; i < t->nv; i++)
			more |= rs_sync(k, i, i + 1, i, t->v[i].target);
	} else {
		more = rs_sync(k, 0, t->nv, t->nv - 1, t->desired);
	}
	if (more && !k->resync_scheduled) {
		/* the burst's rest: when its creations or deletions are seen */
		k->resync_scheduled = true;
		cs_engine_after(t->c->host->engine, 0, resync_fire, k);
	}
}

static void sync_soon(struct kube *k)
{
	cs_app_track_reconcile(&k->track);
}

static int kube_adopt(struct cs_controller *c, const struct cs_cfg *cfg, const struct cs_app *app, json_t *entry,
		      const char *path)
{
	struct kube *k = cs_xcalloc(1, sizeof *k);
	c->impl = k;
	if (cs_k8s_timing_parse(cfg, entry, path, &k->k8s) < 0 || cs_mesos_timing_parse(cfg, entry, path, &k->mesos) < 0 ||
	    cs_app_track_adopt(&k->track, c, app, cfg, entry, path) < 0)
		return -1;
	k->replace = app->kind != CS_APP_K8S_POD;
	k->deployment = app->kind == CS_APP_K8S_DEPLOYMENT;
	if (k->replace)
		k->track.reconcile_once = sync_once;
	unreachable_toleration(k, app);
	snprintf(k->kind, sizeof k->kind, "kubernetes-%s", cs_app_kind_name(app->kind));
	return 0;
}

static void kube_start(struct cs_controller *c)
{
	struct kube *k = c->impl;
	cs_app_track_start(&k->track);
	k->track.v[0].target = k->track.desired;
	if (!k->replace) {
		cs_app_track_launch(&k->track, 0, (uint32_t)k->track.desired);
		return;
	}
	sync_soon(k);
}

static void kube_task_started(struct cs_controller *c, struct cs_task *task)
{
	struct kube *k = c->impl;
	cs_app_track_started(&k->track, task);
	if (k->deployment && k->track.nv > 1)
		sync_soon(k); /* a rollout moves on as pods become available */
}

static void kube_task_ended(struct cs_controller *c, struct cs_task *task, enum cs_task_state why)
{
	struct kube *k = c->impl;
	if (!cs_app_track_ended(&k->track, task, why) || !k->replace)
		return;
	if (why == CS_TASK_LOST) {
		/* still one of the set's pods until evicted */
		cs_time at = CS_TIME_NEVER, now = cs_engine_now(c->host->engine);
		if (k->evicted)
			at = cs_k8s_node_not_ready(now, k->k8s.status_every, k->k8s.monitor_every, k->k8s.grace) +
			     k->toleration;
		if (c->host->workload_on_mesos && c->host->workload_on_mesos[c->workload]) {
			/* Kubernetes-on-Mesos: the framework deletes a pod whose
			 * task Mesos reports LOST, when the agent is removed */
			cs_time lost = cs_mesos_agent_removed(now, k->mesos.ping, k->mesos.max_pings);
			at = lost < at ? lost : at;
		}
		cs_app_track_ghost(&k->track, task, at);
		return;
	}
	sync_soon(k);
}

static void kube_act(struct cs_controller *c, const struct cs_app_action *a)
{
	if (((struct cs_app_track *)c->impl)->ended_at != CS_TIME_NEVER)
		return; /* deleted */
	struct kube *k = c->impl;
	struct cs_app_track *t = &k->track;
	switch (a->what) {
	case CS_ACT_SCALE:
		cs_app_track_set_desired(t, a->instances);
		break;
	case CS_ACT_UPDATE:
		/* a new template: a Deployment's new ReplicaSet (starting at
		 * 0 pods), an RC's or RS's template for the pods it makes next */
		cs_app_track_add_version(t, a->version);
		cs_app_track_set_desired(t, a->instances);
		break;
	case CS_ACT_DELETE:
		cs_app_track_delete(t);
		return;
	}
	sync_soon(k);
}

static json_t *kube_report(struct cs_controller *c)
{
	struct kube *k = c->impl;
	return cs_app_track_report(&k->track, k->kind);
}

static const char *const kube_keys[] = {"kubernetes", "mesos", "task_duration", "task_exit", NULL};

const struct cs_controller_ops cs_kube_ops = {
	.kind = "kubernetes",
	.start = kube_start,
	.task_started = kube_task_started,
	.task_ended = kube_task_ended,
	.job_ended = cs_app_ops_job_ended,
	.report = kube_report,
	.running = cs_app_ops_running,
	.destroy = cs_app_ops_destroy,
	.takes = kube_takes,
	.keys_for_apps = kube_keys,
	.adopt = kube_adopt,
	.act = kube_act,
	.recover = cs_app_ops_recover,
};
