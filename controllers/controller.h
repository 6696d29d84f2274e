/* controllers/controller — the plug-in interface of every controller kind:
 * what keeps work running on top of whatever scheduler the experiment
 * configures (a replica controller, later a Marathon app, an Aurora
 * service, a Kubernetes Deployment).
 *
 * A controller kind is one file exporting a const ops table, listed by
 * name in controllers/registry.c; an entry of the experiment's top-level
 * "controllers" list picks it with "kind".  Each entry is also a workload
 * of the run, named after the entry: the scheduler maps it to a path,
 * scheduler or framework by that name like any workload, and metrics count
 * its jobs.
 *
 * A controller acts through the host (sim/host.h) and these calls:
 *  - cs_host_submit: a new job of its workload, handed to the scheduler;
 *  - cs_host_kill (sim/host.h): stop one of its running tasks (it is not
 *    replaced unless the controller replaces it).
 * Its callbacks:
 *  - create(): parse the entry's keys (name, kind, at are read by the
 *    world);
 *  - start(): the entry's "at" has come (default 0): submit;
 *  - task_ended(task, why): one of its tasks left its machine (sim/task.h
 *    says why); the world does not place a controller's tasks again --
 *    replacing them is the controller's decision;
 *  - task_started(task): one of its tasks is running on its machine
 *    (optional);
 *  - job_ended(job): every task of one of its jobs has ended (the job is
 *    freed after this returns);
 *  - report(): its part of summary.json's "controllers" (a new object);
 *  - running(): how many of its tasks run now (optional; a kind that has
 *    it gets a column "app.NAME.running" in timeseries.csv);
 *  - destroy().
 * A kind that keeps apps of the spec readers alive (specs/spec.h: a
 * Marathon app, an Aurora job, a Kubernetes workload) also has takes(app),
 * true for the apps it keeps, and adopt(), which replaces create() for an
 * entry of the experiment's "apps": it gets the app (the kind copies what
 * it keeps) and the entry with its own keys (keys_for_apps); and act(),
 * the experiment's scripted actions on the app ("events": scale, update,
 * delete; sim/world_apps.c), each as the real system carries it out.
 * Per-job data goes in job->slot[CS_LAYER_CONTROLLER]. */
#ifndef CS_CONTROLLER_H
#define CS_CONTROLLER_H
#include <jansson.h>

#include "sim/config.h"
#include "sim/host.h"

struct cs_controller;
struct cs_app;

/* A scripted action on an app.  An update's version is a copy of the
 * app's spec with the event's "set" applied, owned by the world and alive
 * for the whole run. */
enum cs_app_act { CS_ACT_SCALE, CS_ACT_UPDATE, CS_ACT_DELETE };
struct cs_app_action {
	enum cs_app_act what;
	uint64_t instances;          /* scale: the new count; update: the version's */
	const struct cs_app *version; /* update */
};

struct cs_controller_ops {
	const char *kind;
	const char *const *keys; /* the kind's own keys, NULL-terminated */
	int (*create)(struct cs_controller *c, const struct cs_cfg *cfg, json_t *config, const char *path);
	void (*start)(struct cs_controller *c);
	void (*task_ended)(struct cs_controller *c, struct cs_task *task, enum cs_task_state why);
	void (*job_ended)(struct cs_controller *c, struct cs_job *job);
	json_t *(*report)(struct cs_controller *c);
	void (*destroy)(struct cs_controller *c);
	void (*task_started)(struct cs_controller *c, struct cs_task *task);
	int64_t (*running)(struct cs_controller *c);
	bool (*takes)(const struct cs_app *app);
	const char *const *keys_for_apps; /* an "apps" entry's keys besides file, key, at */
	int (*adopt)(struct cs_controller *c, const struct cs_cfg *cfg, const struct cs_app *app, json_t *entry,
		     const char *path);
	void (*act)(struct cs_controller *c, const struct cs_app_action *a);
	/* Live mode's recovery (optional): an instance of the app found
	 * running on machine after a controller restart joins the app, before
	 * start() (which then launches only what is missing). */
	void (*recover)(struct cs_controller *c, uint32_t machine);
};

/* One controller of the run: the world owns it. */
struct cs_controller {
	const struct cs_controller_ops *ops;
	void *impl;            /* the kind's state */
	struct cs_host *host;
	const char *name;      /* the entry's (and its workload's) name */
	uint32_t workload;     /* its workload's index */
	cs_time at;            /* when it starts */
	bool app;              /* made for an entry of "apps" (reported under "apps") */
};

/* A new job of c's workload: ntasks tasks asking req each, running for
 * duration (CS_TIME_NEVER: until killed or lost), of the given kind and
 * priority, with the app spec its tasks are instances of (NULL: none),
 * submitted now. */
struct cs_job *cs_host_submit(struct cs_host *h, struct cs_controller *c, uint32_t ntasks, const struct cs_res *req,
			      cs_time duration, enum cs_job_kind kind, int priority, const struct cs_app *spec);
/* The same in two steps, for a kind that fills the job's controller slot
 * before the scheduler sees it (a batch queue may start it within submit). */
struct cs_job *cs_host_new_job(struct cs_host *h, struct cs_controller *c, uint32_t ntasks, const struct cs_res *req,
			       cs_time duration, enum cs_job_kind kind, int priority, const struct cs_app *spec);
void cs_host_submit_job(struct cs_host *h, struct cs_job *job);
/* Live recovery: submit job with its tasks placed now on machines[i]
 * (they run there already), without the scheduler. */
void cs_host_submit_placed(struct cs_host *h, struct cs_job *job, const uint32_t *machines);

/* The registry. */
const struct cs_controller_ops *cs_controller_find(const char *kind);
/* The first kind that takes app, or NULL. */
const struct cs_controller_ops *cs_controller_for_app(const struct cs_app *app);
const char *const *cs_controller_kinds(void);
/* Kinds from files outside the project (an experimenter's, a test's):
 * define this function, returning a NULL-terminated table, and its kinds
 * are found after the built-in ones. */
const struct cs_controller_ops *const *cs_controller_extra_kinds(void) __attribute__((weak));

#endif
