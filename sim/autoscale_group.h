/* sim/autoscale_group — an autoscaling group as the world holds it: what
 * sim/autoscale_parse.c reads from the experiment's "autoscaling" and
 * sim/world_autoscale.c runs.  Internal to those two files.
 *
 * A group of `max` machines of one instance type is one machine class of
 * the cell, named after the group; an instance is one of its machines.
 * Instance life: OUT (not launched: the machine is out of service) ->
 * BOOTING (launched and billed, not yet in service: the boot delay) ->
 * IN_SERVICE (up; warming up for `warmup` after it came in service) ->
 * DRAINING (up but closed to new tasks: a drained scale-in, or a spot
 * interruption notice) -> OUT again (terminated: its tasks are killed and
 * lost, and their jobs or controllers place them again).  The group's
 * capacity is its BOOTING and IN_SERVICE instances (not the draining). */
#ifndef CS_AUTOSCALE_GROUP_H
#define CS_AUTOSCALE_GROUP_H
#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "sim/autoscale_policy.h"
#include "sim/engine.h"
#include "workloads/dist.h"

enum as_state { AS_OUT, AS_BOOTING, AS_IN_SERVICE, AS_DRAINING };
enum as_metric { AS_METRIC_CPU, AS_METRIC_MEM, AS_METRIC_DEMAND, AS_NMETRICS };
enum as_policy_type { AS_TARGET_TRACKING, AS_STEP, AS_SIMPLE };
enum as_scale_in { AS_SCALE_IN_KILL, AS_SCALE_IN_DRAIN };

struct as_group;
struct as_instance {
	struct as_group *group;
	uint32_t machine;
	enum as_state state;
	cs_time launched, in_service; /* CS_TIME_NEVER: not yet */
	cs_event_id event;            /* its boot, drain timeout, or 0 */
	cs_event_id spot_event;       /* its interruption notice or interruption, or 0 */
	cs_time interruption;         /* spot: when it is interrupted, else CS_TIME_NEVER */
};

struct as_policy {
	enum as_policy_type type;
	enum as_metric metric;
	double target;                /* target tracking */
	bool disable_scale_in;
	uint32_t datapoints_out, datapoints_in;
	double threshold;             /* step and simple: the alarm's */
	bool above;                   /* the alarm breaches above the threshold (else below) */
	uint32_t datapoints;          /* ... for this many datapoints in a row */
	enum cs_as_adjust adjust;
	double adjustment;            /* simple */
	int64_t min_magnitude;
	struct cs_as_step *steps;     /* step */
	size_t nsteps;
	cs_time cooldown;             /* simple: after its activity completes */
	cs_time quiet_until;          /* simple: in cooldown until then */
	bool awaiting;                /* simple: its activity is under way (the
				       * cooldown starts when it completes) */
};

/* A datapoint's sums over one period (its samples added up). */
struct as_sample {
	double used[AS_NMETRICS];     /* the metric's numerator */
	double cap[AS_NMETRICS];      /* ... and its denominator */
	uint32_t n;
};

struct as_group {
	struct cs_world *world;
	char *name;
	uint32_t first, count;        /* its machines: the class's */
	double price_per_hour, inst_cpu, inst_mem;
	int64_t min, max, desired;
	struct cs_dist boot;
	cs_time warmup, period, sample_every, drain_timeout, notice;
	uint32_t samples_per_period;
	struct as_policy *policies;
	uint32_t npolicies;
	enum cs_as_termination term[4];
	uint32_t nterm;
	enum cs_as_billing billing;
	double min_billed;            /* seconds */
	enum as_scale_in scale_in;
	bool spot, spot_replace;
	struct cs_dist interruption;  /* spot: time from launch to interruption */
	gsl_rng *rng;                 /* boot delays and interruptions */
	struct as_instance *inst;     /* count */

	/* the metric: the current period's sums, and the last datapoints
	 * (newest last) with their values per metric */
	struct as_sample acc;
	uint32_t samples_taken;
	double *history;              /* hist_cap x AS_NMETRICS */
	uint32_t hist_n, hist_cap;
	double load[AS_NMETRICS];     /* the latest datapoint's load (instances' worth) */
	uint32_t nbooting, nin_service, ndraining;

	uint64_t scale_outs, scale_ins, launched, terminated, spot_interruptions, unhealthy_replaced;
	uint64_t tasks_killed;
	double up_seconds, billed_seconds; /* of terminated instances */
	double capacity_area;         /* instance-seconds of capacity (booting + in service + draining) */
	cs_time area_since;
	uint32_t peak;
};

struct cs_world;
struct cs_cfg;
/* Parse exp's "autoscaling" into groups[*n] (allocated); each becomes a
 * class of w's cell.  -1 with cfg->err set on bad input. */
int cs_autoscale_parse(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp, struct as_group **groups,
		       uint32_t *n);
void cs_autoscale_group_release(struct as_group *g);

#endif
