/* schedulers/monolithic — one scheduler, one decision at a time (Borg-
 * or kube-scheduler-like; the Omega study's monolithic baselines).
 *
 * Config (INTERFACE.md): {"type": "monolithic",
 *   "paths": [{"name", "workloads": [...], "t_job", "t_task"}, ...],
 *   "queue": "fifo", "placement": "random-first-fit|first-fit|best-fit|worst-fit",
 *   "retry": "event|interval", "retry_interval": 1, "max_attempts": 1000,
 *   "count_failed_attempts": true}
 * One path = single-path; one path per workload kind = multi-path: the
 * decision time of a job (t_job + t_task x tasks still to place) depends on
 * its path, but decisions are still made one at a time, so head-of-line
 * blocking remains.  A path without "workloads" serves every workload no
 * other path names.
 *
 * An attempt: take the queue's head, think for the decision time, then
 * place its remaining tasks on the cell as it is at the end of the
 * decision (nothing else claims resources meanwhile, so this equals
 * deciding on a snapshot taken at the start plus the releases in
 * between).  A job not fully placed is retried: "interval" puts it back at
 * the queue's tail retry_interval later (the Omega simulator's rule,
 * 1 s); "event" parks it until resources are freed (a task ends or a
 * machine comes up), then puts every parked job back at the tail in the
 * order they were parked.  After max_attempts attempts (0: never) the job
 * is abandoned; tasks it already placed run on.
 *
 * Busyness: every decision's time counts as busy; an attempt that placed
 * no task counts as wasted.  "count_failed_attempts": false leaves the
 * time of attempts that placed nothing out of busy and wasted (the public
 * Omega simulator's accounting; the time still passes). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedulers/placement.h"
#include "schedulers/scheduler.h"
#include "sim/alloc.h"
#include "sim/world.h"

struct path {
	char name[64];
	cs_time t_job, t_task;
};

struct job_list {
	struct cs_job *head, *tail;
	uint64_t n;
};

enum retry_mode { RETRY_EVENT, RETRY_INTERVAL };

struct mono {
	struct cs_world *w;
	struct path *paths;
	uint32_t npaths;
	uint32_t *path_of; /* by workload index */
	struct cs_placer placer;
	enum retry_mode retry;
	cs_time retry_interval;
	uint32_t max_attempts;
	bool count_failed;
	struct job_list queue, parked;
	struct cs_job *current;
	cs_time decision;
	struct cs_sched_stats stats;
};

static void list_push(struct job_list *l, struct cs_job *job)
{
	job->sched_next = NULL;
	if (l->tail)
		l->tail->sched_next = job;
	else
		l->head = job;
	l->tail = job;
	l->n++;
}

static struct cs_job *list_pop(struct job_list *l)
{
	struct cs_job *job = l->head;
	if (!job)
		return NULL;
	l->head = job->sched_next;
	if (!l->head)
		l->tail = NULL;
	job->sched_next = NULL;
	l->n--;
	return job;
}

/* Move all of src to the tail of dst, keeping the order. */
static void list_append(struct job_list *dst, struct job_list *src)
{
	if (!src->head)
		return;
	if (dst->tail)
		dst->tail->sched_next = src->head;
	else
		dst->head = src->head;
	dst->tail = src->tail;
	dst->n += src->n;
	src->head = src->tail = NULL;
	src->n = 0;
}

static void decide_fire(void *ctx, cs_time now);

static void maybe_start(struct mono *s)
{
	if (s->current || !s->queue.head)
		return;
	struct cs_job *job = list_pop(&s->queue);
	s->current = job;
	cs_world_attempt(s->w, job);
	const struct path *p = &s->paths[s->path_of[job->workload]];
	s->decision = p->t_job + p->t_task * (cs_time)(job->ntasks - job->placed);
	cs_engine_after(&s->w->engine, s->decision, decide_fire, s);
}

static void retry_fire(void *ctx, cs_time now)
{
	struct cs_job *job = ctx;
	struct cs_world *w = job->owner;
	struct mono *s = w->sched;
	list_push(&s->queue, job);
	maybe_start(s);
}

