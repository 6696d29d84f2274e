/* controllers/app_track — the shared counting and detection of app
 * controllers (app_track.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/app_track.h"
#include "sim/alloc.h"
#include "sim/sort.h"
#include "specs/spec.h"

void cs_app_track_init(struct cs_app_track *t, struct cs_controller *c, const struct cs_res *req, uint64_t desired,
		       cs_time duration)
{
	memset(t, 0, sizeof *t);
	t->c = c;
	t->desired = desired;
	t->duration = duration;
	t->ended_at = CS_TIME_NEVER;
	CS_GROW(t->v, t->capv, 1);
	memset(&t->v[0], 0, sizeof t->v[0]);
	t->v[0].req = *req;
	t->v[0].target = desired;
	t->nv = 1;
}

static struct cs_res req_of(const struct cs_app *app)
{
	return (struct cs_res){cs_qty_from_double(app->cpu), cs_qty_from_double(app->mem), cs_qty_from_double(app->disk)};
}

int cs_app_track_adopt(struct cs_app_track *t, struct cs_controller *c, const struct cs_app *app,
		       const struct cs_cfg *cfg, json_t *entry, const char *path)
{
	cs_time duration;
	const char *exit = "finished";
	if (cs_app_task_duration(cfg, entry, path, &duration) < 0 ||
	    cs_cfg_str(cfg, entry, path, "task_exit", "finished", 0, &exit) < 0)
		return -1;
	if (strcmp(exit, "finished") != 0 && strcmp(exit, "failed") != 0) {
		char where[128];
		return cs_error_input(cfg->err, cfg->file, cs_path_key(where, sizeof where, path, "task_exit"),
				      "expected \"finished\" (exit status 0) or \"failed\" (status 1) (got \"%s\")", exit);
	}
	struct cs_res req = req_of(app);
	cs_app_track_init(t, c, &req, app->instances, duration);
	t->exits_failing = strcmp(exit, "failed") == 0;
	t->app = app;
	t->v[0].app = app;
	t->rule = cs_app_rule_new(t, app);
	return 0;
}

uint32_t cs_app_track_add_version(struct cs_app_track *t, const struct cs_app *app)
{
	CS_GROW(t->v, t->capv, t->nv + 1);
	struct cs_app_version *v = &t->v[t->nv];
	memset(v, 0, sizeof *v);
	v->app = app;
	v->req = req_of(app);
	v->created = cs_engine_now(t->c->host->engine);
	return t->nv++;
}

void cs_app_track_release(struct cs_app_track *t)
{
	for (size_t i = 0; i < t->nlive; i++) {
		free(t->live[i]->slot[CS_LAYER_CONTROLLER].data);
		t->live[i]->slot[CS_LAYER_CONTROLLER].data = NULL;
	}
	for (size_t i = 0; i < t->nghosts; i++)
		free(t->ghosts[i]);
	free(t->ghosts);
	free(t->to_kill);
	free(t->restores);
	free(t->live);
	free(t->v);
	cs_app_rule_free(t->rule);
	memset(t, 0, sizeof *t);
}

static cs_time now_of(const struct cs_app_track *t)
{
	return cs_engine_now(t->c->host->engine);
}

/* integrate up to now (or the deletion), before running or desired change */
static void account(struct cs_app_track *t)
{
	cs_time now = now_of(t);
	if (t->ended_at != CS_TIME_NEVER && now > t->ended_at)
		now = t->ended_at;
	if (now < t->since)
		return;
	double dt = cs_time_to_seconds(now - t->since);
	t->running_area += dt * (double)t->running;
	if (t->running >= t->desired)
		t->available_seconds += dt;
	t->since = now;
}

/* a restore episode ends when running is back at desired */
static void maybe_restored(struct cs_app_track *t)
{
	if (t->degraded && t->running >= t->desired) {
		t->degraded = false;
		CS_GROW(t->restores, t->caprestores, t->nrestores + 1);
		t->restores[t->nrestores++] = cs_time_to_seconds(now_of(t) - t->degraded_since);
	}
}

void cs_app_track_start(struct cs_app_track *t)
{
	t->started_at = t->since = now_of(t);
	t->v[0].created = t->started_at;
}

static struct cs_app_job *app_job(const struct cs_job *job)
{
	return job->slot[CS_LAYER_CONTROLLER].data;
}

static struct cs_inst *inst_of(const struct cs_task *task)
{
	return &app_job(task->job)->inst[task->index];
}

