/* live/agent_internal — what agent.c (the loop and the protocol) and
 * agent_tasks.c (the task table: launch, kill, exit, records, recovery)
 * share.  Not for other modules. */
#ifndef CS_LIVE_AGENT_INTERNAL_H
#define CS_LIVE_AGENT_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "live/agent.h"
#include "live/cgroup_task.h"
#include "sim/engine.h"

#define AGENT_MAX_PORTS 16

enum atask_state { AT_RUNNING, AT_FINISHED, AT_FAILED, AT_KILLED, AT_LOST };

struct atask {
	char id[128];
	enum atask_state state;
	pid_t pid;                  /* its process (and process group); 0 once reaped */
	unsigned long long start_ticks;
	int exit_status;            /* exit code, or -signal */
	char reason[64], message[256];
	unsigned ports[AGENT_MAX_PORTS];
	unsigned nports;
	double cpus;
	uint64_t mem_bytes, disk_bytes;
	double grace_s;
	bool kill_requested, adopted;
	cs_event_id grace_event;
	bool grace_set;
	struct cs_cg_task cg;
	struct agent *agent;
	struct atask *next;
};

struct agent {
	struct cs_agent_opts o;
	char host[64];
	unsigned port;
	char id[96];          /* "HOST:PORT" */
	char incarnation[64];
	char work[512];
	char cg_name[96];     /* its cgroup directory's suffix */
	struct cs_cg_detect cg;
	char limits[128];     /* which limits it enforces, for the report */
	struct cs_engine e;
	struct cs_live_clock *clock;
	struct cs_http_server *srv;
	struct cs_http_client *cli;
	int sigfd;
	struct atask *tasks;
	unsigned ntasks;
	bool poll_out, report_out, news, stopping, reexec;
	bool registered;
	cs_event_id retry_event, news_event;
	bool retry_set, news_set;
	uint64_t syncs, sync_failures, launched;
	/* task cgroups that could not be removed yet (their last processes
	 * were still exiting): retried at every reap and at the end */
	struct cs_cg_task *cg_left;
	size_t ncg_left, capcg_left;
};

/* agent_tasks.c */
void agent_launch(struct agent *a, json_t *spec);
void agent_kill(struct agent *a, const char *id);
void agent_forget(struct agent *a, const char *id);
void agent_reap(struct agent *a);
void agent_recover(struct agent *a);
void agent_kill_all(struct agent *a, double grace_s);
/* Retry removing the cgroups left; returns how many are left. */
size_t agent_cg_sweep(struct agent *a);
/* Remove a task's cgroups now or later (agent_cg_sweep). */
void agent_cg_drop(struct agent *a, struct cs_cg_task *cg);
json_t *agent_task_json(const struct atask *t);
const char *agent_state_name(enum atask_state s);
struct atask *agent_find(struct agent *a, const char *id);

/* agent.c: something to report (a task started or ended) */
void agent_news(struct agent *a);

#endif
