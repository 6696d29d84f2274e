/* schedulers/kube_plugins — the kube-scheduler's filter and score plugins
 * on the model's nodes (kube_nodes.h).
 *
 * Filters (the default profile's, Kubernetes 1.2x): NodeUnschedulable
 * (down machines), NodeResourcesFit, NodeAffinity (nodeSelector and the
 * required terms), TaintToleration (NoSchedule and NoExecute taints must
 * be tolerated), InterPodAffinity (the pod's required affinity and
 * anti-affinity, and the anti-affinity of pods already placed against
 * it), PodTopologySpread (DoNotSchedule constraints: the domain's matching
 * pods + 1 - the fewest in any eligible domain <= maxSkew).
 * Scores, each 0..100 on the feasible nodes, then weighted:
 *   NodeResourcesFit  LeastAllocated: mean over cpu and memory of
 *                     (capacity - requested) / capacity x 100, requested
 *                     including the pod; MostAllocated: requested /
 *                     capacity x 100
 *   BalancedAllocation (1 - the standard deviation of the cpu and memory
 *                     fractions requested) x 100
 *   NodeAffinity      the preferred terms' weights that match, x 100 / the
 *                     largest such sum on any feasible node
 *   TaintToleration   100 - untolerated PreferNoSchedule taints x 100 /
 *                     the most on any feasible node
 *   InterPodAffinity  the preferred terms' weight x matching pods in the
 *                     node's domain (anti-affinity negative), scaled to
 *                     0..100 between the feasible nodes' least and most
 *   PodTopologySpread ScheduleAnyway constraints: matching pods in the
 *                     node's domain s, 100 x (max + min - s) / max
 * (scores of the kube-scheduler's plugins, pkg/scheduler/framework/plugins;
 * its InterPodAffinity also scores existing pods' preferred terms and
 * PodTopologySpread weighs constraints by their domain count: not
 * modelled).  Default weights: NodeResourcesFit 1, BalancedAllocation 1,
 * NodeAffinity 2, InterPodAffinity 2, PodTopologySpread 2,
 * TaintToleration 3. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedulers/kube_nodes.h"
#include "sim/alloc.h"

const char *const kube_score_names[KUBE_NSCORES + 1] = {
	"NodeResourcesFit", "NodeResourcesBalancedAllocation", "NodeAffinity", "InterPodAffinity",
	"PodTopologySpread", "TaintToleration", NULL,
};

static const struct cs_labels no_labels;

static const struct cs_labels *pod_labels(const struct cs_app *spec)
{
	return spec ? &spec->labels : &no_labels;
}

static void parse_taint(struct kube_taint *t, const char *s)
{
	const char *colon = strrchr(s, ':'), *eq = memchr(s, '=', (size_t)(colon - s));
	size_t klen = (size_t)((eq ? eq : colon) - s);
	t->key = cs_xmalloc(klen + 1);
	memcpy(t->key, s, klen);
	t->key[klen] = '\0';
	if (eq) {
		size_t vlen = (size_t)(colon - eq - 1);
		t->value = cs_xmalloc(vlen + 1);
		memcpy(t->value, eq + 1, vlen);
		t->value[vlen] = '\0';
	}
	t->effect = strcmp(colon + 1, "NoSchedule") == 0	   ? CS_EFFECT_NO_SCHEDULE
		    : strcmp(colon + 1, "PreferNoSchedule") == 0 ? CS_EFFECT_PREFER_NO_SCHEDULE
								 : CS_EFFECT_NO_EXECUTE;
}

void kube_nodes_init(struct kube_nodes *k, const struct cs_cell *cell)
{
	memset(k, 0, sizeof *k);
	k->cell = cell;
	k->classes = cs_xcalloc(cell->nclasses ? cell->nclasses : 1, sizeof *k->classes);
	for (uint32_t c = 0; c < cell->nclasses; c++) {
		const struct cs_machine_class *mc = &cell->classes[c];
		const char *key;
		json_t *v;
		json_object_foreach(mc->attributes, key, v) {
			char buf[256];
			cs_attribute_text(v, buf, sizeof buf);
			cs_labels_set(&k->classes[c].labels, key, buf);
		}
		size_t nt = json_array_size(mc->taints);
		k->classes[c].taints = nt ? cs_xcalloc(nt, sizeof *k->classes[c].taints) : NULL;
		for (size_t i = 0; i < nt; i++)
			parse_taint(&k->classes[c].taints[k->classes[c].ntaints++], json_string_value(json_array_get(mc->taints, i)));
	}
	k->pods = cs_xcalloc(cell->n ? cell->n : 1, sizeof *k->pods);
	static const int32_t defaults[KUBE_NSCORES] = {1, 1, 2, 2, 2, 3};
	memcpy(k->weight, defaults, sizeof defaults);
}

void kube_nodes_release(struct kube_nodes *k)
{
	for (uint32_t c = 0; k->classes && c < k->cell->nclasses; c++) {
		cs_labels_release(&k->classes[c].labels);
		for (uint32_t i = 0; i < k->classes[c].ntaints; i++) {
			free(k->classes[c].taints[i].key);
			free(k->classes[c].taints[i].value);
		}
		free(k->classes[c].taints);
	}
	free(k->classes);
	for (uint32_t m = 0; k->pods && m < k->cell->n; m++) {
		free(k->pods[m].spec);
		free(k->pods[m].count);
	}
	free(k->pods);
	free(k->anti);
	memset(k, 0, sizeof *k);
}

static bool has_required_anti(const struct cs_app *spec)
{
	for (size_t t = 0; spec && t < spec->k8s.npod_terms; t++)
		if (spec->k8s.pod_terms[t].anti && !spec->k8s.pod_terms[t].weight)
			return true;
	return false;
}

static void count_anti(struct kube_nodes *k, const struct cs_app *spec, int delta)
{
	for (uint32_t i = 0; i < k->nanti; i++)
		if (k->anti[i].spec == spec) {
			k->anti[i].pods = (uint64_t)((int64_t)k->anti[i].pods + delta);
			if (k->anti[i].pods == 0) /* (order kept: the cycle's forbid order) */
				memmove(&k->anti[i], &k->anti[i + 1], (--k->nanti - i) * sizeof *k->anti);
			return;
		}
	if (delta <= 0)
		return;
	CS_GROW(k->anti, k->capanti, k->nanti + 1);
	k->anti[k->nanti++] = (struct kube_anti){spec, (uint64_t)delta};
}