bool cs_app_track_cancelled(const struct cs_task *task)
{
	return inst_of(task)->state == CS_INST_STOPPING;
}

bool cs_app_track_is_running(const struct cs_task *task)
{
	return inst_of(task)->state == CS_INST_RUNNING;
}

cs_time cs_app_track_started_at(const struct cs_task *task)
{
	return inst_of(task)->started;
}

uint32_t cs_app_track_version_of(const struct cs_task *task)
{
	return app_job(task->job)->version;
}

/* A job of n instances of version v with their records, not yet
 * submitted. */
static struct cs_job *new_instances(struct cs_app_track *t, uint32_t v, uint32_t n)
{
	struct cs_app_version *ver = &t->v[v];
	struct cs_job *job = cs_host_new_job(t->c->host, t->c, n, &ver->req, t->duration, CS_JOB_SERVICE,
					     ver->app ? ver->app->priority : 0, ver->app);
	job->rule = cs_app_rule_of(t->rule);
	job->exits_failing = t->exits_failing;
	/* the instances' records, in the job's controller slot, filled
	 * before the scheduler sees the job (it may start it at once) */
	struct cs_app_job *aj = cs_xcalloc(1, sizeof *aj + n * sizeof aj->inst[0]);
	aj->version = v;
	aj->created = now_of(t);
	job->slot[CS_LAYER_CONTROLLER].data = aj;
	CS_GROW(t->live, t->caplive, t->nlive + 1);
	t->live[t->nlive++] = job;
	ver->pending += n;
	return job;
}

void cs_app_track_launch(struct cs_app_track *t, uint32_t v, uint32_t n)
{
	if (n == 0 || t->ended_at != CS_TIME_NEVER)
		return;
	struct cs_job *job = new_instances(t, v, n);
	uint64_t r = n < t->unreplaced ? n : t->unreplaced;
	t->restarts += r;
	t->unreplaced -= r;
	cs_host_submit_job(t->c->host, job);
}

struct cs_task *cs_app_track_recover(struct cs_app_track *t, uint32_t v, uint32_t machine)
{
	if (t->ended_at != CS_TIME_NEVER)
		return NULL;
	struct cs_job *job = new_instances(t, v, 1);
	cs_host_submit_placed(t->c->host, job, &machine);
	return &job->tasks[0];
}

void cs_app_ops_recover(struct cs_controller *c, uint32_t machine)
{
	struct cs_app_track *t = c->impl;
	cs_app_track_recover(t, t->nv - 1, machine);
}

static void kill_fire(void *ctx, cs_time now)
{
	struct cs_app_track *t = ctx;
	t->kill_scheduled = false;
	/* each kill may end a job: take the list first */
	while (t->nto_kill > 0) {
		struct cs_task *task = t->to_kill[--t->nto_kill];
		cs_host_kill(t->c->host, task);
	}
}

void cs_app_track_started(struct cs_app_track *t, struct cs_task *task)
{
	struct cs_inst *in = inst_of(task);
	struct cs_app_version *ver = &t->v[cs_app_track_version_of(task)];
	in->started = now_of(t);
	if (in->state == CS_INST_STOPPING) {
		/* cancelled while pending: stopped once the scheduler's
		 * decision is over (not from inside it) */
		CS_GROW(t->to_kill, t->capto_kill, t->nto_kill + 1);
		t->to_kill[t->nto_kill++] = task;
		if (!t->kill_scheduled) {
			t->kill_scheduled = true;
			t->kill_event = cs_engine_after(t->c->host->engine, 0, kill_fire, t);
		}
		return;
	}
	in->state = CS_INST_RUNNING;
	ver->pending--;
	ver->running++;
	if (t->rule && !cs_app_rule_kept(t->rule, t->c->host->cell, task)) {
		t->violations++;
#ifdef CS_DEBUG
		fprintf(stderr, "clustersim: internal error: %s: an instance on machine %u breaks a constraint\n",
			t->c->name, task->machine);
		abort();
#endif
	}
	account(t);
	t->running++;
	maybe_restored(t);
}

static void forget_kill(struct cs_app_track *t, const struct cs_task *task)
{
	for (size_t i = 0; i < t->nto_kill; i++)
		if (t->to_kill[i] == task) {
			memmove(&t->to_kill[i], &t->to_kill[i + 1], (t->nto_kill - i - 1) * sizeof *t->to_kill);
			t->nto_kill--;
			return;
		}
}

