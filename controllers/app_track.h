/* controllers/app_track — what every app controller kind shares: its
 * instances' jobs, how many run, the availability and restore figures of
 * summary.json's "apps", and when each real system notices a lost machine.
 *
 * Counting: an instance runs from its task_started to its end.  An app is
 * available while running >= desired.  A restore episode starts when an
 * instance is lost (its machine failed, it was killed or preempted) while
 * the app was available, and ends when running is back at desired; its
 * length is a restore_seconds sample (episodes still open at the end are
 * not counted).  restarts counts the instances launched to replace lost
 * ones; losses the instances that ended otherwise than FINISHED.  A
 * job's controller slot holds a byte per task: whether it started. 
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

struct cs_app_track {
	struct cs_controller *c;
	struct cs_app_rule *rule;     /* the app's constraints (app_rule.c), or NULL */
	uint64_t violations;          /* started instances that broke one */
	const struct cs_app *app;     /* its jobs' spec (NULL: none) */
	struct cs_res req;
	cs_time duration;             /* of an instance (CS_TIME_NEVER: until lost) */
	uint64_t desired, running;
	uint64_t restarts, losses;
	cs_time since;                /* the last change of running (or the start) */
	cs_time started_at;
	double available_seconds, running_area;
	bool degraded;
	cs_time degraded_since;
	double *restores;
	size_t nrestores, caprestores;
	struct cs_job **live;
	size_t nlive, caplive;
	uint64_t owed;                /* replacements due at a pending detection */
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
};
/* The entry's "mesos" / "kubernetes" object (defaults written in). */
int cs_mesos_timing_parse(const struct cs_cfg *cfg, json_t *entry, const char *path, struct cs_mesos_timing *out);
int cs_k8s_timing_parse(const struct cs_cfg *cfg, json_t *entry, const char *path, struct cs_k8s_timing *out);
/* The entry's "task_duration": null (the default: until lost) or a time. */
int cs_app_task_duration(const struct cs_cfg *cfg, json_t *entry, const char *path, cs_time *out);

void cs_app_track_init(struct cs_app_track *t, struct cs_controller *c, const struct cs_res *req, uint64_t desired,
		       cs_time duration);
/* The same for an app of the spec readers: its per-instance request and
 * instances, and the entry's task_duration (-1 on a bad one). */
struct cs_app;
int cs_app_track_adopt(struct cs_app_track *t, struct cs_controller *c, const struct cs_app *app,
		       const struct cs_cfg *cfg, json_t *entry, const char *path);
void cs_app_track_release(struct cs_app_track *t);
/* At the controller's start. */
void cs_app_track_start(struct cs_app_track *t);
/* Submit n instances now (one job); replacement counts them as restarts. */
void cs_app_track_launch(struct cs_app_track *t, uint32_t n, bool replacement);
/* Launch one replacement at time at (a detection's moment; the calls
 * come in the order of their times). */
void cs_app_track_replace_at(struct cs_app_track *t, cs_time at);
void cs_app_track_started(struct cs_app_track *t, struct cs_task *task);
/* One of its tasks ended (call before deciding what to do). */
void cs_app_track_ended(struct cs_app_track *t, struct cs_task *task, enum cs_task_state why);
void cs_app_track_job_ended(struct cs_app_track *t, struct cs_job *job);
/* summary.json's entry for the app: kind, desired, running_mean,
 * availability, restore_seconds {median, max, n}, restarts, losses,
 * constraint_violations. */
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
void cs_app_ops_destroy(struct cs_controller *c);
/* start: the first instances */
void cs_app_ops_start(struct cs_controller *c);

/* When a framework on Mesos hears of a task on a machine lost at t. */
cs_time cs_mesos_agent_removed(cs_time t, cs_time ping_interval, uint32_t max_pings);
/* When the node controller marks a node that failed at t NotReady. */
cs_time cs_k8s_node_not_ready(cs_time t, cs_time status_every, cs_time monitor_every, cs_time grace);

#endif
