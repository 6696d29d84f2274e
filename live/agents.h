/* live/agents — the controller's side of its agents: the cell's live
 * backend.
 *
 * Each agent that syncs (POST /agent/v1/sync, docs/live.md "The agent
 * protocol") takes a machine of the experiment's cell, the first one no
 * agent holds, with the resources the agent offers as its capacity, and
 * the machine comes up; an agent that has not synced for the agent
 * timeout is lost: its machine goes down and its tasks end LOST, as a
 * machine failure does in simulation, and the controllers replace them.
 * The agent keeps its machine when it comes back under the same id
 * (HOST:PORT).  Machines without an agent are down.
 *
 * As the cell's backend, a claim (cs_cell_backend_ops.start) becomes a
 * launch queued for the machine's agent under a new task id
 * ("APP.HEX16", Marathon's form), and a kill a kill; the agent's reports
 * move the task's life cycle (sim/task.h): TASK_RUNNING -> started,
 * TASK_FINISHED -> exited 0, TASK_FAILED -> exited with the status (start
 * failed while staging), TASK_KILLED not asked for -> exited 143,
 * TASK_LOST -> lost.  A launch is sent until the agent lists the task; a
 * task the agent lists that the controller does not know (killed,
 * replaced, from before a restart) is killed; a task the agent listed
 * once and lists no more is lost.  Replies to a held sync go out as soon
 * as there is something to send, batched by an event at "now".
 *
 * Ownership: owned by the live controller (live/controller.c), on the
 * engine's thread. */
#ifndef CS_LIVE_AGENTS_H
#define CS_LIVE_AGENTS_H
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/engine.h"

struct cs_world;
struct cs_task;
struct cs_http_exchange;
struct cs_live_agents;

/* What a task runs (cmd or args, env, ports, kill_grace_s), for the
 * launch request; the agents add id, app and resources.  A new object. */
typedef json_t *cs_live_launch_fn(void *ctx, const struct cs_task *task);

struct cs_live_agents *cs_live_agents_new(struct cs_world *w, cs_time agent_timeout, cs_live_launch_fn *launch,
					  void *ctx);
/* Before the run: every machine down until an agent takes it; the
 * backend installed. */
void cs_live_agents_attach(struct cs_live_agents *a);
void cs_live_agents_free(struct cs_live_agents *a);

/* Durable state (live/state_db.h): every launched task is a row from its
 * launch until its end is known; the state is flushed before every reply
 * to an agent.  NULL: none. */
struct cs_state_db;
void cs_live_agents_set_state(struct cs_live_agents *a, struct cs_state_db *db);

/* Recovery after a controller restart: task id of app on agent (as the
 * state had it) may still run.  Until cs_live_agents_end_recovery, an
 * agent that reports such a task running gets it adopted: adopt(ctx, app,
 * machine) must make the app's controller take an instance on machine
 * (controller.h's recover), whose claim this backend binds to the task
 * instead of launching; what no agent reports by then is forgotten.
 * recovered(ctx) is called once every agent named has synced. */
typedef void cs_live_adopt_fn(void *ctx, const char *app, uint32_t machine);
typedef void cs_live_recovered_fn(void *ctx);
void cs_live_agents_recover_task(struct cs_live_agents *a, const char *id, const char *app, const char *agent);
void cs_live_agents_set_recovery(struct cs_live_agents *a, cs_live_adopt_fn *adopt, cs_live_recovered_fn *done,
				 void *ctx);
void cs_live_agents_end_recovery(struct cs_live_agents *a);
/* Whether tasks of the state wait for their agents. */
bool cs_live_agents_recovering(const struct cs_live_agents *a);

/* POST /agent/v1/sync (authenticated by the caller). */
void cs_live_agents_sync(struct cs_live_agents *a, struct cs_http_exchange *x);
/* A held sync whose client went away. */
void cs_live_agents_gone(struct cs_live_agents *a, struct cs_http_exchange *x);

/* Tasks as /v2/tasks shows them, those of app (NULL: all): a new array
 * of {id, appId, host, ports, state, stagedAt, startedAt}. */
json_t *cs_live_agents_tasks(const struct cs_live_agents *a, const char *app);
/* Each task running (the agent reported it started): fn(ctx, its app's
 * name, its id, its agent's host, its host ports as the agent gave them). */
typedef void cs_live_task_fn(void *ctx, const char *app, const char *id, const char *host, const json_t *ports);
void cs_live_agents_each_running(const struct cs_live_agents *a, cs_live_task_fn *fn, void *ctx);
/* The task of an id, if it is on a machine. */
struct cs_task *cs_live_agents_task(const struct cs_live_agents *a, const char *id);
/* A count that changes whenever a task or an agent does (a launch, a
 * kill, a report, an agent up or lost): views built from the tasks are
 * the same while it is. */
uint64_t cs_live_agents_generation(const struct cs_live_agents *a);
/* Agents for /v2/info and /metrics: a new array. */
json_t *cs_live_agents_list(const struct cs_live_agents *a);
/* Counters for /metrics. */
struct cs_live_agent_counts {
	uint64_t agents_up, agents_lost, launches, syncs, tasks_finished, tasks_failed, tasks_lost, orphans_killed;
};
struct cs_live_agent_counts cs_live_agents_counts(const struct cs_live_agents *a);

#endif
