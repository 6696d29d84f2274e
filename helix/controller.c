/* helix/controller — the Helix controller's pipeline and the
 * participants that run its transitions, in simulated time.
 *
 * A pipeline run (GenericHelixController's stages, reduced to what
 * decides states):
 *  1. full-auto resources whose live nodes changed get new preference
 *     lists (helix/strategy.c);
 *  2. every partition whose state or lists changed gets its best
 *     possible state (BestPossibleStateCalcStage): full-auto and
 *     semi-auto assign states down the preference list's live nodes,
 *     the top state first (AbstractRebalancer.assignStatesToInstances,
 *     with its top-state handoff rule: a node that is not one transition
 *     from the top state does not get it while another replica of the
 *     list is closer: the current master keeps the role until the new
 *     node is a SLAVE); customized takes the user's map on live nodes
 *     (CustomRebalancer); a replica outside the list or map goes to
 *     DROPPED;
 *  3. each replica whose current state differs gets a message for the
 *     first hop of its shortest path (MessageGenerationPhase), unless one
 *     is already under way for it;
 *  4. messages are selected in the model's transition priority order
 *     while each target state stays within its bound, counting current
 *     states of live nodes and both ends of every message under way
 *     (MessageSelectionStage): a MASTER-SLAVE in flight still counts as a
 *     MASTER, so SLAVE-MASTER elsewhere waits until it completes.  Helix
 *     leaves the dynamic "R" bounds unenforced there (its code comments
 *     them out); enforce_replica_bound enforces them;
 *  5. an optional cluster-wide limit on messages outstanding (a
 *     ClusterConstraints STATE_TRANSITION constraint; none by default)
 *     holds the rest back (MessageThrottleStage).
 * The pipeline runs when the controller sees a node change
 * (rebalance_delay after it: the view of live nodes lags reality by that
 * much) and after every completed transition (pipeline_delay after it:
 * Helix's current-state change event).
 *
 * A participant runs at most max_transitions_per_node transitions at
 * once (its state-transition thread pool: HelixTaskExecutor's
 * DEFAULT_PARALLEL_TASKS, 40, from TaskExecutor.java); the others wait in
 * FIFO order.  A transition's duration is drawn when a thread takes it.
 * The current state changes when it completes.  A node that goes down
 * loses its replicas and its messages at once; the controller goes on
 * seeing its last current state until its view of live nodes catches up.
 *
 * Metrics kept here (docs/helix.md, "Metrics"): time without a top-state
 * replica per partition, replica creations and moves, top-state balance
 * over time, and the recovery after node events: the time until a run
 * finds nothing to do (every replica in its best possible state, nothing
 * under way, the controller's view current). */
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "helix/helix_internal.h"
#include "sim/alloc.h"

static void pipeline(struct cs_helix *h);

static cs_time now_of(const struct cs_helix *h)
{
	return cs_engine_now(h->engine);
}

/* ---- accounting ---- */

bool cs_hx_balance(const struct cs_hx_resource *r, double *out)
{
	const struct cs_helix *h = r->h;
	uint64_t up = 0, total = 0, max = 0;
	for (uint32_t n = 0; n < h->N; n++) {
		if (!h->nodes[n].up)
			continue;
		up++;
		total += r->node_top[n];
		if (r->node_top[n] > max)
			max = r->node_top[n];
	}
	if (up == 0 || total == 0)
		return false;
	*out = (double)max * (double)up / (double)total;
	return true;
}

/* integrate the balance up to now (before anything it reads changes) */
static void bal_update(struct cs_hx_resource *r)
{
	cs_time now = now_of(r->h);
	double v;
	if (r->bal_last != CS_TIME_NEVER && now > r->bal_last && cs_hx_balance(r, &v)) {
		double dt = cs_time_to_seconds(now - r->bal_last);
		r->bal_integral += v * dt;
		r->bal_time += dt;
	}
	r->bal_last = now;
}

