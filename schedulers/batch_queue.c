/* schedulers/batch_queue — the batch-queue policies of the monolithic
 * scheduler ("queue": "fcfs" | "easy" | "conservative" | "sjf" |
 * "priority"), as parallel-job schedulers (and Borg's priority bands) run
 * them.  The Omega-study model with decision times is "fifo"
 * (monolithic.c); these policies decide instantly.
 *
 * When: one scheduling pass runs after all the events of an instant
 * (engine phase LAST: completions, then arrivals, then the pass), at every
 * instant where a job arrived or resources were freed.
 *
 * Jobs are rigid: a job starts when all its pending tasks can be placed at
 * once (placement policy of the scheduler on the cell; tried tentatively,
 * claimed only if all fit).  A job that needs more than the whole cell
 * can ever give is abandoned at once (it would block the queue forever).
 *
 * Policies (docs/model.md, "Batch-queue policies": EASY backfilling, precisely):
 *  - fcfs: start jobs from the head, in submission order, while the head
 *    fits; the head blocks the rest.
 *  - easy: fcfs, then one reservation for the head: the shadow time is
 *    the estimated end (start + estimate) of the running job at which the
 *    head would fit, walking running jobs by estimated end and adding
 *    what they hold to what is free; the extra is what is left over beyond
 *    the head's need then.  A later job starts now if it fits now and
 *    either ends (by its estimate) by the shadow time, or needs no more
 *    than the extra (which it then uses up).  Not recomputed within a pass.
 *  - conservative: every queued job, in order, gets the earliest
 *    reservation in the profile of estimated free resources that delays
 *    no earlier reservation; those whose reservation is now (and which fit
 *    on the machines) start.  Reservations are rebuilt at every pass
 *    (order-preserving compression when jobs end early).
 *  - sjf: fcfs on a queue ordered by estimate (ties by submission).
 *  - priority: fcfs on a queue ordered by priority, highest first (ties
 *    by submission); a head that does not fit preempts running tasks of
 *    lower priority bands -- Google's bands: free 0-1 < batch 2-8 <
 *    production 9-10 < monitoring 11; a band never preempts its own, so
 *    production does not preempt production (Borg) -- lowest band first,
 *    latest estimated end first within it, until the head fits in total.  A victim's job goes back to
 *    the queue to place its lost tasks again.
 *
 * Estimates: job->estimate (SWF requested time), else the run time (its
 * longest task); a job without either (a service) never ends for
 * reservations.  Resources for reservations and the shadow time are cell
 * totals (cpu and memory): exact on a one-machine pool (SWF), a
 * necessary condition on a real cell, where a start also needs the
 * machines to take every task.
 *
 * Metrics: the scheduler's transactions = jobs started; busy is 0 (no
 * decision time); scheduler_metrics: passes, preemptions (tasks),
 * backfilled (jobs started ahead of an earlier job), jobs_too_large. */
#include <stdlib.h>
#include <string.h>

#include "schedulers/batch_queue.h"
#include "sim/placement.h"
#include "schedulers/run_set.h"
#include "schedulers/scheduler.h"
#include "sim/alloc.h"
#include "sim/host.h"

enum policy { Q_FCFS, Q_EASY, Q_CONSERVATIVE, Q_SJF, Q_PRIORITY };

struct bq {
	struct cs_host *h;
	enum policy policy;
	struct cs_placer placer;
	struct cs_job **queue; /* in policy order */
	/* beside each queued job, what the EASY scan asks of it, so that
	 * passing over a job that cannot start does not touch the job */
	struct queued {
		cs_time est;       /* estimate_of */
		cs_qty cpu, mem;   /* pending_need */
	} *info;
	size_t nqueue, capqueue, capinfo;
	bool info_stale;       /* a queued job lost a task or its request
				* changed: its need changed */
	bool check_too_large;  /* a queued job's request grew past the cell */
	struct cs_run_set run; /* running jobs by (estimated end, id); a job's
				* entry is its scheduler-layer slot */
	uint32_t *scratch;     /* machines of a tentative placement */
	size_t capscratch;
	bool pass_pending;
	cs_qty min_cpu;        /* the least per-task cpu of any job submitted */
	uint64_t passes, preemptions, backfilled, too_large;
	/* cs_cell_fit_count answers, valid while the cell's version holds:
	 * a pass asks the same question for many queued jobs alike */
	struct fit_memo {
		uint64_t version;
		struct cs_res req;
		uint64_t count, limit; /* count < limit: exact */
	} memo[64];
	struct cs_sched_stats stats;
};

