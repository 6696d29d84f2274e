/* schedulers/mesos — Mesos-style two-level scheduling: an allocator makes
 * resource offers, frameworks accept part of them and decline the rest.
 *
 * Config (docs/experiments.md, "mesos"): {"type": "mesos", "allocation_interval": 1,
 *   "refuse_seconds": 5, "offer_timeout": null,
 *   "frameworks": [{"name", "workloads", "weight": 1, "t_job", "t_task"}, ...],
 *   "placement": ..., "max_attempts": 1000, "count_failed_attempts": true}
 *
 * Allocator (docs/model.md, "Mesos"; Mesos' hierarchical allocator, as the Omega
 * study modelled it):
 *  - a round runs every allocation_interval over every agent (machine) in
 *    a shuffled order (the allocator's own random stream; only the order
 *    of the agents that can be offered matters, see periodic_fire), and, when tasks
 *    end, over their agents alone (Mesos allocates a recovered agent's
 *    resources at once; the agents recovering at one instant share one
 *    pass, after all of that instant's releases);
 *  - for each agent, the first eligible framework in weighted-DRF order
 *    gets *all* of the agent's remaining unoffered resources as one offer.
 *    Eligible: it has jobs waiting and no decline filter covers the offer.
 *    DRF order: lowest dominant share (max over cpu and memory of the
 *    resources its tasks use plus those offered to it, over the cell's
 *    total) divided by its weight; ties by name, never by chance.  The
 *    order is recomputed after every offer, since an offer raises the
 *    receiver's share;
 *  - offered resources are locked: nobody else is offered them until the
 *    framework uses or declines them, or the offer times out (with
 *    offer_timeout; Mesos' default is never).
 * Frameworks (one per entry; each is one decision-making agent) are
 * plug-ins (schedulers/framework.h; "kind", default "jobs", fw_jobs.c).
 * A decline installs a filter: the agent is not offered to that framework
 * again for max(refuse_seconds, allocation_interval) unless the new offer
 * is larger than the refused one (Mesos filters offers that are a subset of
 * what was refused).
 * An agent is in at most one offer at a time; resources freed on an agent
 * that is in an offer are offered once that offer is answered.
 * Offers arriving while a framework thinks join what it holds; so a slow
 * framework locks resources away from the others (the Omega paper's
 * finding that batch jobs starve behind a slow service framework).
 *
 * Metrics: per framework busy (a decision that placed nothing is wasted),
 * transactions = decisions, jobs_abandoned; scheduler_metrics: offers,
 * declines, rescinded (timed-out) offers, allocation rounds, and locked_cpu
 * / locked_mem, the time-averaged fraction of the cell's capacity that sat
 * in offers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "schedulers/drf.h"
#include "schedulers/framework.h"
#include "schedulers/sched_common.h"
#include "sim/fastrng.h"
#include "schedulers/scheduler.h"
#include "sim/alloc.h"
#include "sim/host.h"

struct mesos {
	struct cs_host *h;
	struct cs_framework *fws;
	uint32_t nfws;
	uint32_t *fw_of;          /* workload -> framework */
	int32_t *holder;          /* per machine: framework holding an offer of it, -1 */
	cs_time *quiet;           /* per machine: a visit before this time offers
				   * nothing (see offer_agent); 0 = unknown */
	uint32_t *all;            /* every agent, in index order */
	uint32_t *visit;          /* a round's agents, shuffled (scratch) */
	uint32_t nwanting;        /* frameworks that want offers, this round */
	struct cs_framework *sole; /* the one that wants them when nwanting is 1 */
	uint64_t visit_epoch;     /* rounds that visited agents (and declines
				   * that set quiet times) so far */
	cs_time offer_expires;    /* this round's offers time out then */
	uint32_t *recovered;      /* agents whose tasks ended at this instant */
	uint8_t *recovered_mark;
	uint32_t nrecovered;
	bool recovery_pending;
	struct cs_fastrng shuffle; /* the shuffle's draws (seeded from the
				    * allocator's stream; GSL per draw is too
				    * slow for n draws every second) */
	cs_time interval, refuse, timeout; /* timeout: CS_TIME_NEVER = none */
	struct cs_retry retry;
	uint64_t offers, declines, rescinded, rounds;
	/* time integral of offered resources */
	struct cs_res offered_total;
	double locked_cpu_area, locked_mem_area;
	cs_time locked_since;
};

static void account_locked_slow(struct mesos *m, cs_time now)
{
	double dt = cs_time_to_seconds(now - m->locked_since);
	m->locked_cpu_area += cs_qty_to_double(m->offered_total.cpu) * dt;
	m->locked_mem_area += cs_qty_to_double(m->offered_total.mem) * dt;
	m->locked_since = now;
}