bool cs_app_track_ended(struct cs_app_track *t, struct cs_task *task, enum cs_task_state why)
{
	struct cs_inst *in = inst_of(task);
	struct cs_app_version *ver = &t->v[cs_app_track_version_of(task)];
	uint8_t was = in->state;
	in->state = CS_INST_DONE;
	if (was == CS_INST_STOPPING) {
		forget_kill(t, task);
		return false;
	}
	if (was == CS_INST_PENDING) {
		ver->pending--; /* (failed to start) */
	} else {
		ver->running--;
		account(t);
		t->running--;
	}
	t->unreplaced++; /* (a kind that will not replace it takes it back) */
	if (why == CS_TASK_KILLED && task->exit_status == CS_EXIT_PREEMPTED)
		t->preemptions++;
	if (why != CS_TASK_FINISHED) {
		t->losses++;
		if (!t->degraded && t->running < t->desired) {
			t->degraded = true;
			t->degraded_since = now_of(t);
		}
	}
	return true;
}

void cs_app_track_job_ended(struct cs_app_track *t, struct cs_job *job)
{
	/* instances that never started: their job was given up (the
	 * scheduler's max_attempts); the real controllers do not give up, so
	 * the kind reconciles and launches them again */
	struct cs_app_job *aj = app_job(job);
	uint64_t dropped = 0;
	for (uint32_t i = 0; aj && i < job->ntasks; i++)
		if (aj->inst[i].state == CS_INST_PENDING) {
			aj->inst[i].state = CS_INST_DONE;
			t->v[aj->version].pending--;
			dropped++;
		}
	free(job->slot[CS_LAYER_CONTROLLER].data);
	job->slot[CS_LAYER_CONTROLLER].data = NULL;
	for (size_t i = 0; i < t->nlive; i++) {
		if (t->live[i] == job) {
			t->live[i] = t->live[--t->nlive];
			break;
		}
	}
	if (dropped)
		cs_app_track_reconcile(t);
}

static void ghost_fire(void *ctx, cs_time now)
{
	struct cs_ghost *g = ctx;
	struct cs_app_track *t = g->t;
	g->armed = false;
	if (g->gone)
		return;
	g->gone = true;
	t->v[g->version].ghosts--;
	cs_app_track_reconcile(t);
}

void cs_app_track_ghost(struct cs_app_track *t, const struct cs_task *task, cs_time until)
{
	if (t->c->host->losses_noticed) /* live: the detection was real */
		until = cs_engine_now(t->c->host->engine);
	/* reuse a noticed ghost's record (its event has fired) */
	struct cs_ghost *g = NULL;
	for (size_t i = 0; i < t->nghosts && !g; i++)
		if (t->ghosts[i]->gone && !t->ghosts[i]->armed)
			g = t->ghosts[i];
	if (!g) {
		g = cs_xcalloc(1, sizeof *g);
		CS_GROW(t->ghosts, t->capghosts, t->nghosts + 1);
		t->ghosts[t->nghosts++] = g;
	}
	g->t = t;
	g->version = cs_app_track_version_of(task);
	g->gone = false;
	g->until = until;
	t->v[g->version].ghosts++;
	g->armed = until != CS_TIME_NEVER;
	if (g->armed)
		cs_engine_at(t->c->host->engine, until, ghost_fire, g);
}

uint64_t cs_app_track_existing(const struct cs_app_track *t, uint32_t first, uint32_t last)
{
	uint64_t n = 0;
	for (uint32_t v = first; v < last; v++)
		n += t->v[v].pending + t->v[v].running + t->v[v].ghosts;
	return n;
}

uint64_t cs_app_track_running_in(const struct cs_app_track *t, uint32_t first, uint32_t last)
{
	uint64_t n = 0;
	for (uint32_t v = first; v < last; v++)
		n += t->v[v].running;
	return n;
}

/* A candidate, with its sort keys: lower goes first, key by key (each
 * order writes its rule into them, so one comparison serves all). */
struct cand {
	struct cs_victim v;
	int64_t key[4]; /* class, colocation, time, time */
	uint64_t seq;   /* the order of collection: the last tie-break */
};

static int cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	for (int i = 0; i < 4; i++)
		if (a->key[i] != b->key[i])
			return a->key[i] < b->key[i] ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* an instance's keys in the given order: what 0 pending, 1 ghost, 2
 * running */