void kube_nodes_count(struct kube_nodes *k, uint32_t m, const struct cs_app *spec, int delta)
{
	struct kube_node_pods *p = &k->pods[m];
	if (has_required_anti(spec))
		count_anti(k, spec, delta);
	for (uint32_t i = 0; i < p->n; i++) {
		if (p->spec[i] == spec) {
			p->count[i] = (uint32_t)((int64_t)p->count[i] + delta);
			if (p->count[i] == 0) { /* keep the list short */
				p->spec[i] = p->spec[p->n - 1];
				p->count[i] = p->count[--p->n];
			}
			return;
		}
	}
	if (delta <= 0)
		return;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->spec = cs_xrealloc(p->spec, p->cap * sizeof *p->spec);
		p->count = cs_xrealloc(p->count, p->cap * sizeof *p->count);
	}
	p->spec[p->n] = spec;
	p->count[p->n++] = (uint32_t)delta;
}

const char *kube_node_label(const struct kube_nodes *k, uint32_t m, const char *key, char *buf, size_t n)
{
	if (strcmp(key, "kubernetes.io/hostname") == 0 || strcmp(key, "metadata.name") == 0) {
		cs_cell_machine_name(k->cell, m, buf, n);
		return buf;
	}
	return cs_labels_get(&k->classes[k->cell->cls[m]].labels, key);
}

/* ---- topology domains of one term ---- */

/* The domain of each machine for a topology key: the machine itself for
 * the hostname, else one per distinct class attribute value (-1: the
 * node lacks the key). */