static inline void account_locked(struct mesos *m)
{
	cs_time now = cs_engine_now(m->h->engine);
	if (now != m->locked_since) /* most offers and declines come at one instant */
		account_locked_slow(m, now);
}

static void res_add(struct cs_res *a, const struct cs_res *b, int sign)
{
	a->cpu += sign * b->cpu;
	a->mem += sign * b->mem;
	a->disk += sign * b->disk;
}

static bool res_le(const struct cs_res *a, const struct cs_res *b)
{
	return a->cpu <= b->cpu && a->mem <= b->mem && a->disk <= b->disk;
}

static bool res_empty(const struct cs_res *r)
{
	return r->cpu <= 0 && r->mem <= 0;
}

/* What machine mc can be offered: false when nothing (down, held by a
 * framework, or full); shared by offer_agent and round_sole. */
static inline bool offerable(const struct cs_machine *mc, int32_t holder, struct cs_res *r)
{
	if (!mc->up || mc->closed || holder >= 0)
		return false;
	*r = (struct cs_res){mc->cap.cpu - mc->used.cpu, mc->cap.mem - mc->used.mem, mc->cap.disk - mc->used.disk};
	return !(res_empty(r) || r->cpu < 0 || r->mem < 0);
}

/* Whether a decline filter still keeps an offer of r away (Mesos filters
 * offers that are no larger than the refused one). */
static inline bool filter_covers(const struct cs_filter *flt, const struct cs_res *r, cs_time now)
{
	return now < flt->until && res_le(r, &flt->refused);
}

static double drf_share(const struct cs_framework *f)
{
	return cs_drf_share(&f->alloc, f->weight, &f->m->h->cell->total_cap);
}

/* The first eligible framework in DRF order for an offer of r on machine
 * mi, or NULL: the lowest share (cached for the round in f->share); on a
 * tie the first listed, i.e. the name that sorts first. */
static struct cs_framework *drf_pick(struct mesos *m, uint32_t mi, const struct cs_res *r, cs_time now,
				     cs_time *expiry)
{
	struct cs_framework *best = NULL;
	*expiry = CS_TIME_NEVER;
	if (m->nwanting == 1) { /* the common case: no order to work out */
		const struct cs_filter *flt = &m->sole->filters[mi];
		if (filter_covers(flt, r, now)) {
			*expiry = flt->until;
			return NULL;
		}
		return m->sole;
	}
	for (uint32_t i = 0; i < m->nfws; i++) {
		struct cs_framework *f = &m->fws[i];
		const struct cs_filter *flt = &f->filters[mi];
		if (!f->wants)
			continue;
		if (filter_covers(flt, r, now)) {
			if (flt->until < *expiry)
				*expiry = flt->until;
			continue;
		}
		if (!best || f->share < best->share)
			best = f;
	}
	return best;
}

static void offer_timeout_fire(void *ctx, cs_time now);

/* Offer everything unoffered on machine mi, if anyone wants it.
 *
 * When nobody can be offered the agent, m->quiet[mi] records until when
 * that stays so, letting rounds skip it with one comparison (a round
 * visits every agent every interval; most are held, full or filtered).
 * It is the earliest expiry of the wanting frameworks' filters on it, or
 * never for an agent that is down, held or full; and it is reset to 0 by
 * whatever could make the agent offerable sooner: a release on it
 * (mesos_task_ended), its offer coming back (give_back), it coming up, and
 * a framework starting to want offers (count_wanting). */
static bool offer_agent(struct mesos *m, uint32_t mi, cs_time now)
{
	if (m->quiet[mi] > now)
		return false;
	struct cs_res r;
	if (!offerable(&m->h->cell->mach[mi], m->holder[mi], &r)) {
		m->quiet[mi] = CS_TIME_NEVER;
		return false;
	}
	cs_time expiry;
	struct cs_framework *f = drf_pick(m, mi, &r, now, &expiry);
	if (!f) {
		m->quiet[mi] = expiry;
		return false;
	}
	account_locked(m);
	m->holder[mi] = (int32_t)f->index;
	res_add(&m->offered_total, &r, +1);
	res_add(&f->alloc, &r, +1);
	/* held has room for every agent (allocated with the framework) */
	f->held[f->nheld++] = (struct cs_held){mi, r, m->offer_expires};
	m->offers++;
	if (m->nwanting > 1) /* shares only matter when frameworks compete */
		f->share = drf_share(f);
	return true;
}

/* After a round: frameworks with new offers start working, and offers
 * get their timeout. */
