/* helix/report — what the model shows: summary.json's figures,
 * timeseries.csv's columns, the external view and ideal state of a
 * resource, and the invariants (cs_helix_check).
 *
 * Everything here only reads the model; figures "at the current time"
 * add the intervals still open (a partition without master now) without
 * closing them, so a summary can be taken at any moment, more than once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helix/helix_internal.h"
#include "sim/alloc.h"

/* ---- summary ---- */

static double open_seconds(const struct cs_hx_resource *r, uint32_t p, cs_time now)
{
	return r->no_top_since[p] == CS_TIME_NEVER ? 0 : cs_time_to_seconds(now - r->no_top_since[p]);
}

static json_t *real_or_null(bool ok, double x)
{
	return ok ? json_real(x) : json_null();
}

static void without_master(const struct cs_hx_resource *r, cs_time now, json_t *o)
{
	double total = 0, max = 0, startup = r->startup_wo;
	for (uint32_t p = 0; p < r->P; p++) {
		double open = open_seconds(r, p, now), w = r->wo_seconds[p] + open;
		total += w;
		if (w > max)
			max = w;
		if (!r->had_top[p])
			startup += open;
	}
	json_object_set_new(o, "seconds_without_master", json_real(total));
	json_object_set_new(o, "max_seconds_without_master", json_real(max));
	json_object_set_new(o, "startup_seconds_without_master", json_real(startup));
	json_object_set_new(o, "partitions_without_master", json_integer(r->without_top));
}

static void balance(const struct cs_hx_resource *r, cs_time now, json_t *o)
{
	double v, integral = r->bal_integral, t = r->bal_time;
	bool ok = cs_hx_balance(r, &v);
	if (ok && r->bal_last != CS_TIME_NEVER && now > r->bal_last) {
		integral += v * cs_time_to_seconds(now - r->bal_last);
		t += cs_time_to_seconds(now - r->bal_last);
	}
	json_object_set_new(o, "max_over_mean_masters", real_or_null(ok, v));
	json_object_set_new(o, "time_mean_max_over_mean_masters", real_or_null(t > 0, t > 0 ? integral / t : 0));
}

static json_t *resource_summary(const struct cs_hx_resource *r)
{
	cs_time now = cs_engine_now(r->h->engine);
	json_t *o = json_object();
	json_object_set_new(o, "partitions", json_integer(r->P));
	json_object_set_new(o, "replicas", json_integer((json_int_t)r->replicas));
	without_master(r, now, o);
	json_object_set_new(o, "transitions", json_integer((json_int_t)r->transitions));
	json_object_set_new(o, "transitions_cancelled", json_integer((json_int_t)r->cancelled));
	json_object_set_new(o, "transitions_running", json_integer((json_int_t)r->running));
	json_object_set_new(o, "transitions_queued", json_integer((json_int_t)(r->pending - r->running)));
	json_object_set_new(o, "partition_moves", json_integer((json_int_t)r->moves));
	json_object_set_new(o, "replicas_created", json_integer((json_int_t)r->created));
	balance(r, now, o);
	json_object_set_new(o, "recovery_seconds", real_or_null(r->events > 0 && r->last_ok, r->last_recovery));
	json_object_set_new(o, "max_recovery_seconds", real_or_null(r->recovered > 0, r->max_recovery));
	json_object_set_new(o, "node_events", json_integer((json_int_t)r->events));
	json_object_set_new(o, "unrecovered_events", json_integer(r->nopen));
	json_object_set_new(o, "startup_seconds", real_or_null(r->startup_done, r->startup_seconds));
	return o;
}

json_t *cs_helix_summary(struct cs_helix *h)
{
	json_t *s = json_object();
	for (uint32_t k = 0; k < h->nres; k++)
		json_object_set_new(s, h->res[k].name, resource_summary(&h->res[k]));
	return s;
}

/* ---- timeseries.csv ---- */

static const char *const columns[] = {"partitions_without_master", "transitions_in_flight", "transitions_queued", "replicas",
				      "max_over_mean_masters", NULL};

static void series_columns(void *ctx, struct cs_series *s)
{
	const struct cs_helix *h = ctx;
	for (uint32_t k = 0; k < h->nres; k++)
		for (const char *const *c = columns; *c; c++) {
			char *name = cs_xasprintf("helix.%s.%s", h->res[k].name, *c);
			cs_series_column(s, name);
			free(name);
		}
}