static void top_changed(struct cs_hx_resource *r, uint32_t p, uint32_t n, bool gained)
{
	cs_time now = now_of(r->h);
	bal_update(r);
	if (!gained) {
		r->node_top[n]--;
		if (--r->ntop[p] == 0) {
			r->no_top_since[p] = now;
			r->without_top++;
		}
		return;
	}
	r->node_top[n]++;
	if (r->ntop[p]++ == 0 && r->no_top_since[p] != CS_TIME_NEVER) {
		double wo = cs_time_to_seconds(now - r->no_top_since[p]);
		r->wo_seconds[p] += wo;
		if (!r->had_top[p])
			r->startup_wo += wo;
		r->no_top_since[p] = CS_TIME_NEVER;
		r->without_top--;
	}
	r->had_top[p] = 1;
}

void cs_hx_set_state(struct cs_hx_resource *r, uint32_t p, uint32_t n, int s)
{
	size_t i = (size_t)p * r->h->N + n;
	int old = r->cur[i];
	if (old == s)
		return;
	if (old == CS_HX_ABSENT)
		r->replicas++;
	if (s == CS_HX_ABSENT)
		r->replicas--;
	if ((old == 0) != (s == 0))
		top_changed(r, p, n, s == 0);
	r->cur[i] = (int8_t)s;
}

int64_t cs_hx_bound(const struct cs_hx_resource *r, int s)
{
	int b = r->m->bound[s];
	if (b >= 0)
		return b;
	if (b == CS_HX_BOUND_R && r->h->enforce_r)
		return r->R;
	return -1;
}

static void mark_dirty(struct cs_hx_resource *r, uint32_t p)
{
	if (!r->dirty[p]) {
		r->dirty[p] = 1;
		r->dirty_list[r->ndirty++] = p;
	}
}

static void dirty_all(struct cs_hx_resource *r)
{
	for (uint32_t p = 0; p < r->P; p++)
		mark_dirty(r, p);
}

/* ---- best possible state ---- */

static int cur_or_initial(const struct cs_hx_resource *r, size_t i)
{
	return r->cur[i] == CS_HX_ABSENT ? r->m->initial : r->cur[i];
}

/* the state priority of a node's current state; none is lowest */
static int priority(const struct cs_hx_resource *r, size_t i)
{
	return r->cur[i] == CS_HX_ABSENT ? INT_MAX : r->cur[i];
}

/* The live nodes of p's list, and the same stably sorted by current state
 * priority (StatePriorityComparator). */
static uint32_t live_list(struct cs_hx_resource *r, uint32_t p)
{
	struct cs_helix *h = r->h;
	uint32_t N = h->N, total = 0;
	const uint32_t *list = r->pref + (size_t)p * N;
	for (uint32_t j = 0; j < r->npref[p]; j++)
		if (h->nodes[list[j]].live)
			h->queue[total++] = list[j];
	for (uint32_t j = 0; j < total; j++) {
		uint32_t x = h->queue[j], k = j;
		int px = priority(r, (size_t)p * N + x);
		while (k > 0 && priority(r, (size_t)p * N + h->prio[k - 1]) > px) {
			h->prio[k] = h->prio[k - 1];
			k--;
		}
		h->prio[k] = x;
		h->assigned[x] = 0;
	}
	return total;
}

/* AbstractRebalancer.assignStatesToInstances over p's preference list:
 * each state in priority order takes the next live nodes of the list, as
 * many as its count ("R": the list's length); the top state skips a node
 * more than one hop from it when a closer replica remains (the handoff
 * rule of adjustInstanceIfNecessary). */
static void assign_states(struct cs_hx_resource *r, uint32_t p)
{
	struct cs_helix *h = r->h;
	uint32_t total = live_list(r, p), qi = 0, it = 0, nassigned = 0;
	for (int s = 0; s < r->m->nstates; s++) {
		int b = r->m->bound[s];
		int64_t count = b >= 0 ? b : b == CS_HX_BOUND_R ? (int64_t)r->npref[p] : -1;
		while (qi < total && count > 0) {
			uint32_t peek = h->queue[qi], prop = peek;
			if (h->assigned[peek]) {
				qi++;
				continue;
			}
			int cs = cur_or_initial(r, (size_t)p * h->N + peek);
			if (s == 0 && count < (int64_t)(total - nassigned) && cs != 0 && !cs_hx_second_top(r->m, cs)) {
				while (it < total) {
					uint32_t c = h->prio[it++];
					if (!h->assigned[c]) {
						prop = c;
						break;
					}
				}
			}
			if (prop == peek)
				qi++;
			h->target[prop] = (int8_t)s;
			h->assigned[prop] = 1;
			nassigned++;
			count--;
		}
	}
}