static void deliver(struct mesos *m, const bool *got)
{
	for (uint32_t i = 0; i < m->nfws; i++) {
		if (!got[i])
			continue;
		struct cs_framework *f = &m->fws[i];
		if (m->timeout != CS_TIME_NEVER)
			cs_engine_after(m->h->engine, m->timeout, offer_timeout_fire, f);
		f->ops->offers_arrived(f);
	}
}

/* f starts wanting offers: an agent kept quiet by the other frameworks'
 * filters may be offered to f once f's own filter on it (if any, and if
 * it still covers the agent) expires. */
static void wake_for(struct mesos *m, const struct cs_framework *f)
{
	const struct cs_cell *cell = m->h->cell;
	cs_time now = cs_engine_now(m->h->engine);
	for (uint32_t mi = 0; mi < cell->n; mi++) {
		if (m->quiet[mi] <= now)
			continue;
		const struct cs_filter *flt = &f->filters[mi];
		cs_time from = 0;
		if (now < flt->until) {
			struct cs_res r = cs_cell_free(cell, mi);
			if (res_le(&r, &flt->refused))
				from = flt->until;
		}
		if (from < m->quiet[mi])
			m->quiet[mi] = from;
	}
}

/* Ask each framework once per round whether it wants offers (that cannot
 * change during a round: offers are delivered after it). */
static uint32_t count_wanting(struct mesos *m)
{
	m->nwanting = 0;
	for (uint32_t i = 0; i < m->nfws; i++) {
		struct cs_framework *f = &m->fws[i];
		bool wants = !f->suppressed && f->ops->wants_offers(f);
		/* quiet times set by rounds that ran while f did not want offers
		 * ignore f's filters: those agents may be offered to f now.
		 * Without such rounds every quiet time already counts f. */
		if (wants && !f->wants && f->idle_epoch != m->visit_epoch)
			wake_for(m, f);
		if (!wants && f->wants)
			f->idle_epoch = m->visit_epoch;
		f->wants = wants;
		m->nwanting += wants;
		if (wants)
			m->sole = f;
	}
	return m->nwanting;
}

/* offer_agent for every agent when one framework wants offers (nearly
 * every round): the same decisions, with the arrays and the framework in
 * locals (the compiler cannot keep them in registers across the stores of
 * the general path) and the offered totals added once.  Returns whether
 * anything was offered. */
static bool round_sole(struct mesos *m, const uint32_t *agents, uint32_t n, cs_time now)
{
	struct cs_framework *f = m->sole;
	const struct cs_machine *mach = m->h->cell->mach;
	const struct cs_filter *filters = f->filters;
	cs_time *quiet = m->quiet;
	int32_t *holder = m->holder;
	struct cs_held *held = f->held;
	const uint32_t first = f->nheld;
	uint32_t nheld = first;
	const int32_t index = (int32_t)f->index;
	const cs_time expires = m->offer_expires;
	struct cs_res sum = {0, 0, 0};
	for (uint32_t k = 0; k < n; k++) {
		uint32_t mi = agents[k];
		if (quiet[mi] > now)
			continue;
		struct cs_res r;
		if (!offerable(&mach[mi], holder[mi], &r)) {
			quiet[mi] = CS_TIME_NEVER;
			continue;
		}
		const struct cs_filter *flt = &filters[mi];
		if (filter_covers(flt, &r, now)) {
			quiet[mi] = flt->until;
			continue;
		}
		holder[mi] = index;
		res_add(&sum, &r, +1);
		held[nheld++] = (struct cs_held){mi, r, expires};
	}
	if (nheld == first)
		return false;
	account_locked(m); /* before the totals change; the offers are all at now */
	res_add(&m->offered_total, &sum, +1);
	res_add(&f->alloc, &sum, +1);
	m->offers += nheld - first;
	f->nheld = nheld;
	return true;
}

/* Offer the given agents; periodic: a full round (counted). */
static void run_round(struct mesos *m, const uint32_t *agents, uint32_t n, bool periodic)
{
	cs_time now = cs_engine_now(m->h->engine);
	if (count_wanting(m) == 0)
		return;
	m->visit_epoch++;
	m->offer_expires = m->timeout == CS_TIME_NEVER ? CS_TIME_NEVER : now + m->timeout;
	if (periodic)
		m->rounds++;
	if (m->nwanting == 1) {
		if (round_sole(m, agents, n, now)) {
			bool got[256] = {false};
			got[m->sole->index] = true;
			deliver(m, got);
		}
		return;
	}
	for (uint32_t i = 0; i < m->nfws; i++)
		m->fws[i].share = drf_share(&m->fws[i]);
	bool got[256] = {false};
	for (uint32_t k = 0; k < n; k++) {
		uint32_t mi = agents[k];
		if (offer_agent(m, mi, now)) /* only agents nobody held are offered */
			got[m->holder[mi]] = true;
	}
	deliver(m, got);
}

