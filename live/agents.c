/* live/agents — see agents.h. */
#include "live/agents.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "controllers/app_track.h"
#include "controllers/controller.h"
#include "live/clock.h"
#include "live/http_server.h"
#include "live/idmap.h"
#include "live/state_db.h"
#include "sim/alloc.h"
#include "sim/world.h"

struct lagent {
	char id[96], host[64], incarnation[64], limits[128];
	uint32_t machine;
	bool up;
	struct cs_res cap;
	cs_time last_seen;
	json_t *pending;  /* launch specs not yet listed by the agent */
	json_t *kills;    /* ids to kill, until the agent stops listing them running */
	struct cs_http_exchange *held;
	cs_event_id hold_event, timeout_event;
	bool hold_set, timeout_set, kick_set;
	cs_event_id kick_event;
	struct cs_live_agents *owner;
};

struct ltask {
	char id[128];
	struct cs_task *task;
	struct lagent *agent;
	bool confirmed;
	bool never_run;   /* cancelled before its launch: no agent has it */
	char staged_at[32], started_at[32];
	json_t *ports;
};

struct cs_live_agents {
	struct cs_world *w;
	cs_time timeout;
	cs_live_launch_fn *launch;
	void *ctx;
	struct cs_idmap agents;   /* id -> lagent */
	struct cs_idmap tasks;    /* task id -> ltask */
	struct cs_idmap by_task;  /* "%p" of the cs_task -> ltask */
	struct lagent **of_machine;
	uint64_t id_seq, id_salt;
	struct cs_live_agent_counts n;
	uint64_t gen;             /* cs_live_agents_generation */
	struct cs_state_db *db;
	/* recovery: task id -> its app (strdup'd), agents still to sync */
	struct cs_idmap recovering, recover_agents;
	bool in_recovery;
	const char *binding;   /* a recovered task id the next claim takes */
	const struct lagent *losing; /* the agent whose tasks are being lost */
	cs_live_adopt_fn *adopt;
	cs_live_recovered_fn *recovered;
	void *recover_ctx;
};

/* Everything written is on disk before an agent hears of it; a state
 * that cannot be written stops the controller. */
static bool durable(struct cs_live_agents *a)
{
	if (!a->db || cs_state_flush(a->db) == 0)
		return true;
	cs_engine_stop(&a->w->engine);
	return false;
}


static void task_key(const struct cs_task *t, char *buf, size_t n)
{
	snprintf(buf, n, "%p", (const void *)t);
}

/* ---- replies ---- */

static json_t *desired(struct lagent *g, json_t *acks)
{
	return json_pack("{s:O, s:O, s:o, s:I}", "launch", g->pending, "kill", g->kills, "ack",
			 acks ? acks : json_array(), "wait_ms", (json_int_t)1000);
}

static void reply_held(struct lagent *g)
{
	if (!g->held)
		return;
	struct cs_live_agents *a = g->owner;
	if (g->hold_set)
		cs_engine_cancel(&a->w->engine, g->hold_event);
	g->hold_set = false;
	struct cs_http_exchange *x = g->held;
	g->held = NULL;
	if (!durable(a)) {
		cs_http_reply(x, 503, "{\"message\":\"the controller cannot write its state\"}\n", NULL);
		return;
	}
	cs_http_reply_json(x, 200, desired(g, NULL));
}

static void on_hold_over(void *ctx, cs_time now)
{
	struct lagent *g = ctx;
	g->hold_set = false;
	reply_held(g);
}

static void on_kick(void *ctx, cs_time now)
{
	struct lagent *g = ctx;
	g->kick_set = false;
	reply_held(g);
}

/* Something to send to g: its held sync is answered, batched at now. */
static void kick(struct lagent *g)
{
	if (g->held && !g->kick_set) {
		g->kick_event = cs_engine_after(&g->owner->w->engine, 0, on_kick, g);
		g->kick_set = true;
	}
}

/* ---- the backend ---- */

