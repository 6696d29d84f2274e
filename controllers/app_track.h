/* controllers/app_track — what every app controller kind shares: its
 * instances' jobs, how many run, the availability and restore figures of
 * summary.json's "apps", and when each real system notices a lost machine.
 *
 * Counting: an instance runs from its task_started to its end.  An app is
 * available while running >= desired.  A restore episode starts when an
 * instance is lost (its machine failed, it was killed or preempted) while
 * the app was available, and ends when running is back at desired; its
 * length is a restore_seconds sample (episodes still open at the end are
 * not counted).  restarts counts the instances launched to make good ones
 * that ended; losses the instances that ended otherwise than FINISHED;
 * stopped the ones the controller stopped itself (cs_app_track_stop: not
 * losses).  Each job's controller slot holds its version and a record per
 * task (struct cs_app_job).
 *
 * Versions and ghosts: an update adds a version (a Marathon app version,
 * a Deployment's ReplicaSet); the counts are per version.  A lost
 * instance the system has not noticed yet is a ghost of its version until
 * its detection time: it still counts as one of the app's (the real
 * controller still sees it running), and the kind's changed() callback
 * runs when it goes.  The kinds reconcile their counts against their
 * targets (marathon.c, aurora.c, kube.c); a kind calls the track, never
 * the other way round, except changed().
 *
 * Detection (docs/model.md, "Cluster managers", states the sources):
 *  - Mesos (Marathon, Aurora): the master pings each agent every
 *    agent_ping_timeout (15 s) and removes it after
 *    max_agent_ping_timeouts (5) unanswered pings in a row; its tasks are
 *    then TASK_LOST to their framework.  Pings are at whole multiples of
 *    the interval from time 0, each timing out one interval later: a
 *    machine lost at t is removed max intervals after the first ping at
 *    or after t (when the max-th unanswered ping times out).
 *  - Kubernetes: the kubelet posts node status every
 *    node_status_update_frequency (10 s, at whole multiples from 0); the
 *    node controller checks every node_monitor_period (5 s) and marks a
 *    node NotReady at the first check strictly after the last status
 *    + node_monitor_grace_period (40 s); its pods are evicted when their
 *    unreachable toleration (DefaultTolerationSeconds: 300 s, or the
 *    pod's own) runs out, and only then replaced. */
#ifndef CS_APP_TRACK_H
#define CS_APP_TRACK_H
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "controllers/controller.h"

struct cs_app_rule;
struct cs_app_track;

/* An instance's state: a record per task in its job's controller slot
 * (struct cs_app_job). */
enum cs_inst_state {
	CS_INST_PENDING,  /* submitted, not yet running */
	CS_INST_RUNNING,  /* started, on its machine */
	CS_INST_STOPPING, /* the controller stopped it (a pending one is
			   * killed as soon as it starts) */
	CS_INST_DONE,     /* ended */
};
struct cs_inst {
	uint8_t state;
	cs_time started;
};
struct cs_app_job {
	uint32_t version;
	cs_time created;
	struct cs_inst inst[]; /* per task */
};

/* A version of the app: what its instances ask for (an update makes a new
 * one: a Marathon app version, a Deployment's ReplicaSet, an Aurora job
 * update), and how many of its instances there are. */
struct cs_app_version {
	const struct cs_app *app;
	struct cs_res req;
	uint64_t pending, running, ghosts; /* ghosts: lost, not yet noticed */
	uint64_t target;       /* the kind's own (a ReplicaSet's spec.replicas) */
	cs_time created;
};

/* A lost instance the system has not noticed yet: it still counts as one
 * of its version's until `until` (the detection), then the kind's
 * changed() callback runs. */
struct cs_ghost {
	struct cs_app_track *t;
	uint32_t version;
	bool gone;             /* noticed, or deleted by a scale-down */
	bool armed;            /* its detection event is to come */
	cs_time until;
};

struct cs_app_track {
	struct cs_controller *c;
	struct cs_app_rule *rule;     /* the app's constraints (app_rule.c), or NULL */
	uint64_t violations;          /* started instances that broke one */
	const struct cs_app *app;     /* its first version's spec (NULL: none) */
	cs_time duration;             /* of an instance (CS_TIME_NEVER: until lost) */
	bool exits_failing;           /* task_exit "failed": instances exit with status 1 */
	uint64_t desired, running;
	uint64_t restarts, losses, stopped, preemptions;
	uint64_t unreplaced;          /* ended instances not yet made good by a launch */
	cs_time since;                /* the last change of running (or the start) */
	cs_time started_at, ended_at; /* ended_at: deleted (CS_TIME_NEVER: not) */
	double available_seconds, running_area;
	bool degraded;
	cs_time degraded_since;
	double *restores;
	size_t nrestores, caprestores;
	struct cs_job **live;
	size_t nlive, caplive;
	struct cs_app_version *v;
	uint32_t nv, capv;
	struct cs_ghost **ghosts;
	size_t nghosts, capghosts;
	struct cs_task **to_kill;     /* cancelled pending instances that started */
	size_t nto_kill, capto_kill;
	cs_event_id kill_event;
	bool kill_scheduled;
	/* the kind's reconcile step (cs_app_track_reconcile runs it), also
	 * run when the track notices a change by itself (a ghost's
	 * detection, a held launch's time); NULL: none */
	void (*reconcile_once)(struct cs_controller *c);
	bool in_reconcile, again, wake_scheduled;
};