static void best_possible(struct cs_hx_resource *r, uint32_t p)
{
	struct cs_helix *h = r->h;
	for (uint32_t n = 0; n < h->N; n++)
		h->target[n] = (int8_t)r->m->dropped;
	if (r->mode != CS_HX_CUSTOMIZED) {
		assign_states(r, p);
		return;
	}
	for (uint32_t n = 0; n < h->N; n++) {
		int c = r->custom[(size_t)p * h->N + n];
		if (c != CS_HX_ABSENT && h->nodes[n].live)
			h->target[n] = (int8_t)c;
	}
}

/* no replica is as good as DROPPED, and as OFFLINE (Helix reads a
 * missing current state as the initial state) */
static bool settled(const struct cs_hx_resource *r, int cur, int target)
{
	return cur == target || (cur == CS_HX_ABSENT && (target == r->m->dropped || target == r->m->initial));
}

/* ---- participants ---- */

static void complete(void *ctx, cs_time now);

static void unlink_queued(struct cs_hx_node *nd, struct cs_hx_msg *m)
{
	if (m->prev)
		m->prev->next = m->next;
	else
		nd->qhead = m->next;
	if (m->next)
		m->next->prev = m->prev;
	else
		nd->qtail = m->prev;
	m->next = m->prev = NULL;
	nd->queued--;
}

/* free threads take queued transitions, oldest first */
static void start_next(struct cs_helix *h, uint32_t n)
{
	struct cs_hx_node *nd = &h->nodes[n];
	while (nd->running < h->per_node && nd->qhead) {
		struct cs_hx_msg *m = nd->qhead;
		unlink_queued(nd, m);
		m->running = true;
		nd->running++;
		m->r->running++;
		m->ev = cs_engine_after(h->engine, cs_dist_sample_time(&m->r->dur[m->trans], h->rng), complete, m);
	}
}

/* Partition p's nodes in its ideal state are where it is placed first:
 * a replica there is no move. */
static void mark_placement(struct cs_hx_resource *r, uint32_t p)
{
	uint32_t N = r->h->N;
	if (r->mode == CS_HX_CUSTOMIZED) {
		for (uint32_t n = 0; n < N; n++)
			r->ever[(size_t)p * N + n] = r->custom[(size_t)p * N + n] != CS_HX_ABSENT;
		return;
	}
	for (uint32_t k = 0; k < r->npref[p]; k++)
		r->ever[(size_t)p * N + r->pref[(size_t)p * N + k]] = 1;
}

static void send(struct cs_hx_resource *r, uint32_t p, uint32_t n, int t)
{
	struct cs_helix *h = r->h;
	size_t i = (size_t)p * h->N + n;
	if (r->cur[i] == CS_HX_ABSENT) {
		r->created++;
		/* a move: a replica on a node the partition never had one on;
		 * a partition's first placement (at the start, or later when
		 * every node was down then) is its ideal state's nodes, no move */
		if (!r->ever[i]) {
			bool placed = false;
			for (uint32_t k = 0; k < h->N && !placed; k++)
				placed = r->ever[(size_t)p * h->N + k];
			if (!placed)
				mark_placement(r, p);
			r->moves += !r->ever[i];
		}
		r->ever[i] = 1;
	}
	struct cs_hx_msg *m = cs_xcalloc(1, sizeof *m);
	*m = (struct cs_hx_msg){.r = r, .p = p, .node = n, .trans = (uint8_t)t};
	r->msg[i] = m;
	r->pending++;
	h->pending_total++;
	struct cs_hx_node *nd = &h->nodes[n];
	m->prev = nd->qtail;
	if (nd->qtail)
		nd->qtail->next = m;
	else
		nd->qhead = m;
	nd->qtail = m;
	nd->queued++;
	start_next(h, n);
}

static void release_msg(struct cs_hx_msg *m)
{
	struct cs_hx_resource *r = m->r;
	r->msg[(size_t)m->p * r->h->N + m->node] = NULL;
	r->pending--;
	r->h->pending_total--;
	free(m);
}

static void schedule_run(struct cs_helix *h, cs_time delay);

