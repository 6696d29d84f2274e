/* schedulers/omega — Omega's shared-state schedulers (Schwarzkopf et al.,
 * EuroSys 2013): several independent schedulers, each handling one job at
 * a time against a private copy of the cell, committing optimistic
 * transactions.
 *
 * Config (docs/experiments.md, "omega"): {"type": "omega",
 *   "schedulers": [{"name", "count", "workloads", "t_job", "t_task"}, ...],
 *   "conflict": "resource-fit"|"sequence-numbers",
 *   "sequence_bump": "claims-and-releases"|"claims",
 *   "transaction": "incremental"|"all-or-nothing",
 *   "placement": ..., "retry": ..., "retry_interval", "max_attempts",
 *   "count_failed_attempts"}
 * An entry with count N makes N schedulers NAME-0 .. NAME-N-1 (just NAME
 * when N = 1); the jobs of its workloads go to them in turn, in arrival
 * order (the paper load-balances batch jobs over the batch schedulers).
 *
 * One attempt of a scheduler: sync its private copy of the cell, place the
 * job's remaining tasks on the copy with its placement policy (its own
 * random stream), think for t_job + t_task x tasks, then commit the claims
 * as one transaction against the shared cell:
 *  - conflict detection "sequence-numbers": a claim conflicts if its
 *    machine's sequence number changed since the sync (any claim or release
 *    there; with "sequence_bump": "claims", only claims bump it, as in the
 *    public Omega simulator, so a task ending there since the sync does not
 *    conflict); "resource-fit": only if it no longer fits the machine's
 *    current free resources (counting the transaction's own earlier
 *    claims).  A claim on a machine that went down conflicts in both.
 *  - "incremental": the claims that do not conflict commit; "all-or-nothing"
 *    (gang): any conflict commits nothing.
 * The private copy is never materialized: the attempt places on the shared
 * cell at the sync instant (nothing else happens during it), applying its
 * own claims tentatively (cs_cell_tentative) and taking them back, and
 * keeps each claim's machine and sequence number.  A sync therefore costs
 * O(tasks placed), not O(cell).  Commit validates the claims first (again
 * tentatively) and only then claims the accepted ones, so nothing ever
 * needs rolling back and no machine is ever over-committed in any mode.
 *
 * Metrics (docs/model.md, "Omega"): a transaction is one commit attempt; it is
 * conflicted if any claim was rejected; conflict_fraction = conflicted /
 * successful transactions.  A conflicted transaction's decision time is
 * wasted, a successful one's useful.  An attempt that found no machine for
 * any task commits nothing and is not a transaction; its time is busy and
 * wasted (or neither, with "count_failed_attempts": false).
 * After a conflict the job goes straight back to its scheduler's queue
 * (it lost a race, not for lack of room); a job that is not fully placed
 * for lack of room follows the retry rule (sched_common.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/placement.h"
#include "schedulers/sched_common.h"
#include "schedulers/scheduler.h"
#include "sim/alloc.h"
#include "sim/host.h"

enum conflict_mode { CONFLICT_RESOURCE_FIT, CONFLICT_SEQUENCE_NUMBERS };
enum txn_mode { TXN_INCREMENTAL, TXN_ALL_OR_NOTHING };

struct claim {
	uint32_t task;    /* index in the job */
	uint32_t machine;
	uint64_t seq;     /* the machine's sequence number at the sync */
	bool ok;
};

struct omega;

struct agent {
	struct omega *o;
	struct cs_decision_time dt;
	struct cs_placer placer;
	struct cs_job_list queue, parked;
	struct cs_job *current;
	cs_time decision;
	struct claim *claims;
	uint32_t nclaims, cap;
	struct cs_sched_stats stats;
};

struct omega {
	struct cs_host *h;
	struct agent *agents;
	uint32_t nagents;
	uint32_t *group_of;      /* workload -> entry of "schedulers" */
	uint32_t *group_first;   /* entry -> its first agent */
	uint32_t *group_count;
	uint64_t *group_next;    /* round-robin counter */
	enum conflict_mode conflict;
	enum txn_mode txn;
	struct cs_retry retry;
	uint32_t *stamp;         /* per machine: the epoch that last saw it */
	uint32_t epoch;
};

static void commit_fire(void *ctx, cs_time now);

/* Place the job's pending tasks on the cell as it is now (the sync), each
 * claim applied tentatively so later tasks see it, then take them back. */
