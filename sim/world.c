/* sim/world — the run-time glue; building the world from the experiment
 * is in world_build.c, the prefill in prefill.c, sampling in timeseries.c. */
#include "sim/world.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/placement.h"
#include "sim/rng.h"
#include "sim/world_internal.h"

gsl_rng *cs_world_rng(const struct cs_world *w, const char *name)
{
	return cs_rng_stream(w->seed, name);
}

/* ---- the host API (sim/host.h): the world's calls, as plug-ins see them ---- */

void cs_host_attempt(struct cs_host *h, struct cs_job *job)
{
	cs_world_attempt(h->world, job);
}

bool cs_host_placed(struct cs_host *h, struct cs_job *job)
{
	return cs_world_placed(h->world, job);
}

void cs_host_abandon(struct cs_host *h, struct cs_job *job)
{
	cs_world_abandon(h->world, job);
}

void cs_host_preempt(struct cs_host *h, struct cs_task *task)
{
	cs_world_preempt(h->world, task);
}

void cs_host_kill(struct cs_host *h, struct cs_task *task)
{
	cs_world_kill(h->world, task);
}

int cs_host_workload(const struct cs_host *h, const char *name)
{
	return cs_world_workload(h->world, name);
}

gsl_rng *cs_host_rng(const struct cs_host *h, const char *name)
{
	return cs_world_rng(h->world, name);
}