struct domains {
	int32_t *of;       /* per machine */
	uint32_t n;
	double *count;     /* matching pods per domain */
	bool *eligible;    /* (spread) the domain has a node the pod may use */
};

static void domains_build(const struct kube_nodes *k, const char *key, struct domains *d)
{
	const struct cs_cell *cell = k->cell;
	d->of = cs_xmalloc((cell->n ? cell->n : 1) * sizeof *d->of);
	if (strcmp(key, "kubernetes.io/hostname") == 0) {
		for (uint32_t m = 0; m < cell->n; m++)
			d->of[m] = (int32_t)m;
		d->n = cell->n;
	} else {
		int32_t *cls_dom = cs_xmalloc((cell->nclasses ? cell->nclasses : 1) * sizeof *cls_dom);
		d->n = 0;
		for (uint32_t c = 0; c < cell->nclasses; c++) {
			const char *v = cs_labels_get(&k->classes[c].labels, key);
			cls_dom[c] = -1;
			for (uint32_t e = 0; v && e < c && cls_dom[c] < 0; e++) {
				const char *w = cs_labels_get(&k->classes[e].labels, key);
				if (w && strcmp(v, w) == 0)
					cls_dom[c] = cls_dom[e];
			}
			if (v && cls_dom[c] < 0)
				cls_dom[c] = (int32_t)d->n++;
		}
		for (uint32_t m = 0; m < cell->n; m++)
			d->of[m] = cls_dom[cell->cls[m]];
		free(cls_dom);
	}
	d->count = cs_xcalloc(d->n ? d->n : 1, sizeof *d->count);
	d->eligible = cs_xcalloc(d->n ? d->n : 1, sizeof *d->eligible);
}

/* matching pods (selector over their labels) per domain */
static void domains_count(const struct kube_nodes *k, const struct cs_selector *sel, struct domains *d)
{
	for (uint32_t m = 0; m < k->cell->n; m++) {
		if (d->of[m] < 0)
			continue;
		const struct kube_node_pods *p = &k->pods[m];
		for (uint32_t i = 0; i < p->n; i++)
			if (cs_selector_matches(sel, pod_labels(p->spec[i])))
				d->count[d->of[m]] += p->count[i];
	}
}

static void domains_release(struct domains *d)
{
	free(d->of);
	free(d->count);
	free(d->eligible);
}

struct kube_cycle {
	const struct cs_app *spec;
	struct domains *terms;    /* per pod (anti-)affinity term of the spec */
	struct domains *spread;   /* per spread constraint */
	double *spread_min;       /* fewest matching pods in an eligible domain */
	struct domains *forbid;   /* placed pods' required anti-affinity against this pod */
	uint32_t nforbid;
	bool *affinity_unmet_ok;  /* required affinity with no match anywhere, the pod matching itself */
};

static bool node_selected(const struct kube_nodes *k, const struct cs_app *spec, uint32_t m);

