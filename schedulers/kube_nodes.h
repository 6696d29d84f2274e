/* schedulers/kube_nodes — what the kubernetes scheduler kind knows of
 * nodes and of the pods on them, and its filter and score plugins
 * (kube_plugins.c), apart from its queue and decisions (kubernetes.c).
 *
 * Nodes are the cell's machines.  A node's labels are its class's
 * attributes (as strings) plus kubernetes.io/hostname and metadata.name,
 * both "CLASS-k" (the k-th machine of the class, from 0); its taints are
 * the class's "taints" ("key[=value]:Effect").  A pod is a task; its spec
 * is its job's app (job->spec: labels, node selector and affinity,
 * tolerations, pod (anti-)affinity, topology spread), or none (a
 * workload's task: no labels, no rules).  The kind counts the pods of
 * each spec on each node from its own claims and the task ends it hears
 * of. */
#ifndef CS_KUBE_NODES_H
#define CS_KUBE_NODES_H
#include <stdbool.h>
#include <stdint.h>

#include "sim/cell.h"
#include "sim/job.h"
#include "specs/spec.h"

struct kube_taint {
	char *key, *value;
	enum cs_taint_effect effect;
};

struct kube_class {
	struct cs_labels labels;  /* attributes as strings */
	struct kube_taint *taints;
	uint32_t ntaints;
};

/* pods on one node, counted by spec (NULL: pods without one) */
struct kube_node_pods {
	const struct cs_app **spec;
	uint32_t *count;
	uint32_t n, cap;
};

enum kube_strategy { KUBE_LEAST_ALLOCATED, KUBE_MOST_ALLOCATED };
enum { KUBE_FIT, KUBE_BALANCED, KUBE_NODE_AFFINITY, KUBE_INTER_POD, KUBE_SPREAD, KUBE_TAINT, KUBE_NSCORES };
extern const char *const kube_score_names[KUBE_NSCORES + 1];

struct kube_nodes {
	const struct cs_cell *cell;
	struct kube_class *classes;
	struct kube_node_pods *pods;    /* per machine */
	enum kube_strategy strategy;
	int32_t weight[KUBE_NSCORES];
	/* the specs with a required anti-affinity term that have pods
	 * placed, and how many (so that a cycle looks at these, not at every
	 * node's pods) */
	struct kube_anti {
		const struct cs_app *spec;
		uint64_t pods;
	} *anti;
	uint32_t nanti, capanti;
};

void kube_nodes_init(struct kube_nodes *k, const struct cs_cell *cell);
void kube_nodes_release(struct kube_nodes *k);
/* A pod of spec arrived on (+1) or left (-1) machine m. */
void kube_nodes_count(struct kube_nodes *k, uint32_t m, const struct cs_app *spec, int delta);

/* The label value of machine m for key (hostname labels included), into
 * buf; NULL if it has none. */
const char *kube_node_label(const struct kube_nodes *k, uint32_t m, const char *key, char *buf, size_t n);

/* One scheduling cycle's state for a pod: per-pod precomputed topology
 * counts, filled by kube_cycle_begin over the cell. */
struct kube_cycle;
struct kube_cycle *kube_cycle_begin(const struct kube_nodes *k, const struct cs_job *job);
void kube_cycle_end(struct kube_cycle *c);
/* Filter plugins: whether the pod may go on m (resources included). */
bool kube_filter(const struct kube_nodes *k, struct kube_cycle *c, const struct cs_job *job, uint32_t m);
/* The same but the resources (the machine must be up): for preemption,
 * which frees them.  (Victims' pods still count in the cycle's
 * anti-affinity and spread counts: the real PostFilter removes them from
 * its simulation; the model keeps the stricter answer.) */
bool kube_filter_rules(const struct kube_nodes *k, struct kube_cycle *c, const struct cs_job *job, uint32_t m);
/* Score plugins: each plugin's raw score of m, into raw[KUBE_NSCORES];
 * then kube_normalize turns the raw scores of the feasible nodes (n rows)
 * into the weighted total of each (out[n]). */
void kube_score(const struct kube_nodes *k, struct kube_cycle *c, const struct cs_job *job, uint32_t m,
		double raw[KUBE_NSCORES]);
void kube_normalize(const struct kube_nodes *k, double (*raw)[KUBE_NSCORES], uint32_t n, double *out);

#endif
