/* schedulers/fw_kubernetes — the "kubernetes" framework kind:
 * Kubernetes-on-Mesos (the kubernetes-mesos project's scheduler), the
 * Kubernetes controllers (controllers/kube.c) over a Mesos framework
 * instead of the kube-scheduler.  It takes Kubernetes workloads, queues
 * pods by priority (then arrival), matches offers as fw_apps.h says, and
 * places each pod on an offered agent that passes the kube-scheduler's
 * filter plugins (schedulers/kube_plugins.c: resources, node selector and
 * affinity, taints, pod anti-affinity, topology spread), counting only the
 * pods it placed itself -- all a framework sees:
 *  - "placement": "fcfs" (the default): the first offer, in the order it
 *    holds them, that passes (kubernetes-mesos' FCFS pod scheduler);
 *  - "scores": the best of the passing offers by the kube-scheduler's
 *    default scores (ties to the first held).
 * Keys: t_job, t_task, placement. */
#include <stdlib.h>

#include "schedulers/fw_apps.h"
#include "schedulers/kube_nodes.h"
#include "sim/alloc.h"
#include "sim/host.h"
#include "specs/spec.h"

struct k8s_fw {
	struct cs_fw_apps apps;
	struct kube_nodes nodes;
	bool scores;
};

static bool k8s_takes(const struct cs_app *app)
{
	return app->kind == CS_APP_K8S_POD || app->kind == CS_APP_K8S_RC || app->kind == CS_APP_K8S_RS ||
	       app->kind == CS_APP_K8S_DEPLOYMENT;
}

static bool before(const struct cs_job *x, const struct cs_job *y)
{
	return (x->spec ? x->spec->priority : 0) > (y->spec ? y->spec->priority : 0);
}

static bool offer_fits(const struct cs_held *h, const struct cs_res *r)
{
	return r->cpu <= h->res.cpu && r->mem <= h->res.mem && r->disk <= h->res.disk;
}

/* The held entry for one pod, or UINT32_MAX. */
static uint32_t pick(struct cs_framework *f, struct cs_job *job)
{
	struct k8s_fw *k = f->impl;
	uint32_t n, best = UINT32_MAX;
	const struct cs_held *held = cs_fw_held(f, &n);
	struct kube_cycle *c = kube_cycle_begin(&k->nodes, job);
	double (*raw)[KUBE_NSCORES] = k->scores ? cs_xmalloc((n ? n : 1) * sizeof *raw) : NULL;
	uint32_t *ok = k->scores ? cs_xmalloc((n ? n : 1) * sizeof *ok) : NULL, nok = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!offer_fits(&held[i], &job->req) || !kube_filter(&k->nodes, c, job, held[i].machine))
			continue;
		if (!k->scores) {
			best = i;
			break;
		}
		kube_score(&k->nodes, c, job, held[i].machine, raw[nok]);
		ok[nok++] = i;
	}
	if (k->scores && nok > 0) {
		double *total = cs_xmalloc(nok * sizeof *total);
		kube_normalize(&k->nodes, raw, nok, total);
		uint32_t b = 0;
		for (uint32_t i = 1; i < nok; i++)
			if (total[i] > total[b])
				b = i;
		best = ok[b];
		free(total);
	}
	free(raw);
	free(ok);
	kube_cycle_end(c);
	return best;
}

static uint32_t place(struct cs_framework *f, struct cs_job *job)
{
	struct k8s_fw *k = f->impl;
	uint32_t placed = 0;
	for (uint32_t i = 0; i < job->ntasks && job->placed < job->ntasks; i++) {
		if (job->tasks[i].state != CS_TASK_PENDING)
			continue;
		uint32_t e = pick(f, job);
		if (e == UINT32_MAX)
			break;
		uint32_t m = cs_fw_held(f, &(uint32_t){0})[e].machine;
		cs_fw_launch(f, &job->tasks[i], e);
		kube_nodes_count(&k->nodes, m, job->spec, +1);
		placed++;
	}
	return placed;
}

static void k8s_task_ended(struct cs_framework *f, struct cs_task *task, enum cs_task_state why)
{
	struct k8s_fw *k = f->impl;
	if (task->machine < f->h->cell->n)
		kube_nodes_count(&k->nodes, task->machine, task->job->spec, -1);
}

static int k8s_create(struct cs_framework *f, const struct cs_cfg *cfg, json_t *config, const char *path)
{
	static const char *const placements[] = {"fcfs", "scores", NULL};
	struct k8s_fw *k = cs_xcalloc(1, sizeof *k);
	f->impl = k;
	k->apps.place = place;
	k->apps.before = before;
	kube_nodes_init(&k->nodes, f->h->cell);
	int which;
	if (cs_fw_apps_init(&k->apps, cfg, config, path) < 0 ||
	    cs_cfg_enum(cfg, config, path, "placement", "fcfs", placements, &which) < 0)
		return -1;
	k->scores = which == 1;
	return 0;
}

static void k8s_destroy(struct cs_framework *f)
{
	struct k8s_fw *k = f->impl;
	kube_nodes_release(&k->nodes);
	cs_fw_apps_release(&k->apps);
	free(k);
	f->impl = NULL;
}

static const char *const k8s_keys[] = {CS_FW_APPS_KEYS, "placement", NULL};

const struct cs_framework_ops cs_fw_kubernetes_ops = {
	.kind = "kubernetes",
	.create = k8s_create,
	.submit = cs_fw_apps_submit,
	.wants_offers = cs_fw_apps_wants_offers,
	.offers_arrived = cs_fw_apps_offers_arrived,
	.task_ended = k8s_task_ended,
	.destroy = k8s_destroy,
	.keys = k8s_keys,
	.takes = k8s_takes,
};