static void sync_and_place(struct agent *a, struct cs_job *job)
{
	struct cs_cell *cell = a->o->h->cell;
	cs_placer_begin_job(&a->placer, cell);
	/* room for every task, and the list and the request in locals (the
	 * cell's stores would otherwise make the compiler reload them) */
	CS_GROW(a->claims, a->cap, job->ntasks);
	struct claim *claims = a->claims;
	const struct cs_task *tasks = job->tasks;
	const struct cs_res req = job->req;
	uint32_t n = 0;
	uint32_t *chosen = NULL;
	if (job->rule) /* the rule sees this attempt's picks: they are not claims yet */
		chosen = cs_xmalloc((job->ntasks ? job->ntasks : 1) * sizeof *chosen);
	for (uint32_t i = 0; i < job->ntasks; i++) {
		if (tasks[i].state != CS_TASK_PENDING)
			continue;
		uint32_t m = job->rule ? cs_placer_pick_ruled(&a->placer, cell, &req, job->rule, chosen, n)
				       : cs_placer_pick(&a->placer, cell, &req);
		if (m == CS_NO_MACHINE)
			break;
		if (chosen)
			chosen[n] = m;
		claims[n++] = (struct claim){i, m, cell->mach[m].seq, false};
		cs_cell_tentative(cell, m, &req, +1);
	}
	for (uint32_t k = 0; k < n; k++)
		cs_cell_tentative(cell, claims[k].machine, &req, -1);
	free(chosen);
	a->nclaims = n;
}

static void maybe_start(struct agent *a)
{
	if (a->current || !a->queue.head)
		return;
	struct cs_job *job = cs_job_list_pop(&a->queue);
	a->current = job;
	cs_host_attempt(a->o->h, job);
	sync_and_place(a, job);
	a->decision = cs_decision_time(&a->dt, job);
	cs_engine_after(a->o->h->engine, a->decision, commit_fire, a);
}

/* Whether claim c may commit now: it fits the machine as it is (up, with
 * room) and, with sequence numbers, nothing changed there since the sync. */
static inline bool claim_ok(const struct cs_cell *cell, const struct claim *c, const struct cs_res *req, bool by_seq)
{
	return cs_cell_fits(cell, c->machine, req) && (!by_seq || cell->mach[c->machine].seq == c->seq);
}

/* Decide every claim against the shared cell now; returns the number
 * rejected.  Accepted claims are applied tentatively while deciding (so a
 * transaction's own claims count against each other) and taken back. */
static uint32_t validate(struct agent *a, const struct cs_job *job)
{
	struct cs_cell *cell = a->o->h->cell;
	struct omega *o = a->o;
	struct claim *claims = a->claims;
	const uint32_t n = a->nclaims;
	const struct cs_res req = job->req;
	const bool by_seq = o->conflict == CONFLICT_SEQUENCE_NUMBERS;
	uint32_t rejected = 0;
	/* Claims on distinct machines cannot count against each other: check
	 * each alone, without applying any.  (With 50 tasks on 1,000
	 * machines, two share a machine in most transactions.) */
	bool distinct = true;
	if (++o->epoch == 0) {
		memset(o->stamp, 0, cell->n * sizeof *o->stamp);
		o->epoch = 1;
	}
	uint32_t *stamp = o->stamp;
	const uint32_t epoch = o->epoch;
	for (uint32_t k = 0; k < n && distinct; k++) {
		uint32_t m = claims[k].machine;
		distinct = stamp[m] != epoch;
		stamp[m] = epoch;
	}
	if (distinct) {
		for (uint32_t k = 0; k < n; k++) {
			struct claim *c = &claims[k];
			c->ok = claim_ok(cell, c, &req, by_seq);
			rejected += !c->ok;
		}
		return rejected;
	}
	for (uint32_t k = 0; k < n; k++) {
		struct claim *c = &claims[k];
		c->ok = claim_ok(cell, c, &req, by_seq);
		if (c->ok)
			cs_cell_tentative(cell, c->machine, &req, +1);
		else
			rejected++;
	}
	for (uint32_t k = 0; k < n; k++)
		if (claims[k].ok)
			cs_cell_tentative(cell, claims[k].machine, &req, -1);
	return rejected;
}

static void retry_fire(void *ctx, cs_time now)
{
	struct cs_job *job = ctx;
	struct agent *a = job->slot[CS_LAYER_SCHEDULER].data;
	cs_job_list_push(&a->queue, job);
	maybe_start(a);
}