/* Take id's launch back if it has not been sent: true if it was there. */
static bool remove_pending(struct lagent *g, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(g->pending, i, v)
		if (strcmp(json_string_value(json_object_get(v, "id")), id) == 0) {
			json_array_remove(g->pending, i);
			return true;
		}
	return false;
}

/* Queue a kill for g (once); false if it was queued already. */
static bool add_kill(struct lagent *g, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(g->kills, i, v)
		if (strcmp(json_string_value(v), id) == 0)
			return false;
	json_array_append_new(g->kills, json_string(id));
	kick(g);
	return true;
}

static void forget(struct cs_live_agents *a, struct ltask *lt)
{
	char key[32];
	task_key(lt->task, key, sizeof key);
	cs_idmap_del(&a->by_task, key);
	cs_idmap_del(&a->tasks, lt->id);
	json_decref(lt->ports);
	free(lt);
}

static void backend_start(void *ctx, struct cs_task *task)
{
	struct cs_live_agents *a = ctx;
	a->gen++;
	struct lagent *g = a->of_machine[task->machine];
	struct ltask *lt = cs_xcalloc(1, sizeof *lt);
	const struct cs_job *job = task->job;
	const char *app = job->controller ? job->controller->name : a->w->workloads[job->workload].name;
	/* Marathon's task ids are APP.UUID; ours: APP.HEX16 of a counter
	 * salted per controller process, unique across restarts */
	uint64_t x = ++a->id_seq * 0x9e3779b97f4a7c15ull ^ a->id_salt;
	if (a->binding)
		snprintf(lt->id, sizeof lt->id, "%s", a->binding);
	else
		snprintf(lt->id, sizeof lt->id, "%.100s.%016llx", app, (unsigned long long)x);
	for (char *p = lt->id; *p; p++)
		if (*p == '/')
			*p = '_';
	lt->task = task;
	lt->agent = g;
	cs_live_iso_now(lt->staged_at, sizeof lt->staged_at);
	char key[32];
	task_key(task, key, sizeof key);
	cs_idmap_put(&a->tasks, lt->id, lt);
	cs_idmap_put(&a->by_task, key, lt);
	if (a->binding) { /* a recovered task: it runs already */
		a->binding = NULL;
		lt->confirmed = true;
		return;
	}
	if (job->controller && job->spec && cs_app_track_cancelled(task)) {
		/* its app stopped it while it was pending (a scale-down): it
		 * would be killed as soon as it runs, so it does not run; the
		 * controller hears of its start and kills it at once */
		lt->confirmed = lt->never_run = true;
		cs_task_started(task);
		return;
	}
	if (a->db)
		cs_state_put_task(a->db, lt->id, app, g->id);
	json_t *spec = a->launch(a->ctx, task);
	json_object_set_new(spec, "id", json_string(lt->id));
	json_object_set_new(spec, "app", json_string(app));
	json_object_set_new(spec, "cpus", json_real(cs_qty_to_double(job->req.cpu)));
	json_object_set_new(spec, "mem_bytes", json_integer((json_int_t)llround(cs_qty_to_double(job->req.mem) * 1048576.0)));
	json_object_set_new(spec, "disk_bytes", json_integer((json_int_t)llround(cs_qty_to_double(job->req.disk) * 1048576.0)));
	json_array_append_new(g->pending, spec);
	a->n.launches++;
	kick(g);
}

static void backend_kill(void *ctx, struct cs_task *task)
{
	struct cs_live_agents *a = ctx;
	a->gen++;
	char key[32];
	task_key(task, key, sizeof key);
	struct ltask *lt = cs_idmap_get(&a->by_task, key);
	if (!lt)
		return;
	if (lt->agent == a->losing)
		a->n.tasks_lost++;
	if (!remove_pending(lt->agent, lt->id) && !lt->never_run)
		add_kill(lt->agent, lt->id); /* (a launch not sent needs no kill) */
	/* (a restarted controller kills it as an orphan if the agent did not) */
	if (a->db)
		cs_state_delete_task(a->db, lt->id);
	forget(a, lt);
}

