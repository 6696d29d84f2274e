/* helix/parse — the experiment's "helix" object into a model, and its
 * release.
 *
 * Keys, defaults and their sources are in docs/helix.md ("Keys").  The
 * defaults are Helix's own where Helix has one:
 * - max_transitions_per_node 40: a participant's state-transition thread
 *   pool, HelixTaskExecutor.DEFAULT_PARALLEL_TASKS = TaskExecutor.
 *   DEFAULT_PARALLEL_TASKS = 40 (helix-core
 *   org/apache/helix/messaging/handling/TaskExecutor.java);
 * - max_transitions_cluster null: Helix has no cluster-wide transition
 *   constraint unless one is configured (helix.apache.org "Tutorial:
 *   Throttling"; ClusterConstraints is empty in a new cluster, and a
 *   ClusterConfig has no StateTransitionThrottleConfig until one is
 *   added, helix-core org/apache/helix/api/config/
 *   StateTransitionThrottleConfig.java);
 * - enforce_replica_bound false: MessageSelectionStage enforces numeric
 *   state bounds only ("R" is commented out there);
 * - rebalance_delay 0 and pipeline_delay 0: the controller reacts at
 *   once (Helix notices a crashed participant when its ZooKeeper session
 *   expires, 30 s by default: RealmAwareZkClient.DEFAULT_SESSION_TIMEOUT;
 *   set rebalance_delay to model that);
 * - transition_seconds 1 for every transition: a modelling choice (a
 *   transition's time is the application's callback; Helix has none).
 * Ranges: partitions 1 to 1,000,000, replicas 1 to 100,000 (more
 * replicas than nodes place one per node: Helix's state count map caps
 * every state at the candidate nodes), partitions x nodes at most 10^7
 * (the per-replica arrays). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helix/helix_internal.h"
#include "sim/alloc.h"

#define HX_MAX_PARTITIONS 1000000
#define HX_MAX_REPLICAS 100000
#define HX_MAX_CELLS 1e7
#define HX_DEFAULT_THREADS 40 /* TaskExecutor.DEFAULT_PARALLEL_TASKS */

static const char *const mode_names[] = {"full-auto", "semi-auto", "customized", NULL};

/* ---- nodes ---- */

/* names in strcmp order, as Helix sorts instance names */
static void sort_nodes(struct cs_helix *h)
{
	for (uint32_t n = 0; n < h->N; n++)
		h->by_name[n] = n;
	/* insertion sort: stable, no global context, and nodes are few */
	for (uint32_t i = 1; i < h->N; i++) {
		uint32_t x = h->by_name[i], j = i;
		while (j > 0 && strcmp(h->nodes[h->by_name[j - 1]].name, h->nodes[x].name) > 0) {
			h->by_name[j] = h->by_name[j - 1];
			j--;
		}
		h->by_name[j] = x;
	}
	for (uint32_t k = 0; k < h->N; k++)
		h->nodes[h->by_name[k]].rank = k;
}