static void commit_fire(void *ctx, cs_time now)
{
	struct agent *a = ctx;
	struct omega *o = a->o;
	struct cs_job *job = a->current;
	a->current = NULL;
	struct cs_attempt at = {a->decision, a->nclaims, 0, false};
	if (a->nclaims > 0) {
		at.conflicted = validate(a, job) > 0;
		if (!at.conflicted || o->txn == TXN_INCREMENTAL) {
			const struct claim *claims = a->claims;
			struct cs_task *tasks = job->tasks;
			struct cs_cell *cell = o->h->cell;
			for (uint32_t k = 0, n = a->nclaims; k < n; k++) {
				if (claims[k].ok) {
					cs_cell_claim(cell, &tasks[claims[k].task], claims[k].machine);
					at.placed++;
				}
			}
		}
	}
	/* after a conflict the job goes straight back to the queue: it lost
	 * a race, not for lack of room */
	const struct cs_ladder ladder = {&o->retry, true, false, retry_fire};
	switch (cs_attempt_end(o->h, &ladder, &a->stats, job, &at)) {
	case CS_NEXT_AGAIN:
		cs_job_list_push(&a->queue, job);
		break;
	case CS_NEXT_PARKED:
		cs_job_list_push(&a->parked, job);
		break;
	default:
		break;
	}
	maybe_start(a);
}

static void omega_submit(void *self, struct cs_job *job)
{
	struct omega *o = self;
	uint32_t g = o->group_of[job->workload];
	struct agent *a = job->slot[CS_LAYER_SCHEDULER].data;
	if (!a) /* a new job: the entry's schedulers take turns */
		a = &o->agents[o->group_first[g] + o->group_next[g]++ % o->group_count[g]];
	job->slot[CS_LAYER_SCHEDULER].data = a;
	cs_job_list_push(&a->queue, job);
	maybe_start(a);
}

static void resources_freed(struct omega *o)
{
	if (o->retry.mode != CS_RETRY_EVENT)
		return;
	for (uint32_t i = 0; i < o->nagents; i++) {
		struct agent *a = &o->agents[i];
		if (a->parked.head) {
			cs_job_list_append(&a->queue, &a->parked);
			maybe_start(a);
		}
	}
}

static void omega_task_ended(void *self, struct cs_task *task, enum cs_task_state why)
{
	resources_freed(self);
}

/* (a commit checks its claims against the job's request as it is then:
 * only a shrink, which frees resources, matters here) */
static void omega_request_changed(void *self, struct cs_job *job, const struct cs_res *old)
{
	if (cs_request_shrank(job, old))
		resources_freed(self);
}

static void omega_machine_changed(void *self, uint32_t machine, bool up)
{
	if (up)
		resources_freed(self);
}

static void omega_report(void *self, struct cs_report *out)
{
	struct omega *o = self;
	for (uint32_t i = 0; i < o->nagents; i++)
		*cs_report_add(out, o->agents[i].stats.name) = o->agents[i].stats;
}

static void omega_destroy(void *self)
{
	struct omega *o = self;
	for (uint32_t i = 0; i < o->nagents; i++) {
		cs_placer_release(&o->agents[i].placer);
		free(o->agents[i].claims);
	}
	free(o->agents);
	free(o->group_of);
	free(o->group_first);
	free(o->group_count);
	free(o->group_next);
	free(o->stamp);
	free(o);
}