static void complete(void *ctx, cs_time now)
{
	struct cs_hx_msg *m = ctx;
	struct cs_hx_resource *r = m->r;
	struct cs_helix *h = r->h;
	uint32_t p = m->p, n = m->node;
	int to = r->m->trans[m->trans].to;
	h->nodes[n].running--;
	r->running--;
	r->transitions++;
	release_msg(m);
	cs_hx_set_state(r, p, n, to == r->m->dropped ? CS_HX_ABSENT : to);
	mark_dirty(r, p);
	start_next(h, n);
	schedule_run(h, h->pipeline_delay);
#ifdef CS_DEBUG
	if (!cs_helix_check(h))
		abort();
#endif
}

static void cancel(struct cs_helix *h, struct cs_hx_msg *m)
{
	struct cs_hx_node *nd = &h->nodes[m->node];
	if (m->running) {
		cs_engine_cancel(h->engine, m->ev);
		nd->running--;
		m->r->running--;
	} else {
		unlink_queued(nd, m);
	}
	m->r->cancelled++;
	release_msg(m);
}

/* ---- one partition ---- */

/* the candidates: one per replica off its best possible state with
 * nothing under way, on a node that can take a message, in transition
 * priority order (then node name order); returns how many, and whether
 * any replica is off its state */
static uint32_t candidates(struct cs_hx_resource *r, uint32_t p, bool *unsettled)
{
	struct cs_helix *h = r->h;
	uint32_t N = h->N, nc = 0;
	*unsettled = false;
	for (uint32_t k = 0; k < N; k++) {
		uint32_t n = h->by_name[k];
		size_t i = (size_t)p * N + n;
		if (!h->nodes[n].live || settled(r, r->cur[i], h->target[n]))
			continue;
		*unsettled = true;
		/* one message per replica at a time; a node the controller still
		 * thinks live but that is gone cannot take one */
		if (r->msg[i] || !h->nodes[n].up)
			continue;
		int t = r->hop[cur_or_initial(r, i)][h->target[n]];
		if (t < 0)
			continue;
		uint32_t j = nc++;
		while (j > 0 && h->cand_trans[j - 1] > t) {
			h->cand_trans[j] = h->cand_trans[j - 1];
			h->cand_node[j] = h->cand_node[j - 1];
			j--;
		}
		h->cand_trans[j] = (uint8_t)t;
		h->cand_node[j] = n;
	}
	return nc;
}

/* MessageSelectionStage and MessageThrottleStage for p's candidates;
 * true if the cluster limit held one back */
static bool select_and_send(struct cs_hx_resource *r, uint32_t p, uint32_t nc)
{
	struct cs_helix *h = r->h;
	uint32_t N = h->N;
	int64_t count[CS_HX_MAX_STATES] = {0};
	for (uint32_t n = 0; n < N; n++) {
		size_t i = (size_t)p * N + n;
		/* a replica on a node the view has not caught up with yet is
		 * real all the same: it counts against the bounds */
		if (h->nodes[n].live || (h->nodes[n].up && r->cur[i] != CS_HX_ABSENT))
			count[cur_or_initial(r, i)]++;
		if (r->msg[i]) {
			count[r->m->trans[r->msg[i]->trans].from]++;
			count[r->m->trans[r->msg[i]->trans].to]++;
		}
	}
	for (uint32_t j = 0; j < nc; j++) {
		int to = r->m->trans[h->cand_trans[j]].to;
		int64_t b = cs_hx_bound(r, to);
		if (b >= 0 && count[to] + 1 > b)
			continue; /* its next run, after what holds the state completes */
		if (h->cluster_limit && h->pending_total >= h->cluster_limit)
			return true;
		count[to]++;
		send(r, p, h->cand_node[j], h->cand_trans[j]);
	}
	return false;
}

/* Evaluate partition p; true if it must be evaluated again at the next
 * run although nothing of it changes (held back by the cluster limit, or
 * off its state with nothing under way that would wake it). */
static bool evaluate(struct cs_hx_resource *r, uint32_t p)
{
	struct cs_helix *h = r->h;
	bool unsettled;
	best_possible(r, p);
	uint32_t nc = candidates(r, p, &unsettled);
	if (!unsettled)
		return false;
	if (nc > 0 && select_and_send(r, p, nc))
		return true;
	for (uint32_t n = 0; n < h->N; n++)
		if (r->msg[(size_t)p * h->N + n])
			return false;
	return true;
}