static void periodic_fire(void *ctx, cs_time now)
{
	struct mesos *m = ctx;
	uint32_t n = m->h->cell->n;
	/* Mesos shuffles the agents every round.  The order only decides
	 * which framework gets an agent when several want offers; with one
	 * (or none) every agent it may have goes to it in any order, and what
	 * it does with them does not depend on their order (it picks among
	 * them at random): index order then.  With several, only the agents
	 * whose quiet time has passed are shuffled (Fisher-Yates): the others
	 * are skipped whatever the order, and a uniformly random order of the
	 * rest is what a shuffle of all of them gives the rest.  (Shuffling
	 * all thousand agents every second was a fifth of a Mesos run.) */
	if (count_wanting(m) > 1) {
		uint32_t k = 0;
		for (uint32_t mi = 0; mi < n; mi++)
			if (m->quiet[mi] <= now)
				m->visit[k++] = mi;
		for (uint32_t i = k; i > 1; i--) {
			uint32_t j = cs_fastrng_below(&m->shuffle, i);
			uint32_t t = m->visit[i - 1];
			m->visit[i - 1] = m->visit[j];
			m->visit[j] = t;
		}
		run_round(m, m->visit, k, true);
	} else {
		run_round(m, m->all, n, true);
	}
	/* without a fixed end, stop when nothing else can happen (in a
	 * simulation; a real clock goes on until the run is stopped) */
	if (m->h->duration != CS_TIME_NEVER || cs_engine_continues(m->h->engine))
		cs_engine_after(m->h->engine, m->interval, periodic_fire, m);
}

/* Return the resources f holds on entry k to the allocator. */
static void give_back(struct cs_framework *f, uint32_t k, bool decline)
{
	struct mesos *m = f->m;
	struct cs_held *h = &f->held[k];
	account_locked(m);
	res_add(&m->offered_total, &h->res, -1);
	res_add(&f->alloc, &h->res, -1);
	m->holder[h->machine] = -1;
	m->quiet[h->machine] = 0;
	if (decline) {
		cs_time span = m->refuse > m->interval ? m->refuse : m->interval;
		f->filters[h->machine] = (struct cs_filter){cs_engine_now(m->h->engine) + span, h->res};
		m->declines++;
	}
	f->held[k] = f->held[--f->nheld];
}

static void offer_timeout_fire(void *ctx, cs_time now)
{
	struct cs_framework *f = ctx;
	for (uint32_t k = 0; k < f->nheld;) {
		if (f->held[k].expires <= now) {
			uint32_t machine = f->held[k].machine;
			give_back(f, k, false);
			f->m->rescinded++;
			if (f->ops->offer_rescinded)
				f->ops->offer_rescinded(f, machine);
		} else {
			k++;
		}
	}
}

/* ---- host calls for framework kinds (framework.h) ---- */

void cs_fw_launch(struct cs_framework *f, struct cs_task *task, uint32_t k)
{
	struct mesos *m = f->m;
	struct cs_held *h = &f->held[k];
	const struct cs_res *req = &task->job->req;
	account_locked(m);
	/* the resources move from offered to used by the framework */
	res_add(&h->res, req, -1);
	res_add(&m->offered_total, req, -1);
	cs_cell_claim(m->h->cell, task, h->machine);
}

/* give_back(f, k, true) for every k at once: the totals change once, and
 * the held list is emptied rather than shrunk one swap at a time (a batch
 * framework declines hundreds of agents after every decision). */
void cs_fw_decline_all(struct cs_framework *f)
{
	struct mesos *m = f->m;
	if (f->nheld == 0)
		return;
	account_locked(m);
	cs_time span = m->refuse > m->interval ? m->refuse : m->interval;
	cs_time until = cs_engine_now(m->h->engine) + span;
	/* When f is the one framework that wants offers, what the next
	 * round's visit would find is known now: the filter just installed
	 * covers the agent (unless resources were freed on it while it was
	 * held) until `until`.  Setting that quiet time here spares the
	 * visit -- a third of all visits.  Like a round's visit, it counts
	 * only the frameworks that want offers, so it bumps visit_epoch:
	 * another framework that starts wanting is then woken (wake_for). */
	const struct cs_cell *cell = m->h->cell;
	bool sole = m->nwanting == 1 && m->sole == f;
	struct cs_res sum = {0, 0, 0};
	/* the arrays in locals: see round_sole */
	const struct cs_held *held = f->held;
	const uint32_t nheld = f->nheld;
	int32_t *holder = m->holder;
	cs_time *quiet = m->quiet;
	struct cs_filter *filters = f->filters;
	for (uint32_t k = 0; k < nheld; k++) {
		const struct cs_held *h = &held[k];
		uint32_t mi = h->machine;
		res_add(&sum, &h->res, +1);
		holder[mi] = -1;
		cs_time q = 0;
		if (sole) {
			struct cs_res r = cs_cell_free(cell, mi);
			if (res_le(&r, &h->res))
				q = until;
		}
		quiet[mi] = q;
		filters[mi] = (struct cs_filter){until, h->res};
	}
	if (sole)
		m->visit_epoch++;
	res_add(&m->offered_total, &sum, -1);
	res_add(&f->alloc, &sum, -1);
	m->declines += f->nheld;
	f->nheld = 0;
}