static const struct cs_cell_backend_ops live_backend = {backend_start, backend_kill};

/* ---- agents ---- */

static void lose(struct cs_live_agents *a, struct lagent *g)
{
	if (!g->up)
		return;
	fprintf(stderr, "clustersim live: agent %s lost (no sync for %gs): its tasks are lost\n", g->id,
		cs_time_to_seconds(a->timeout));
	g->up = false;
	a->n.agents_lost++;
	reply_held(g);
	a->losing = g;
	cs_world_live_machine(a->w, g->machine, false, NULL);
	a->losing = NULL;
	/* (the world killed its tasks: their kills wait in g->kills for
	 * the agent's return) */
	json_array_clear(g->pending);
}

static void on_timeout(void *ctx, cs_time now)
{
	struct lagent *g = ctx;
	struct cs_live_agents *a = g->owner;
	g->timeout_set = false;
	if (!g->up)
		return;
	if (now - g->last_seen >= a->timeout) {
		lose(a, g);
		return;
	}
	g->timeout_event = cs_engine_at(&a->w->engine, g->last_seen + a->timeout, on_timeout, g);
	g->timeout_set = true;
}

static void free_agent(struct lagent *g)
{
	json_decref(g->pending);
	json_decref(g->kills);
	free(g);
}

/* A machine for a new agent: the first no agent holds, else the one of
 * the agent lost longest ago (a lost agent that comes back under its id
 * keeps its machine only while nobody needed it). */
static struct lagent *take_machine(struct cs_live_agents *a, const char *id, struct cs_http_exchange *x)
{
	uint32_t n = a->w->cell.n, m = 0, oldest = n;
	while (m < n && a->of_machine[m])
		m++;
	for (uint32_t k = 0; m == n && k < n; k++) {
		const struct lagent *o = a->of_machine[k];
		if (!o->up && !o->held && (oldest == n || o->last_seen < a->of_machine[oldest]->last_seen))
			oldest = k;
	}
	if (m == n && oldest < n) {
		struct lagent *o = a->of_machine[oldest];
		if (o->timeout_set)
			cs_engine_cancel(&a->w->engine, o->timeout_event);
		if (o->kick_set)
			cs_engine_cancel(&a->w->engine, o->kick_event);
		cs_idmap_del(&a->agents, o->id);
		a->of_machine[oldest] = NULL;
		free_agent(o);
		m = oldest;
	}
	if (m == n) {
		char msg[256];
		snprintf(msg, sizeof msg, "the cell has no machine left for agent %.96s (%u machines, every one held by an "
			 "agent that is up)", id, n);
		cs_http_reply_json(x, 409, json_pack("{s:o}", "message", cs_http_json_text(msg)));
		return NULL;
	}
	struct lagent *g = cs_xcalloc(1, sizeof *g);
	snprintf(g->id, sizeof g->id, "%s", id);
	g->machine = m;
	g->pending = json_array();
	g->kills = json_array();
	g->owner = a;
	a->of_machine[m] = g;
	cs_idmap_put(&a->agents, id, g);
	return g;
}

static int bad(struct cs_http_exchange *x, const char *path, const char *what)
{
	json_t *v = json_pack("{s:s, s:[{s:s, s:[o]}]}", "message", "bad agent sync", "details", "path", path, "errors",
			      cs_http_json_text(what));
	cs_http_reply_json(x, 400, v);
	return -1;
}

/* The agent's resources as the cell's units (cores; MiB). */
static int read_resources(json_t *body, struct cs_res *cap, struct cs_http_exchange *x)
{
	json_t *r = json_object_get(body, "resources");
	double cpus = json_number_value(json_object_get(r, "cpus"));
	double mem = json_number_value(json_object_get(r, "mem_bytes")) / 1048576.0;
	double disk = json_number_value(json_object_get(r, "disk_bytes")) / 1048576.0;
	if (!json_is_object(r) || !(cpus > 0) || !(mem > 0) || !(disk >= 0) || cpus > 1e6 || mem > 1e12 || disk > 1e12)
		return bad(x, "/resources", "expected {cpus > 0, mem_bytes > 0, disk_bytes >= 0}");
	*cap = (struct cs_res){cs_qty_from_double(cpus), cs_qty_from_double(mem), cs_qty_from_double(disk)};
	return 0;
}

