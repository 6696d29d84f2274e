/* schedulers/fw_aurora — the "aurora" framework kind: Aurora's scheduler
 * as a Mesos framework (Aurora-on-Mesos).  It takes Aurora jobs and
 * services, and matches offers as fw_apps.h says, its queue ordered as
 * Aurora's task groups are: production before non-production, then higher
 * priority, then arrival.  Placement: random first fit over the held
 * offers, the job's constraints kept.
 *
 * Preemption (Aurora's preemptor, docs/model.md "Aurora"): a task pending
 * for at least preemption_delay (3 min) may preempt this framework's
 * running tasks -- a production task any non-production task, a
 * non-production one only non-production tasks of its own role with a
 * lower priority.  Every preemption_interval (1 min) the preemptor looks,
 * for each pending task in queue order, for the first agent (in index
 * order) where preempting such tasks, lowest priority first, would free
 * enough for it (the agent's free resources counted), and preempts them;
 * the freed resources are offered again by the allocator (to whichever
 * framework DRF picks), and the preempted tasks' controller restarts them
 * (summary.json apps' preemptions).  Production is the job's
 * `production`, or its tier "preferred"; tier "preemptible" is
 * non-production.
 * Keys: t_job, t_task, preemption (true), preemption_delay,
 * preemption_interval. */
#include <stdlib.h>
#include <string.h>

#include "schedulers/fw_apps.h"
#include "sim/alloc.h"
#include "sim/host.h"
#include "specs/spec.h"

struct aurora_fw {
	struct cs_fw_apps apps;
	bool preemption;
	cs_time delay, interval;
	/* its running tasks, per agent */
	struct running {
		struct cs_task **t;
		uint32_t n, cap;
	} *on;
	uint32_t nmachines;
	uint64_t preempted;
	bool armed;            /* the preemptor's next look is scheduled */
};

static bool aurora_takes(const struct cs_app *app)
{
	return app->kind == CS_APP_AURORA_JOB || app->kind == CS_APP_AURORA_SERVICE;
}

static bool production(const struct cs_app *a)
{
	if (a && a->aurora.tier)
		return strcmp(a->aurora.tier, "preferred") == 0 || (a->aurora.production && strcmp(a->aurora.tier, "preemptible") != 0);
	return a && a->aurora.production;
}

static int priority(const struct cs_app *a)
{
	return a ? a->priority : 0;
}

static bool before(const struct cs_job *x, const struct cs_job *y)
{
	bool px = production(x->spec), py = production(y->spec);
	if (px != py)
		return px;
	return priority(x->spec) > priority(y->spec);
}

/* whether a pending task of p may preempt a running one of v */
static bool may_preempt(const struct cs_app *p, const struct cs_app *v)
{
	if (production(v))
		return false;
	if (production(p))
		return true;
	const char *rp = p && p->aurora.role ? p->aurora.role : "", *rv = v && v->aurora.role ? v->aurora.role : "";
	return strcmp(rp, rv) == 0 && priority(p) > priority(v);
}

static int by_priority(const void *a, const void *b)
{
	const struct cs_task *x = *(struct cs_task *const *)a, *y = *(struct cs_task *const *)b;
	int px = priority(x->job->spec), py = priority(y->job->spec);
	if (px != py)
		return px < py ? -1 : 1;
	return x->claim_seq < y->claim_seq ? 1 : x->claim_seq > y->claim_seq ? -1 : 0; /* newest first */
}

/* Preempt enough on one agent for a task of job; returns whether it did. */
static bool find_slot(struct cs_framework *f, const struct cs_job *job, uint32_t *taken, uint32_t ntaken)
{
	struct aurora_fw *a = f->impl;
	const struct cs_cell *cell = f->h->cell;
	struct cs_task **v = NULL;
	for (uint32_t m = 0; m < a->nmachines; m++) {
		bool used = false;
		for (uint32_t i = 0; i < ntaken; i++)
			used = used || taken[i] == m;
		if (used || a->on[m].n == 0 || !cell->mach[m].up || cell->mach[m].closed)
			continue;
		v = cs_xrealloc(v, a->on[m].n * sizeof *v);
		uint32_t nv = 0;
		for (uint32_t i = 0; i < a->on[m].n; i++)
			if (may_preempt(job->spec, a->on[m].t[i]->job->spec))
				v[nv++] = a->on[m].t[i];
		qsort(v, nv, sizeof *v, by_priority);
		struct cs_res free_ = cs_cell_free(cell, m);
		uint32_t k = 0;
		while (k < nv && !(free_.cpu >= job->req.cpu && free_.mem >= job->req.mem && free_.disk >= job->req.disk)) {
			free_.cpu += v[k]->job->req.cpu;
			free_.mem += v[k]->job->req.mem;
			free_.disk += v[k]->job->req.disk;
			k++;
		}
		if (k == 0 || !(free_.cpu >= job->req.cpu && free_.mem >= job->req.mem && free_.disk >= job->req.disk))
			continue;
		for (uint32_t i = 0; i < k; i++) {
			a->preempted++;
			cs_host_preempt(f->h, v[i]); /* (task_ended takes it off on[m]) */
		}
		taken[ntaken] = m;
		free(v);
		return true;
	}
	free(v);
	return false;
}