static void set_keys(struct cand *c, enum cs_kill_order o, int what, uint32_t coloc, cs_time started, cs_time created)
{
	int64_t s = (int64_t)started, cr = (int64_t)created;
	switch (o) {
	case CS_KILL_K8S: /* pending, unknown, running; more colocated, ready less long, newer */
		c->key[0] = what, c->key[1] = -(int64_t)coloc, c->key[2] = -s, c->key[3] = -cr;
		break;
	case CS_KILL_YOUNGEST_FIRST: /* unreachable, not running, then the latest started */
	case CS_KILL_OLDEST_FIRST:
		c->key[0] = what == 1 ? 0 : what == 0 ? 1 : 2;
		c->key[1] = 0, c->key[2] = o == CS_KILL_OLDEST_FIRST ? s : -s, c->key[3] = 0;
		break;
	case CS_KILL_NEWEST_CREATED:
		c->key[0] = 0, c->key[1] = 0, c->key[2] = -cr, c->key[3] = 0;
		break;
	}
}

size_t cs_app_track_victims(struct cs_app_track *t, uint32_t first, uint32_t last, size_t n, enum cs_kill_order order,
			    struct cs_victim *out)
{
	size_t ncand = cs_app_track_existing(t, first, last), k = 0;
	if (n == 0 || ncand == 0)
		return 0;
	struct cand *cand = cs_xcalloc(ncand, sizeof *cand);
	const struct cs_cell *cell = t->c->host->cell;
	/* Kubernetes ranks a pod by the pods of its set on the same node */
	uint32_t *per_machine = NULL;
	if (order == CS_KILL_K8S) {
		per_machine = cs_xcalloc(cell->n ? cell->n : 1, sizeof *per_machine);
		for (size_t j = 0; j < t->nlive; j++) {
			const struct cs_job *job = t->live[j];
			const struct cs_app_job *aj = app_job(job);
			for (uint32_t i = 0; aj->version >= first && aj->version < last && i < job->ntasks; i++)
				if (aj->inst[i].state == CS_INST_RUNNING)
					per_machine[job->tasks[i].machine]++;
		}
	}
	for (size_t j = 0; j < t->nlive; j++) {
		struct cs_job *job = t->live[j];
		const struct cs_app_job *aj = app_job(job);
		if (aj->version < first || aj->version >= last)
			continue;
		for (uint32_t i = 0; i < job->ntasks && k < ncand; i++) {
			const struct cs_inst *in = &aj->inst[i];
			if (in->state != CS_INST_PENDING && in->state != CS_INST_RUNNING)
				continue;
			bool running = in->state == CS_INST_RUNNING;
			struct cand *c = &cand[k];
			c->v.job = job;
			c->v.index = i;
			set_keys(c, order, running ? 2 : 0, running && per_machine ? per_machine[job->tasks[i].machine] : 0,
				 running ? in->started : 0, aj->created);
			c->seq = k++;
		}
	}
	for (size_t g = 0; g < t->nghosts && k < ncand; g++) {
		struct cs_ghost *gh = t->ghosts[g];
		if (gh->gone || gh->version < first || gh->version >= last)
			continue;
		struct cand *c = &cand[k];
		c->v.ghost = gh;
		set_keys(c, order, 1, 0, 0, 0);
		c->seq = k++;
	}
	qsort(cand, k, sizeof *cand, cand_cmp);
	size_t m = k < n ? k : n;
	for (size_t i = 0; i < m; i++)
		out[i] = cand[i].v;
	free(per_machine);
	free(cand);
	return m;
}

void cs_app_track_stop(struct cs_app_track *t, const struct cs_victim *v)
{
	t->stopped++;
	if (v->ghost) {
		if (!v->ghost->gone) {
			v->ghost->gone = true;
			t->v[v->ghost->version].ghosts--;
		}
		return;
	}
	struct cs_app_job *aj = app_job(v->job);
	struct cs_inst *in = &aj->inst[v->index];
	struct cs_app_version *ver = &t->v[aj->version];
	if (in->state == CS_INST_PENDING) {
		in->state = CS_INST_STOPPING; /* killed when it starts */
		ver->pending--;
		return;
	}
	in->state = CS_INST_STOPPING;
	ver->running--;
	account(t);
	t->running--;
	cs_host_kill(t->c->host, &v->job->tasks[v->index]); /* (running: its job has tasks) */
}