/* the node named s, or -1 (binary search over the name order) */
static int64_t node_named(const struct cs_helix *h, const char *s)
{
	uint32_t lo = 0, hi = h->N;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(h->nodes[h->by_name[mid]].name, s);
		if (c == 0)
			return h->by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int parse_nodes(const struct cs_cfg *cfg, struct cs_helix *h, uint32_t nnodes, const char *const *names)
{
	if (nnodes == 0)
		return cs_error_input(cfg->err, cfg->file, "helix.participants", "no participants (a Helix cluster needs at least one node)");
	h->N = nnodes;
	h->nodes = cs_xcalloc(nnodes, sizeof *h->nodes);
	h->by_name = cs_xmalloc(nnodes * sizeof *h->by_name);
	for (uint32_t n = 0; n < nnodes; n++)
		h->nodes[n] = (struct cs_hx_node){.h = h, .name = cs_xstrdup(names[n]), .up = true, .live = true};
	sort_nodes(h);
	for (uint32_t k = 1; k < nnodes; k++)
		if (strcmp(h->nodes[h->by_name[k - 1]].name, h->nodes[h->by_name[k]].name) == 0)
			return cs_error_input(cfg->err, cfg->file, "helix.participants", "two participants are named \"%s\"",
					      h->nodes[h->by_name[k]].name);
	h->target = cs_xmalloc(nnodes);
	h->cand_node = cs_xmalloc(nnodes * sizeof *h->cand_node);
	h->cand_trans = cs_xmalloc(nnodes);
	h->assigned = cs_xmalloc(nnodes);
	h->queue = cs_xmalloc(nnodes * sizeof *h->queue);
	h->prio = cs_xmalloc(nnodes * sizeof *h->prio);
	return 0;
}

/* ---- transition durations ---- */

/* the object at path: "default" and transition names ("FROM-TO" of m,
 * or of any model when m is NULL), each a distribution of seconds */
static int check_durations(const struct cs_cfg *cfg, json_t *obj, const char *path, const struct cs_hx_model *m)
{
	char got[128], q[512];
	if (!json_is_object(obj))
		return cs_error_input(cfg->err, cfg->file, path,
				      "expected an object of transition durations, e.g. {\"default\": 1, \"OFFLINE-SLAVE\": 30} (got %s)",
				      cs_cfg_got(obj, got, sizeof got));
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		cs_path_key(q, sizeof q, path, key);
		bool ok = strcmp(key, "default") == 0 || (m ? cs_hx_trans_find(m, key) >= 0 : cs_hx_trans_known(key));
		if (!ok && m) {
			char list[256] = "";
			for (int t = 0; t < m->ntrans; t++)
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s-%s", t ? ", " : "",
					 m->state[m->trans[t].from], m->state[m->trans[t].to]);
			return cs_error_input(cfg->err, cfg->file, q, "not a transition of %s (its transitions: %s, or \"default\")",
					      m->name, list);
		}
		if (!ok)
			return cs_error_input(cfg->err, cfg->file, q,
					      "not a transition of any state model (FROM-TO, e.g. OFFLINE-SLAVE, or \"default\")");
		struct cs_dist d;
		int r = cs_dist_parse(cfg, v, q, CS_UNIT_SECONDS, 0, &d);
		cs_dist_release(&d);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* each transition's distribution: the resource's entry for it, the
 * cluster's, the resource's default, the cluster's (checked already) */
static int resource_durations(const struct cs_cfg *cfg, struct cs_hx_resource *r, json_t *own, const char *rpath,
			      json_t *cluster)
{
	char own_path[512], q[600], name[64];
	cs_path_key(own_path, sizeof own_path, rpath, "transition_seconds");
	for (int t = 0; t < r->m->ntrans; t++) {
		snprintf(name, sizeof name, "%s-%s", r->m->state[r->m->trans[t].from], r->m->state[r->m->trans[t].to]);
		const char *const keys[] = {name, "default"};
		json_t *v = NULL;
		for (int k = 0; k < 2 && !v; k++) {
			if (own && (v = json_object_get(own, keys[k])))
				cs_path_key(q, sizeof q, own_path, keys[k]);
			else if ((v = json_object_get(cluster, keys[k])))
				cs_path_key(q, sizeof q, "helix.transition_seconds", keys[k]);
		}
		if (!v)
			r->dur[t] = cs_dist_const(1.0);
		else if (cs_dist_parse(cfg, v, q, CS_UNIT_SECONDS, 0, &r->dur[t]) < 0)
			return -1;
	}
	return 0;
}

/* ---- ideal states given by the user ---- */

/* "0".."P-1" */
static int partition_key(const struct cs_cfg *cfg, const char *path, const char *key, uint32_t P, uint32_t *out)
{
	char q[512];
	size_t n = strlen(key);
	bool digits = n > 0 && n <= 9;
	for (size_t i = 0; i < n && digits; i++)
		digits = isdigit((unsigned char)key[i]) != 0;
	unsigned long p = digits ? strtoul(key, NULL, 10) : 0;
	if (!digits || p >= P || (n > 1 && key[0] == '0'))
		return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, path, key),
				      "expected a partition index from 0 to %u as the key (got \"%s\")", P - 1, key);
	*out = (uint32_t)p;
	return 0;
}

static int node_of(const struct cs_cfg *cfg, const struct cs_helix *h, const char *path, const char *name, uint32_t *out)
{
	int64_t n = node_named(h, name);
	if (n < 0)
		return cs_error_input(cfg->err, cfg->file, path, "no participant of that name (got \"%s\")", name);
	*out = (uint32_t)n;
	return 0;
}

