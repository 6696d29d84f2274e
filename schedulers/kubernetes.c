/* schedulers/kubernetes — the kube-scheduler as a scheduler kind: one
 * scheduling queue ordered by priority (higher first, then first come),
 * one pod at a time, each through the filter and score plugins of its
 * profile (kube_plugins.c) over the nodes it samples.
 *
 * Config (docs/experiments.md, "kubernetes"): {"type": "kubernetes",
 *   "t_job": 0.1, "t_task": 0.005 (the decision-time model every kind
 *   shares: a job of n pods takes t_job + n t_task), "profile":
 *   {"scoring_strategy": "LeastAllocated" | "MostAllocated", "weights":
 *   {PLUGIN: N, ...}, "percentage_of_nodes_to_score": 0 (adaptive) ..
 *   100}, and the retry keys (retry "event" re-queues unschedulable pods
 *   when resources are freed, as the scheduler's unschedulable queue
 *   moves pods back on cluster events)}.
 *
 * Sampling (percentageOfNodesToScore): on a cell of fewer than 100 nodes
 * every node is examined; otherwise the scheduler stops filtering once it
 * has found max(100, n x p / 100) feasible nodes, p the configured
 * percentage or, with 0, the adaptive one: max(5, 50 - n / 125) percent;
 * each search starts where the last one stopped (the scheduler's
 * nextStartNodeIndex).  The feasible node with the highest weighted score
 * wins; ties are broken uniformly at random, on the kind's own stream.
 * A pod that fits nowhere goes to preemption (PostFilter,
 * kube_preempt.h; profile "preemption": true, the default); if that finds
 * no node either, it ends the attempt (the job's other pods are alike) and
 * the decision ladder retries or parks the job. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedulers/kube_nodes.h"
#include "schedulers/kube_preempt.h"
#include "schedulers/sched_common.h"
#include "schedulers/serial.h"
#include "schedulers/scheduler.h"
#include "sim/alloc.h"
#include "sim/fastrng.h"
#include "sim/host.h"

struct kube {
	struct cs_serial serial;    /* the decision loop (schedulers/serial.h) */
	struct cs_host *h;
	struct cs_decision_time dt;
	struct kube_nodes nodes;
	struct kube_preempt preempt;
	double pct;                 /* percentage_of_nodes_to_score (0: adaptive) */
	uint32_t next_start;
	struct cs_fastrng rng;
	/* the queue: a binary heap by (priority desc, sequence asc) */
	struct cs_job **heap;
	uint64_t *seq;
	size_t n, cap;
	uint64_t next_seq;
	uint64_t nodes_filtered, nodes_scored, unschedulable, pods_placed;
	double (*raw)[KUBE_NSCORES];
	uint32_t *cand;
	double *total;
};

static int prio(const struct cs_job *job)
{
	return kube_pod_priority(job);
}

static bool before(const struct kube *k, size_t a, size_t b)
{
	int pa = prio(k->heap[a]), pb = prio(k->heap[b]);
	return pa != pb ? pa > pb : k->seq[a] < k->seq[b];
}

static void swap(struct kube *k, size_t a, size_t b)
{
	struct cs_job *j = k->heap[a];
	uint64_t s = k->seq[a];
	k->heap[a] = k->heap[b];
	k->seq[a] = k->seq[b];
	k->heap[b] = j;
	k->seq[b] = s;
}