/* A task of the state before the restart, reported by g: running, it
 * joins its app on g's machine (the claim binds to its id); ended, its
 * row goes.  Returns its ltask, or NULL (ended, or its app is gone: then
 * it is an orphan to kill). */
static struct ltask *adopt_task(struct cs_live_agents *a, struct lagent *g, const char *id, bool running)
{
	char *app = cs_idmap_del(&a->recovering, id);
	struct ltask *lt = NULL;
	if (running && a->adopt && g->up) {
		a->binding = id;
		a->adopt(a->recover_ctx, app, g->machine);
		a->binding = NULL;
		lt = cs_idmap_get(&a->tasks, id);
	}
	if (!lt && a->db)
		cs_state_delete_task(a->db, id);
	free(app);
	return lt;
}

/* One reported task. */
static void report_task(struct cs_live_agents *a, struct lagent *g, json_t *t, json_t *acks)
{
	const char *id = json_string_value(json_object_get(t, "id"));
	const char *state = json_string_value(json_object_get(t, "state"));
	static const char *const states[] = {"TASK_RUNNING", "TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST"};
	bool known = false;
	for (size_t i = 0; state && i < sizeof states / sizeof *states; i++)
		known |= strcmp(state, states[i]) == 0;
	if (!id || !known)
		return; /* (not a report this protocol has: nothing to act on) */
	bool running = strcmp(state, "TASK_RUNNING") == 0;
	struct ltask *lt = cs_idmap_get(&a->tasks, id);
	if (!lt && a->in_recovery && cs_idmap_get(&a->recovering, id))
		lt = adopt_task(a, g, id, running);
	if (!lt || lt->agent != g) {
		if (running) {
			/* (one we killed is not an orphan: its kill is queued) */
			if (add_kill(g, id))
				a->n.orphans_killed++;
		} else {
			json_array_append_new(acks, json_string(id));
		}
		return;
	}
	if (!lt->confirmed) {
		lt->confirmed = true;
		remove_pending(g, id);
	}
	a->gen++;
	struct cs_task *task = lt->task;
	if (running) {
		if (task->state == CS_TASK_STAGING) {
			cs_live_iso_now(lt->started_at, sizeof lt->started_at);
			json_decref(lt->ports);
			lt->ports = json_incref(json_object_get(t, "ports"));
			cs_task_started(task);
		}
		return;
	}
	int status = (int)json_integer_value(json_object_get(t, "exit_status"));
	bool staging = task->state == CS_TASK_STAGING;
	if (a->db)
		cs_state_delete_task(a->db, id);
	forget(a, lt);
	json_array_append_new(acks, json_string(id));
	if (strcmp(state, "TASK_LOST") == 0) {
		a->n.tasks_lost++;
		cs_task_lost(task);
	} else if (strcmp(state, "TASK_FINISHED") == 0) {
		a->n.tasks_finished++;
		if (staging)
			cs_task_started(task);
		cs_task_exited(task, 0);
	} else {
		/* FAILED, or KILLED without our asking (the agent shutting down) */
		a->n.tasks_failed++;
		if (status == 0)
			status = strcmp(state, "TASK_KILLED") == 0 ? 143 : 1;
		if (staging)
			cs_task_start_failed(task, status);
		else
			cs_task_exited(task, status);
	}
}

/* Tasks this agent had confirmed and no longer lists: lost (its work
 * directory was wiped, or it restarted and found them gone). */