int cs_world_workload(const struct cs_world *w, const char *name)
{
	for (uint32_t i = 0; i < w->nworkloads; i++)
		if (strcmp(w->workloads[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- jobs ---- */

static void live_link(struct cs_world *w, struct cs_job *job)
{
	job->live_prev = w->live_tail;
	job->live_next = NULL;
	if (w->live_tail)
		w->live_tail->live_next = job;
	else
		w->live_head = job;
	w->live_tail = job;
}

static void live_unlink(struct cs_world *w, struct cs_job *job)
{
	if (job->live_prev)
		job->live_prev->live_next = job->live_next;
	else
		w->live_head = job->live_next;
	if (job->live_next)
		job->live_next->live_prev = job->live_prev;
	else
		w->live_tail = job->live_prev;
}

/* Without a duration the run ends when every workload is exhausted and
 * every job has finished or been abandoned (periodic work -- sampling,
 * allocation rounds -- would otherwise keep it alive). */
static void check_done(struct cs_world *w)
{
	if (w->duration != CS_TIME_NEVER || w->jobs_pending > 0 || w->jobs_running > 0)
		return;
	for (uint32_t i = 0; i < w->nworkloads; i++)
		if (!w->workloads[i].exhausted)
			return;
	w->done = true;
	cs_engine_stop(&w->engine);
}

/* ---- the pool of task arrays ---- */

enum { POOL_KEEP = 4096 }; /* arrays kept per class at most */

/* A pooled array's first bytes: the free list runs through them (the
 * memory is malloc's, so it may hold a link now and tasks later). */
struct pool_link {
	struct pool_link *next;
};

/* The class of an array for n >= 2 tasks: room for 2^c >= n. */
static unsigned pool_class(uint32_t n)
{
	return 64 - (unsigned)__builtin_clzll((uint64_t)n - 1);
}

static void pool_give(struct cs_world *w, struct cs_job *job)
{
	unsigned c = pool_class(job->ntasks);
	struct pool_link *l = (struct pool_link *)(void *)job->tasks;
	job->tasks = NULL;
	job->tasks_pooled = false;
	if (w->task_pool_n[c] >= POOL_KEEP) {
		free(l);
		return;
	}
	l->next = w->task_pool[c];
	w->task_pool[c] = l;
	w->task_pool_n[c]++;
}

static void pool_take(struct cs_world *w, struct cs_job *job)
{
	unsigned c = pool_class(job->ntasks);
	struct pool_link *l = w->task_pool[c];
	void *mem;
	if (l) {
		w->task_pool[c] = l->next;
		w->task_pool_n[c]--;
		mem = l;
	} else {
		mem = cs_xmalloc(((size_t)1 << c) * sizeof(struct cs_task));
	}
	cs_job_use_tasks(job, mem);
	job->tasks_pooled = true;
}

void cs_world_pool_release(struct cs_world *w)
{
	for (unsigned c = 0; c < 32; c++) {
		while (w->task_pool[c]) {
			struct pool_link *l = w->task_pool[c];
			w->task_pool[c] = l->next;
			free(l);
		}
		w->task_pool_n[c] = 0;
	}
}

static void finish_job(struct cs_world *w, struct cs_job *job)
{
	if (job->req_event) /* a request change still to come */
		cs_engine_cancel(&w->engine, job->req_event);
	job->end = cs_engine_now(&w->engine);
	if (job->outcome != CS_JOB_ABANDONED) {
		job->outcome = CS_JOB_COMPLETED;
		if (!job->prefill) /* prefill jobs are not counted as running */
			w->jobs_running--;
	}
	live_unlink(w, job);
	if (job->controller)
		cs_world_controller_job_ended(job);
	bool counted = !job->prefill;
	if (counted)
		cs_metrics_finished(&w->metrics, job);
	if (job->tasks_pooled)
		pool_give(w, job);
	cs_job_free(job);
	if (counted)
		check_done(w);
}

/* (out of line and cold: most jobs have no request changes, and the
 * arrival path that tests for them is hot) */
static __attribute__((noinline, cold)) void requests_start(struct cs_world *w, struct cs_job *job);

void cs_world_adopt_prefill(struct cs_world *w, struct cs_job *job)
{
	job->prefill = true;
	job->owner = w;
	live_link(w, job);
	if (job->nreq_changes)
		requests_start(w, job);
}

void cs_world_attempt(struct cs_world *w, struct cs_job *job)
{
	if (!job->tasks && job->ntasks > 1 && job->ntasks <= (UINT32_C(1) << 31))
		pool_take(w, job);
	else
		cs_job_tasks(job);
	job->attempts++;
	if (job->first_attempt == CS_TIME_NEVER) {
		job->first_attempt = cs_engine_now(&w->engine);
		cs_metrics_first_attempt(&w->metrics, job);
	}
}

bool cs_world_placed(struct cs_world *w, struct cs_job *job)
{
	if (w->check_invariants && !cs_cell_check(&w->cell, w->live_head))
		abort();
	if (job->placed < job->ntasks)
		return false;
	assert(job->with_scheduler);
	job->with_scheduler = false;
	w->jobs_pending--;
	w->jobs_running++;
	job->outcome = CS_JOB_RUNNING;
	if (job->scheduled == CS_TIME_NEVER) {
		job->scheduled = cs_engine_now(&w->engine);
		cs_metrics_scheduled(&w->metrics, job);
	}
	return true;
}

void cs_world_abandon(struct cs_world *w, struct cs_job *job)
{
	assert(job->with_scheduler);
	job->with_scheduler = false;
	job->outcome = CS_JOB_ABANDONED;
	w->jobs_pending--;
	if (job->ended == job->placed)
		finish_job(w, job);
}

/* As-recorded replay: the peak of the demand, after a start or a
 * request change; returns whether the cell is over-committed now. */
static bool note_recorded_demand(struct cs_world *w)
{
	const struct cs_cell *cell = &w->cell;
	double cpu = cell->total_cap.cpu > 0 ? (double)cell->total_used.cpu / (double)cell->total_cap.cpu : 0;
	double mem = cell->total_cap.mem > 0 ? (double)cell->total_used.mem / (double)cell->total_cap.mem : 0;
	if (cpu > w->recorded.peak_cpu)
		w->recorded.peak_cpu = cpu;
	if (mem > w->recorded.peak_mem)
		w->recorded.peak_mem = mem;
	return cpu > 1 || mem > 1;
}

/* As-recorded replay: the job starts when the trace says, on machines
 * taken in turn, whether or not it fits; over-commit is counted. */
static void recorded_start_fire(void *ctx, cs_time now)
{
	struct cs_job *job = ctx;
	struct cs_world *w = job->owner;
	struct cs_cell *cell = &w->cell;
	cs_world_attempt(w, job);
	for (uint32_t i = 0; i < job->ntasks; i++) {
		uint32_t m = w->recorded.next_machine++ % cell->n;
		cs_cell_claim_unchecked(cell, &job->tasks[i], m);
	}
	if (note_recorded_demand(w))
		w->recorded.overcommitted_starts++;
	cs_world_placed(w, job);
}

/* A new job becomes the world's: pending, counted as submitted. */
static void admit(struct cs_world *w, struct cs_job *job)
{
	job->id = ++w->next_job_id;
	job->owner = w;
	live_link(w, job);
	w->jobs_pending++;
	cs_metrics_submitted(&w->metrics, job);
	job->with_scheduler = true;
	job->watched = w->workloads[job->workload].watched;
	job->observed = job->controller || job->watched;
}

void cs_world_submit(struct cs_world *w, struct cs_job *job)
{
	admit(w, job);
	if (job->nreq_changes) /* (before the scheduler, which may drop the job at once) */
		requests_start(w, job);
	if (w->workloads[job->workload].as_recorded) {
		cs_time at = job->recorded_start > job->submit ? job->recorded_start : job->submit;
		cs_engine_at(&w->engine, at, recorded_start_fire, job);
		return;
	}
	w->sched_ops->submit(w->sched, job);
}

void cs_world_submit_placed(struct cs_world *w, struct cs_job *job, const uint32_t *machines)
{
	admit(w, job);
	cs_world_attempt(w, job);
	for (uint32_t i = 0; i < job->ntasks; i++)
		cs_cell_claim_unchecked(&w->cell, &job->tasks[i], machines[i]);
	cs_world_placed(w, job);
}

/* ---- the initial state (prefill jobs, a trace's time-0 state) ----
 *
 * Place every task of a prefill job now, by the placer's rule; shrink
 * ntasks to what was placed (what fits nowhere is counted as skipped). */
void cs_world_place_prefill(struct cs_world *w, struct cs_placer *pl, struct cs_job *job)
{
	job->prefill = true;
	job->owner = w;
	job->submit = job->first_attempt = 0;
	job->with_scheduler = false;
	cs_job_tasks(job);
	cs_placer_begin_job(pl, &w->cell);
	uint32_t placed = 0;
	for (uint32_t i = 0; i < job->ntasks; i++) {
		uint32_t m = cs_placer_pick(pl, &w->cell, &job->req);
		if (m == CS_NO_MACHINE) {
			w->prefill.skipped += job->ntasks - i;
			break;
		}
		cs_cell_claim(&w->cell, &job->tasks[i], m);
		placed++;
	}
	w->prefill.tasks += placed;
	w->prefill.res.cpu += job->req.cpu * placed;
	w->prefill.res.mem += job->req.mem * placed;
	job->ntasks = placed;
	job->scheduled = 0;
	job->outcome = CS_JOB_RUNNING;
	if (placed == 0) {
		cs_job_free(job);
		return;
	}
	cs_world_adopt_prefill(w, job);
}

void cs_world_place_initial(struct cs_world *w, struct cs_job *job)
{
	if (!w->initial_placer) {
		w->initial_placer = cs_xcalloc(1, sizeof *w->initial_placer);
		cs_placer_init(w->initial_placer, CS_PLACE_RANDOM_FIRST_FIT, w->cell.n, cs_world_rng(w, "prefill:trace"));
	}
	/* a trace's initial state is its workload's running tasks: an
	 * attached balancer's servers too (set before they are placed: a
	 * start fills a slot) */
	job->watched = w->workloads[job->workload].watched;
	job->observed = job->controller || job->watched;
	cs_world_place_prefill(w, w->initial_placer, job);
}

/* ---- arrivals: one pending job per source ---- */

static void arrival_fire(void *ctx, cs_time now);

static void source_failed(struct cs_world *w, struct cs_job *job)
{
	cs_job_free(job);
	w->failed = true;
	cs_engine_stop(&w->engine);
}

/* The source's next job: 1, 0 at its end, -1 on error (w->err set). */
static int source_next(struct cs_world *w, struct cs_workload *wl, struct cs_job **job)
{
	if (wl->source_done)
		return 0;
	int r = wl->src.ops->next(wl->src.self, job, w->err);
	if (r <= 0)
		wl->source_done = true;
	return r;
}

/* The workload's next job: a held one first, then the source's. */
static int take_job(struct cs_world *w, struct cs_workload *wl, struct cs_job **job)
{
	if (wl->held_next < wl->nheld) {
		*job = wl->held[wl->held_next++];
		return 1;
	}
	return source_next(w, wl, job);
}

static void pull_next(struct cs_world *w, struct cs_workload *wl)
{
	struct cs_job *job = NULL;
	int r = take_job(w, wl, &job);
	if (r < 0) {
		source_failed(w, NULL);
		return;
	}
	if (r == 0) {
		wl->exhausted = true;
		check_done(w);
		return;
	}
	job->workload = wl->index;
	job->kind = wl->kind;
	if (job->prefill) {
		/* a trace's initial state comes before its first job submitted
		 * after 0 (drain_initial placed it all before the run) */
		cs_error_input(w->err, w->file, wl->name,
			       "workload \"%s\" gave initial-state tasks after a job submitted at %.6f s",
			       wl->name, cs_time_to_seconds(cs_engine_now(&w->engine)));
		source_failed(w, job);
		return;
	}
	if (job->submit < wl->last_submit) {
		cs_error_input(w->err, w->file, wl->name, "workload \"%s\" produced a job before the previous one",
			       wl->name);
		source_failed(w, job);
		return;
	}
	wl->last_submit = job->submit;
	wl->next = job;
	/* (simulated, the previous arrival ran at its time and now is that;
	 * on the real-time clock it may have run late: this one is due now) */
	cs_time now = cs_engine_now(&w->engine);
	cs_engine_at(&w->engine, job->submit > now ? job->submit : now, arrival_fire, wl);
}

/* Before the run: place the workload's initial state (jobs marked
 * prefill, which a trace gives at time 0, possibly interleaved with jobs
 * submitted at 0) and hold the jobs read meanwhile, up to the first one
 * submitted after 0.  So the whole initial state is in place before any
 * event runs, whatever the order of the trace's time-0 rows -- and
 * nothing depends on how many events ran, which a progress line used
 * to change. */
static int drain_initial(struct cs_world *w, struct cs_workload *wl)
{
	for (;;) {
		struct cs_job *job = NULL;
		int r = source_next(w, wl, &job);
		if (r < 0) {
			source_failed(w, NULL);
			return -1;
		}
		if (r == 0)
			return 0;
		if (job->prefill) {
			if (job->submit != 0) {
				cs_error_input(w->err, w->file, wl->name,
					       "workload \"%s\" gave initial-state tasks at %.6f s, not at 0", wl->name,
					       cs_time_to_seconds(job->submit));
				source_failed(w, job);
				return -1;
			}
			job->workload = wl->index;
			job->kind = wl->kind;
			cs_world_place_initial(w, job);
			continue;
		}
		CS_GROW(wl->held, wl->held_cap, wl->nheld + 1);
		wl->held[wl->nheld++] = job;
		if (job->submit > 0)
			return 0;
	}
}

static void arrival_fire(void *ctx, cs_time now)
{
	struct cs_workload *wl = ctx;
	struct cs_job *job = wl->next;
	wl->next = NULL;
	cs_world_submit(wl->world, job);
	pull_next(wl->world, wl);
}

/* ---- the simulation backend of the cell ---- */

/* The layers above the scheduler that hear of a task's end: its job's
 * controller, an attached balancer watching its workload. */
static __attribute__((noinline, cold)) void tell_observers(struct cs_world *w, struct cs_task *task,
							    enum cs_task_state why)
{
	if (task->job->controller)
		cs_world_controller_task_ended(task, why);
	if (task->job->watched)
		cs_world_balancer_task_left(w, task);
}

/* A task left its machine for good (why: its end state): tell the
 * scheduler, and finish its job if that was its last.  Inline: every
 * task's end comes here from group_end_fire. */
static inline __attribute__((always_inline)) void task_left(struct cs_world *w, struct cs_task *task,
							    enum cs_task_state why)
{
	struct cs_job *job = task->job;
	if (w->sched_ops->task_ended)
		w->sched_ops->task_ended(w->sched, task, why);
	if (__builtin_expect(job->observed, 0))
		tell_observers(w, task, why);
	if (job->prefill) {
		if (job->ended == job->placed && job->placed == job->ntasks)
			finish_job(w, job);
		return;
	}
	if (job->outcome == CS_JOB_ABANDONED ? job->ended == job->placed
					     : (job->ended == job->ntasks && !job->with_scheduler))
		finish_job(w, job);
}

/* End groups come and go by the hundred thousand: keep the freed ones. */
static void spare_group(struct cs_world *w, struct cs_end_group *g)
{
	g->next = w->spare_groups;
	w->spare_groups = g;
}

static struct cs_end_group *new_group(struct cs_world *w)
{
	struct cs_end_group *g = w->spare_groups;
	if (!g)
		return cs_xmalloc(sizeof *g);
	w->spare_groups = g->next;
	return g;
}

static void group_unlink(struct cs_end_group *g)
{
	if (g->prev)
		g->prev->next = g->next;
	else
		g->job->groups = g->next;
	if (g->next)
		g->next->prev = g->prev;
}

/* Every task of the group ends now.  The job may be freed by the last
 * task_left: touch neither it nor its tasks after that. */
static void requeue_task(struct cs_world *w, struct cs_task *task, enum cs_task_state why, bool kill);

/* The group's tasks exit with status 1 (apart from the common path). */
static __attribute__((noinline, cold)) void fail_group(struct cs_world *w, struct cs_end_group *g)
{
	while (g->head) {
		struct cs_task *task = g->head;
		g->head = task->gnext;
		task->group = NULL;
		task->gprev = task->gnext = NULL;
		task->exit_status = 1;
		requeue_task(w, task, CS_TASK_FAILED, false);
	}
	spare_group(w, g);
}

static void group_end_fire(void *ctx, cs_time now)
{
	struct cs_end_group *g = ctx;
	struct cs_world *w = g->job->owner;
	const uint64_t bump = w->cell.release_bump;
	group_unlink(g);
	if (__builtin_expect(g->job->exits_failing, 0)) {
		fail_group(w, g);
		return;
	}
	while (g->head) {
		struct cs_task *task = g->head;
		g->head = task->gnext;
		task->group = NULL;
		task->gprev = task->gnext = NULL;
		/* the simulation's tasks exit by themselves, with status 0 */
		uint32_t m = task->machine;
		cs_cell_release_bumping(&w->cell, task, CS_TASK_FINISHED, bump);
		task->exit_status = 0;
		task_left(w, task, CS_TASK_FINISHED);
		cs_world_left_machine(w, m);
	}
	spare_group(w, g);
}

/* A new end group for job at `at`, first in the job's list, its event
 * scheduled.  Apart from backend_start: the common start joins the group
 * of the task before it and then calls nothing (no registers to save). */
static __attribute__((noinline)) struct cs_end_group *open_group(struct cs_world *w, struct cs_job *job,
								  cs_time at)
{
	struct cs_end_group *g = new_group(w);
	g->job = job;
	g->head = NULL;
	g->prev = NULL;
	g->at = at;
	g->event = cs_engine_at_phase(&w->engine, at, CS_PHASE_COMPLETION, group_end_fire, g);
	g->next = job->groups;
	if (g->next)
		g->next->prev = g;
	job->groups = g;
	return g;
}

/* The simulation starts a task at once (STAGING takes no time) and
 * schedules its end: it exits by itself after its duration, or runs until
 * it is killed (a service without one). */
static void backend_start(void *backend, struct cs_task *task)
{
	struct cs_world *w = backend;
	struct cs_job *job = task->job;
	job->owner = w;
	task->state = CS_TASK_RUNNING; /* cs_task_started, inline */
	cs_time d = cs_task_duration(job, task->index);
	if (d == CS_TIME_NEVER)
		return;
	cs_time at = cs_engine_now(&w->engine) + d;
	struct cs_end_group *g = job->groups;
	if (!g || g->at != at)
		g = open_group(w, job, at);
	task->group = g;
	task->gprev = NULL;
	task->gnext = g->head;
	if (g->head)
		g->head->gprev = task;
	g->head = task;
}

static void backend_kill(void *backend, struct cs_task *task)
{
	struct cs_world *w = backend;
	struct cs_end_group *g = task->group;
	if (!g)
		return;
	if (task->gprev)
		task->gprev->gnext = task->gnext;
	else
		g->head = task->gnext;
	if (task->gnext)
		task->gnext->gprev = task->gprev;
	task->group = NULL;
	task->gprev = task->gnext = NULL;
	if (!g->head) {
		cs_engine_cancel(&w->engine, g->event);
		group_unlink(g);
		spare_group(w, g);
	}
}

const struct cs_cell_backend_ops cs_world_sim_backend = {
	.start = backend_start,
	.kill = backend_kill,
};

/* The same, telling of every start: the scheduler (host->notify_started)
 * and an attached balancer (a separate table, so that the runs that ask
 * for neither pay nothing). */
static void told_started(struct cs_world *w, struct cs_task *task)
{
	if (w->host.notify_started)
		w->sched_ops->task_started(w->sched, task);
	if (task->job->watched)
		cs_world_balancer_task_started(w, task);
	if (task->job->controller && w->controllers_notify)
		cs_world_controller_task_started(task);
}

static void backend_start_notify(void *backend, struct cs_task *task)
{
	backend_start(backend, task);
	told_started(backend, task);
}

const struct cs_cell_backend_ops cs_world_sim_backend_notify = {
	.start = backend_start_notify,
	.kill = backend_kill,
};

/* Take a running task off its machine before its end (lost, preempted,
 * or stopped for a request it no longer fits).  Returns true if its job
 * is to place it again (the task is pending again: see resubmit); false
 * if the job is the prefill's or was abandoned: then the task has ended,
 * and the caller calls task_left (which may free the job). */
static bool unplace_task(struct cs_world *w, struct cs_task *task, enum cs_task_state why, bool kill)
{
	struct cs_job *job = task->job;
	if (kill)
		cs_cell_kill(&w->cell, task, why);
	else /* its backend reported it gone: nothing to stop */
		cs_cell_release(&w->cell, task, why);
	/* (a controller's job: the controller decides what replaces it) */
	if (job->prefill || job->outcome == CS_JOB_ABANDONED || job->controller)
		return false;
	if (w->sched_ops->task_ended)
		w->sched_ops->task_ended(w->sched, task, why);
	if (job->watched)
		cs_world_balancer_task_left(w, task);
	task->state = CS_TASK_PENDING;
	task->machine = CS_NO_MACHINE;
	job->placed--;
	job->ended--;
	return true;
}

/* A job that has tasks to place again goes back to its scheduler, as Borg
 * and Kubernetes do (unless it is still there). */
static void resubmit(struct cs_world *w, struct cs_job *job)
{
	if (job->with_scheduler)
		return;
	w->jobs_running--;
	w->jobs_pending++;
	job->outcome = CS_JOB_PENDING;
	job->with_scheduler = true;
	w->sched_ops->submit(w->sched, job);
}

/* A task left its machine before its end (lost, failed or preempted):
 * its job places it again -- unless it is the prefill's or abandoned.
 * kill: the task still runs and must be stopped (false when its backend
 * reported it gone). */
static void requeue_task(struct cs_world *w, struct cs_task *task, enum cs_task_state why, bool kill)
{
	if (unplace_task(w, task, why, kill))
		resubmit(w, task->job);
	else
		task_left(w, task, why);
}

/* ---- a backend's reports (sim/task.h) ---- */

void cs_task_started(struct cs_task *task)
{
	CS_TASK_ASSERT(task->state == CS_TASK_STAGING);
	task->state = CS_TASK_RUNNING;
	told_started(task->job->owner, task);
}

void cs_task_exited(struct cs_task *task, int status)
{
	struct cs_world *w = task->job->owner;
	CS_TASK_ASSERT(cs_task_on_machine(task));
	backend_kill(w, task); /* (its end event, if the simulation had one) */
	task->exit_status = status;
	if (status == 0) {
		cs_cell_release(&w->cell, task, CS_TASK_FINISHED);
		task_left(w, task, CS_TASK_FINISHED);
	} else {
		requeue_task(w, task, CS_TASK_FAILED, false);
	}
}

void cs_task_start_failed(struct cs_task *task, int status)
{
	CS_TASK_ASSERT(task->state == CS_TASK_STAGING);
	cs_task_exited(task, status ? status : -1);
}

void cs_task_lost(struct cs_task *task)
{
	struct cs_world *w = task->job->owner;
	CS_TASK_ASSERT(cs_task_on_machine(task));
	backend_kill(w, task);
	w->tasks_lost++;
	requeue_task(w, task, CS_TASK_LOST, false);
}

void cs_world_kill(struct cs_world *w, struct cs_task *task)
{
	CS_TASK_ASSERT(cs_task_on_machine(task));
	task->exit_status = 0; /* (not preempted, whatever it was before) */
	requeue_task(w, task, CS_TASK_KILLED, true); /* the job's policy */
}

void cs_world_preempt(struct cs_world *w, struct cs_task *task)
{
	w->tasks_preempted++;
	task->exit_status = CS_EXIT_PREEMPTED;
	requeue_task(w, task, CS_TASK_KILLED, true);
}

/* ---- request changes (a trace's updates: job->req_changes) ---- */

static void request_change_fire(void *ctx, cs_time now);

/* Schedule the job's next request change, if any. */
static __attribute__((noinline, cold)) void requests_start(struct cs_world *w, struct cs_job *job)
{
	if (job->next_req_change >= job->nreq_changes)
		return;
	cs_time at = job->req_changes[job->next_req_change].at, now = cs_engine_now(&w->engine);
	job->req_event = cs_engine_at(&w->engine, at > now ? at : now, request_change_fire, job);
}

/* Rescheduled: stop the running tasks of job that the change from `from`
 * to `to` no longer fits on their machines (deciding in task order, each
 * growth counted against the later ones, then taking them all back: the
 * cell is unchanged).  Returns false if that freed the job (it had no
 * other task to run); *again says whether it has tasks to place again. */
static bool stop_misfits(struct cs_world *w, struct cs_job *job, const struct cs_res *from, const struct cs_res *to,
			 bool *again)
{
	struct cs_cell *cell = &w->cell;
	struct cs_workload *wl = &w->workloads[job->workload];
	struct cs_res d = {to->cpu - from->cpu, to->mem - from->mem, to->disk - from->disk};
	*again = false;
	if (d.cpu <= 0 && d.mem <= 0 && d.disk <= 0)
		return true; /* a shrink always fits */
	uint32_t nstop = 0;
	uint32_t *stop = cs_xmalloc(job->ntasks * sizeof *stop);
	for (uint32_t i = 0; i < job->ntasks; i++) {
		const struct cs_task *t = &job->tasks[i];
		if (!cs_task_on_machine(t))
			continue;
		if (cs_cell_fits(cell, t->machine, &d))
			cs_cell_tentative(cell, t->machine, &d, +1);
		else
			stop[nstop++] = i;
	}
	for (uint32_t i = 0, k = 0; i < job->ntasks; i++) {
		const struct cs_task *t = &job->tasks[i];
		if (!cs_task_on_machine(t))
			continue;
		if (k < nstop && stop[k] == i)
			k++;
		else
			cs_cell_tentative(cell, t->machine, &d, -1);
	}
	bool alive = true;
	for (uint32_t k = 0; k < nstop && alive; k++) {
		struct cs_task *t = &job->tasks[stop[k]];
		wl->tasks_stopped_to_resize++;
		if (unplace_task(w, t, CS_TASK_KILLED, true)) {
			*again = true;
		} else {
			alive = job->ended != job->placed; /* else task_left frees it */
			task_left(w, t, CS_TASK_KILLED);
		}
	}
	free(stop);
	return alive;
}

/* The job's next request change is due: every running task takes the new
 * request (rescheduled: those it fits), then the job; the scheduler is
 * told; stopped tasks go back to it. */
static void request_change_fire(void *ctx, cs_time now)
{
	struct cs_job *job = ctx;
	struct cs_world *w = job->owner;
	struct cs_workload *wl = &w->workloads[job->workload];
	job->req_event = 0;
	const struct cs_res from = job->req, to = job->req_changes[job->next_req_change++].req;
	bool again = false;
	if (job->tasks && !wl->as_recorded && !stop_misfits(w, job, &from, &to, &again))
		return;
	for (uint32_t i = 0; job->tasks && i < job->ntasks; i++) {
		if (cs_task_on_machine(&job->tasks[i])) {
			cs_cell_resize(&w->cell, &job->tasks[i], &from, &to);
			wl->tasks_resized++;
		}
	}
	job->req = to;
	if (wl->as_recorded)
		note_recorded_demand(w);
	requests_start(w, job);
	if (w->sched_ops->request_changed && !wl->as_recorded) /* (as recorded, no scheduler saw it) */
		w->sched_ops->request_changed(w->sched, job, &from);
	if (again)
		resubmit(w, job); /* last: the scheduler may drop the job */
}

/* A machine went down: its tasks are lost and go back to be placed again. */
static int later_claim_first(const void *a, const void *b)
{
	uint64_t x = (*(struct cs_task *const *)a)->claim_seq, y = (*(struct cs_task *const *)b)->claim_seq;
	return (x < y) - (x > y);
}

void cs_world_machine_down(struct cs_world *w, uint32_t m)
{
	/* the tasks on m, from the live jobs (the cell keeps no list of
	 * them: a failure is rare, a claim is not), the latest claimed first
	 * (the order is part of the results: it is the order in which the
	 * jobs go back to their schedulers) */
	while (w->cell.mach[m].ntasks > 0) {
		uint32_t n = 0, want = w->cell.mach[m].ntasks;
		struct cs_task **victims = cs_xmalloc(want * sizeof *victims);
		for (struct cs_job *job = w->live_head; job && n < want; job = job->live_next) {
			if (!job->tasks || job->placed == job->ended)
				continue;
			for (uint32_t i = 0; i < job->ntasks && n < want; i++)
				if (cs_task_on_machine(&job->tasks[i]) && job->tasks[i].machine == m)
					victims[n++] = &job->tasks[i];
		}
		assert(n == want);
		qsort(victims, n, sizeof *victims, later_claim_first);
		for (uint32_t i = 0; i < n; i++) {
			w->tasks_lost++;
			requeue_task(w, victims[i], CS_TASK_LOST, true);
		}
		free(victims);
	}
	cs_cell_set_up(&w->cell, m, false);
	if (w->sched_ops->machine_changed)
		w->sched_ops->machine_changed(w->sched, m, false);
	cs_world_helix_machine(w, m, false);
}

void cs_world_machine_up(struct cs_world *w, uint32_t m)
{
	cs_cell_set_up(&w->cell, m, true);
	if (w->sched_ops->machine_changed)
		w->sched_ops->machine_changed(w->sched, m, true);
	cs_world_helix_machine(w, m, true);
}

/* ---- machine events (the experiment's "machine_events") ---- */

static void machine_event_fire(void *ctx, cs_time now)
{
	struct cs_machine_event *ev = ctx;
	for (uint32_t m = ev->first; m < ev->first + ev->count; m++) {
		if (ev->up)
			cs_world_repair_machine(ev->world, m);
		else
			cs_world_fail_machine(ev->world, m);
	}
}

void cs_world_schedule_machine_events(struct cs_world *w)
{
	for (uint32_t i = 0; i < w->nmachine_events; i++)
		cs_engine_at(&w->engine, w->machine_events[i].at, machine_event_fire, &w->machine_events[i]);
}

/* ---- running ---- */

int cs_world_run(struct cs_world *w, struct cs_error *err)
{
	w->err = err;
	for (uint32_t i = 0; i < w->nworkloads && !w->failed; i++)
		drain_initial(w, &w->workloads[i]);
	for (uint32_t i = 0; i < w->nworkloads && !w->failed; i++)
		pull_next(w, &w->workloads[i]);
	cs_world_schedule_machine_events(w);
	cs_world_start_failures(w);
	cs_world_start_autoscaling(w);
	cs_world_start_helix(w);
	cs_world_start_app_events(w);
	cs_world_start_controllers(w);
	cs_world_start_balancer(w);
	cs_world_timeseries_start(w);
	if (!w->failed && !w->done)
		cs_engine_run(&w->engine, w->duration);
	if (w->failed)
		return -1;
	cs_cell_account(&w->cell);
	if (cs_world_timeseries_finish(w) < 0)
		return -1;
	for (struct cs_job *job = w->live_head; job; job = job->live_next)
		if (!job->prefill)
			cs_metrics_unfinished(&w->metrics, job);
	return 0;
}

/* "traces": what each trace workload read and skipped; null without any */
static json_t *traces_summary(struct cs_world *w)
{
	json_t *t = NULL;
	for (uint32_t i = 0; i < w->nworkloads; i++) {
		struct cs_workload *wl = &w->workloads[i];
		if (!wl->src.ops->report)
			continue;
		json_t *r = wl->src.ops->report(wl->src.self);
		json_object_set_new(r, "replay", json_string(wl->as_recorded ? "as-recorded" : "reschedule"));
		json_object_set_new(r, "tasks_resized", json_integer((json_int_t)wl->tasks_resized));
		json_object_set_new(r, "tasks_stopped_to_resize", json_integer((json_int_t)wl->tasks_stopped_to_resize));
		if (wl->as_recorded) {
			json_object_set_new(r, "peak_cpu_demand", json_real(w->recorded.peak_cpu));
			json_object_set_new(r, "peak_mem_demand", json_real(w->recorded.peak_mem));
			json_object_set_new(r, "overcommitted_starts",
					    json_integer((json_int_t)w->recorded.overcommitted_starts));
		}
		if (!t)
			t = json_object();
		json_object_set_new(t, wl->name, r);
	}
	return t ? t : json_null();
}

json_t *cs_world_summary(struct cs_world *w)
{
	double secs = cs_time_to_seconds(cs_engine_now(&w->engine));
	json_t *s = cs_summary_new(w->name, w->seed, w->sched_type, cs_engine_now(&w->engine));
	cs_metrics_summarize(&w->metrics, s);
	json_t *u = json_object();
	json_object_set_new(u, "cpu", cs_summary_real(w->cell.cap_cpu_area > 0,
						     w->cell.used_cpu_area / w->cell.cap_cpu_area));
	json_object_set_new(u, "mem", cs_summary_real(w->cell.cap_mem_area > 0,
						     w->cell.used_mem_area / w->cell.cap_mem_area));
	json_object_set_new(s, "utilization", u);

	struct cs_report rep = {0};
	if (w->sched_ops->report)
		w->sched_ops->report(w->sched, &rep);
	json_t *scheds = json_object();
	for (uint32_t i = 0; i < rep.n; i++) {
		struct cs_sched_stats *st = &rep.stats[i];
		json_t *o = json_object();
		json_object_set_new(o, "busy", cs_summary_real(secs > 0, cs_time_to_seconds(st->busy) / secs));
		json_object_set_new(o, "busy_wasted",
				    cs_summary_real(secs > 0, cs_time_to_seconds(st->busy_wasted) / secs));
		json_object_set_new(o, "transactions", json_integer((json_int_t)st->transactions));
		json_object_set_new(o, "conflicts", st->has_conflicts
			? json_integer((json_int_t)st->conflicts) : json_null());
		json_object_set_new(o, "conflict_fraction",
				    cs_summary_real(st->has_conflicts && st->successful > 0,
						  (double)st->conflicts / (double)st->successful));
		json_object_set_new(o, "jobs_abandoned", json_integer((json_int_t)st->jobs_abandoned));
		json_object_set_new(scheds, st->name, o);
	}
	json_object_set_new(s, "schedulers", scheds);
	json_object_set(s, "scheduler_metrics", rep.extra ? rep.extra : json_null());
	cs_report_release(&rep);

	json_t *pf = json_object();
	json_object_set_new(pf, "tasks", json_integer((json_int_t)w->prefill.tasks));
	json_object_set_new(pf, "tasks_skipped", json_integer((json_int_t)w->prefill.skipped));
	json_object_set_new(pf, "cpu", json_real(cs_qty_to_double(w->prefill.res.cpu)));
	json_object_set_new(pf, "mem", json_real(cs_qty_to_double(w->prefill.res.mem)));
	json_object_set_new(s, "prefill", pf);
	json_object_set_new(s, "tasks_lost", json_integer((json_int_t)w->tasks_lost));
	json_object_set_new(s, "tasks_preempted", json_integer((json_int_t)w->tasks_preempted));
	json_object_set_new(s, "traces", traces_summary(w));
	json_t *controllers = cs_world_controllers_summary(w), *apps = cs_world_apps_summary(w);
	if (json_object_size(controllers)) /* (only then: other runs' summaries are as they were) */
		json_object_set_new(s, "controllers", controllers);
	else
		json_decref(controllers);
	if (apps)
		json_object_set_new(s, "apps", apps);
	if (w->balancer) /* (likewise) */
		json_object_set_new(s, "balancer", cs_world_balancer_summary(w));
	json_t *failures = cs_world_failures_summary(w);
	if (failures)
		json_object_set_new(s, "failures", failures);
	json_t *autoscaling = cs_world_autoscaling_summary(w);
	if (autoscaling)
		json_object_set_new(s, "autoscaling", autoscaling);
	json_t *helix = cs_world_helix_summary(w);
	if (helix)
		json_object_set_new(s, "helix", helix);
	return s;
}