static int parse_schedulers(struct omega *o, const struct cs_cfg *cfg, json_t *config, int placement)
{
	static const char *const keys[] = {"name", "count", "workloads", "t_job", "t_task", NULL};
	struct cs_host *h = o->h;
	json_t *list = json_object_get(config, "schedulers");
	if (!list) {
		list = json_pack("[{s:s}]", "name", "omega");
		json_object_set_new(config, "schedulers", list);
	}
	if (!json_is_array(list) || json_array_size(list) == 0)
		return cs_error_input(cfg->err, cfg->file, "scheduler.schedulers", "expected a non-empty list");
	size_t n = json_array_size(list);
	o->group_first = cs_xcalloc(n, sizeof *o->group_first);
	o->group_count = cs_xcalloc(n, sizeof *o->group_count);
	o->group_next = cs_xcalloc(n, sizeof *o->group_next);
	struct cs_decision_time *dts = cs_xcalloc(n, sizeof *dts);
	const char **names = cs_xcalloc(n, sizeof *names);
	int rc = -1;
	/* o->nagents only once o->agents holds that many (omega_destroy
	 * walks them after an error here) */
	uint32_t nagents = 0;
	for (size_t i = 0; i < n; i++) {
		char p[64], dn[32];
		cs_path_index(p, sizeof p, "scheduler.schedulers", i);
		json_t *sj = json_array_get(list, i);
		double count;
		snprintf(dn, sizeof dn, "scheduler%zu", i);
		if (cs_cfg_keys(cfg, sj, p, keys) < 0 || cs_cfg_str(cfg, sj, p, "name", dn, 0, &names[i]) < 0 ||
		    cs_cfg_num_in(cfg, sj, p, "count", 1, CS_CFG_INTEGER, 1, 1024, &count) < 0 ||
		    cs_decision_time_parse(cfg, sj, p, &dts[i]) < 0)
			goto out;
		o->group_first[i] = nagents;
		o->group_count[i] = (uint32_t)count;
		nagents += (uint32_t)count;
	}
	o->agents = cs_xcalloc(nagents, sizeof *o->agents);
	o->nagents = nagents;
	for (size_t i = 0; i < n; i++) {
		for (uint32_t k = 0; k < o->group_count[i]; k++) {
			struct agent *a = &o->agents[o->group_first[i] + k];
			a->o = o;
			a->dt = dts[i];
			if (o->group_count[i] == 1)
				snprintf(a->stats.name, sizeof a->stats.name, "%s", names[i]);
			else
				snprintf(a->stats.name, sizeof a->stats.name, "%s-%u", names[i], k);
			a->stats.has_conflicts = true;
			char stream[96];
			snprintf(stream, sizeof stream, "placement:%s", a->stats.name);
			cs_placer_init(&a->placer, (enum cs_placement)placement, h->cell->n, cs_host_rng(h, stream));
		}
	}
	for (uint32_t i = 0; i < o->nagents; i++)
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(o->agents[i].stats.name, o->agents[j].stats.name) == 0) {
				cs_error_input(cfg->err, cfg->file, "scheduler.schedulers",
					       "two schedulers are named \"%s\"", o->agents[i].stats.name);
				goto out;
			}
	o->group_of = cs_xmalloc(h->nworkloads * sizeof *o->group_of);
	rc = cs_map_workloads(cfg, h, list, "scheduler.schedulers", NULL, o->group_of);
out:
	free(dts);
	free(names);
	return rc;
}

static int omega_create(struct cs_host *h, const struct cs_cfg *cfg, json_t *config, void **self)
{
	static const char *const keys[] = {"type", "label", "schedulers", "conflict", "sequence_bump", "transaction",
					   "placement", CS_RETRY_KEYS, NULL};
	static const char *const conflicts[] = {"resource-fit", "sequence-numbers", NULL};
	static const char *const bumps[] = {"claims-and-releases", "claims", NULL};
	static const char *const txns[] = {"incremental", "all-or-nothing", NULL};
	if (cs_cfg_keys(cfg, config, "scheduler", keys) < 0)
		return -1;
	struct omega *o = cs_xcalloc(1, sizeof *o);
	o->h = h;
	*self = o;
	int conflict, bump, txn, placement;
	if (cs_cfg_enum(cfg, config, "scheduler", "conflict", "resource-fit", conflicts, &conflict) < 0 ||
	    cs_cfg_enum(cfg, config, "scheduler", "sequence_bump", "claims-and-releases", bumps, &bump) < 0 ||
	    cs_cfg_enum(cfg, config, "scheduler", "transaction", "incremental", txns, &txn) < 0 ||
	    cs_cfg_enum(cfg, config, "scheduler", "placement", "random-first-fit", cs_placement_names,
			&placement) < 0 ||
	    cs_retry_parse(cfg, config, "scheduler", &o->retry) < 0)
		return -1;
	o->conflict = (enum conflict_mode)conflict;
	o->txn = (enum txn_mode)txn;
	/* what a machine's sequence number counts is the shared cell's: a
	 * release there is a change (the default) or not (claims only) */
	cs_cell_set_release_bump(h->cell, bump == 0);
	o->stamp = cs_xcalloc(h->cell->n ? h->cell->n : 1, sizeof *o->stamp);
	return parse_schedulers(o, cfg, config, placement);
}

const struct cs_scheduler_ops cs_omega_ops = {
	.name = "omega",
	.create = omega_create,
	.submit = omega_submit,
	.task_ended = omega_task_ended,
	.machine_changed = omega_machine_changed,
	.request_changed = omega_request_changed,
	.report = omega_report,
	.destroy = omega_destroy,
};