/* Which instances a scale-down stops first. */
enum cs_kill_order {
	/* Kubernetes' ActivePodsWithRanks: unassigned (pending) first, then
	 * phase Unknown (lost, unnoticed), then running; among those, more
	 * pods of the same set on its node first, then ready for less time,
	 * then created later */
	CS_KILL_K8S,
	/* Marathon's killSelection YOUNGEST_FIRST / OLDEST_FIRST: unreachable
	 * (ghosts) first, then not yet running, then by start time */
	CS_KILL_YOUNGEST_FIRST,
	CS_KILL_OLDEST_FIRST,
	/* Aurora: the highest instance ids, i.e. the ones created last */
	CS_KILL_NEWEST_CREATED,
};

/* A scale-down victim: a task (pending or running), or a ghost. */
struct cs_victim {
	struct cs_job *job;    /* an instance: its job and task index (a
				* pending job may have no task array yet) */
	uint32_t index;
	struct cs_ghost *ghost; /* or a ghost (job NULL) */
};

/* Mesos' and Kubernetes' detection constants, with their defaults. */
struct cs_mesos_timing {
	cs_time ping;                 /* agent_ping_timeout, 15 s */
	uint32_t max_pings;           /* max_agent_ping_timeouts, 5 */
};
struct cs_k8s_timing {
	cs_time status_every;         /* node_status_update_frequency, 10 s */
	cs_time monitor_every;        /* node_monitor_period, 5 s */
	cs_time grace;                /* node_monitor_grace_period, 40 s */
	cs_time toleration;           /* default_toleration_seconds, 300 s */
	uint64_t burst;               /* burst_replicas: a ReplicaSet's creations
				       * or deletions per sync, 500 */
};
/* The entry's "mesos" / "kubernetes" object (defaults written in). */
int cs_mesos_timing_parse(const struct cs_cfg *cfg, json_t *entry, const char *path, struct cs_mesos_timing *out);
int cs_k8s_timing_parse(const struct cs_cfg *cfg, json_t *entry, const char *path, struct cs_k8s_timing *out);
/* The entry's "task_duration": null (the default: until lost) or a time. */
int cs_app_task_duration(const struct cs_cfg *cfg, json_t *entry, const char *path, cs_time *out);

void cs_app_track_init(struct cs_app_track *t, struct cs_controller *c, const struct cs_res *req, uint64_t desired,
		       cs_time duration);
/* The same for an app of the spec readers: its per-instance request and
 * instances (version 0), and the entry's task_duration and task_exit (-1
 * on a bad one). */
struct cs_app;
int cs_app_track_adopt(struct cs_app_track *t, struct cs_controller *c, const struct cs_app *app,
		       const struct cs_cfg *cfg, json_t *entry, const char *path);
void cs_app_track_release(struct cs_app_track *t);
/* A new version (an update); returns its index (the newest). */
uint32_t cs_app_track_add_version(struct cs_app_track *t, const struct cs_app *app);
/* At the controller's start. */
void cs_app_track_start(struct cs_app_track *t);
/* Submit n instances of version v now (one job); as many as there are
 * unreplaced losses count as restarts. */
void cs_app_track_launch(struct cs_app_track *t, uint32_t v, uint32_t n);
void cs_app_track_started(struct cs_app_track *t, struct cs_task *task);
/* One of its tasks ended: returns false when the controller had stopped
 * it (nothing to react to), true otherwise (a loss unless FINISHED). */
bool cs_app_track_ended(struct cs_app_track *t, struct cs_task *task, enum cs_task_state why);
void cs_app_track_job_ended(struct cs_app_track *t, struct cs_job *job);
/* The version of a task's instance. */
uint32_t cs_app_track_version_of(const struct cs_task *task);
/* A task lost (just ended LOST) stays counted as a ghost of its version
 * until `until`; then t->changed runs. */
void cs_app_track_ghost(struct cs_app_track *t, const struct cs_task *task, cs_time until);
/* Instances of versions [first, last): pending + running + ghosts, and
 * running. */
uint64_t cs_app_track_existing(const struct cs_app_track *t, uint32_t first, uint32_t last);
uint64_t cs_app_track_running_in(const struct cs_app_track *t, uint32_t first, uint32_t last);
/* Up to n victims among versions [first, last) in the given order; returns
 * how many (out has room for n). */