struct kube_cycle *kube_cycle_begin(const struct kube_nodes *k, const struct cs_job *job)
{
	const struct cs_app *spec = job->spec;
	struct kube_cycle *c = cs_xcalloc(1, sizeof *c);
	c->spec = spec;
	if (spec) {
		size_t nt = spec->k8s.npod_terms, ns = spec->k8s.nspread;
		c->terms = cs_xcalloc(nt ? nt : 1, sizeof *c->terms);
		c->affinity_unmet_ok = cs_xcalloc(nt ? nt : 1, sizeof *c->affinity_unmet_ok);
		for (size_t i = 0; i < nt; i++) {
			domains_build(k, spec->k8s.pod_terms[i].topology_key, &c->terms[i]);
			domains_count(k, &spec->k8s.pod_terms[i].selector, &c->terms[i]);
			double any = 0;
			for (uint32_t d = 0; d < c->terms[i].n; d++)
				any += c->terms[i].count[d];
			c->affinity_unmet_ok[i] = any == 0 && cs_selector_matches(&spec->k8s.pod_terms[i].selector, &spec->labels);
		}
		c->spread = cs_xcalloc(ns ? ns : 1, sizeof *c->spread);
		c->spread_min = cs_xcalloc(ns ? ns : 1, sizeof *c->spread_min);
		for (size_t i = 0; i < ns; i++) {
			struct domains *d = &c->spread[i];
			domains_build(k, spec->k8s.spread[i].topology_key, d);
			domains_count(k, &spec->k8s.spread[i].selector, d);
			/* eligible domains: with a node the pod's node selector and
			 * affinity allow (nodeAffinityPolicy Honor, the default) */
			for (uint32_t m = 0; m < k->cell->n; m++)
				if (d->of[m] >= 0 && node_selected(k, spec, m))
					d->eligible[d->of[m]] = true;
			c->spread_min[i] = HUGE_VAL;
			for (uint32_t e = 0; e < d->n; e++)
				if (d->eligible[e] && d->count[e] < c->spread_min[i])
					c->spread_min[i] = d->count[e];
		}
	}
	/* the required anti-affinity of the specs already placed, where it
	 * selects this pod: no node of a domain holding one of them */
	const struct cs_labels *mine = pod_labels(spec);
	for (uint32_t a = 0; a < k->nanti; a++) {
		const struct cs_app *s = k->anti[a].spec;
		for (size_t t = 0; t < s->k8s.npod_terms; t++) {
			const struct cs_pod_term *term = &s->k8s.pod_terms[t];
			if (!term->anti || term->weight || !cs_selector_matches(&term->selector, mine))
				continue;
			c->forbid = cs_xrealloc(c->forbid, (c->nforbid + 1) * sizeof *c->forbid);
			struct domains *d = &c->forbid[c->nforbid++];
			memset(d, 0, sizeof *d);
			domains_build(k, term->topology_key, d);
			/* count the pods of spec s itself */
			for (uint32_t mm = 0; mm < k->cell->n; mm++) {
				if (d->of[mm] < 0)
					continue;
				const struct kube_node_pods *pp = &k->pods[mm];
				for (uint32_t q = 0; q < pp->n; q++)
					if (pp->spec[q] == s)
						d->count[d->of[mm]] += pp->count[q];
			}
		}
	}
	return c;
}

void kube_cycle_end(struct kube_cycle *c)
{
	if (!c)
		return;
	for (size_t i = 0; c->spec && i < c->spec->k8s.npod_terms; i++)
		domains_release(&c->terms[i]);
	for (size_t i = 0; c->spec && i < c->spec->k8s.nspread; i++)
		domains_release(&c->spread[i]);
	for (uint32_t i = 0; i < c->nforbid; i++)
		domains_release(&c->forbid[i]);
	free(c->terms);
	free(c->affinity_unmet_ok);
	free(c->spread);
	free(c->spread_min);
	free(c->forbid);
	free(c);
}

/* ---- filters ---- */

static bool req_on_node(const struct kube_nodes *k, uint32_t m, const struct cs_sel_req *r)
{
	char buf[256];
	const char *v = kube_node_label(k, m, r->key, buf, sizeof buf);
	struct cs_labels one = {0};
	struct cs_label l = {(char *)(uintptr_t)r->key, (char *)(uintptr_t)(v ? v : "")};
	if (v) {
		one.v = &l;
		one.n = 1;
	}
	struct cs_selector s = {.present = true, .expr = (struct cs_sel_req *)(uintptr_t)r, .nexpr = 1};
	return cs_selector_matches(&s, &one);
}

static bool term_on_node(const struct kube_nodes *k, uint32_t m, const struct cs_node_term *t)
{
	for (size_t i = 0; i < t->nreq; i++)
		if (!req_on_node(k, m, &t->req[i]))
			return false;
	return true;
}