/* {"P": [NODE, ...]}: 1 to R distinct participants per list */
static int preference_lists(const struct cs_cfg *cfg, struct cs_hx_resource *r, json_t *obj, const char *path)
{
	char q[512], e[560], got[128];
	const struct cs_helix *h = r->h;
	if (!json_is_object(obj))
		return cs_error_input(cfg->err, cfg->file, path,
				      "expected an object of partition indexes to lists of participants, e.g. {\"0\": [\"n1\", \"n2\"]} (got %s)",
				      cs_cfg_got(obj, got, sizeof got));
	const char *key;
	json_t *list;
	json_object_foreach(obj, key, list) {
		uint32_t p;
		if (partition_key(cfg, path, key, r->P, &p) < 0)
			return -1;
		cs_path_key(q, sizeof q, path, key);
		size_t len = json_is_array(list) ? json_array_size(list) : 0;
		if (len == 0 || len > r->R || len > h->N)
			return cs_error_input(cfg->err, cfg->file, q, "expected a list of 1 to %u participants (got %s)",
					      r->R < h->N ? r->R : h->N, cs_cfg_got(list, got, sizeof got));
		r->npref[p] = 0;
		for (size_t k = 0; k < len; k++) {
			json_t *s = json_array_get(list, k);
			uint32_t n = 0;
			snprintf(e, sizeof e, "%s[%zu]", q, k);
			if (!json_is_string(s))
				return cs_error_input(cfg->err, cfg->file, e, "expected a participant's name (got %s)",
						      cs_cfg_got(s, got, sizeof got));
			if (node_of(cfg, h, e, json_string_value(s), &n) < 0)
				return -1;
			for (uint32_t j = 0; j < r->npref[p]; j++)
				if (r->pref[(size_t)p * h->N + j] == n)
					return cs_error_input(cfg->err, cfg->file, e,
							      "the participant is in the list already: one replica per node (got \"%s\")",
							      json_string_value(s));
			r->pref[(size_t)p * h->N + r->npref[p]++] = n;
		}
	}
	return 0;
}

/* the default list of p: nodes p, p + 1, ... (mod N) in the caller's
 * order, min(R, N) of them */
static void default_lists(struct cs_hx_resource *r)
{
	uint32_t N = r->h->N, k = r->R < N ? r->R : N;
	for (uint32_t p = 0; p < r->P; p++) {
		r->npref[p] = k;
		for (uint32_t i = 0; i < k; i++)
			r->pref[(size_t)p * N + i] = (uint32_t)(((uint64_t)p + i) % N);
	}
}

static int state_named(const struct cs_hx_model *m, const char *s)
{
	for (int i = 0; i < m->nstates; i++)
		if (strcmp(m->state[i], s) == 0 && i != m->dropped)
			return i;
	return -1;
}

/* one partition's map {NODE: STATE} within the numeric state bounds */
static int custom_map(const struct cs_cfg *cfg, struct cs_hx_resource *r, uint32_t p, json_t *map, const char *q)
{
	char e[600], got[256];
	uint32_t N = r->h->N, count[CS_HX_MAX_STATES] = {0};
	if (!json_is_object(map))
		return cs_error_input(cfg->err, cfg->file, q, "expected an object of participants to states, e.g. {\"n1\": \"%s\"} (got %s)",
				      r->m->state[0], cs_cfg_got(map, got, sizeof got));
	const char *name;
	json_t *v;
	json_object_foreach(map, name, v) {
		uint32_t n = 0;
		cs_path_key(e, sizeof e, q, name);
		if (node_of(cfg, r->h, e, name, &n) < 0)
			return -1;
		int s = json_is_string(v) ? state_named(r->m, json_string_value(v)) : -1;
		if (s < 0)
			return cs_error_input(cfg->err, cfg->file, e, "expected a state of %s other than DROPPED (got %s)", r->m->name,
					      cs_cfg_got(v, got, sizeof got));
		r->custom[(size_t)p * N + n] = (int8_t)s;
		count[s]++;
	}
	if (json_object_size(map) > r->R)
		return cs_error_input(cfg->err, cfg->file, q, "%zu replicas, more than the resource's %u (got %s)",
				      json_object_size(map), r->R, cs_cfg_got(map, got, sizeof got));
	for (int s = 0; s < r->m->nstates; s++)
		if (r->m->bound[s] >= 0 && count[s] > (uint32_t)r->m->bound[s])
			return cs_error_input(cfg->err, cfg->file, q, "%u replicas in %s, more than its bound of %d per partition (got %s)",
					      count[s], r->m->state[s], r->m->bound[s], cs_cfg_got(map, got, sizeof got));
	return 0;
}