size_t cs_app_track_victims(struct cs_app_track *t, uint32_t first, uint32_t last, size_t n, enum cs_kill_order order,
			    struct cs_victim *out);
/* Stop one victim: kill a running task, cancel a pending one, forget a
 * ghost.  Not a loss. */
void cs_app_track_stop(struct cs_app_track *t, const struct cs_victim *v);
/* Stop up to n victims of versions [first, last) in the given order;
 * returns how many. */
size_t cs_app_track_stop_some(struct cs_app_track *t, uint32_t first, uint32_t last, uint64_t n,
			      enum cs_kill_order order);
/* Launch n of the newest version now, or -- before not_before (a launch
 * delay) -- reconcile again then; returns false when held back (true
 * the first time a hold is set). */
bool cs_app_track_launch_at(struct cs_app_track *t, uint64_t n, cs_time not_before, bool *held_new);
/* Run the kind's reconcile step until nothing asks for another (a call
 * during a step, from a callback the step caused, asks for one); nothing
 * once the app is deleted. */
void cs_app_track_reconcile(struct cs_app_track *t);
/* The app's desired count changes (a scale; an Aurora job copy done). */
void cs_app_track_set_desired(struct cs_app_track *t, uint64_t desired);
/* Deleted: every instance stopped; its figures end now. */
void cs_app_track_delete(struct cs_app_track *t);
/* summary.json's entry for the app: kind, desired, running_mean,
 * availability, restore_seconds {median, max, n}, restarts, losses,
 * stopped, constraint_violations, versions. */
json_t *cs_app_track_report(struct cs_app_track *t, const char *kind);

/* An app's constraints as its jobs' placement rule (app_rule.c): NULL
 * for an app without constraints. */
struct cs_app_rule *cs_app_rule_new(const struct cs_app_track *t, const struct cs_app *app);
const struct cs_placement_rule *cs_app_rule_of(const struct cs_app_rule *r);
/* Whether task, started, keeps every constraint against the others. */
bool cs_app_rule_kept(const struct cs_app_rule *r, const struct cs_cell *cell, const struct cs_task *task);
void cs_app_rule_free(struct cs_app_rule *r);

/* The callbacks every app kind shares, for a kind whose impl struct
 * begins with its struct cs_app_track (the impl is freed by destroy). */
void cs_app_ops_task_started(struct cs_controller *c, struct cs_task *task);
void cs_app_ops_job_ended(struct cs_controller *c, struct cs_job *job);
int64_t cs_app_ops_running(struct cs_controller *c);
/* Live recovery: an instance of version v found running on machine (a
 * restarted controller's agent reports it) becomes one of the app's, its
 * task claimed there without the scheduler (staging until the caller
 * reports it started).  Returns its task (NULL once the app is deleted). */
struct cs_task *cs_app_track_recover(struct cs_app_track *t, uint32_t v, uint32_t machine);
/* Whether the controller stopped this instance while it was pending (it
 * is killed as soon as it starts): a live backend need not run it.  For
 * tasks of app jobs (job->spec set) only. */
bool cs_app_track_cancelled(const struct cs_task *task);
/* The ops-table form, for the latest version (controller.h's recover). */
void cs_app_ops_recover(struct cs_controller *c, uint32_t machine);
void cs_app_ops_destroy(struct cs_controller *c);
/* start: the first instances */
void cs_app_ops_start(struct cs_controller *c);

/* When a framework on Mesos hears of a task on a machine lost at t. */
cs_time cs_mesos_agent_removed(cs_time t, cs_time ping_interval, uint32_t max_pings);
/* When the node controller marks a node that failed at t NotReady. */
cs_time cs_k8s_node_not_ready(cs_time t, cs_time status_every, cs_time monitor_every, cs_time grace);
/* A ReplicaSet's slow-start batch sizes for n creations (1, 2, 4, ...,
 * the last what is left): how many (at most cap) written to sizes. */
size_t cs_k8s_slow_start_batches(uint64_t n, uint64_t *sizes, size_t cap);
/* An int-or-percent of total, a percentage rounded up or down. */
struct cs_intpct;
uint64_t cs_k8s_resolve_intpct(const struct cs_intpct *v, uint64_t total, bool round_up);
/* Marathon's launch delay after the n-th failure in a row (n >= 1):
 * min(backoff x factor^(n-1), max). */
double cs_marathon_launch_delay(double backoff, double factor, double max, uint64_t n);
/* Aurora's flapping penalty after the n-th flap in a row (n >= 1):
 * min(initial x 2^(n-1), max) (a truncated binary backoff). */
double cs_aurora_flap_delay(double initial, double max, uint64_t n);
/* Whether task's instance is running (not pending, stopping or ended). */
bool cs_app_track_is_running(const struct cs_task *task);
/* When the instance of task started (its run so far). */
cs_time cs_app_track_started_at(const struct cs_task *task);

#endif