/* ---- orders ---- */

static cs_time estimate_of(const struct cs_job *job)
{
	if (job->estimate != CS_TIME_NEVER)
		return job->estimate;
	return cs_job_run_time(job);
}

static int band_of(int priority)
{
	return priority <= 1 ? 0 : priority <= 8 ? 1 : priority <= 10 ? 2 : 3;
}

/* true if a goes before b in the queue */
static bool queue_before(const struct bq *q, const struct cs_job *a, const struct cs_job *b)
{
	if (q->policy == Q_SJF) {
		cs_time ea = estimate_of(a), eb = estimate_of(b);
		if (ea != eb)
			return ea < eb;
	} else if (q->policy == Q_PRIORITY && a->priority != b->priority) {
		return a->priority > b->priority;
	}
	return a->id < b->id;
}

static struct cs_res pending_need(const struct cs_job *job)
{
	cs_qty k = (cs_qty)(job->ntasks - job->placed);
	return (struct cs_res){job->req.cpu * k, job->req.mem * k, job->req.disk * k};
}

static struct queued info_of(const struct cs_job *job)
{
	struct cs_res need = pending_need(job);
	return (struct queued){estimate_of(job), need.cpu, need.mem};
}

/* Make the k first entries leave the queue (and their info). */
static void queue_drop_front(struct bq *q, size_t k)
{
	memmove(q->queue, q->queue + k, (q->nqueue - k) * sizeof *q->queue);
	memmove(q->info, q->info + k, (q->nqueue - k) * sizeof *q->info);
	q->nqueue -= k;
}

static void queue_remove(struct bq *q, size_t i)
{
	memmove(q->queue + i, q->queue + i + 1, (q->nqueue - i - 1) * sizeof *q->queue);
	memmove(q->info + i, q->info + i + 1, (q->nqueue - i - 1) * sizeof *q->info);
	q->nqueue--;
}

