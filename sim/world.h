/* sim/world — one simulation: engine + cell + workloads + scheduler +
 * metrics, built from a resolved experiment and run to its end.
 *
 * The world is the glue between the seams.  It
 *  - streams arrivals: one pending job per workload source, scheduled as
 *    an event at its submit time, handed to the scheduler when it fires;
 *  - is the simulation backend of the cell: a claimed task's end is an
 *    event after its duration -- one event for all the tasks of a job that
 *    start at one instant with one duration (tasks of one decision); a
 *    killed task leaves its group, and an emptied group's event is
 *    cancelled;
 *  - tells the scheduler when a task ended or a machine changed, and
 *    metrics when a job was submitted, first attempted, fully placed,
 *    finished;
 *  - owns jobs: created by sources, freed once ended and recorded;
 *  - applies a job's request changes (job->req_changes) at their times:
 *    job->req becomes the new request, which placements use from then on,
 *    and every running task of the job is resized on its machine.  As
 *    recorded, in place whatever the machine holds (over-commit shows in
 *    the peak demand); rescheduled, in place where the new request fits
 *    the machine, else the task is stopped and goes back to its scheduler
 *    to be placed again with the new request, running its whole duration
 *    again (Borg's rule for an update that no longer fits: Verma et al.,
 *    EuroSys 2015, section 2.3); a stopped task of the initial state or
 *    of an abandoned job is not replaced.  The scheduler is told through
 *    request_changed().
 *
 * Schedulers report progress through cs_world_attempt / cs_world_placed
 * / cs_world_abandon (below) and change the cell only through its API.
 *
 * Equal-time ordering: events run FIFO in the order they were scheduled.
 * A task end is scheduled when the task starts; arrivals are scheduled one
 * at a time per source. So at one instant, ends of tasks started earlier
 * run before arrivals scheduled later, and the order is reproducible. */
#ifndef CS_WORLD_H
#define CS_WORLD_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <gsl/gsl_rng.h>
#include <jansson.h>

#include "schedulers/scheduler.h"
#include "sim/cell.h"
#include "sim/config.h"
#include "sim/engine.h"
#include "sim/host.h"
#include "sim/limits.h"
#include "sim/metrics.h"
#include "workloads/source.h"

struct cs_workload {
	char *name;
	enum cs_job_kind kind;
	struct cs_source src;
	struct cs_job *next;     /* the pending arrival */
	cs_time last_submit;     /* of the latest job taken from the source */
	/* jobs read while the initial state was drained, before the run
	 * (submitted at 0, and the first one after): they arrive first */
	struct cs_job **held;
	size_t nheld, held_cap, held_next;
	bool source_done;        /* the source returned its end (or failed) */
	bool as_recorded;        /* a trace replayed without the scheduler */
	bool exhausted;          /* no more jobs: none held, the source ended */
	bool watched;            /* its tasks are an attached balancer's servers */
	struct cs_world *world;
	uint32_t index;
	const struct cs_app *app;  /* an app's workload: the app (else NULL) */
	const char *framework;     /* its "apps" entry's framework, or NULL */
	/* request changes of its jobs (a trace's updates): running tasks
	 * resized in place, and (rescheduled) stopped because the new request
	 * did not fit their machine */
	uint64_t tasks_resized, tasks_stopped_to_resize;
};

struct cs_machine_event;
struct cs_world_failures;
struct cs_world_autoscale;
struct cs_world_helix;
struct cs_world_apps;
struct cs_world_balancer;
struct cs_controller;
struct cs_placer;

struct cs_world {
	const char *file;        /* the experiment file, for messages */
	char *name;
	uint64_t seed;
	cs_time duration;        /* CS_TIME_NEVER: until every job ended */
	cs_time sample_interval;
	bool check_invariants;
	bool jobs_csv;            /* output.jobs: write jobs.csv */
	bool per_day;             /* output.per_day: daily values in summary.json (analysis/per_day) */
	bool strict;              /* trace rows a format skips are errors */
	struct cs_limits limits;  /* how large the run may be (sim/limits) */

	struct cs_engine engine;
	struct cs_cell cell;
	struct cs_workload *workloads;
	const struct cs_app **workload_apps;   /* the host's copies (host.h) */
	const char **workload_frameworks;
	bool *workload_on_mesos;
	uint32_t nworkloads;
	const struct cs_scheduler_ops *sched_ops;
	void *sched;
	const char *sched_type;