static int ideal_state(const struct cs_cfg *cfg, struct cs_hx_resource *r, json_t *obj, const char *path)
{
	char q[512], got[128];
	uint32_t N = r->h->N;
	/* partitions not given: the default lists, states as Helix counts them */
	default_lists(r);
	uint8_t *st = cs_xmalloc(N);
	for (uint32_t p = 0; p < r->P; p++) {
		uint32_t k = cs_hx_replica_states(r->m, r->R, r->npref[p], st);
		for (uint32_t i = 0; i < k; i++)
			r->custom[(size_t)p * N + r->pref[(size_t)p * N + i]] = (int8_t)st[i];
	}
	free(st);
	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return cs_error_input(cfg->err, cfg->file, path,
				      "expected an object of partition indexes to {participant: state} maps (got %s)",
				      cs_cfg_got(obj, got, sizeof got));
	const char *key;
	json_t *map;
	json_object_foreach(obj, key, map) {
		uint32_t p;
		if (partition_key(cfg, path, key, r->P, &p) < 0)
			return -1;
		memset(r->custom + (size_t)p * N, CS_HX_ABSENT, N);
		if (custom_map(cfg, r, p, map, cs_path_key(q, sizeof q, path, key)) < 0)
			return -1;
	}
	return 0;
}

/* ---- resources ---- */

static void alloc_resource(struct cs_hx_resource *r)
{
	uint32_t N = r->h->N, P = r->P;
	size_t cells = (size_t)P * N;
	r->cur = cs_xmalloc(cells);
	memset(r->cur, CS_HX_ABSENT, cells);
	r->msg = cs_xcalloc(cells, sizeof *r->msg);
	r->ever = cs_xcalloc(cells, 1);
	r->dirty = cs_xcalloc(P, 1);
	r->dirty_list = cs_xmalloc(P * sizeof *r->dirty_list);
	r->ntop = cs_xcalloc(P, sizeof *r->ntop);
	r->node_top = cs_xcalloc(N, sizeof *r->node_top);
	r->no_top_since = cs_xmalloc(P * sizeof *r->no_top_since);
	for (uint32_t p = 0; p < P; p++)
		r->no_top_since[p] = CS_TIME_NEVER;
	r->wo_seconds = cs_xcalloc(P, sizeof *r->wo_seconds);
	r->had_top = cs_xcalloc(P, 1);
	r->pref = cs_xmalloc(cells * sizeof *r->pref);
	r->npref = cs_xcalloc(P, sizeof *r->npref);
	if (r->mode == CS_HX_CUSTOMIZED) {
		r->custom = cs_xmalloc(cells);
		memset(r->custom, CS_HX_ABSENT, cells);
	}
	for (int a = 0; a < CS_HX_MAX_STATES; a++)
		for (int b = 0; b < CS_HX_MAX_STATES; b++)
			r->hop[a][b] = (int8_t)(a < r->m->nstates && b < r->m->nstates ? cs_hx_next_hop(r->m, a, b) : -1);
	r->bal_last = CS_TIME_NEVER;
	r->without_top = P; /* nothing is placed before the start */
}

