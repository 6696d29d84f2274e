/* schedulers/kube_preempt — the kube-scheduler's DefaultPreemption
 * (PostFilter) for the kubernetes scheduler kind: when a pod fits no node,
 * find a node where preempting pods of lower priority makes room, and
 * preempt them.  Sources (docs/model.md, "Kubernetes"): the scheduler's
 * preemption documentation and pkg/scheduler/framework/preemption
 * (SelectVictimsOnNode, pickOneNodeForPreemption).
 *
 * For each up node whose non-resource filters the pod passes, the
 * candidates are the pods the kind placed there with a lower priority.
 * If removing them all leaves room for the pod, they are reprieved one by
 * one, highest priority first (then the oldest first), while the pod
 * still fits without them; the rest are the node's victims.  The node
 * picked has the lowest highest-victim priority, then the lowest sum of
 * victim priorities, then the fewest victims, then the lowest index (the
 * real scheduler's next rules -- PodDisruptionBudgets, the victims' start
 * times -- are not modelled).  Its victims are preempted (their
 * controllers replace them) and the pod is bound there at once (the real
 * pod is nominated to the node and bound on its next cycle).  Victims'
 * pods still count in the cycle's anti-affinity and spread counts (the
 * real PostFilter removes them from its simulation first). */
#ifndef CS_KUBE_PREEMPT_H
#define CS_KUBE_PREEMPT_H
#include <stdbool.h>
#include <stdint.h>

#include "schedulers/kube_nodes.h"
#include "sim/host.h"

struct kube_preempt {
	bool on;
	struct kube_on_node {
		struct cs_task **t;
		uint32_t n, cap;
	} *pods;                /* per machine: the pods the kind placed */
	uint32_t nmachines;
	uint64_t preemptions;   /* pods preempted */
	uint64_t preemptors;    /* pods placed by preempting */
};

void kube_preempt_init(struct kube_preempt *p, uint32_t nmachines, bool on);
void kube_preempt_release(struct kube_preempt *p);
/* A pod the kind placed (claimed) / one that left its machine. */
void kube_preempt_placed(struct kube_preempt *p, struct cs_task *task);
void kube_preempt_ended(struct kube_preempt *p, const struct cs_task *task);
/* PostFilter for one pod of job: the node it may now be bound to (its
 * victims preempted), or CS_NO_MACHINE. */
uint32_t kube_preempt_run(struct kube_preempt *p, struct cs_host *h, const struct kube_nodes *k, struct kube_cycle *c,
			  const struct cs_job *job);
/* A pod's priority: its app's (spec.priority, a PriorityClass's), else
 * its job's. */
int kube_pod_priority(const struct cs_job *job);

#endif