static void queue_insert(struct bq *q, struct cs_job *job)
{
	CS_GROW(q->queue, q->capqueue, q->nqueue + 1);
	CS_GROW(q->info, q->capinfo, q->nqueue + 1);
	size_t lo = 0, hi = q->nqueue;
	if (q->policy == Q_FCFS || q->policy == Q_EASY || q->policy == Q_CONSERVATIVE) {
		lo = q->nqueue; /* submission order: the tail, except for requeued jobs */
		while (lo > 0 && queue_before(q, job, q->queue[lo - 1]))
			lo--;
	} else {
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (queue_before(q, q->queue[mid], job))
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	memmove(q->queue + lo + 1, q->queue + lo, (q->nqueue - lo) * sizeof *q->queue);
	memmove(q->info + lo + 1, q->info + lo, (q->nqueue - lo) * sizeof *q->info);
	q->queue[lo] = job;
	q->info[lo] = info_of(job);
	q->nqueue++;
}

static void running_add(struct bq *q, struct cs_job *job, struct cs_res held, cs_time now)
{
	cs_time est = estimate_of(job);
	cs_time end = est == CS_TIME_NEVER ? CS_TIME_NEVER : now + est;
	struct cs_run_entry *old = job->slot[CS_LAYER_SCHEDULER].data;
	if (old) { /* tasks of it still run (it lost some and placed them again) */
		held.cpu += old->held.cpu;
		held.mem += old->held.mem;
		held.disk += old->held.disk;
		cs_run_set_remove(&q->run, old);
	}
	job->slot[CS_LAYER_SCHEDULER].data = cs_run_set_add(&q->run, job, end, held);
}

/* A task of job left its machine: the job's entry gives back its share. */
static void running_release(struct bq *q, struct cs_job *job)
{
	struct cs_run_entry *r = job->slot[CS_LAYER_SCHEDULER].data;
	if (!r)
		return;
	r->held.cpu -= job->req.cpu;
	r->held.mem -= job->req.mem;
	r->held.disk -= job->req.disk;
	if (job->placed - job->ended == 0) {
		cs_run_set_remove(&q->run, r);
		job->slot[CS_LAYER_SCHEDULER].data = NULL;
	}
}

/* ---- starting jobs ---- */

static struct cs_res cell_free(const struct cs_cell *cell)
{
	return (struct cs_res){cell->total_cap.cpu - cell->total_used.cpu, cell->total_cap.mem - cell->total_used.mem,
			       cell->total_cap.disk - cell->total_used.disk};
}

static bool res_le(const struct cs_res *a, const struct cs_res *b)
{
	return a->cpu <= b->cpu && a->mem <= b->mem;
}

static bool room_for(struct bq *q, const struct cs_res *req, uint64_t k)
{
	const struct cs_cell *cell = q->h->cell;
	uint64_t h = (uint64_t)req->cpu * 31 + (uint64_t)req->mem * 17 + (uint64_t)req->disk;
	struct fit_memo *m = &q->memo[(h ^ (h >> 17)) & 63];
	if (m->version == cell->version && m->req.cpu == req->cpu && m->req.mem == req->mem &&
	    m->req.disk == req->disk && (m->count >= k || m->count < m->limit))
		return m->count >= k;
	uint64_t limit = k;
	*m = (struct fit_memo){cell->version, *req, cs_cell_fit_count(cell, req, limit), limit};
	return m->count >= k;
}

/* Place every pending task of job now, or none.  Returns true if placed. */
static bool try_start(struct bq *q, struct cs_job *job)
{
	struct cs_cell *cell = q->h->cell;
	struct cs_res need = pending_need(job), avail = cell_free(cell);
	if (!res_le(&need, &avail))
		return false;
	uint32_t k = job->ntasks - job->placed, n = 0;
	/* enough room on the machines?  (cheap with the capacity index; the
	 * random placement below would probe a crowded cell machine by machine) */
	if (cell->n > 1 && !room_for(q, &job->req, k))
		return false;
	cs_host_attempt(q->h, job);
	CS_GROW(q->scratch, q->capscratch, k);
	cs_placer_begin_job(&q->placer, cell);
	for (uint32_t i = 0; i < k; i++) {
		uint32_t m = cs_placer_pick(&q->placer, cell, &job->req);
		if (m == CS_NO_MACHINE)
			break;
		cs_cell_tentative(cell, m, &job->req, +1);
		q->scratch[n++] = m;
	}
	for (uint32_t i = 0; i < n; i++)
		cs_cell_tentative(cell, q->scratch[i], &job->req, -1);
	if (n < k)
		return false;
	uint32_t j = 0;
	for (uint32_t i = 0; i < job->ntasks; i++)
		if (job->tasks[i].state == CS_TASK_PENDING)
			cs_cell_claim(cell, &job->tasks[i], q->scratch[j++]);
	running_add(q, job, need, cs_engine_now(q->h->engine));
	q->stats.transactions++;
	q->stats.successful++;
	cs_host_placed(q->h, job);
	return true;
}

/* Start jobs from the head while the head fits. */
static void start_from_head(struct bq *q)
{
	size_t k = 0;
	while (k < q->nqueue && try_start(q, q->queue[k]))
		k++;
	if (k > 0)
		queue_drop_front(q, k);
}

/* ---- EASY ---- */

static void easy_backfill(struct bq *q)
{
	struct cs_cell *cell = q->h->cell;
	cs_time now = cs_engine_now(q->h->engine);
	struct cs_res need = pending_need(q->queue[0]), avail = cell_free(cell);
	cs_time shadow = CS_TIME_NEVER;
	const struct cs_run_entry *r = cs_run_set_first(&q->run);
	for (; r && !res_le(&need, &avail); r = r->next[0]) {
		if (r->est_end == CS_TIME_NEVER)
			break;
		avail.cpu += r->held.cpu;
		avail.mem += r->held.mem;
		shadow = r->est_end;
	}
	/* every job ending at the shadow time frees its share then: the
	 * extra does not depend on the order of equal estimated ends */
	for (; shadow != CS_TIME_NEVER && r && r->est_end == shadow; r = r->next[0]) {
		avail.cpu += r->held.cpu;
		avail.mem += r->held.mem;
	}
	if (!res_le(&need, &avail))
		shadow = CS_TIME_NEVER; /* only never-ending jobs free enough */
	struct cs_res extra = {avail.cpu - need.cpu, avail.mem - need.mem, 0};
	if (q->info_stale) {
		for (size_t i = 0; i < q->nqueue; i++)
			q->info[i] = info_of(q->queue[i]);
		q->info_stale = false;
	}
	for (size_t i = 1; i < q->nqueue;) {
		if (cell->total_cap.cpu - cell->total_used.cpu < q->min_cpu)
			break; /* every queued job needs more cpu than is free */
		const struct queued *e = &q->info[i];
		bool by_shadow = e->est != CS_TIME_NEVER && shadow != CS_TIME_NEVER && now + e->est <= shadow;
		bool in_extra = shadow != CS_TIME_NEVER && e->cpu <= extra.cpu && e->mem <= extra.mem;
		/* (try_start checks the cell's free total first: this saves the
		 * call, and the job's memory, for a job that cannot fit now) */
		bool may_fit = e->cpu <= cell->total_cap.cpu - cell->total_used.cpu &&
			       e->mem <= cell->total_cap.mem - cell->total_used.mem;
		if ((by_shadow || in_extra) && may_fit && try_start(q, q->queue[i])) {
			if (!by_shadow) {
				extra.cpu -= e->cpu;
				extra.mem -= e->mem;
			}
			q->backfilled++;
			queue_remove(q, i);
			continue;
		}
		i++;
	}
}

/* ---- conservative ---- */

struct step {
	cs_time at;            /* from this time on ... */
	cs_qty cpu, mem;       /* ... this much is free (until the next step) */
};

struct profile {
	struct step *s;
	size_t n, cap;
};

/* Split the profile at t (a step starting exactly at t); returns its index. */
static size_t profile_split(struct profile *p, cs_time t)
{
	size_t i = 0;
	while (i < p->n && p->s[i].at < t)
		i++;
	if (i < p->n && p->s[i].at == t)
		return i;
	CS_GROW(p->s, p->cap, p->n + 1);
	memmove(p->s + i + 1, p->s + i, (p->n - i) * sizeof *p->s);
	p->s[i] = p->s[i - 1];
	p->s[i].at = t;
	p->n++;
	return i;
}

static void profile_take(struct profile *p, cs_time from, cs_time to, const struct cs_res *r)
{
	size_t a = profile_split(p, from);
	size_t b = to == CS_TIME_NEVER ? p->n : profile_split(p, to);
	for (size_t i = a; i < b; i++) {
		p->s[i].cpu -= r->cpu;
		p->s[i].mem -= r->mem;
	}
}

/* The earliest step start from which r is free for duration d. */
static cs_time profile_find(const struct profile *p, const struct cs_res *r, cs_time d)
{
	for (size_t i = 0; i < p->n; i++) {
		cs_time start = p->s[i].at;
		cs_time end = d == CS_TIME_NEVER ? CS_TIME_NEVER : start + d;
		bool ok = true;
		for (size_t j = i; j < p->n && p->s[j].at < end; j++) {
			if (p->s[j].cpu < r->cpu || p->s[j].mem < r->mem) {
				ok = false;
				break;
			}
		}
		if (ok)
			return start;
	}
	return CS_TIME_NEVER;
}

static void conservative_pass(struct bq *q)
{
	struct cs_cell *cell = q->h->cell;
	cs_time now = cs_engine_now(q->h->engine);
	struct cs_res avail = cell_free(cell);
	struct profile p = {0};
	CS_GROW(p.s, p.cap, q->run.n + 1);
	p.s[p.n++] = (struct step){now, avail.cpu, avail.mem};
	for (const struct cs_run_entry *r = cs_run_set_first(&q->run); r && r->est_end != CS_TIME_NEVER; r = r->next[0]) {
		cs_time t = r->est_end > now ? r->est_end : now;
		size_t k = profile_split(&p, t);
		for (size_t j = k; j < p.n; j++) {
			p.s[j].cpu += r->held.cpu;
			p.s[j].mem += r->held.mem;
		}
	}
	for (size_t i = 0; i < q->nqueue;) {
		struct cs_job *job = q->queue[i];
		struct cs_res need = pending_need(job);
		cs_time est = estimate_of(job);
		cs_time at = profile_find(&p, &need, est);
		if (at == now && try_start(q, job)) {
			if (i > 0)
				q->backfilled++;
			queue_remove(q, i);
		} else {
			i++;
		}
		if (at != CS_TIME_NEVER)
			profile_take(&p, at, est == CS_TIME_NEVER ? CS_TIME_NEVER : at + est, &need);
	}
	free(p.s);
}

/* ---- priority preemption ---- */

/* Kill running tasks of bands below the head's, lowest band first and
 * latest estimated end first, until the head's need is free in total; returns whether
 * anything was preempted. */
static bool preempt_for(struct bq *q, const struct cs_job *head)
{
	struct cs_cell *cell = q->h->cell;
	struct cs_res need = pending_need(head);
	int band = band_of(head->priority);
	bool any = false;
	for (int victim_band = 0; victim_band < band; victim_band++) {
		for (struct cs_run_entry *r = q->run.tail, *prev; r; r = prev) {
			prev = r->prev;
			struct cs_res avail = cell_free(cell);
			if (res_le(&need, &avail))
				return any;
			struct cs_job *v = r->job;
			if (band_of(v->priority) != victim_band)
				continue;
			/* the victim's running tasks go; cs_world_preempt requeues
			 * the job through submit(), and task_ended() removes its
			 * entry (r) once the last one is gone */
			for (uint32_t t = 0; t < v->ntasks; t++) {
				if (cs_task_on_machine(&v->tasks[t])) {
					cs_host_preempt(q->h, &v->tasks[t]);
					q->preemptions++;
					any = true;
				}
			}
		}
	}
	return any;
}

/* ---- the pass ---- */

static bool too_large(const struct bq *q, const struct cs_job *job)
{
	const struct cs_cell *cell = q->h->cell;
	struct cs_res need = pending_need(job);
	return !res_le(&need, &cell->total_cap) || !res_le(&job->req, &cell->max_cap);
}

static void abandon(struct bq *q, struct cs_job *job)
{
	q->too_large++;
	q->stats.jobs_abandoned++;
	cs_host_abandon(q->h, job);
}

/* After machines went down: drop the jobs that can no longer ever fit. */
static void abandon_too_large(struct bq *q)
{
	for (size_t i = 0; i < q->nqueue;) {
		struct cs_job *job = q->queue[i];
		if (!too_large(q, job)) {
			i++;
			continue;
		}
		queue_remove(q, i);
		abandon(q, job);
	}
}

static void pass_fire(void *ctx, cs_time now)
{
	struct bq *q = ctx;
	q->pass_pending = false;
	q->passes++;
	if (q->check_too_large) {
		q->check_too_large = false;
		abandon_too_large(q);
	}
	switch (q->policy) {
	case Q_FCFS:
	case Q_SJF:
		start_from_head(q);
		break;
	case Q_EASY:
		start_from_head(q);
		if (q->nqueue > 1)
			easy_backfill(q);
		break;
	case Q_CONSERVATIVE:
		conservative_pass(q);
		break;
	case Q_PRIORITY:
		start_from_head(q);
		while (q->nqueue > 0 && preempt_for(q, q->queue[0]) && try_start(q, q->queue[0]))
			queue_remove(q, 0);
		start_from_head(q);
		break;
	}
}

static void want_pass(struct bq *q)
{
	if (q->pass_pending || q->nqueue == 0)
		return;
	q->pass_pending = true;
	cs_engine_at_phase(q->h->engine, cs_engine_now(q->h->engine), CS_PHASE_LAST, pass_fire, q);
}

static void bq_submit(void *self, struct cs_job *job)
{
	struct bq *q = self;
	if (too_large(q, job)) {
		abandon(q, job);
		return;
	}
	if (job->req.cpu < q->min_cpu)
		q->min_cpu = job->req.cpu;
	queue_insert(q, job);
	want_pass(q);
}

static void bq_task_ended(void *self, struct cs_task *task, enum cs_task_state why)
{
	struct bq *q = self;
	if (!task->job->prefill)
		running_release(q, task->job);
	/* a task of a job still queued (it lost one before) is lost too:
	 * the world is about to count it pending again */
	if (task->job->with_scheduler)
		q->info_stale = true;
	want_pass(q);
}

/* job's request changed: what its running tasks hold, what it needs
 * queued (and whether it can still ever fit: if not, the pass drops it),
 * the least cpu asked. */
static void bq_request_changed(void *self, struct cs_job *job, const struct cs_res *old)
{
	struct bq *q = self;
	struct cs_run_entry *r = job->slot[CS_LAYER_SCHEDULER].data;
	if (r && !job->prefill) {
		cs_qty k = (cs_qty)(job->placed - job->ended);
		r->held.cpu += (job->req.cpu - old->cpu) * k;
		r->held.mem += (job->req.mem - old->mem) * k;
		r->held.disk += (job->req.disk - old->disk) * k;
	}
	if (job->with_scheduler) {
		if (job->req.cpu < q->min_cpu)
			q->min_cpu = job->req.cpu;
		q->info_stale = true;
		q->check_too_large |= too_large(q, job); /* dropped by the pass */
	}
	want_pass(q);
}

static void bq_machine_changed(void *self, uint32_t machine, bool up)
{
	struct bq *q = self;
	if (!up)
		abandon_too_large(q);
	want_pass(q);
}

static void bq_report(void *self, struct cs_report *out)
{
	struct bq *q = self;
	*cs_report_add(out, q->stats.name) = q->stats;
	if (out->counters_only)
		return;
	out->extra = json_pack("{s:I, s:I, s:I, s:I}", "passes", (json_int_t)q->passes, "preemptions",
			       (json_int_t)q->preemptions, "backfilled", (json_int_t)q->backfilled,
			       "jobs_too_large", (json_int_t)q->too_large);
}

static void bq_destroy(void *self)
{
	struct bq *q = self;
	cs_placer_release(&q->placer);
	free(q->queue);
	free(q->info);
	cs_run_set_release(&q->run);
	free(q->scratch);
	free(q);
}

/* {"type": "batch-queue" (or "monolithic" with a batch "queue"),
 *  "label", "queue": "fcfs|easy|conservative|sjf|priority", "placement"} */
static int bq_create(struct cs_host *h, const struct cs_cfg *cfg, json_t *config, void **self)
{
	static const char *const keys[] = {"type", "label", "queue", "placement", NULL};
	static const char *const queues[] = {"fcfs", "easy", "conservative", "sjf", "priority", NULL};
	int policy, placement;
	/* a key of the monolithic scheduler's fifo decisions gets its own
	 * message: a batch policy decides instantly, without paths or retry */
	static const char *const fifo_keys[] = {"paths", "retry", "retry_interval", "max_attempts",
						"count_failed_attempts", NULL};
	for (size_t i = 0; fifo_keys[i]; i++)
		if (json_object_get(config, fifo_keys[i]))
			return cs_error_input(cfg->err, cfg->file, "scheduler",
					      "\"%s\" applies to queue \"fifo\" only (queue \"%s\" decides instantly)",
					      fifo_keys[i], json_string_value(json_object_get(config, "queue")));
	if (cs_cfg_keys(cfg, config, "scheduler", keys) < 0 ||
	    cs_cfg_enum(cfg, config, "scheduler", "queue", "fcfs", queues, &policy) < 0 ||
	    cs_cfg_enum(cfg, config, "scheduler", "placement", "random-first-fit", cs_placement_names, &placement) < 0)
		return -1;
	struct bq *q = cs_xcalloc(1, sizeof *q);
	*self = q;
	q->h = h;
	q->policy = (enum policy)policy;
	for (int i = 0; i < 64; i++)
		q->memo[i].version = UINT64_MAX;
	q->min_cpu = INT64_MAX;
	cs_run_set_init(&q->run);
	snprintf(q->stats.name, sizeof q->stats.name, "monolithic");
	cs_placer_init(&q->placer, (enum cs_placement)placement, h->cell->n, cs_host_rng(h, "placement"));
	return 0;
}

const struct cs_scheduler_ops cs_batch_queue_ops = {
	.name = "batch-queue",
	.create = bq_create,
	.submit = bq_submit,
	.task_ended = bq_task_ended,
	.machine_changed = bq_machine_changed,
	.request_changed = bq_request_changed,
	.report = bq_report,
	.destroy = bq_destroy,
};