static int resource_basics(const struct cs_cfg *cfg, struct cs_hx_resource *r, json_t *e, const char *p)
{
	static const char *const keys[] = {"name", "partitions", "replicas", "state_model", "rebalancer",
					   "preference_lists", "ideal_state", "transition_seconds", NULL};
	const char *name;
	uint64_t P, R;
	int model, mode;
	char q[512];
	if (cs_cfg_keys(cfg, e, p, keys) < 0 || cs_cfg_str(cfg, e, p, "name", NULL, CS_CFG_REQUIRED, &name) < 0)
		return -1;
	if (!*name)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "name"), "expected a name (got \"\")");
	if (cs_cfg_count(cfg, e, p, "partitions", 0, CS_CFG_REQUIRED, 1, HX_MAX_PARTITIONS, &P) < 0 ||
	    cs_cfg_count(cfg, e, p, "replicas", 0, CS_CFG_REQUIRED, 1, HX_MAX_REPLICAS, &R) < 0 ||
	    cs_cfg_enum(cfg, e, p, "state_model", "MasterSlave", cs_hx_model_names, &model) < 0 ||
	    cs_cfg_enum(cfg, e, p, "rebalancer", "full-auto", mode_names, &mode) < 0)
		return -1;
	if ((double)P * r->h->N > HX_MAX_CELLS)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "partitions"),
				      "partitions x participants is %.0f, more than the model's %.0e (got %llu partitions, %u participants)",
				      (double)P * r->h->N, HX_MAX_CELLS, (unsigned long long)P, r->h->N);
	r->name = cs_xstrdup(name);
	r->P = (uint32_t)P;
	r->R = (uint32_t)R;
	r->m = cs_hx_model_find(cs_hx_model_names[model]);
	r->mode = (enum cs_hx_mode)mode;
	return 0;
}

static int parse_resource(const struct cs_cfg *cfg, struct cs_hx_resource *r, json_t *e, const char *p, json_t *cluster_dur)
{
	char q[512];
	if (cs_cfg_need_object(cfg, e, p) < 0 || resource_basics(cfg, r, e, p) < 0)
		return -1;
	alloc_resource(r);
	json_t *lists = json_object_get(e, "preference_lists"), *ideal = json_object_get(e, "ideal_state");
	json_t *dur = json_object_get(e, "transition_seconds");
	if (lists && r->mode != CS_HX_SEMI_AUTO)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "preference_lists"),
				      "only a semi-auto resource takes preference lists (got rebalancer \"%s\")", mode_names[r->mode]);
	if (ideal && r->mode != CS_HX_CUSTOMIZED)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "ideal_state"),
				      "only a customized resource takes an ideal state (got rebalancer \"%s\")", mode_names[r->mode]);
	if (r->mode == CS_HX_SEMI_AUTO) {
		default_lists(r);
		if (lists && preference_lists(cfg, r, lists, cs_path_key(q, sizeof q, p, "preference_lists")) < 0)
			return -1;
	}
	if (r->mode == CS_HX_CUSTOMIZED && ideal_state(cfg, r, ideal, cs_path_key(q, sizeof q, p, "ideal_state")) < 0)
		return -1;
	if (dur && check_durations(cfg, dur, cs_path_key(q, sizeof q, p, "transition_seconds"), r->m) < 0)
		return -1;
	return resource_durations(cfg, r, dur, p, cluster_dur);
}

static int parse_resources(const struct cs_cfg *cfg, struct cs_helix *h, json_t *helix, json_t *cluster_dur)
{
	json_t *list = json_object_get(helix, "resources");
	char got[128], p[64];
	if (!list)
		return cs_error_input(cfg->err, cfg->file, "helix.resources", "missing (a list of resources)");
	if (!json_is_array(list) || json_array_size(list) == 0)
		return cs_error_input(cfg->err, cfg->file, "helix.resources", "expected a list of one or more resources (got %s)",
				      cs_cfg_got(list, got, sizeof got));
	size_t n = json_array_size(list);
	h->res = cs_xcalloc(n, sizeof *h->res);
	double cells = 0;
	for (size_t i = 0; i < n; i++) {
		struct cs_hx_resource *r = &h->res[h->nres++];
		r->h = h;
		cs_path_index(p, sizeof p, "helix.resources", i);
		if (parse_resource(cfg, r, json_array_get(list, i), p, cluster_dur) < 0)
			return -1;
		/* the model's memory goes with partitions x participants: the
		 * limit holds for the resources together */
		cells += (double)r->P * h->N;
		if (cells > HX_MAX_CELLS)
			return cs_error_input(cfg->err, cfg->file, p,
					      "partitions x participants over the resources so far is %.0f, more than the model's %.0e "
					      "(got %u partitions, %u participants)", cells, HX_MAX_CELLS, r->P, h->N);
		for (size_t k = 0; k < i; k++)
			if (strcmp(h->res[k].name, r->name) == 0) {
				char q[96];
				return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "name"),
						      "resources[%zu] has that name already (got \"%s\")", k, r->name);
			}
	}
	return 0;
}