/* Place the pending tasks of job; returns how many were placed. */
static uint32_t place_tasks(struct mono *s, struct cs_job *job)
{
	struct cs_cell *cell = &s->w->cell;
	uint32_t placed = 0;
	cs_placer_begin_job(&s->placer, cell);
	for (uint32_t i = 0; i < job->ntasks && job->placed < job->ntasks; i++) {
		struct cs_task *t = &job->tasks[i];
		if (t->state != CS_TASK_PENDING)
			continue;
		uint32_t m = cs_placer_pick(&s->placer, cell, &job->req);
		if (m == CS_NO_MACHINE)
			break; /* the tasks of a job are alike: the rest fit nowhere either */
		cs_cell_claim(cell, t, m);
		placed++;
	}
	return placed;
}

static void decide_fire(void *ctx, cs_time now)
{
	struct mono *s = ctx;
	struct cs_job *job = s->current;
	s->current = NULL;
	uint32_t placed = place_tasks(s, job);
	s->stats.transactions++;
	if (placed > 0 || s->count_failed) {
		s->stats.busy += s->decision;
		if (placed == 0)
			s->stats.busy_wasted += s->decision;
	}
	if (cs_world_placed(s->w, job)) {
		s->stats.successful++;
	} else if (s->max_attempts && job->attempts >= s->max_attempts) {
		s->stats.jobs_abandoned++;
		cs_world_abandon(s->w, job);
	} else if (s->retry == RETRY_INTERVAL) {
		cs_engine_after(&s->w->engine, s->retry_interval, retry_fire, job);
	} else {
		list_push(&s->parked, job);
	}
	maybe_start(s);
}

static void mono_submit(void *self, struct cs_job *job)
{
	struct mono *s = self;
	list_push(&s->queue, job);
	maybe_start(s);
}

static void resources_freed(struct mono *s)
{
	if (s->retry == RETRY_EVENT && s->parked.head) {
		list_append(&s->queue, &s->parked);
		maybe_start(s);
	}
}

static void mono_task_ended(void *self, struct cs_task *task)
{
	resources_freed(self);
}

static void mono_machine_changed(void *self, uint32_t machine, bool up)
{
	if (up)
		resources_freed(self);
}

static void mono_report(void *self, struct cs_report *out)
{
	struct mono *s = self;
	*cs_report_add(out, s->stats.name) = s->stats;
}

static void mono_destroy(void *self)
{
	struct mono *s = self;
	cs_placer_release(&s->placer);
	free(s->paths);
	free(s->path_of);
	free(s);
}