/* ---- the pipeline ---- */

static void converged(struct cs_hx_resource *r)
{
	cs_time now = now_of(r->h);
	bool any_live = false;
	for (uint32_t n = 0; n < r->h->N && !any_live; n++)
		any_live = r->h->nodes[n].live;
	/* (with every node down the start is not over: nothing is placed) */
	if (!r->startup_done && any_live) {
		r->startup_done = true;
		r->startup_seconds = cs_time_to_seconds(now - r->h->start_time);
	}
	if (r->nopen == 0)
		return;
	for (uint32_t k = 0; k < r->nopen; k++) {
		double s = cs_time_to_seconds(now - r->open_events[k]);
		if (r->recovered++ == 0 || s > r->max_recovery)
			r->max_recovery = s;
	}
	r->last_recovery = cs_time_to_seconds(now - r->open_events[r->nopen - 1]);
	r->last_ok = true;
	r->nopen = 0;
}

static int by_index(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The marked partitions of r in index order (as a scan of every partition
 * would take them, at the cost of the marked ones alone: a run after each
 * completed transition touches one partition, not P).  Once the cluster
 * limit holds a message back nothing else can be sent in this run: the
 * rest stay marked for the next, unevaluated.  Returns whether the limit
 * was reached. */
static bool evaluate_marked(struct cs_hx_resource *r, bool limited)
{
	uint32_t n = r->ndirty, keep = 0;
	qsort(r->dirty_list, n, sizeof *r->dirty_list, by_index);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t p = r->dirty_list[k];
		if (limited || evaluate(r, p)) {
			limited = limited || (r->h->cluster_limit && r->h->pending_total >= r->h->cluster_limit);
			r->dirty_list[keep++] = p;
		} else {
			r->dirty[p] = 0;
		}
	}
	r->ndirty = keep;
	return limited;
}

static void pipeline(struct cs_helix *h)
{
	bool limited = false;
	for (uint32_t k = 0; k < h->nres; k++) {
		struct cs_hx_resource *r = &h->res[k];
		if (r->recompute) {
			cs_hx_full_auto(r);
			r->recompute = false;
		}
		limited = evaluate_marked(r, limited);
	}
	if (h->view_pending)
		return; /* the controller does not know every change yet */
	for (uint32_t k = 0; k < h->nres; k++)
		if (h->res[k].pending == 0 && h->res[k].ndirty == 0)
			converged(&h->res[k]);
}

static void run_event(void *ctx, cs_time now)
{
	struct cs_helix *h = ctx;
	if (h->run_at <= now)
		h->run_at = CS_TIME_NEVER;
	pipeline(h);
}

/* one pending run at a time is enough: a run sees every change before it */
static void schedule_run(struct cs_helix *h, cs_time delay)
{
	cs_time t = now_of(h) + delay;
	if (h->run_at <= t)
		return;
	h->run_at = t;
	/* last at its instant: the node changes and view updates of one
	 * instant (four machines coming up together) reach one run, as
	 * Helix's controller batches the events it finds queued */
	cs_engine_at_phase(h->engine, t, CS_PHASE_LAST, run_event, h);
}

/* ---- nodes ---- */

static void clear_ghosts(struct cs_helix *h, uint32_t n);

/* A node change reaches the controller's view (the live instances of
 * ZooKeeper, rebalance_delay after the change). */
static void view_event(void *ctx, cs_time now)
{
	struct cs_hx_node *nd = ctx;
	struct cs_helix *h = nd->h;
	nd->live = nd->view[nd->vhead++];
	if (--nd->vcount == 0)
		nd->vhead = 0;
	h->view_pending--;
	if (!nd->live && !nd->up) /* (up again: its replicas are real ones) */
		clear_ghosts(h, (uint32_t)(nd - h->nodes));
	for (uint32_t k = 0; k < h->nres; k++) {
		h->res[k].recompute = h->res[k].mode == CS_HX_FULL_AUTO;
		dirty_all(&h->res[k]);
	}
	schedule_run(h, 0);
}