/* ---- the cluster ---- */

static int parse_cluster(const struct cs_cfg *cfg, struct cs_helix *h, json_t *helix)
{
	static const char *const keys[] = {"resources", "participants", "max_transitions_per_node", "max_transitions_cluster",
					   "rebalance_delay", "pipeline_delay", "transition_seconds", "enforce_replica_bound", NULL};
	uint64_t threads, limit = 0;
	if (cs_cfg_keys(cfg, helix, "helix", keys) < 0 ||
	    cs_cfg_count(cfg, helix, "helix", "max_transitions_per_node", HX_DEFAULT_THREADS, 0, 1, 1000000, &threads) < 0 ||
	    cs_cfg_time(cfg, helix, "helix", "rebalance_delay", 0, CS_CFG_NONNEG, &h->rebalance_delay) < 0 ||
	    cs_cfg_time(cfg, helix, "helix", "pipeline_delay", 0, CS_CFG_NONNEG, &h->pipeline_delay) < 0 ||
	    cs_cfg_bool(cfg, helix, "helix", "enforce_replica_bound", false, &h->enforce_r) < 0)
		return -1;
	h->per_node = (uint32_t)threads;
	json_t *lim = json_object_get(helix, "max_transitions_cluster");
	if (!lim)
		json_object_set_new(helix, "max_transitions_cluster", json_null());
	else if (!json_is_null(lim) &&
		 cs_cfg_count(cfg, helix, "helix", "max_transitions_cluster", 0, 0, 1, 1000000000000ULL, &limit) < 0)
		return -1;
	h->cluster_limit = limit;
	if (!json_object_get(helix, "transition_seconds"))
		json_object_set_new(helix, "transition_seconds", json_pack("{s:f}", "default", 1.0));
	return check_durations(cfg, json_object_get(helix, "transition_seconds"), "helix.transition_seconds", NULL);
}

int cs_helix_parse(const struct cs_cfg *cfg, json_t *helix, uint32_t nnodes, const char *const *node_names,
		   struct cs_engine *engine, gsl_rng *rng, struct cs_helix **out)
{
	*out = NULL;
	struct cs_helix *h = cs_xcalloc(1, sizeof *h);
	h->engine = engine;
	h->rng = rng;
	h->run_at = CS_TIME_NEVER;
	char got[128];
	if (!json_is_object(helix)) {
		cs_helix_free(h);
		return cs_error_input(cfg->err, cfg->file, "helix", "expected an object (got %s)", cs_cfg_got(helix, got, sizeof got));
	}
	if (parse_cluster(cfg, h, helix) < 0 ||
	    parse_nodes(cfg, h, nnodes, node_names) < 0 ||
	    parse_resources(cfg, h, helix, json_object_get(helix, "transition_seconds")) < 0) {
		cs_helix_free(h);
		return -1;
	}
	*out = h;
	return 0;
}

void cs_helix_free(struct cs_helix *h)
{
	if (!h)
		return;
	for (uint32_t k = 0; k < h->nres; k++) {
		struct cs_hx_resource *r = &h->res[k];
		size_t cells = (size_t)r->P * h->N;
		for (size_t i = 0; r->msg && i < cells; i++)
			free(r->msg[i]);
		for (int t = 0; r->m && t < r->m->ntrans; t++)
			cs_dist_release(&r->dur[t]);
		free(r->name);
		free(r->pref);
		free(r->npref);
		free(r->custom);
		free(r->cur);
		free(r->msg);
		free(r->ever);
		free(r->dirty);
		free(r->dirty_list);
		free(r->ntop);
		free(r->node_top);
		free(r->no_top_since);
		free(r->wo_seconds);
		free(r->had_top);
		free(r->open_events);
	}
	free(h->res);
	for (uint32_t n = 0; h->nodes && n < h->N; n++) {
		free(h->nodes[n].name);
		free(h->nodes[n].view);
	}
	free(h->nodes);
	free(h->by_name);
	free(h->target);
	free(h->cand_node);
	free(h->cand_trans);
	free(h->assigned);
	free(h->queue);
	free(h->prio);
	if (h->rng)
		gsl_rng_free(h->rng);
	free(h);
}