size_t cs_app_track_stop_some(struct cs_app_track *t, uint32_t first, uint32_t last, uint64_t n,
			      enum cs_kill_order order)
{
	if (n == 0)
		return 0;
	struct cs_victim *v = cs_xmalloc(n * sizeof *v);
	size_t k = cs_app_track_victims(t, first, last, n, order, v);
	for (size_t i = 0; i < k; i++)
		cs_app_track_stop(t, &v[i]);
	free(v);
	return k;
}

void cs_app_track_reconcile(struct cs_app_track *t)
{
	if (t->ended_at != CS_TIME_NEVER || !t->reconcile_once)
		return;
	if (t->in_reconcile) {
		t->again = true;
		return;
	}
	t->in_reconcile = true;
	do {
		t->again = false;
		t->reconcile_once(t->c);
	} while (t->again);
	t->in_reconcile = false;
}

static void wake_fire(void *ctx, cs_time now)
{
	struct cs_app_track *t = ctx;
	t->wake_scheduled = false;
	cs_app_track_reconcile(t);
}

bool cs_app_track_launch_at(struct cs_app_track *t, uint64_t n, cs_time not_before, bool *held_new)
{
	*held_new = false;
	if (n == 0)
		return true;
	if (now_of(t) < not_before) {
		if (!t->wake_scheduled) {
			t->wake_scheduled = *held_new = true;
			cs_engine_at(t->c->host->engine, not_before, wake_fire, t);
		}
		return false;
	}
	cs_app_track_launch(t, t->nv - 1, (uint32_t)n);
	return true;
}

void cs_app_track_set_desired(struct cs_app_track *t, uint64_t desired)
{
	account(t);
	t->desired = desired;
	maybe_restored(t);
}

void cs_app_track_delete(struct cs_app_track *t)
{
	account(t);
	t->ended_at = now_of(t);
	cs_app_track_stop_some(t, 0, t->nv, cs_app_track_existing(t, 0, t->nv), CS_KILL_NEWEST_CREATED);
}

json_t *cs_app_track_report(struct cs_app_track *t, const char *kind)
{
	account(t);
	cs_time end = t->ended_at != CS_TIME_NEVER ? t->ended_at : now_of(t);
	double span = end > t->started_at ? cs_time_to_seconds(end - t->started_at) : 0;
	json_t *restore = json_object();
	if (t->nrestores) {
		double *v = cs_xmalloc(t->nrestores * sizeof *v);
		memcpy(v, t->restores, t->nrestores * sizeof *v);
		cs_sort_doubles(v, t->nrestores);
		double median = t->nrestores % 2 ? v[t->nrestores / 2]
						 : (v[t->nrestores / 2 - 1] + v[t->nrestores / 2]) / 2;
		json_object_set_new(restore, "median", json_real(median));
		json_object_set_new(restore, "max", json_real(v[t->nrestores - 1]));
		free(v);
	} else {
		json_object_set_new(restore, "median", json_null());
		json_object_set_new(restore, "max", json_null());
	}
	json_object_set_new(restore, "n", json_integer((json_int_t)t->nrestores));
	json_t *o = json_pack("{s:s, s:I, s:I, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "kind", kind, "desired",
			      (json_int_t)t->desired, "running", (json_int_t)t->running, "running_mean",
			      span > 0 ? json_real(t->running_area / span) : json_null(), "availability",
			      span > 0 ? json_real(t->available_seconds / span) : json_null(), "restore_seconds", restore,
			      "restarts", (json_int_t)t->restarts, "losses", (json_int_t)t->losses, "preemptions",
			      (json_int_t)t->preemptions, "stopped",
			      (json_int_t)t->stopped, "versions", (json_int_t)t->nv, "constraint_violations",
			      (json_int_t)t->violations);
	if (t->ended_at != CS_TIME_NEVER)
		json_object_set_new(o, "deleted_at", json_real(cs_time_to_seconds(t->ended_at)));
	return o;
}

/* the first multiple of step at or after t */
static cs_time ceil_to(cs_time t, cs_time step)
{
	return (t + step - 1) / step * step;
}

cs_time cs_mesos_agent_removed(cs_time t, cs_time ping_interval, uint32_t max_pings)
{
	return ceil_to(t, ping_interval) + (cs_time)max_pings * ping_interval;
}