static void series_row(void *ctx, struct cs_series *s, cs_time now)
{
	const struct cs_helix *h = ctx;
	for (uint32_t k = 0; k < h->nres; k++) {
		const struct cs_hx_resource *r = &h->res[k];
		double v;
		cs_series_count(s, r->without_top);
		cs_series_count(s, r->running);
		cs_series_count(s, r->pending - r->running);
		cs_series_count(s, r->replicas);
		if (cs_hx_balance(r, &v))
			cs_series_real(s, v);
		else
			cs_series_blank(s);
	}
}

void cs_helix_series_add(struct cs_helix *h, struct cs_series *s)
{
	cs_series_add(s, &(struct cs_series_source){series_columns, series_row, h});
}

/* ---- views ---- */

static const struct cs_hx_resource *resource_named(const struct cs_helix *h, const char *name)
{
	for (uint32_t k = 0; k < h->nres; k++)
		if (strcmp(h->res[k].name, name) == 0)
			return &h->res[k];
	return NULL;
}

static char *partition_name(const struct cs_hx_resource *r, uint32_t p)
{
	return cs_xasprintf("%s_%u", r->name, p);
}

json_t *cs_helix_external_view(const struct cs_helix *h, const char *resource)
{
	const struct cs_hx_resource *r = resource_named(h, resource);
	if (!r)
		return NULL;
	json_t *v = json_object();
	for (uint32_t p = 0; p < r->P; p++) {
		json_t *m = json_object();
		for (uint32_t n = 0; n < h->N; n++) {
			int s = r->cur[(size_t)p * h->N + n];
			if (s != CS_HX_ABSENT && h->nodes[n].up)
				json_object_set_new(m, h->nodes[n].name, json_string(r->m->state[s]));
		}
		char *name = partition_name(r, p);
		json_object_set_new(v, name, m);
		free(name);
	}
	return v;
}

json_t *cs_helix_ideal_state(const struct cs_helix *h, const char *resource)
{
	const struct cs_hx_resource *r = resource_named(h, resource);
	if (!r)
		return NULL;
	json_t *v = json_object();
	for (uint32_t p = 0; p < r->P; p++) {
		json_t *x = r->mode == CS_HX_CUSTOMIZED ? json_object() : json_array();
		for (uint32_t n = 0; r->mode == CS_HX_CUSTOMIZED && n < h->N; n++) {
			int s = r->custom[(size_t)p * h->N + n];
			if (s != CS_HX_ABSENT)
				json_object_set_new(x, h->nodes[n].name, json_string(r->m->state[s]));
		}
		for (uint32_t k = 0; r->mode != CS_HX_CUSTOMIZED && k < r->npref[p]; k++)
			json_array_append_new(x, json_string(h->nodes[r->pref[(size_t)p * h->N + k]].name));
		char *name = partition_name(r, p);
		json_object_set_new(v, name, x);
		free(name);
	}
	return v;
}

/* ---- invariants ---- */

static bool violation(const struct cs_hx_resource *r, uint32_t p, const char *what)
{
	fprintf(stderr, "helix: resource %s partition %u: %s\n", r->name, p, what);
	return false;
}

/* one partition's states and messages against the bounds and the nodes;
 * a replica on a node that is down but still live in the controller's
 * view is a ghost: it counts for the bounds (the controller sees it) but
 * not for the metrics */