static void missing_tasks(struct cs_live_agents *a, struct lagent *g, json_t *listed)
{
	struct cs_idmap seen;
	cs_idmap_init(&seen);
	size_t i;
	json_t *v;
	json_array_foreach(listed, i, v)
		if (json_is_string(json_object_get(v, "id")))
			cs_idmap_put(&seen, json_string_value(json_object_get(v, "id")), v);
	struct ltask **gone = NULL;
	size_t ngone = 0, cap = 0, it = 0;
	struct cs_idmap_slot *s;
	while ((s = cs_idmap_next(&a->tasks, &it))) {
		struct ltask *lt = s->value;
		if (lt->agent == g && lt->confirmed && !cs_idmap_get(&seen, lt->id)) {
			CS_GROW(gone, cap, ngone + 1);
			gone[ngone++] = lt;
		}
	}
	for (size_t k = 0; k < ngone; k++) {
		struct cs_task *task = gone[k]->task;
		if (a->db)
			cs_state_delete_task(a->db, gone[k]->id);
		forget(a, gone[k]);
		a->n.tasks_lost++;
		cs_task_lost(task);
	}
	free(gone);
	/* kills are done once the agent no longer lists the task running */
	for (size_t k = json_array_size(g->kills); k-- > 0;) {
		json_t *t = cs_idmap_get(&seen, json_string_value(json_array_get(g->kills, k)));
		const char *st = t ? json_string_value(json_object_get(t, "state")) : NULL;
		if (!st || strcmp(st, "TASK_RUNNING") != 0)
			json_array_remove(g->kills, k);
	}
	cs_idmap_release(&seen);
}

void cs_live_agents_sync(struct cs_live_agents *a, struct cs_http_exchange *x)
{
	json_error_t jerr;
	json_t *body = json_loads(x->body, 0, &jerr);
	const char *id = json_string_value(json_object_get(body, "agent"));
	const char *host = json_string_value(json_object_get(body, "host"));
	json_t *tasks = json_object_get(body, "tasks");
	struct cs_res cap;
	if (!body || !json_is_object(body)) {
		bad(x, "/", jerr.text[0] ? jerr.text : "expected an object");
		json_decref(body);
		return;
	}
	if (!id || !host || !*id || strlen(id) >= 96 || strlen(host) >= 64 || !json_is_array(tasks)) {
		bad(x, "/agent", "expected agent and host strings and a tasks list");
		json_decref(body);
		return;
	}
	if (read_resources(body, &cap, x) < 0) {
		json_decref(body);
		return;
	}
	a->n.syncs++;
	struct lagent *g = cs_idmap_get(&a->agents, id);
	if (!g && !(g = take_machine(a, id, x))) {
		json_decref(body);
		return;
	}
	cs_time now = cs_engine_now(&a->w->engine);
	g->last_seen = now;
	snprintf(g->host, sizeof g->host, "%s", host);
	const char *inc = json_string_value(json_object_get(body, "incarnation"));
	const char *lim = json_string_value(json_object_get(body, "limits"));
	snprintf(g->incarnation, sizeof g->incarnation, "%s", inc ? inc : "");
	snprintf(g->limits, sizeof g->limits, "%s", lim ? lim : "");
	bool leaving = json_is_true(json_object_get(body, "leaving"));
	if (!g->up && !leaving) {
		g->up = true;
		g->cap = cap;
		/* constraints on "hostname" see the agent's host, as in Mesos */
		cs_cell_set_hostname(&a->w->cell, g->machine, g->host);
		cs_world_live_machine(a->w, g->machine, true, &cap);
		fprintf(stderr, "clustersim live: agent %s is machine %u (%g cpus, %g MiB, limits: %s)\n", g->id,
			g->machine, cs_qty_to_double(cap.cpu), cs_qty_to_double(cap.mem), g->limits);
	}
	if (!g->timeout_set && g->up) {
		g->timeout_event = cs_engine_at(&a->w->engine, now + a->timeout, on_timeout, g);
		g->timeout_set = true;
	}
	json_t *acks = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(tasks, i, t)
		if (json_is_object(t))
			report_task(a, g, t, acks);
	missing_tasks(a, g, tasks);
	if (leaving)
		lose(a, g);
	if (a->in_recovery && cs_idmap_del(&a->recover_agents, g->id) && a->recover_agents.n == 0 && a->recovered)
		a->recovered(a->recover_ctx);
	/* an older held sync of this agent is answered first */
	reply_held(g);
	json_int_t wait = json_integer_value(json_object_get(body, "wait_ms"));
	json_decref(body);
	if (wait > 0 && g->up && json_array_size(acks) == 0 && json_array_size(g->pending) == 0 &&
	    json_array_size(g->kills) == 0) {
		json_decref(acks);
		g->held = x;
		g->hold_event = cs_engine_after(&a->w->engine, (cs_time)(wait > 60000 ? 60000 : wait) * 1000,
						on_hold_over, g);
		g->hold_set = true;
		return;
	}
	if (!durable(a)) {
		json_decref(acks);
		cs_http_reply(x, 503, "{\"message\":\"the controller cannot write its state\"}\n", NULL);
		return;
	}
	cs_http_reply_json(x, 200, desired(g, acks));
}