cs_time cs_k8s_node_not_ready(cs_time t, cs_time status_every, cs_time monitor_every, cs_time grace)
{
	cs_time last_status = t / status_every * status_every;
	/* the first check strictly after last_status + grace */
	return (last_status + grace) / monitor_every * monitor_every + monitor_every;
}

static int timing_object(const struct cs_cfg *cfg, json_t *entry, const char *path, const char *key,
			 const char *const *keys, json_t **obj, char *p, size_t n)
{
	cs_path_key(p, n, path, key);
	*obj = json_object_get(entry, key);
	if (!*obj) {
		*obj = json_object();
		json_object_set_new(entry, key, *obj);
	}
	return cs_cfg_need_object(cfg, *obj, p) < 0 || cs_cfg_keys(cfg, *obj, p, keys) < 0 ? -1 : 0;
}

int cs_mesos_timing_parse(const struct cs_cfg *cfg, json_t *entry, const char *path, struct cs_mesos_timing *out)
{
	static const char *const keys[] = {"agent_ping_timeout", "max_agent_ping_timeouts", NULL};
	json_t *o;
	char p[128];
	uint64_t max;
	if (timing_object(cfg, entry, path, "mesos", keys, &o, p, sizeof p) < 0 ||
	    cs_cfg_time(cfg, o, p, "agent_ping_timeout", 15, CS_CFG_POSITIVE, &out->ping) < 0 ||
	    cs_cfg_count(cfg, o, p, "max_agent_ping_timeouts", 5, 0, 1, 1000, &max) < 0)
		return -1;
	out->max_pings = (uint32_t)max;
	return 0;
}

int cs_k8s_timing_parse(const struct cs_cfg *cfg, json_t *entry, const char *path, struct cs_k8s_timing *out)
{
	static const char *const keys[] = {"node_status_update_frequency", "node_monitor_period",
					   "node_monitor_grace_period", "default_toleration_seconds", "burst_replicas", NULL};
	json_t *o;
	char p[128];
	if (timing_object(cfg, entry, path, "kubernetes", keys, &o, p, sizeof p) < 0 ||
	    cs_cfg_time(cfg, o, p, "node_status_update_frequency", 10, CS_CFG_POSITIVE, &out->status_every) < 0 ||
	    cs_cfg_time(cfg, o, p, "node_monitor_period", 5, CS_CFG_POSITIVE, &out->monitor_every) < 0 ||
	    cs_cfg_time(cfg, o, p, "node_monitor_grace_period", 40, CS_CFG_NONNEG, &out->grace) < 0 ||
	    cs_cfg_time(cfg, o, p, "default_toleration_seconds", 300, CS_CFG_NONNEG, &out->toleration) < 0 ||
	    cs_cfg_count(cfg, o, p, "burst_replicas", 500, 0, 1, 1000000, &out->burst) < 0)
		return -1;
	return 0;
}

int cs_app_task_duration(const struct cs_cfg *cfg, json_t *entry, const char *path, cs_time *out)
{
	return cs_cfg_time(cfg, entry, path, "task_duration", (double)NAN, CS_CFG_NULLABLE | CS_CFG_POSITIVE, out) < 0 ? -1 : 0;
}

void cs_app_ops_task_started(struct cs_controller *c, struct cs_task *task)
{
	cs_app_track_started(c->impl, task);
}

void cs_app_ops_job_ended(struct cs_controller *c, struct cs_job *job)
{
	cs_app_track_job_ended(c->impl, job);
}

int64_t cs_app_ops_running(struct cs_controller *c)
{
	return (int64_t)((struct cs_app_track *)c->impl)->running;
}

void cs_app_ops_destroy(struct cs_controller *c)
{
	if (c->impl)
		cs_app_track_release(c->impl);
	free(c->impl);
	c->impl = NULL;
}

void cs_app_ops_start(struct cs_controller *c)
{
	struct cs_app_track *t = c->impl;
	cs_app_track_start(t);
	cs_app_track_launch(t, 0, (uint32_t)t->desired);
}

double cs_marathon_launch_delay(double backoff, double factor, double max, uint64_t n)
{
	double d = backoff;
	for (uint64_t i = 1; i < n && d < max; i++)
		d *= factor;
	return d < max ? d : max;
}

double cs_aurora_flap_delay(double initial, double max, uint64_t n)
{
	double d = initial;
	for (uint64_t i = 1; i < n && d < max; i++)
		d *= 2;
	return d < max ? d : max;
}