void cs_fw_swap_held(struct cs_framework *f, uint32_t a, uint32_t b)
{
	struct cs_held t = f->held[a];
	f->held[a] = f->held[b];
	f->held[b] = t;
}

static bool fits_in(const struct cs_res *a, const struct cs_res *b)
{
	return a->cpu <= b->cpu && a->mem <= b->mem && a->disk <= b->disk;
}

uint32_t cs_fw_pick(struct cs_framework *f, const struct cs_res *req, uint32_t *ncand)
{
	const struct cs_cell *cell = f->h->cell;
	const struct cs_held *held = f->held;
	while (*ncand > 0) {
		uint32_t k = cs_fastrng_below(&f->fast, *ncand);
		if (fits_in(req, &held[k].res) && cs_cell_fits(cell, held[k].machine, req))
			return k;
		cs_fw_swap_held(f, k, *ncand - 1);
		(*ncand)--;
	}
	return UINT32_MAX;
}

static uint32_t pick_ruled(struct cs_framework *f, const struct cs_job *job, uint32_t ncand)
{
	/* a rule's answer can change as tasks are placed: scan the held
	 * offers from a random one, removing none */
	const struct cs_cell *cell = f->h->cell;
	const struct cs_held *held = f->held;
	uint32_t start = ncand ? cs_fastrng_below(&f->fast, ncand) : 0;
	for (uint32_t i = 0; i < ncand; i++) {
		uint32_t k = (start + i) % ncand;
		if (fits_in(&job->req, &held[k].res) && cs_cell_fits(cell, held[k].machine, &job->req) &&
		    job->rule->allows(job->rule->ctx, cell, held[k].machine, NULL, 0))
			return k;
	}
	return UINT32_MAX;
}

__attribute__((noinline, cold)) uint32_t cs_fw_place_ruled(struct cs_framework *f, struct cs_job *job)
{
	uint32_t placed = 0, ncand;
	cs_fw_held(f, &ncand);
	for (uint32_t i = 0; i < job->ntasks && job->placed < job->ntasks && ncand > 0; i++) {
		if (job->tasks[i].state != CS_TASK_PENDING)
			continue;
		uint32_t found = pick_ruled(f, job, ncand);
		if (found == UINT32_MAX)
			break;
		cs_fw_launch(f, &job->tasks[i], found);
		placed++;
	}
	return placed;
}

void cs_fw_kill(struct cs_framework *f, struct cs_task *task)
{
	cs_host_kill(f->h, task);
}

void cs_fw_suppress(struct cs_framework *f)
{
	f->suppressed = true;
}

void cs_fw_revive(struct cs_framework *f)
{
	f->suppressed = false;
	/* Mesos' revive removes the framework's filters */
	for (uint32_t mi = 0; mi < f->h->cell->n; mi++)
		f->filters[mi].until = 0;
	for (uint32_t mi = 0; mi < f->h->cell->n; mi++)
		f->m->quiet[mi] = 0;
}

/* A task reached RUNNING: its framework hears it (task_status). */
static void mesos_task_started(void *self, struct cs_task *task)
{
	struct cs_job *job = task->job;
	if (job->prefill || !job->slot[CS_LAYER_SCHEDULER].data)
		return;
	struct cs_framework *f = job->slot[CS_LAYER_SCHEDULER].data;
	if (f->ops->task_status)
		f->ops->task_status(f, task);
}

static void mesos_submit(void *self, struct cs_job *job)
{
	struct mesos *m = self;
	struct cs_framework *f = &m->fws[m->fw_of[job->workload]];
	job->slot[CS_LAYER_SCHEDULER].data = f;
	f->ops->submit(f, job);
}

static void recovery_fire(void *ctx, cs_time now)
{
	struct mesos *m = ctx;
	m->recovery_pending = false;
	for (uint32_t k = 0; k < m->nrecovered; k++)
		m->recovered_mark[m->recovered[k]] = 0;
	uint32_t n = m->nrecovered;
	m->nrecovered = 0;
	run_round(m, m->recovered, n, false);
}