void cs_live_agents_set_state(struct cs_live_agents *a, struct cs_state_db *db)
{
	a->db = db;
}

void cs_live_agents_set_recovery(struct cs_live_agents *a, cs_live_adopt_fn *adopt, cs_live_recovered_fn *done,
				 void *ctx)
{
	a->adopt = adopt;
	a->recovered = done;
	a->recover_ctx = ctx;
}

void cs_live_agents_recover_task(struct cs_live_agents *a, const char *id, const char *app, const char *agent)
{
	a->in_recovery = true;
	free(cs_idmap_del(&a->recovering, id));
	cs_idmap_put(&a->recovering, id, strdup(app));
	cs_idmap_put(&a->recover_agents, agent, a);
}

bool cs_live_agents_recovering(const struct cs_live_agents *a)
{
	return a->in_recovery;
}

void cs_live_agents_end_recovery(struct cs_live_agents *a)
{
	size_t it = 0;
	struct cs_idmap_slot *s;
	while ((s = cs_idmap_next(&a->recovering, &it))) {
		if (a->db) /* no agent reported it: gone with its agent */
			cs_state_delete_task(a->db, s->key);
		free(s->value);
	}
	cs_idmap_release(&a->recovering);
	cs_idmap_release(&a->recover_agents);
	cs_idmap_init(&a->recovering);
	cs_idmap_init(&a->recover_agents);
	a->in_recovery = false;
	durable(a);
}

void cs_live_agents_gone(struct cs_live_agents *a, struct cs_http_exchange *x)
{
	size_t it = 0;
	struct cs_idmap_slot *s;
	while ((s = cs_idmap_next(&a->agents, &it))) {
		struct lagent *g = s->value;
		if (g->held == x) {
			g->held = NULL;
			if (g->hold_set)
				cs_engine_cancel(&a->w->engine, g->hold_event);
			g->hold_set = false;
		}
	}
}

/* ---- lifetime and views ---- */

struct cs_live_agents *cs_live_agents_new(struct cs_world *w, cs_time agent_timeout, cs_live_launch_fn *launch,
					  void *ctx)
{
	struct cs_live_agents *a = cs_xcalloc(1, sizeof *a);
	a->w = w;
	a->timeout = agent_timeout;
	a->launch = launch;
	a->ctx = ctx;
	cs_idmap_init(&a->agents);
	cs_idmap_init(&a->tasks);
	cs_idmap_init(&a->by_task);
	cs_idmap_init(&a->recovering);
	cs_idmap_init(&a->recover_agents);
	a->of_machine = cs_xcalloc(w->cell.n ? w->cell.n : 1, sizeof *a->of_machine);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	a->id_salt = ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 40);
	return a;
}

void cs_live_agents_attach(struct cs_live_agents *a)
{
	for (uint32_t m = 0; m < a->w->cell.n; m++)
		cs_world_live_machine(a->w, m, false, NULL);
	cs_cell_set_backend(&a->w->cell, &live_backend, a);
}