static int parse_paths(struct mono *s, const struct cs_cfg *cfg, json_t *config)
{
	static const char *const path_keys[] = {"name", "workloads", "t_job", "t_task", NULL};
	struct cs_world *w = s->w;
	json_t *paths = json_object_get(config, "paths");
	if (!paths) {
		paths = json_pack("[{s:s}]", "name", "all");
		json_object_set_new(config, "paths", paths);
	}
	if (!json_is_array(paths) || json_array_size(paths) == 0)
		return cs_error_input(cfg->err, cfg->file, "scheduler.paths", "expected a non-empty list");
	s->npaths = (uint32_t)json_array_size(paths);
	s->paths = cs_xcalloc(s->npaths, sizeof *s->paths);
	s->path_of = cs_xmalloc(w->nworkloads * sizeof *s->path_of);
	for (uint32_t i = 0; i < w->nworkloads; i++)
		s->path_of[i] = UINT32_MAX;
	int catch_all = -1;
	for (uint32_t i = 0; i < s->npaths; i++) {
		char p[64], dn[32];
		cs_path_index(p, sizeof p, "scheduler.paths", i);
		json_t *pj = json_array_get(paths, i);
		const char *name;
		snprintf(dn, sizeof dn, "path%u", i);
		if (cs_cfg_keys(cfg, pj, p, path_keys) < 0 ||
		    cs_cfg_str(cfg, pj, p, "name", dn, 0, &name) < 0 ||
		    cs_cfg_time(cfg, pj, p, "t_job", 0.1, CS_CFG_NONNEG, &s->paths[i].t_job) < 0 ||
		    cs_cfg_time(cfg, pj, p, "t_task", 0.005, CS_CFG_NONNEG, &s->paths[i].t_task) < 0)
			return -1;
		snprintf(s->paths[i].name, sizeof s->paths[i].name, "%s", name);
		json_t *wls = json_object_get(pj, "workloads");
		if (!wls) {
			if (catch_all >= 0)
				return cs_error_input(cfg->err, cfg->file, p,
						      "two paths without \"workloads\" (only one may catch the rest)");
			catch_all = (int)i;
			continue;
		}
		char wp[96];
		cs_path_key(wp, sizeof wp, p, "workloads");
		if (!json_is_array(wls))
			return cs_error_input(cfg->err, cfg->file, wp, "expected a list of workload names");
		for (size_t k = 0; k < json_array_size(wls); k++) {
			char kp[128];
			cs_path_index(kp, sizeof kp, wp, k);
			json_t *nj = json_array_get(wls, k);
			int wi = json_is_string(nj) ? cs_world_workload(w, json_string_value(nj)) : -2;
			if (wi == -2)
				return cs_error_input(cfg->err, cfg->file, kp, "expected a workload name");
			if (wi < 0)
				return cs_error_input(cfg->err, cfg->file, kp, "no workload is named \"%s\"",
						      json_string_value(nj));
			if (s->path_of[wi] != UINT32_MAX)
				return cs_error_input(cfg->err, cfg->file, kp,
						      "workload \"%s\" is already served by another path",
						      json_string_value(nj));
			s->path_of[wi] = i;
		}
	}
	for (uint32_t i = 0; i < w->nworkloads; i++) {
		if (s->path_of[i] != UINT32_MAX)
			continue;
		if (catch_all < 0)
			return cs_error_input(cfg->err, cfg->file, "scheduler.paths",
					      "no path serves workload \"%s\"", w->workloads[i].name);
		s->path_of[i] = (uint32_t)catch_all;
	}
	return 0;
}

static int mono_create(struct cs_world *w, const struct cs_cfg *cfg, json_t *config, void **self)
{
	static const char *const keys[] = {"type", "label", "paths", "queue", "placement", "retry",
					   "retry_interval", "max_attempts", "count_failed_attempts",
					   NULL};
	static const char *const queues[] = {"fifo", NULL};
	static const char *const retries[] = {"event", "interval", NULL};
	if (cs_cfg_keys(cfg, config, "scheduler", keys) < 0)
		return -1;
	struct mono *s = cs_xcalloc(1, sizeof *s);
	s->w = w;
	snprintf(s->stats.name, sizeof s->stats.name, "monolithic");
	*self = s;
	int queue, placement, retry;
	double max_attempts;
	if (cs_cfg_enum(cfg, config, "scheduler", "queue", "fifo", queues, &queue) < 0 ||
	    cs_cfg_enum(cfg, config, "scheduler", "placement", "random-first-fit", cs_placement_names,
			&placement) < 0 ||
	    cs_cfg_enum(cfg, config, "scheduler", "retry", "interval", retries, &retry) < 0 ||
	    cs_cfg_time(cfg, config, "scheduler", "retry_interval", 1, CS_CFG_POSITIVE, &s->retry_interval) < 0 ||
	    cs_cfg_num(cfg, config, "scheduler", "max_attempts", 1000, CS_CFG_INTEGER | CS_CFG_NONNEG,
		       &max_attempts) < 0 ||
	    cs_cfg_bool(cfg, config, "scheduler", "count_failed_attempts", true, &s->count_failed) < 0)
		return -1;
	if (max_attempts > UINT32_MAX)
		return cs_error_input(cfg->err, cfg->file, "scheduler.max_attempts", "too large");
	s->retry = retry == 0 ? RETRY_EVENT : RETRY_INTERVAL;
	s->max_attempts = (uint32_t)max_attempts;
	cs_placer_init(&s->placer, (enum cs_placement)placement, w->cell.n, cs_world_rng(w, "placement"));
	if (parse_paths(s, cfg, config) < 0)
		return -1;
	return 0;
}

const struct cs_scheduler_ops cs_monolithic_ops = {
	.name = "monolithic",
	.create = mono_create,
	.submit = mono_submit,
	.task_ended = mono_task_ended,
	.machine_changed = mono_machine_changed,
	.report = mono_report,
	.destroy = mono_destroy,
};