	struct cs_host host;      /* what the plug-ins see of it (sim/host.h) */
	struct cs_world_balancer *balancer; /* a session balancer on a workload's tasks */
	struct cs_controller *controllers; /* the experiment's "controllers", then its apps' */
	uint32_t ncontrollers;
	bool controllers_notify;  /* a controller kind hears of task starts */
	struct cs_world_apps *apps; /* the spec files of "apps" (world_apps.c) */
	/* live mode ("live": {"apps": N}, world_live.c): room for N apps
	 * added while the run goes on (the API's), all of one workload */
	uint32_t live_slots, live_apps, live_workload;
	struct cs_metrics metrics;
	struct cs_series series;  /* timeseries.csv (no file: none) */
	struct cs_report ts_prev; /* busy at the last sample */
	double ts_cpu_area, ts_mem_area, ts_cap_cpu, ts_cap_mem;

	struct cs_machine_event *machine_events;
	uint32_t nmachine_events;
	struct cs_world_failures *failures; /* down counts, failure processes, events */
	struct cs_world_autoscale *autoscale; /* autoscaling groups (world_autoscale.c) */
	struct cs_world_helix *helix; /* a Helix cluster on the cell's machines (world_helix.c) */

	uint64_t next_job_id;
	struct cs_job *live_head, *live_tail;
	uint64_t jobs_pending;   /* submitted, not fully placed, not abandoned */
	uint64_t jobs_running;   /* fully placed, some task still running */
	uint64_t tasks_lost;
	uint64_t tasks_preempted;
	struct {
		uint64_t tasks, skipped;
		struct cs_res res;
	} prefill;

	struct {                 /* as-recorded replay */
		uint32_t next_machine;
		uint64_t overcommitted_starts;
		double peak_cpu, peak_mem; /* the largest used/capacity seen */
	} recorded;

	struct cs_placer *initial_placer; /* traces' initial state, made on demand */
	struct cs_end_group *spare_groups; /* freed end groups, for reuse */
	/* Freed task arrays by size class c (room for 2^c tasks), for reuse:
	 * a job's array is a few KiB, past malloc's fast caches, and one
	 * comes and goes with every job (see cs_world_attempt). */
	struct pool_link *task_pool[32];
	uint32_t task_pool_n[32];
	struct cs_error *err;    /* a source failed during the run */
	bool failed;
	bool done;                /* no duration, and nothing is left to do */
};

/* Build the world from the experiment tree `exp` (modified in place: the
 * defaults are filled in).  Output files may be NULL. */
int cs_world_init(struct cs_world *w, json_t *exp, const struct cs_cfg *cfg, FILE *jobs_csv,
		  FILE *timeseries);
/* Run to the end.  Returns 0, or -1 with err set if a source failed. */
int cs_world_run(struct cs_world *w, struct cs_error *err);
/* summary.json for the finished run (a new object). */
json_t *cs_world_summary(struct cs_world *w);
void cs_world_release(struct cs_world *w);

/* For schedulers: a scheduling attempt of job begins now. */
void cs_world_attempt(struct cs_world *w, struct cs_job *job);
/* For schedulers: tasks of job were claimed (or an attempt ended); records
 * the job as scheduled when every task is placed.  With check_invariants it
 * first checks the cell (every scheduler calls this after each decision or
 * commit, so that is where the check lives).  Returns true if the job is fully placed (the
 * scheduler must drop it then). */
bool cs_world_placed(struct cs_world *w, struct cs_job *job);
/* For schedulers: give up on job (its placed tasks run on). */
void cs_world_abandon(struct cs_world *w, struct cs_job *job);
/* For schedulers: take a running task off its machine for a more
 * important one; its job comes back through submit() to place it again. */
void cs_world_preempt(struct cs_world *w, struct cs_task *task);
/* Live mode (world_live.c): a controller for app, added now to the
 * running world (its kind's, as for an "apps" entry; the entry may be
 * NULL), started now or (start false: a recovering controller adopts its
 * running instances first) by cs_world_live_start; NULL with err set when
 * the world has no room left ("live": {"apps": N}) or the kind refuses
 * the entry.  The app must outlive the run. */
struct cs_app;
struct cs_controller *cs_world_live_app(struct cs_world *w, const struct cs_app *app, json_t *entry, bool start,
					struct cs_error *err);
void cs_world_live_start(struct cs_world *w, struct cs_controller *c);
/* Live mode: machine m comes up with capacity cap (its agent took it)
 * or goes down (its agent was lost: its tasks end LOST). */
void cs_world_live_machine(struct cs_world *w, uint32_t m, bool up, const struct cs_res *cap);
/* The index of a workload by name, or -1. */
int cs_world_workload(const struct cs_world *w, const char *name);
/* A new random stream for a named consumer (free with gsl_rng_free). */
gsl_rng *cs_world_rng(const struct cs_world *w, const char *name);

#endif