static void push(void *kind, struct cs_job *job)
{
	struct kube *k = kind;
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 64;
		k->heap = cs_xrealloc(k->heap, k->cap * sizeof *k->heap);
		k->seq = cs_xrealloc(k->seq, k->cap * sizeof *k->seq);
	}
	size_t i = k->n++;
	k->heap[i] = job;
	k->seq[i] = k->next_seq++;
	while (i > 0 && before(k, i, (i - 1) / 2)) {
		swap(k, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static struct cs_job *pop(void *kind)
{
	struct kube *k = kind;
	if (!k->n)
		return NULL;
	struct cs_job *top = k->heap[0];
	k->n--;
	if (k->n) {
		k->heap[0] = k->heap[k->n];
		k->seq[0] = k->seq[k->n];
		size_t i = 0;
		for (;;) {
			size_t l = 2 * i + 1, r = l + 1, best = i;
			if (l < k->n && before(k, l, best))
				best = l;
			if (r < k->n && before(k, r, best))
				best = r;
			if (best == i)
				break;
			swap(k, i, best);
			i = best;
		}
	}
	return top;
}

static cs_time decision_time(void *kind, const struct cs_job *job)
{
	struct kube *k = kind;
	return cs_decision_time(&k->dt, job);
}

/* how many feasible nodes a search looks for (numFeasibleNodesToFind) */
static uint32_t nodes_to_find(const struct kube *k, uint32_t n)
{
	if (n < 100 || k->pct >= 100)
		return n;
	double pct = k->pct > 0 ? k->pct : fmax(5, 50 - (double)n / 125);
	uint32_t want = (uint32_t)((double)n * pct / 100);
	return want < 100 ? 100 : want;
}

/* The node for one pod of job, or CS_NO_MACHINE. */
static uint32_t schedule_pod(struct kube *k, struct cs_job *job)
{
	uint32_t n = k->h->cell->n, want = nodes_to_find(k, n), found = 0, examined = 0;
	struct kube_cycle *c = kube_cycle_begin(&k->nodes, job);
	for (; examined < n && found < want; examined++) {
		uint32_t m = (k->next_start + examined) % n;
		k->nodes_filtered++;
		if (!kube_filter(&k->nodes, c, job, m))
			continue;
		k->cand[found] = m;
		kube_score(&k->nodes, c, job, m, k->raw[found]);
		found++;
	}
	k->next_start = n ? (k->next_start + examined) % n : 0;
	kube_cycle_end(c);
	if (!found)
		return CS_NO_MACHINE;
	k->nodes_scored += found;
	kube_normalize(&k->nodes, k->raw, found, k->total);
	uint32_t best = 0, ties = 1;
	for (uint32_t i = 1; i < found; i++) {
		if (k->total[i] > k->total[best] + 1e-9) {
			best = i;
			ties = 1;
		} else if (fabs(k->total[i] - k->total[best]) <= 1e-9 && cs_fastrng_below(&k->rng, ++ties) == 0) {
			best = i; /* reservoir: each of the tied nodes equally likely */
		}
	}
	return k->cand[best];
}

static uint32_t place_pods(void *kind, struct cs_job *job)
{
	struct kube *k = kind;
	uint32_t placed = 0;
	for (uint32_t i = 0; i < job->ntasks && job->placed < job->ntasks; i++) {
		struct cs_task *t = &job->tasks[i];
		if (t->state != CS_TASK_PENDING)
			continue;
		uint32_t m = schedule_pod(k, job);
		if (m == CS_NO_MACHINE && k->preempt.on) {
			struct kube_cycle *c = kube_cycle_begin(&k->nodes, job);
			m = kube_preempt_run(&k->preempt, k->h, &k->nodes, c, job);
			kube_cycle_end(c);
			if (m != CS_NO_MACHINE && !cs_cell_fits(k->h->cell, m, &job->req))
				m = CS_NO_MACHINE;
		}
		if (m == CS_NO_MACHINE) {
			k->unschedulable++;
			break;
		}
		cs_cell_claim(k->h->cell, t, m);
		kube_preempt_placed(&k->preempt, t);
		kube_nodes_count(&k->nodes, m, job->spec, +1);
		placed++;
		k->pods_placed++;
	}
	return placed;
}

static const struct cs_serial_ops kube_serial = {push, pop, decision_time, place_pods};

static void kube_submit(void *self, struct cs_job *job)
{
	struct kube *k = self;
	cs_serial_submit(&k->serial, job);
}

static void kube_task_ended(void *self, struct cs_task *task, enum cs_task_state why)
{
	struct kube *k = self;
	if (!task->job->prefill && task->machine != CS_NO_MACHINE) {
		kube_nodes_count(&k->nodes, task->machine, task->job->spec, -1);
		kube_preempt_ended(&k->preempt, task);
	}
	cs_serial_resources_freed(&k->serial);
}

static void kube_request_changed(void *self, struct cs_job *job, const struct cs_res *old)
{
	struct kube *k = self;
	if (cs_request_shrank(job, old))
		cs_serial_resources_freed(&k->serial);
}

static void kube_machine_changed(void *self, uint32_t machine, bool up)
{
	struct kube *k = self;
	if (up)
		cs_serial_resources_freed(&k->serial);
}

static void kube_report(void *self, struct cs_report *out)
{
	struct kube *k = self;
	cs_serial_report(&k->serial, out);
	if (!out->counters_only)
		out->extra = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "nodes_filtered", (json_int_t)k->nodes_filtered,
				       "nodes_scored", (json_int_t)k->nodes_scored, "pods_unschedulable",
				       (json_int_t)k->unschedulable, "pods_placed", (json_int_t)k->pods_placed,
				       "pods_preempted", (json_int_t)k->preempt.preemptions, "preemptors",
				       (json_int_t)k->preempt.preemptors);
}

static void kube_destroy(void *self)
{
	struct kube *k = self;
	if (!k)
		return;
	kube_nodes_release(&k->nodes);
	kube_preempt_release(&k->preempt);
	free(k->heap);
	free(k->seq);
	free(k->raw);
	free(k->cand);
	free(k->total);
	free(k);
}

static int parse_profile(struct kube *k, const struct cs_cfg *cfg, json_t *config)
{
	static const char *const keys[] = {"scoring_strategy", "weights", "percentage_of_nodes_to_score", "preemption",
					   NULL};
	static const char *const strategies[] = {"LeastAllocated", "MostAllocated", NULL};
	json_t *prof = json_object_get(config, "profile");
	if (!prof) {
		prof = json_object();
		json_object_set_new(config, "profile", prof);
	}
	int strategy;
	bool preempt;
	if (cs_cfg_need_object(cfg, prof, "scheduler.profile") < 0 || cs_cfg_keys(cfg, prof, "scheduler.profile", keys) < 0 ||
	    cs_cfg_bool(cfg, prof, "scheduler.profile", "preemption", true, &preempt) < 0 ||
	    cs_cfg_enum(cfg, prof, "scheduler.profile", "scoring_strategy", "LeastAllocated", strategies, &strategy) < 0 ||
	    cs_cfg_num_in(cfg, prof, "scheduler.profile", "percentage_of_nodes_to_score", 0, 0, 0, 100, &k->pct) < 0)
		return -1;
	k->nodes.strategy = (enum kube_strategy)strategy;
	kube_preempt_init(&k->preempt, k->h->cell->n, preempt);
	json_t *w = json_object_get(prof, "weights");
	if (!w) {
		w = json_object();
		json_object_set_new(prof, "weights", w);
	}
	if (cs_cfg_need_object(cfg, w, "scheduler.profile.weights") < 0 ||
	    cs_cfg_keys(cfg, w, "scheduler.profile.weights", kube_score_names) < 0)
		return -1;
	for (int p = 0; p < KUBE_NSCORES; p++) {
		double x;
		if (cs_cfg_num_in(cfg, w, "scheduler.profile.weights", kube_score_names[p], k->nodes.weight[p],
				  CS_CFG_INTEGER, 0, 100, &x) < 0)
			return -1;
		k->nodes.weight[p] = (int32_t)x;
	}
	return 0;
}

static int kube_create(struct cs_host *h, const struct cs_cfg *cfg, json_t *config, void **self)
{
	static const char *const keys[] = {"type", "label", "t_job", "t_task", "profile", CS_RETRY_KEYS, NULL};
	struct kube *k = cs_xcalloc(1, sizeof *k);
	*self = k;
	k->h = h;
	cs_serial_init(&k->serial, &kube_serial, k, h, "kubernetes");
	kube_nodes_init(&k->nodes, h->cell);
	if (cs_cfg_keys(cfg, config, "scheduler", keys) < 0 ||
	    cs_decision_time_parse(cfg, config, "scheduler", &k->dt) < 0 ||
	    cs_retry_parse(cfg, config, "scheduler", &k->serial.retry) < 0 || parse_profile(k, cfg, config) < 0)
		return -1;
	gsl_rng *r = cs_host_rng(h, "kubernetes");
	cs_fastrng_seed(&k->rng, r);
	gsl_rng_free(r);
	uint32_t n = h->cell->n ? h->cell->n : 1;
	k->raw = cs_xmalloc(n * sizeof *k->raw);
	k->cand = cs_xmalloc(n * sizeof *k->cand);
	k->total = cs_xmalloc(n * sizeof *k->total);
	return 0;
}

const struct cs_scheduler_ops cs_kubernetes_ops = {
	.name = "kubernetes",
	.create = kube_create,
	.submit = kube_submit,
	.task_ended = kube_task_ended,
	.machine_changed = kube_machine_changed,
	.request_changed = kube_request_changed,
	.report = kube_report,
	.destroy = kube_destroy,
};