/* nodeSelector and required node affinity */
static bool node_selected(const struct kube_nodes *k, const struct cs_app *spec, uint32_t m)
{
	if (!spec)
		return true;
	char buf[256];
	for (size_t i = 0; i < spec->k8s.node_selector.n; i++) {
		const char *v = kube_node_label(k, m, spec->k8s.node_selector.v[i].key, buf, sizeof buf);
		if (!v || strcmp(v, spec->k8s.node_selector.v[i].value) != 0)
			return false;
	}
	if (spec->k8s.nnode_required == 0)
		return true;
	for (size_t t = 0; t < spec->k8s.nnode_required; t++)
		if (term_on_node(k, m, &spec->k8s.node_required[t]))
			return true;
	return false;
}

static bool tolerates(const struct cs_app *spec, const struct kube_taint *t)
{
	for (size_t i = 0; spec && i < spec->k8s.ntolerations; i++) {
		const struct cs_toleration *o = &spec->k8s.tolerations[i];
		if (o->effect != CS_EFFECT_ANY && o->effect != t->effect)
			continue;
		if (!o->key) /* Exists without a key: every taint */
			return true;
		if (strcmp(o->key, t->key) != 0)
			continue;
		if (o->exists || strcmp(o->value ? o->value : "", t->value ? t->value : "") == 0)
			return true;
	}
	return false;
}

static uint32_t untolerated(const struct kube_nodes *k, const struct cs_app *spec, uint32_t m, bool prefer)
{
	const struct kube_class *c = &k->classes[k->cell->cls[m]];
	uint32_t n = 0;
	for (uint32_t i = 0; i < c->ntaints; i++) {
		bool counted = prefer ? c->taints[i].effect == CS_EFFECT_PREFER_NO_SCHEDULE
				      : c->taints[i].effect != CS_EFFECT_PREFER_NO_SCHEDULE;
		if (counted && !tolerates(spec, &c->taints[i]))
			n++;
	}
	return n;
}

bool kube_filter(const struct kube_nodes *k, struct kube_cycle *c, const struct cs_job *job, uint32_t m)
{
	if (!cs_cell_fits(k->cell, m, &job->req)) /* down machines fit nothing */
		return false;
	return kube_filter_rules(k, c, job, m);
}

bool kube_filter_rules(const struct kube_nodes *k, struct kube_cycle *c, const struct cs_job *job, uint32_t m)
{
	const struct cs_app *spec = job->spec;
	if (!k->cell->mach[m].up || k->cell->mach[m].closed)
		return false;
	if (!node_selected(k, spec, m) || untolerated(k, spec, m, false))
		return false;
	if (job->rule && !job->rule->allows(job->rule->ctx, k->cell, m, NULL, 0))
		return false; /* an app's own constraints (Marathon's, Aurora's) */
	for (uint32_t i = 0; i < c->nforbid; i++) {
		int32_t d = c->forbid[i].of[m];
		if (d >= 0 && c->forbid[i].count[d] > 0)
			return false;
	}
	if (!spec)
		return true;
	for (size_t i = 0; i < spec->k8s.npod_terms; i++) {
		const struct cs_pod_term *t = &spec->k8s.pod_terms[i];
		if (t->weight)
			continue; /* preferred: a score */
		int32_t d = c->terms[i].of[m];
		double here = d >= 0 ? c->terms[i].count[d] : 0;
		if (t->anti && here > 0)
			return false;
		if (!t->anti && (d < 0 || here == 0) && !(c->affinity_unmet_ok[i] && d >= 0))
			return false;
	}
	for (size_t i = 0; i < spec->k8s.nspread; i++) {
		const struct cs_spread *s = &spec->k8s.spread[i];
		if (!s->hard)
			continue;
		int32_t d = c->spread[i].of[m];
		if (d < 0)
			return false;
		double self = cs_selector_matches(&s->selector, &spec->labels) ? 1 : 0;
		if (c->spread[i].count[d] + self - c->spread_min[i] > s->max_skew)
			return false;
	}
	return true;
}

/* ---- scores ---- */