/* Resources were freed on agent mi (a task ended, or shrank). */
static void agent_recovered(struct mesos *m, uint32_t mi)
{
	m->quiet[mi] = 0;
	if (m->recovered_mark[mi])
		return;
	/* Allocate the recovered resources at once, but in one pass for all
	 * the agents that recover at this instant (the tasks of a job end
	 * together): a zero-delay event after the releases of this instant. */
	m->recovered_mark[mi] = 1;
	m->recovered[m->nrecovered++] = mi;
	if (!m->recovery_pending) {
		m->recovery_pending = true;
		cs_engine_after(m->h->engine, 0, recovery_fire, m);
	}
}

static void mesos_task_ended(void *self, struct cs_task *task, enum cs_task_state why)
{
	struct mesos *m = self;
	struct cs_job *job = task->job;
	if (!job->prefill && job->slot[CS_LAYER_SCHEDULER].data) {
		struct cs_framework *f = job->slot[CS_LAYER_SCHEDULER].data;
		res_add(&f->alloc, &job->req, -1);
		if (f->ops->task_ended)
			f->ops->task_ended(f, task, why);
	}
	uint32_t mi = task->machine;
	if (mi != CS_NO_MACHINE && mi < m->h->cell->n)
		agent_recovered(m, mi);
}

/* A job's request changed: its framework's share counts what its running
 * tasks hold now, and the agents where they shrank have resources back. */
static void mesos_request_changed(void *self, struct cs_job *job, const struct cs_res *old)
{
	struct mesos *m = self;
	if (!job->prefill && job->slot[CS_LAYER_SCHEDULER].data) {
		struct cs_framework *f = job->slot[CS_LAYER_SCHEDULER].data;
		cs_qty k = (cs_qty)(job->placed - job->ended);
		struct cs_res d = {(job->req.cpu - old->cpu) * k, (job->req.mem - old->mem) * k,
				   (job->req.disk - old->disk) * k};
		res_add(&f->alloc, &d, +1);
	}
	if (!cs_request_shrank(job, old) || !job->tasks)
		return;
	for (uint32_t i = 0; i < job->ntasks; i++)
		if (cs_task_on_machine(&job->tasks[i]))
			agent_recovered(m, job->tasks[i].machine);
}

static void mesos_machine_changed(void *self, uint32_t machine, bool up)
{
	struct mesos *m = self;
	m->quiet[machine] = 0;
	if (up || m->holder[machine] < 0)
		return;
	/* the agent is gone: rescind its offer */
	struct cs_framework *f = &m->fws[m->holder[machine]];
	for (uint32_t k = 0; k < f->nheld; k++) {
		if (f->held[k].machine == machine) {
			give_back(f, k, false);
			m->rescinded++;
			if (f->ops->offer_rescinded)
				f->ops->offer_rescinded(f, machine);
			break;
		}
	}
}

static void mesos_report(void *self, struct cs_report *out)
{
	struct mesos *m = self;
	for (uint32_t i = 0; i < m->nfws; i++)
		*cs_report_add(out, m->fws[i].stats.name) = m->fws[i].stats;
	account_locked(m);
	double secs = cs_time_to_seconds(cs_engine_now(m->h->engine));
	const struct cs_cell *cell = m->h->cell;
	double cap_cpu = cs_qty_to_double(cell->total_cap.cpu), cap_mem = cs_qty_to_double(cell->total_cap.mem);
	if (out->counters_only)
		return;
	out->extra = json_pack("{s:I, s:I, s:I, s:I, s:o, s:o}", "offers", (json_int_t)m->offers,
			       "declines", (json_int_t)m->declines, "rescinded", (json_int_t)m->rescinded,
			       "allocation_rounds", (json_int_t)m->rounds,
			       "locked_cpu", secs > 0 && cap_cpu > 0 ? json_real(m->locked_cpu_area / secs / cap_cpu) : json_null(),
			       "locked_mem", secs > 0 && cap_mem > 0 ? json_real(m->locked_mem_area / secs / cap_mem) : json_null());
}

static void mesos_destroy(void *self)
{
	struct mesos *m = self;
	for (uint32_t i = 0; i < m->nfws; i++) {
		if (m->fws[i].ops && m->fws[i].impl)
			m->fws[i].ops->destroy(&m->fws[i]);
		free(m->fws[i].held);
		free(m->fws[i].filters);
		if (m->fws[i].rng)
			gsl_rng_free(m->fws[i].rng);
	}
	free(m->fws);
	free(m->fw_of);
	free(m->holder);
	free(m->quiet);
	free(m->all);
	free(m->visit);
	free(m->recovered);
	free(m->recovered_mark);
	free(m);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cs_framework *)a)->stats.name, ((const struct cs_framework *)b)->stats.name);
}

