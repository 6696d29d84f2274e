/* schedulers/kube_preempt — see kube_preempt.h. */
#include "schedulers/kube_preempt.h"

#include <stdlib.h>

#include "sim/alloc.h"
#include "specs/spec.h"

int kube_pod_priority(const struct cs_job *job)
{
	return job->spec ? job->spec->priority : job->priority;
}

void kube_preempt_init(struct kube_preempt *p, uint32_t nmachines, bool on)
{
	*p = (struct kube_preempt){.on = on, .nmachines = nmachines};
	if (on)
		p->pods = cs_xcalloc(nmachines ? nmachines : 1, sizeof *p->pods);
}

void kube_preempt_release(struct kube_preempt *p)
{
	for (uint32_t m = 0; p->pods && m < p->nmachines; m++)
		free(p->pods[m].t);
	free(p->pods);
	p->pods = NULL;
}

void kube_preempt_placed(struct kube_preempt *p, struct cs_task *task)
{
	if (!p->pods)
		return;
	struct kube_on_node *o = &p->pods[task->machine];
	CS_GROW(o->t, o->cap, o->n + 1);
	o->t[o->n++] = task;
}

void kube_preempt_ended(struct kube_preempt *p, const struct cs_task *task)
{
	if (!p->pods || task->machine >= p->nmachines)
		return;
	struct kube_on_node *o = &p->pods[task->machine];
	for (uint32_t i = 0; i < o->n; i++)
		if (o->t[i] == task) {
			o->t[i] = o->t[--o->n];
			return;
		}
}

/* higher priority first, then the older (claimed earlier) */
static int more_important(const void *a, const void *b)
{
	const struct cs_task *x = *(struct cs_task *const *)a, *y = *(struct cs_task *const *)b;
	int px = kube_pod_priority(x->job), py = kube_pod_priority(y->job);
	if (px != py)
		return px > py ? -1 : 1;
	return x->claim_seq < y->claim_seq ? -1 : x->claim_seq > y->claim_seq;
}

static bool fits(const struct cs_res *free_, const struct cs_res *r)
{
	return r->cpu <= free_->cpu && r->mem <= free_->mem && r->disk <= free_->disk;
}

/* m's victims for job's pod into v (by importance), or -1 if none can make
 * room; *top and *sum their highest and summed priorities. */
static int64_t victims_on(const struct kube_preempt *p, const struct cs_cell *cell, uint32_t m, const struct cs_job *job,
			  struct cs_task **v, int *top, int64_t *sum)
{
	const struct kube_on_node *o = &p->pods[m];
	int prio = kube_pod_priority(job);
	uint32_t n = 0;
	struct cs_res free_ = cs_cell_free(cell, m);
	for (uint32_t i = 0; i < o->n; i++)
		if (kube_pod_priority(o->t[i]->job) < prio) {
			v[n++] = o->t[i];
			free_.cpu += o->t[i]->job->req.cpu;
			free_.mem += o->t[i]->job->req.mem;
			free_.disk += o->t[i]->job->req.disk;
		}
	if (n == 0 || !fits(&free_, &job->req))
		return -1;
	qsort(v, n, sizeof *v, more_important);
	uint32_t k = 0;
	*top = INT32_MIN;
	*sum = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct cs_res keep = {free_.cpu - v[i]->job->req.cpu, free_.mem - v[i]->job->req.mem,
				      free_.disk - v[i]->job->req.disk};
		if (fits(&keep, &job->req)) {
			free_ = keep; /* reprieved */
			continue;
		}
		int pv = kube_pod_priority(v[i]->job);
		*top = pv > *top ? pv : *top;
		*sum += pv;
		v[k++] = v[i];
	}
	return k;
}

uint32_t kube_preempt_run(struct kube_preempt *p, struct cs_host *h, const struct kube_nodes *k, struct kube_cycle *c,
			  const struct cs_job *job)
{
	if (!p->on)
		return CS_NO_MACHINE;
	const struct cs_cell *cell = h->cell;
	uint32_t best = CS_NO_MACHINE, nbest = 0, maxn = 0;
	int best_top = 0;
	int64_t best_sum = 0;
	for (uint32_t m = 0; m < p->nmachines; m++)
		maxn = p->pods[m].n > maxn ? p->pods[m].n : maxn;
	struct cs_task **v = cs_xmalloc((maxn ? maxn : 1) * sizeof *v), **bv = cs_xmalloc((maxn ? maxn : 1) * sizeof *bv);
	for (uint32_t m = 0; m < p->nmachines; m++) {
		if (p->pods[m].n == 0 || !kube_filter_rules(k, c, job, m))
			continue;
		int top;
		int64_t sum, n = victims_on(p, cell, m, job, v, &top, &sum);
		if (n <= 0)
			continue; /* (0: it fits without preempting: not here) */
		bool better = best == CS_NO_MACHINE || top < best_top || (top == best_top && sum < best_sum) ||
			      (top == best_top && sum == best_sum && (uint32_t)n < nbest);
		if (!better)
			continue;
		best = m, best_top = top, best_sum = sum, nbest = (uint32_t)n;
		for (uint32_t i = 0; i < nbest; i++)
			bv[i] = v[i];
	}
	for (uint32_t i = 0; best != CS_NO_MACHINE && i < nbest; i++) {
		p->preemptions++;
		cs_host_preempt(h, bv[i]); /* (kube_preempt_ended takes it off the list) */
	}
	if (best != CS_NO_MACHINE)
		p->preemptors++;
	free(v);
	free(bv);
	return best;
}
