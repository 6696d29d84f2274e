/* sim/world_internal — what the world's own files share (world.c,
 * world_build.c, prefill.c, timeseries.c); not for schedulers. */
#ifndef CS_WORLD_INTERNAL_H
#define CS_WORLD_INTERNAL_H
#include "sim/world.h"

struct cs_machine_event {
	cs_time at;
	bool up;
	uint32_t first, count;
	struct cs_world *world;
};

extern const struct cs_cell_backend_ops cs_world_sim_backend;
/* The same, also telling of every start: the scheduler's task_started
 * (host.notify_started) and an attached balancer (a watched job's). */
extern const struct cs_cell_backend_ops cs_world_sim_backend_notify;

void cs_world_machine_down(struct cs_world *w, uint32_t m);
void cs_world_machine_up(struct cs_world *w, uint32_t m);
void cs_world_schedule_machine_events(struct cs_world *w);

/* A controller and its workload named name (an error at where if the
 * name is taken); w->controllers has room (parse_workloads). */
struct cs_controller_ops;
struct cs_controller *cs_world_add_controller(struct cs_world *w, const struct cs_cfg *cfg, const char *name,
					      const struct cs_controller_ops *ops, const char *where);

/* Apps (world_apps.c): the spec files of "apps", read before the
 * workloads (to count their controllers), then a controller per app. */
int cs_world_load_apps(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp);
size_t cs_world_count_app_controllers(const struct cs_world *w);
int cs_world_parse_apps(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp);
/* summary.json's "apps" (NULL without apps) */
json_t *cs_world_apps_summary(struct cs_world *w);
/* The Kubernetes Service of that name among the apps' files, or NULL;
 * workloads (room for every workload) gets the workloads of the apps its
 * selector selects, *n of them. */
const struct cs_app *cs_world_service(struct cs_world *w, const char *name, uint32_t *workloads, size_t *n);
/* An entry of "events" that acts on an app (scale, update, delete). */
bool cs_world_is_app_event(json_t *e);
int cs_world_parse_app_event(struct cs_world *w, const struct cs_cfg *cfg, json_t *e, const char *p);
void cs_world_start_app_events(struct cs_world *w);
/* their "app.NAME.running" columns of timeseries.csv */
void cs_world_apps_series_add(struct cs_world *w);
void cs_world_release_apps(struct cs_world *w);

/* Live mode (world_live.c): "live" read before the workloads (its app
 * slots are controllers to make room for); its workload, after the
 * others. */
int cs_world_parse_live(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp);
void cs_world_add_live_workload(struct cs_world *w);
/* An empty apps record (world_apps.c), so that summary.json has "apps"
 * for apps added while running. */
void cs_world_apps_ensure(struct cs_world *w);

/* Failures (world_failures.c): a machine is down while any failure that
 * took it down is unrepaired; these count them and call machine_down/up
 * on the transitions. */
void cs_world_fail_machine(struct cs_world *w, uint32_t m);
void cs_world_repair_machine(struct cs_world *w, uint32_t m);
/* Out of service (an autoscaling group's instance not launched or
 * terminated; at_start: before the schedulers exist) and back in: the
 * machine is up while in service and not failed. */
void cs_world_take_offline(struct cs_world *w, uint32_t m, bool at_start);
void cs_world_bring_online(struct cs_world *w, uint32_t m);
bool cs_world_machine_failed(struct cs_world *w, uint32_t m);
/* Whether a machine class has every attribute value of selector (an
 * object; "class" matches the class's name; values compared as text). */
bool cs_world_class_matches(const struct cs_machine_class *mc, json_t *selector);
int cs_world_parse_failures(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp);
void cs_world_start_failures(struct cs_world *w);
/* timeseries.csv's machines_down column, when failures are reported */
void cs_world_failures_series_add(struct cs_world *w);
/* summary.json's "failures" (NULL when the experiment has none) */
json_t *cs_world_failures_summary(struct cs_world *w);
void cs_world_release_failures(struct cs_world *w);

/* Autoscaling groups (world_autoscale.c): "autoscaling" parsed after
 * the cell (its groups become machine classes), started at 0, told of a
 * failed machine (a group replaces its instance), its timeseries columns
 * and summary ("autoscaling", NULL without groups). */