static void preempt_fire(void *ctx, cs_time now)
{
	struct cs_framework *f = ctx;
	struct aurora_fw *a = f->impl;
	uint32_t *taken = cs_xmalloc((a->nmachines ? a->nmachines : 1) * sizeof *taken), ntaken = 0;
	/* the queue as it is now: a preemption's victims are replaced by their
	 * controllers with new jobs, which join the queue meanwhile (and the
	 * jobs looked at stay pending, so alive) */
	size_t nq = a->apps.n;
	struct cs_job **q = cs_xmalloc((nq ? nq : 1) * sizeof *q);
	memcpy(q, a->apps.q, nq * sizeof *q);
	for (size_t i = 0; i < nq; i++) {
		const struct cs_job *job = q[i];
		if (now < job->submit + a->delay)
			continue;
		uint32_t pending = job->ntasks - job->placed;
		for (uint32_t k = 0; k < pending && ntaken < a->nmachines; k++)
			if (find_slot(f, job, taken, ntaken))
				ntaken++;
			else
				break;
	}
	free(taken);
	free(q);
	/* it looks again while tasks are pending (a run without a duration
	 * ends when its work does) */
	a->armed = a->apps.n > 0;
	if (a->armed)
		cs_engine_after(f->h->engine, a->interval, preempt_fire, f);
}

static void aurora_submit(struct cs_framework *f, struct cs_job *job)
{
	struct aurora_fw *a = f->impl;
	cs_fw_apps_submit(f, job);
	if (a->preemption && !a->armed && a->apps.n > 0) {
		a->armed = true;
		cs_engine_after(f->h->engine, a->interval, preempt_fire, f);
	}
}

static void aurora_task_status(struct cs_framework *f, struct cs_task *task)
{
	struct aurora_fw *a = f->impl;
	struct running *r = &a->on[task->machine];
	CS_GROW(r->t, r->cap, r->n + 1);
	r->t[r->n++] = task;
}

static void aurora_task_ended(struct cs_framework *f, struct cs_task *task, enum cs_task_state why)
{
	struct aurora_fw *a = f->impl;
	if (task->machine >= a->nmachines)
		return;
	struct running *r = &a->on[task->machine];
	for (uint32_t i = 0; i < r->n; i++)
		if (r->t[i] == task) {
			r->t[i] = r->t[--r->n];
			return;
		}
}

static int aurora_create(struct cs_framework *f, const struct cs_cfg *cfg, json_t *config, const char *path)
{
	struct aurora_fw *a = cs_xcalloc(1, sizeof *a);
	f->impl = a;
	a->apps.place = cs_fw_place_job;
	a->apps.before = before;
	bool on;
	if (cs_fw_apps_init(&a->apps, cfg, config, path) < 0 ||
	    cs_cfg_bool(cfg, config, path, "preemption", true, &on) < 0 ||
	    cs_cfg_time(cfg, config, path, "preemption_delay", 180, CS_CFG_NONNEG, &a->delay) < 0 ||
	    cs_cfg_time(cfg, config, path, "preemption_interval", 60, CS_CFG_POSITIVE, &a->interval) < 0)
		return -1;
	if (a->interval < cs_time_from_seconds(1)) { /* (a look per microsecond would never end) */
		char where[160];
		return cs_error_input(cfg->err, cfg->file, cs_path_key(where, sizeof where, path, "preemption_interval"),
				      "expected at least 1 s (got %g s)", cs_time_to_seconds(a->interval));
	}
	a->preemption = on;
	a->nmachines = f->h->cell->n;
	a->on = cs_xcalloc(a->nmachines ? a->nmachines : 1, sizeof *a->on);
	return 0;
}

static void aurora_destroy(struct cs_framework *f)
{
	struct aurora_fw *a = f->impl;
	for (uint32_t m = 0; m < a->nmachines; m++)
		free(a->on[m].t);
	free(a->on);
	cs_fw_apps_release(&a->apps);
	free(a);
	f->impl = NULL;
}

static const char *const aurora_keys[] = {CS_FW_APPS_KEYS, "preemption", "preemption_delay", "preemption_interval", NULL};

const struct cs_framework_ops cs_fw_aurora_ops = {
	.kind = "aurora",
	.create = aurora_create,
	.submit = aurora_submit,
	.wants_offers = cs_fw_apps_wants_offers,
	.offers_arrived = cs_fw_apps_offers_arrived,
	.task_ended = aurora_task_ended,
	.task_status = aurora_task_status,
	.destroy = aurora_destroy,
	.keys = aurora_keys,
	.takes = aurora_takes,
};