void kube_score(const struct kube_nodes *k, struct kube_cycle *c, const struct cs_job *job, uint32_t m,
		double raw[KUBE_NSCORES])
{
	const struct cs_app *spec = job->spec;
	const struct cs_machine *mach = &k->cell->mach[m];
	double f[2], cap[2] = {cs_qty_to_double(mach->cap.cpu), cs_qty_to_double(mach->cap.mem)};
	double want[2] = {cs_qty_to_double(mach->used.cpu) + cs_qty_to_double(job->req.cpu),
			  cs_qty_to_double(mach->used.mem) + cs_qty_to_double(job->req.mem)};
	double fit = 0;
	for (int r = 0; r < 2; r++) {
		double x = cap[r] > 0 ? want[r] / cap[r] : 1;
		f[r] = x < 1 ? x : 1; /* (not fmin: a libm call per node) */
		fit += k->strategy == KUBE_LEAST_ALLOCATED ? (1 - f[r]) * 100 : f[r] * 100;
	}
	raw[KUBE_FIT] = fit / 2;
	raw[KUBE_BALANCED] = (1 - fabs(f[0] - f[1]) / 2) * 100;
	raw[KUBE_NODE_AFFINITY] = raw[KUBE_INTER_POD] = raw[KUBE_SPREAD] = 0;
	raw[KUBE_TAINT] = untolerated(k, spec, m, true);
	if (!spec)
		return;
	for (size_t t = 0; t < spec->k8s.nnode_preferred; t++)
		if (term_on_node(k, m, &spec->k8s.node_preferred[t]))
			raw[KUBE_NODE_AFFINITY] += spec->k8s.node_preferred[t].weight;
	for (size_t i = 0; i < spec->k8s.npod_terms; i++) {
		const struct cs_pod_term *t = &spec->k8s.pod_terms[i];
		int32_t d = c->terms[i].of[m];
		if (!t->weight || d < 0)
			continue;
		raw[KUBE_INTER_POD] += (t->anti ? -1.0 : 1.0) * t->weight * c->terms[i].count[d];
	}
	for (size_t i = 0; i < spec->k8s.nspread; i++) {
		int32_t d = c->spread[i].of[m];
		if (!spec->k8s.spread[i].hard && d >= 0)
			raw[KUBE_SPREAD] += c->spread[i].count[d];
	}
}

void kube_normalize(const struct kube_nodes *k, double (*raw)[KUBE_NSCORES], uint32_t n, double *out)
{
	double lo[KUBE_NSCORES], hi[KUBE_NSCORES];
	for (int p = 0; p < KUBE_NSCORES; p++) {
		lo[p] = HUGE_VAL;
		hi[p] = -HUGE_VAL;
		for (uint32_t i = 0; i < n; i++) { /* (no NaNs: plain comparisons, inlined) */
			lo[p] = raw[i][p] < lo[p] ? raw[i][p] : lo[p];
			hi[p] = raw[i][p] > hi[p] ? raw[i][p] : hi[p];
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		double s[KUBE_NSCORES];
		s[KUBE_FIT] = raw[i][KUBE_FIT];
		s[KUBE_BALANCED] = raw[i][KUBE_BALANCED];
		s[KUBE_NODE_AFFINITY] = hi[KUBE_NODE_AFFINITY] > 0 ? raw[i][KUBE_NODE_AFFINITY] * 100 / hi[KUBE_NODE_AFFINITY] : 0;
		s[KUBE_TAINT] = hi[KUBE_TAINT] > 0 ? 100 - raw[i][KUBE_TAINT] * 100 / hi[KUBE_TAINT] : 100;
		s[KUBE_INTER_POD] = hi[KUBE_INTER_POD] > lo[KUBE_INTER_POD]
					    ? (raw[i][KUBE_INTER_POD] - lo[KUBE_INTER_POD]) * 100 / (hi[KUBE_INTER_POD] - lo[KUBE_INTER_POD])
					    : 0;
		s[KUBE_SPREAD] = hi[KUBE_SPREAD] > 0 ? 100 * (hi[KUBE_SPREAD] + lo[KUBE_SPREAD] - raw[i][KUBE_SPREAD]) / hi[KUBE_SPREAD]
						     : 100;
		double total = 0;
		for (int p = 0; p < KUBE_NSCORES; p++)
			total += k->weight[p] * s[p];
		out[i] = total;
	}
}