int cs_world_parse_autoscaling(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp);
void cs_world_start_autoscaling(struct cs_world *w);
void cs_world_autoscale_failed(struct cs_world *w, uint32_t m);
/* A closed (draining) machine's last task left: a drained instance goes. */
void cs_world_autoscale_emptied(struct cs_world *w, uint32_t m);
/* After a task left machine m: a closed machine left empty is told (an
 * inline test: every task's end comes here). */
static inline void cs_world_left_machine(struct cs_world *w, uint32_t m)
{
	if (__builtin_expect(w->cell.mach[m].closed, 0) && w->cell.mach[m].ntasks == 0)
		cs_world_autoscale_emptied(w, m);
}
void cs_world_autoscaling_series_add(struct cs_world *w);
json_t *cs_world_autoscaling_summary(struct cs_world *w);
void cs_world_release_autoscaling(struct cs_world *w);

/* Helix (world_helix.c): "helix" parsed after the cell and its groups
 * (its participants are machines), started at 0, told of every machine
 * going down or up, its columns and summary ("helix", NULL without). */
int cs_world_parse_helix(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp);
void cs_world_start_helix(struct cs_world *w);
void cs_world_helix_machine(struct cs_world *w, uint32_t m, bool up);
void cs_world_helix_series_add(struct cs_world *w);
json_t *cs_world_helix_summary(struct cs_world *w);
void cs_world_release_helix(struct cs_world *w);

/* timeseries.csv (timeseries.c): the world's columns, added first to
 * w->series; the first row and the sampling; the last row (-1: past
 * the row limit, w->err set). */
void cs_world_series_add(struct cs_world *w);
void cs_world_timeseries_start(struct cs_world *w);
int cs_world_timeseries_finish(struct cs_world *w);

/* Make a placed prefill job the world's (freed when its tasks end). */
void cs_world_adopt_prefill(struct cs_world *w, struct cs_job *job);

/* Place a job a trace gives as the initial state (job->prefill) now, by
 * random first fit on its own stream; what fits nowhere is counted. */
void cs_world_place_initial(struct cs_world *w, struct cs_job *job);
/* Place the tasks of a prefill job now with pl (shrinking it to what was
 * placed: the rest is counted as skipped) and make it the world's. */
struct cs_placer;
void cs_world_place_prefill(struct cs_world *w, struct cs_placer *pl, struct cs_job *job);

/* Free the pool of task arrays (world teardown). */
void cs_world_pool_release(struct cs_world *w);

/* Hand a new job to its scheduler (or, as recorded, to its start). */
void cs_world_submit(struct cs_world *w, struct cs_job *job);
/* Submit job with task i claimed on machines[i] now, bypassing the
 * scheduler (live recovery: the tasks run there already; a machine may
 * end up over-committed if its agent shrank). */
void cs_world_submit_placed(struct cs_world *w, struct cs_job *job, const uint32_t *machines);
/* Stop a controller's task that holds a machine: it ends KILLED. */
void cs_world_kill(struct cs_world *w, struct cs_task *task);

/* The controller layer (world_controllers.c). */
size_t cs_world_count_controllers(const json_t *exp);
int cs_world_parse_controllers(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp);
void cs_world_start_controllers(struct cs_world *w);
void cs_world_controller_task_ended(struct cs_task *task, enum cs_task_state why);
void cs_world_controller_job_ended(struct cs_job *job);
void cs_world_controller_task_started(struct cs_task *task);
json_t *cs_world_controllers_summary(struct cs_world *w);
void cs_world_release_controllers(struct cs_world *w);

/* A session balancer on a workload's tasks (world_balancer.c): parse
 * exp's "balancer" (none: nothing), start it at 0, hear a watched
 * task's start and end, its summary object, free it. */
int cs_world_parse_balancer(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp);
void cs_world_start_balancer(struct cs_world *w);
void cs_world_balancer_task_started(struct cs_world *w, struct cs_task *task);
void cs_world_balancer_task_left(struct cs_world *w, struct cs_task *task);
json_t *cs_world_balancer_summary(struct cs_world *w);
void cs_world_release_balancer(struct cs_world *w);

/* Parse experiment.prefill and fill the cell at t = 0. */
int cs_world_prefill(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp);

#endif