/* Where an app goes that no framework's "workloads" names: the framework
 * its entry names, else the only one whose kind takes its format (a
 * Marathon app to a "marathon" framework); UINT32_MAX for the rest (the
 * catch-all framework takes them).  Frameworks are still in entry order. */
static int app_frameworks(struct mesos *m, const struct cs_cfg *cfg, uint32_t *preferred)
{
	const struct cs_host *h = m->h;
	for (uint32_t wl = 0; wl < h->nworkloads; wl++) {
		preferred[wl] = UINT32_MAX;
		const struct cs_app *app = h->workload_apps ? h->workload_apps[wl] : NULL;
		const char *want = h->workload_frameworks ? h->workload_frameworks[wl] : NULL;
		if (!app)
			continue;
		uint32_t found = UINT32_MAX, n = 0;
		for (uint32_t i = 0; i < m->nfws; i++) {
			const struct cs_framework *f = &m->fws[i];
			bool pick = want ? strcmp(f->stats.name, want) == 0 : f->ops->takes && f->ops->takes(app);
			if (pick && n++ == 0)
				found = i;
		}
		if (want && n == 0)
			return cs_error_input(cfg->err, cfg->file, "scheduler.frameworks",
					      "app %s names the framework \"%s\", which is not one of them", h->workload_names[wl],
					      want);
		if (!want && n > 1)
			return cs_error_input(cfg->err, cfg->file, "scheduler.frameworks",
					      "%u frameworks take app %s: give its apps entry a \"framework\"", n,
					      h->workload_names[wl]);
		preferred[wl] = found;
	}
	return 0;
}

static int parse_frameworks(struct mesos *m, const struct cs_cfg *cfg, json_t *config)
{
	static const char *const base_keys[] = {"name", "workloads", "weight", "kind"};
	const char *const *kind_names = cs_framework_kinds();
	struct cs_host *h = m->h;
	json_t *list = json_object_get(config, "frameworks");
	if (!list) {
		list = json_pack("[{s:s}]", "name", "framework");
		json_object_set_new(config, "frameworks", list);
	}
	if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 256)
		return cs_error_input(cfg->err, cfg->file, "scheduler.frameworks",
				      "expected a list of 1 to 256 frameworks");
	m->nfws = (uint32_t)json_array_size(list);
	m->fws = cs_xcalloc(m->nfws, sizeof *m->fws);
	for (uint32_t i = 0; i < m->nfws; i++) {
		char p[64], dn[32];
		cs_path_index(p, sizeof p, "scheduler.frameworks", i);
		json_t *fj = json_array_get(list, i);
		const char *name;
		int kind;
		struct cs_framework *f = &m->fws[i];
		snprintf(dn, sizeof dn, "framework%u", i);
		if (cs_cfg_need_object(cfg, fj, p) < 0 ||
		    cs_cfg_enum(cfg, fj, p, "kind", "jobs", kind_names, &kind) < 0)
			return -1;
		f->ops = cs_framework_find(kind_names[kind]);
		const char *keys[32];
		size_t nk = 0;
		for (size_t k = 0; k < sizeof base_keys / sizeof *base_keys; k++)
			keys[nk++] = base_keys[k];
		for (size_t k = 0; f->ops->keys && f->ops->keys[k] && nk < 31; k++)
			keys[nk++] = f->ops->keys[k];
		keys[nk] = NULL;
		if (cs_cfg_keys(cfg, fj, p, keys) < 0 || cs_cfg_str(cfg, fj, p, "name", dn, 0, &name) < 0 ||
		    cs_cfg_num_in(cfg, fj, p, "weight", 1, CS_CFG_POSITIVE, 0, 1e6, &f->weight) < 0)
			return -1;
		snprintf(f->stats.name, sizeof f->stats.name, "%s", name);
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(m->fws[j].stats.name, name) == 0)
				return cs_error_input(cfg->err, cfg->file, p, "two frameworks are named \"%s\"", name);
		f->m = m;
		f->h = h;
		f->retry = &m->retry;
		if (f->ops->create(f, cfg, fj, p) < 0)
			return -1;
	}
	/* app kinds without "workloads" take the apps they take; the rest
	 * goes to the one other entry without a list (or, when an app kind
	 * is the only one without, to it) */
	uint32_t unlisted = 0;
	for (uint32_t i = 0; i < m->nfws; i++)
		unlisted += !json_object_get(json_array_get(list, i), "workloads");
	for (uint32_t i = 0; i < m->nfws && unlisted > 1; i++) {
		json_t *fj = json_array_get(list, i);
		if (m->fws[i].ops->takes && !json_object_get(fj, "workloads"))
			json_object_set_new(fj, "workloads", json_array());
	}
	uint32_t *entry_of = cs_xmalloc(h->nworkloads * sizeof *entry_of);
	uint32_t *preferred = cs_xmalloc(h->nworkloads * sizeof *preferred);
	if (app_frameworks(m, cfg, preferred) < 0 ||
	    cs_map_workloads(cfg, h, list, "scheduler.frameworks", preferred, entry_of) < 0) {
		free(entry_of);
		free(preferred);
		return -1;
	}
	free(preferred);
	/* keep frameworks sorted by name: DRF ties go to the first */
	for (uint32_t i = 0; i < m->nfws; i++)
		m->fws[i].index = i;
	qsort(m->fws, m->nfws, sizeof *m->fws, by_name);
	m->fw_of = cs_xmalloc(h->nworkloads * sizeof *m->fw_of);
	for (uint32_t wl = 0; wl < h->nworkloads && h->workload_on_mesos; wl++)
		h->workload_on_mesos[wl] = true;
	for (uint32_t wl = 0; wl < h->nworkloads; wl++)
		for (uint32_t i = 0; i < m->nfws; i++)
			if (m->fws[i].index == entry_of[wl])
				m->fw_of[wl] = i;
	free(entry_of);
	for (uint32_t i = 0; i < m->nfws; i++) {
		struct cs_framework *f = &m->fws[i];
		f->index = i;
		f->filters = cs_xcalloc(h->cell->n, sizeof *f->filters);
		f->held = cs_xmalloc((h->cell->n ? h->cell->n : 1) * sizeof *f->held);
		f->cap = h->cell->n;
		char stream[96];
		snprintf(stream, sizeof stream, "placement:%s", f->stats.name);
		f->rng = cs_host_rng(h, stream);
		cs_fastrng_seed(&f->fast, f->rng);
		if (f->ops->task_status)
			h->notify_started = true; /* the world tells mesos_task_started */
	}
	return 0;
}