void cs_live_agents_free(struct cs_live_agents *a)
{
	if (!a)
		return;
	size_t it = 0;
	struct cs_idmap_slot *s;
	while ((s = cs_idmap_next(&a->tasks, &it))) {
		struct ltask *lt = s->value;
		json_decref(lt->ports);
		free(lt);
	}
	it = 0;
	while ((s = cs_idmap_next(&a->agents, &it)))
		free_agent(s->value);
	cs_idmap_release(&a->agents);
	cs_idmap_release(&a->tasks);
	cs_idmap_release(&a->by_task);
	it = 0;
	while ((s = cs_idmap_next(&a->recovering, &it)))
		free(s->value);
	cs_idmap_release(&a->recovering);
	cs_idmap_release(&a->recover_agents);
	free(a->of_machine);
	free(a);
}

struct cs_task *cs_live_agents_task(const struct cs_live_agents *a, const char *id)
{
	struct ltask *lt = cs_idmap_get(&a->tasks, id);
	return lt ? lt->task : NULL;
}

json_t *cs_live_agents_tasks(const struct cs_live_agents *a, const char *app)
{
	json_t *out = json_array();
	size_t it = 0;
	struct cs_idmap_slot *s;
	while ((s = cs_idmap_next(&a->tasks, &it))) {
		struct ltask *lt = s->value;
		const struct cs_job *job = lt->task->job;
		const char *name = job->controller ? job->controller->name : a->w->workloads[job->workload].name;
		if (app && strcmp(app, name) != 0)
			continue;
		char app_id[300];
		snprintf(app_id, sizeof app_id, "/%s", name);
		/* (a task not started yet has no ports: an empty list, owned here) */
		json_t *t = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o}", "id", lt->id, "appId", app_id, "host",
				      lt->agent->host, "ports", lt->ports ? json_incref(lt->ports) : json_array(), "state",
				      lt->task->state == CS_TASK_RUNNING ? "TASK_RUNNING" : "TASK_STAGING", "stagedAt",
				      lt->staged_at, "startedAt",
				      lt->started_at[0] ? json_string(lt->started_at) : json_null());
		json_object_set_new(t, "slaveId", json_string(lt->agent->id));
		json_array_append_new(out, t);
	}
	return out;
}

void cs_live_agents_each_running(const struct cs_live_agents *a, cs_live_task_fn *fn, void *ctx)
{
	size_t it = 0;
	struct cs_idmap_slot *s;
	while ((s = cs_idmap_next(&a->tasks, &it))) {
		const struct ltask *lt = s->value;
		const struct cs_job *job = lt->task->job;
		if (lt->task->state == CS_TASK_RUNNING && !lt->never_run && lt->ports)
			fn(ctx, job->controller ? job->controller->name : a->w->workloads[job->workload].name, lt->id,
			   lt->agent->host, lt->ports);
	}
}

json_t *cs_live_agents_list(const struct cs_live_agents *a)
{
	json_t *out = json_array();
	for (uint32_t m = 0; m < a->w->cell.n; m++) {
		const struct lagent *g = a->of_machine[m];
		if (!g)
			continue;
		json_array_append_new(out, json_pack("{s:s, s:I, s:b, s:f, s:f, s:s}", "id", g->id, "machine",
						     (json_int_t)m, "up", g->up, "cpus", cs_qty_to_double(g->cap.cpu),
						     "mem", cs_qty_to_double(g->cap.mem), "limits", g->limits));
	}
	return out;
}

uint64_t cs_live_agents_generation(const struct cs_live_agents *a)
{
	return a->gen;
}

struct cs_live_agent_counts cs_live_agents_counts(const struct cs_live_agents *a)
{
	struct cs_live_agent_counts c = a->n;
	c.agents_up = 0;
	for (uint32_t m = 0; m < a->w->cell.n; m++)
		c.agents_up += a->of_machine[m] && a->of_machine[m]->up;
	return c;
}
