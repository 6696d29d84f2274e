/* live/agent — `clustersim agent`: one host's agent of the live cluster.
 *
 * It runs tasks for the controller as processes (live/proc.h) limited by
 * the mechanism this host offers (live/cgroup_task.h), each in a sandbox
 * directory WORK/tasks/ID with its stdout and stderr, and keeps the
 * controller told of them through one protocol (docs/live.md, "The
 * agent protocol"):
 *
 *   POST CONTROLLER/agent/v1/sync, a JSON body of the agent (id, address,
 *   incarnation, resources, the limits it enforces) and its tasks (every
 *   task not yet acknowledged as ended: id, state, pid, ports, exit
 *   status, reason); the reply is the agent's desired state: tasks to
 *   launch (idempotent by id), to kill, and ended tasks the controller
 *   has recorded ("ack": the agent then forgets them).
 *
 * The controller may hold a sync (a long poll) for up to "wait_ms" when
 * it has nothing to send; the agent always has one such poll out, and
 * sends a second, unheld, sync when it has news (a task started or
 * ended) while the poll is held.  Every sync is a heartbeat.  When the
 * controller is unreachable the agent retries every retry interval and
 * its tasks run on: state is the agent's to report, not the
 * controller's to keep.
 *
 * Restarts: a task's record (WORK/tasks/ID/task.json: pid, its start
 * time, ports) is written before the task runs.  An agent started on a
 * work directory with records adopts the tasks whose process is still
 * its child (the agent re-executed itself on SIGUSR2, an upgrade in
 * place: children survive exec) and reports the others LOST, after
 * killing what is left in their cgroups; a crashed agent's tasks died
 * with it (PR_SET_PDEATHSIG).  SIGTERM or SIGINT: the agent kills its
 * tasks (SIGTERM, then SIGKILL after the grace period), reports them,
 * and exits.
 *
 * Kill: SIGTERM to the task's process group, SIGKILL to the group and
 * the cgroup after the task's grace period (Mesos' and Marathon's
 * taskKillGracePeriodSeconds; default 3 s, Mesos' executor's).  A task
 * whose main process exits has the rest of its group and cgroup killed.
 * States: TASK_RUNNING, then TASK_FINISHED (exit 0), TASK_FAILED (other
 * status, or a start failure, with the reason; an OOM kill has reason
 * REASON_CONTAINER_LIMITATION_MEMORY), TASK_KILLED (after a kill), or
 * TASK_LOST (gone across an agent restart).
 *
 * Ownership: one agent per process; everything runs on the engine's
 * thread under the real-time clock. */
#ifndef CS_LIVE_AGENT_H
#define CS_LIVE_AGENT_H
#include <stdbool.h>
#include <stdint.h>

struct cs_agent_opts {
	const char *controller;  /* base URL, "http://HOST:PORT" */
	const char *listen;      /* "HOST:PORT": its status page, and its HOST */
	double cpus;             /* 0: the host's online cpus */
	uint64_t mem_bytes;      /* 0: the host's memory less min(1 GiB, half) */
	uint64_t disk_bytes;     /* 0: the work directory's free space less min(5 GiB, half) */
	const char *work_dir;    /* NULL: /tmp/clustersim-agent-HOST-PORT */
	const char *token;       /* shared secret, or NULL */
	unsigned port_lo, port_hi; /* the ports it hands out (31000-32000) */
	double kill_grace_s;     /* default for tasks that give none (3) */
	unsigned wait_ms;        /* how long the controller may hold a poll (1000) */
	unsigned retry_ms;       /* between attempts while the controller is unreachable (500) */
	char **argv;             /* the agent's own command line (re-exec) */
};

/* Run the agent until SIGTERM/SIGINT.  Returns the exit code (0; 2 for
 * bad options or an unusable work directory or address, with one line on
 * stderr). */
int cs_agent_run(const struct cs_agent_opts *o);

#endif