static bool check_partition(const struct cs_hx_resource *r, uint32_t p, uint32_t *ntop, uint64_t *replicas, uint64_t *pending,
			    uint64_t *running)
{
	const struct cs_helix *h = r->h;
	uint32_t N = h->N, count[CS_HX_MAX_STATES] = {0}, to_top = 0, real_top = 0;
	char what[160];
	for (uint32_t n = 0; n < N; n++) {
		size_t i = (size_t)p * N + n;
		int s = r->cur[i];
		const struct cs_hx_msg *m = r->msg[i];
		bool up = h->nodes[n].up;
		if ((s != CS_HX_ABSENT && !up && !h->nodes[n].live) || (m && !up))
			return violation(r, p, "a replica or a transition on a node that is down");
		if (s != CS_HX_ABSENT) {
			if (s >= r->m->nstates || s == r->m->dropped)
				return violation(r, p, "a replica in no state of its model");
			count[s]++;
			*replicas += up;
			real_top += up && s == 0;
		}
		if (!m)
			continue;
		int from = s == CS_HX_ABSENT ? r->m->initial : s;
		if (m->r != r || m->p != p || m->node != n || r->m->trans[m->trans].from != from)
			return violation(r, p, "a transition that does not start from its replica's state");
		to_top += r->m->trans[m->trans].to == 0;
		(*pending)++;
		*running += m->running;
	}
	for (int s = 0; s < r->m->nstates; s++) {
		int64_t b = cs_hx_bound(r, s);
		if (b >= 0 && count[s] > b) {
			snprintf(what, sizeof what, "%u replicas in %s, more than its bound of %lld", count[s], r->m->state[s],
				 (long long)b);
			return violation(r, p, what);
		}
	}
	if (r->m->bound[0] == 1 && count[0] + to_top > 1)
		return violation(r, p, "a transition to the top state while another replica holds it or goes there");
	for (uint32_t k = 0; r->mode != CS_HX_CUSTOMIZED && k < r->npref[p]; k++)
		for (uint32_t j = 0; j < k; j++)
			if (r->pref[(size_t)p * N + j] == r->pref[(size_t)p * N + k])
				return violation(r, p, "a preference list names a node twice");
	*ntop = real_top;
	if (r->ntop[p] != real_top || (h->started && (real_top == 0) != (r->no_top_since[p] != CS_TIME_NEVER)))
		return violation(r, p, "its top-state count is not its replicas'");
	return true;
}

static bool check_resource(const struct cs_hx_resource *r, uint64_t *pending_total)
{
	const struct cs_helix *h = r->h;
	uint64_t replicas = 0, pending = 0, running = 0, without = 0;
	uint32_t ndirty = 0;
	for (uint32_t p = 0; p < r->P; p++) {
		uint32_t ntop;
		if (!check_partition(r, p, &ntop, &replicas, &pending, &running))
			return false;
		without += ntop == 0;
		ndirty += r->dirty[p];
	}
	for (uint32_t n = 0; n < h->N; n++) {
		uint32_t top = 0;
		for (uint32_t p = 0; p < r->P && h->nodes[n].up; p++)
			top += r->cur[(size_t)p * h->N + n] == 0;
		if (top != r->node_top[n]) {
			fprintf(stderr, "helix: resource %s: node %s's top-state count is not its replicas'\n", r->name, h->nodes[n].name);
			return false;
		}
	}
	if (replicas != r->replicas || pending != r->pending || running != r->running || ndirty != r->ndirty ||
	    (h->started && without != r->without_top)) {
		fprintf(stderr, "helix: resource %s: its counters are not a recount of its replicas and transitions\n", r->name);
		return false;
	}
	*pending_total += pending;
	return true;
}

static bool check_nodes(const struct cs_helix *h)
{
	for (uint32_t n = 0; n < h->N; n++) {
		const struct cs_hx_node *nd = &h->nodes[n];
		uint32_t queued = 0, running = 0;
		for (const struct cs_hx_msg *m = nd->qhead; m; m = m->next)
			queued += !m->running && m->node == n;
		for (uint32_t k = 0; k < h->nres; k++)
			for (uint32_t p = 0; p < h->res[k].P; p++) {
				const struct cs_hx_msg *m = h->res[k].msg[(size_t)p * h->N + n];
				running += m && m->running;
			}
		if (queued != nd->queued || running != nd->running || nd->running > h->per_node) {
			fprintf(stderr, "helix: node %s: %u running and %u queued transitions, counted %u and %u (at most %u running)\n",
				nd->name, running, queued, nd->running, nd->queued, h->per_node);
			return false;
		}
	}
	return true;
}

bool cs_helix_check(const struct cs_helix *h)
{
	uint64_t pending = 0;
	for (uint32_t k = 0; k < h->nres; k++)
		if (!check_resource(&h->res[k], &pending))
			return false;
	if (pending != h->pending_total || (h->cluster_limit && pending > h->cluster_limit)) {
		fprintf(stderr, "helix: %llu transitions under way, counted %llu (at most %llu)\n", (unsigned long long)pending,
			(unsigned long long)h->pending_total, (unsigned long long)h->cluster_limit);
		return false;
	}
	return check_nodes(h);
}