static void view_push(struct cs_helix *h, struct cs_hx_node *nd, bool up)
{
	/* Back before the controller saw it go (its down still queued): the
	 * controller never sees it down -- live as before, with the new
	 * session's empty current state.  Delivering the stale down later
	 * would take a node that holds a MASTER again out of the view, and
	 * promote another replica beside it. */
	if (up && nd->vcount > 0 && !nd->view[nd->vhead + nd->vcount - 1])
		nd->view[nd->vhead + nd->vcount - 1] = true;
	if (nd->vhead + nd->vcount == nd->vcap && nd->vhead > 0) {
		memmove(nd->view, nd->view + nd->vhead, nd->vcount * sizeof *nd->view);
		nd->vhead = 0;
	}
	CS_GROW(nd->view, nd->vcap, nd->vhead + nd->vcount + 1);
	nd->view[nd->vhead + nd->vcount++] = up;
	h->view_pending++;
	cs_engine_after(h->engine, h->rebalance_delay, view_event, nd);
}

/* A node went down: its replicas are lost now, for the metrics, and its
 * transitions with them.  Until the controller's view catches up it
 * still sees the node's last current state (Helix reads the current
 * states of the instances it believes live): those "ghost" replicas keep
 * their states in r->cur, so that, e.g., a lost MASTER is not replaced
 * before the controller knows. */
static void lose_node(struct cs_hx_resource *r, uint32_t n)
{
	uint32_t N = r->h->N;
	for (uint32_t p = 0; p < r->P; p++) {
		size_t i = (size_t)p * N + n;
		if (r->msg[i])
			cancel(r->h, r->msg[i]);
		if (r->cur[i] == CS_HX_ABSENT)
			continue;
		r->replicas--;
		if (r->cur[i] == 0)
			top_changed(r, p, n, false);
		mark_dirty(r, p);
	}
}

/* the controller learns that n is gone, or n restarted empty */
static void clear_ghosts(struct cs_helix *h, uint32_t n)
{
	for (uint32_t k = 0; k < h->nres; k++) {
		struct cs_hx_resource *r = &h->res[k];
		for (uint32_t p = 0; p < r->P; p++) {
			int8_t *c = &r->cur[(size_t)p * h->N + n];
			if (*c != CS_HX_ABSENT) {
				*c = CS_HX_ABSENT;
				mark_dirty(r, p);
			}
		}
	}
}

void cs_helix_node_changed(struct cs_helix *h, uint32_t node, bool up)
{
	assert(node < h->N);
	struct cs_hx_node *nd = &h->nodes[node];
	if (nd->up == up)
		return;
	if (!h->started) {
		nd->up = nd->live = up;
		return;
	}
	cs_time now = now_of(h);
	for (uint32_t k = 0; k < h->nres; k++) {
		struct cs_hx_resource *r = &h->res[k];
		bal_update(r); /* the set of up nodes changes the balance */
		CS_GROW(r->open_events, r->capopen, r->nopen + 1);
		r->open_events[r->nopen++] = now;
		r->events++;
		r->last_ok = false;
	}
	nd->up = up;
	if (up)
		clear_ghosts(h, node);
	else
		for (uint32_t k = 0; k < h->nres; k++)
			lose_node(&h->res[k], node);
	view_push(h, nd, up);
	/* lost current states, or a restarted node's empty ones, are a change
	 * the pipeline reacts to (after the view, when both are due now) */
	schedule_run(h, h->pipeline_delay);
}

static void mark_initial(struct cs_hx_resource *r)
{
	for (uint32_t p = 0; p < r->P; p++)
		mark_placement(r, p);
}

void cs_helix_start(struct cs_helix *h)
{
	assert(!h->started);
	h->started = true;
	h->start_time = now_of(h);
	for (uint32_t n = 0; n < h->N; n++)
		h->nodes[n].live = h->nodes[n].up;
	for (uint32_t k = 0; k < h->nres; k++) {
		struct cs_hx_resource *r = &h->res[k];
		for (uint32_t p = 0; p < r->P; p++)
			r->no_top_since[p] = h->start_time;
		r->without_top = r->P;
		r->bal_last = h->start_time;
		if (r->mode == CS_HX_FULL_AUTO)
			cs_hx_full_auto(r);
		/* the first placement is where the replicas start: no move */
		mark_initial(r);
		dirty_all(r);
	}
	pipeline(h);
}
