/* schedulers/monolithic — one scheduler, one decision at a time (Borg-
 * or kube-scheduler-like; the Omega study's monolithic baselines).
 *
 * Config (docs/experiments.md, "monolithic"): {"type": "monolithic",
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

#include "schedulers/batch_queue.h"
#include "sim/placement.h"
#include "schedulers/sched_common.h"
#include "schedulers/serial.h"
#include "schedulers/scheduler.h"
#include "sim/alloc.h"
#include "sim/host.h"

struct path {
	char name[64];
	struct cs_decision_time dt;
};

struct mono {
	struct cs_serial serial; /* the decision loop (schedulers/serial.h) */
	struct cs_host *h;
	struct path *paths;
	uint32_t npaths;
	uint32_t *path_of; /* by workload index */
	struct cs_placer placer;
	struct cs_job_list queue;
};

static void mono_push(void *kind, struct cs_job *job)
{
	struct mono *s = kind;
	cs_job_list_push(&s->queue, job);
}

static struct cs_job *mono_pop(void *kind)
{
	struct mono *s = kind;
	return s->queue.head ? cs_job_list_pop(&s->queue) : NULL;
}

static cs_time mono_decision_time(void *kind, const struct cs_job *job)
{
	struct mono *s = kind;
	return cs_decision_time(&s->paths[s->path_of[job->workload]].dt, job);
}

/* Place the pending tasks of a job with a placement rule (an app's
 * constraints): the ruled scan (sim/placement.h). */
static __attribute__((noinline, cold)) uint32_t place_ruled(struct mono *s, struct cs_job *job)
{
	struct cs_cell *cell = s->h->cell;
	uint32_t placed = 0;
	for (uint32_t i = 0; i < job->ntasks && job->placed < job->ntasks; i++) {
		struct cs_task *t = &job->tasks[i];
		if (t->state != CS_TASK_PENDING)
			continue;
		uint32_t m = cs_placer_pick_ruled(&s->placer, cell, &job->req, job->rule, NULL, 0);
		if (m == CS_NO_MACHINE)
			break;
		cs_cell_claim(cell, t, m);
		placed++;
	}
	return placed;
}

/* Place the pending tasks of job; returns how many were placed. */
static uint32_t place_tasks(void *kind, struct cs_job *job)
{
	struct mono *s = kind;
	if (__builtin_expect(job->rule != NULL, 0))
		return place_ruled(s, job);
	struct cs_cell *cell = s->h->cell;
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

static const struct cs_serial_ops mono_serial = {mono_push, mono_pop, mono_decision_time, place_tasks};

static void mono_submit(void *self, struct cs_job *job)
{
	struct mono *s = self;
	cs_serial_submit(&s->serial, job);
}

static void mono_task_ended(void *self, struct cs_task *task, enum cs_task_state why)
{
	struct mono *s = self;
	cs_serial_resources_freed(&s->serial);
}

static void mono_request_changed(void *self, struct cs_job *job, const struct cs_res *old)
{
	struct mono *s = self;
	if (cs_request_shrank(job, old))
		cs_serial_resources_freed(&s->serial);
}

static void mono_machine_changed(void *self, uint32_t machine, bool up)
{
	struct mono *s = self;
	if (up)
		cs_serial_resources_freed(&s->serial);
}

static void mono_report(void *self, struct cs_report *out)
{
	struct mono *s = self;
	cs_serial_report(&s->serial, out);
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
	struct cs_host *h = s->h;
	json_t *paths = json_object_get(config, "paths");
	if (!paths) {
		paths = json_pack("[{s:s}]", "name", "all");
		json_object_set_new(config, "paths", paths);
	}
	if (!json_is_array(paths) || json_array_size(paths) == 0)
		return cs_error_input(cfg->err, cfg->file, "scheduler.paths", "expected a non-empty list");
	s->npaths = (uint32_t)json_array_size(paths);
	s->paths = cs_xcalloc(s->npaths, sizeof *s->paths);
	for (uint32_t i = 0; i < s->npaths; i++) {
		char p[64], dn[32];
		cs_path_index(p, sizeof p, "scheduler.paths", i);
		json_t *pj = json_array_get(paths, i);
		const char *name;
		snprintf(dn, sizeof dn, "path%u", i);
		if (cs_cfg_keys(cfg, pj, p, path_keys) < 0 || cs_cfg_str(cfg, pj, p, "name", dn, 0, &name) < 0 ||
		    cs_decision_time_parse(cfg, pj, p, &s->paths[i].dt) < 0)
			return -1;
		snprintf(s->paths[i].name, sizeof s->paths[i].name, "%s", name);
	}
	s->path_of = cs_xmalloc(h->nworkloads * sizeof *s->path_of);
	return cs_map_workloads(cfg, h, paths, "scheduler.paths", NULL, s->path_of);
}

static int mono_create(struct cs_host *h, const struct cs_cfg *cfg, json_t *config, void **self)
{
	static const char *const keys[] = {"type", "label", "paths", "queue", "placement", CS_RETRY_KEYS, NULL};
	/* "fifo" is this kind's; the batch policies are cs_batch_queue_ops'
	 * (mono_variant), named here for the message of a misspelt one */
	static const char *const queues[] = {"fifo", "fcfs", "easy", "conservative", "sjf", "priority", NULL};
	int queue, placement;
	if (cs_cfg_keys(cfg, config, "scheduler", keys) < 0 ||
	    cs_cfg_enum(cfg, config, "scheduler", "queue", "fifo", queues, &queue) < 0 ||
	    cs_cfg_enum(cfg, config, "scheduler", "placement", "random-first-fit", cs_placement_names,
			&placement) < 0)
		return -1;
	struct mono *s = cs_xcalloc(1, sizeof *s);
	s->h = h;
	cs_serial_init(&s->serial, &mono_serial, s, h, "monolithic");
	*self = s;
	if (cs_retry_parse(cfg, config, "scheduler", &s->serial.retry) < 0)
		return -1;
	cs_placer_init(&s->placer, (enum cs_placement)placement, h->cell->n, cs_host_rng(h, "placement"));
	return parse_paths(s, cfg, config);
}

/* A "queue" other than "fifo" (a batch policy, which decides instantly)
 * makes it the batch-queue kind. */
static const struct cs_scheduler_ops *mono_variant(const json_t *config)
{
	const json_t *q = json_object_get(config, "queue");
	static const char *const batch[] = {"fcfs", "easy", "conservative", "sjf", "priority", NULL};
	for (size_t i = 0; json_is_string(q) && batch[i]; i++)
		if (strcmp(json_string_value(q), batch[i]) == 0)
			return &cs_batch_queue_ops;
	return NULL;
}

const struct cs_scheduler_ops cs_monolithic_ops = {
	.name = "monolithic",
	.variant = mono_variant,
	.create = mono_create,
	.submit = mono_submit,
	.task_ended = mono_task_ended,
	.machine_changed = mono_machine_changed,
	.request_changed = mono_request_changed,
	.report = mono_report,
	.destroy = mono_destroy,
};