static int mesos_create(struct cs_host *h, const struct cs_cfg *cfg, json_t *config, void **self)
{
	static const char *const keys[] = {"type", "label", "frameworks", "allocation_interval",
					   "refuse_seconds", "offer_timeout", "placement", CS_RETRY_KEYS, NULL};
	static const char *const placements[] = {"random-first-fit", NULL};
	if (cs_cfg_keys(cfg, config, "scheduler", keys) < 0)
		return -1;
	struct mesos *m = cs_xcalloc(1, sizeof *m);
	m->h = h;
	*self = m;
	int placement;
	if (cs_cfg_time(cfg, config, "scheduler", "allocation_interval", 1, CS_CFG_POSITIVE, &m->interval) < 0 ||
	    cs_cfg_time(cfg, config, "scheduler", "refuse_seconds", 5, CS_CFG_NONNEG, &m->refuse) < 0 ||
	    cs_cfg_time(cfg, config, "scheduler", "offer_timeout", (double)NAN, CS_CFG_NULLABLE | CS_CFG_POSITIVE,
			&m->timeout) < 0 ||
	    cs_cfg_enum(cfg, config, "scheduler", "placement", "random-first-fit", placements, &placement) < 0 ||
	    cs_retry_parse(cfg, config, "scheduler", &m->retry) < 0)
		return -1;
	uint32_t n = h->cell->n;
	m->holder = cs_xmalloc(n * sizeof *m->holder);
	m->all = cs_xmalloc(n * sizeof *m->all);
	m->visit = cs_xmalloc(n * sizeof *m->visit);
	m->quiet = cs_xcalloc(n, sizeof *m->quiet);
	m->recovered = cs_xmalloc(n * sizeof *m->recovered);
	m->recovered_mark = cs_xcalloc(n, 1);
	for (uint32_t i = 0; i < n; i++) {
		m->holder[i] = -1;
		m->all[i] = i;
	}
	gsl_rng *r = cs_host_rng(h, "mesos:allocator");
	cs_fastrng_seed(&m->shuffle, r);
	gsl_rng_free(r);
	if (parse_frameworks(m, cfg, config) < 0)
		return -1;
	/* the first round at t = 0 (after the prefill and the first arrivals
	 * have been scheduled), then every interval */
	cs_engine_after(h->engine, 0, periodic_fire, m);
	return 0;
}

const struct cs_scheduler_ops cs_mesos_ops = {
	.name = "mesos",
	.create = mesos_create,
	.submit = mesos_submit,
	.task_ended = mesos_task_ended,
	.task_started = mesos_task_started,
	.machine_changed = mesos_machine_changed,
	.request_changed = mesos_request_changed,
	.report = mesos_report,
	.destroy = mesos_destroy,
};
